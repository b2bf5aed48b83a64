"""Availability facts, understood: "doesn't work Tuesdays", "mornings only", "out until 1 Dec".

Each availability fact is read into a :class:`Rule`; a prospect's current rules combine into an
:class:`Availability` that says whether a moment is a good time to call and describes itself
in a few words. Stdlib only (capture and the brief use it). The forms understood:

* days off: "doesn't work Tuesdays", "off on Fridays", "not Mondays", "no calls on Fri"
* only some days: "only Tuesdays and Thursdays", "works Mon-Wed", "Mondays only"
* part of the day: "mornings only", "afternoons", "after 4pm", "before 10:30", "2pm-4pm",
  "between 9 and 11am"
* a part of the day on a day: "in meetings Monday mornings", "not Friday afternoons"
* away: "out until 2026-12-01", "on holiday till Dec 1", "back on Monday"

The working day is 08:00 to 18:00 local time.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo
from typing import NamedTuple

from salestrack import dates

DAY_START, DAY_END = time(8, 0), time(18, 0)
MORNING = (DAY_START, time(12, 0))
AFTERNOON = (time(12, 0), DAY_END)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_WORD = r"(mon|tue|wed|thu|fri|sat|sun)[a-z]*"
_NEG = (
    r"(?:doesn'?t|does not|don'?t|do not|never|not|no|off|can'?t|cannot|won'?t|in meetings?|busy)"
)
_TIME = r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?"

Window = tuple[time, time]


# NamedTuples, not dataclasses: the daily commands' start-up (docs/architecture.md)
class Rule(NamedTuple):
    """What one availability fact says."""

    days_off: frozenset[int] = frozenset()
    days_only: frozenset[int] | None = None
    window: Window | None = None  # only between these times
    blocked: tuple[tuple[int, Window], ...] = ()  # not at these times on these days
    away_until: date | None = None  # not before this date

    def describe(self) -> str:
        return describe_rules([self])


def _day_numbers(text: str) -> list[int]:
    """Weekday numbers named in ``text``, ranges (mon-wed) included."""
    found: list[int] = []
    for m in re.finditer(rf"\b{_DAY_WORD}(?:\s*(?:-|to|\u2013)\s*{_DAY_WORD})?", text):
        first = _DAYS.index(m.group(1))
        if m.group(2):
            last = _DAYS.index(m.group(2))
            found.extend(range(first, last + 1) if last >= first else [first, last])
        else:
            found.append(first)
    return found


def _clock(hour: str, minute: str | None, half: str | None, default_half: str | None) -> time:
    h, mins = int(hour), int(minute or 0)
    half = half or default_half
    if half == "pm" and h < 12:
        h += 12
    elif half == "am" and h == 12:
        h = 0
    elif half is None and 1 <= h <= 7:  # "after 4" in office talk means 16:00
        h += 12
    if not (0 <= h <= 23 and 0 <= mins <= 59):
        raise ValueError("no such time")
    return time(h, mins)


def _window(text: str) -> Window | None:
    if re.search(r"\bmornings?\b|\bam only\b|\bbefore lunch\b", text):
        return MORNING
    if re.search(r"\bafternoons?\b|\bpm only\b|\bafter lunch\b", text):
        return AFTERNOON
    between = re.search(rf"(?:between\s+)?\b{_TIME}\s*(?:-|\u2013|to|and)\s*{_TIME}", text)
    if between:
        end_half = between.group(6)
        start = _clock(between.group(1), between.group(2), between.group(3), end_half)
        end = _clock(between.group(4), between.group(5), end_half, None)
        return (start, end) if start < end else None
    after = re.search(rf"\b(?:after|from)\s+{_TIME}", text)
    if after:
        return (_clock(after.group(1), after.group(2), after.group(3), None), DAY_END)
    before = re.search(rf"\b(?:before|until|till)\s+{_TIME}", text)
    if before:
        return (DAY_START, _clock(before.group(1), before.group(2), before.group(3), None))
    return None


def parse(text: str, *, now: datetime, tz: tzinfo | None = None) -> Rule | None:
    """The rule an availability fact states, or None when it is not understood."""
    s = " ".join(text.lower().replace("\u2019", "'").split())
    away = re.search(
        r"\b(?:out|away|off|on holiday|on leave|on vacation|travelling|traveling)\s+"
        r"(?:until|till|til)\s+(.+)$|\bback\s+(?:on\s+|from\s+)?(.+)$",
        s,
    )
    if away:
        try:
            when = dates.parse_when(
                away.group(1) or away.group(2),
                now=now,
                prefer="future",
                tz=tz,
            )
        except dates.DateParseError:
            return None
        return Rule(away_until=when.astimezone(tz or dates.local_tz()).date())
    days = _day_numbers(s)
    try:
        window = _window(s)
    except ValueError:
        return None
    negative = re.search(rf"\b{_NEG}\b", s) is not None
    if days and window and negative:
        return Rule(blocked=tuple((d, window) for d in sorted(set(days))))
    if days and negative:
        return Rule(days_off=frozenset(days))
    if days and window:
        return Rule(days_only=frozenset(days), window=window)
    if days:
        return Rule(days_only=frozenset(days))
    if window and not negative:
        return Rule(window=window)
    if window and negative and window in (MORNING, AFTERNOON):  # "not mornings"
        return Rule(window=AFTERNOON if window == MORNING else MORNING)
    return None


class Availability(NamedTuple):
    """A prospect's availability: the current rules, combined."""

    rules: tuple[Rule, ...] = ()

    def days(self) -> set[int]:
        allowed = set(range(5))
        for r in self.rules:
            if r.days_only is not None:
                allowed &= set(r.days_only)
            allowed -= set(r.days_off)
        return allowed

    def window(self) -> Window | None:
        start, end = DAY_START, DAY_END
        narrowed = False
        for r in self.rules:
            if r.window is not None:
                start, end = max(start, r.window[0]), min(end, r.window[1])
                narrowed = True
        if not narrowed:
            return None
        return (start, end)

    def away_until(self) -> date | None:
        dated = [r.away_until for r in self.rules if r.away_until is not None]
        return max(dated) if dated else None

    def allows(self, at: datetime) -> bool:
        """Whether ``at`` (aware, local) is a time this prospect can be reached."""
        away = self.away_until()
        if away is not None and at.date() < away:
            return False
        if at.weekday() not in self.days():
            return False
        clock = at.time()
        window = self.window() or (DAY_START, DAY_END)
        if not window[0] <= clock < window[1]:
            return False
        for r in self.rules:
            for day, (start, end) in r.blocked:
                if at.weekday() == day and start <= clock < end:
                    return False
        return True

    def describe(self) -> str:
        return describe_rules(list(self.rules))


def conflict(new: Rule, old: Rule) -> bool:
    """True when the two rules cannot both hold (no day or no hour left to call)."""
    both = Availability((new, old))
    if not both.days():
        return True
    window = both.window()
    return window is not None and window[0] >= window[1]


def _hhmm(t: time) -> str:
    return t.strftime("%H:%M")


def _day_list(days: set[int] | frozenset[int]) -> str:
    return ", ".join(_DAYS[d].capitalize() for d in sorted(days))


def describe_rules(rules: list[Rule]) -> str:
    """A few words: ``not Tue; 08:00-12:00 only; away until Tue 01 Dec``."""
    parts: list[str] = []
    for r in rules:
        if r.days_off:
            parts.append(f"not {_day_list(r.days_off)}")
        if r.days_only is not None:
            parts.append(f"{_day_list(r.days_only)} only")
        if r.window is not None:
            parts.append(f"{_hhmm(r.window[0])}-{_hhmm(r.window[1])} only")
        for day, (start, end) in r.blocked:
            parts.append(f"not {_DAYS[day].capitalize()} {_hhmm(start)}-{_hhmm(end)}")
        if r.away_until is not None:
            parts.append(f"away until {r.away_until.strftime('%a %d %b %Y')}")
    return "; ".join(parts)


def current(
    facts: list[tuple[str, datetime]], now: datetime, tz: tzinfo
) -> tuple[Availability, list[str]]:
    """The availability the facts ``(value, learned at)`` give now (those still in force),
    and the facts no rule reads."""
    rules, unknown = [], []
    for value, learned in facts:
        rule = parse(value, now=learned, tz=tz)
        if rule is None:
            unknown.append(value)
        else:
            rules.append(rule)
    today = now.astimezone(tz).date()
    rules = [r for r in rules if r.away_until is None or r.away_until > today]
    return Availability(tuple(rules)), unknown
