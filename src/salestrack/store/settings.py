"""Settings: every key in one registry, checked when written and again when read.

A setting is one row of ``settings``: its ``key``, its ``owner`` and its value as JSON text.
Each key of :data:`REGISTRY` says its JSON shape, its default, what it means, and whether it
is *personal* (each rep has their own: ``owner`` is the rep, under row-level security on a
team's server) or *team*-wide (one row whose ``owner`` is ``''``, read by every rep and
written only by a manager or the administrator).

Every value is checked by its key's rule when written and again when read, so a value
written by hand (raw SQL, an older salestrack) is one line naming the key and the fix
(``salestrack config reset KEY``), never a crash and never an odd result. Numbers are finite;
a value is at most :data:`MAX_BYTES` of JSON.

Which row is read: on a server, the rep's own row, else the team's (``owner = ''``: the
value a manager or the administrator set for everyone, or one kept from before settings
were per rep), else the default. A SQLite file is one person's, so its one row per key is
theirs whoever wrote it (writing a key there replaces the rows of other rep names).

Cheap to import: nearly every command reads a setting.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from salestrack import vocab
from salestrack.errors import DatabaseError, InvalidInput
from salestrack.store.sql import Store

MAX_BYTES = 64 * 1024
PERSONAL, TEAM = "personal", "team"
TEAM_OWNER = ""  # the owner of a team-wide row (a role name is never empty)
#: The largest weight ``next`` takes (either sign): a score stays a readable number.
MAX_WEIGHT = 10_000.0

#: The terms of ``next``'s score and their defaults (intel/call_queue.py documents them).
NEXT_WEIGHTS: dict[str, float] = {
    "overdue": 10,
    "overdue_day": 1,
    "due_today": 8,
    "no_next_step": 3,
    "stale_day": 0.5,
    "stage": 1,
    "segment_a": 3,
    "segment_b": 1,
    "unavailable": -20,
}
#: The dial block's retry rule: business days until the next try, and at what time.
CADENCE: dict[str, Any] = {"days": 1, "morning": "09:30", "afternoon": "15:00"}
CADENCE_DAYS = (1, 30)


class Bad(ValueError):
    """A value that does not have its key's shape (the reason, in words)."""


def _reset_hint(key: str) -> str:
    return f"salestrack config reset {key}"


class Key:
    """One setting: its JSON shape (in words), default, meaning, scope and rule."""

    __slots__ = ("default", "internal", "meaning", "name", "natural", "rule", "scope", "shape")

    def __init__(
        self,
        name: str,
        shape: str,
        default: Any,
        meaning: str,
        rule: Callable[[Any], Any],
        *,
        scope: str = PERSONAL,
        natural: str = "",
        internal: bool = False,
    ) -> None:
        self.name = name
        self.shape = shape
        self.default = json.dumps(default)  # kept as text: each read gets its own copy
        self.meaning = meaning
        self.rule = rule
        self.scope = scope
        self.natural = natural  # "list" or "text": what ``config set`` takes besides JSON
        self.internal = internal  # written by salestrack itself, not by ``config set``

    def fallback(self) -> Any:
        return json.loads(self.default)


# -- reading JSON strictly ---------------------------------------------------------------------


def _no_constant(name: str) -> Any:
    raise Bad(f"{name} is not a number; give a finite number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise Bad(f"{text} is too large; give a finite number")
    return value


def strict_json(text: str) -> Any:
    """``text`` as JSON, refusing what Python's reader lets through or chokes on: NaN,
    Infinity and numbers too large to be finite (1e309), integers of more than 20 digits,
    an object naming a key twice, and nesting too deep to read (a :class:`Bad` saying which).
    Settings and import files both read JSON through this."""
    try:
        return json.loads(
            text, parse_constant=_no_constant, parse_float=_finite, parse_int=_integer,
            object_pairs_hook=_no_twice,
        )  # fmt: skip
    except RecursionError:
        raise Bad("the value is nested too deep") from None


def _no_twice(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise Bad(f"the name '{twice}' appears twice in one object")
    return found


def decode(text: str) -> Any:
    """A setting's stored ``text`` as JSON: at most :data:`MAX_BYTES`, read by
    :func:`strict_json`."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise Bad(f"the value is over {MAX_BYTES // 1024} KB")
    try:
        return strict_json(text)
    except Bad:
        raise
    except ValueError as exc:
        raise Bad(f"not JSON ({str(exc).split(':')[0]})") from None


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > 20:
        raise Bad(f"a {len(text)}-digit number is too large; give a smaller number")
    return int(text)


def encode(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


# -- the rules, one per shape ------------------------------------------------------------------


def _text(value: Any, what: str, limit: int = 200) -> str:
    if not isinstance(value, str):
        raise Bad(f"{what} must be text")
    if not value.strip():
        raise Bad(f"{what} is empty")
    if len(value) > limit:
        raise Bad(f"{what} is {len(value)} characters; keep it to {limit}")
    if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 or 0xD800 <= ord(ch) < 0xE000 for ch in value):
        raise Bad(f"{what} contains control characters")
    return value


def _list(value: Any, what: str, most: int) -> list[Any]:
    if not isinstance(value, list):
        raise Bad(f"{what} must be a JSON list")
    if len(value) > most:
        raise Bad(f"{what} has {len(value)} entries; keep it to {most}")
    return value


def _object(value: Any, what: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Bad(f"{what} must be a JSON object")
    extra = [k for k in value if k not in allowed]
    if extra:
        raise Bad(f"unknown name '{extra[0]}'; use {', '.join(allowed)}")
    return value


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Bad(f"{what} must be a number")
    if not math.isfinite(value) or abs(value) > MAX_WEIGHT:
        raise Bad(f"{what} must be a finite number from {-MAX_WEIGHT:g} to {MAX_WEIGHT:g}")
    return float(value)


def _stage_name(value: Any, what: str = "a stage") -> str:
    name = _text(value, what, 50)
    if vocab.canonical(name) != name:
        raise Bad(f"stage '{name}' must be written as {vocab.canonical(name) or 'a name'}")
    return name


def check_stages(value: Any) -> list[str]:
    names = [_stage_name(s) for s in _list(value, "the stages", 30)]
    if len(set(names)) != len(names):
        raise Bad("a stage is named twice; list each once")
    missing = [s for s in vocab.CLOSED_STAGES if s not in names]
    if missing:
        raise Bad(f"keep {' and '.join(missing)} in the list (they close deals)")
    if len(names) < 3:
        raise Bad("give at least one open stage before won and lost")
    return names


def check_checklist(value: Any) -> list[dict[str, str]]:
    items = []
    for item in _list(value, "the checklist", len(vocab.INTEL_KINDS)):
        item = _object(item, "each item", ("kind", "stage"))
        kind = item.get("kind")
        if kind not in vocab.INTEL_KINDS:
            raise Bad(f"'{kind}' is not an intel kind; use {', '.join(vocab.INTEL_KINDS)}")
        items.append({"kind": kind, "stage": _stage_name(item.get("stage"), "an item's stage")})
    if len({i["kind"] for i in items}) != len(items):
        raise Bad("a kind is listed twice; list each once")
    return items


def check_cadence(value: Any) -> dict[str, Any]:
    rule = dict(CADENCE)
    rule.update(_object(value, "the cadence", tuple(CADENCE)))
    days = rule["days"]
    low, high = CADENCE_DAYS
    if isinstance(days, bool) or not isinstance(days, int) or not low <= days <= high:
        raise Bad(f"days must be a whole number from {low} to {high}")
    for half in ("morning", "afternoon"):
        at = rule[half]
        hour, sep, minute = at.partition(":") if isinstance(at, str) else ("", "", "")
        if not (
            sep and len(minute) == 2 and hour.isdigit() and minute.isdigit()
            and len(hour) <= 2 and int(hour) < 24 and int(minute) < 60
        ):  # fmt: skip
            raise Bad(f"{half} must be a time like 09:30")
        rule[half] = f"{int(hour):02d}:{minute}"
    return rule


def check_weights(value: Any) -> dict[str, float]:
    chosen = dict(NEXT_WEIGHTS)
    for name, weight in _object(value, "the weights", tuple(NEXT_WEIGHTS)).items():
        chosen[name] = _number(weight, name)
    return chosen


def check_focus(value: Any) -> dict[str, str]:
    found = _object(value, "the focus", ("dimension", "set_at"))
    if not found:
        return {}
    dimension = found.get("dimension")
    if dimension not in vocab.QUALITY_DIMENSIONS:
        raise Bad(f"dimension must be one of {', '.join(vocab.QUALITY_DIMENSIONS)}")
    chosen = {"dimension": dimension}
    if "set_at" in found:
        chosen["set_at"] = _time(found["set_at"], "set_at")
    return chosen


def _time(value: Any, what: str) -> str:
    text = _text(value, what, 40)
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise Bad(f"{what} must be an ISO-8601 time") from None
    _year(at.year, what)
    return text


def _year(year: int, what: str) -> None:
    from salestrack.dates import YEARS

    if not YEARS[0] <= year <= YEARS[1]:
        raise Bad(f"{what}: salestrack keeps dates from {YEARS[0]} to {YEARS[1]}")


def _day(value: Any, what: str) -> str:
    from datetime import date

    text = _text(value, what, 10)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise Bad(f"{what} must be a date YYYY-MM-DD") from None
    _year(day.year, what)
    return day.isoformat()


def check_holidays(value: Any) -> dict[str, Any]:
    found = _object(value, "the days off", ("country", "region", "dates", "kept", "public"))
    chosen: dict[str, Any] = {}
    for name in ("country", "region"):
        code = found.get(name)
        chosen[name] = None if code is None else _text(code, name, 10)
    if chosen["region"] is not None and chosen["country"] is None:
        raise Bad("a region goes with a country")
    chosen["dates"] = [_day(d, "dates") for d in _list(found.get("dates", []), "dates", 4000)]
    kept = found.get("kept")
    if kept is not None:
        kept = _list(kept, "kept", 2)
        if len(kept) != 2 or not all(isinstance(y, int) and not isinstance(y, bool) for y in kept):
            raise Bad("kept must be [first year, last year]")
        for year in kept:
            _year(year, "kept")
        if kept[0] > kept[1]:
            raise Bad("kept must be [first year, last year]")
    chosen["kept"] = kept
    public = []
    for pair in _list(found.get("public", []), "public", 4000):
        if not isinstance(pair, list) or len(pair) != 2:
            raise Bad("public must be a list of [date, name]")
        public.append([_day(pair[0], "public"), _text(pair[1], "a holiday's name")])
    chosen["public"] = public
    return chosen


def check_addresses(value: Any) -> list[str]:
    found = []
    for address in _list(value, "the addresses", 100):
        text = _text(address, "an address", 254).strip().lower()
        from salestrack.names import check_email  # the contacts' rule of an address

        try:
            check_email(text)
        except InvalidInput:
            raise Bad(f"'{text}' is not an e-mail address (name@example.com)") from None
        if text not in found:
            found.append(text)
    return found


def check_name(value: Any) -> str | None:
    if value is None:
        return None
    from salestrack.names import MAX_NAME

    return " ".join(_text(value, "the name", MAX_NAME).split())


def check_marker(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Bad("must be a JSON object")
    return value


REGISTRY: dict[str, Key] = {
    k.name: k
    for k in (
        Key(
            "stages",
            "a list of stage names in order, won and lost among them",
            list(vocab.DEFAULT_STAGES),
            "The pipeline's stages, in order (salestrack stages).",
            check_stages,
            scope=TEAM,
            natural="list",
        ),
        Key(
            "checklist",
            'a list of {"kind": intel kind, "stage": stage}',
            [{"kind": k, "stage": s} for k, s in vocab.CHECKLISTS["bant"]],
            "What the brief says is missing, by stage (salestrack checklist).",
            check_checklist,
        ),
        Key(
            "cadence",
            '{"days": 1 to 30, "morning": "HH:MM", "afternoon": "HH:MM"}',
            CADENCE,
            "When the dial block tries an unreached prospect again.",
            check_cadence,
        ),
        Key(
            "next_weights",
            '{"term": number, ...} with terms ' + ", ".join(NEXT_WEIGHTS),
            NEXT_WEIGHTS,
            "The weights of the terms next ranks prospects by (next --set).",
            check_weights,
        ),
        Key(
            "focus",
            '{"dimension": a quality dimension, "set_at": time}, or {} for the weakest',
            {},
            "The day's quality focus; none set means your weakest dimension (focus).",
            check_focus,
        ),
        Key(
            "holidays",
            '{"country", "region", "dates": [YYYY-MM-DD], "kept", "public"}',
            {"country": None, "region": None, "dates": [], "kept": None, "public": []},
            "The days plan skips: a country's public holidays and your own (holidays).",
            check_holidays,
        ),
        Key(
            "my_addresses",
            "a list of e-mail addresses",
            [],
            "Your own e-mail addresses: mail import tells sent from received by them.",
            check_addresses,
            natural="list",
        ),
        Key(
            "rep_name",
            "a name (text), or null",
            None,
            "Your name as the QBR scorecard shows it (none: not shown).",
            check_name,
            natural="text",
        ),
        Key(
            "company_name",
            "a name (text), or null",
            None,
            "Your company's name as the QBR scorecard shows it (none: not shown).",
            check_name,
            natural="text",
        ),
        Key(
            "demo",
            "an object",
            None,
            "Marks a demo database, which salestrack demo may replace.",
            check_marker,
            scope=TEAM,
            internal=True,
        ),
    )
}
TEAM_KEYS = tuple(k for k, v in REGISTRY.items() if v.scope == TEAM)


class BadSetting(DatabaseError):
    """A stored value that does not have its key's shape."""


def key(name: str, field: str = "KEY") -> Key:
    """The registered key ``name`` (an unknown one is an error listing the keys)."""
    found = REGISTRY.get(name.strip().lower().replace("-", "_"))
    if found is None:
        shown = ", ".join(k for k, v in REGISTRY.items() if not v.internal)
        raise InvalidInput(field, f"'{name}' is not a setting; use one of {shown}")
    return found


def check(name: str, value: Any, field: str | None = None) -> Any:
    """``value`` as key ``name`` keeps it (normalised), or :class:`InvalidInput` naming
    ``field`` (the key itself unless given)."""
    found = key(name)
    field = field or found.name
    try:
        normal = found.rule(value)
        text = encode(normal)
    except Bad as exc:
        raise InvalidInput(field, str(exc)) from None
    except ValueError:
        raise InvalidInput(field, "give finite numbers only") from None
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise InvalidInput(field, f"the value is over {MAX_BYTES // 1024} KB")
    return normal


def parse(name: str, text: str) -> Any:
    """What ``config set KEY VALUE`` stores: JSON, or for a list a comma-separated list and
    for a name the text itself; checked by the key's rule."""
    found = key(name)
    stripped = text.strip()
    try:
        value = decode(stripped)
    except Bad as exc:
        if found.natural == "list" and not stripped.startswith(("[", "{")):
            value = [part.strip() for part in stripped.split(",") if part.strip()]
        elif found.natural == "text" and not stripped.startswith(("[", "{", '"')):
            value = stripped or None
        else:
            shape = f"; give {found.shape}" if str(exc).startswith("not JSON") else ""
            raise InvalidInput(found.name, f"{exc}{shape}") from None
    else:
        if found.natural == "text" and not isinstance(value, str) and value is not None:
            value = stripped  # a name that happens to be JSON, such as 3M
        elif found.natural == "list" and isinstance(value, str):
            value = [value]
    return check(found.name, value)


def owner_of(found: Key) -> str:
    if found.scope == TEAM:
        return TEAM_OWNER
    from salestrack import config

    return config.rep()


def stored(reader: Store, name: str) -> tuple[str, str, datetime | None] | None:
    """The row of key ``name`` this user reads: (value text, owner, updated at), or None."""
    from salestrack.store.sql import when

    found = key(name)
    if found.scope == TEAM:
        row = reader.one(
            "SELECT value, owner, updated_at FROM settings WHERE key = :k AND owner = ''",
            k=found.name,
        )
    elif reader.sqlite:  # one person's file: the newest row of the key is theirs
        row = reader.one(
            "SELECT value, owner, updated_at FROM settings WHERE key = :k "
            "ORDER BY updated_at DESC LIMIT 1",
            k=found.name,
        )
    else:  # the rep's own, else the team's
        row = reader.one(
            "SELECT value, owner, updated_at FROM settings WHERE key = :k "
            "AND owner IN (:me, '') ORDER BY owner = '' LIMIT 1",
            k=found.name,
            me=owner_of(found),
        )
    if row is None:
        return None
    return str(row[0]), str(row[1]), when(row[2])


def value(reader: Store, name: str) -> Any:
    """The value of key ``name`` in use, checked by its rule (its default when none is
    stored); a stored value without its key's shape is a :class:`BadSetting`."""
    found = key(name)
    row = stored(reader, found.name)
    if row is None:
        return found.fallback()
    return read_text(found, row[0])


def read_text(found: Key, text: str) -> Any:
    try:
        return found.rule(decode(text))
    except (Bad, ValueError, TypeError) as exc:
        reason = str(exc) if isinstance(exc, Bad) else "not the value's shape"
        raise BadSetting(
            f"the setting {found.name} in the database is not valid ({reason}); "
            f"put it back to its default with: {_reset_hint(found.name)}"
        ) from None


def write(store: Store, name: str, wanted: Any, now: datetime) -> Any:
    """Check ``wanted`` by key ``name``'s rule and store it; returns the value kept."""
    found = key(name)
    normal = check(found.name, wanted)
    owner = owner_of(found)
    if store.sqlite:  # one row per key in one person's file
        store.execute("DELETE FROM settings WHERE key = :k AND owner <> :o", k=found.name, o=owner)
    store.upsert_setting(owner, found.name, encode(normal), now)
    return normal


def reset(store: Store, name: str) -> bool:
    """Remove this user's value of key ``name`` (the team's row for a team-wide key), so
    the default (or on a server the team's value) holds again; False when none was set."""
    found = key(name)
    if store.sqlite:
        return store.execute("DELETE FROM settings WHERE key = :k", k=found.name) > 0
    gone = store.execute(
        "DELETE FROM settings WHERE key = :k AND owner = :o", k=found.name, o=owner_of(found)
    )
    return gone > 0


def stages(store: Store) -> list[str]:
    """The configured stage names, in order (the default list when none is set)."""
    return list(value(store, "stages"))


#: The names a client document is signed with: setting key -> what it means.
NAMES = {k: REGISTRY[k].meaning for k in ("rep_name", "company_name")}


def name(reader: Store, key: str) -> str | None:
    """The name stored under ``key`` (one of :data:`NAMES`), or None when none is set."""
    if key not in NAMES:
        raise KeyError(key)
    found = value(reader, key)
    return str(found) if found else None


def set_name(store: Store, key: str, wanted: str | None, *, now: Any) -> str | None:
    """Store ``wanted`` under ``key`` (one of :data:`NAMES`) by the name rule (trimmed,
    single spaces, no control characters, at most 200 characters); None or an empty value
    clears it. Returns what is stored. A bad name raises InvalidInput naming the key."""
    from salestrack.names import clean_name

    if key not in NAMES:
        raise KeyError(key)
    if wanted is None or not wanted.strip():
        reset(store, key)
        return None
    return str(write(store, key, clean_name(key, wanted), now))


MY_ADDRESSES = "my_addresses"  # a JSON list of the user's own email addresses


def my_addresses(store: Store) -> list[str]:
    """The user's own email addresses (setting ``my_addresses``, lower-case), which tell an
    imported email sent from one received; [] when unset."""
    return [str(a) for a in value(store, MY_ADDRESSES) or []]


def effective_rows(reader: Store) -> list[tuple[str, str, datetime | None]]:
    """(key, value text, updated at) of every key this user has a stored value for, in key
    order: the rows an export of the settings writes."""
    found = []
    for name in sorted(REGISTRY):
        row = stored(reader, name)
        if row is not None:
            found.append((name, row[0], row[2]))
    return found
