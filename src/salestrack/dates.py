"""Read the dates, times and durations a salesperson types on the command line.

Everything here is pure and fast to import (stdlib only; ``dateutil`` is loaded lazily, and
only as a last resort for absolute dates such as ``"Nov 20 3pm"``).

:func:`parse_when` turns text into an aware :class:`~datetime.datetime` in the local zone
(``tz``, default :func:`local_tz`); callers convert to UTC themselves. It reads, case- and
whitespace-insensitively:

* ``now``;
* ``today``, ``yesterday``, ``tomorrow`` (or ``tmrw``) and weekday names (``mon``,
  ``tues``, ``friday``...), optionally after ``last``/``next`` and optionally followed (or
  preceded) by a time: ``yesterday 3pm``, ``tomorrow at 9:30am``, ``fri 14:00``, ``2pm fri``.
  A bare weekday is the most recent such day for ``prefer="past"`` (today counts) and the
  next one for ``prefer="future"`` (today does not). ``last X`` is strictly before today and
  ``next X`` strictly after today, so ``next fri`` on a Monday is four days away;
* relative times: ``2h ago``, ``3 days ago``, ``in 30 minutes``, ``+3d``, ``-2h``,
  ``1h30m ago``, ``an hour ago``. Units under a day move the instant (so ``2h ago`` is two
  real hours before ``now``, whatever DST does); days and weeks are calendar days and keep
  the local wall-clock time of ``now``;
* anchors: ``eod`` (today 17:00), ``eow`` (this week's Friday 17:00, or next week's once
  that has passed), ``eom`` (last day of the month 17:00), ``sow`` (this week's Monday
  00:00) and ``som`` (the first of the month 00:00);
* a time alone (``15:00``, ``3pm``, ``3:30pm``, ``noon``), meaning today at that time;
* ISO dates and times (``2026-11-20``, ``2026-11-20 15:00``, ``2026-11-20T15:00:30Z``,
  ``2026-11-20T15:00+01:00``); an explicit offset is honoured and the result converted;
* ISO weeks (``2026-W18``), meaning Monday 00:00 of that week;
* anything else ``dateutil`` understands (``Nov 20 3pm``, ``20 Nov 2026``). When such a
  date has no year it is moved to the previous year (``prefer="past"``) or the next one
  (``prefer="future"``) if that is needed to put it on the preferred side of today.

**A date given without a time means 09:00 local, the start of the working day**
(``today``, ``tomorrow``, ``fri``, ``2026-11-20``, ``Nov 20``). ISO weeks and the ``sow`` and
``som`` anchors are the exception: they mean 00:00.

**One end of a period is read by** :func:`parse_bound`, **where a date alone means the whole
day**: its 00:00 as a start (``--since``, ``--from``), the next day's 00:00 as an end
(``--until``, ``--to``; ends are exclusive). Every command that takes a period uses it.

Local times are built with the zone as ``tzinfo`` and normalised through UTC, so every
result is a real, DST-correct instant: a wall-clock time that falls in a spring-forward gap
moves forward by the gap (02:30 becomes 03:30), and an ambiguous fall-back time is taken at
its first occurrence.

Bad input raises :class:`DateParseError` or :class:`DurationParseError` (both
:class:`ValueError`) with a whole sentence that quotes what was typed; no other exception
escapes for any string input.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

__all__ = [
    "DateParseError",
    "DurationParseError",
    "format_duration",
    "humanize_delta",
    "last_day",
    "local_tz",
    "parse_bound",
    "parse_duration",
    "parse_iso_week",
    "parse_when",
]


class DateParseError(ValueError):
    """Text that can't be read as a date or time; the message is a user-facing sentence."""


class DurationParseError(ValueError):
    """Text that can't be read as a duration; the message is a user-facing sentence."""


_DATE_HINT = "try 'tomorrow 9am', 'mon', '2h ago', 'in 3 days' or '2026-11-20 15:00'"
_DURATION_HINT = "try '90s', '5m' or '1h30m'"
_MAX_LEN = 80  # longer text is never a date; the cap keeps dateutil and int() cheap
_WORKDAY_START = time(9, 0)
_END_OF_DAY = time(17, 0)
_DAY = 86400
_MAX_DURATION = _DAY

_UNITS: dict[str, int] = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
    **dict.fromkeys(("d", "day", "days"), _DAY),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), 7 * _DAY),
}
# The unit a trailing bare number takes in a duration: "1h30" is 1h30m, "2m30" is 2m30s.
_NEXT_UNIT = {7 * _DAY: _DAY, _DAY: 3600, 3600: 60, 60: 1}

# Regex sources, compiled on first use by _rx(): compiling them all at import costs about 4 ms
# (measured with re.purge() and re.compile), and most commands never read a date.
_WEEKDAY = (
    r"mon(?:day)?|tue(?:s|sday)?|wed(?:s|nesday)?|thu(?:r|rs|rsday)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?"
)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_EXPR = rf"(?:(?:last|next)\s+)?(?:{_WEEKDAY})|today|yesterday|tomorrow|tmrw"

_DAY_RE = rf"(?:(?P<rel>last|next)\s+)?(?P<wd>{_WEEKDAY})|(?P<word>today|yesterday|tomorrow|tmrw)"
_DAY_FIRST_RE = rf"(?P<day>{_DAY_EXPR})(?:\s+(?P<rest>.+))?"
_DAY_LAST_RE = rf"(?P<rest>.+?)\s+(?:on\s+)?(?P<day>{_DAY_EXPR})"
_TIME_RE = (
    r"(?:at\s*)?(?P<h>\d{1,2})"
    r"(?::(?P<mi>\d{2})(?::(?P<se>\d{2})(?:[.,](?P<fr>\d{1,6}))?)?)?"
    r"\s*(?:(?P<ap>[ap])\.?m\.?)?"
)
_ISO_DATE_RE = r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})(?:(?:t|\s+(?:at\s+)?)(?P<rest>.+))?"
_OFFSET_RE = r"(?P<time>.+?)\s*(?P<off>z|utc|(?P<sign>[+-])(?P<oh>\d{2})(?::?(?P<om>\d{2}))?)"
_ISO_WEEK_RE = r"(?P<y>\d{4})-?w(?P<w>\d{1,2})"
_RELATIVE_RE = r"(?:(?P<into>in)\s+|(?P<sign>[+-])\s*)?(?P<amount>.+?)(?:\s*(?P<ago>ago))?"
_AMOUNT_PART_RE = r"\s*(?:(?:,|and)\s*)?(?P<n>\d+(?:\.\d*)?|\.\d+|an?(?=\s))\s*(?P<u>[a-z]*)"
_AMPM_RE = r"(?<![\d:.])(?P<h>\d+)(?::\d{2})?\s*[ap]\.?m\b"
_BARE_NUMBER_RE = r"[+-]?\s*\d+(?:\.\d*)?"
_CLOCK_DURATION_RE = r"(?P<a>\d{1,5}):(?P<b>[0-5]\d)(?::(?P<c>[0-5]\d))?"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII)  # the re module caches compiled patterns


# --------------------------------------------------------------------------- time zone


def local_tz() -> tzinfo:
    """The local zone: ``$TZ`` if it names an IANA zone, else the system zone.

    The system zone is read from the ``/etc/localtime`` symlink (or the file itself); as a
    last resort the fixed offset Python reports for the current moment is used.
    """
    name = os.environ.get("TZ", "").strip().removeprefix(":")
    if name:
        zone = _zone(name)
        if zone is not None:
            return zone
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        zone = _zone(target.rpartition("zoneinfo/")[2])
        if zone is not None:
            return zone
    try:
        with open("/etc/localtime", "rb") as fh:
            from zoneinfo import ZoneInfo

            return ZoneInfo.from_file(fh, key="localtime")
    except (OSError, ValueError):
        pass
    fallback = datetime.now().astimezone().tzinfo
    return fallback if fallback is not None else UTC


def _zone(name: str) -> ZoneInfo | None:
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError):
        return None


def _localize(wall: datetime, tz: tzinfo) -> datetime:
    """A naive local wall-clock time as a real aware instant in ``tz`` (DST gaps move on)."""
    return wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


def _at(day: date, clock: time, tz: tzinfo) -> datetime:
    return _localize(datetime.combine(day, clock), tz)


# --------------------------------------------------------------------------- messages


def _quote(text: str) -> str:
    """The typed text for an error message: one line, control characters escaped."""
    text = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text.strip())
    if len(text) > 40:
        text = text[:37] + "..."
    return f"'{text}'"


def _date_error(text: str, reason: str | None = None) -> DateParseError:
    if reason is None:
        return DateParseError(f"can't read {_quote(text)} as a date; {_DATE_HINT}")
    return DateParseError(f"can't read {_quote(text)} as a date: {reason}")


def _duration_error(text: str, reason: str | None = None) -> DurationParseError:
    if reason is None:
        return DurationParseError(f"can't read {_quote(text)} as a duration; {_DURATION_HINT}")
    return DurationParseError(f"can't read {_quote(text)} as a duration: {reason}")


# --------------------------------------------------------------------------- parse_when


def parse_when(
    text: str,
    *,
    now: datetime,
    prefer: Literal["past", "future"] = "past",
    tz: tzinfo | None = None,
) -> datetime:
    """Read a date/time typed by the user as an aware datetime in ``tz`` (default local).

    ``now`` must be aware (any zone). ``prefer`` settles bare weekdays and year-less dates.
    Raises :class:`DateParseError` with a user-facing message.
    """
    return _read(text, now, prefer, tz)[0]


def parse_bound(
    text: str,
    *,
    side: Literal["start", "end"],
    now: datetime,
    prefer: Literal["past", "future"] = "past",
    tz: tzinfo | None = None,
) -> datetime:
    """Read one end of a period (``--since``, ``--from``, ``--to``, ``--until``).

    **A date alone names the whole day**: as a start it means that day's 00:00, as an end
    the next day's 00:00 (ends are exclusive), so ``--from 2026-10-01 --to 2026-10-31`` is
    all of October and ``--since yesterday`` takes in yesterday morning. An ISO week names
    the whole week the same way. Text with a time of day, a relative time (``2h ago``) or an
    anchor (``eod``, ``som``) is that instant, as :func:`parse_when` reads it.
    """
    if side not in ("start", "end"):
        raise ValueError(f"side must be 'start' or 'end', not {side!r}")
    zone = tz if tz is not None else local_tz()
    value, whole = _read(text, now, prefer, zone)
    if whole is None:
        return value
    try:
        first = value.date()
        if side == "start":
            return _at(first, time(0), zone)
        return _at(first + timedelta(days=7 if whole == "week" else 1), time(0), zone)
    except (ValueError, OverflowError):
        raise _date_error(text, "it is out of the range of dates salestrack can handle") from None


def last_day(end: datetime, tz: tzinfo | None = None) -> date:
    """The last day a period ending (exclusively) at ``end`` takes in: the day before when
    ``end`` is a local midnight, else ``end``'s own day."""
    local = end.astimezone(tz if tz is not None else local_tz())
    if local.time() == time(0):
        return local.date() - timedelta(days=1)
    return local.date()


def _read(text: str, now: datetime, prefer: str, tz: tzinfo | None) -> tuple[datetime, str | None]:
    """:func:`parse_when`'s reading, and what the text named when it gave no time of day:
    ``"day"`` (a date alone), ``"week"`` (an ISO week), else ``None`` (an instant)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("parse_when() needs an aware 'now'")
    if prefer not in ("past", "future"):
        raise ValueError(f"prefer must be 'past' or 'future', not {prefer!r}")
    zone = tz if tz is not None else local_tz()
    try:
        value, whole = _parse_when(text, now.astimezone(zone), prefer, zone)
        return in_range(text, value), whole
    except DateParseError:
        raise
    except (ValueError, ArithmeticError):  # e.g. a date pushed past year 9999
        raise _date_error(text, _RANGE) from None


#: The years salestrack keeps: every date read from a person or a file falls in them, so
#: arithmetic on a date (a week after it, the end of its day) never leaves the calendar.
YEARS = (1900, 2999)
_RANGE = f"salestrack keeps dates from {YEARS[0]} to {YEARS[1]}"


def in_range(text: str, value: datetime) -> datetime:
    """``value`` read from ``text``, refused when its year is outside :data:`YEARS`."""
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise _date_error(text, f"{value.year} is out of range: {_RANGE}")
    return value


def _parse_when(text: str, now: datetime, prefer: str, tz: tzinfo) -> tuple[datetime, str | None]:
    s = " ".join(text.lower().split())
    if not s:
        raise DateParseError(f"no date given; {_DATE_HINT}")
    if len(s) > _MAX_LEN:
        raise _date_error(text, "that is too long to be a date")
    today = now.date()
    if s == "now":
        return now, None
    anchor = _anchor(s, now, tz)
    if anchor is not None:
        return anchor, None
    m = _rx(_ISO_WEEK_RE).fullmatch(s)
    if m:
        return _iso_week_start(text, int(m["y"]), int(m["w"]), tz), "week"
    m = _rx(_ISO_DATE_RE).fullmatch(s)
    if m:
        return _iso_date(text, m, tz)
    relative = _relative(text, s, now, tz)
    if relative is not None:
        return relative, None
    day_time = _day_and_time(text, s, today, prefer)
    if isinstance(day_time, tuple):
        day, clock = day_time
        if clock is None:
            return _at(day, _WORKDAY_START, tz), "day"
        return _at(day, clock, tz), None
    clock = _parse_time(text, s)
    if clock is not None:
        return _at(today, clock, tz), None
    if _rx(_BARE_NUMBER_RE).fullmatch(s):
        raise _date_error(text, "a number needs a unit; try '5m ago', '2h ago' or 'in 3 days'")
    try:
        return _fallback(text, today, prefer, tz)
    except DateParseError:
        if day_time is not None:  # "today blah": say what was wrong with the blah
            raise _date_error(text, day_time) from None
        raise


def _anchor(s: str, now: datetime, tz: tzinfo) -> datetime | None:
    today = now.date()
    if s == "eod":
        return _at(today, _END_OF_DAY, tz)
    if s == "eow":
        friday = _at(today + timedelta(days=4 - today.weekday()), _END_OF_DAY, tz)
        if now > friday:
            friday = _at(friday.date() + timedelta(days=7), _END_OF_DAY, tz)
        return friday
    if s == "eom":
        import calendar  # here, not at the top: see _make_date

        last = calendar.monthrange(today.year, today.month)[1]
        return _at(today.replace(day=last), _END_OF_DAY, tz)
    if s == "sow":
        return _at(today - timedelta(days=today.weekday()), time(0), tz)
    if s == "som":
        return _at(today.replace(day=1), time(0), tz)
    return None


def _parse_time(text: str, t: str) -> time | None:
    """``"3pm"``, ``"15:00"``, ``"at 9:30am"``, ``"noon"``; ``None`` if ``t`` isn't time-like.

    Time-like text with an impossible value (``25:00``, ``13pm``) raises.
    """
    if t in ("noon", "at noon", "midday"):
        return time(12)
    m = _rx(_TIME_RE).fullmatch(t)
    if m is None or (m["mi"] is None and m["ap"] is None):
        return None
    hour, minute, second = int(m["h"]), int(m["mi"] or 0), int(m["se"] or 0)
    micro = int((m["fr"] or "0").ljust(6, "0"))
    shown = t.removeprefix("at").strip()
    if m["ap"] is not None:
        if not 1 <= hour <= 12:
            raise _date_error(text, f"'{shown}' isn't a time; with am/pm the hour runs 1-12")
        hour = hour % 12 + (12 if m["ap"] == "p" else 0)
    elif hour > 23:
        raise _date_error(text, f"'{shown}' isn't a time; hours run 0-23")
    if minute > 59:
        raise _date_error(text, f"'{shown}' isn't a time; minutes run 00-59")
    if second > 59:
        raise _date_error(text, f"'{shown}' isn't a time; seconds run 00-59")
    return time(hour, minute, second, micro)


def _day_and_time(
    text: str, s: str, today: date, prefer: str
) -> tuple[date, time | None] | str | None:
    """``(day, time or None)``; ``None`` if ``s`` names no day; a reason if what follows the
    day isn't a time (the caller still offers the text to dateutil: ``fri nov 20``)."""
    m = _rx(_DAY_FIRST_RE).fullmatch(s)
    if m:
        day = _resolve_day(m["day"], today, prefer)
        rest = m["rest"]
        if rest is None:
            return day, None
        clock = _parse_time(text, rest)
        if clock is None:
            reason = f"'{rest}' isn't a time; try '{m['day']} 3pm' or '{m['day']} 15:00'"
            if rest.isdigit():  # "mon 9": dateutil would read the 9th of the month
                raise _date_error(text, reason)
            return reason
        return day, clock
    m = _rx(_DAY_LAST_RE).fullmatch(s)
    if m:
        clock = _parse_time(text, m["rest"])
        if clock is not None:
            return _resolve_day(m["day"], today, prefer), clock
    return None


def _resolve_day(expr: str, today: date, prefer: str) -> date:
    m = _rx(_DAY_RE).fullmatch(expr)
    if m is None:  # expr matched _DAY_EXPR, which _DAY_RE mirrors: not expected
        raise _date_error(expr)
    word = m["word"]
    if word is not None:
        shift = {"today": 0, "yesterday": -1, "tomorrow": 1, "tmrw": 1}[word]
        return today + timedelta(days=shift)
    wanted = _WEEKDAYS.index(m["wd"][:3])
    back = (today.weekday() - wanted) % 7
    ahead = (wanted - today.weekday()) % 7
    rel = m["rel"]
    if rel == "last" or (rel is None and prefer == "past"):
        if rel == "last" and back == 0:
            back = 7
        return today - timedelta(days=back)
    return today + timedelta(days=ahead or 7)


def _iso_date(text: str, m: re.Match[str], tz: tzinfo) -> tuple[datetime, str | None]:
    # Not datetime.fromisoformat: this reads more ("2026-7-4", "2026-11-20 at 3pm", "15:00
    # utc", a lower-case "z") and less ("2026-11-20T15", "T1500" and "+05:60", which it takes
    # as 15:00, 15:00 and +06:00), and it keeps the parts to say what is wrong. ISO weeks
    # do use the stdlib: date.fromisocalendar.
    day = _make_date(text, int(m["y"]), int(m["mo"]), int(m["d"]))
    rest = m["rest"]
    if rest is None:
        return _at(day, _WORKDAY_START, tz), "day"
    offset: tzinfo | None = None
    om = _rx(_OFFSET_RE).fullmatch(rest)
    if om is not None and _parse_time(text, om["time"]) is not None:
        rest = om["time"]
        offset = _offset(text, om)
    clock = _parse_time(text, rest)
    if clock is None:
        raise _date_error(text, f"'{rest}' isn't a time; try '2026-11-20 15:00'")
    if offset is None:
        return _at(day, clock, tz), None
    return datetime.combine(day, clock, tzinfo=offset).astimezone(tz), None


def _offset(text: str, m: re.Match[str]) -> tzinfo:
    if m["sign"] is None:
        return UTC
    hours, minutes = int(m["oh"]), int(m["om"] or 0)
    if hours > 23 or minutes > 59:
        raise _date_error(text, f"'{m['off']}' isn't a UTC offset; write it like '+01:00'")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if m["sign"] == "-" else delta)


def _make_date(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        pass
    if not 1 <= month <= 12:
        raise _date_error(text, f"there is no month {month}; months run 1-12")
    if year < 1:
        raise _date_error(text, f"year {year} is out of range")
    # calendar is imported only to explain a bad date (and for "eom"): it is not otherwise
    # loaded by the commands that read dates, and costs 0.9 ms (python -X importtime).
    import calendar

    last = calendar.monthrange(year, month)[1]
    raise _date_error(text, f"{calendar.month_name[month]} {year} has days 1-{last}, not {day}")


def _iso_week_start(text: str, year: int, week: int, tz: tzinfo) -> datetime:
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        if 1 <= week <= 53 and year >= 1:
            raise _date_error(text, f"{year} has no week {week}; it has 52") from None
        raise _date_error(text, f"there is no week {week}; ISO weeks run 1-53") from None
    return _at(monday, time(0), tz)


def _relative(text: str, s: str, now: datetime, tz: tzinfo) -> datetime | None:
    m = _rx(_RELATIVE_RE).fullmatch(s)
    if m is None:
        return None
    parts = _split_amount(m["amount"])
    if parts is None or any(unit == "" for _, unit in parts):
        return None
    units = [(n, _UNITS[unit]) for n, unit in parts if unit in _UNITS]
    directions = [
        d
        for d, on in (
            (1, m["into"] is not None),
            (1, m["sign"] == "+"),
            (-1, m["sign"] == "-"),
            (-1, m["ago"] is not None),
        )
        if on
    ]
    if len(units) < len(parts):
        return None
    if not directions:
        amount = m["amount"]
        raise _date_error(text, f"say '{amount} ago' or 'in {amount}'")
    if len(directions) > 1:
        raise _date_error(text, "give one direction: 'in 2h', '+2h', '2h ago' or '-2h'")
    sign = directions[0]
    days = 0
    micros = 0
    for number, size in units:
        if size >= _DAY:
            if "." in number:
                raise _date_error(text, "use whole days and weeks, or hours: '36h ago'")
            days += _integer(number) * (size // _DAY)
        else:
            num, den = _decimal(number)
            micros += (2 * num * size * 1_000_000 + den) // (2 * den)
    result = now
    if days:
        wall = now.replace(tzinfo=None) + timedelta(days=sign * days)
        result = _localize(wall, tz)
    if micros:
        result = (result.astimezone(UTC) + timedelta(microseconds=sign * micros)).astimezone(tz)
    return result


def _split_amount(s: str) -> list[tuple[str, str]] | None:
    """``"1h 30m"`` -> ``[("1", "h"), ("30", "m")]``; a bare trailing number has unit ``""``."""
    parts: list[tuple[str, str]] = []
    pos = 0
    while pos < len(s):
        m = _rx(_AMOUNT_PART_RE).match(s, pos)
        if m is None or m.end() == pos:
            return None
        parts.append((m["n"], m["u"]))
        pos = m.end()
    if not parts or any(unit == "" for _, unit in parts[:-1]):
        return None
    return parts


def _integer(number: str) -> int:
    return 1 if number in ("a", "an") else int(number.rstrip("."))


def _decimal(number: str) -> tuple[int, int]:
    """Exact value of ``"1.5"`` as ``(15, 10)``; ``"a"``/``"an"`` are 1."""
    if number in ("a", "an"):
        return 1, 1
    whole, _, frac = number.partition(".")
    return int((whole or "0") + frac), 10 ** len(frac)


def _fallback(text: str, today: date, prefer: str, tz: tzinfo) -> tuple[datetime, str | None]:
    """Absolute dates in any form dateutil reads (``Nov 20 3pm``, ``20 Nov 2026``)."""
    import warnings

    # Imported here, the last resort: dateutil.parser costs about 13 ms (python -X importtime
    # on "log --at 'Nov 20 3pm'"), and ISO dates, weekdays and "2h ago" never need it.
    from dateutil import parser

    cleaned = " ".join(text.split())
    for m in _rx(_AMPM_RE).finditer(cleaned.lower()):  # dateutil reads "13pm" as 13:00
        if not 1 <= int(m["h"]) <= 12:
            raise _date_error(text, f"'{m[0]}' isn't a time; with am/pm the hour runs 1-12")
    base = datetime.combine(today, time(0))
    # A second parse with every default field different tells which fields the text gave.
    probe = datetime(
        2000 if today.year != 2000 else 2004,
        2 if today.month == 1 else 1,
        2 if today.day == 1 else 1,
        1,
        1,
        1,
        1,
    )
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = parser.parse(cleaned, default=base)
            other = parser.parse(cleaned, default=probe)
        if any(issubclass(w.category, parser.UnknownTimezoneWarning) for w in caught):
            raise _date_error(text, "unknown time zone; give an offset such as '+01:00'")
        whole = None
        if value.hour != other.hour:  # no time given: start of the working day
            value = value.replace(hour=9, minute=0, second=0, microsecond=0)
            whole = "day"
        year_given = value.year == other.year
        month_given = value.month == other.month
        if month_given and not year_given:  # "dec 1": the nearest one on the preferred side
            if prefer == "future" and value.date() < today:
                value = value.replace(year=value.year + 1)
            elif prefer == "past" and value.date() > today:
                value = value.replace(year=value.year - 1)
        if value.tzinfo is not None and value.utcoffset() is not None:
            return value.astimezone(tz), whole
        return _localize(value.replace(tzinfo=None), tz), whole
    except DateParseError:
        raise
    except Exception as exc:  # dateutil raises ParserError, OverflowError, TypeError...
        # Keep dateutil's own words when they are about a value ("day is out of range for
        # month", "hour must be in 0..23"); otherwise give the usual hint.
        reason = str(exc).partition(":")[0]
        if isinstance(exc, ValueError) and ("out of range" in reason or "must be in" in reason):
            raise _date_error(text, reason) from None
        raise _date_error(text) from None


# --------------------------------------------------------------------------- ISO weeks


def parse_iso_week(text: str, tz: tzinfo) -> tuple[datetime, datetime]:
    """``"2026-W18"`` -> (that Monday 00:00, the next Monday 00:00), aware in ``tz``."""
    s = "".join(text.lower().split())
    m = _rx(_ISO_WEEK_RE).fullmatch(s)
    if m is None:
        raise DateParseError(f"can't read {_quote(text)} as an ISO week; write it like '2026-W18'")
    start = in_range(text, _iso_week_start(text, int(m["y"]), int(m["w"]), tz))
    try:
        end = _at(start.date() + timedelta(days=7), time(0), tz)
    except (ValueError, OverflowError):
        raise _date_error(text, "that week is out of range") from None
    return start, end


# --------------------------------------------------------------------------- durations


def parse_duration(text: str) -> int:
    """Seconds in a duration such as ``90s``, ``5m``, ``1h30m``, ``1.5h``, ``1:30`` or ``5``.

    A bare number is minutes; ``m:ss`` and ``h:mm:ss`` are clock forms. Fractions round half
    up to whole seconds. Raises :class:`DurationParseError` unless 0 < result <= 24h.
    """
    s = " ".join(text.lower().split())
    if not s:
        raise DurationParseError(f"no duration given; {_DURATION_HINT}")
    if len(s) > _MAX_LEN:
        raise _duration_error(text)
    if s.startswith("-"):
        raise _duration_error(text, "a duration can't be negative; try '5m'")
    m = _rx(_CLOCK_DURATION_RE).fullmatch(s)
    if m is not None:
        a, b, c = int(m["a"]), int(m["b"]), m["c"]
        seconds = a * 60 + b if c is None else a * 3600 + b * 60 + int(c)
        return _checked_duration(text, seconds, None)
    parts = _split_amount(s)
    if parts is None:
        raise _duration_error(text)
    sizes: list[int] = []
    for _, unit in parts:
        size = (_NEXT_UNIT.get(sizes[-1]) if sizes else 60) if unit == "" else _UNITS.get(unit)
        if size is None or (sizes and size >= sizes[-1]):
            raise _duration_error(text)  # unknown unit, or units out of order ("30m 1h")
        sizes.append(size)
    values = [_decimal(number) for number, _ in parts]
    den = max(d for _, d in values)
    total = sum(num * size * (den // d) for (num, d), size in zip(values, sizes, strict=True))
    seconds = (2 * total + den) // (2 * den)  # round half up
    if total and not seconds:
        raise DurationParseError(
            f"duration {_quote(text)} is shorter than a second; give at least '1s'"
        )
    hint = None
    if len(parts) == 1 and sizes[0] == 3600 and values[0][0] * 60 <= _MAX_DURATION * den:
        hint = f"{parts[0][0]}m"  # "30h" is almost certainly a slip for "30m"
    return _checked_duration(text, seconds, hint)


def _checked_duration(text: str, seconds: int, minutes_hint: str | None) -> int:
    quoted = _quote(text)
    if seconds <= 0:
        raise DurationParseError(f"duration {quoted} is zero; give how long it took, e.g. '5m'")
    if seconds > _MAX_DURATION:
        advice = (
            f"did you mean '{minutes_hint}'?"
            if minutes_hint is not None
            else "one activity can take at most 24h"
        )
        raise DurationParseError(f"duration {quoted} is longer than a day; {advice}")
    return seconds


def format_duration(seconds: int) -> str:
    """Compact duration: 90 -> ``1m30s``, 3600 -> ``1h``, 5400 -> ``1h30m``, 0 -> ``0s``."""
    if seconds < 0:
        return "-" + format_duration(-seconds)
    if seconds == 0:
        return "0s"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return "".join(
        f"{value}{unit}" for value, unit in ((hours, "h"), (minutes, "m"), (secs, "s")) if value
    )


# --------------------------------------------------------------------------- humanize


def humanize_delta(then: datetime, now: datetime) -> str:
    """Compact distance from ``now``: ``just now``, ``5m ago``, ``3h ago``, ``in 2d``, ``3w ago``.

    Under a minute either way is ``just now``; then minutes, hours, days (under a week),
    weeks (under 60 days), months of 30 days (under a year) and years, all rounded down.
    """
    delta = int((then - now).total_seconds())
    future = delta > 0
    gap = abs(delta)
    if gap < 60:
        return "just now"
    days = gap // _DAY
    if gap < 3600:
        amount = f"{gap // 60}m"
    elif gap < _DAY:
        amount = f"{gap // 3600}h"
    elif days < 7:
        amount = f"{days}d"
    elif days < 60:
        amount = f"{days // 7}w"
    elif days < 365:
        amount = f"{days // 30}mo"
    else:
        amount = f"{days // 365}y"
    return f"in {amount}" if future else f"{amount} ago"
