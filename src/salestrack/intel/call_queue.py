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

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from salestrack.capture import steps
from salestrack.errors import InvalidInput
from salestrack.intel import availability
from salestrack.store import settings
from salestrack.store.sql import Store, when, when_set

SETTING = "next_weights"
DEFAULTS = settings.NEXT_WEIGHTS


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


def weights(reader: Store) -> dict[str, float]:
    """Every weight in use: the stored ones (checked: finite, in range), the defaults else."""
    return dict(settings.value(reader, SETTING))


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
            changes[name] = settings.check_weights({name: float(number)})[name]
        except ValueError as exc:
            reason = str(exc) if isinstance(exc, settings.Bad) else f"{number!r} is not a number"
            raise InvalidInput("--set", f"'{spec}': {reason}") from None
    return changes


def set_weights(store: Store, changes: dict[str, float], *, now: datetime) -> dict[str, float]:
    """Keep tuned weights of the score; returns every weight now in use."""
    current = weights(store)
    current.update(changes)
    return dict(settings.write(store, SETTING, current, now))


_OPEN = "p.stage NOT IN ('won', 'lost')"
_WITH_STEP = "SELECT n.prospect_id FROM next_steps n WHERE n.done_at IS NULL"
_LAST = "(SELECT max(a.occurred_at) FROM activities a WHERE a.prospect_id = p.id)"
_FACTS = (
    "SELECT i.prospect_id, i.value, i.learned_at FROM intel i WHERE i.kind = 'availability' "
    "AND i.superseded_at IS NULL AND i.prospect_id IN ({among})"
)


def _facts(reader: Store, among: str, **params: Any) -> dict[Any, list[tuple[str, datetime]]]:
    """The current availability facts of the prospects ``among`` selects (SQL giving their
    ids), by the driver's own prospect id, each prospect's in the order they were written."""
    found: dict[Any, list[tuple[str, datetime]]] = {}
    for pid, value, learned in reader.rows(_FACTS.format(among=among), **params):
        found.setdefault(pid, []).append((value, when_set(learned)))
    return found


def rank(reader: Store, *, now: datetime, tz: tzinfo, limit: int) -> list[Candidate]:
    """The ``limit`` best-scored open prospects, best first (ties by name).

    Exact, without scoring every open prospect. A prospect with an open next step (few) is
    scored as it is. Every other one scores its group's fixed part (no next step, stage,
    segment) plus at most 14 stale days and the better of available or not, so a group
    whose best possible score is below the ``limit``-th score found is never read. The
    availability facts are read for the prospects scored, never for every open prospect.
    """
    w = weights(reader)
    stages = settings.stages(reader)
    local_now = now.astimezone(tz)
    end_of_day = datetime.combine(local_now.date(), datetime.max.time(), tz)
    no_facts = availability.current([], now, tz)[0].allows(local_now)

    def available(facts: list[tuple[str, datetime]] | None) -> bool:
        if not facts:
            return no_facts
        avail, _ = availability.current(facts, now, tz)
        return avail.allows(local_now)

    found: list[Candidate] = []
    # each prospect's soonest open step (the one rule of capture.steps); a step due after
    # today keeps its prospect out of the queue. Facts are read only for prospects with a
    # step due by then (or undated): a few more, which the rule then drops
    facts = _facts(reader, steps.DUE_BY, due_by=end_of_day)
    for pid, name, stage, segment, last, action, due in reader.rows(
        f"SELECT p.id, p.name, p.stage, p.segment, {_LAST}, s.action, s.due_at "
        f"FROM ({steps.soonest(due_by=True)}) s JOIN prospects p ON p.id = s.prospect_id "
        f"WHERE {_OPEN}",
        due_by=end_of_day,
    ):
        c = Candidate(
            name, stage, segment, action, when(due), when(last), available(facts.get(pid))
        )
        found.append(_scored(c, w, stages, now))
    # the rest: no open next step, in groups by stage (one for stages not in the list)
    # and segment (A, B, any other)
    groups = []
    for place, stage in [(None, None), *enumerate(stages)]:
        if stage in ("won", "lost"):
            continue
        for seg in ("A", "B", None):
            fixed = max(
                _scored(Candidate("", stage or "", seg, None, None, None, ok), w,
                        stages if place is not None else [], now).score
                for ok in (True, False)
            )  # fmt: skip
            # a negative stale_day rewards touches in the future (meetings): no bound then
            stale = 14 * w["stale_day"] if w["stale_day"] >= 0 else float("inf")
            groups.append((fixed + stale, stage, seg))
    groups.sort(key=lambda g: -g[0])
    for best, stage, seg in groups:
        if len(found) >= limit and best + 1e-9 < _nth_score(found, limit):
            break
        where = [_OPEN, f"p.id NOT IN ({_WITH_STEP})"]
        params: dict[str, Any] = {}
        if stage is None:
            where.append("p.stage NOT IN (" + ", ".join(f":s{i}" for i in range(len(stages))) + ")")
            params.update({f"s{i}": s for i, s in enumerate(stages)})
        else:
            where.append("p.stage = :stage")
            params["stage"] = stage
        if seg is None:
            where.append("(p.segment IS NULL OR p.segment NOT IN ('A', 'B'))")
        else:
            where.append("p.segment = :segment")
            params["segment"] = seg
        members = " AND ".join(where)
        facts = _facts(reader, f"SELECT p.id FROM prospects p WHERE {members}", **params)
        for pid, name, stage_, segment, last in reader.rows(
            f"SELECT p.id, p.name, p.stage, p.segment, {_LAST} FROM prospects p WHERE {members}",
            **params,
        ):
            c = Candidate(name, stage_, segment, None, None, when(last), available(facts.get(pid)))
            found.append(_scored(c, w, stages, now))
    found.sort(key=lambda c: (-c.score, c.name))
    return found[:limit]


def _nth_score(found: list[Candidate], n: int) -> float:
    import heapq

    return heapq.nlargest(n, (c.score for c in found))[-1]


def _scored(c: Candidate, w: dict[str, float], stages: list[str], now: datetime) -> Candidate:
    """``c`` with its score and the reasons for it."""
    due_at, last_at = c.due_at, c.last_touch
    # the reasons say the real days; the score counts them up to its caps
    if due_at is not None and due_at <= now:
        days = (now - due_at).days
        c.score += w["overdue"] + w["overdue_day"] * min(days, 10)
        c.why.append(f"overdue {days}d" if days else "due now")
    elif due_at is not None:
        c.score += w["due_today"]
        c.why.append("due today")
    elif c.next_step is None:
        c.score += w["no_next_step"]
        c.why.append("no next step")
    if last_at is not None:
        stale = (now - last_at).days
        if stale:
            c.score += w["stale_day"] * min(stale, 14)
            c.why.append(f"{stale}d since last touch")
    place = stages.index(c.stage) if c.stage in stages else 0
    if place:
        c.score += w["stage"] * place
        c.why.append(c.stage)
    if c.segment in ("A", "B"):
        c.score += w[f"segment_{c.segment.lower()}"]
        c.why.append(f"segment {c.segment}")
    if not c.available_now:
        c.score += w["unavailable"]
        c.why.append("not a good time now")
    return c
