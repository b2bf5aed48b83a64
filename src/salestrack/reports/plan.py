"""The reverse funnel (``plan``): what a day needs to close N deals by a date."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from salestrack.errors import InvalidInput
from salestrack.store.sql import Store


@dataclass
class Plan:
    deals: int
    by: date
    working_days: int
    weeks: int
    rates: dict[str, float]
    needed: dict[str, float]

    def rows(self) -> list[dict[str, Any]]:
        order = ("dials", "conversations", "meetings", "deals")
        return [
            {
                "step": step,
                "total": math.ceil(self.needed[step]),
                "per_day": round(self.needed[step] / self.working_days, 1),
                "rate": self.rates.get(step),
            }
            for step in order
        ]


def working_days(start: date, end: date) -> int:
    """Monday-to-Friday days from ``start`` to ``end``, both included."""
    days = 0
    day = start
    while day <= end:
        days += day.weekday() < 5
        day += timedelta(days=1)
    return days


def plan(reader: Store, *, deals: int, by: date, weeks: int, now: datetime, tz: tzinfo) -> Plan:
    """What a day needs, at the person's own rates over the last ``weeks`` weeks."""
    if deals < 1:
        raise InvalidInput("--deals", "must be at least 1")
    today = now.astimezone(tz).date()
    days = working_days(today, by)
    if by < today or days == 0:
        raise InvalidInput("--by", f"{by.isoformat()} leaves no working day; choose a later date")
    start = now - timedelta(weeks=weeks)
    calls = reader.one(
        "SELECT count(*), "
        "sum(CASE WHEN reached = 'decision_maker' AND outcome IN "
        "('connected', 'meeting_set', 'referred', 'not_interested') THEN 1 ELSE 0 END), "
        "sum(CASE WHEN outcome = 'meeting_set' THEN 1 ELSE 0 END) "
        "FROM activities WHERE kind = 'call' AND occurred_at >= :s AND occurred_at < :e",
        s=start,
        e=now,
    )
    won = reader.one(
        "SELECT count(*) FROM stage_changes WHERE to_stage = 'won' "
        "AND changed_at >= :s AND changed_at < :e",
        s=start,
        e=now,
    )
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
    rates = {
        "dials": conversations / dials,  # conversations per dial
        "conversations": meetings / conversations,  # meetings per conversation
        "meetings": wins / meetings,  # deals per meeting set
    }
    need_meetings = deals / rates["meetings"]
    need_conversations = need_meetings / rates["conversations"]
    need_dials = need_conversations / rates["dials"]
    return Plan(
        deals=deals,
        by=by,
        working_days=days,
        weeks=weeks,
        rates={k: round(v, 4) for k, v in rates.items()},
        needed={
            "dials": need_dials,
            "conversations": need_conversations,
            "meetings": need_meetings,
            "deals": float(deals),
        },
    )
