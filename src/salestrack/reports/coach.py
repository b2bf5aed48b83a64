"""The weekly coaching page: the baseline's headline figures and every flagged one with their
samples, the quality scores, the focus, the week's wins, the holes (with the same diagnosis as
``baseline`` and ``quality``, the segment mix included) and a checklist.

Nothing here judges a figure or words a diagnosis: that is the baseline's (and its evidence
rules'); this page only picks what a coaching conversation needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from salestrack.reports import baseline
from salestrack.reports import focus as daily

HEADLINE = (
    ("activity", "dials"),
    ("reach", "conversation rate"),
    ("reach", baseline.MEETING_SET_RATE),
    ("wins", "wins per dial"),
    ("lag", baseline.FOLLOW_UP),
    ("conversion", "meeting to proposal"),
    ("conversion", baseline.WIN_RATE),
)


@dataclass
class Coaching:
    report: baseline.Baseline
    numbers: list[baseline.Figure]  # the headline figures and every other one flagged
    scores: list[baseline.Figure]  # the quality section
    wins: list[dict[str, Any]]  # the week's small wins (intel.wins rows)
    focus: daily.Focus | None

    @property
    def dials(self) -> int:
        """The week's dials (outbound calls), as the baseline counts them."""
        found = next(
            (f for f in self.report.figures if (f.section, f.name) == ("activity", "dials")), None
        )
        return int(found.n or 0) if found else 0


def build(
    reader: Any,
    *,
    chosen: str | None,
    trailing: int,
    now: datetime,
    tz: tzinfo,
    owner: str | None = None,
) -> Coaching:
    """The page for the rows ``owner`` wrote (None: every row the database shows)."""
    from salestrack.intel import wins

    report = baseline.build(reader, chosen=chosen, trailing=trailing, now=now, tz=tz, owner=owner)
    w = report.week
    won = wins.report(reader, start=w.start, end=min(w.end, now), label=w.label)
    chosen_focus = daily.focus(reader, now=min(w.end, now))
    numbers = [
        f
        for f in report.figures
        if (f.section, f.name) in HEADLINE or f.flag in ("below", "above")
        if f.section != "quality"
    ]
    scores = [f for f in report.figures if f.section == "quality"]
    return Coaching(report, numbers, scores, won.rows, chosen_focus)
