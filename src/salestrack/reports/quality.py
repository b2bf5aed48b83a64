"""Quality, not only quantity: the four conversation scores, whether they predict progress,
the daily focus, and the segment mix.

* A conversation's *overall* score is the mean of its four scores; it is *high* at 3.5 or
  more, else *low*.
* It *led to progress* when the prospect moved forward a stage (to a later stage, not lost)
  within ``days`` days after it. Conversations less than ``days`` old are left out of that
  split: they have not had their chance yet.
* The daily focus is the dimension the person set (``focus set``), else the weakest
  dimension over the last seven days.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from salestrack import vocab
from salestrack.reports import baseline
from salestrack.store import settings
from salestrack.store.sql import Store, uid, when, when_set

HIGH = 3.5
FOCUS_SETTING = "focus"
TIPS = {
    "value": "lead with what they get from the call, not with what you sell",
    "uncovered": "ask two more questions before you offer anything",
    "openness": "invite them to consider something new: 'what would change your mind?'",
    "commitment": "end every conversation with a dated next step they agreed to",
}


@dataclass
class Split:
    group: str  # high / low
    segment: str  # a segment, or "all"
    conversations: int = 0
    advanced: int = 0

    @property
    def share(self) -> float | None:
        return self.advanced / self.conversations if self.conversations else None


@dataclass
class QualityReport:
    weeks: list[baseline.Week]
    weekly: list[dict[str, Any]]
    splits: list[Split]
    days: int
    mix_note: str | None = None
    by_segment: list[dict[str, Any]] = field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for w in self.weekly:
            out.append({"section": "week", **w})
        for s in self.splits:
            out.append(
                {
                    "section": "progress",
                    "week": f"within {self.days} days",
                    "segment": s.segment,
                    "group": s.group,
                    "conversations": s.conversations,
                    "advanced": s.advanced,
                    "share": None if s.share is None else round(s.share, 4),
                }
            )
        return out


COLUMNS = (
    "section", "week", "segment", "group", "conversations", "value", "uncovered", "openness",
    "commitment", "overall", "advanced", "share",
)  # fmt: skip


def _scored(reader: Store, start: datetime, end: datetime) -> list[tuple[Any, ...]]:
    """(occurred_at, prospect_id, segment, value, uncovered, openness, commitment)."""
    return reader.rows(
        "SELECT a.occurred_at, a.prospect_id, p.segment, q.value, q.uncovered, q.openness, "
        "q.commitment FROM activities a CROSS JOIN quality q CROSS JOIN prospects p "
        "WHERE a.occurred_at >= :s AND a.occurred_at < :e AND q.activity_id = a.id "
        "AND p.id = a.prospect_id ORDER BY a.occurred_at",
        s=start,
        e=end,
    )


def _averages(scores: list[tuple[Any, ...]]) -> dict[str, Any]:
    if not scores:
        return {d: None for d in (*vocab.QUALITY_DIMENSIONS, "overall")} | {"conversations": 0}
    cols = list(zip(*scores, strict=True))
    out: dict[str, Any] = {
        d: round(statistics.fmean(cols[i]), 4) for i, d in enumerate(vocab.QUALITY_DIMENSIONS)
    }
    out["overall"] = round(statistics.fmean(statistics.fmean(s) for s in scores), 4)
    out["conversations"] = len(scores)
    return out


def report(
    reader: Store, *, trailing: int, days: int, now: datetime, tz: tzinfo, by_segment: bool
) -> QualityReport:
    weeks = baseline.windows(None, trailing - 1, now=now, tz=tz)
    start, end = weeks[0].start, min(weeks[-1].end, now)
    found = _scored(reader, start, end)
    weekly = []
    for w in weeks:
        inside = [r for r in found if w.start <= (when(r[0]) or w.start) < w.end]
        groups: list[tuple[str, list[tuple[Any, ...]]]] = [("all", inside)]
        if by_segment:
            segments = sorted({str(r[2] or "none") for r in found})
            groups += [(s, [r for r in inside if str(r[2] or "none") == s]) for s in segments]
        for segment, rows_ in groups:
            weekly.append(
                {"week": w.label, "segment": segment, **_averages([r[3:7] for r in rows_])}
            )
    stages = settings.stages(reader)
    place = {s: i for i, s in enumerate(stages)}
    moves: dict[Any, list[tuple[datetime, str, str | None]]] = {}
    for pid, at, to_stage, from_stage in reader.rows(
        "SELECT prospect_id, changed_at, to_stage, from_stage FROM stage_changes "
        "WHERE changed_at >= :s AND from_stage IS NOT NULL",
        s=start,
    ):
        moves.setdefault(uid(pid), []).append((when_set(at), to_stage, from_stage))
    window = timedelta(days=days)
    splits: dict[tuple[str, str], Split] = {}
    for occurred, pid, segment, *scores in found:
        at = when_set(occurred)
        if at + window > now:
            continue
        group = "high" if statistics.fmean(scores) >= HIGH else "low"
        ahead = any(
            at < moved <= at + window
            and to_stage != "lost"
            and place.get(to_stage, -1) > place.get(from_stage or "", -1)
            for moved, to_stage, from_stage in moves.get(uid(pid), [])
        )
        keys = [("all", group)] + ([(str(segment or "none"), group)] if by_segment else [])
        for seg, grp in keys:
            split = splits.setdefault((seg, grp), Split(grp, seg))
            split.conversations += 1
            split.advanced += ahead
    ordered = sorted(splits.values(), key=lambda s: (s.segment != "all", s.segment, s.group))
    result = QualityReport(weeks, weekly, ordered, days)
    result.mix_note = segment_mix(reader, weeks, found)
    return result


def segment_mix(
    reader: Store, weeks: list[baseline.Week], found: list[tuple[Any, ...]]
) -> str | None:
    """When this week's quality is at least usual but meetings set fell, is it the segments?"""
    if len(weeks) < 3:
        return None
    per_week = [[r for r in found if w.start <= (when(r[0]) or w.start) < w.end] for w in weeks]
    now_rows, past_weeks = per_week[-1], per_week[:-1]
    past_overall = [
        statistics.fmean(statistics.fmean(r[3:7]) for r in rows_) for rows_ in past_weeks if rows_
    ]
    if not now_rows or not past_overall:
        return None
    quality_now = statistics.fmean(statistics.fmean(r[3:7]) for r in now_rows)
    if quality_now < statistics.median(past_overall):
        return None  # quality itself is down: work on it first
    rates = []
    for w in weeks:
        row = reader.one(
            "SELECT count(*), sum(CASE WHEN outcome = 'meeting_set' THEN 1 ELSE 0 END) "
            "FROM activities WHERE kind = 'call' AND occurred_at >= :s AND occurred_at < :e",
            s=w.start,
            e=w.end,
        )
        dials, meetings = (int(x or 0) for x in (row or (0, 0)))
        rates.append(meetings / dials if dials else None)
    usual_rates = [r for r in rates[:-1] if r is not None]
    if rates[-1] is None or not usual_rates or rates[-1] >= statistics.median(usual_rates):
        return None  # results are not thin
    share_now = sum(1 for r in now_rows if r[2] == "A") / len(now_rows)
    past_rows = [r for rows_ in past_weeks for r in rows_]
    share_usual = sum(1 for r in past_rows if r[2] == "A") / len(past_rows)
    head = (
        f"quality is at or above your usual but meetings set fell to {rates[-1]:.0%} "
        f"(usual {statistics.median(usual_rates):.0%})"
    )
    if share_now < share_usual - 0.1:
        return (
            f"{head}: the segment mix is the likelier cause: {share_now:.0%} of this week's "
            f"conversations were with segment A prospects against your usual {share_usual:.0%}"
        )
    return (
        f"{head}; the segment mix is as usual ({share_now:.0%} segment A against "
        f"{share_usual:.0%}), so look at the pitch and the ask, not at who you call"
    )


@dataclass
class Focus:
    dimension: str
    source: str  # "set" or "weakest"
    average: float | None

    def describe(self) -> str:
        why = (
            "you chose it"
            if self.source == "set"
            else (f"your weakest over the last 7 days, {self.average:.1f} of 5")
        )
        return f"{self.dimension} ({why}): {TIPS[self.dimension]}"


def set_focus(store: Store, dimension: str | None, *, now: datetime) -> None:
    """Choose the day's focus (a quality dimension, by its name or a unique start), or clear
    it with ``None`` so the weakest dimension is chosen again."""
    import json

    value = "{}"
    if dimension is not None:
        chosen = vocab.choose("DIMENSION", dimension, vocab.QUALITY_DIMENSIONS, what="dimension")
        value = json.dumps({"dimension": chosen, "set_at": now.isoformat()})
    store.upsert_setting(FOCUS_SETTING, value, now)


def focus(reader: Store, *, now: datetime) -> Focus | None:
    raw = settings.setting(reader, FOCUS_SETTING)
    if raw:
        chosen = json.loads(raw).get("dimension")
        if chosen in vocab.QUALITY_DIMENSIONS:
            return Focus(chosen, "set", None)
    found = _scored(reader, now - timedelta(days=7), now)
    if not found:
        return None
    means = _averages([r[3:7] for r in found])
    weakest = min(
        vocab.QUALITY_DIMENSIONS, key=lambda d: (means[d], vocab.QUALITY_DIMENSIONS.index(d))
    )
    return Focus(weakest, "weakest", means[weakest])
