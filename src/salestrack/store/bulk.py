"""The bulk path: many rows into any salestrack database in one transaction.

Rows are plain dicts keyed by column name (missing nullable columns are written as NULL),
grouped by table and written in foreign-key order (:data:`salestrack.store.schema.TABLES`,
then ``settings``). On SQLite the standard library writes them with ``executemany`` in the
stored forms of :func:`salestrack.store.sql.stored`; on PostgreSQL psycopg streams them with
``COPY ... FROM STDIN``, one ``COPY`` per table. Either way the whole batch is one
transaction: a failure leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from salestrack.config import DbTarget
from salestrack.errors import DatabaseError
from salestrack.store import connect, migrate, schema
from salestrack.store.errors import translate_errors
from salestrack.store.sql import stored

Rows = Mapping[str, Sequence[Mapping[str, Any]]]
Batches = list[tuple[str, Sequence[Mapping[str, Any]]]]

ORDER = (*schema.TABLES, "settings")
# Stored columns that are not exported (store/schema.py lists the exported ones). The
# derived ones (stage_since, quality's activity_at) are set by triggers when a row leaves
# them empty; listed so that a copy of stored rows (bench/team_pg.py) carries them too.
_STORED_ONLY = {"prospects": ("name_key", "stage_since"), "quality": ("activity_at",)}
_SETTINGS = ("key", "value", "updated_at", "owner")


def write(target: DbTarget, rows: Rows) -> dict[str, int]:
    """Insert ``rows`` (table name -> rows) into ``target``; returns the count per table."""
    unknown = sorted(set(rows) - set(ORDER))
    if unknown:
        raise DatabaseError(f"no such table: {', '.join(unknown)}")
    ordered = [(name, rows[name]) for name in ORDER if rows.get(name)]
    # a setting without an owner is the database's (team-wide) row: store/settings.py
    ordered = [
        (name, [{"owner": "", **r} for r in batch] if name == "settings" else batch)
        for name, batch in ordered
    ]
    with translate_errors(target):
        if target.path is not None:
            migrate.upgrade(target)
            _write_sqlite(target, ordered)
        else:
            _write_server(target, ordered)
    return {name: len(batch) for name, batch in ordered}


def columns(table: str) -> list[str]:
    """Every stored column of ``table``."""
    if table == "settings":
        return list(_SETTINGS)
    return [c.name for c in schema.columns(table)] + list(_STORED_ONLY.get(table, ()))


def _write_sqlite(target: DbTarget, ordered: Batches) -> None:
    if target.path is None:
        raise DatabaseError(f"{target.display} is not a SQLite file")
    db = connect.sqlite_connection(target.path)
    try:
        db.execute("BEGIN IMMEDIATE")
        for name, batch in ordered:
            names = columns(name)
            sql = (
                f"INSERT INTO {name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
            )
            db.executemany(sql, ([stored(r.get(c)) for c in names] for r in batch))
        db.execute("COMMIT")
    finally:
        if db.in_transaction:
            db.execute("ROLLBACK")
        db.close()


def _write_server(target: DbTarget, ordered: Batches) -> None:
    """One ``COPY`` per table in one transaction, on a connection at the current schema.

    Values go as psycopg adapts them (UUIDs, aware datetimes, booleans, numbers); naive
    datetimes are refused rather than read in the server's time zone.
    """
    with connect.transaction(target, write=True) as (connection, _), connection.cursor() as cur:
        for name, batch in ordered:
            names = columns(name)
            times = [c for c in names if c in _times(name)]
            with cur.copy(f"COPY {name} ({', '.join(names)}) FROM STDIN") as copy:
                for r in batch:
                    for c in times:
                        at = r.get(c)
                        if at is not None and at.tzinfo is None:
                            raise DatabaseError(
                                f"{name}.{c}: naive datetime {at}; attach a time zone"
                            )
                    copy.write_row([r.get(c) for c in names])


def _times(table: str) -> set[str]:
    if table == "settings":
        return {"updated_at"}
    return {c.name for c in schema.columns(table) if c.kind == "time"}
