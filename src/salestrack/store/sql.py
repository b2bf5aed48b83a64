"""The one data path: portable SQL with ``:named`` parameters over each database's DB-API driver.

Every read and write goes through a :class:`Store`: on SQLite a standard-library
:mod:`sqlite3` connection, on PostgreSQL a psycopg 3 connection. Neither imports SQLAlchemy,
which costs more to import than a whole capture. Parameters are Python values (UUIDs,
aware datetimes, booleans); on SQLite they are turned into the stored forms that
:mod:`salestrack.models` describes (UUIDs as 32 hex digits, UTC times as
``YYYY-MM-DD HH:MM:SS.ffffff``, booleans as 0/1), and psycopg adapts them itself on a
server. :func:`uid` and :func:`when` read results back whichever driver gave them.

``with read(target) as store`` is one read transaction (a consistent snapshot);
``with write(target) as store`` one write transaction that commits when the block ends
without an error and otherwise leaves the database exactly as it was.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from typing import Any

from salestrack import clock
from salestrack.config import DbTarget
from salestrack.errors import DatabaseError

_IDENT = re.compile(r"^[a-z_]+$")
_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_QUOTED = re.compile(r"('(?:[^']|'')*')")


def stored(value: Any) -> Any:
    """A Python value in the form it is stored on SQLite."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return clock.db_text(value)
    if isinstance(value, bool):
        return int(value)
    return value


@lru_cache(maxsize=512)
def pyformat(sql: str) -> str:
    """``:name`` parameters as psycopg's ``%(name)s`` (and ``%`` doubled), outside quotes."""
    parts = _QUOTED.split(sql)
    for n in range(0, len(parts), 2):
        parts[n] = _PARAM.sub(r"%(\1)s", parts[n].replace("%", "%%"))
    for n in range(1, len(parts), 2):
        parts[n] = parts[n].replace("%", "%%")
    return "".join(parts)


@lru_cache(maxsize=512)
def qmark(sql: str) -> tuple[str, tuple[str, ...]]:
    """``:name`` parameters as SQLite's ``?`` and the names in their order, outside quotes.

    sqlite3 binds a named parameter by looking its name up among the statement's: a linear
    search, so a statement with thousands of them (an import's ``id IN (:i0, ...)`` of a
    batch) spent 25 µs a parameter on the look-ups alone, 20 times what the query took."""
    names: list[str] = []

    def mark(found: re.Match[str]) -> str:
        names.append(found.group(1))
        return "?"

    parts = _QUOTED.split(sql)
    for n in range(0, len(parts), 2):
        parts[n] = _PARAM.sub(mark, parts[n])
    return "".join(parts), tuple(names)


def _positional(sql: str, params: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """The statement and its values for sqlite3, in stored form (see :func:`qmark`)."""
    text, names = qmark(sql)
    return text, tuple(stored(params[name]) for name in names)


def _uuid_hex(v: Any) -> Any:
    return None if v is None else v.hex


def _db_time(v: Any) -> Any:
    return None if v is None else clock.db_text(v)


def _bool_int(v: Any) -> Any:
    return None if v is None else int(v)


def _same_value(v: Any) -> Any:
    return v


_SQLITE_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "uuid": _uuid_hex,
    "time": _db_time,
    "bool": _bool_int,
}


class Store:
    """Runs SQL in one transaction on one connection; see the module docstring."""

    def __init__(self, connection: Any, *, sqlite: bool) -> None:
        self.connection = connection
        self.sqlite = sqlite

    # -- reading ---------------------------------------------------------------------------

    def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        if self.sqlite:
            return list(self.connection.execute(*_positional(sql, params)).fetchall())
        with self.connection.cursor() as cursor:
            cursor.execute(pyformat(sql), params)
            return list(cursor.fetchall()) if cursor.description else []

    def snapshot(self) -> None:
        """From here on, every read of this (read) store sees one snapshot of the data, as
        of its next statement, whatever others commit meanwhile (``export all``): a
        deferred transaction on SQLite, ``REPEATABLE READ`` on a server."""
        if self.sqlite:
            if not self.connection.in_transaction:
                self.connection.execute("BEGIN")
            return
        self.connection.commit()  # the revision check's read; nothing written yet
        with self.connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    def one(self, sql: str, **params: Any) -> tuple[Any, ...] | None:
        found = self.rows(sql, **params)
        return found[0] if found else None

    def scalar(self, sql: str, **params: Any) -> Any:
        found = self.one(sql, **params)
        return None if found is None else found[0]

    def stream(self, sql: str, batch: int, **params: Any) -> Generator[list[tuple[Any, ...]]]:
        """The rows in lists of up to ``batch``, never all of them at once (on a server, a
        server-side cursor)."""
        if self.sqlite:
            cursor = self.connection.execute(*_positional(sql, params))
            while found := cursor.fetchmany(batch):
                yield found
            return
        with self.connection.cursor(name=f"stream_{uuid.uuid4().hex[:8]}") as cursor:
            cursor.itersize = batch
            cursor.execute(pyformat(sql), params)
            while found := cursor.fetchmany(batch):
                yield list(found)

    def seconds(self, start: str, end: str) -> str:
        """SQL for the seconds from the timestamp expression ``start`` to ``end``."""
        if self.sqlite:
            return f"((julianday({end}) - julianday({start})) * 86400.0)"
        return f"EXTRACT(EPOCH FROM ({end} - {start}))"

    def elapsed(self, start: str, end: str) -> str:
        """SQL for the time from ``start`` to ``end`` in units of :attr:`per_second`: the
        same seconds as :meth:`seconds` (as a double) gives, once divided by it. On SQLite
        those seconds; on a server the exact interval in whole microseconds, since turning
        an exact (numeric) interval into a double costs the server more than the rest of a
        query over a team's window (and an integer divided by a million in Python is
        correctly rounded, as the server's cast of the exact value is)."""
        if self.sqlite:
            return f"CAST({self.seconds(start, end)} AS DOUBLE PRECISION)"
        return f"CAST(EXTRACT(EPOCH FROM ({end} - {start})) * 1000000 AS BIGINT)"

    @property
    def per_second(self) -> int:
        """How many units of :meth:`elapsed` make a second (x / 1 is x for a double)."""
        return 1 if self.sqlite else 1_000_000

    # -- writing ---------------------------------------------------------------------------

    def execute(self, sql: str, **params: Any) -> int:
        """Run one statement; returns the number of rows it changed."""
        if self.sqlite:
            cursor = self.connection.execute(*_positional(sql, params))
            return int(cursor.rowcount)
        with self.connection.cursor() as cursor:
            cursor.execute(pyformat(sql), params)
            return int(cursor.rowcount)

    def many(self, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run one statement for each row of parameters, already in stored form
        (:meth:`value`, :meth:`converter`)."""
        if not rows:
            return
        if self.sqlite:
            self.connection.executemany(sql, rows)
            return
        with self.connection.cursor() as cursor:
            cursor.executemany(pyformat(sql), rows)

    def insert(self, table: str, row: Mapping[str, Any]) -> None:
        _check_names(table, row)
        self.execute(
            f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + c for c in row)})",
            **row,
        )

    def update(self, table: str, row_id: uuid.UUID, changes: Mapping[str, Any]) -> int:
        _check_names(table, changes)
        sets = ", ".join(f"{c} = :{c}" for c in changes)
        return self.execute(f"UPDATE {table} SET {sets} WHERE id = :id_", **changes, id_=row_id)

    def upsert_setting(self, owner: str, key: str, value: str, now: datetime) -> None:
        """Write one setting's row; only :func:`salestrack.store.settings.write` calls this,
        after the key's rule has checked the value."""
        self.execute(
            "INSERT INTO settings (owner, key, value, updated_at) "
            "VALUES (:owner, :key, :value, :now) "
            "ON CONFLICT (owner, key) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at",
            owner=owner,
            key=key,
            value=value,
            now=now,
        )

    def value(self, v: Any) -> Any:
        """``v`` in the form :meth:`many` passes to the driver."""
        return stored(v) if self.sqlite else v

    def converter(self, kind: str) -> Callable[[Any], Any]:
        """A fast converter to the stored form of one column kind (uuid, time, bool...)."""
        if not self.sqlite:
            return _same_value
        return _SQLITE_CONVERTERS.get(kind, _same_value)


def _check_names(table: str, columns: Mapping[str, Any]) -> None:
    """Table and column names go into SQL text, so they must be plain identifiers."""
    if not _IDENT.match(table) or not all(_IDENT.match(c) for c in columns):
        raise DatabaseError(f"not a table or column name: {table} {sorted(columns)}")


def within(
    column: str, since: datetime | None, until: datetime | None, params: dict[str, Any]
) -> list[str]:
    """The conditions of a period on ``column`` (from ``since`` on, before ``until``; either
    may be None), with their values put in ``params`` as ``:since`` and ``:until``."""
    where = []
    if since is not None:
        where.append(f"{column} >= :since")
        params["since"] = since
    if until is not None:
        where.append(f"{column} < :until")
        params["until"] = until
    return where


@contextmanager
def read(target: DbTarget) -> Iterator[Store]:
    """A :class:`Store` on ``target`` at the current schema, in one read transaction."""
    from salestrack.store import connect

    with connect.transaction(target, write=False) as (connection, sqlite):
        yield Store(connection, sqlite=sqlite)


@contextmanager
def write(target: DbTarget) -> Iterator[Store]:
    """One write transaction on ``target``; commits when the block ends without an error."""
    from salestrack.store import connect

    with connect.transaction(target, write=True) as (connection, sqlite):
        yield Store(connection, sqlite=sqlite)


def uid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def when(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        return clock.from_db_text(value)
    if not isinstance(value, datetime):
        raise DatabaseError(f"expected a stored time, found {type(value).__name__}")
    return clock.to_utc(value)


def when_set(value: Any) -> datetime:
    """A time from a column that is never NULL (``occurred_at``, ``learned_at``...)."""
    found = when(value)
    if found is None:
        raise DatabaseError(
            "a required time is empty (NULL) in the database; restore a backup "
            "(salestrack db restore) or correct the row"
        )
    return found
