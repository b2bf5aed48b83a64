"""Short human forms of stored values (local time, durations, ids). Stdlib only."""

from __future__ import annotations

import uuid
from datetime import datetime

from salestrack import clock, dates


def when(value: datetime | None) -> str:
    """``Tue 24 Nov 09:00`` in the local zone (the year when it isn't this year's)."""
    if value is None:
        return ""
    local = value.astimezone(dates.local_tz())
    today = clock.now().astimezone(local.tzinfo)
    if local.year == today.year:
        return local.strftime("%a %d %b %H:%M")
    return local.strftime("%a %d %b %Y %H:%M")


def clock_time(value: datetime | None) -> str:
    """``09:05`` in the local zone."""
    return "" if value is None else value.astimezone(dates.local_tz()).strftime("%H:%M")


def day(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(dates.local_tz()).strftime("%Y-%m-%d")


def ago(value: datetime) -> str:
    """``3w ago``, ``in 2d``: how far ``value`` is from now."""
    return dates.humanize_delta(value, clock.now())


def count(n: int, noun: str) -> str:
    """``1 call``, ``2 calls``, ``3 activities``, ``1,204 dials`` (the one plural rule)."""
    return f"{n:,} {noun if n == 1 else plural(noun)}"


def hanging(label: str, text: str, *, indent: int, width: int | None) -> list[str]:
    """``label`` padded to ``indent``, then ``text``, wrapped to ``width`` with every further
    line indented under the text. Lines break only at spaces, so a number (``23,900``), a
    date or a hyphenated word is never split; ``width`` None (not a terminal) wraps nothing."""
    first = f"{label:<{indent}}"
    if width is None or width < indent + 20:
        return [first + text]
    import textwrap

    return textwrap.wrap(
        text,
        width,
        initial_indent=first,
        subsequent_indent=" " * indent,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first.rstrip()]


def plural(noun: str) -> str:
    """``call`` -> ``calls``, ``activity`` -> ``activities``, ``search`` -> ``searches``."""
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def duration(seconds: int | None) -> str:
    return "" if seconds is None else dates.format_duration(seconds)


def short_id(value: uuid.UUID) -> str:
    """The first 8 hex digits: enough to name a row in ``edit``."""
    return value.hex[:8]


def word(value: str | None) -> str:
    """``meeting_set`` -> ``meeting set``."""
    return "" if value is None else value.replace("_", " ")


def percent(v: float) -> str:
    """``15%``; one decimal under 10% so that 1.4% is not shown as 1%."""
    return f"{v:.0%}" if v == 0 or v >= 0.1 else f"{v:.1%}"


_UNITS = {"days": ("d", " days"), "hours": ("h", " hours")}


def value(v: float | None, unit: str, *, words: bool = False) -> str:
    """A figure's value in its unit: ``15%``, ``7.1d``, ``3.25``, ``211.5``, ``1,204``; with
    ``words`` as a sentence writes it (``7.1 days``); empty for no value. The one rule for
    the tables, the pages and the holes' sentences."""
    if v is None:
        return ""
    if unit == "rate":
        return percent(v)
    if unit in _UNITS:
        return f"{v:.1f}{_UNITS[unit][1 if words else 0]}"
    if unit == "score":
        return f"{v:.2f}"
    return f"{v:,.1f}" if v != int(v) else f"{int(v):,}"
