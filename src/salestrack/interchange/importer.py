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
    """Bad lines: the message lists them, one a line; nothing was written."""

    multiline = True


DURATION_UNITS = {"s": 1, "ms": 0.001, "min": 60}


@dataclass
class Mapping:
    """How another tool's file becomes our rows: renames, value maps, constants, formats.

    ``columns`` maps their column (matched case-insensitively) to ours, or to "" to drop it;
    in a preset or a ``--map-file`` several of theirs may become one of ours, and the first
    one (in the mapping's order) with a value on a row gives it. ``joins`` make one of ours
    from several of theirs written one after the other (a date and a time); ``values`` maps
    values per column (ours or theirs; case-insensitive); ``constants`` (``--set``) give a
    column one value on every row; ``defaults`` give an empty column a value (per kind of
    activity when a dict); ``keep_rows`` keep only the rows whose column holds one of the
    values listed (the others are counted and left out); ``date_format`` is a strptime
    format for every time; ``duration_unit`` is what a bare number of ``duration_s``
    counts (s, ms or min). ``named`` are the columns the user named, which the file must have.
    """

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    date_format: str | None = None
    duration_unit: str = "s"
    named: dict[str, str] = field(default_factory=dict)  # column -> the option naming it
    preset: str | None = None  # --from: their other columns are listed, not refused
    date_formats: tuple[str, ...] = ()  # a preset's formats, tried in order ("iso": ISO-8601)
    joins: dict[str, list[list[str]]] = field(default_factory=dict)  # ours -> theirs, joined
    defaults: dict[str, Any] = field(default_factory=dict)  # ours -> value or {kind: value}
    keep_rows: dict[str, list[str]] = field(default_factory=dict)  # theirs -> values kept
    origin: dict[str, str] = field(default_factory=dict)  # their column -> the option
    #: the values typed with --map-values, per column as typed: each must be in the file
    typed_values: dict[str, list[str]] = field(default_factory=dict)
    #: the values the file had in a column with a value map (ours -> casefolded values)
    seen: dict[str, set[str]] = field(default_factory=dict)
    #: the value-mapped columns each typed --map-values column became (typed -> ours)
    mapped: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def parse(
        cls,
        spec: str | None,
        values: list[str],
        saved: str | None,
        *,
        constants: list[str] | None = None,
        date_format: str | None = None,
        duration_unit: str | None = None,
        preset: str | None = None,
        preset_name: str | None = None,
    ) -> Mapping:
        m = cls()
        if preset:
            m._load(json.loads(preset), "preset")
            m.preset = preset_name or "preset"
        if saved:  # the user's file: read strictly (finite numbers, not nested too deep)
            from salestrack.store.settings import strict_json

            m._load(strict_json(saved), "--map-file")
        for part in (spec or "").split(","):
            if not part.strip():
                continue
            theirs, sep, ours = part.partition("=")
            if not sep:
                raise InvalidInput("--map", f"'{part}': write THEIR COLUMN=our_column")
            theirs, ours = theirs.strip(), ours.strip()
            if "+" in theirs and ours:  # Date+Time=occurred_at: one value from two columns
                m.joins[ours] = [[p.strip() for p in theirs.split("+")]]
                m.origin[theirs] = "--map"
            else:
                m.columns.pop(theirs, None)
                m.columns[theirs] = ours
                m.origin[theirs] = "--map"
            m.named.setdefault(theirs, "--map")
        for spec_value in values:
            col, sep, pairs = spec_value.partition(":")
            if not sep:
                raise InvalidInput("--map-values", f"'{spec_value}': write column:theirs=ours,...")
            for pair in pairs.split(","):
                theirs, sep, ours = pair.partition("=")
                if not sep:
                    raise InvalidInput("--map-values", f"'{pair}': write theirs=ours")
                m.values.setdefault(col.strip(), {})[theirs.strip().casefold()] = ours.strip()
                m.typed_values.setdefault(col.strip(), []).append(theirs.strip())
            m.named.setdefault(col.strip(), "--map-values")
        for item in constants or []:
            col, sep, value = item.partition("=")
            if not sep or not col.strip():
                raise InvalidInput("--set", f"'{item}': write column=value, e.g. kind=call")
            m.constants[col.strip()] = value.strip()
        if date_format is not None:
            m.date_format = date_format
        if duration_unit is not None:
            m.duration_unit = duration_unit
        if m.duration_unit not in DURATION_UNITS:
            raise InvalidInput(
                "--duration-unit", f"unknown unit '{m.duration_unit}'; use s, ms or min"
            )
        if m.date_format is not None and "%" not in m.date_format:
            raise InvalidInput(
                "--date-format", f"'{m.date_format}' has no % field; e.g. '%m/%d/%Y %I:%M %p'"
            )
        return m

    def _load(self, data: Any, option: str) -> None:
        if not isinstance(data, dict):
            raise ValueError("expected an object with columns and values")
        for k, v in _section(data, "columns").items():
            self.columns.pop(str(k), None)  # a later mapping's entry goes after the earlier
            self.columns[str(k)] = str(v)
            self.origin[str(k)] = option
        for col, table in _section(data, "values").items():
            if not isinstance(table, dict):
                raise ValueError(f"values.{col}: expected an object of theirs: ours")
            self.values.setdefault(str(col), {}).update(
                {str(k).casefold(): str(v) for k, v in table.items()}
            )
            if option != "preset":
                self.named.setdefault(str(col), option)
        for ours, theirs in _section(data, "join").items():
            if not isinstance(theirs, list) or not theirs:
                raise ValueError(f"join.{ours}: expected a list of their columns")
            groups = theirs if all(isinstance(t, list) for t in theirs) else [theirs]
            self.joins[str(ours)] = [[str(t) for t in g] for g in groups]
        self.constants.update({str(k): str(v) for k, v in _section(data, "set").items()})
        self.defaults.update(_section(data, "defaults"))
        for col, kept in _section(data, "keep_rows").items():
            if not isinstance(kept, list):
                raise ValueError(f"keep_rows.{col}: expected a list of values")
            self.keep_rows[str(col)] = [str(k) for k in kept]
        if isinstance(data.get("date_format"), list):
            self.date_formats = tuple(str(f) for f in data["date_format"])
        elif data.get("date_format"):
            self.date_format = str(data["date_format"])
        if data.get("duration_unit"):
            self.duration_unit = str(data["duration_unit"])

    @property
    def plain(self) -> bool:
        """Nothing to translate: the file has our own columns and values."""
        return (
            not (self.columns or self.values or self.constants or self.date_format)
            and not (self.joins or self.defaults or self.keep_rows)
            and self.duration_unit == "s"
        )


def _section(data: dict[str, Any], key: str) -> dict[str, Any]:
    found = data.get(key, {})
    if not isinstance(found, dict):
        raise ValueError(f"{key}: expected an object")
    return found


@dataclass
class Result:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_newer: int = 0
    prospects_created: int = 0
    unused: list[str] = field(default_factory=list)  # their columns a preset leaves out
    left_out: dict[str, int] = field(default_factory=dict)  # rows keep_rows left out, by why
    stages_moved: int = 0  # prospects whose current stage the import changed

    def summary(self, entity: str, *, dry_run: bool) -> str:
        verb = "would import" if dry_run else "imported"
        text = (
            f"{verb} {entity}: {self.added} added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.kept_newer} kept (stored row newer)"
        )
        if self.prospects_created:
            text += f"; {self.prospects_created} new prospects"
        if self.stages_moved:
            text += f"; {self.stages_moved} prospects moved to their latest stage"
        for why, n in self.left_out.items():
            text += f"; {n} {'row' if n == 1 else 'rows'} left out ({why})"
        if self.unused:
            text += "; not imported (no column for them): " + ", ".join(self.unused)
        return text + (" (dry run: nothing written)" if dry_run else "")


# -- reading -----------------------------------------------------------------------------------


def read(
    handle: IO[bytes], fmt: str, encoding: str | None = None
) -> Iterator[tuple[int, dict[str, Any], bool]]:
    """(line number, row, from CSV) for each row of the input.

    UTF-8 (with or without a byte-order mark) and UTF-16 with its byte-order mark are read
    as they are; another encoding is named with ``encoding`` (``--encoding``).
    """
    named = encoding
    if encoding is None:
        encoding = _sniff(handle)
    try:
        text = io.TextIOWrapper(handle, encoding=encoding, errors="strict", newline="")
    except LookupError:
        raise InvalidInput(
            "--encoding", f"unknown encoding '{encoding}'; e.g. utf-8, utf-16, cp1252, latin-1"
        ) from None
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
        if named:
            raise InvalidInput(
                "FILE", f"is not {named} text (a byte at {exc.start} of a block can't be read)"
            ) from None
        raise InvalidInput(
            "FILE",
            f"is not UTF-8 text (byte {exc.start}); give its encoding, e.g. --encoding cp1252 "
            "(Excel on Windows) or --encoding latin-1, or save it as UTF-8",
        ) from None


def _sniff(handle: IO[bytes]) -> str:
    """The encoding a byte-order mark names (UTF-8 without one)."""
    peek = getattr(handle, "peek", None)
    head = peek(4)[:4] if peek is not None else b""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if len(head) >= 2 and (head[0] == 0) != (head[1] == 0):
        raise InvalidInput(
            "FILE",
            "looks like UTF-16 text without a byte-order mark; add --encoding utf-16-le "
            "(or utf-16-be)",
        )
    return "utf-8-sig"


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
            what = str(exc)
            if "unexpected end of data" in what:
                what = "the file ends inside a quoted value"
            raise InvalidInput(
                "FILE", f"line {reader.line_num}: {what} (is the file cut short?)"
            ) from None
        if not row:
            continue
        line = reader.line_num
        if len(row) != len(header):
            yield line, {"__width__": (len(row), len(header))}, True
            continue
        yield line, dict(zip(header, row, strict=True)), True


def _strict(text: str, n: int | None) -> Any:
    """JSON as :func:`store.settings.strict_json` reads it (finite numbers, no key twice,
    not nested too deep); a problem is one line naming the line."""
    from salestrack.store.settings import Bad, strict_json

    try:
        return strict_json(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            "FILE",
            f"line {exc.lineno if n is None else n}: not JSON ({exc.msg}); is the file cut short?",
        ) from None
    except Bad as exc:
        where = f"line {n}: " if n is not None else ""
        raise InvalidInput("FILE", f"{where}{exc}") from None


def _json_object(line: str, n: int) -> dict[str, Any]:
    value = _strict(line, n)
    if not isinstance(value, dict):
        raise InvalidInput("FILE", f"line {n}: expected an object with column names")
    return value


def _read_json(text: IO[str]) -> Iterator[tuple[int, dict[str, Any], bool]]:
    body = text.read()
    if not body.strip():
        raise InvalidInput("FILE", "is empty; expected a JSON array of objects")
    data = _strict(body, None)
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
        fields["prospect_key"] = (str | None, None)
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
    given: frozenset[str] = frozenset()  # the columns the file (or --set) gives
    filled: frozenset[str] = frozenset()  # id, created_at, updated_at when import made them
    prospect_key: str | None = None  # the other tool's id of the prospect (its source key)


class _BadValue(Exception):
    """One value of a row can't be read (its column and the fix)."""


_FILLED = ("id", "created_at", "updated_at")
_SET_EXAMPLES = {"kind": "call", "direction": "outbound", "status": "open", "source": "explicit"}
SOURCE_KEYED = ("prospects", "contacts", "activities", "stage_changes", "next_steps")


def _fingerprint(row: dict[str, Any]) -> str:
    """A stable key of a row's own values, for files without ids."""
    import hashlib

    own = sorted(
        (k, str(v)) for k, v in row.items() if v is not None and k not in _NOT_FINGERPRINTED
    )
    digest = hashlib.blake2b(json.dumps(own).encode(), digest_size=16).hexdigest()
    return f"fp:{digest}"


_NOT_FINGERPRINTED = {"id", "owner", "created_at", "updated_at", "source_key"}


@dataclass
class _Source:
    """Where one of our columns comes from: their columns (joined) and their value map."""

    theirs: list[str]
    table: dict[str, str] | None
    option: str  # preset, --map-file, --map or "" (the column is ours by name)


PSEUDO = ("prospect", "prospect_key")  # not stored: how a row names its prospect


class _Plan:
    """How the columns of one header become ours: worked out once per file (per key set)."""

    def __init__(
        self, entity: Entity, mapping: Mapping, header: Iterable[str], stages: tuple[str, ...]
    ) -> None:
        header = list(header)
        by_fold = {h.casefold(): h for h in header}
        for column, option in mapping.named.items():
            parts = column.split("+") if option == "--map" and column not in header else [column]
            if option == "--map" and any(p.strip().casefold() not in by_fold for p in parts):
                raise InvalidInput(
                    option,
                    f"the file has no column '{column}'; its columns are {_listed(header)}",
                )
        kinds = {c.name: c.kind for c in entity.columns}
        known = set(kinds) | (set(PSEUDO) if entity.has_prospect else set())
        values = {k.casefold(): v for k, v in mapping.values.items()}
        sources: dict[str, list[_Source]] = {}
        used: set[str] = set()

        typed = {k.casefold(): k for k in mapping.typed_values}

        def add(ours: str, theirs: list[str], option: str) -> None:
            table: dict[str, str] | None = None
            for key in (ours, *theirs):  # their column's own map goes over ours
                if key.casefold() in values:
                    table = {**(table or {}), **values[key.casefold()]}
                if key.casefold() in typed:
                    mapping.mapped.setdefault(typed[key.casefold()], set()).add(ours)
            found = sources.setdefault(ours, [])
            if found and not (option in _VARIANTS and all(s.option in _VARIANTS for s in found)):
                raise InvalidInput(
                    "--map",
                    f"'{found[0].theirs[0]}' and '{theirs[0]}' both become {ours}; drop one",
                )
            found.append(_Source(theirs, table, option))

        for ours, groups in mapping.joins.items():
            for parts in groups:
                present = [by_fold[p.casefold()] for p in parts if p.casefold() in by_fold]
                if len(present) > 1 and ours and not used.intersection(present):
                    add(ours, present, mapping.origin.get("+".join(parts), "preset"))
                    used.update(present)
        for theirs, ours in mapping.columns.items():
            h = by_fold.get(theirs.casefold())
            if h is None or h in used:
                continue
            used.add(h)
            if ours:
                add(ours, [h], mapping.origin.get(theirs, "preset"))
        leftover = [h for h in header if h not in used]
        unknown = [h for h in leftover if h not in known]
        self.unused = unknown if mapping.preset else []
        if unknown and not mapping.preset:
            raise InvalidInput(
                "FILE",
                f"unknown column {', '.join(repr(u) for u in unknown)} for {entity.name}; "
                "rename it with --map 'theirs=ours' or drop it with --map 'theirs='",
            )
        for h in leftover:
            if h in known:
                add(h, [h], "")
        mapped_to = [o for o in sources if o not in known]
        if mapped_to:
            raise InvalidInput(
                "--map",
                f"{', '.join(repr(o) for o in mapped_to)} is not a column of {entity.name}; "
                "see docs/export.md for the columns",
            )
        for column, option in mapping.named.items():
            if option != "--map-values" or column in sources:
                continue
            if column.casefold() not in by_fold or by_fold[column.casefold()] not in used:
                raise InvalidInput(
                    "--map-values",
                    f"the file has no column '{column}'; its columns are {_listed(header)}",
                )
        self.sources = list(sources.items())
        self.keep = [
            (by_fold[c.casefold()], c, {v.strip().casefold() for v in kept})
            for c, kept in mapping.keep_rows.items()
            if c.casefold() in by_fold
        ]
        self.defaults = dict(mapping.defaults)
        self.given = frozenset(sources) | frozenset(mapping.constants) | frozenset(self.defaults)
        self.constants = dict(mapping.constants)
        self.date_format = mapping.date_format
        self.date_formats = (mapping.date_format,) if mapping.date_format else mapping.date_formats
        self.parsers = [_time_parser(f) for f in self.date_formats]
        self.unit = DURATION_UNITS[mapping.duration_unit]
        self.times = {c for c, k in kinds.items() if k == "time"}
        self.preset = mapping.preset
        self.header = header
        self.mapping = mapping
        self._missing(entity, stages)

    def _missing(self, entity: Entity, stages: tuple[str, ...]) -> None:
        defaults = {*_FILLED, "owner", "source_key"}
        if entity.table == "activities":
            defaults.add("direction")
        if entity.table == "prospects":
            defaults.add("stage")
        for c in entity.columns:
            if c.nullable or c.name in defaults or c.name in self.given:
                continue
            if c.name == "prospect_id":
                if "prospect" in self.given or "prospect_key" in self.given:
                    continue
                wanted = "prospect"
            else:
                wanted = c.name
            if self.preset:
                expected = [t for t, o in self.mapping.columns.items() if o == wanted]
                expected += [
                    " + ".join(p) for o, g in self.mapping.joins.items() if o == wanted for p in g
                ]
                raise InvalidInput(
                    "FILE",
                    f"this is not the export the {self.preset} preset reads: it has none of "
                    f"the columns {', '.join(repr(e) for e in expected[:6])} (for {wanted}); "
                    f"its columns are {_listed(self.header)} (see docs/import.md for which "
                    "export each preset expects)",
                )
            if wanted == "prospect":
                raise InvalidInput(
                    "FILE",
                    "the file has no prospect column: map the column naming the prospect "
                    "(e.g. --map 'Company=prospect') or add --set prospect=NAME",
                )
            if c.kind == "time":
                fix = f"map one, e.g. --map 'Date={c.name}'"
            else:
                example = _SET_EXAMPLES.get(c.name, "VALUE")
                fix = f"add --set {c.name}={example} or map one"
            raise InvalidInput("FILE", f"the file has no {c.name} column: {fix}")

    def kept(self, raw: dict[str, Any]) -> str | None:
        """None when the row is kept; else why it is left out (``keep_rows``)."""
        for header, _named, allowed in self.keep:
            value = raw.get(header)
            text = "" if value is None else str(value).strip().casefold()
            if text not in allowed:
                return f"{header} is '{'' if value is None else str(value).strip()}'"
        return None

    def row(self, raw: dict[str, Any], from_csv: bool) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for ours, found in self.sources:
            value: Any = None
            table = None
            for source in found:
                parts = []
                for theirs in source.theirs:
                    part = raw.get(theirs)
                    if isinstance(part, str) and from_csv:
                        part = unprotect(part) if part else None
                    if part is not None and part != "":
                        parts.append(part)
                if not parts:
                    continue
                value = parts[0] if len(parts) == 1 else " ".join(str(p).strip() for p in parts)
                table = source.table
                if isinstance(value, str) and table is not None:
                    self._saw(ours, value.strip().casefold())
                    mapped = table.get(value.strip().casefold())
                    if mapped is not None:
                        value = mapped or None
                        if value is None:
                            continue  # mapped to empty: the next of their columns may say
                break
            if isinstance(value, str):
                value = self._value(ours, value, table)
            row[ours] = value
        for ours, value in self.constants.items():
            row[ours] = self._value(ours, value, None) if value else None
        for ours, default in self.defaults.items():
            if row.get(ours) is None:
                if isinstance(default, dict):
                    kind = row.get("kind")
                    default = default.get(vocab.canonical(kind)) if isinstance(kind, str) else None
                row[ours] = None if default is None else str(default)
        ident = row.get("id")
        if isinstance(ident, str) and ident and not _is_uuid(ident):
            row["source_key"] = row.get("source_key") or ident  # another tool's own id
            row["id"] = None
        return row

    def _saw(self, ours: str, value: str) -> None:
        """Keep a value of a value-mapped column, for :func:`unmatched_values` (a few
        thousand distinct values at most: past that, the column is not a list of codes)."""
        found = self.mapping.seen.setdefault(ours, set())
        if len(found) < SEEN_VALUES:
            found.add(value)

    def _value(self, ours: str, value: str, table: dict[str, str] | None) -> Any:
        if ours in self.times and self.date_formats:
            for parse in self.parsers:
                try:
                    return parse(value.strip())
                except ValueError:
                    continue
            raise _BadValue(
                f"{ours}: '{value}' does not match --date-format '{self.date_formats[0]}'"
                if self.date_format
                else f"{ours}: '{value}' is not a time this export writes; give --date-format"
            )
        if ours == "duration_s":
            seconds = _seconds(value, self.unit)
            if table is not None:
                self._saw(ours, str(seconds))
            if table is not None and str(seconds) in table:
                return table[str(seconds)] or None
            return seconds
        return value


_VARIANTS = ("preset", "--map-file")

_FIELDS = {code: r"(\d{1,2})" for code in "mdHIMS"} | {"Y": r"(\d{4})", "p": r"([AaPp][Mm])"}


def _time_parser(fmt: str) -> Callable[[str], datetime]:
    """A parser for one ``--date-format``: strptime's result, without its per-call cost for
    the usual fields (%Y %m %d %H %I %M %S %p); other formats go to strptime itself."""
    import re

    if fmt == "iso":
        return datetime.fromisoformat
    pattern, order, i = "", [], 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "%" and i + 1 < len(fmt):
            code = fmt[i + 1]
            if code not in _FIELDS:
                return lambda text: datetime.strptime(text, fmt)
            pattern += _FIELDS[code]
            order.append(code)
            i += 2
            continue
        pattern += r"\s+" if ch.isspace() else re.escape(ch)
        i += 1
    if len(set(order)) != len(order) or not {"Y", "m", "d"} <= set(order):
        return lambda text: datetime.strptime(text, fmt)
    compiled = re.compile(pattern + r"\Z", re.IGNORECASE)

    def parse(text: str) -> datetime:
        found = compiled.match(text)
        if found is None:
            raise ValueError(text)
        got = dict(zip(order, found.groups(), strict=True))
        hour = int(got.get("H") or got.get("I") or 0)
        if "I" in got:
            if not 1 <= hour <= 12:
                raise ValueError(text)
            if "p" in got:
                hour = hour % 12 + (12 if got["p"].lower() == "pm" else 0)
        elif "p" in got:
            raise ValueError(text)
        return datetime(
            int(got["Y"]), int(got["m"]), int(got["d"]), hour,
            int(got.get("M") or 0), int(got.get("S") or 0),
        )  # fmt: skip

    return parse


def preset(crm: str, entity: Entity) -> str:
    """The text of a shipped preset (``--from``) for ``entity``, in the --map-file format."""
    from importlib import resources

    name = crm.strip().lower()
    found = sorted(
        p.name.removesuffix(".json")
        for p in resources.files("salestrack.interchange.presets").iterdir()
        if p.name.endswith(".json")
    )
    wanted = f"{name}-{entity.name}"
    if wanted not in found:
        crms = [f.removesuffix(f"-{entity.name}") for f in found if f.endswith(f"-{entity.name}")]
        if crms:
            have = f"the presets for {entity.name} are: {', '.join(crms)}"
        else:
            kinds = sorted({f.split("-", 1)[1] for f in found})
            have = f"presets are for {', '.join(kinds)}"
        raise InvalidInput("--from", f"no preset '{name}' for {entity.name}; {have}")
    return (resources.files("salestrack.interchange.presets") / f"{wanted}.json").read_text(
        encoding="utf-8"
    )


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _listed(header: list[str]) -> str:
    shown = ", ".join(repr(h) for h in header[:12])
    return shown + (f" and {len(header) - 12} more" if len(header) > 12 else "") or "(none)"


def _seconds(text: str, unit: float) -> int:
    """A duration cell in seconds: HH:MM:SS, HH:MM, or a number counted in ``unit``."""
    s = text.strip()
    try:
        if ":" in s:
            parts = [int(p) for p in s.split(":")]
            if len(parts) not in (2, 3) or any(p < 0 for p in parts) or parts[-1] >= 60:
                raise ValueError
            h, m, sec = [*parts, 0] if len(parts) == 2 else parts
            if len(parts) == 3 and m >= 60:
                raise ValueError
            return h * 3600 + m * 60 + sec
        amount = float(s.replace(",", ""))
    except ValueError:
        raise _BadValue(
            f"duration_s: '{text}' is not a duration; write seconds, HH:MM:SS or HH:MM "
            "(or --duration-unit ms for milliseconds)"
        ) from None
    if amount != amount or amount in (float("inf"), float("-inf")):
        raise _BadValue(f"duration_s: '{text}' is not a duration; write a number of seconds")
    seconds = amount * unit
    return int(seconds + 0.5) if seconds >= 1 or seconds <= 0 else 1


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
    unused: list[str] | None = None,
    left_out: dict[str, int] | None = None,
) -> Iterator[Checked]:
    """The good rows, normalised; bad ones are described in ``errors`` (and not yielded).

    With ``as_mine`` every row is given to ``owner`` (moving a solo database to a team).
    ``stages`` (from :func:`store.settings.stages`) are the ones a prospect may be at.
    A row without an id keeps a source key: the other tool's id when the file has one that
    is not a UUID, else a fingerprint of its values (the n-th identical row gets ``:n``).
    """
    from pydantic import ValidationError

    model = _model(entity)
    required = [c.name for c in entity.columns if not c.nullable and c.name != "prospect_id"]
    seen: set[bytes] = set()
    keys: set[tuple[str, str]] = set()
    domains: set[tuple[str, str]] = set()
    prints: dict[str, int] = {}
    plain = mapping.plain
    rules = _Rules(entity, stages)
    keyed = entity.table in SOURCE_KEYED
    plans: dict[tuple[str, ...], _Plan] = {}
    plan: _Plan | None = None

    for line, raw, from_csv in rows:
        if HEADER in raw:
            plan = _Plan(entity, mapping, raw[HEADER], rules.stages)
            if unused is not None:
                unused.extend(plan.unused)
            continue
        if "__width__" in raw:
            got, want = raw["__width__"]
            _note(errors, f"line {line}: {got} fields where the header has {want}")
            continue
        if not from_csv:  # JSON: each key set its own plan (rows may leave keys out)
            shape = tuple(raw)
            plan = plans.get(shape)
            if plan is None:
                plan = plans[shape] = _Plan(entity, mapping, shape, rules.stages)
                if unused is not None:
                    unused.extend(u for u in plan.unused if u not in unused)
        if plan is None:  # pragma: no cover - CSV always starts with its header
            continue
        if plan.keep:
            why = plan.kept(raw)
            if why is not None:
                if left_out is not None:
                    left_out[why] = left_out.get(why, 0) + 1
                continue
        try:
            if plain and from_csv:  # the usual case: our own columns, nothing to translate
                row = {
                    k: (None if v == "" else unprotect(v) if v[0] == "'" else v)
                    for k, v in raw.items()
                }
            else:
                row = plan.row(raw, from_csv)
        except _BadValue as exc:
            _note(errors, f"line {line}: {exc}")
            continue
        try:
            data = model.model_validate(row).model_dump()
        except ValidationError as exc:
            bad = exc.errors()
            if plain and [e["loc"] for e in bad] == [("id",)] and isinstance(row.get("id"), str):
                row = plan.row(raw, from_csv)  # an id that is not a UUID: a source key
                try:
                    data = model.model_validate(row).model_dump()
                    bad = []
                except ValidationError as again:
                    bad = again.errors()
            if bad:
                for e in bad:
                    where = ".".join(str(x) for x in e["loc"]) or "row"
                    _note(errors, f"line {line}: {where}: {_explain(e)}")
                continue
        if as_mine:
            data["owner"] = owner
        filled = frozenset(c for c in _FILLED if data[c] is None)
        if keyed and "id" in filled and data["source_key"] is None and entity.table != "prospects":
            key = _fingerprint(row)
            n = prints[key] = prints.get(key, 0) + 1
            data["source_key"] = key if n == 1 else f"{key}:{n}"
        if entity.table == "prospects" and data["stage"] is None:
            data["stage"] = rules.stages[0]
        problem = rules.complete(data, tz=tz, now=now, owner=owner)
        if problem:
            _note(errors, f"line {line}: {problem}")
            continue
        if entity.table == "prospects" and data.get("domain"):
            pair = (data["owner"], data["domain"])
            if pair in domains:
                _note(errors, f"line {line}: domain {data['domain']} appears twice in the file; "
                      "keep one row (a domain is one prospect)")  # fmt: skip
                continue
            domains.add(pair)
        ident = data["id"].bytes
        if ident in seen:
            _note(errors, f"line {line}: id {data['id']} appears twice in the file; keep one row")
            continue
        seen.add(ident)
        if keyed and data["source_key"] is not None:
            if len(data["source_key"]) > SOURCE_KEY_LENGTH:
                _note(errors, f"line {line}: source_key: longer than {SOURCE_KEY_LENGTH}")
                continue
            pair = (data["owner"], data["source_key"])
            if pair in keys and "id" in filled:
                _note(
                    errors,
                    f"line {line}: source key '{data['source_key']}' appears twice in the file; "
                    "keep one row",
                )
                continue
            keys.add(pair)
        missing = [c for c in required if data.get(c) is None]
        if missing:
            _note(errors, f"line {line}: {missing[0]}: is required; give a value")
            continue
        key = data.pop("prospect_key", None)
        yield Checked(line, data, data.pop("prospect", None), plan.given, filled, key)
    unmatched_values(mapping)


SEEN_VALUES = 5000


def unmatched_values(mapping: Mapping) -> None:
    """Refuse a value typed with ``--map-values`` that no row of the file has in its column:
    a typo there would otherwise map nothing, without a word. Values of a preset or a map
    file are not checked (they list every value the CRM writes; one file has some)."""
    for column, typed in mapping.typed_values.items():
        ours = mapping.mapped.get(column)
        if not ours:
            continue  # the column's absence is refused when the header is read
        seen = set().union(*(mapping.seen.get(o, set()) for o in ours))
        if any(len(mapping.seen.get(o, ())) >= SEEN_VALUES for o in ours):
            continue  # too many values to have kept them all
        missing = [t for t in typed if t.casefold() not in seen]
        if missing:
            had = sorted(v for v in seen if v)[:8]
            listed = ", ".join(repr(v) for v in had) + (", ..." if len(seen) > len(had) else "")
            raise InvalidInput(
                "--map-values",
                f"no row has {missing[0]!r} in column '{column}'; its values are "
                f"{listed or 'all empty'} (case aside); fix the value or drop it",
            )


SOURCE_KEY_LENGTH = 200  # as models.SOURCE_KEY_LENGTH


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
            data.update(checked._asdict())
        elif table == "ratings":
            if data["grade"] is not None:
                data["grade"] = str(data["grade"]).strip().upper()
                if data["grade"] not in vocab.GRADES:
                    return f"grade: '{data['grade']}' is not a grade; use A, B or D"
            if data["month"] is not None:
                from salestrack.clients import crc

                try:
                    data["month"] = crc.check_month(str(data["month"]), today=now.date())
                except InvalidInput as exc:
                    return f"month: {str(exc).partition(': ')[2]}"
        elif table == "quality":
            try:
                for dim in vocab.QUALITY_DIMENSIONS:
                    if data[dim] is not None:
                        rules.score(dim, int(data[dim]))
            except InvalidInput as exc:
                return str(exc)
        elif table == "contacts":
            from salestrack.capture import contacts

            try:  # the rules of contact add --email and --phone (the role is a choice above)
                data["email"] = names.check_email(data["email"], "email")
                data["phone"] = contacts.check_phone(data["phone"], "phone")
            except InvalidInput as exc:
                return str(exc)
        elif table == "prospects" and data["name"]:
            try:
                data["name"] = names.clean_name("name", str(data["name"]))
            except InvalidInput as exc:
                return str(exc)
            data["name_key"] = names.key(data["name"])
            problem = self._stage(data, "stage")
            if problem:
                return problem
            try:
                data["value"] = check_value(data["value"])
            except InvalidInput as exc:
                return f"value: {str(exc).partition(': ')[2]}"
            try:  # the rule of prospect add --domain
                data["domain"] = names.clean_domain("domain", data.get("domain"))
            except InvalidInput as exc:
                return str(exc)
        elif table == "stage_changes":
            problem = self._stage(data, "to_stage") or self._stage(data, "from_stage")
            if problem:
                return problem
        elif table == "tags" and data["name"]:
            from salestrack.capture import tags

            try:
                data["name"] = tags.clean("name", str(data["name"]))
            except InvalidInput as exc:
                return str(exc)
        if (
            self.prospect_required
            and data["prospect_id"] is None
            and not data.get("prospect")
            and not data.get("prospect_key")
        ):
            return "prospect_id: give the prospect's id or its name (a prospect column)"
        return None

    def _stage(self, data: dict[str, Any], column: str) -> str | None:
        """A stage as the CLI takes it (``capture.prospects.check_stage``'s rule)."""
        if data[column] is None or data[column] in self.stages:
            return None
        try:
            data[column] = vocab.choose(column, data[column], self.stages, what="stage")
        except InvalidInput as exc:
            return (
                f"{exc} (map it with --map-values '{column}:THEIRS=ours', "
                "or add the stage: salestrack stages ...)"
            )
        return None


def check_value(value: float | None) -> float | None:
    """A prospect's value: the rule ``prospect add --value`` uses."""
    from salestrack.capture.prospects import check_value as rule

    return rule(value)


def _note(errors: list[str], text: str) -> None:
    if len(errors) < MAX_ERRORS:
        errors.append(text)
    elif len(errors) == MAX_ERRORS:
        errors.append("... and more bad lines")


# -- writing -----------------------------------------------------------------------------------


def _same(writer: Store, kind: str, incoming: Any, converted: Any, stored_value: Any) -> bool:
    if writer.sqlite:
        return bool(converted == stored_value)
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
    """Write the good rows (the caller rolls back when ``errors`` is not empty).

    A row is the stored row with its id; failing that (a row the file gave no id), the
    stored row with its source key, and for prospects the one with its name. Such a match
    keeps the stored id and times and the stored values of columns the file does not have.
    """
    result = Result()
    table = entity.table
    cols = [c.name for c in entity.columns] + (["name_key"] if table == "prospects" else [])
    kinds = {c.name: c.kind for c in entity.columns} | {"name_key": "text"}
    insert = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"
    update = (
        f"UPDATE {table} SET "
        + ", ".join(f"{c} = :{c}" for c in cols if c != "id")
        + " WHERE id = :id"
    )
    keyed = "source_key" in kinds
    at = {c: i for i, c in enumerate(cols)}
    prospects: Prospects | None = None
    batch: list[Checked] = []
    converters = [(c, writer.converter(kinds[c])) for c in cols]
    conv_updated = writer.converter("time")
    touched: set[Any] = set()  # stage changes: the prospects whose history grew
    history: list[tuple[str, Any, Any, Any, Any]] = []  # prospects: stage changes to write

    def stored_by(column: str, wanted: list[Any]) -> dict[tuple[Any, Any], tuple[Any, ...]]:
        if not wanted:
            return {}
        marks = ", ".join(f":k{n}" for n in range(len(wanted)))
        found = writer.rows(
            f"SELECT {', '.join(cols)} FROM {table} WHERE {column} IN ({marks})",
            **{f"k{n}": v for n, v in enumerate(wanted)},
        )
        return {(r[at["owner"]], r[at[column]]): r for r in found}

    def flush() -> None:
        nonlocal prospects
        if not batch:
            return
        if entity.has_prospect and prospects is None:
            prospects = Prospects(
                writer.rows("SELECT name_key, id FROM prospects"),
                writer.rows(
                    "SELECT owner, source_key, id FROM prospects WHERE source_key IS NOT NULL"
                ),
            )
        ids = [writer.value(c.row["id"]) for c in batch]
        marks = ", ".join(f":i{n}" for n in range(len(ids)))
        existing = {
            r[0]: r
            for r in writer.rows(
                f"SELECT {', '.join(cols)} FROM {table} WHERE id IN ({marks})",
                **{f"i{n}": v for n, v in enumerate(ids)},
            )
        }
        unmatched = [c.row for c in batch if writer.value(c.row["id"]) not in existing]
        by_key = by_name = {}
        if keyed:
            by_key = stored_by(
                "source_key", [r["source_key"] for r in unmatched if r["source_key"]]
            )
        by_domain: dict[tuple[Any, Any], tuple[Any, ...]] = {}
        if table == "prospects":
            by_name = stored_by("name_key", [r["name_key"] for r in unmatched])
            by_domain = stored_by("domain", [r["domain"] for r in unmatched if r.get("domain")])
        adds, changes = [], []
        for item in batch:
            row = item.row
            named = row.get("prospect_id") or item.prospect_name or item.prospect_key
            if named and prospects is not None and not prospects.resolve(
                writer, item, strict=strict, first_stage=first_stage, now=now,
                owner=owner, errors=errors, result=result, time_column=entity.time_column,
            ):  # fmt: skip
                continue
            values = {c: conv(row.get(c)) for c, conv in converters}
            found = existing.get(values["id"])
            matched = False
            if found is None:
                if keyed and row["source_key"] and "id" in item.filled:
                    found = by_key.get((values["owner"], values["source_key"]))
                if found is None and table == "prospects":
                    found = by_name.get((values["owner"], values["name_key"]))
                if found is None and table == "prospects" and values.get("domain"):
                    # another name for a company whose domain is known: the same prospect
                    found = by_domain.get((values["owner"], values["domain"]))
                if found is not None:  # the stored row: keep its id, times, other columns
                    matched = True
                    for c in cols:
                        if c in item.filled or c == "id" or (
                            c not in item.given and c not in ("name_key", "owner")
                            and (c != "source_key" or not row["source_key"]
                                 or found[at[c]] is not None)
                        ):  # fmt: skip
                            values[c] = found[at[c]]
                            row[c] = found[at[c]]
            if table == "stage_changes":
                touched.add(values["prospect_id"])
            elif table == "prospects" and "id" in item.filled:
                if found is None:  # a CRM's company: its first stage from its created date
                    history.append(("new", row["id"], None, row["stage"], row["created_at"]))
                else:
                    old = found[at["stage"]]
                    if "created_at" in item.given:
                        history.append(("born", row["id"], None, None, row["created_at"]))
                    if old != row["stage"]:
                        when_given = row["updated_at"] if "updated_at" in item.given else now
                        history.append(("move", row["id"], old, row["stage"], when_given))
            if found is None:
                adds.append(values)
                result.added += 1
            elif all(
                _same(writer, kinds[c], row.get(c), values[c], found[i]) for i, c in enumerate(cols)
            ):
                result.unchanged += 1
            elif matched and "updated_at" in item.filled:
                values["updated_at"] = conv_updated(now)
                changes.append(values)
                result.updated += 1
            elif _newer(writer, row["updated_at"], found[at["updated_at"]]):
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
    if prospects is not None and not errors:
        prospects.settle(writer)
    if touched and not errors:
        result.stages_moved = settle_stages(writer, touched, now=now)
    if history and not errors:
        result.stages_moved = _write_history(writer, history, owner=owner, now=now)
    if table == "behaviours" and not errors:
        from salestrack.clients.crc import MAX_BEHAVIOURS

        for prospect_name, n in writer.rows(
            "SELECT p.name, count(*) FROM behaviours b LEFT JOIN prospects p "
            "ON p.id = b.prospect_id WHERE b.retired_at IS NULL "
            f"GROUP BY b.owner, p.name HAVING count(*) > {MAX_BEHAVIOURS}"
        ):
            _note(
                errors,
                f"behaviours: {prospect_name or 'the default set'} would have {n} "
                f"behaviours; a report card keeps at most {MAX_BEHAVIOURS} (retire some: "
                "give them a retired_at)",
            )
    return result


def settle_stages(writer: Store, prospect_ids: Iterable[Any], *, now: datetime) -> int:
    """After stage changes came in: each change's ``from_stage`` is the stage before it, and
    each prospect is at the stage of its latest change. Returns how many prospects moved."""
    wanted = list(prospect_ids)
    moved = 0
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join(f":p{n}" for n in range(len(chunk)))
        params = {f"p{n}": v for n, v in enumerate(chunk)}
        history = writer.rows(
            "SELECT s.prospect_id, s.id, s.from_stage, s.to_stage, p.stage FROM stage_changes s "
            f"JOIN prospects p ON p.id = s.prospect_id WHERE s.prospect_id IN ({marks}) "
            "ORDER BY s.prospect_id, s.changed_at, "
            "CASE WHEN s.from_stage IS NULL AND s.source_key IS NULL THEN 0 ELSE 1 END, s.id",
            **params,
        )
        froms, stages = [], []
        last: tuple[Any, ...] | None = None
        for i, r in enumerate(history):
            if last is not None and last[0] == r[0] and r[2] is None:
                froms.append({"id": r[1], "from_stage": last[3]})
            nxt = history[i + 1] if i + 1 < len(history) else None
            if (nxt is None or nxt[0] != r[0]) and r[3] != r[4]:
                stages.append({"id": r[0], "stage": r[3], "updated_at": writer.value(now)})
            last = r
        writer.many("UPDATE stage_changes SET from_stage = :from_stage WHERE id = :id", froms)
        writer.many(
            "UPDATE prospects SET stage = :stage, updated_at = :updated_at WHERE id = :id", stages
        )
        moved += len(stages)
    return moved


def _write_history(
    writer: Store, history: list[tuple[str, Any, Any, Any, Any]], *, owner: str, now: datetime
) -> int:
    """A companies file's stages as stage history: a new prospect's first stage from its
    created date, a changed stage as a move (at the row's updated time, else now), and a
    first stage moved back to the CRM's created date when that is earlier."""
    from salestrack.store.sql import uid, when

    moved = 0
    for what, pid, old, new, at in history:
        pid = uid(pid)
        if what == "born":
            first = writer.one(
                "SELECT id, changed_at FROM stage_changes WHERE prospect_id = :p "
                "ORDER BY changed_at, CASE WHEN from_stage IS NULL THEN 0 ELSE 1 END, id LIMIT 1",
                p=pid,
            )
            born = when(at)
            if first is not None and born is not None and born < when(first[1]):  # type: ignore[operator]
                writer.execute(
                    "UPDATE stage_changes SET changed_at = :t WHERE id = :i", t=born, i=first[0]
                )
            continue
        at_time = when(at) or now
        if what == "move":
            latest = when(
                writer.scalar(
                    "SELECT max(changed_at) FROM stage_changes WHERE prospect_id = :p", p=pid
                )
            )
            if latest is not None and at_time < latest:
                at_time = latest
            moved += 1
        writer.insert(
            "stage_changes",
            {
                "id": uuid.uuid4(), "owner": owner, "created_at": now, "updated_at": now,
                "prospect_id": pid, "from_stage": old, "to_stage": new, "changed_at": at_time,
                "reason": None, "activity_id": None,
            },
        )  # fmt: skip
    return moved


# each unique rule of the schema, as SQLite (table.columns) and PostgreSQL (its name) say it
_UNIQUE_RULES = (
    (("prospects.owner, prospects.name_key", "uq_prospects_owner_name"),
     "a prospect with the same name already exists under another id"),
    (("quality.activity_id", "quality_activity_id_key"),
     "that activity already has its quality score; change it with: salestrack edit ID -q"),
    (("views.owner, views.name", "uq_views_owner_name"), "a view with that name already exists"),
    ((".source_key", "_source"), "another row of yours already has that source_key"),
    ((".id", "_pkey"), "a row with that id already exists"),
)  # fmt: skip


def _db_reason(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    if " is not yours: " in text:  # the server's own rule (revision 0010)
        return text
    if "FOREIGN KEY" in text.upper() or "foreign key" in text:
        return "a referenced contact, activity or behaviour does not exist; import it first"
    if "UNIQUE" in text.upper() or "duplicate key" in text:
        for spellings, rule in _UNIQUE_RULES:
            if any(s in text for s in spellings):
                return rule
        return f"a unique rule of the database is broken ({text})"
    return text


def _newer(writer: Store, incoming: datetime, stored_value: Any) -> bool:
    from salestrack.store.sql import when

    stored_time = when(stored_value)
    return stored_time is None or incoming > stored_time


class Prospects:
    """Prospect names and ids, to resolve rows' prospects (and create unknown ones)."""

    def __init__(self, rows: list[tuple[Any, ...]], keyed: list[tuple[Any, ...]]) -> None:
        self.by_key: dict[str, Any] = {str(k): i for k, i in rows}
        self.by_source: dict[tuple[str, str], Any] = {(str(o), str(k)): i for o, k, i in keyed}
        self.ids: set[Any] = set(self.by_key.values())
        self.created: dict[Any, datetime] = {}  # prospects this import made: earliest time
        self.first: dict[Any, datetime] = {}  # and the time their first stage was given

    def settle(self, writer: Store) -> None:
        """A prospect this import made starts its first stage at its earliest row's time."""
        for pid, since in self.created.items():
            if since < self.first[pid]:
                writer.execute(
                    "UPDATE stage_changes SET changed_at = :t "
                    "WHERE prospect_id = :p AND from_stage IS NULL",
                    t=writer.value(since), p=pid,
                )  # fmt: skip

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
        time_column: str = "",
    ) -> bool:
        row = item.row
        when = row.get(time_column)
        since = when if isinstance(when, datetime) and when <= now else now
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
        if item.prospect_key:
            found = self.by_source.get((str(row.get("owner") or owner), item.prospect_key))
            if found is not None:
                row["prospect_id"] = (
                    found if isinstance(found, uuid.UUID) else uuid.UUID(str(found))
                )
                return True
            if not item.prospect_name:
                _note(
                    errors,
                    f"line {item.line}: prospect_key: no prospect was imported with the id "
                    f"'{item.prospect_key}'; import the companies (accounts, leads) first",
                )
                return False
        name = (item.prospect_name or "").strip()
        key = names.key(name)
        if key in self.by_key:
            found = self.by_key[key]
            if found in self.created and since < self.created[found]:
                self.created[found] = since
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
            writer, name, owner=owner, now=now, stage=first_stage, since=since
        )  # the prospect and its first stage change, as log and prospect add write them
        self.by_key[key] = writer.value(pid)
        self.created[writer.value(pid)] = self.first[writer.value(pid)] = since
        self.ids.add(writer.value(pid))
        row["prospect_id"] = pid
        result.prospects_created += 1
        return True


# -- settings and the whole database -------------------------------------------------------


def import_settings(
    writer: Store,
    rows: Iterable[tuple[int, dict[str, Any], bool]],
    *,
    now: datetime,
    errors: list[str],
    result: Result,
) -> None:
    """Settings rows (key, value, updated_at): each written as its own command writes it
    (the stage list through ``stages``' rule), keeping the file's ``updated_at``."""
    from salestrack.capture import prospects
    from salestrack.store import settings

    for line, raw, from_csv in rows:
        if HEADER in raw:
            extra = sorted(set(raw[HEADER]) - {"key", "value", "updated_at"})
            if extra or not {"key", "value"} <= set(raw[HEADER]):
                raise InvalidInput(
                    "FILE",
                    "settings have the columns key, value and updated_at"
                    + (f"; unknown: {', '.join(extra)}" if extra else ""),
                )
            continue
        if "__width__" in raw:
            _note(errors, f"line {line}: {raw['__width__'][0]} fields where the header has 3")
            continue
        key, value = raw.get("key"), raw.get("value")
        if from_csv and isinstance(value, str):
            value = unprotect(value)
        if not isinstance(key, str) or not key.strip() or len(key) > 100:
            _note(errors, f"line {line}: key: give the setting's name (at most 100 characters)")
            continue
        if not isinstance(value, str):
            _note(errors, f"line {line}: value: give the setting's value as text")
            continue
        try:
            value = rules.clean_text("value", value) or ""
            stamp = raw.get("updated_at") or None
            at = datetime.fromisoformat(stamp) if isinstance(stamp, str) else now
            if at.tzinfo is None:
                raise ValueError
        except InvalidInput as exc:
            _note(errors, f"line {line}: {exc}")
            continue
        except ValueError:
            _note(errors, f"line {line}: updated_at: not a time with an offset (ISO-8601)")
            continue
        try:
            found = settings.key(key, "key")
            if found.internal:  # salestrack's own marks (a demo's) never travel
                result.unchanged += 1
                continue
            try:
                wanted = settings.decode(value)
            except settings.Bad as exc:
                shape = f"; give {found.shape}" if str(exc).startswith("not JSON") else ""
                raise InvalidInput("value", f"{exc}{shape}") from None
            if found.name == "stages":
                wanted = settings.check("stages", wanted, "value")
                stored = settings.stored(writer, found.name)
                if stored is not None and stored[0] == settings.encode(wanted):
                    result.unchanged += 1
                    continue
                prospects.set_stages(writer, wanted, now=at)
            else:
                wanted = settings.check(found.name, wanted, "value")
                stored = settings.stored(writer, found.name)
                if stored is not None and stored[0] == settings.encode(wanted):
                    result.unchanged += 1
                    continue
                settings.write(writer, found.name, wanted, at)
        except SalestrackError as exc:
            _note(errors, f"line {line}: {exc}")
            continue
        if stored is None:
            result.added += 1
        else:
            result.updated += 1


def split_all(
    rows: Iterator[tuple[int, dict[str, Any], bool]],
) -> Iterator[tuple[str, Iterator[tuple[int, dict[str, Any], bool]]]]:
    """``export all``'s lines by entity, in the file's order (each part read as it comes)."""
    import itertools

    from salestrack.interchange.export import ALL_FORMAT

    first = next(rows, None)
    if first is None or first[1].get("format") != ALL_FORMAT:
        raise InvalidInput(
            "FILE", "is not a file of salestrack export all (its first line names the format)"
        )

    def entity_of(item: tuple[int, dict[str, Any], bool]) -> str:
        name = item[1].pop("entity", None)
        if not isinstance(name, str):
            raise InvalidInput("FILE", f"line {item[0]}: no entity; every line names its entity")
        return name

    yield from itertools.groupby(rows, key=entity_of)
