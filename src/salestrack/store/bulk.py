"""The bulk path: many rows into any salestrack database in one transaction.

Rows are plain dicts keyed by column name (missing nullable columns are written as NULL),
grouped by table and written in foreign-key order (:data:`salestrack.models.TABLES`). On
SQLite the standard library writes them with ``executemany`` in the stored forms of
:func:`salestrack.store.sql.stored`; on a server SQLAlchemy Core does. Either way the whole
batch is one transaction: a failure leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from salestrack.config import DbTarget
from salestrack.errors import DatabaseError
from salestrack.store import connect, migrate
from salestrack.store.errors import translate_errors
from salestrack.store.sql import stored

Rows = Mapping[str, Sequence[Mapping[str, Any]]]


def write(target: DbTarget, rows: Rows) -> dict[str, int]:
    """Insert ``rows`` (table name -> rows) into ``target``; returns the count per table."""
    from salestrack.models import TABLES

    unknown = sorted(set(rows) - set(TABLES))
    if unknown:
        raise DatabaseError(f"no such table: {', '.join(unknown)}")
    ordered = [(name, rows[name]) for name in TABLES if rows.get(name)]
    migrate.upgrade(target)
    with translate_errors(target):
        if target.path is not None:
            _write_sqlite(target, ordered)
        else:
            _write_server(target, ordered)
    return {name: len(batch) for name, batch in ordered}


def _columns(table_name: str) -> list[str]:
    from salestrack.models import TABLES

    return [c.name for c in TABLES[table_name].__table__.columns]  # type: ignore[attr-defined]


def _write_sqlite(target: DbTarget, ordered: list[tuple[str, Sequence[Mapping[str, Any]]]]) -> None:
    if target.path is None:
        raise DatabaseError(f"{target.display} is not a SQLite file")
    db = connect.sqlite_connection(target.path)
    try:
        db.execute("BEGIN IMMEDIATE")
        for name, batch in ordered:
            columns = _columns(name)
            sql = (
                f"INSERT INTO {name} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})"
            )
            db.executemany(sql, ([stored(r.get(c)) for c in columns] for r in batch))
        db.execute("COMMIT")
    finally:
        if db.in_transaction:
            db.execute("ROLLBACK")
        db.close()


def _write_server(target: DbTarget, ordered: list[tuple[str, Sequence[Mapping[str, Any]]]]) -> None:
    from salestrack.models import TABLES
    from salestrack.store.engine import make_engine

    engine = make_engine(target)
    try:
        with engine.begin() as connection:
            for name, batch in ordered:
                table = TABLES[name].__table__  # type: ignore[attr-defined]
                columns = _columns(name)
                connection.execute(table.insert(), [{c: r.get(c) for c in columns} for r in batch])
    finally:
        engine.dispose()
