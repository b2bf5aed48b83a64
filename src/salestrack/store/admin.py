"""``db status`` and ``db backup``: what the database is, and a consistent copy of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from salestrack import clock
from salestrack.config import DbTarget
from salestrack.errors import DatabaseError, UsageError
from salestrack.store import files
from salestrack.store import revision as revision_constants
from salestrack.store.errors import translate_errors
from salestrack.store.sql import Store


@dataclass
class Status:
    location: str
    chosen_by: str
    exists: bool
    revision: str | None
    head: str
    size_bytes: int | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def state(self) -> str:
        if not self.exists:
            return "not created yet (the first command creates it)"
        if self.revision == self.head:
            return "current"
        if self.revision is None:
            return "empty (the first command creates the schema)"
        if self.revision in revision_constants.KNOWN:
            return f"needs upgrade to {self.head} (the next command does it, after a backup)"
        return "written by a newer salestrack"


def status(target: DbTarget, chosen_by: str) -> Status:
    """Describe ``target`` without changing it."""
    from salestrack.store import connect, schema

    head = revision_constants.HEAD
    if target.path is not None:
        if not target.path.exists():
            return Status(target.display, chosen_by, False, None, head)
        files.check_header(target.path)
        if files.read_only(target.path):
            db: Any = files.read_only_connection(target.path)
        else:
            db = connect.sqlite_connection(target.path)
    else:
        db = connect.server_connection(target)
    try:
        with translate_errors(target):
            found = connect.sqlite_revision(db) if target.path else connect.server_revision(db)
            result = Status(target.display, chosen_by, True, found, head)
            if target.path is not None:
                result.size_bytes = target.path.stat().st_size
            if found == head:
                store = Store(db, sqlite=target.path is not None)
                kept = _kept_counts(store) if store.sqlite else {}
                for name in (*schema.TABLES, "settings"):
                    n = kept.get(name)
                    if n is None:
                        n = store.scalar(f"SELECT count(*) FROM {name}")
                    result.counts[name] = int(n)
            return result
    finally:
        if target.path is None:
            db.rollback()
        db.close()


def _kept_counts(store: Store) -> dict[str, int]:
    """The row counts the triggers keep (revision 0009), when every table still has both of
    its triggers; else nothing (and every table is counted)."""
    from salestrack.store import schema

    triggers = store.scalar(
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'tr_count_%'"
    )
    if triggers != 2 * len(schema.TABLES):
        return {}
    kept = {str(t): int(n) for t, n in store.rows("SELECT table_name, n FROM row_counts")}
    return kept if all(t in kept for t in schema.TABLES) else {}


def backup(target: DbTarget, dest: Path | None) -> Path:
    """A consistent copy of a SQLite database taken while it may be in use."""
    if target.path is None:
        raise UsageError(
            "db backup copies SQLite files; for PostgreSQL use pg_dump "
            "(or salestrack export when available)"
        )
    if not target.path.exists():
        raise DatabaseError(f"there is no database at '{target.path}' to back up yet")
    from salestrack.store import files

    files.check_header(target.path)
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    chosen = dest is None or dest.is_dir()  # salestrack names it, numbered when taken
    if dest is None:
        dest = target.path.with_name(f"{target.path.name}.{stamp}.bak")
    elif dest.is_dir():
        dest = dest / f"{target.path.stem}-{stamp}.db"
    from salestrack.store import migrate

    with translate_errors(target):
        try:
            return migrate.backup_sqlite(target.path, dest, numbered=chosen)
        except PermissionError:
            raise DatabaseError(
                f"can't write the backup in '{dest.parent}' (permission denied); give a folder "
                "you can write: salestrack db backup FOLDER"
            ) from None


def restore(target: DbTarget, source: Path) -> Path:
    """Replace the database's content with ``source`` (a salestrack SQLite file).

    The current content is first copied beside it (``<name>.<stamp>.replaced``), then the
    source is written in with SQLite's backup API, which takes the database's locks, so a
    salestrack running at the same moment sees the old or the new database, never a mix.
    Returns the path of the kept copy.
    """
    import sqlite3

    from salestrack.store import files, migrate

    if target.path is None:
        raise UsageError("db restore writes SQLite files; for PostgreSQL use pg_restore")
    source = source.expanduser().absolute()
    if not source.is_file():
        raise UsageError(f"PATH: there is no file '{source}' to restore from")
    if source.exists() and target.path.exists() and source.samefile(target.path):
        raise UsageError("PATH: that is the database itself; give a backup file")
    files.check_header(source)
    try:
        probe = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            found = probe.execute("SELECT version_num FROM alembic_version").fetchone()
            check = probe.execute("PRAGMA quick_check").fetchone()
        finally:
            probe.close()
    except sqlite3.Error:
        raise DatabaseError(f"'{source}' is not a salestrack database; nothing changed") from None
    if not found:
        raise DatabaseError(f"'{source}' is not a salestrack database; nothing changed")
    if check != ("ok",):
        raise DatabaseError(f"'{source}' is damaged ({check[0]}); nothing changed")
    migrate.check_revision(str(found[0]), DbTarget(f"sqlite:///{source}", source))
    files.prepare(target.path)
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    kept = target.path.with_name(f"{target.path.name}.{stamp}.replaced")
    with translate_errors(target):
        kept = migrate.backup_sqlite(target.path, kept, numbered=True)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=10)
        try:
            dst = sqlite3.connect(target.path, timeout=10)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    return kept
