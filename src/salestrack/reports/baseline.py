"""The baseline: this week's numbers against the person's own trailing weeks, and the holes.

Weeks run Monday 00:00 to Monday 00:00 in the local time zone (so a week with a DST change is
167 or 169 hours long). Every figure is computed for the chosen week and each trailing week
since the first week with any activity (weeks before it are not zero weeks, they are no
weeks). Its *usual* pools the trailing weeks (a rate's successes over its trials, a count's
weekly mean, the median of all the stays, the mean of all the scores), and
:mod:`salestrack.reports.evidence` decides whether this week is flagged, or has too few to
say. Each figure carries its sample: the trials, stays or scores it rests on, this week and
in the usual. The definitions are in :mod:`salestrack.figures` and docs/reports.md.

All counting happens in SQL over the window (the chosen week and the trailing weeks), never
over the whole history; only the follow-up lags of the window's touches come back as rows.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, NamedTuple

from salestrack import dates, figures, vocab
from salestrack.reports import evidence
from salestrack.reports.evidence import Scores
from salestrack.store import settings
from salestrack.store.sql import Store, uid, when

VERSION = 2  # of the JSON and CSV contract (docs/reports.md)
HOUR, DAY = 3600.0, 86400.0
IDEAL_SEGMENT = "A"  # the ideal-customer tier the segment mix is measured by
FOLLOW_UP, STEP_LAG = "follow-up lag (median)", "next step done after due (median)"
MEETING_SET_RATE, OVERALL, SEGMENT_SHARE = "meeting set rate", "overall", "segment A share"
WIN_RATE, DISQUALIFIED = "win rate (qualified deals)", "leads disqualified"
WINS = (("wins", "wins"), ("wins", "wins per dial"))  # what the wins trend draws
# how a figure's weekly parts are judged (reports/evidence.py)
PROPORTION, PER_TRIAL, COUNT, MEDIAN, MEAN = "proportion", "per trial", "count", "median", "mean"


@dataclass
class Week:
    label: str  # 2026-W47
    start: datetime  # aware UTC
    end: datetime


@dataclass
class Figure:
    """One figure: its weekly parts (oldest trailing week first, the chosen week last) and,
    once settled, this week's value and sample, the usual and its sample, range and flag.

    A week's part is, by ``rule``: ``(k, n)`` for a rate (``proportion``: k of n;
    ``per trial``: k events in n trials), an ``int`` for a weekly ``count``, the list of values
    for a ``median`` of days, :class:`Scores` for a ``mean`` score.
    """

    section: str
    name: str
    unit: str  # count, rate, days, score
    worse: str  # lower, higher or neutral (figures.LOWER ...)
    rule: str
    parts: list[Any]
    did: str = ""  # a rate's words: "31 of 209 dials became conversations"
    values: list[float | None] = field(default_factory=list)  # the trend, None: no data
    value: float | None = None
    k: int | None = None
    n: int | None = None
    usual: float | None = None
    usual_k: int | None = None
    usual_n: int | None = None
    weeks: int = 0  # trailing weeks in the usual
    low: float | None = None
    high: float | None = None
    flag: str = ""  # below, above, too few, ""
    p: float | None = None
    test: str = ""

    def settle(self, first: int) -> None:
        """Judge the chosen week against the trailing weeks from index ``first`` on."""
        trailing, this = self.parts[first:-1], self.parts[-1]
        self.weeks = len(trailing)
        shown = [self._value(part) for part in self.parts]
        self.values = [None if i < first else v for i, v in enumerate(shown)]
        self.value = shown[-1]
        if self.rule in (PROPORTION, PER_TRIAL):
            self.k, self.n = this
            self.usual_k = sum(k for k, _ in trailing)
            self.usual_n = sum(n for _, n in trailing)
            judge = evidence.proportion if self.rule == PROPORTION else evidence.per_trial
            verdict = judge(self.k or 0, self.n or 0, self.usual_k, self.usual_n)
        elif self.rule == COUNT:
            self.n, self.usual_n = int(this), sum(int(c) for c in trailing)
            verdict = evidence.weekly_count(self.n, [int(c) for c in trailing])
        elif self.rule == MEDIAN:
            pooled = [v for part in trailing for v in part]
            self.n, self.usual_n = len(this), len(pooled)
            verdict = evidence.median_days(this, pooled)
        else:
            past = sum(trailing, Scores())
            self.n, self.usual_n = this.n, past.n
            verdict = evidence.mean_score(this, past)
        self.usual, self.low, self.high = verdict.usual, verdict.low, verdict.high
        self.flag, self.p, self.test = verdict.flag, verdict.p, verdict.test

    def _value(self, part: Any) -> float | None:
        if self.rule in (PROPORTION, PER_TRIAL):
            k, n = part
            return k / n if n else None
        if self.rule == COUNT:
            return float(part)
        if self.rule == MEDIAN:
            return statistics.median(part) if part else None
        mean: float | None = part.mean
        return mean

    @property
    def provisional(self) -> bool:
        """The usual rests on fewer trailing weeks than a band needs to be trusted."""
        return self.weeks < evidence.PROVISIONAL_WEEKS

    @property
    def alert(self) -> bool:
        """Flagged on the side that is worse for this figure (the table's ``!``)."""
        return (self.flag, self.worse) in (
            (evidence.BELOW, figures.LOWER),
            (evidence.ABOVE, figures.HIGHER),
        )

    def row(self) -> dict[str, Any]:
        """The figure in the JSON and CSV contract (docs/reports.md)."""
        shown = whole if self.unit == "count" else rounded
        return {
            "section": self.section,
            "figure": self.name,
            "unit": self.unit,
            "worse": self.worse,
            "value": shown(self.value),
            "k": self.k,
            "n": self.n,
            "usual": rounded(self.usual),
            "usual_k": self.usual_k,
            "usual_n": self.usual_n,
            "weeks": self.weeks,
            "provisional": self.provisional,
            "low": shown(self.low),
            "high": shown(self.high),
            "flag": self.flag,
            "alert": self.alert,
            "test": self.test,
            "evidence": chance(self.p),
            "trend": [shown(v) for v in self.values],
        }


COLUMNS = (
    "section", "figure", "unit", "worse", "value", "k", "n", "usual", "usual_k", "usual_n",
    "weeks", "provisional", "low", "high", "flag", "alert", "test", "evidence", "trend",
)  # fmt: skip


def rounded(v: float | None) -> float | None:
    if v is None:
        return None
    return round(v, 4) if abs(v) < 10 else round(v, 2)


def whole(v: float | None) -> float | int | None:
    """A count as an int."""
    return None if v is None else int(v)


def chance(p: float | None) -> float | None:
    """A chance to three significant digits (tiny ones stay visible: 1.2e-09)."""
    return None if p is None else float(f"{p:.3g}")


@dataclass
class Hole:
    """A figure worse than usual with evidence, and what it cost this week."""

    figure: Figure
    lost: float  # outcomes lost against the usual rate, a count short, extra days, points
    text: str
    diagnosis: str | None

    @property
    def weight(self) -> float:
        """What ranks the holes: the cost, weighted by how sure the test is (1 - p)."""
        return self.lost * (1 - (self.figure.p or 0.0))

    def row(self, rank: int) -> dict[str, Any]:
        f = self.figure
        return {
            "rank": rank,
            "section": f.section,
            "figure": f.name,
            "unit": f.unit,
            "value": rounded(f.value),
            "k": f.k,
            "n": f.n,
            "usual": rounded(f.usual),
            "usual_k": f.usual_k,
            "usual_n": f.usual_n,
            "lost": rounded(self.lost),
            "evidence": chance(f.p),
            "text": self.text,
            "diagnosis": self.diagnosis,
        }


@dataclass
class Mix:
    """Quality at least usual but fewer meetings set: is it who was called (the segment mix)?"""

    cause: str  # segment, pitch, unknown
    meetings: Figure
    quality: Figure
    share: Figure

    def diagnosis(self) -> str:
        s = self.share
        if self.cause == "segment":
            return (
                f"the segment mix is the likelier cause: {s.k} of {_n(s.n, 'scored conversation')}"
                f" were with segment {IDEAL_SEGMENT} prospects, against your usual "
                f"{s.usual_k:,} of {s.usual_n:,}"
            )
        if self.cause == "pitch":
            return (
                f"the segment mix is as usual ({s.k} of {_n(s.n, 'scored conversation')} with "
                f"segment {IDEAL_SEGMENT} against your usual {s.usual_k:,} of {s.usual_n:,}), "
                "so look at the pitch and the ask, not at who you call"
            )
        return f"too few scored conversations ({s.n or 0}) to tell whether the segment mix changed"

    def text(self) -> str:
        m, q = self.meetings, self.quality
        return (
            f"quality is at or above your usual ({show(q.value, 'score')} over "
            f"{_n(q.n, 'scored conversation')}, usual {show(q.usual, 'score')}) but meetings "
            f"set fell to {m.k} of {_n(m.n, 'dial')} against your usual {m.usual_k:,} of "
            f"{m.usual_n:,}: {self.diagnosis()}"
        )

    def row(self) -> dict[str, Any]:
        return {
            "cause": self.cause,
            "meetings_set": {"k": self.meetings.k, "n": self.meetings.n,
                             "usual_k": self.meetings.usual_k, "usual_n": self.meetings.usual_n,
                             "evidence": chance(self.meetings.p)},
            "quality": {"value": rounded(self.quality.value), "n": self.quality.n,
                        "usual": rounded(self.quality.usual), "usual_n": self.quality.usual_n},
            "segment_share": {"k": self.share.k, "n": self.share.n, "usual_k": self.share.usual_k,
                              "usual_n": self.share.usual_n, "flag": self.share.flag,
                              "evidence": chance(self.share.p)},
            "text": self.text(),
        }  # fmt: skip


def mix(found: Sequence[Figure]) -> Mix | None:
    """The segment-mix diagnosis (idea 5: when quality is good but results are thin, look at
    who is being prospected), or None when it does not apply: the meeting set rate is not
    worse than usual with evidence, or quality is below its usual or has too few scores."""
    by = {f.name: f for f in found}
    meetings, quality, share = by.get(MEETING_SET_RATE), by.get(OVERALL), by.get(SEGMENT_SHARE)
    if meetings is None or quality is None or share is None or not meetings.alert:
        return None
    if quality.value is None or quality.flag in (evidence.BELOW, evidence.FEW):
        return None
    if share.flag == evidence.BELOW:
        cause = "segment"
    elif share.flag == evidence.FEW or share.value is None:
        cause = "unknown"
    else:
        cause = "pitch"
    return Mix(cause, meetings, quality, share)


@dataclass
class Baseline:
    week: Week
    weeks: list[Week]  # the window: the trailing weeks, then the chosen one
    partial: bool
    figures: list[Figure]
    first: int = 0  # the first trailing week (an index into weeks) that counts
    holes: list[Hole] = field(default_factory=list)
    worst_lags: list[dict[str, Any]] = field(default_factory=list)
    # the longest wait for an answer this week, by whose reply (figures.ResponseTime)
    worst_replies: list[dict[str, Any]] = field(default_factory=list)
    lost_reasons: list[tuple[str, int]] = field(default_factory=list)
    segment: str | None = None
    mix: Mix | None = None
    tag: str | None = None

    @property
    def trailing(self) -> list[Week]:
        """The trailing weeks the usual comes from (since the first week with activity)."""
        return self.weeks[self.first : -1]

    @property
    def provisional(self) -> bool:
        return len(self.trailing) < evidence.PROVISIONAL_WEEKS

    def rows(self) -> list[dict[str, Any]]:
        """Every figure as one row: the CSV of ``salestrack baseline``."""
        return [f.row() for f in self.figures]

    def document(self) -> dict[str, Any]:
        """The JSON of ``salestrack baseline`` (docs/reports.md, version 2)."""
        trailing = self.trailing
        return {
            "report": "baseline",
            "version": VERSION,
            "week": self.week.label,
            "partial": self.partial,
            "segment": self.segment,
            "trailing_weeks": len(trailing),
            "from": trailing[0].label if trailing else None,
            "to": trailing[-1].label if trailing else None,
            "provisional": self.provisional,
            "trend_weeks": [w.label for w in self.weeks],
            "figures": self.rows(),
            "holes": [h.row(i) for i, h in enumerate(self.holes, 1)],
            "mix": self.mix.row() if self.mix else None,
            "slowest_follow_ups": [
                {
                    "prospect": lag["prospect"],
                    "at": lag["from"].isoformat(),
                    "days": rounded(lag["days"]),
                }
                for lag in self.worst_lags
            ],
            "lost_reasons": [{"reason": r, "count": c} for r, c in self.lost_reasons],
            "slowest_replies": [
                {
                    "whose": r["whose"],
                    "prospect": r["prospect"],
                    "asked_at": r["asked_at"].isoformat(),
                    "hours": rounded(r["hours"]),
                }
                for r in self.worst_replies
            ],
        }


def _n(n: int | None, noun: str) -> str:
    """``1 dial``, ``209 dials``, with thousands separated (the one plural rule)."""
    from salestrack.output.show import count

    return count(n or 0, noun)


def windows(chosen: str | None, trailing: int, *, now: datetime, tz: tzinfo) -> list[Week]:
    """The trailing weeks then the chosen one (default: this week), oldest first."""
    if chosen:
        try:
            start, _ = dates.parse_iso_week(chosen, tz)
        except dates.DateParseError as exc:  # every report takes the week as --week
            from salestrack.errors import InvalidInput

            raise InvalidInput("--week", str(exc)) from None
    else:
        local = now.astimezone(tz)
        start = datetime.combine(
            local.date() - timedelta(days=local.weekday()), datetime.min.time(), tz
        )
    found = []
    for back in range(trailing, -1, -1):
        day = start.date() - timedelta(days=7 * back)
        s = datetime.combine(day, datetime.min.time(), tz)
        e = datetime.combine(day + timedelta(days=7), datetime.min.time(), tz)
        iso = day.isocalendar()
        found.append(Week(f"{iso.year}-W{iso.week:02d}", s.astimezone(UTC), e.astimezone(UTC)))
    return found


# NamedTuples, not dataclasses: the reports' start-up (docs/architecture.md)
class Scope(NamedTuple):
    """Which prospects' rows a report counts: all, one segment's, one rep's."""

    segment: str | None = None
    owner: str | None = None
    tag: str | None = None  # prospects carrying this tag (capture/tags.py)

    def sql(self, column: str) -> str:
        """SQL limiting rows whose ``column`` is a prospect id (nothing when unscoped).

        A rep's rows are the rows they own (every row's owner is its prospect's owner: a rep
        writes only their own rows, about their own prospects), so the owner is read from
        the row itself, which an index leading with ``owner`` finds without the prospects.
        """
        found = ""
        if self.owner is not None:
            table = column.rpartition(".")[0]
            found = f" AND {table + '.' if table else ''}owner = :owner"
        if self.segment is not None:
            found += f" AND {column} IN (SELECT id FROM prospects WHERE segment = :segment)"
        if self.tag is not None:
            from salestrack.capture import tags

            found += " AND " + tags.prospect_filter(column, ":tag")
        return found

    def params(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.segment is not None:
            found["segment"] = self.segment
        if self.owner is not None:
            found["owner"] = self.owner
        if self.tag is not None:
            found["tag"] = self.tag
        return found


def _bucket(
    column: str, weeks: Sequence[Week], scope: Scope | None = None
) -> tuple[str, dict[str, Any]]:
    """A CASE expression giving the week index of ``column``, and its parameters.

    The weeks are in order and do not overlap, so the CASE halves them at each level (a
    few comparisons a row, not two per week: for a team's every touch, that counts).
    """
    params: dict[str, Any] = (scope or Scope()).params()
    for i, w in enumerate(weeks):
        params[f"s{i}"], params[f"e{i}"] = w.start, w.end
    params["s"], params["e"] = weeks[0].start, weeks[-1].end

    def among(lo: int, hi: int) -> str:  # the week index when it is one of lo .. hi - 1
        if hi - lo == 1:
            return f"CASE WHEN {column} >= :s{lo} AND {column} < :e{lo} THEN {lo} END"
        mid = (lo + hi) // 2
        return f"CASE WHEN {column} < :s{mid} THEN {among(lo, mid)} ELSE {among(mid, hi)} END"

    return among(0, len(weeks)), params


Want = Collection[tuple[str, str]]


def _key(by: str | None) -> str:
    """The owner column that goes first in a grouped query's SELECT (nothing ungrouped)."""
    return f"{by}, " if by else ""


def _group(by: str | None, n: int) -> str:
    """GROUP BY the first ``n`` columns, and the owner column before them when grouped."""
    return "GROUP BY " + ", ".join(str(i) for i in range(1, n + 1 + (1 if by else 0)))


def _split(row: Sequence[Any], by: str | None) -> tuple[str | None, Sequence[Any]]:
    """A grouped query's row as (owner, the rest); (None, row) ungrouped."""
    return (str(row[0]), row[1:]) if by else (None, row)


def build(
    reader: Store,
    *,
    chosen: str | None,
    trailing: int,
    now: datetime,
    tz: tzinfo,
    segment: str | None = None,
    owner: str | None = None,
    want: Want | None = None,
    tag: str | None = None,
) -> Baseline:
    """The baseline of the rows in scope: everyone's, one segment's, one rep's, the prospects
    of one tag. With ``want`` (section, figure) pairs, only those figures (and only the
    queries they need; no holes, worst lags or lost reasons)."""
    found = _build(
        reader,
        chosen=chosen,
        trailing=trailing,
        now=now,
        tz=tz,
        scope=Scope(segment, owner, tag),
        want=want,
    )
    return found[None]


def build_many(
    reader: Store,
    *,
    chosen: str | None,
    trailing: int,
    now: datetime,
    tz: tzinfo,
    owners: Sequence[str],
    segment: str | None = None,
    want: Want | None = None,
) -> dict[str, Baseline]:
    """Each of ``owners``' baseline, from one run of each query grouped by owner: each the
    same as ``build(..., owner=...)`` gives that owner. ``want`` as in :func:`build`."""
    found = _build(
        reader,
        chosen=chosen,
        trailing=trailing,
        now=now,
        tz=tz,
        scope=Scope(segment),
        by="owner",
        keys=owners,
        want=want,
    )
    return {str(k): v for k, v in found.items()}


def _build(
    reader: Store,
    *,
    chosen: str | None,
    trailing: int,
    now: datetime,
    tz: tzinfo,
    scope: Scope,
    by: str | None = None,
    keys: Sequence[str | None] = (None,),
    want: Want | None = None,
) -> dict[str | None, Baseline]:
    """The baselines of ``keys``: the owners when grouped ``by`` the owner column, or
    ``[None]`` for the one baseline of ``scope``."""
    weeks = windows(chosen, trailing, now=now, tz=tz)
    partial = weeks[-1].end > now
    if partial:  # compare the week so far with the same part of each trailing week
        elapsed = now - weeks[-1].start + timedelta(microseconds=1)  # now itself counts
        weeks = [Week(w.label, w.start, w.start + elapsed) for w in weeks]

    def needs(section: str, name: str | None = None) -> bool:
        return want is None or any(s == section and name in (None, f) for s, f in want)

    stages = settings.stages(reader)
    # the activity counts also say where each history starts, and whether the window holds
    # an email of an imported thread: without one there is no reply time to read
    grids, threaded = _activity_grid(reader, weeks, scope, by, threads=needs("replies"))
    wins = _wins(reader, weeks, scope, by) if needs("wins") else {}
    lags = (
        _touch_lags(reader, weeks, scope, by=by, detail=want is None)
        if needs("lag", FOLLOW_UP)
        else {}
    )
    step_lags = _step_lags(reader, weeks, scope, by=by) if needs("lag", STEP_LAG) else {}
    moves = _moves(reader, weeks, scope, by, stages[0]) if needs("conversion") else {}
    ended = _stays(reader, weeks, scope, by=by) if needs("duration") else {}
    quality = _quality(reader, weeks, scope, by) if needs("quality") else {}
    replies = _replies(reader, weeks, scope, by) if threaded and needs("replies") else {}
    full = want is None
    lost = _lost_reasons(reader, weeks, scope, by) if full else {}
    n = len(weeks)
    reports: dict[str | None, Baseline] = {}
    for key in keys:
        grid = grids.get(key, {})
        # the first week with any activity: weeks before it are no weeks, not zero weeks
        first = min((i for i, cells in grid.items() if any(cells.values())), default=n - 1)
        found = _figures(
            n,
            stages,
            grid,
            wins.get(key, [0] * n),
            lags.get(key, []),
            step_lags.get(key, [[] for _ in weeks]),
            moves.get(key, [defaultdict(int) for _ in range(n)]),
            ended.get(key, defaultdict(lambda: [[] for _ in weeks])),
            quality.get(key, {}),
            _reply_parts(replies.get(key, []), len(weeks)),
        )
        if want is not None:
            found = [f for f in found if (f.section, f.name) in want]
        for f in found:
            f.settle(first)
        report = Baseline(weeks[-1], weeks, partial, found, first=first)
        report.segment = scope.segment
        report.mix = mix(found)
        report.tag = scope.tag
        if full:
            report.lost_reasons = lost.get(key, [])
            # a count of a week still running is compared with the same part of the usual week
            per = f"by {now.astimezone(tz):%a %H:%M}" if partial else "a week"
            report.holes = holes(found, report.mix, per=per)
            report.worst_replies = _worst_replies(reader, replies.get(key, []), n - 1)
        reports[key] = report
    if full:
        worst = {key: _worst(lags.get(key, []), n - 1) for key in keys}
        names = _names(reader, [r[1] for found in worst.values() for r in found])
        for key, rows in worst.items():
            reports[key].worst_lags = [
                {"prospect": names.get(uid(pid), str(pid)), "from": when(at), "days": s / DAY}
                for _, pid, at, s in rows
            ]
    return reports


Cell = tuple[str, str, str | None, str | None]  # kind, direction, reached, outcome
Grid = dict[int, dict[Cell, int]]
COUNTED = tuple(
    dict.fromkeys([*(c.of for c in figures.COUNTS), *(r.of for r in figures.REACH),
                   *(r.per for r in figures.REACH)])
)  # fmt: skip
_WHICH: dict[Cell, tuple[str, ...]] = {}


def _which(cell: Cell) -> tuple[str, ...]:
    """The names of the definitions that count the activities of ``cell`` (remembered: the
    same few cells come back for every week and every rep)."""
    found = _WHICH.get(cell)
    if found is None:
        kind, direction, reached, outcome = cell
        found = _WHICH[cell] = tuple(
            d.name
            for d in COUNTED
            if d.holds(kind=kind, direction=direction, reached=reached, outcome=outcome)
        )
    return found


def _tally(cells: dict[Cell, int]) -> dict[str, int]:
    """One week's count of each definition's activities."""
    found: dict[str, int] = defaultdict(int)
    for cell, c in cells.items():
        for name in _which(cell):
            found[name] += c
    return found


def _figures(
    n: int,
    stages: list[str],
    grid: Grid,
    wins: list[int],
    lag_rows: list[tuple[int, Any, Any, float]],
    step_lags: list[list[float]],
    moves: list[dict[tuple[str, str, bool], int]],
    ended: dict[str, list[list[float]]],
    quality_rows: dict[int, tuple[Any, ...]],
    reply_parts: dict[str, list[list[float]]] | None = None,
) -> list[Figure]:
    """Every figure of one baseline (one owner's, or the scope's), from what the queries
    found for it, oldest week first; not yet settled."""
    found: list[Figure] = []
    weeks = range(n)

    def add(section: str, name: str, unit: str, worse: str, rule: str, parts: list[Any],
            did: str = "") -> None:  # fmt: skip
        found.append(Figure(section, name, unit, worse, rule, parts, did))

    # -- activities and the reach ladder (figures.py defines what each counts) ---------------
    tallies = [_tally(grid.get(i, {})) for i in weeks]

    def count(i: int, definition: figures.Activities) -> int:
        return tallies[i].get(definition.name, 0)

    for c in figures.COUNTS:
        add("activity", c.figure, "count", c.worse, COUNT, [count(i, c.of) for i in weeks])
    for r in figures.REACH:
        parts = [(count(i, r.of), count(i, r.per)) for i in weeks]
        add("reach", r.figure, "rate", r.worse, PROPORTION, parts, r.did)

    # -- small wins ------------------------------------------------------------------------
    dials = [count(i, figures.DIAL) for i in weeks]
    add("wins", "wins", "count", figures.LOWER, COUNT, list(wins))
    add("wins", "wins per dial", "rate", figures.LOWER, PER_TRIAL,
        [(wins[i], dials[i]) for i in weeks])  # fmt: skip

    # -- follow-up lag ---------------------------------------------------------------------
    per_week: list[list[float]] = [[] for _ in weeks]
    for wk, _, _, seconds in lag_rows:
        per_week[wk].append(seconds / DAY)
    add("lag", FOLLOW_UP, "days", figures.HIGHER, MEDIAN, per_week)
    add("lag", STEP_LAG, "days", figures.HIGHER, MEDIAN, step_lags)

    # -- response time (imported email threads) -------------------------------------------
    for whose in (figures.ResponseTime.YOURS, figures.ResponseTime.THEIRS):
        waits = (reply_parts or {}).get(whose) or [[] for _ in weeks]
        add("replies", f"{whose} (median)", "hours", figures.HIGHER, MEDIAN, waits)

    # -- stages: conversions, win rate, time in stage ----------------------------------------
    open_stages = [s for s in stages if s not in vocab.CLOSED_STAGES]

    def onward(i: int, stage: str) -> tuple[int, int]:
        """Of the moves out of ``stage`` in week ``i``: those that went forward, and all."""
        out = {key: c for key, c in moves[i].items() if key[0] == stage}
        ahead = sum(c for (a, b, _), c in out.items() if figures.forward(stages, a, b))
        return ahead, sum(out.values())

    for a, b in zip(open_stages, [*open_stages[1:], "won"], strict=True):
        add("conversion", f"{a} to {b}", "rate", figures.LOWER, PROPORTION,
            [onward(i, a) for i in weeks])  # fmt: skip

    def closed(i: int, stage: str, qualified: bool) -> int:
        return sum(c for (_, t, q), c in moves[i].items() if t == stage and q == qualified)

    add("conversion", WIN_RATE, "rate", figures.LOWER, PROPORTION,
        [(closed(i, "won", True), closed(i, "won", True) + closed(i, "lost", True))
         for i in weeks])  # fmt: skip
    add("conversion", DISQUALIFIED, "count", figures.NEUTRAL, COUNT,
        [closed(i, "lost", False) for i in weeks])  # fmt: skip
    for stage in open_stages:
        add("duration", f"days in {stage} (median)", "days", figures.HIGHER, MEDIAN,
            ended[stage])  # fmt: skip

    # -- conversation quality ---------------------------------------------------------------
    if quality_rows:
        dims = (*vocab.QUALITY_DIMENSIONS, OVERALL)
        scores: dict[str, list[Scores]] = {d: [Scores() for _ in weeks] for d in dims}
        share: list[tuple[int, int]] = [(0, 0) for _ in weeks]
        for i, (graded, ideal, *sums) in quality_rows.items():
            for j, dim in enumerate(dims):
                scores[dim][i] = Scores(int(graded), float(sums[2 * j]), float(sums[2 * j + 1]))
            share[i] = (int(ideal or 0), int(graded))
        for dim in dims:
            add("quality", dim, "score", figures.LOWER, MEAN, scores[dim])
        add("quality", SEGMENT_SHARE, "rate", figures.LOWER, PROPORTION, share)
    return found


def _activity_grid(
    reader: Store, weeks: list[Week], scope: Scope, by: str | None, *, threads: bool = True
) -> tuple[dict[str | None, Grid], bool]:
    """Activities by week, kind, direction, who was reached and outcome (by owner when
    grouped), and with ``threads`` whether any email in the window has a thread (imported
    mail: the only emails a reply time is measured on, :func:`salestrack.reports.replies.answers`).

    Counting the threads here, on rows this query reads anyway, spares the reply-time read
    its own pass over the window when there is no imported mail (5-7 ms on 1M activities).
    Only when the reply times are wanted: the team's headline figures are not, and on a
    team's window the thread column tips PostgreSQL from hashing the groups to sorting them
    (the planner expects 354k groups of wider rows where there are 16k: 640 ms against 185).
    """
    case, params = _bucket("occurred_at", weeks, scope)
    grids: dict[str | None, Grid] = defaultdict(lambda: defaultdict(dict))
    threaded = False
    for row in reader.rows(
        f"SELECT {_key(by)}{case}, kind, direction, reached, outcome, count(*), "
        f"{'count(thread_key)' if threads else '0'} FROM activities "
        "WHERE occurred_at >= :s AND occurred_at < :e"
        f"{scope.sql('prospect_id')} {_group(by, 5)}",
        **params,
    ):
        key, (wk, kind, direction, reached, outcome, c, in_threads) = _split(row, by)
        threaded = threaded or (kind == "email" and bool(in_threads))
        if wk is not None:
            grids[key][int(wk)][(kind, direction, reached, outcome)] = int(c)
    return grids, threaded


def _wins(
    reader: Store, weeks: list[Week], scope: Scope, by: str | None
) -> dict[str | None, list[int]]:
    """Small wins by week (by owner when grouped)."""
    case, params = _bucket("won_at", weeks, scope)
    wins: dict[str | None, list[int]] = defaultdict(lambda: [0] * len(weeks))
    for row in reader.rows(
        f"SELECT {_key(by)}{case}, count(*) FROM wins WHERE won_at >= :s AND won_at < :e"
        f"{scope.sql('prospect_id')} {_group(by, 1)}",
        **params,
    ):
        key, (wk, c) = _split(row, by)
        if wk is not None:
            wins[key][int(wk)] = int(c)
    return wins


def _moves(
    reader: Store, weeks: list[Week], scope: Scope, by: str | None, first_stage: str
) -> dict[str | None, list[dict[tuple[str, str, bool], int]]]:
    """Stage changes by week, from, to, and (for a close) whether the deal was qualified (by
    owner when grouped)."""
    column = f"c.{by}" if by else None
    case, params = _bucket("c.changed_at", weeks, scope)
    qualified = (
        f"CASE WHEN c.to_stage IN ('won', 'lost') THEN CASE WHEN "
        f"{figures.QualifiedDeal.sql('c')} THEN 1 ELSE 0 END ELSE 0 END"
    )
    moves: dict[str | None, list[dict[tuple[str, str, bool], int]]] = defaultdict(
        lambda: [defaultdict(int) for _ in weeks]
    )
    for row in reader.rows(
        f"SELECT {_key(column)}{case}, c.from_stage, c.to_stage, {qualified}, count(*) "
        "FROM stage_changes c WHERE c.changed_at >= :s AND c.changed_at < :e "
        f"AND c.from_stage IS NOT NULL{scope.sql('c.prospect_id')} {_group(column, 4)}",
        first_stage=first_stage,
        **params,
    ):
        key, (wk, before, after, q, c) = _split(row, by)
        if wk is not None:
            moves[key][int(wk)][(before, after, bool(q))] += int(c)
    return moves


def _quality(
    reader: Store, weeks: list[Week], scope: Scope, by: str | None
) -> dict[str | None, dict[int, tuple[Any, ...]]]:
    """By week (by owner when grouped): the scored conversations, how many were with the
    ideal segment's prospects, then each dimension's and the overall score's sum and sum of
    squares."""
    column = f"a.{by}" if by else None
    case, params = _bucket("q.activity_at", weeks, scope)
    overall = "((q.value + q.uncovered + q.openness + q.commitment) / 4.0)"
    sums = ", ".join(
        f"sum({x}), sum({x} * {x})"
        for x in (*(f"q.{d}" for d in vocab.QUALITY_DIMENSIONS), overall)
    )
    found: dict[str | None, dict[int, tuple[Any, ...]]] = defaultdict(dict)
    for row in reader.rows(
        f"SELECT {_key(column)}{case}, count(*), sum(CASE WHEN (SELECT p.segment FROM "
        f"prospects p WHERE p.id = a.prospect_id) = :ideal THEN 1 ELSE 0 END), {sums} "
        # the window's scores by their activity's time (revision 0015), then their activities
        "FROM quality q CROSS JOIN activities a "
        "WHERE q.activity_at >= :s AND q.activity_at < :e AND a.id = q.activity_id"
        f"{scope.sql('a.prospect_id')} {_group(column, 1)}",
        ideal=IDEAL_SEGMENT,
        **params,
    ):
        key, (wk, *values) = _split(row, by)
        if wk is not None:
            found[key][int(wk)] = tuple(values)
    return found


def _lost_reasons(
    reader: Store, weeks: list[Week], scope: Scope, by: str | None
) -> dict[str | None, list[tuple[str, int]]]:
    """Why deals were lost in the window, most often first (by owner when grouped)."""
    order = "ORDER BY 1, 3 DESC, 2" if by else "ORDER BY 2 DESC, 1"
    found: dict[str | None, list[tuple[str, int]]] = defaultdict(list)
    for row in reader.rows(
        f"SELECT {_key(by)}reason, count(*) FROM stage_changes WHERE to_stage = 'lost' "
        f"AND changed_at >= :s AND changed_at < :e{scope.sql('prospect_id')} "
        f"{_group(by, 1)} {order}",
        s=weeks[0].start,
        e=weeks[-1].end,
        **scope.params(),
    ):
        key, (reason, c) = _split(row, by)
        found[key].append((str(reason or "no reason given"), int(c)))
    return found


def _worst(
    lag_rows: list[tuple[int, Any, Any, float]], week: int
) -> list[tuple[int, Any, Any, float]]:
    """The five longest follow-up lags of week ``week``."""
    return sorted((r for r in lag_rows if r[0] == week), key=lambda r: (-r[3], str(r[2])))[:5]


def _names(reader: Store, ids: list[Any]) -> dict[Any, str]:
    if not ids:
        return {}
    marks = ", ".join(f":p{i}" for i in range(len(ids)))
    found = reader.rows(
        f"SELECT id, name FROM prospects WHERE id IN ({marks})",
        **{f"p{i}": uid(v) for i, v in enumerate(ids)},
    )
    return {uid(i): n for i, n in found}


def _replies(
    reader: Store, weeks: list[Week], scope: Scope, by: str | None
) -> dict[str | None, list[tuple[int, Any]]]:
    """(week index, answer) for each email answered in the window, by owner when grouped."""
    from salestrack.reports import replies

    where = scope.sql("prospect_id")
    found: dict[str | None, list[tuple[int, Any]]] = defaultdict(list)
    for a in replies.answers(
        reader, start=weeks[0].start, end=weeks[-1].end, where=where, **scope.params()
    ):
        i = next(i for i, w in enumerate(weeks) if w.start <= a.answered_at < w.end)
        found[a.owner if by else None].append((i, a))
    return found


def _reply_parts(rows: list[tuple[int, Any]], n: int) -> dict[str, list[list[float]]]:
    """Each side's reply times in hours, week by week."""
    sides = (figures.ResponseTime.YOURS, figures.ResponseTime.THEIRS)
    parts: dict[str, list[list[float]]] = {w: [[] for _ in range(n)] for w in sides}
    for i, a in rows:
        parts[a.whose][i].append(a.hours)
    return parts


def _worst_replies(reader: Store, rows: list[tuple[int, Any]], week: int) -> list[dict[str, Any]]:
    """The longest wait this week for each side's answer, with its prospect."""
    found = []
    for whose in (figures.ResponseTime.YOURS, figures.ResponseTime.THEIRS):
        mine = [a for i, a in rows if i == week and a.whose == whose]
        if mine:
            worst = max(mine, key=lambda a: a.hours)
            name = _names(reader, [worst.prospect_id]).get(worst.prospect_id, "")
            found.append({"whose": whose, "prospect": name, "asked_at": worst.asked_at,
                          "hours": worst.hours})  # fmt: skip
    return found


def _touch_lags(
    reader: Store,
    weeks: list[Week],
    segment: Scope | None = None,
    *,
    by: str | None = None,
    detail: bool = True,
) -> dict[str | None, list[tuple[int, Any, Any, float]]]:
    """(week, prospect id, follow-up time as stored, seconds since the touch before it) for
    each of the rep's own touches (outbound) in the window that followed an earlier touch of
    the same prospect, theirs or the rep's, by owner when grouped ``by`` the owner column
    (else under the key None). Notes are not touches; a prospect's call or email (inbound)
    is a touch before a follow-up but not a follow-up itself: how fast they answered is not
    the rep's lag. Measured on the follow-up, so a week's figure is final once it is over.
    Without ``detail``, the prospect and the time are None (for the medians alone: converting a
    UUID and a time for every touch is a good part of the cost for a whole team).

    Reads the window's touches; only a prospect's first touch in the window looks further
    back (one index lookup), so the cost is bounded by the window, not the history. A
    prospect's rows are all its owner's, so grouped, the owner only follows the prospect
    in the PARTITION BY (sorting by the owner's text first costs twice as much).
    """
    case, params = _bucket("occurred_at", weeks, segment)
    gap, unit = reader.elapsed("prev", "occurred_at"), reader.per_second
    key = _key(by)
    part = f"prospect_id, {by}" if by else "prospect_id"
    which = "prospect_id, occurred_at" if detail else "NULL, NULL"
    found: dict[str | None, list[tuple[int, Any, Any, float]]] = defaultdict(list)
    # the touches without one before come back too (as NULL): filtering them in SQL has
    # PostgreSQL look the touch before up twice
    # the week is worked out on the table's own column, before the sort (on SQLite a CASE
    # on the outer query's column costs twice as much: 10 ms against 5 on 15k touches)
    rows = reader.rows(
        f"SELECT {key}wk, {which}, {gap} FROM ("
        f" SELECT {key}wk, prospect_id, occurred_at, COALESCE(prev, ("
        "  SELECT max(b.occurred_at) FROM activities b WHERE b.prospect_id = w.prospect_id"
        "  AND b.occurred_at < :s AND b.kind != 'note')) AS prev FROM ("
        f"  SELECT {key}{case} AS wk, prospect_id, occurred_at, direction, LAG(occurred_at)"
        f"   OVER (PARTITION BY {part} ORDER BY occurred_at) AS prev"
        "  FROM activities WHERE occurred_at >= :s AND occurred_at < :e AND kind != 'note'"
        f"{(segment or Scope()).sql('prospect_id')}"
        " ) w WHERE direction = 'outbound'"
        ") t",
        **params,
    )
    if not by:  # one row per touch: no _split, every row is the one owner's
        mine = found[None]
        for wk, pid, at, seconds in rows:
            if wk is not None and seconds is not None:
                mine.append((int(wk), pid, at, seconds / unit))
        return found
    for owner, wk, pid, at, seconds in rows:
        if wk is not None and seconds is not None:
            found[owner].append((int(wk), pid, at, seconds / unit))
    return found


def _step_lags(
    reader: Store, weeks: list[Week], segment: Scope | None = None, *, by: str | None = None
) -> dict[str | None, list[list[float]]]:
    """Days from each next step's due time to when it was done (0 when on time), by the
    week it was done (by owner when grouped)."""
    case, params = _bucket("done_at", weeks, segment)
    late, unit = reader.elapsed("due_at", "done_at"), reader.per_second
    out: dict[str | None, list[list[float]]] = defaultdict(lambda: [[] for _ in weeks])
    for row in reader.rows(
        f"SELECT {_key(by)}{case}, {late} FROM next_steps "
        "WHERE done_at >= :s AND done_at < :e AND due_at IS NOT NULL"
        f"{(segment or Scope()).sql('prospect_id')}",
        **params,
    ):
        owner, (wk, seconds) = _split(row, by)
        if wk is not None:
            out[owner][int(wk)].append(max(0.0, seconds / unit) / DAY)
    return out


def stays(
    reader: Store, weeks: list[Week], segment: Scope | None = None
) -> dict[str, list[list[float]]]:
    """Completed stays in each stage, in days, by the week they ended (the definition:
    :class:`salestrack.figures.Stay`)."""
    return _stays(reader, weeks, segment)[None]


def _stays(
    reader: Store, weeks: list[Week], segment: Scope | None = None, *, by: str | None = None
) -> dict[str | None, dict[str, list[list[float]]]]:
    """:func:`stays`, by owner when grouped ``by`` the owner column."""
    case, params = _bucket("c.changed_at", weeks, segment)
    out: dict[str | None, dict[str, list[list[float]]]] = defaultdict(
        lambda: defaultdict(lambda: [[] for _ in weeks])
    )
    for row in reader.rows(
        f"SELECT {_key(f'c.{by}' if by else None)}{case}, c.from_stage, "
        f"{figures.Stay.entered_sql('c')}, c.changed_at "
        "FROM stage_changes c WHERE c.changed_at >= :s AND c.changed_at < :e "
        f"AND {figures.Stay.ends_sql('c')}{(segment or Scope()).sql('c.prospect_id')}",
        **params,
    ):
        owner, (wk, stage, entered, left) = _split(row, by)
        a, b = when(entered), when(left)
        if wk is None or a is None or b is None:
            continue
        out[owner][stage][int(wk)].append((b - a).total_seconds() / DAY)
    return out


# -- holes -----------------------------------------------------------------------------------

_DIAGNOSIS = {
    "dials": "fewer dials than usual: block the time for calling first",
    "answered rate": "fewer pick-ups: try the hours you connect best (salestrack intel shows them)",
    "decision maker rate": (
        "gatekeepers hold you up: learn their names and ask for the decision maker by name"
    ),
    "conversation rate": "reaching people but not talking: open with why you called",
    MEETING_SET_RATE: "conversations are not turning into meetings: ask for the meeting",
    "lead to qualified": "leads do not qualify: check who you prospect (segment)",
    "qualified to meeting": "qualified prospects are not booking meetings",
    "meeting to proposal": "qualification, not cold calling, is the problem",
    "proposal to negotiation": "proposals stall: follow up faster and check the fit",
    "negotiation to won": "deals die at the close: look at the lost reasons",
    WIN_RATE: "more qualified deals are lost than usual: look at the lost reasons",
    SEGMENT_SHARE: (
        f"fewer conversations with segment {IDEAL_SEGMENT} prospects: check who you call"
    ),
    FOLLOW_UP: "follow-ups come later than usual: book the next touch while you are on the call",
    STEP_LAG: "next steps are done later than their due: fewer, dated, kept",
}
# the order holes of different kinds come in: lost outcomes first, then time, then scores
_KIND = {PROPORTION: 0, PER_TRIAL: 0, COUNT: 1, MEDIAN: 2, MEAN: 3}


def _lost(f: Figure) -> float:
    """What the figure cost this week against its usual, in its own outcomes."""
    value, usual = f.value or 0.0, f.usual or 0.0
    if f.rule in (PROPORTION, PER_TRIAL):
        return abs(usual - value) * (f.n or 0)  # outcomes the usual rate would have given
    if f.rule == COUNT:
        return abs(usual - value)
    return abs(value - usual) * (f.n or 0)  # extra days over the stays, points over scores


def _sentence(f: Figure, lost: float, per: str = "a week") -> str:
    """The hole's numbers in words: "3 of 12 prospects leaving meeting went on to proposal or
    beyond, against your usual 14 of 20: about 4 fewer"."""
    usual = f"{f.usual_k or 0:,} of {f.usual_n or 0:,}"
    if f.section == "reach":
        text = f"{f.k} of {_n(f.n, 'dial')} {f.did}, against your usual {usual}"
    elif f.section == "conversion" and " to " in f.name:
        a, _, b = f.name.partition(" to ")
        text = (
            f"{f.k} of {_n(f.n, 'prospect')} leaving {a} went on to {b} or beyond, against "
            f"your usual {usual}"
        )
    elif f.name == WIN_RATE:
        text = f"{f.k} of {_n(f.n, 'qualified deal')} closed were won, against your usual {usual}"
    elif f.name == SEGMENT_SHARE:
        text = (
            f"{f.k} of {_n(f.n, 'scored conversation')} were with segment {IDEAL_SEGMENT} "
            f"prospects, against your usual {usual}"
        )
    elif f.rule == PER_TRIAL:
        text = (
            f"{_n(f.k, 'win')} from {_n(f.n, 'dial')}, against your usual "
            f"{f.usual_k or 0:,} from {f.usual_n or 0:,}"
        )
    elif f.rule == COUNT:
        return (
            f"{f.n or 0:,} {f.name} against your usual {show(f.usual, 'count')} {per} "
            f"({show(f.low, 'count')} to {show(f.high, 'count')} is within the usual)"
        )
    elif f.rule == MEDIAN:
        this, usual_days = show(f.value, "days"), show(f.usual, "days")
        tail = f"against your usual {usual_days} over {f.usual_n or 0:,}"
        if f.name == FOLLOW_UP:
            return (
                f"the median follow-up came {this} after the touch before it, over "
                f"{_n(f.n, 'follow-up')}, {tail}"
            )
        if f.name == STEP_LAG:
            return f"next steps were done a median {this} after due, over {_n(f.n, 'step')}, {tail}"
        stage = f.name.removeprefix("days in ").removesuffix(" (median)")
        return f"the median stay in {stage} was {this}, over {_n(f.n, 'stay')}, {tail}"
    else:
        return (
            f"{f.name} scored {show(f.value, 'score')} on average over "
            f"{_n(f.n, 'scored conversation')}, against your usual {show(f.usual, 'score')} "
            f"over {f.usual_n or 0:,}"
        )
    return f"{text}: about {lost:.0f} fewer" if round(lost) >= 1 else text


def holes(
    found: Sequence[Figure], mixed: Mix | None = None, limit: int = 3, *, per: str = "a week"
) -> list[Hole]:
    """The figures worse than usual with evidence, ranked by what they cost, most first: the
    steps that lost outcomes (the usual rate's outcomes minus this week's, on this week's
    trials), then counts short of usual, then time (extra days over the stays), then scores;
    within each, the cost weighted by the evidence (1 - p). None when nothing holds up.
    ``per`` says what a count's usual is of: ``a week``, or ``by Wed 10:30`` for a week still
    running (compared with the same part of each trailing week)."""
    out = []
    for f in found:
        if not f.alert:
            continue
        lost = _lost(f)
        diagnosis = _DIAGNOSIS.get(f.name)
        if f.name == MEETING_SET_RATE and mixed is not None:
            diagnosis = mixed.diagnosis()
        out.append(Hole(f, lost, _sentence(f, lost, per), diagnosis))
    out.sort(key=lambda h: (_KIND[h.figure.rule], -h.weight, h.figure.p or 0.0))
    return out[:limit]


def show(v: float | None, unit: str) -> str:
    """A value in its unit as a sentence writes it: ``15%``, ``7.1 days``, ``3.25``,
    ``211.5``; empty for no value (:func:`salestrack.output.show.value`)."""
    from salestrack.output.show import value

    return value(v, unit, words=True)


def figure_names(stages: list[str]) -> list[str]:
    """Every figure's name, in the baseline's order, for the stages given (the names come
    from the one place that makes the figures, fed a week with one of everything)."""
    found = _figures(
        1,
        stages,
        {},
        [0],
        [],
        [[]],
        [defaultdict(int)],
        defaultdict(lambda: [[]]),
        {0: (0, 0) + (0.0,) * 2 * (len(vocab.QUALITY_DIMENSIONS) + 1)},
    )
    return [f.name for f in found]


def choose_figure(typed: str, names: Sequence[str]) -> str:
    """The figure ``typed`` names: its name (case and spacing aside), else the one name it
    starts; anything else is an error listing the figures."""
    from salestrack.errors import InvalidInput
    from salestrack.names import key

    want = key(typed)
    by = {key(n): n for n in names}
    if want in by:
        return by[want]
    starts = [n for k, n in by.items() if want and k.startswith(want)]
    if len(starts) == 1:
        return starts[0]
    if starts:
        raise InvalidInput("--chart", f"'{typed}' could be {', '.join(starts)}; type more of it")
    raise InvalidInput("--chart", f"no figure '{typed}'; use one of: {', '.join(names)}")
