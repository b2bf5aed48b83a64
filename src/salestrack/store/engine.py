"""SQLAlchemy engines: for the migrations (Alembic) and the tests, never for a command's data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salestrack.config import DbTarget
from salestrack.errors import DatabaseError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

from salestrack.store import files


def make_engine(target: DbTarget, *, write: bool = True) -> Engine:
    """An engine with salestrack's connection settings.

    On SQLite: WAL, foreign keys on, a busy timeout, and real transactions around DDL too
    (the stdlib driver would otherwise commit each CREATE/ALTER on its own). Writing
    sessions take the write lock up front (BEGIN IMMEDIATE) so they wait instead of failing.
    """
    from sqlalchemy import create_engine, event

    if target.path is None:
        try:
            engine = create_engine(target.url, pool_pre_ping=False)
        except Exception as exc:  # unknown dialect or missing driver
            raise DatabaseError(
                f"can't use the database URL '{target.display}' ({type(exc).__name__}: "
                f"{_masked(exc, target)}); for PostgreSQL install salestrack[postgres] and use "
                "postgresql+psycopg://user@host/dbname"
            ) from None
        return engine

    engine = create_engine(target.url, connect_args={"timeout": files.BUSY_TIMEOUT_MS / 1000})
    begin = "BEGIN IMMEDIATE" if write else "BEGIN"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        for pragma in files.SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.execute(f"PRAGMA busy_timeout={files.BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine


def _masked(exc: BaseException, target: DbTarget) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return target.mask(text)
