"""Response times from imported email threads (:class:`salestrack.figures.ResponseTime`).

One query reads the emails of every thread answered in a period; the pairing is the figure's
own rule. Used by the baseline (per week), the scorecard (per client and week) and the
report card (beside "returns calls and emails promptly"). Stdlib only.
"""

from __future__ import annotations

import statistics
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from salestrack.figures import ResponseTime
from salestrack.store.sql import Store, uid, when_set

HOUR = 3600.0


# NamedTuples, not dataclasses: the reports' start-up (docs/architecture.md)
class Answer(NamedTuple):
    owner: str
    prospect_id: uuid.UUID
    whose: str  # ResponseTime.YOURS or ResponseTime.THEIRS
    asked_at: datetime
    answered_at: datetime

    @property
    def hours(self) -> float:
        return (self.answered_at - self.asked_at).total_seconds() / HOUR


def answers(
    store: Store,
    *,
    start: datetime,
    end: datetime,
    where: str = "",
    prospect_id: uuid.UUID | None = None,
    **params: Any,
) -> list[Answer]:
    """Every answer given from ``start`` to ``end`` (by the answer's time), oldest first.
    ``where`` limits the threads' emails further (SQL on ``activities``, e.g. a scope)."""
    if prospect_id is not None:
        where += " AND prospect_id = :prospect"
        params["prospect"] = prospect_id
    rows = store.rows(
        "SELECT owner, thread_key, prospect_id, occurred_at, direction FROM activities "
        "WHERE kind = 'email' AND occurred_at < :e AND thread_key IN ("
        " SELECT thread_key FROM activities WHERE kind = 'email' AND thread_key IS NOT NULL"
        f" AND occurred_at >= :s AND occurred_at < :e{where}){where} "
        "ORDER BY owner, thread_key, occurred_at",
        s=start,
        e=end,
        **params,
    )
    threads: dict[tuple[str, str], list[tuple[datetime, str, uuid.UUID]]] = defaultdict(list)
    for owner, thread, pid, at, direction in rows:
        threads[(str(owner), str(thread))].append((when_set(at), str(direction), uid(pid)))
    found = []
    for (owner, _), emails in threads.items():
        by_time = {at: pid for at, _, pid in emails}
        for whose, asked, answered in ResponseTime.answers([(a, d) for a, d, _ in emails]):
            if start <= answered < end:
                found.append(Answer(owner, by_time[answered], whose, asked, answered))
    found.sort(key=lambda a: a.answered_at)
    return found


class Times(NamedTuple):
    """The response times of one side: how many (the sample), their median and the worst,
    in hours."""

    whose: str
    n: int
    median: float | None
    worst: float | None

    def row(self) -> dict[str, Any]:
        return {
            "whose": self.whose,
            "n": self.n,
            "median_hours": None if self.median is None else round(self.median, 2),
            "worst_hours": None if self.worst is None else round(self.worst, 2),
        }


def times(found: Sequence[Answer], whose: str) -> Times:
    hours = [a.hours for a in found if a.whose == whose]
    if not hours:
        return Times(whose, 0, None, None)
    return Times(whose, len(hours), statistics.median(hours), max(hours))


def describe(t: Times) -> str:
    """``median 2.5 h, worst 22.0 h (3 answered)``; ``no emails answered`` for none."""
    if not t.n:
        return "no emails answered"
    return f"median {t.median:.1f} h, worst {t.worst:.1f} h ({t.n:,} answered)"
