"""Read queries written once, in portable SQL with ``:named`` parameters, for any database.

Reports that must start fast (the pre-call brief) read through a :class:`Reader`: on SQLite
it is a standard-library connection (no SQLAlchemy import), on a server a SQLAlchemy
connection. Parameters are passed as Python values (UUIDs, aware datetimes) and converted to
the stored forms; :func:`uid` and :func:`when` read results back whichever driver gave them.
"""

from __future__ import annotations

import uuid
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from salestrack import clock
from salestrack.config import DbTarget


class Reader:
    """Runs SELECTs; see the module docstring."""

    def __init__(self, connection: Any, *, sqlite: bool) -> None:
        self.connection = connection
        self.sqlite = sqlite

    def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        if self.sqlite:
            from salestrack.store.lean import stored

            values = {k: stored(v) for k, v in params.items()}
            return list(self.connection.execute(sql, values).fetchall())
        from sqlalchemy import text

        return [tuple(r) for r in self.connection.execute(text(sql), params).all()]

    def stream(self, sql: str, batch: int, **params: Any) -> Generator[list[tuple[Any, ...]]]:
        """The rows in lists of up to ``batch``, never all of them at once (on a server, a
        server-side cursor)."""
        if self.sqlite:
            from salestrack.store.lean import stored

            cursor = self.connection.execute(sql, {k: stored(v) for k, v in params.items()})
            while found := cursor.fetchmany(batch):
                yield found
            return
        from sqlalchemy import text

        result = self.connection.execution_options(stream_results=True).execute(text(sql), params)
        for part in result.partitions(batch):
            yield [tuple(r) for r in part]

    def seconds(self, start: str, end: str) -> str:
        """SQL for the seconds from the timestamp expression ``start`` to ``end``."""
        if self.sqlite:
            return f"((julianday({end}) - julianday({start})) * 86400.0)"
        return f"EXTRACT(EPOCH FROM ({end} - {start}))"

    def one(self, sql: str, **params: Any) -> tuple[Any, ...] | None:
        found = self.rows(sql, **params)
        return found[0] if found else None


@contextmanager
def reader(target: DbTarget) -> Iterator[Reader]:
    """A :class:`Reader` on ``target`` at the current schema."""
    if target.path is not None:
        from salestrack.store import lean

        db = lean.open_current(target)
        try:
            yield Reader(db, sqlite=True)
        finally:
            db.close()
        return
    from salestrack.store import migrate

    engine = migrate.ready_engine(target, write=False)
    try:
        with migrate.translate_errors(target), engine.begin() as connection:
            yield Reader(connection, sqlite=False)
    finally:
        engine.dispose()


def uid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def when(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        return clock.from_db_text(value)
    assert isinstance(value, datetime)
    return clock.to_utc(value)
