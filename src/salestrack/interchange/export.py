"""``salestrack export ENTITY``: every row, streamed, as CSV, JSON, JSON lines or iCalendar.

Values: UUIDs with dashes; times ISO-8601 in UTC with ``+00:00`` (microseconds only when not
zero, as Python's ``isoformat`` writes them); booleans ``true``/``false``; durations in
seconds; empty for NULL in CSV, ``null`` in JSON.

Spreadsheet safety (CSV only): a text value that a spreadsheet would run as a formula (it
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading
apostrophe, which spreadsheets show as text; a value that already starts with an apostrophe
followed by one of those (or another apostrophe) gets one more. ``import`` removes exactly
one, so export and import round-trip losslessly.

CSV on SQLite is made by SQLite itself (:mod:`salestrack.interchange.sqlite_csv`); everything
else converts each value in Python (:func:`rows`). Both give the same bytes, which tests
check.
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
from salestrack.interchange.entities import Entity
from salestrack.store.sql import Store, uid, when_set

BATCH = 5000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


Part = tuple[list[Any] | None, list[Any] | None]  # sort keys: from (inclusive), to (not)


@dataclass
class Filters:
    since: datetime | None = None
    until: datetime | None = None
    prospect_id: uuid.UUID | None = None
    kind: str | None = None
    tag: str | None = None  # rows of prospects carrying it (activities: their own too)


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


def sort_keys(entity: Entity) -> list[str]:
    return [part.strip() for part in entity.order.split(",")]


def select(
    entity: Entity, filters: Filters, selects: list[str], *, names: bool, part: Part = (None, None)
) -> tuple[str, dict[str, Any]]:
    """The SELECT of ``selects`` from the entity's rows (``t``) that pass ``filters``, in
    the entity's order; ``names`` joins the prospects as ``p``; ``part`` keeps the rows from
    its first sort key (stored form) on and before its second."""
    where: list[str] = []
    params: dict[str, Any] = {}
    keys = ", ".join(f"t.{c}" for c in sort_keys(entity))
    for bound, op in zip(part, (">=", "<"), strict=True):
        if bound is not None:
            labels = [f"{'lo' if op == '>=' else 'hi'}{i}" for i in range(len(bound))]
            where.append(f"({keys}) {op} ({', '.join(':' + n for n in labels)})")
            params.update(zip(labels, bound, strict=True))
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
    if filters.tag is not None:
        from salestrack.capture import tags

        if entity.table == "prospects":
            where.append(tags.prospect_filter("t.id", ":tag"))
        elif entity.table == "activities":
            where.append(tags.activity_filter("t", ":tag"))
        else:
            where.append(tags.prospect_filter("t.prospect_id", ":tag"))
        params["tag"] = filters.tag
    sql = f"SELECT {', '.join(selects)} FROM {entity.table} t"
    if names:
        sql += " LEFT JOIN prospects p ON p.id = t.prospect_id"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql + f" ORDER BY {keys}", params


def check_filters(
    entity: Entity, filters: Filters, *, kind: bool = False, prospect: bool = False
) -> None:
    if (kind or filters.kind is not None) and not entity.has_kind:
        raise UsageError(f"--kind: {entity.name} have no kind; it works for activities and intel")
    has_prospect = entity.has_prospect or entity.table == "prospects"
    if (prospect or filters.prospect_id is not None) and not has_prospect:
        raise UsageError(f"--prospect: {entity.name} do not belong to one prospect")
    if filters.tag is not None and not has_prospect:
        raise UsageError(f"--tag: {entity.name} do not belong to one prospect")


def _uuid_text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):  # the server's uuid.UUID
        return str(value)
    v = value  # stored on SQLite as 32 hex digits
    return f"{v[:8]}-{v[8:12]}-{v[12:16]}-{v[16:20]}-{v[20:]}"


def _time_text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):  # the server's datetime
        return clock.to_utc(value).isoformat()
    return clock.iso_from_db_text(value)


def _choose(words: tuple[Any, Any]) -> Callable[[Any], Any]:
    return lambda v: v if v is None else words[bool(v)]


def _converters(entity: Entity, *, csv_text: bool) -> list[Callable[[Any], Any] | None]:
    """For each exported column, what turns a stored value (either driver's) into its
    exported form: text for CSV, the JSON type otherwise; None keeps it as it is."""
    found: list[Callable[[Any], Any] | None] = []
    for c in entity.exported():
        if c.kind == "uuid":
            found.append(_uuid_text)
        elif c.kind == "time":
            found.append(_time_text)
        elif c.kind == "bool":
            words = ("false", "true") if csv_text else (False, True)
            found.append(_choose(words))
        elif c.kind == "text" and csv_text:
            found.append(lambda v: v if v is None else protect(str(v)))
        else:
            found.append(None)
    return found


def rows(
    reader: Store, entity: Entity, filters: Filters, *, csv_text: bool
) -> Iterator[list[tuple[Any, ...]]]:
    """The exported rows in batches, each in the order of :meth:`Entity.header`."""
    columns = entity.exported()
    selects = ["p.name" if c.name == "prospect" else f"t.{c.name}" for c in columns]
    sql, params = select(entity, filters, selects, names=entity.has_prospect)
    converters = _converters(entity, csv_text=csv_text)
    for batch in reader.stream(sql, BATCH, **params):
        values = zip(*batch, strict=True)
        done = [v if f is None else map(f, v) for f, v in zip(converters, values, strict=True)]
        yield list(zip(*done, strict=True))


def count(reader: Store, entity: Entity, filters: Filters) -> int:
    sql, params = select(entity, filters, ["1"], names=False)
    found = reader.one(f"SELECT count(*) FROM ({sql}) q", **params)
    return int(found[0]) if found else 0


def write_csv(
    out: IO[str],
    header: list[str],
    data: Iterator[list[tuple[Any, ...]]],
    tick: Callable[[int], None],
) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    n = 0
    for batch in data:
        writer.writerows(batch)
        n += len(batch)
        tick(len(batch))
    return n


def _json_row(row: dict[str, Any]) -> str:
    """One row as JSON; a number JSON can't hold (NaN, Infinity, written into the database
    by hand) is written as null. Checked only when the fast path finds one."""
    try:
        return json.dumps(row, ensure_ascii=False, allow_nan=False)
    except ValueError:
        import math

        return json.dumps(
            {
                k: None if isinstance(v, float) and not math.isfinite(v) else v
                for k, v in row.items()
            },
            ensure_ascii=False,
        )


def write_json(
    out: IO[str],
    header: list[str],
    data: Iterator[list[tuple[Any, ...]]],
    *,
    lines: bool,
    tick: Callable[[int], None],
) -> int:
    n = 0
    if not lines:
        out.write("[")
    for batch in data:
        for row in batch:
            text = _json_row(dict(zip(header, row, strict=True)))
            if lines:
                out.write(text + "\n")
            else:
                out.write(("\n  " if n == 0 else ",\n  ") + text)
            n += 1
        tick(len(batch))
    if not lines:
        out.write("\n]\n" if n else "]\n")
    return n


def write_ics(out: IO[str], reader: Store, filters: Filters) -> int:
    """Open next steps with a due time as calendar events (15 minutes each)."""
    from datetime import timedelta

    from icalendar import Calendar, Event

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
        start = when_set(due)  # the query keeps only steps with a due time
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


# -- settings and the whole database -------------------------------------------------------

SETTINGS_HEADER = ["key", "value", "updated_at"]
ALL_FORMAT = "salestrack-all"  # the first line of ``export all``: {"format": ..., "version": 1}


def settings_rows(reader: Store) -> Iterator[list[tuple[Any, ...]]]:
    """The settings (stages, checklist, cadence, weights...) in key order, one batch."""
    from salestrack.store import settings

    yield [(k, v, _time_text(t)) for k, v, t in settings.effective_rows(reader)]


def write_all(
    out: IO[str], reader: Store, entities: list[Entity], tick: Callable[[int], None]
) -> int:
    """Every entity and the settings as JSON lines: a first line naming the format, then
    each row as an object with its ``entity``, parents before children."""
    from salestrack.interchange.entities import CONTRACT_VERSION

    out.write(json.dumps({"format": ALL_FORMAT, "version": CONTRACT_VERSION}) + "\n")
    n = 0
    parts: list[tuple[str, list[str], Iterator[list[tuple[Any, ...]]]]] = [
        ("settings", SETTINGS_HEADER, settings_rows(reader))
    ]
    parts += [(e.name, e.header(), rows(reader, e, Filters(), csv_text=False)) for e in entities]
    for name, header, data in parts:
        for batch in data:
            for row in batch:
                item = {"entity": name, **dict(zip(header, row, strict=True))}
                out.write(_json_row(item) + "\n")
                n += 1
            tick(len(batch))
    return n
