"""``salestrack import ENTITY FILE|-``: validated, all-or-nothing, re-runnable.

Rows are read as a stream (CSV with a header row, JSON array, or JSON lines), renamed and
value-mapped by ``--map`` for other tools' files, validated with pydantic, and written in
one transaction in batches. A row whose id exists is updated when its ``updated_at`` is
newer, skipped when identical, and kept as stored when the stored row is newer; so importing
the same file twice changes nothing, and two machines can exchange exports to stay in sync.

Every bad line is reported (up to :data:`MAX_ERRORS`) with its column and the fix, and then
nothing is written. A child row may name its prospect by ``prospect`` (name) instead of
``prospect_id``; an unknown name creates the prospect unless ``--strict``.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import IO, Any

from salestrack import names, rules, vocab
from salestrack.errors import InvalidInput, SalestrackError
from salestrack.interchange.entities import Entity
from salestrack.interchange.export import unprotect
from salestrack.store.sql import Store

BATCH = 5000
HEADER = "__header__"
MAX_ERRORS = 20


class ImportFailed(SalestrackError):
    """Bad lines: the message lists them; nothing was written."""


@dataclass
class Mapping:
    """Renames (their column -> ours; empty to drop) and value maps per column."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, spec: str | None, values: list[str], saved: str | None) -> Mapping:
        m = cls()
        if saved:
            data = json.loads(saved)
            m.columns.update({str(k): str(v) for k, v in data.get("columns", {}).items()})
            for col, table in data.get("values", {}).items():
                m.values.setdefault(str(col), {}).update({str(k): str(v) for k, v in table.items()})
        for part in (spec or "").split(","):
            if not part.strip():
                continue
            theirs, sep, ours = part.partition("=")
            if not sep:
                raise InvalidInput("--map", f"'{part}': write THEIR COLUMN=our_column")
            m.columns[theirs.strip()] = ours.strip()
        for spec_value in values:
            col, sep, pairs = spec_value.partition(":")
            if not sep:
                raise InvalidInput("--map-values", f"'{spec_value}': write column:theirs=ours,...")
            for pair in pairs.split(","):
                theirs, sep, ours = pair.partition("=")
                if not sep:
                    raise InvalidInput("--map-values", f"'{pair}': write theirs=ours")
                m.values.setdefault(col.strip(), {})[theirs.strip()] = ours.strip()
        return m


@dataclass
class Result:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_newer: int = 0
    prospects_created: int = 0

    def summary(self, entity: str, *, dry_run: bool) -> str:
        verb = "would import" if dry_run else "imported"
        text = (
            f"{verb} {entity}: {self.added} added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.kept_newer} kept (stored row newer)"
        )
        if self.prospects_created:
            text += f"; {self.prospects_created} new prospects"
        return text + (" (dry run: nothing written)" if dry_run else "")


# -- reading -----------------------------------------------------------------------------------


def read(handle: IO[bytes], fmt: str) -> Iterator[tuple[int, dict[str, Any], bool]]:
    """(line number, row, from CSV) for each row of the input."""
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="strict", newline="")
    try:
        if fmt == "csv":
            yield from _read_csv(text)
        elif fmt == "jsonl":
            for n, line in enumerate(text, 1):
                if line.strip():
                    yield n, _json_object(line, n), False
        else:
            yield from _read_json(text)
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            "FILE", f"is not UTF-8 text (byte {exc.start}); save it as UTF-8 and try again"
        ) from None


def _read_csv(text: IO[str]) -> Iterator[tuple[int, dict[str, Any], bool]]:
    csv.field_size_limit(rules.MAX_TEXT + 1)
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput("FILE", "is empty; expected a header row and data rows") from None
    except csv.Error as exc:
        raise InvalidInput("FILE", f"line 1: {exc}") from None
    if len(set(header)) != len(header):
        twice = sorted({h for h in header if header.count(h) > 1})
        raise InvalidInput("FILE", f"the header names {', '.join(twice)} twice")
    yield 1, {HEADER: header}, True  # so the columns are checked even with no data rows
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InvalidInput(
                "FILE", f"line {reader.line_num}: {exc} (is the file cut short?)"
            ) from None
        if not row:
            continue
        line = reader.line_num
        if len(row) != len(header):
            yield line, {"__width__": (len(row), len(header))}, True
            continue
        yield line, dict(zip(header, row, strict=True)), True


def _json_object(line: str, n: int) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            "FILE", f"line {n}: not JSON ({exc.msg}); is the file cut short?"
        ) from None
    if not isinstance(value, dict):
        raise InvalidInput("FILE", f"line {n}: expected an object with column names")
    return value


def _read_json(text: IO[str]) -> Iterator[tuple[int, dict[str, Any], bool]]:
    body = text.read()
    if not body.strip():
        raise InvalidInput("FILE", "is empty; expected a JSON array of objects")
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            "FILE", f"line {exc.lineno}: not JSON ({exc.msg}); is the file cut short?"
        ) from None
    if not isinstance(data, list):
        raise InvalidInput("FILE", "expected a JSON array of objects (or use jsonl)")
    for n, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise InvalidInput("FILE", f"item {n}: expected an object with column names")
        yield n, item, False


# -- validating --------------------------------------------------------------------------------


def _model(entity: Entity) -> Any:
    """A pydantic model of one row of ``entity`` (all optional; rules are checked after)."""
    from pydantic import ConfigDict, create_model

    types = {"uuid": uuid.UUID, "time": datetime, "bool": bool, "int": int, "float": float}
    fields: dict[str, Any] = {c.name: (types.get(c.kind, str) | None, None) for c in entity.columns}
    if entity.has_prospect:
        fields["prospect"] = (str | None, None)
    config = ConfigDict(extra="forbid", str_strip_whitespace=False)
    return create_model(f"{entity.table}_row", __config__=config, **fields)


_CHOICES: dict[tuple[str, str], Callable[[dict[str, Any]], tuple[str, ...]]] = {
    ("intel", "kind"): lambda r: vocab.INTEL_KINDS,
    ("contacts", "role"): lambda r: vocab.ROLES,
    ("promises", "status"): lambda r: vocab.PROMISE_STATUSES,
    ("initiatives", "status"): lambda r: vocab.INITIATIVE_STATUSES,
}


@dataclass
class Checked:
    line: int
    row: dict[str, Any]
    prospect_name: str | None


def _local(value: datetime, tz: tzinfo) -> datetime:
    return value.replace(tzinfo=tz) if value.tzinfo is None else value


def validate(
    entity: Entity,
    rows: Iterable[tuple[int, dict[str, Any], bool]],
    mapping: Mapping,
    *,
    tz: tzinfo,
    now: datetime,
    owner: str,
    errors: list[str],
    as_mine: bool = False,
    stages: list[str] | None = None,
) -> Iterator[Checked]:
    """The good rows, normalised; bad ones are described in ``errors`` (and not yielded).

    With ``as_mine`` every row is given to ``owner`` (moving a solo database to a team).
    ``stages`` (from :func:`store.settings.stages`) are the ones a prospect may be at.
    """
    from pydantic import ValidationError

    model = _model(entity)
    known = {c.name for c in entity.columns} | ({"prospect"} if entity.has_prospect else set())
    required = [c.name for c in entity.columns if not c.nullable and c.name != "prospect_id"]
    seen: set[bytes] = set()
    checked_header = False
    plain = not mapping.columns and not mapping.values
    rules = _Rules(entity, stages)

    def check_columns(names: Iterable[str]) -> None:
        ours = {mapping.columns.get(n, n) for n in names} - {""}
        unknown = sorted(ours - known)
        if unknown:
            raise InvalidInput(
                "FILE",
                f"unknown column {', '.join(repr(u) for u in unknown)} for {entity.name}; "
                "rename it with --map 'theirs=ours' or drop it with --map 'theirs='",
            )

    for line, raw, from_csv in rows:
        if HEADER in raw:
            check_columns(raw[HEADER])
            checked_header = True
            continue
        if "__width__" in raw:
            got, want = raw["__width__"]
            _note(errors, f"line {line}: {got} fields where the header has {want}")
            continue
        if plain and from_csv:  # the usual case: our own columns, nothing to translate
            row = {
                k: (None if v == "" else unprotect(v) if v[0] == "'" else v) for k, v in raw.items()
            }
        else:
            row = _mapped(raw, mapping, from_csv)
        if not checked_header:
            check_columns(row)
            checked_header = True
        try:
            data = model.model_validate(row).model_dump()
        except ValidationError as exc:
            for e in exc.errors():
                where = ".".join(str(x) for x in e["loc"]) or "row"
                _note(errors, f"line {line}: {where}: {_explain(e)}")
            continue
        if as_mine:
            data["owner"] = owner
        problem = rules.complete(data, tz=tz, now=now, owner=owner)
        if problem:
            _note(errors, f"line {line}: {problem}")
            continue
        key = data["id"].bytes
        if key in seen:
            _note(errors, f"line {line}: id {data['id']} appears twice in the file; keep one row")
            continue
        seen.add(key)
        missing = [c for c in required if data.get(c) is None]
        if missing:
            _note(errors, f"line {line}: {missing[0]}: is required; give a value")
            continue
        yield Checked(line, data, data.pop("prospect", None))


def _mapped(raw: dict[str, Any], mapping: Mapping, from_csv: bool) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for theirs, value in raw.items():
        ours = mapping.columns.get(theirs, theirs)
        if not ours:
            continue
        if isinstance(value, str):
            if from_csv:
                value = unprotect(value) if value else None
            if value is not None and ours in mapping.values:
                value = mapping.values[ours].get(value, value)
        row[ours] = value
    return row


def _explain(error: Any) -> str:
    kind = error.get("type", "")
    if kind.startswith("uuid"):
        return "not a UUID; use the form 3f2a9c1b-4e0d-4c1e-9a57-0d8f6b1e2c33 or leave it empty"
    if kind.startswith("datetime"):
        return "not a date and time; use ISO-8601 such as 2026-11-20T15:00:00+00:00"
    if kind.startswith("bool"):
        return "not true or false"
    if kind.startswith(("int", "float")):
        return "not a number"
    if kind == "extra_forbidden":
        return "unknown column; map or drop it with --map"
    return str(error.get("msg", "invalid"))


class _Rules:
    """What completing a row of one entity needs, worked out once."""

    def __init__(self, entity: Entity, stages: list[str] | None = None) -> None:
        self.entity = entity
        self.stages = tuple(stages or vocab.DEFAULT_STAGES)
        self.times = [c.name for c in entity.columns if c.kind == "time"]
        self.texts = [c.name for c in entity.columns if c.kind == "text"]
        self.choices = [(col, f) for (t, col), f in _CHOICES.items() if t == entity.table]
        self.prospect_required = entity.prospect_required

    def complete(
        self, data: dict[str, Any], *, tz: tzinfo, now: datetime, owner: str
    ) -> str | None:
        """Fill defaults, normalise values; returns a problem or None."""
        table = self.entity.table
        for name in self.times:
            value = data[name]
            if value is not None:
                data[name] = (
                    value.replace(tzinfo=tz) if value.tzinfo is None else value
                ).astimezone(now.tzinfo)
        try:
            for name in self.texts:
                data[name] = rules.clean_text(name, data[name])
        except InvalidInput as exc:
            return str(exc)
        if data["id"] is None:
            data["id"] = uuid.uuid4()
        data["owner"] = data["owner"] or owner
        data["created_at"] = data["created_at"] or now
        data["updated_at"] = data["updated_at"] or data["created_at"]
        for column, choices in self.choices:
            value = data[column]
            if value is not None:
                allowed = choices(data)
                if value in allowed:
                    continue
                try:
                    data[column] = vocab.choose(column, str(value), allowed, what=column)
                except InvalidInput as exc:
                    return str(exc)
        if table == "activities" and data["kind"] is not None and data["occurred_at"] is not None:
            try:  # the rule log and edit use; a missing kind or time is reported as required
                checked = rules.activity(
                    kind=data["kind"], outcome=data["outcome"], reached=data["reached"],
                    direction=data["direction"], occurred_at=data["occurred_at"],
                    duration_s=data["duration_s"], notes=data["notes"],
                    objective_met=data["objective_met"], now=now, names=rules.IMPORT,
                )  # fmt: skip
            except InvalidInput as exc:
                return str(exc)
            data.update(vars(checked))
        elif table == "ratings":
            if data["grade"] is not None:
                data["grade"] = str(data["grade"]).strip().upper()
                if data["grade"] not in vocab.GRADES:
                    return f"grade: '{data['grade']}' is not a grade; use A, B or D"
            month = str(data["month"] or "")
            if month and (
                len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit()
            ):
                return f"month: '{month}' is not a month; write it as 2026-11"
        elif table == "quality":
            try:
                for dim in vocab.QUALITY_DIMENSIONS:
                    if data[dim] is not None:
                        rules.score(dim, int(data[dim]))
            except InvalidInput as exc:
                return str(exc)
        elif table == "prospects" and data["name"]:
            try:
                data["name"] = names.clean_name("name", str(data["name"]))
            except InvalidInput as exc:
                return str(exc)
            data["name_key"] = names.key(data["name"])
            if data["stage"] is not None and data["stage"] not in self.stages:
                try:
                    data["stage"] = vocab.choose("stage", data["stage"], self.stages, what="stage")
                except InvalidInput as exc:
                    return f"{exc} (or set the stages first: salestrack stages ...)"
        if self.prospect_required and data["prospect_id"] is None and not data.get("prospect"):
            return "prospect_id: give the prospect's id or its name (a prospect column)"
        return None


def _note(errors: list[str], text: str) -> None:
    if len(errors) < MAX_ERRORS:
        errors.append(text)
    elif len(errors) == MAX_ERRORS:
        errors.append("... and more bad lines")


# -- writing -----------------------------------------------------------------------------------


def _same(writer: Store, kind: str, incoming: Any, stored_value: Any) -> bool:
    if writer.sqlite:
        return bool(writer.value(incoming) == stored_value)
    if kind == "time" and stored_value is not None and incoming is not None:
        from salestrack import clock

        return bool(clock.to_utc(stored_value) == incoming)
    return bool(incoming == stored_value)


def write(
    writer: Store,
    entity: Entity,
    checked: Iterable[Checked],
    *,
    strict: bool,
    first_stage: str,
    now: datetime,
    owner: str,
    errors: list[str],
    tick: Callable[[int], None],
) -> Result:
    """Write the good rows (the caller rolls back when ``errors`` is not empty)."""
    result = Result()
    cols = [c.name for c in entity.columns] + (["name_key"] if entity.table == "prospects" else [])
    kinds = {c.name: c.kind for c in entity.columns} | {"name_key": "text"}
    insert = (
        f"INSERT INTO {entity.table} ({', '.join(cols)}) "
        f"VALUES ({', '.join(':' + c for c in cols)})"
    )
    update = (
        f"UPDATE {entity.table} SET "
        + ", ".join(f"{c} = :{c}" for c in cols if c != "id")
        + " WHERE id = :id"
    )
    prospects: Prospects | None = None
    batch: list[Checked] = []
    converters = [(c, writer.converter(kinds[c])) for c in cols]

    def flush() -> None:
        nonlocal prospects
        if not batch:
            return
        if entity.has_prospect and prospects is None:
            prospects = Prospects(writer.rows("SELECT name_key, id FROM prospects"))
        ids = [writer.value(c.row["id"]) for c in batch]
        marks = ", ".join(f":i{n}" for n in range(len(ids)))
        existing = {
            r[0]: r
            for r in writer.rows(
                f"SELECT {', '.join(cols)} FROM {entity.table} WHERE id IN ({marks})",
                **{f"i{n}": v for n, v in enumerate(ids)},
            )
        }
        adds, changes = [], []
        for item in batch:
            row = item.row
            named = row.get("prospect_id") or item.prospect_name
            if named and prospects is not None and not prospects.resolve(
                writer, item, strict=strict, first_stage=first_stage, now=now,
                owner=owner, errors=errors, result=result,
            ):  # fmt: skip
                continue
            values = {c: conv(row.get(c)) for c, conv in converters}
            found = existing.get(values["id"])
            if found is None:
                adds.append(values)
                result.added += 1
            elif all(_same(writer, kinds[c], row.get(c), found[i]) for i, c in enumerate(cols)):
                result.unchanged += 1
            elif _newer(writer, row["updated_at"], found[cols.index("updated_at")]):
                changes.append(values)
                result.updated += 1
            else:
                result.kept_newer += 1
        if not errors:
            try:
                writer.many(insert, adds)
                writer.many(update, changes)
            except Exception as exc:  # a constraint: name it, with the batch's lines
                lines = f"{batch[0].line}-{batch[-1].line}"
                _note(errors, f"lines {lines}: the database refused a row ({_db_reason(exc)})")
        tick(len(batch))
        batch.clear()

    for item in checked:
        batch.append(item)
        if len(batch) >= BATCH:
            flush()
    flush()
    return result


def _db_reason(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    if "FOREIGN KEY" in text.upper() or "foreign key" in text:
        return "a referenced contact, activity or behaviour does not exist; import it first"
    if "UNIQUE" in text.upper() or "duplicate key" in text:
        return "a prospect with the same name already exists under another id"
    return text


def _newer(writer: Store, incoming: datetime, stored_value: Any) -> bool:
    from salestrack.store.sql import when

    stored_time = when(stored_value)
    return stored_time is None or incoming > stored_time


class Prospects:
    """Prospect names and ids, to resolve rows' prospects (and create unknown ones)."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.by_key: dict[str, Any] = {str(k): i for k, i in rows}
        self.ids: set[Any] = set(self.by_key.values())

    def resolve(
        self,
        writer: Store,
        item: Checked,
        *,
        strict: bool,
        first_stage: str,
        now: datetime,
        owner: str,
        errors: list[str],
        result: Result,
    ) -> bool:
        row = item.row
        if row.get("prospect_id") is not None:
            if writer.value(row["prospect_id"]) in self.ids:
                return True
            if not item.prospect_name:
                _note(
                    errors,
                    f"line {item.line}: prospect_id: no prospect {row['prospect_id']}; "
                    "import the prospects first",
                )
                return False
        name = (item.prospect_name or "").strip()
        key = names.key(name)
        if key in self.by_key:
            found = self.by_key[key]
            row["prospect_id"] = found if isinstance(found, uuid.UUID) else uuid.UUID(str(found))
            return True
        if strict:
            _note(
                errors,
                f"line {item.line}: prospect: unknown prospect '{name}' (--strict); "
                "add it first or leave out --strict",
            )
            return False
        try:
            name = names.clean_name("prospect", name)
        except InvalidInput as exc:
            _note(errors, f"line {item.line}: {exc}")
            return False
        from salestrack.capture import prospects

        pid = prospects.create(
            writer, name, owner=owner, now=now, stage=first_stage, since=now
        )  # the prospect and its first stage change, as log and prospect add write them
        self.by_key[key] = writer.value(pid)
        self.ids.add(writer.value(pid))
        row["prospect_id"] = pid
        result.prospects_created += 1
        return True
