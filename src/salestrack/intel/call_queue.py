"""Who to call now (``salestrack next``): open prospects ranked by a documented score.

Like Taskwarrior's urgency, the score is a sum of terms, each a weight the person can tune
(``salestrack next --set overdue=12``; stored in settings as ``next_weights``):

=================  =======  =====================================================
term               default  adds
=================  =======  =====================================================
``overdue``        10       when the next step is overdue
``overdue_day``    1        per day overdue, up to 10 days
``due_today``      8        when the next step is due later today
``no_next_step``   3        when no next step is set (a pipeline gap)
``stale_day``      0.5      per day since the last touch, up to 14 days
``stage``          1        per stage past the first (lead 0, qualified 1, ...)
``segment_a``      3        for segment A prospects
``segment_b``      1        for segment B prospects
``unavailable``    -20      when their availability says now is not a good time
=================  =======  =====================================================

Won and lost prospects are not in the queue; nor are prospects whose next step is due
after today.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from salestrack.errors import InvalidInput
from salestrack.intel import brief
from salestrack.store import settings
from salestrack.store.sql import Store, uid, when, when_set

SETTING = "next_weights"
DEFAULTS: dict[str, float] = {
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


@dataclass
class Candidate:
    name: str
    stage: str
    segment: str | None
    next_step: str | None
    due_at: datetime | None
    last_touch: datetime | None
    available_now: bool
    score: float = 0.0
    why: list[str] = field(default_factory=list)

    def as_row(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 1),
            "name": self.name,
            "stage": self.stage,
            "segment": self.segment,
            "next_step": self.next_step,
            "due_at": self.due_at,
            "last_touch": self.last_touch,
            "available_now": self.available_now,
            "why": "; ".join(self.why),
        }


def weights(raw: str | None) -> dict[str, float]:
    chosen = dict(DEFAULTS)
    if raw:
        chosen.update({k: float(v) for k, v in json.loads(raw).items() if k in DEFAULTS})
    return chosen


def parse_weights(specs: list[str]) -> dict[str, float]:
    """``["overdue=12", "segment_a=4"]`` -> changes; names and numbers are checked."""
    changes: dict[str, float] = {}
    for spec in specs:
        name, sep, number = spec.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in DEFAULTS:
            raise InvalidInput(
                "--set", f"'{spec}': use NAME=NUMBER with NAME one of {', '.join(DEFAULTS)}"
            )
        try:
            changes[name] = float(number)
        except ValueError:
            raise InvalidInput("--set", f"'{spec}': {number!r} is not a number") from None
    return changes


def set_weights(store: Store, changes: dict[str, float], *, now: datetime) -> dict[str, float]:
    """Keep tuned weights of the score; returns every weight now in use."""
    current = weights(settings.setting(store, SETTING))
    current.update(changes)
    store.upsert_setting(SETTING, json.dumps(current), now)
    return current


def rank(reader: Store, *, now: datetime, tz: tzinfo, limit: int) -> list[Candidate]:
    w = weights(settings.setting(reader, SETTING))
    stages = settings.stages(reader)
    facts: dict[Any, list[tuple[str, datetime]]] = {}
    for pid, value, learned in reader.rows(
        "SELECT prospect_id, value, learned_at FROM intel "
        "WHERE kind = 'availability' AND superseded_at IS NULL"
    ):
        facts.setdefault(uid(pid), []).append((value, when_set(learned)))
    local_now = now.astimezone(tz)
    end_of_day = datetime.combine(local_now.date(), datetime.max.time(), tz)
    found = []
    for pid, name, stage, segment, action, due, last in reader.rows(
        "SELECT p.id, p.name, p.stage, p.segment, n.action, n.due_at, "
        "(SELECT max(a.occurred_at) FROM activities a WHERE a.prospect_id = p.id) "
        "FROM prospects p LEFT JOIN next_steps n ON n.id = ("
        " SELECT n2.id FROM next_steps n2 WHERE n2.prospect_id = p.id AND n2.done_at IS NULL"
        " ORDER BY n2.due_at IS NULL, n2.due_at LIMIT 1) "
        "WHERE p.stage NOT IN ('won', 'lost')"
    ):
        due_at, last_at = when(due), when(last)
        if due_at is not None and due_at > end_of_day:
            continue
        avail, _ = brief.current_availability(facts.get(uid(pid), []), now, tz)
        c = Candidate(name, stage, segment, action, due_at, last_at, avail.allows(local_now))
        if due_at is not None and due_at <= now:
            days = min((now - due_at).days, 10)
            c.score += w["overdue"] + w["overdue_day"] * days
            c.why.append(f"overdue {days}d" if days else "due now")
        elif due_at is not None:
            c.score += w["due_today"]
            c.why.append("due today")
        elif action is None:
            c.score += w["no_next_step"]
            c.why.append("no next step")
        if last_at is not None:
            stale = min((now - last_at).days, 14)
            if stale:
                c.score += w["stale_day"] * stale
                c.why.append(f"{stale}d since last touch")
        place = stages.index(stage) if stage in stages else 0
        if place:
            c.score += w["stage"] * place
            c.why.append(stage)
        if segment in ("A", "B"):
            c.score += w[f"segment_{segment.lower()}"]
            c.why.append(f"segment {segment}")
        if not c.available_now:
            c.score += w["unavailable"]
            c.why.append("not a good time now")
        found.append(c)
    found.sort(key=lambda c: (-c.score, c.name))
    return found[:limit]
