"""``salestrack export ENTITY``: every row, streamed, as CSV, JSON, JSON lines or iCalendar.

Values: UUIDs with dashes; times ISO-8601 in UTC with ``+00:00`` (microseconds only when not
zero, as Python's ``isoformat`` writes them); booleans ``true``/``false``; durations in
seconds; empty for NULL in CSV, ``null`` in JSON.

Spreadsheet safety (CSV only): a text value that a spreadsheet would run as a formula (it
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading
apostrophe, which spreadsheets show as text; a value that already starts with an apostrophe
followed by one of those (or another apostrophe) gets one more. ``import`` removes exactly
one, so export and import round-trip losslessly.

On SQLite the conversions happen in SQL and the standard library's csv writer streams the
rows, so a million activities export at about the speed of the sqlite3 shell.
"""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from salestrack import clock
from salestrack.errors import UsageError
from salestrack.services.entities import Column, Entity
from salestrack.store.sql import Reader

BATCH = 5000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Filters:
    since: datetime | None = None
    until: datetime | None = None
    prospect_id: uuid.UUID | None = None
    kind: str | None = None


def protect(value: str) -> str:
    """The spreadsheet-safe form of a text value (see the module docstring)."""
    if value and (
        value[0] in FORMULA_START or (value[0] == "'" and value[1:2] in (*FORMULA_START, "'"))
    ):
        return "'" + value
    return value


def unprotect(value: str) -> str:
    """Undo :func:`protect`."""
    if value[:1] == "'" and value[1:2] in (*FORMULA_START, "'"):
        return value[1:]
    return value


def _sqlite_expr(kind: str, col: str, *, csv_text: bool) -> str:
    """SQL turning the stored column ``col`` into its exported form."""
    if kind == "uuid":
        return (
            f"substr({col},1,8)||'-'||substr({col},9,4)||'-'||substr({col},13,4)||'-'||"
            f"substr({col},17,4)||'-'||substr({col},21)"
        )
    if kind == "time":
        return (
            f"CASE WHEN {col} IS NULL THEN NULL WHEN substr({col},21,6) = '000000' "
            f"THEN substr({col},1,10)||'T'||substr({col},12,8)||'+00:00' "
            f"ELSE substr({col},1,10)||'T'||substr({col},12,15)||'+00:00' END"
        )
    if kind == "bool":
        return f"CASE {col} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END"
    if kind == "text" and csv_text:
        starts = ", ".join(f"'{ch}'" for ch in "=+-@") + ", char(9), char(13)"
        return (
            f"CASE WHEN substr({col},1,1) IN ({starts}) OR (substr({col},1,1) = '''' AND "
            f"substr({col},2,1) IN ({starts}, '''')) THEN ''''||{col} ELSE {col} END"
        )
    return col


def _query(
    entity: Entity, reader: Reader, filters: Filters, *, csv_text: bool
) -> tuple[str, dict[str, Any]]:
    selects: list[str] = []
    for c in entity.exported():
        col = "p.name" if c.name == "prospect" else f"t.{c.name}"
        selects.append(_sqlite_expr(c.kind, col, csv_text=csv_text) if reader.sqlite else col)
    where: list[str] = []
    params: dict[str, Any] = {}
    if filters.since is not None:
        where.append(f"t.{entity.time_column} >= :since")
        params["since"] = filters.since
    if filters.until is not None:
        where.append(f"t.{entity.time_column} < :until")
        params["until"] = filters.until
    if filters.prospect_id is not None:
        where.append("t.id = :pid" if entity.table == "prospects" else "t.prospect_id = :pid")
        params["pid"] = filters.prospect_id
    if filters.kind is not None:
        where.append("t.kind = :kind")
        params["kind"] = filters.kind
    sql = f"SELECT {', '.join(selects)} FROM {entity.table} t"
    if entity.has_prospect:
        sql += " LEFT JOIN prospects p ON p.id = t.prospect_id"
    if where:
        sql += " WHERE " + " AND ".join(where)
    order = ", ".join(f"t.{part.strip()}" for part in entity.order.split(","))
    return sql + f" ORDER BY {order}", params


def check_filters(
    entity: Entity, filters: Filters, *, kind: bool = False, prospect: bool = False
) -> None:
    if (kind or filters.kind is not None) and not entity.has_kind:
        raise UsageError(f"--kind: {entity.name} have no kind; it works for activities and intel")
    has_prospect = entity.has_prospect or entity.table == "prospects"
    if (prospect or filters.prospect_id is not None) and not has_prospect:
        raise UsageError(f"--prospect: {entity.name} do not belong to one prospect")


def _python_value(c: Column, value: Any, *, csv_text: bool) -> Any:
    """A server value in the exported form (the SQLite path does this in SQL)."""
    if value is None:
        return None
    if c.kind == "uuid":
        return str(value)
    if c.kind == "time":
        return clock.to_utc(value).isoformat()
    if c.kind == "bool":
        return "true" if value else "false"
    if c.kind == "text" and csv_text:
        return protect(str(value))
    return value


def rows(
    reader: Reader, entity: Entity, filters: Filters, *, csv_text: bool
) -> Iterator[tuple[Any, ...]]:
    """The exported rows, in the order of :meth:`Entity.header`."""
    sql, params = _query(entity, reader, filters, csv_text=csv_text)
    if reader.sqlite:
        from salestrack.store.lean import stored

        cursor = reader.connection.execute(sql, {k: stored(v) for k, v in params.items()})
        while batch := cursor.fetchmany(BATCH):
            yield from batch
        return
    kinds = entity.exported()
    for raw in reader.rows(sql, **params):
        yield tuple(_python_value(c, v, csv_text=csv_text) for c, v in zip(kinds, raw, strict=True))


def count(reader: Reader, entity: Entity, filters: Filters) -> int:
    sql, params = _query(entity, reader, filters, csv_text=False)
    found = reader.one(f"SELECT count(*) FROM ({sql}) q", **params)
    return int(found[0]) if found else 0


def write_csv(
    out: IO[str], header: list[str], data: Iterator[tuple[Any, ...]], tick: Callable[[int], None]
) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    n = 0
    while True:
        chunk = [row for _, row in zip(range(BATCH), data, strict=False)]
        if not chunk:
            return n
        writer.writerows(chunk)
        n += len(chunk)
        tick(len(chunk))


def _json_value(entity_kinds: list[str], row: tuple[Any, ...]) -> list[Any]:
    return [
        (v == "true") if k == "bool" and v is not None else v
        for k, v in zip(entity_kinds, row, strict=True)
    ]


def write_json(
    out: IO[str],
    header: list[str],
    kinds: list[str],
    data: Iterator[tuple[Any, ...]],
    *,
    lines: bool,
    tick: Callable[[int], None],
) -> int:
    n = 0
    if not lines:
        out.write("[")
    for row in data:
        item = dict(zip(header, _json_value(kinds, row), strict=True))
        text = json.dumps(item, ensure_ascii=False)
        if lines:
            out.write(text + "\n")
        else:
            out.write(("\n  " if n == 0 else ",\n  ") + text)
        n += 1
        if n % BATCH == 0:
            tick(BATCH)
    if not lines:
        out.write("\n]\n" if n else "]\n")
    tick(n % BATCH)
    return n


def kinds(entity: Entity) -> list[str]:
    return [c.kind for c in entity.exported()]


def write_ics(out: IO[str], reader: Reader, filters: Filters) -> int:
    """Open next steps with a due time as calendar events (15 minutes each)."""
    from datetime import timedelta

    from icalendar import Calendar, Event

    from salestrack.store.sql import uid, when

    sql = (
        "SELECT n.id, n.action, n.due_at, p.name FROM next_steps n "
        "JOIN prospects p ON p.id = n.prospect_id "
        "WHERE n.done_at IS NULL AND n.due_at IS NOT NULL"
    )
    params: dict[str, Any] = {}
    if filters.since is not None:
        sql += " AND n.due_at >= :since"
        params["since"] = filters.since
    if filters.until is not None:
        sql += " AND n.due_at < :until"
        params["until"] = filters.until
    if filters.prospect_id is not None:
        sql += " AND n.prospect_id = :pid"
        params["pid"] = filters.prospect_id
    calendar = Calendar()
    calendar.add("prodid", "-//salestrack//next steps//EN")
    calendar.add("version", "2.0")
    n = 0
    for step_id, action, due, prospect in reader.rows(sql + " ORDER BY n.due_at, n.id", **params):
        start = when(due)
        assert start is not None
        event = Event()
        event.add("uid", f"{uid(step_id)}@salestrack")
        event.add("summary", f"{action} · {prospect}")
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=15))
        event.add("dtstamp", clock.now())
        event.add("description", f"salestrack next step for {prospect}")
        calendar.add_component(event)
        n += 1
    out.write(calendar.to_ical().decode())
    return n
