"""The day's quality focus: the one dimension to work on, chosen by the rep or the weakest
over the last 7 days (``salestrack focus``; shown by ``today``, the brief and ``coach``).

Apart from :mod:`salestrack.reports.quality` so that the screens showing the focus read it
without importing the weekly reports (and the baseline they build on).
"""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from salestrack import vocab
from salestrack.store import settings
from salestrack.store.sql import Store

FOCUS_SETTING = "focus"
TIPS = {
    "value": "lead with what they get from the call, not with what you sell",
    "uncovered": "ask two more questions before you offer anything",
    "openness": "invite them to consider something new: 'what would change your mind?'",
    "commitment": "end every conversation with a dated next step they agreed to",
}


def scored(reader: Store, start: datetime, end: datetime) -> list[tuple[Any, ...]]:
    """(occurred_at, prospect_id, segment, value, uncovered, openness, commitment)."""
    return reader.rows(
        # the window's scores by their activity's time (revision 0015), then their activities
        "SELECT q.activity_at, a.prospect_id, p.segment, q.value, q.uncovered, q.openness, "
        "q.commitment FROM quality q CROSS JOIN activities a CROSS JOIN prospects p "
        "WHERE q.activity_at >= :s AND q.activity_at < :e AND a.id = q.activity_id "
        "AND p.id = a.prospect_id ORDER BY q.activity_at",
        s=start,
        e=end,
    )


def averages(scores: list[tuple[Any, ...]]) -> dict[str, Any]:
    if not scores:
        return {"conversations": 0} | {d: None for d in (*vocab.QUALITY_DIMENSIONS, "overall")}
    cols = list(zip(*scores, strict=True))
    out: dict[str, Any] = {"conversations": len(scores)}
    for i, d in enumerate(vocab.QUALITY_DIMENSIONS):
        out[d] = round(statistics.fmean(cols[i]), 4)
    out["overall"] = round(statistics.fmean(statistics.fmean(s) for s in scores), 4)
    return out


# NamedTuples, not dataclasses: the daily commands' start-up (docs/architecture.md)
class Focus(NamedTuple):
    dimension: str
    source: str  # "set" or "weakest"
    average: float | None
    conversations: int = 0  # the scored conversations the weakest rests on

    def describe(self) -> str:
        from salestrack.output.show import count

        why = (
            "you chose it"
            if self.source == "set"
            else (
                f"your weakest over the last 7 days, {self.average:.2f} of 5 over "
                f"{count(self.conversations, 'scored conversation')}"
            )
        )
        return f"{self.dimension} ({why}): {TIPS[self.dimension]}"

    def row(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "source": self.source,
            "average": None if self.average is None else round(self.average, 4),
            "conversations": self.conversations,
            "text": self.describe(),
        }


def set_focus(store: Store, dimension: str | None, *, now: datetime) -> None:
    """Choose the day's focus (a quality dimension, by its name or a unique start), or clear
    it with ``None`` so the weakest dimension is chosen again."""
    value: dict[str, str] = {}
    if dimension is not None:
        chosen = vocab.choose("DIMENSION", dimension, vocab.QUALITY_DIMENSIONS, what="dimension")
        value = {"dimension": chosen, "set_at": now.isoformat()}
    settings.write(store, FOCUS_SETTING, value, now)


def focus(reader: Store, *, now: datetime) -> Focus | None:
    chosen = settings.value(reader, FOCUS_SETTING).get("dimension")
    if chosen is not None:
        return Focus(chosen, "set", None)
    found = scored(reader, now - timedelta(days=7), now)
    if not found:
        return None
    means = averages([r[3:7] for r in found])
    weakest = min(
        vocab.QUALITY_DIMENSIONS, key=lambda d: (means[d], vocab.QUALITY_DIMENSIONS.index(d))
    )
    return Focus(weakest, "weakest", means[weakest], len(found))
