"""Open a database through its own DB-API driver: :mod:`sqlite3`, or psycopg 3 on a server.

A connection handed out here is at the current schema revision: the revision is read with
the driver itself (one small query), and only when it is not :data:`revision.HEAD` does
:func:`salestrack.store.migrate.upgrade` run, which imports SQLAlchemy and Alembic.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salestrack.config import DbTarget
from salestrack.errors import DatabaseError
from salestrack.store import files, revision
from salestrack.store.errors import describe_driver_error, translate_errors

if TYPE_CHECKING:
    import sqlite3

SERVER_SCHEMES = ("postgresql+psycopg://", "postgresql://", "postgres://")


def sqlite_connection(path: Path, *, configure: bool = True) -> sqlite3.Connection:
    """A stdlib connection with salestrack's settings: WAL, foreign keys on, a busy timeout,
    and no implicit transactions (BEGIN is issued explicitly). ``configure=False`` leaves
    the file's own settings alone (to look at a file before knowing it is ours)."""
    import sqlite3  # here, not at the top: a server's commands never need it

    wait = files.BUSY_TIMEOUT_MS
    db = sqlite3.connect(path, timeout=wait / 1000, isolation_level=None)
    if configure:
        configured(db)
    return db


def configured(db: sqlite3.Connection) -> sqlite3.Connection:
    for pragma in files.SQLITE_PRAGMAS:
        db.execute(pragma)
    db.execute(f"PRAGMA busy_timeout={files.BUSY_TIMEOUT_MS}")
    return db


def conninfo(target: DbTarget) -> str:
    """The libpq connection string for a server URL (the SQLAlchemy driver name dropped)."""
    url = target.url
    for scheme in SERVER_SCHEMES:
        if url.startswith(scheme):
            return "postgresql://" + url[len(scheme) :]
    raise DatabaseError(
        f"can't use the database URL '{target.display}'; salestrack speaks to SQLite files and "
        "PostgreSQL: use postgresql+psycopg://user@host/dbname (pip install salestrack[postgres])"
    )


def server_connection(target: DbTarget) -> Any:
    """A psycopg connection (not autocommit: every command is one transaction)."""
    info = conninfo(target)
    try:
        import psycopg
    except ImportError:
        raise DatabaseError(
            "PostgreSQL needs the psycopg driver: pip install 'salestrack[postgres]'"
        ) from None
    try:
        return psycopg.connect(info, autocommit=False)
    except psycopg.Error as exc:
        raise DatabaseError(describe_driver_error(exc, target)) from None


def sqlite_revision(db: sqlite3.Connection) -> str | None:
    import sqlite3

    try:
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return str(row[0]) if row else None


def server_revision(connection: Any) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('alembic_version') IS NOT NULL")
        row = cursor.fetchone()
        if not row or not row[0]:
            return None
        cursor.execute("SELECT version_num FROM alembic_version")
        found = cursor.fetchone()
    return None if found is None else str(found[0])


def refuse_missing(path: Path) -> None:
    """A read never creates a database: a path with no file (a mistyped ``--db``) is an
    error naming it and how to make one, and nothing is written, not even a folder."""
    if not path.exists():
        from salestrack.errors import NotFound

        raise NotFound(
            f"no database at {path}; a command that writes creates it "
            "(salestrack prospect add NAME), or check --db / SALESTRACK_DB"
        )


def open_sqlite(target: DbTarget, *, write: bool = True) -> sqlite3.Connection:
    """A connection to the SQLite file at the current schema, migrating first if needed;
    for a read (``write=False``) of a file this process can't write, a read-only one."""
    if target.path is None:
        raise DatabaseError(f"'{target.display}' is not a SQLite file")
    import sqlite3

    path = target.path
    if not write and path.is_file() and path.stat().st_size > 0 and files.read_only(path):
        files.check_header(path)
        try:
            db = files.read_only_connection(path)
            found = sqlite_revision(db)
        except sqlite3.DatabaseError as exc:
            raise DatabaseError(describe_driver_error(exc, target)) from None
        if found == revision.HEAD:
            return db
        db.close()
        raise DatabaseError(
            f"the database '{target.display}' is read-only and at schema revision {found}; "
            f"salestrack reads revision {revision.HEAD}: make it writable once so it can be "
            "upgraded"
        )
    if path.is_file() and path.stat().st_size > 0:
        files.check_header(path)
        try:
            db = sqlite_connection(path, configure=False)  # WAL only once it is known ours
            current = False
            try:
                current = sqlite_revision(db) == revision.HEAD
                if not current:
                    files.refuse_foreign(db, target.display)
            finally:
                if not current:
                    db.close()
            if current:
                return configured(db)
        except sqlite3.DatabaseError as exc:
            raise DatabaseError(describe_driver_error(exc, target)) from None
    from salestrack.store.migrate import upgrade

    upgrade(target)
    return sqlite_connection(path)


def open_server(target: DbTarget) -> Any:
    """A psycopg connection at the current schema, migrating first if needed."""
    connection = server_connection(target)
    with translate_errors(target):
        if server_revision(connection) == revision.HEAD:
            return connection
        connection.close()
    from salestrack.store.migrate import upgrade

    upgrade(target)
    return server_connection(target)


@contextmanager
def transaction(target: DbTarget, *, write: bool) -> Iterator[tuple[Any, bool]]:
    """(connection, is SQLite) inside one transaction, committed when the block ends without
    an error and rolled back otherwise; driver errors become one-line messages.

    On SQLite a write takes the write lock up front (BEGIN IMMEDIATE), so it waits for
    another writer instead of failing half-way. A read on SQLite runs in autocommit mode
    (each statement sees the latest commit), so a reader that needs one snapshot across
    statements, such as the CSV export, opens it itself.
    """
    if target.path is not None:
        if not write:
            refuse_missing(target.path)
        db = open_sqlite(target, write=write)
        try:
            with translate_errors(target):
                if not write:
                    yield db, True
                    return
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db, True
                    db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
        finally:
            db.close()
        return
    connection = open_server(target)
    try:
        with translate_errors(target):
            try:
                yield connection, False
                connection.commit()
            except BaseException:
                connection.rollback()
                raise
    finally:
        connection.close()
