"""Quality, not only quantity: the four conversation scores, whether they predict progress,
the daily focus, and the segment mix.

* A conversation's *overall* score is the mean of its four scores; it is *high* at 3.5 or
  more, else *low*.
* It *led to progress* when the prospect moved forward a stage (to a later stage, not lost)
  within ``days`` days after it. Conversations less than ``days`` old are left out of that
  split: they have not had their chance yet.
* The daily focus is the dimension the person set (``focus set``), else the weakest
  dimension over the last seven days.
* Whether quality predicts progress, and whether the segment mix explains fewer meetings, are
  judged by the rules in :mod:`salestrack.reports.evidence`; the segment mix is the
  baseline's diagnosis (:func:`salestrack.reports.baseline.mix`), so ``quality``, ``baseline``
  and ``coach`` say the same.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from salestrack import figures
from salestrack.reports import baseline, evidence
from salestrack.reports.focus import Focus, averages, scored
from salestrack.store import settings
from salestrack.store.sql import Store, uid, when, when_set

HIGH = 3.5


VERSION = 2  # of the JSON contract (docs/quality.md)


@dataclass
class Split:
    group: str  # high / low
    segment: str  # a segment, or "all"
    conversations: int = 0
    advanced: int = 0

    @property
    def share(self) -> float | None:
        return self.advanced / self.conversations if self.conversations else None

    def row(self, days: int) -> dict[str, Any]:
        return {
            "section": "progress",
            "week": f"within {days} days",
            "segment": self.segment,
            "group": self.group,
            "conversations": self.conversations,
            "advanced": self.advanced,
            "share": None if self.share is None else round(self.share, 4),
        }


@dataclass
class Prediction:
    """Whether high-quality conversations moved forward more often than low ones: Fisher's
    exact test of the high ones' advanced of conversations against the low ones'."""

    high: Split
    low: Split
    verdict: evidence.Verdict

    @property
    def finding(self) -> str:
        """``predicts``, ``reverse``, ``no clear difference`` or ``too few``."""
        flag = self.verdict.flag
        if flag == evidence.FEW or not self.high.conversations or not self.low.conversations:
            return "too few"
        return {evidence.ABOVE: "predicts", evidence.BELOW: "reverse"}.get(
            flag, "no clear difference"
        )

    def text(self, days: int) -> str:
        h, lo = self.high, self.low
        head = (
            f"high-quality conversations: {h.advanced} of {h.conversations} moved a stage "
            f"forward within {days} days; low-quality: {lo.advanced} of {lo.conversations}"
        )
        return (
            head
            + {
                "predicts": ": quality predicts progress here",
                "reverse": ": the low-quality ones moved on more often, look at how you score",
                "no clear difference": ": no clear difference yet",
                "too few": f": too few to tell (at least {evidence.MIN_TRIALS} of each)",
            }[self.finding]
        )

    def row(self) -> dict[str, Any]:
        return {
            "high": {"conversations": self.high.conversations, "advanced": self.high.advanced},
            "low": {"conversations": self.low.conversations, "advanced": self.low.advanced},
            "finding": self.finding,
            "test": self.verdict.test,
            "evidence": baseline.chance(self.verdict.p),
        }


@dataclass
class QualityReport:
    weeks: list[baseline.Week]
    weekly: list[dict[str, Any]]
    splits: list[Split]
    days: int
    prediction: Prediction
    mix: baseline.Mix | None = None
    partial: bool = False

    @property
    def mix_note(self) -> str | None:
        return self.mix.text() if self.mix else None

    def rows(self) -> list[dict[str, Any]]:
        """The CSV: a row per week (and segment), then the progress split."""
        return [{"section": "week", **w} for w in self.weekly] + [
            s.row(self.days) for s in self.splits
        ]

    def document(self, focus: Focus | None) -> dict[str, Any]:
        """The JSON of ``salestrack quality`` (docs/quality.md, version 2)."""
        return {
            "report": "quality",
            "version": VERSION,
            "week": self.weeks[-1].label,
            "partial": self.partial,
            "days": self.days,
            "weeks": self.weekly,
            "progress": [s.row(self.days) for s in self.splits],
            "prediction": self.prediction.row(),
            "mix": self.mix.row() if self.mix else None,
            "focus": None if focus is None else focus.row(),
        }


COLUMNS = (
    "section", "week", "segment", "group", "conversations", "value", "uncovered", "openness",
    "commitment", "overall", "advanced", "share",
)  # fmt: skip
# what the segment-mix diagnosis rests on (reports/baseline.py: mix)
MIX = (
    ("reach", baseline.MEETING_SET_RATE),
    ("quality", baseline.OVERALL),
    ("quality", baseline.SEGMENT_SHARE),
)


def report(
    reader: Store,
    *,
    trailing: int,
    days: int,
    now: datetime,
    tz: tzinfo,
    by_segment: bool,
    chosen: str | None = None,
) -> QualityReport:
    """This week and the trailing weeks since the first with activity: the averages, the
    progress split and whether it holds, and the segment-mix diagnosis (the baseline's)."""
    found_mix = baseline.build(reader, chosen=chosen, trailing=trailing, now=now, tz=tz, want=MIX)
    weeks = found_mix.weeks[found_mix.first :]
    start, end = weeks[0].start, min(weeks[-1].end, now)
    if found_mix.partial:  # the whole of each week, not the same part of it as the baseline
        weeks = baseline.windows(chosen, len(weeks) - 1, now=now, tz=tz)
        start, end = weeks[0].start, min(weeks[-1].end, now)
    found = scored(reader, start, end)
    segments = sorted({str(r[2] or "none") for r in found})
    weekly = []
    for w in weeks:
        inside = [r for r in found if w.start <= (when(r[0]) or w.start) < w.end]
        groups: list[tuple[str, list[tuple[Any, ...]]]] = [("all", inside)]
        if by_segment:
            groups += [(s, [r for r in inside if str(r[2] or "none") == s]) for s in segments]
        for segment, rows_ in groups:
            weekly.append(
                {"week": w.label, "segment": segment, **averages([r[3:7] for r in rows_])}
            )
    stages = settings.stages(reader)
    moves: dict[Any, list[tuple[datetime, str, str | None]]] = {}
    for pid, at, to_stage, from_stage in reader.rows(
        "SELECT prospect_id, changed_at, to_stage, from_stage FROM stage_changes "
        "WHERE changed_at >= :s AND from_stage IS NOT NULL",
        s=start,
    ):
        moves.setdefault(uid(pid), []).append((when_set(at), to_stage, from_stage))
    window = timedelta(days=days)
    splits: dict[tuple[str, str], Split] = {
        ("all", "high"): Split("high", "all"),
        ("all", "low"): Split("low", "all"),
    }
    for occurred, pid, segment, *scores in found:
        at = when_set(occurred)
        if at + window > now:
            continue
        group = "high" if statistics.fmean(scores) >= HIGH else "low"
        ahead = any(
            at < moved <= at + window and figures.forward(stages, from_stage, to_stage)
            for moved, to_stage, from_stage in moves.get(uid(pid), [])
        )
        keys = [("all", group)] + ([(str(segment or "none"), group)] if by_segment else [])
        for seg, grp in keys:
            split = splits.setdefault((seg, grp), Split(grp, seg))
            split.conversations += 1
            split.advanced += ahead
    ordered = sorted(
        (s for s in splits.values() if s.conversations or s.segment == "all"),
        key=lambda s: (s.segment != "all", s.segment, s.group),
    )
    high, low = splits[("all", "high")], splits[("all", "low")]
    verdict = evidence.proportion(
        high.advanced, high.conversations, low.advanced, low.conversations
    )
    prediction = Prediction(high, low, verdict)
    return QualityReport(weeks, weekly, ordered, days, prediction, found_mix.mix, found_mix.partial)
