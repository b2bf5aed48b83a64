"""The pipeline and its gaps, and the reverse funnel (``plan``).

A stage's usual duration is the median of the completed stays in it (see
:func:`salestrack.reports.baseline.stays`) that ended in the last :data:`USUAL_WEEKS`
weeks. A prospect is *stalled* when it has been in its stage longer than that and has no next
step in the future; *waiting* when it has been there as long but a next step is scheduled.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from salestrack import vocab
from salestrack.errors import InvalidInput
from salestrack.reports import baseline
from salestrack.store import settings
from salestrack.store.sql import Store, when

USUAL_WEEKS = 26
DAY = 86400.0


def usual_days(reader: Store, stages: list[str], *, now: datetime) -> dict[str, float | None]:
    window = [baseline.Week("usual", now - timedelta(weeks=USUAL_WEEKS), now)]
    stays = baseline.stays(reader, window)
    return {s: (statistics.median(stays[s][0]) if stays[s][0] else None) for s in stages}


@dataclass
class Line:
    name: str
    stage: str
    value: float | None
    days_in_stage: float | None
    next_step: str | None
    due_at: datetime | None
    gaps: list[str]

    def as_row(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "stage": self.stage,
            "value": self.value,
            "days_in_stage": None if self.days_in_stage is None else round(self.days_in_stage, 1),
            "next_step": self.next_step,
            "due_at": self.due_at,
            "gaps": ", ".join(self.gaps),
        }


def lines(reader: Store, *, now: datetime) -> tuple[list[Line], dict[str, float | None]]:
    stages = settings.stages(reader)
    usual = usual_days(reader, stages, now=now)
    found = []
    for name, stage, value, since, action, due in reader.rows(
        "SELECT p.name, p.stage, p.value, "
        "(SELECT max(c.changed_at) FROM stage_changes c WHERE c.prospect_id = p.id), "
        "n.action, n.due_at "
        "FROM prospects p LEFT JOIN next_steps n ON n.id = ("
        " SELECT n2.id FROM next_steps n2 WHERE n2.prospect_id = p.id AND n2.done_at IS NULL"
        " ORDER BY n2.due_at IS NULL, n2.due_at LIMIT 1) "
        "WHERE p.stage NOT IN ('won', 'lost') ORDER BY p.name_key"
    ):
        entered, due_at = when(since), when(due)
        days = None if entered is None else (now - entered).total_seconds() / DAY
        gaps = []
        if action is None:
            gaps.append("no next step")
        elif due_at is not None and due_at < now:
            gaps.append("overdue")
        limit = usual.get(stage)
        if days is not None and limit is not None and days > limit:
            future = action is not None and (due_at is None or due_at >= now)
            gaps.append("waiting" if future else "stalled")
        found.append(Line(name, stage, value, days, action, due_at, gaps))
    return found, usual


def by_stage(
    found: list[Line], usual: dict[str, float | None], stages: list[str]
) -> list[dict[str, Any]]:
    rows = []
    for stage in [s for s in stages if s not in vocab.CLOSED_STAGES]:
        here = [line for line in found if line.stage == stage]
        days = usual.get(stage)
        rows.append(
            {
                "stage": stage,
                "prospects": len(here),
                "value": sum(line.value or 0 for line in here),
                "no_next_step": sum("no next step" in line.gaps for line in here),
                "overdue": sum("overdue" in line.gaps for line in here),
                "stalled": sum("stalled" in line.gaps for line in here),
                "waiting": sum("waiting" in line.gaps for line in here),
                "usual_days": None if days is None else round(days, 1),
            }
        )
    return rows


# -- plan: the reverse funnel ----------------------------------------------------------------


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
