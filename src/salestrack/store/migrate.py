"""Bring a database to the current schema (Alembic), after a backup copy of an existing file.

A database written by a newer salestrack is refused, never touched.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from salestrack import clock
from salestrack.config import DbTarget
from salestrack.errors import DatabaseError, SchemaTooNew
from salestrack.store import files
from salestrack.store import revision as revision_constant
from salestrack.store.errors import translate_errors

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class Upgrade:
    """What :func:`upgrade` did."""

    from_revision: str | None
    to_revision: str
    backup: Path | None


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head() -> str:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise DatabaseError(
            f"the migrations must have one head, found {heads}; reinstall salestrack"
        )
    return heads[0]


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def stored_revision(connection: Connection) -> str | None:
    """The revision in ``alembic_version``, read without importing Alembic."""
    from sqlalchemy import inspect, text

    if not inspect(connection).has_table("alembic_version"):
        return None
    value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if value is None else str(value)


def _user_tables(connection: Connection) -> list[str]:
    from sqlalchemy import inspect

    return [t for t in inspect(connection).get_table_names() if t != "alembic_version"]


def check_revision(revision: str | None, target: DbTarget) -> None:
    """Refuse a revision this version of salestrack does not know: a newer database when it
    looks like one of ours (four digits after the newest), else an unknown one."""
    if revision is not None and revision not in known_revisions():
        if not (revision.isdigit() and len(revision) == 4 and revision > head()):
            raise DatabaseError(
                f"the database '{target.display}' is at schema revision '{revision}', which "
                "salestrack never wrote; point --db at a salestrack database or restore a backup"
            )
        raise SchemaTooNew(
            f"the database '{target.display}' is at schema revision {revision}, newer than "
            f"this salestrack knows (up to {head()}); upgrade salestrack "
            "(pip install -U salestrack) or use another --db"
        )


def backup_sqlite(
    path: Path,
    dest: Path,
    *,
    numbered: bool = False,
    tick: Callable[[int, int], None] | None = None,
) -> Path:
    """A consistent online copy of a SQLite database (the backup API), mode 0600.

    Written to a ``.part`` file of this process and linked to ``dest`` when complete, so an
    interrupted copy never leaves a file that looks like a good backup and a backup never
    replaces another. With ``numbered`` (a name salestrack chose), a name already taken, by
    an earlier backup in the same second or by one running beside it, becomes ``-2``,
    ``-3``... before the suffix; otherwise it is an error.
    """
    if dest.exists() and not numbered:
        raise DatabaseError(f"backup file '{dest}' already exists; choose another path")
    files.private_folder(dest.parent)
    part = dest.with_name(f"{dest.name}.{os.getpid()}.part")
    part.unlink(missing_ok=True)
    fd = os.open(part, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        # a file this process can't write is read as it is (its folder may be read-only too)
        source = (
            files.read_only_connection(path)
            if files.read_only(path)
            else sqlite3.connect(path, timeout=10)
        )
        try:
            target = sqlite3.connect(part)
            try:
                if tick is None:
                    source.backup(target)
                else:  # in steps, each reported as (pages copied, pages in all)
                    source.backup(target, pages=4096, progress=lambda _, left, n: tick(n - left, n))
            finally:
                target.close()
        finally:
            source.close()
        n = 1
        while True:
            final = dest if n == 1 else dest.with_name(f"{dest.stem}-{n}{dest.suffix}")
            try:
                os.link(part, final)  # unlike a rename, never replaces a file
                return final
            except FileExistsError:
                if not numbered:
                    raise DatabaseError(
                        f"backup file '{dest}' already exists; choose another path"
                    ) from None
                n += 1
    finally:
        part.unlink(missing_ok=True)


def backup_name(path: Path, revision: str) -> Path:
    """``<name>.<UTC stamp>.before-<revision>.bak``, numbered if that exists already."""
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    found = path.with_name(f"{path.name}.{stamp}.before-{revision}.bak")
    n = 1
    while found.exists():
        n += 1
        found = path.with_name(f"{path.name}.{stamp}-{n}.before-{revision}.bak")
    return found


def upgrade(target: DbTarget, tick: Callable[[int, int], None] | None = None) -> Upgrade:
    """Migrate ``target`` to the newest revision; a no-op when it is current. ``tick(done,
    total)`` follows the backup copy of a file, the part that grows with its size."""
    from salestrack.store.engine import make_engine

    had_data = files.prepare(target.path) if target.path is not None else True
    if target.path is not None and had_data:  # another application's file: refuse untouched
        peek = sqlite3.connect(target.path)
        try:
            files.refuse_foreign(peek, target.display)
        finally:
            peek.close()
    engine = make_engine(target, write=True)
    try:
        with translate_errors(target), engine.begin() as connection:
            revision = stored_revision(connection)
            if revision == revision_constant.HEAD:  # the usual case: no Alembic import
                return Upgrade(revision, revision, None)
            check_revision(revision, target)
            latest = head()
            if revision == latest:
                return Upgrade(revision, latest, None)
            if revision is None and _user_tables(connection):
                raise DatabaseError(
                    f"'{target.display}' holds tables that are not salestrack's; "
                    "point --db or SALESTRACK_DB at another file"
                )
            backup = None
            if target.path is not None and had_data and revision is not None:
                backup = backup_sqlite(
                    target.path, backup_name(target.path, latest), numbered=True, tick=tick
                )
            from alembic import command

            command.upgrade(alembic_config(connection), "head")
            return Upgrade(revision, latest, backup)
    finally:
        engine.dispose()
