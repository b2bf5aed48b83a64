"""The SQLite file itself: private permissions, friendly errors. Stdlib only (hot path)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from salestrack.errors import DatabaseError

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000  # a writer waits this long for another one
SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL")


def private_folder(folder: Path) -> None:
    """Create ``folder`` and every missing folder above it with mode 0700 (``mkdir(parents=
    True)`` gives the upper ones the umask's mode, usually 0755)."""
    missing = []
    for level in (folder, *folder.parents):
        if level.exists():
            break
        missing.append(level)
    for level in reversed(missing):
        level.mkdir(mode=0o700, exist_ok=True)
        os.chmod(level, 0o700)  # mkdir's mode is masked by the umask too


def prepare(path: Path) -> bool:
    """Make sure ``path`` can hold the database. Returns True when the file already had data.

    A new folder is created 0700 and a new file 0600 (SQLite gives its -wal and -shm files
    the same mode), so a database of sales notes is private from the start.
    """
    if path.is_dir():
        raise DatabaseError(f"database path '{path}' is a folder; give a file name inside it")
    parent = path.parent
    if not parent.exists():
        try:
            private_folder(parent)
        except OSError as exc:
            raise DatabaseError(
                f"can't create the folder '{parent}' for the database ({exc.strerror}); "
                "choose another path with --db or SALESTRACK_DB"
            ) from None
    if path.exists():
        if path.stat().st_size == 0:
            return False
        check_header(path)
        if not os.access(path, os.W_OK) or not os.access(parent, os.W_OK):
            raise DatabaseError(
                f"the database '{path}' or its folder is read-only; "
                "fix the permissions or choose another path with --db"
            )
        return True
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return path.stat().st_size > 0
    except OSError as exc:
        raise DatabaseError(
            f"can't create the database '{path}' ({exc.strerror}); "
            "choose a writable path with --db or SALESTRACK_DB"
        ) from None
    os.close(fd)
    return False


def check_header(path: Path) -> None:
    """Refuse a file that is not a SQLite database, before SQLite says it less clearly."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseError(f"can't read the database '{path}' ({exc.strerror})") from None
    if head and head != SQLITE_HEADER:
        raise DatabaseError(
            f"'{path}' is not a salestrack database (not a SQLite file); "
            "point --db or SALESTRACK_DB at another file"
        )


def foreign_tables(db: sqlite3.Connection) -> list[str]:
    """The tables of a SQLite file that has no salestrack revision (another application's
    file when not empty). Read before any PRAGMA, so refusing it changes nothing in it."""
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    if "alembic_version" in names:
        return []
    return [n for n in names if not n.startswith("sqlite_")]


def refuse_foreign(db: sqlite3.Connection, display: str) -> None:
    if foreign_tables(db):
        raise DatabaseError(
            f"'{display}' holds tables that are not salestrack's; "
            "point --db or SALESTRACK_DB at another file"
        )


def read_only(path: Path) -> bool:
    """This process can't write the file, or its folder (where SQLite keeps ``-wal`` and
    ``-shm``): a read then opens it read-only (:func:`read_only_connection`)."""
    import os

    return not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)


def read_only_connection(path: Path) -> sqlite3.Connection:
    """A read-only connection to a file this process can't write. In a folder it can't
    write, with no ``-wal`` beside the file (no one is writing it: a writer would have made
    one), the file is opened as immutable, since SQLite can't make the ``-shm`` a WAL
    database otherwise needs to be read."""
    import os
    import sqlite3
    from urllib.parse import quote

    uri = f"file:{quote(str(path))}?mode=ro"
    if not os.access(path.parent, os.W_OK) and not path.with_name(path.name + "-wal").exists():
        uri += "&immutable=1"
    db = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    db.execute("PRAGMA foreign_keys=ON")
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return db
