"""A call block: the queue, the cadence rule, the running tally against the usual.

The queue is the ``next`` ranking (optionally one stage or segment). After an attempt that
reached nobody who decides (no answer, busy, voicemail, wrong number, a gatekeeper) and no
next step typed, the cadence rule books the next attempt: ``days`` business days later, in
the other half of the day (a morning call is retried in the afternoon and the other way
round), because connecting over several attempts at different times is far likelier than on
one dial. The rule lives in settings (``cadence``), e.g. ``{"days": 1, "morning": "09:30",
"afternoon": "15:00"}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, tzinfo
from typing import Any

from salestrack.intel import call_queue
from salestrack.store import settings
from salestrack.store.sql import Store

CADENCE_SETTING = "cadence"
CADENCE = settings.CADENCE
UNREACHED = ("no_answer", "busy", "voicemail", "wrong_number", "gatekeeper")

# one key for each common reach/outcome
KEYS = {
    "n": "no_answer",
    "b": "busy",
    "v": "voicemail",
    "w": "wrong_number",
    "g": "gatekeeper",
    "c": "connected",
    "m": "meeting_set",
    "k": "callback",
    "x": "not_interested",
    "r": "referred",
}


def queue(
    reader: Store,
    *,
    now: datetime,
    tz: tzinfo,
    limit: int,
    stage: str | None = None,
    segment: str | None = None,
) -> list[str]:
    """The block's prospects, best first."""
    ranked = call_queue.rank(reader, now=now, tz=tz, limit=100_000)
    names = [
        c.name
        for c in ranked
        if (stage is None or c.stage == stage) and (segment is None or c.segment == segment)
    ]
    return names[:limit]


def cadence(reader: Store) -> dict[str, Any]:
    return dict(settings.value(reader, CADENCE_SETTING))


def set_cadence(store: Store, text: str, *, now: datetime) -> dict[str, Any]:
    """Change the retry cadence (``days=2,morning=10:00``) and store it; returns the rule."""
    rule = parse_cadence(text, cadence(store))
    return dict(settings.write(store, CADENCE_SETTING, rule, now))


def parse_cadence(text: str, current: dict[str, Any]) -> dict[str, Any]:
    """``days=2,morning=10:00,afternoon=16:00`` (any of them) on top of ``current``."""
    import re

    from salestrack.errors import InvalidInput

    rule = dict(current)
    for part in text.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep or key not in CADENCE:
            raise InvalidInput("--cadence", f"'{part}': use days=N, morning=HH:MM, afternoon=HH:MM")
        value = value.strip()
        if key == "days":
            low, high = settings.CADENCE_DAYS
            if not value.isdigit() or len(value) > 3 or not low <= int(value) <= high:
                raise InvalidInput("--cadence", f"days={value}: give {low} to {high} business days")
            rule[key] = int(value)
        else:
            m = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value)
            if m is None:
                raise InvalidInput("--cadence", f"{key}={value}: give a time like 09:30")
            rule[key] = f"{int(m.group(1)):02d}:{m.group(2)}"
    return rule


def next_attempt(at: datetime, rule: dict[str, Any], tz: tzinfo) -> datetime:
    """When to try again after an unreached attempt at ``at``."""
    local = at.astimezone(tz)
    day = local.date()
    left = int(rule.get("days", 1))
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    half = "afternoon" if local.hour < 12 else "morning"
    hour, minute = (int(x) for x in str(rule[half]).split(":"))
    return datetime.combine(day, time(hour, minute), tz)


@dataclass
class Tally:
    """The block's calls so far: dials, answered, conversations and wins (the definitions in
    :mod:`salestrack.figures`), each against what the usual rates give for as many dials."""

    dials: int = 0
    reached: int = 0  # anyone answered
    conversations: int = 0
    wins: int = 0
    usual: dict[str, float] = field(default_factory=dict)  # per dial, over 8 weeks

    def add(self, outcome: str, reached: str | None, wins: int) -> None:
        """One dial of the block (a call block's calls are outbound)."""
        from salestrack import figures

        def counts(definition: figures.Activities) -> bool:
            return definition.holds(
                kind="call", direction="outbound", reached=reached, outcome=outcome
            )

        self.dials += 1
        self.reached += counts(figures.ANSWERED)
        self.conversations += counts(figures.CONVERSATION)
        self.wins += wins

    def line(self) -> str:
        from salestrack.output.show import count

        def usual(key: str) -> str:
            rate = self.usual.get(key)
            return "" if rate is None else f" (usual {rate * self.dials:.1f})"

        return (
            f"block: {count(self.dials, 'dial')} · {self.reached} reached{usual('reached')} · "
            f"{count(self.conversations, 'conversation')}{usual('conversations')} · "
            f"{count(self.wins, 'win')}{usual('wins')}"
        )


def usual_rates(reader: Store, *, now: datetime) -> dict[str, float]:
    """Per dial over the last eight weeks: answered, conversations, wins (none below 20 dials)."""
    from salestrack import figures

    start = now - timedelta(weeks=8)
    row = reader.one(
        f"SELECT count(*), {figures.ANSWERED.count_sql()}, {figures.CONVERSATION.count_sql()} "
        f"FROM activities WHERE {figures.DIAL.sql()} AND occurred_at >= :s AND occurred_at < :e",
        s=start,
        e=now,
    )
    wins = reader.one(
        "SELECT count(*) FROM wins WHERE won_at >= :s AND won_at < :e", s=start, e=now
    )
    dials = int(row[0] or 0) if row is not None else 0
    if row is None or dials < 20:
        return {}
    return {
        "reached": int(row[1] or 0) / dials,
        "conversations": int(row[2] or 0) / dials,
        "wins": int((wins or (0,))[0] or 0) / dials,
    }
