"""The weekly review as one page: what ``baseline``, ``quality`` and ``pipeline`` say, drawn.

Nothing here counts anything again. The page's numbers are the baseline's figures (their
values, samples, usual, band, flag and evidence), its holes and lost reasons, the quality
report and the pipeline's stage totals, from the same functions those commands call; the
review only picks and groups them. The one thing the baseline does not show as a number is
the spread of the week's follow-up lags: it is read from the very lags the baseline's median
rests on (the figure's weekly parts), so the buckets add up to the figure's sample.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from salestrack.reports import baseline as base
from salestrack.reports import focus as daily
from salestrack.reports import pipeline, team
from salestrack.reports import quality as scores
from salestrack.store.sql import Store

VERSION = 1  # of the review's JSON (docs/reports.md)
#: The follow-up lag's buckets, in days: [from, to).
LAG_BUCKETS = (
    (0.0, 1.0, "under a day"),
    (1.0, 3.0, "1 to 3 days"),
    (3.0, 7.0, "3 to 7 days"),
    (7.0, 14.0, "1 to 2 weeks"),
    (14.0, math.inf, "2 weeks or more"),
)
#: The figures the page draws week by week, with their band: the team's headline figures.
HEADLINE = team.HEADLINE


@dataclass
class Review:
    baseline: base.Baseline
    quality: scores.QualityReport
    focus: daily.Focus | None
    stages: list[dict[str, Any]]  # the pipeline's rows (pipeline -f json)

    def figure(self, section: str, name: str) -> base.Figure:
        return next(f for f in self.baseline.figures if (f.section, f.name) == (section, name))

    def section(self, name: str) -> list[base.Figure]:
        return [f for f in self.baseline.figures if f.section == name]

    def headline(self) -> list[base.Figure]:
        return [self.figure(s, n) for s, n in HEADLINE]

    def flagged(self) -> list[base.Figure]:
        """The figures outside their usual band with evidence, worse or not."""
        return [f for f in self.baseline.figures if f.flag in ("below", "above")]

    def lags(self) -> list[dict[str, Any]]:
        """This week's follow-ups by how long they waited, against the trailing weeks'."""
        f = self.figure("lag", base.FOLLOW_UP)
        first = self.baseline.first
        this = list(f.parts[-1])
        past = [v for part in f.parts[first:-1] for v in part]
        out = []
        for low, high, label in LAG_BUCKETS:
            n = sum(low <= v < high for v in this)
            k = sum(low <= v < high for v in past)
            out.append(
                {
                    "bucket": label,
                    "from_days": low,
                    "to_days": None if math.isinf(high) else high,
                    "this_week": n,
                    "share": base.rounded(n / len(this)) if this else None,
                    "usual": k,
                    "usual_share": base.rounded(k / len(past)) if past else None,
                }
            )
        return out

    def document(self) -> dict[str, Any]:
        """The JSON of ``salestrack review -f json``: the reports the page is drawn from, as
        each command writes them, and the lag buckets."""
        return {
            "report": "review",
            "version": VERSION,
            "week": self.baseline.week.label,
            "baseline": self.baseline.document(),
            "quality": self.quality.document(self.focus),
            "pipeline": self.stages,
            "follow_up_lags": self.lags(),
        }


def build(
    reader: Store,
    *,
    chosen: str | None,
    trailing: int,
    now: datetime,
    tz: tzinfo,
    owner: str | None = None,
) -> Review:
    """The week's review: the baseline (every figure, holes, lost reasons), the quality
    report over the same weeks, today's focus and the pipeline's stages."""
    found = base.build(reader, chosen=chosen, trailing=trailing, now=now, tz=tz, owner=owner)
    rated = scores.report(
        reader, trailing=trailing, days=14, now=now, tz=tz, by_segment=False, chosen=chosen
    )
    return Review(found, rated, daily.focus(reader, now=now), pipeline.by_stage(reader, now=now))
