"""The reverse funnel (``plan``): what a day needs to close N deals by a date.

**Rates.** Over the last ``weeks`` weeks: conversations per dial, meetings set per
conversation and deals won per meeting set, each with the counts it rests on (successes out
of trials) and its Wilson 95% interval (:func:`salestrack.stats.wilson`). A dial is an
outbound call (an inbound call is not a dial); see :data:`_FUNNEL`.

**Needed.** Meetings = deals / deals per meeting; conversations = meetings / meetings per
conversation; dials = conversations / conversations per dial. When any rate rests on a small
sample (fewer than :data:`SMALL_TRIALS` trials or :data:`SMALL_SUCCESSES` successes), the
plan also gives a range: every rate at the high end of its interval (the fewest needed) and
at the low end (the most).

**Working days.** Monday to Friday from now to the end of ``--by``, less the days off
(:class:`DaysOff`: a country's public holidays from the ``holidays`` package, with its
region's, and the dates the user lists); today counts only for the part of its working day
(:data:`WORKDAY`, local time) still ahead, so at 19:00 it counts nothing. The country's
holidays of :data:`KEPT_YEARS` years are looked up when it is set and kept with the setting;
the package (costly to import) is loaded only for a date beyond them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from salestrack import figures, stats
from salestrack.errors import InvalidInput
from salestrack.store import settings
from salestrack.store.sql import Store

#: The working day, local time: today counts for the share of it still ahead.
WORKDAY = (time(9, 0), time(17, 0))
#: A rate resting on fewer trials or successes than these is a small sample: show a range.
SMALL_TRIALS = 30
SMALL_SUCCESSES = 5
#: The settings key holding the days off: ``{"country", "region", "dates"}``.
SETTING = "holidays"
#: The version of ``plan --format json``; docs/reports.md describes each version.
JSON_VERSION = 1

# The funnel's counts over a window, kept in one place so that it can give way to the shared
# definitions of a dial, a conversation and a meeting set: a dial is an outbound call; a
# conversation a dial that reached the decision maker with outcome connected, meeting set,
# referred or not interested; a meeting set a dial with outcome meeting set.
# dials, conversations and meetings set: the definitions of salestrack.figures, written once
_FUNNEL = (
    f"SELECT count(*), {figures.CONVERSATION.count_sql()}, {figures.MEETING_SET.count_sql()} "
    f"FROM activities WHERE {figures.DIAL.sql()} AND occurred_at >= :s AND occurred_at < :e"
)
_WON = (
    "SELECT count(*) FROM stage_changes WHERE to_stage = 'won' "
    "AND changed_at >= :s AND changed_at < :e"
)
#: Years of a country's holidays kept with the setting (from the year it is set), so that
#: ``plan`` does not import the holidays package (~0.18 s) for a date in them.
KEPT_YEARS = 5
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAX_RANGE = 366  # days one --add range may hold


# -- days off -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DaysOff:
    """The days ``plan`` does not count: a country's public holidays and the user's own."""

    country: str | None = None  # a code the holidays package knows: DE, GB, US...
    region: str | None = None  # one of its subdivisions: BY, ENG, CA...
    dates: tuple[date, ...] = ()
    # the country's holidays of the years ``kept`` (first, last), looked up when it was set
    public: tuple[tuple[date, str], ...] = ()
    kept: tuple[int, int] | None = None

    def label(self) -> str:
        """``GB, region ENG``, or ``""`` without a country."""
        if self.country is None:
            return ""
        return self.country + (f", region {self.region}" if self.region else "")

    def stored(self) -> dict[str, Any]:
        """As the ``holidays`` setting keeps it."""
        return {
            "country": self.country,
            "region": self.region,
            "dates": [d.isoformat() for d in self.dates],
            "kept": list(self.kept) if self.kept else None,
            "public": [[d.isoformat(), name] for d, name in self.public],
        }


def days_off(reader: Store) -> DaysOff:
    """The stored days off (none by default)."""
    value = settings.value(reader, SETTING)  # checked: dates in range, kept two years
    kept = value.get("kept")
    return DaysOff(
        country=value.get("country") or None,
        region=value.get("region") or None,
        dates=tuple(sorted(date.fromisoformat(d) for d in value.get("dates", []))),
        public=tuple((date.fromisoformat(d), str(n)) for d, n in value.get("public", [])),
        kept=(int(kept[0]), int(kept[1])) if kept else None,
    )


def parse_days(field_name: str, text: str) -> list[date]:
    """``2026-12-24``, or a range ``2026-12-28..2026-12-31`` (both ends included)."""
    first, sep, last = text.strip().partition("..")
    ends = []
    for part in (first, last) if sep else (first,):
        part = part.strip()
        day = None
        if _DATE.match(part):
            try:
                day = date.fromisoformat(part)
            except ValueError:
                day = None
        if day is None:
            raise InvalidInput(
                field_name,
                f"'{text.strip()}' is not a date; give YYYY-MM-DD (2026-12-24) "
                "or a range YYYY-MM-DD..YYYY-MM-DD",
            )
        ends.append(day)
    start, end = ends[0], ends[-1]
    if end < start:
        raise InvalidInput(field_name, f"'{text.strip()}' ends before it starts")
    if (end - start).days >= _MAX_RANGE:
        raise InvalidInput(field_name, f"'{text.strip()}' is longer than a year; split it")
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _registry() -> dict[str, str]:
    """Every country code the holidays package knows, with the country's name."""
    from holidays import registry

    found: dict[str, str] = {}
    for module, (_, *codes) in registry.COUNTRIES.items():
        name = " ".join(
            w if w in ("and", "of", "the") else w.capitalize() for w in module.split("_")
        )
        for code in codes:
            if code.isupper() and len(code) in (2, 3):
                found.setdefault(code, name)
    return found


def countries() -> list[tuple[str, str]]:
    """The two-letter codes ``--country`` takes, with the countries' names, by code."""
    return sorted((c, n) for c, n in _registry().items() if len(c) == 2)


def _check_country(country: str, region: str | None) -> tuple[str, str | None]:
    """The country and region as the holidays package spells them, or a clear error."""
    known = _registry()
    code = country.strip().upper()
    if code not in known:
        near = sorted(c for c in known if len(c) == 2 and c[:1] == code[:1])
        hint = f"did you mean {', '.join(near)}? " if near and code else ""
        raise InvalidInput(
            "--country",
            f"unknown country '{country.strip()}'; {hint}use a two-letter ISO 3166 code such as "
            f"DE, GB, FR or US ({len(countries())} in all: salestrack holidays --countries)",
        )
    if region is None:
        return code, None
    known_regions = regions(code)
    chosen = next((r for r in known_regions if r.upper() == region.strip().upper()), None)
    if chosen is None:
        shown = ", ".join(known_regions) if known_regions else "none (the country has none)"
        raise InvalidInput(
            "--region", f"unknown region '{region.strip()}' of {code}; use one of: {shown}"
        )
    return code, chosen


def regions(country: str) -> list[str]:
    """The regions (subdivisions) of ``country`` that ``--region`` takes."""
    import holidays

    return list(holidays.country_holidays(country).subdivisions)


def set_days_off(
    store: Store,
    *,
    country: str | None = None,
    region: str | None = None,
    add: list[str] | None = None,
    remove: list[str] | None = None,
    now: datetime,
) -> DaysOff:
    """Change the days off and store them; every value is checked before anything is written.

    ``country`` or ``region`` ``"none"`` clears it; a new country drops the old region."""
    current = days_off(store)
    chosen_country, chosen_region = current.country, current.region
    if country is not None:
        if country.strip().lower() in ("", "none"):
            chosen_country, chosen_region = None, None
        else:
            chosen_country = country
            if country.strip().upper() != current.country:
                chosen_region = None
    if region is not None:
        chosen_region = None if region.strip().lower() in ("", "none") else region
    if chosen_region is not None and chosen_country is None:
        raise InvalidInput("--region", "goes with a country; set one with --country")
    if chosen_country is not None and (country is not None or region is not None):
        chosen_country, chosen_region = _check_country(chosen_country, chosen_region)
    dates = set(current.dates)
    for text in add or []:
        dates.update(parse_days("--add", text))
    for text in remove or []:
        dates.difference_update(parse_days("--remove", text))
    result = DaysOff(chosen_country, chosen_region, tuple(sorted(dates)))
    if chosen_country is not None:  # looked up afresh each time the setting changes
        first = now.year
        last = first + KEPT_YEARS - 1
        public = _public(result, date(first, 1, 1), date(last, 12, 31))
        result = replace(result, public=tuple(public.items()), kept=(first, last))
    settings.write(store, SETTING, result.stored(), now)
    return result


def off_between(rule: DaysOff, start: date, end: date) -> dict[date, str]:
    """The days off from ``start`` to ``end`` (both included), each with what it is.

    A country's holidays come from those kept with the setting when they cover the years;
    else from the holidays package, imported only then."""
    found: dict[date, str] = {}
    if rule.country is not None and start <= end:
        if rule.kept and rule.kept[0] <= start.year and end.year <= rule.kept[1]:
            public = dict(rule.public)
        else:
            public = _public(rule, start, end)
        found.update((d, n) for d, n in public.items() if start <= d <= end)
    for day in rule.dates:
        if start <= day <= end:
            found.setdefault(day, "your day off")
    return dict(sorted(found.items()))


def _public(rule: DaysOff, start: date, end: date) -> dict[date, str]:
    """The country's (and region's) public holidays from ``start`` to ``end``, from the
    holidays package."""
    found: dict[date, str] = {}
    if rule.country is not None and start <= end:
        try:
            import holidays
        except ImportError:
            raise InvalidInput(
                "holidays",
                f"country {rule.country} is set but the holidays package is not installed; "
                "pip install holidays, or: salestrack holidays --country none",
            ) from None
        try:
            public = holidays.country_holidays(
                rule.country, subdiv=rule.region, years=range(start.year, end.year + 1)
            )
        except NotImplementedError:
            raise InvalidInput(
                "holidays",
                f"the holidays package does not know {rule.label()}; "
                "set another with: salestrack holidays --country CODE",
            ) from None
        for day, name in sorted(public.items()):
            if start <= day <= end:
                found[day] = str(name)
    return found


# -- working days -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkingDays:
    days: float  # today's share plus every whole working day after it
    today: float  # the share of today's working day still ahead (0 to 1)
    skipped: list[tuple[date, str]]  # the weekdays off in the period, with what they are
    why_not_today: str = ""  # when today counts nothing: a weekend, a day off, or over


def today_share(now_local: datetime) -> float:
    """The part of today's working day (:data:`WORKDAY`) still ahead: 1 before it starts, 0
    after it ends (and on a weekend)."""
    if now_local.weekday() >= 5:
        return 0.0
    start, end = WORKDAY
    day = now_local.date()
    opens = datetime.combine(day, start, now_local.tzinfo)
    closes = datetime.combine(day, end, now_local.tzinfo)
    ahead = (closes - max(now_local, opens)).total_seconds()
    return min(1.0, max(0.0, ahead / (closes - opens).total_seconds()))


def working_days(now_local: datetime, end: date, off: dict[date, str]) -> WorkingDays:
    """Working days from ``now_local`` to the end of ``end``: Monday to Friday, not a day off,
    and today only for the part of its working day still ahead."""
    today = now_local.date()
    share = 0.0 if today in off else today_share(now_local)
    days, skipped = share, []
    day = today
    while day <= end:
        if day.weekday() < 5:
            if day in off:
                skipped.append((day, off[day]))
            elif day != today:
                days += 1
        day += timedelta(days=1)
    why = ""
    if share == 0:
        why = (
            "a weekend"
            if today.weekday() >= 5
            else "a day off"
            if today in off
            else f"its {WORKDAY[0]:%H:%M}-{WORKDAY[1]:%H:%M} is over"
        )
    return WorkingDays(days, share, skipped, why)


# -- the plan -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """One step of the funnel: ``successes`` of ``trials`` went on to the next step."""

    successes: int
    trials: int

    @property
    def value(self) -> float:
        """The share, at most 1 (more deals can be won than meetings set in a window)."""
        return min(self.successes, self.trials) / self.trials

    @property
    def interval(self) -> tuple[float, float]:
        bounds = stats.wilson(min(self.successes, self.trials), self.trials)
        if bounds is None:  # no trials: plan refuses that before it makes a rate
            raise ValueError("a rate needs at least one trial")
        return bounds

    @property
    def small(self) -> bool:
        return self.trials < SMALL_TRIALS or self.successes < SMALL_SUCCESSES


@dataclass(frozen=True)
class Step:
    step: str  # dials, conversations, meetings, deals
    needed: float
    fewest: float  # with every rate at the high end of its interval
    most: float  # with every rate at the low end
    rate: Rate | None  # how this step comes from the one before (None for dials)


COLUMNS = (
    "step", "needed", "needed_low", "needed_high", "per_day", "per_day_low", "per_day_high",
    "rate", "successes", "trials", "rate_low", "rate_high",
)  # fmt: skip


@dataclass
class Plan:
    deals: int
    by: date
    weeks: int
    start: datetime  # the window the rates come from
    end: datetime
    workdays: WorkingDays
    rule: DaysOff
    steps: list[Step] = field(default_factory=list)

    @property
    def working_days(self) -> float:
        return self.workdays.days

    @property
    def small(self) -> bool:
        """Whether any rate rests on a small sample (then the plan shows its ranges)."""
        return any(s.rate is not None and s.rate.small for s in self.steps)

    def rows(self) -> list[dict[str, Any]]:
        """One row a step: the CSV and JSON lines of ``plan``."""
        days = self.working_days
        out = []
        for s in self.steps:
            rate = s.rate
            low, high = rate.interval if rate else (None, None)
            out.append(
                {
                    "step": s.step,
                    "needed": _whole(s.needed),
                    "needed_low": _whole(s.fewest),
                    "needed_high": _whole(s.most),
                    "per_day": round(s.needed / days, 1),
                    "per_day_low": round(s.fewest / days, 1),
                    "per_day_high": round(s.most / days, 1),
                    "rate": None if rate is None else round(rate.value, 4),
                    "successes": None if rate is None else rate.successes,
                    "trials": None if rate is None else rate.trials,
                    "rate_low": None if low is None else round(low, 4),
                    "rate_high": None if high is None else round(high, 4),
                }
            )
        return out

    def document(self) -> dict[str, Any]:
        """``plan --format json``: a versioned object (docs/reports.md)."""
        return {
            "report": "plan",
            "version": JSON_VERSION,
            "deals": self.deals,
            "by": self.by.isoformat(),
            "weeks": self.weeks,
            "rates_from": self.start.isoformat(),
            "rates_to": self.end.isoformat(),
            "working_days": round(self.working_days, 4),
            "today": round(self.workdays.today, 4),
            "holiday_country": self.rule.country,
            "holiday_region": self.rule.region,
            "days_off": [{"date": d.isoformat(), "name": n} for d, n in self.workdays.skipped],
            "small_sample": self.small,
            "steps": self.rows(),
        }


def _whole(x: float) -> int:
    """``x`` rounded up to a whole count (12.000000000000002 is 12, not 13)."""
    return math.ceil(round(x, 9))


def plan(
    reader: Store,
    *,
    deals: int,
    by: date,
    weeks: int,
    now: datetime,
    tz: tzinfo,
    owner: str | None = None,
) -> Plan:
    """What a day needs, at the person's own rates over the last ``weeks`` weeks.

    ``owner``: only that owner's rows (None: every row the database shows, see
    :func:`salestrack.config.whose_rows`)."""
    if deals < 1:
        raise InvalidInput("--deals", "must be at least 1")
    local = now.astimezone(tz)
    if by < local.date():
        raise InvalidInput("--by", f"{by.isoformat()} is in the past; choose a later date")
    rule = days_off(reader)
    workdays = working_days(local, by, off_between(rule, local.date(), by))
    if workdays.days <= 0:
        why = f" (today: {workdays.why_not_today})" if by == local.date() else ""
        raise InvalidInput(
            "--by", f"{by:%a %d %b %Y} leaves no working day{why}; choose a later date"
        )
    start = now - timedelta(weeks=weeks)
    mine = "" if owner is None else " AND owner = :owner"
    who = {} if owner is None else {"owner": owner}
    calls = reader.one(_FUNNEL + mine, s=start, e=now, **who)
    won = reader.one(_WON + mine, s=start, e=now, **who)
    dials, conversations, meetings = (int(x or 0) for x in (calls or (0, 0, 0)))
    wins = int(won[0]) if won else 0
    missing = [
        what
        for what, n in (
            ("dials", dials),
            ("conversations", conversations),
            ("meetings set", meetings),
            ("deals won", wins),
        )
        if n == 0
    ]
    if missing:
        raise InvalidInput(
            "--weeks",
            f"no {missing[0]} in the last {weeks} weeks to take a rate from; "
            "log more, or look further back with --weeks 26",
        )
    # worked back from deals: each step, the rate it is reached at from the step before and
    # the rate that takes it to the step after
    to_talk, to_meet, to_win = (
        Rate(conversations, dials), Rate(meetings, conversations), Rate(wins, meetings)
    )  # fmt: skip
    steps = [Step("deals", deals, deals, deals, to_win)]
    back = [("meetings", to_meet, to_win), ("conversations", to_talk, to_meet),
            ("dials", None, to_talk)]  # fmt: skip
    for name, into, out in back:
        after = steps[0]
        low, high = out.interval
        steps.insert(0, Step(name, after.needed / out.value, after.fewest / high,
                             after.most / low, into))  # fmt: skip
    return Plan(deals, by, weeks, start, now, workdays, rule, steps)
