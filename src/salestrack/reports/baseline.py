"""The baseline: this week's numbers against the person's own trailing weeks, and the holes.

Weeks run Monday 00:00 to Monday 00:00 in the local time zone (so a week with a DST change is
167 or 169 hours long). Every figure is computed for the chosen week and each of the N
trailing weeks; its band is the median and the quartiles (25th to 75th percentile) of the
trailing weeks that have a value, and the chosen week is flagged ``below`` or ``above`` when
it falls outside the quartiles. The definitions are in docs/reports.md.

All counting happens in SQL over the window (the chosen week and the trailing weeks), never
over the whole history; only the follow-up lags of the window's touches come back as rows.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from salestrack import dates, vocab
from salestrack.store import settings
from salestrack.store.sql import Store, uid, when

ANSWERED = ("gatekeeper", "wrong_person", "decision_maker")
CONVERSATION = ("connected", "meeting_set", "referred", "not_interested")
HOUR, DAY = 3600.0, 86400.0


@dataclass
class Week:
    label: str  # 2026-W47
    start: datetime  # aware UTC
    end: datetime


@dataclass
class Figure:
    section: str
    name: str
    unit: str  # count, rate, hours, days, score
    values: list[float | None]  # oldest trailing week first, the chosen week last
    higher_is_better: bool = True
    value: float | None = None
    median: float | None = None
    low: float | None = None
    high: float | None = None
    flag: str = ""

    def settle(self) -> None:
        self.value = self.values[-1]
        past = [v for v in self.values[:-1] if v is not None]
        if not past:
            return
        self.median = statistics.median(past)
        if len(past) >= 2:
            q = statistics.quantiles(past, n=4, method="inclusive")
            self.low, self.high = q[0], q[2]
        else:
            self.low = self.high = past[0]
        if self.value is None:
            return
        if self.value < self.low:
            self.flag = "below"
        elif self.value > self.high:
            self.flag = "above"

    def band(self) -> str:
        """``low - high`` in the figure's unit (empty without a typical range)."""
        if self.low is None:
            return ""
        return f"{show(self.low, self.unit)} - {show(self.high, self.unit)}"

    @property
    def worse(self) -> bool:
        return self.flag == ("below" if self.higher_is_better else "above")

    def row(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "figure": self.name,
            "unit": self.unit,
            "value": rounded(self.value),
            "median": rounded(self.median),
            "low": rounded(self.low),
            "high": rounded(self.high),
            "flag": self.flag,
            "trend": " ".join("" if v is None else f"{rounded(v)}" for v in self.values),
        }


def rounded(v: float | None) -> float | None:
    if v is None:
        return None
    return round(v, 4) if abs(v) < 10 else round(v, 2)


@dataclass
class Baseline:
    week: Week
    weeks: list[Week]
    partial: bool
    figures: list[Figure]
    holes: list[str] = field(default_factory=list)
    worst_lags: list[dict[str, Any]] = field(default_factory=list)
    lost_reasons: list[tuple[str, int]] = field(default_factory=list)
    segment: str | None = None

    def rows(self) -> list[dict[str, Any]]:
        """Every figure as one row: the CSV and JSON of ``salestrack baseline``."""
        out = [f.row() for f in self.figures]
        blank = {k: None for k in ("unit", "value", "median", "low", "high")}
        for i, text in enumerate(self.holes, 1):
            out.append({"section": "hole", "figure": str(i), **blank, "flag": "", "trend": text})
        for lag in self.worst_lags:
            out.append(
                {
                    "section": "worst_lag",
                    "figure": lag["prospect"],
                    **blank,
                    "unit": "days",
                    "value": rounded(lag["days"]),
                    "flag": "",
                    "trend": lag["from"].isoformat(),
                }
            )
        for reason, n in self.lost_reasons:
            out.append(
                {
                    "section": "lost_reason",
                    "figure": reason,
                    **blank,
                    "unit": "count",
                    "value": n,
                    "flag": "",
                    "trend": "",
                }
            )
        return out


COLUMNS = ("section", "figure", "unit", "value", "median", "low", "high", "flag", "trend")


def windows(chosen: str | None, trailing: int, *, now: datetime, tz: tzinfo) -> list[Week]:
    """The trailing weeks then the chosen one (default: this week), oldest first."""
    if chosen:
        start, _ = dates.parse_iso_week(chosen, tz)
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


@dataclass(frozen=True)
class Scope:
    """Which prospects' rows a report counts: all, one segment's, one rep's."""

    segment: str | None = None
    owner: str | None = None

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
        return found

    def params(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.segment is not None:
            found["segment"] = self.segment
        if self.owner is not None:
            found["owner"] = self.owner
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


def _rate(n: float, d: float) -> float | None:
    return n / d if d else None


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


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
) -> Baseline:
    """The baseline of the rows in scope: everyone's, one segment's, one rep's."""
    found = _build(
        reader, chosen=chosen, trailing=trailing, now=now, tz=tz, scope=Scope(segment, owner)
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
    same as ``build(..., owner=...)`` gives that owner. With ``want`` (section, figure)
    pairs, only those figures (and only the queries they need; no holes, worst lags or lost
    reasons)."""
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

    counted = needs("activity") or needs("reach") or needs("wins")  # wins per dial: dials
    grids = _activity_grid(reader, weeks, scope, by) if counted else {}
    wins = _wins(reader, weeks, scope, by) if needs("wins") else {}
    lags = (
        _touch_lags(reader, weeks, scope, by=by, detail=want is None)
        if needs("lag", FOLLOW_UP)
        else {}
    )
    step_lags = _step_lags(reader, weeks, scope, by=by) if needs("lag", STEP_LAG) else {}
    stages = settings.stages(reader)
    moves = _moves(reader, weeks, scope, by) if needs("conversion") else {}
    ended = _stays(reader, weeks, scope, by=by) if needs("duration") else {}
    quality = _quality(reader, weeks, scope, by) if needs("quality") else {}
    full = want is None
    lost = _lost_reasons(reader, weeks, scope, by) if full else {}
    n = len(weeks)
    reports: dict[str | None, Baseline] = {}
    for key in keys:
        figures = _figures(
            n,
            stages,
            grids.get(key, {}),
            wins.get(key, [0] * n),
            lags.get(key, []),
            step_lags.get(key, [[] for _ in weeks]),
            moves.get(key, [defaultdict(int) for _ in range(n)]),
            ended.get(key, defaultdict(lambda: [[] for _ in weeks])),
            quality.get(key, {}),
        )
        if want is not None:
            figures = [f for f in figures if (f.section, f.name) in want]
        for f in figures:
            f.settle()
        report = Baseline(weeks[-1], weeks, partial, figures)
        report.segment = scope.segment
        if full:
            report.lost_reasons = lost.get(key, [])
            report.holes = holes(figures)
        reports[key] = report
    if full:
        worst = {key: _worst(lags.get(key, []), n - 1) for key in keys}
        names = _names(reader, [r[1] for found in worst.values() for r in found])
        for key, found in worst.items():
            reports[key].worst_lags = [
                {"prospect": names.get(uid(pid), str(pid)), "from": when(at), "days": s / DAY}
                for _, pid, at, s in found
            ]
    return reports


FOLLOW_UP, STEP_LAG = "follow-up lag (median)", "next step done after due (median)"
Grid = dict[int, dict[tuple[str, str | None, str | None], int]]


def _figures(
    n: int,
    stages: list[str],
    grid: Grid,
    wins: list[int],
    lag_rows: list[tuple[int, Any, Any, float]],
    step_lags: list[list[float]],
    moves: list[dict[tuple[str, str], int]],
    ended: dict[str, list[list[float]]],
    quality_rows: dict[int, tuple[Any, ...]],
) -> list[Figure]:
    """Every figure of one baseline (one owner's, or the scope's), from what the queries
    found for it, oldest week first; not yet settled."""
    figures: list[Figure] = []

    def add(
        section: str, name: str, unit: str, values: list[float | None], better: bool = True
    ) -> None:
        figures.append(Figure(section, name, unit, values, better))

    # -- activities and the reach ladder ---------------------------------------------------
    def count(i: int, kind: str, test: Any = None) -> int:
        return sum(
            c
            for (k, r, o), c in grid.get(i, {}).items()
            if k == kind and (test is None or test(r, o))
        )

    for kind in ("call", "email", "meeting", "task"):
        add("activity", f"{kind}s", "count", [count(i, kind) for i in range(n)])
    dials = [count(i, "call") for i in range(n)]
    rungs = {
        "answered": lambda r, o: r in ANSWERED,
        "gatekeeper": lambda r, o: r == "gatekeeper",
        "decision maker": lambda r, o: r == "decision_maker",
        "conversation": lambda r, o: r == "decision_maker" and o in CONVERSATION,
        "meeting set": lambda r, o: o == "meeting_set",
    }
    ladder: dict[str, list[int]] = {}
    for rung, test in rungs.items():
        ladder[rung] = [count(i, "call", test) for i in range(n)]
        add("reach", f"{rung} rate", "rate", [_rate(ladder[rung][i], dials[i]) for i in range(n)])
    add(
        "activity",
        "meetings held",
        "count",
        [count(i, "meeting", lambda r, o: o == "held") for i in range(n)],
    )

    # -- small wins ------------------------------------------------------------------------
    add("wins", "wins", "count", list(map(float, wins)))
    add("wins", "wins per dial", "rate", [_rate(wins[i], dials[i]) for i in range(n)])

    # -- follow-up lag ---------------------------------------------------------------------
    per_week: list[list[float]] = [[] for _ in range(n)]
    for wk, _, _, seconds in lag_rows:
        per_week[wk].append(seconds / DAY)
    add("lag", FOLLOW_UP, "days", [_median(v) for v in per_week], better=False)
    add("lag", STEP_LAG, "days", [_median(v) for v in step_lags], better=False)

    # -- stages: flows, conversions, win rate, time in stage --------------------------------
    open_stages = [s for s in stages if s not in vocab.CLOSED_STAGES]
    place = {stage: i for i, stage in enumerate(stages)}

    def onward(i: int, stage: str) -> float | None:
        """Of the moves out of ``stage`` in week ``i``, the share that went forward."""
        out = {k: c for k, c in moves[i].items() if k[0] == stage}
        ahead = sum(
            c for (_, b), c in out.items() if b != "lost" and place.get(b, -1) > place[stage]
        )
        return _rate(ahead, sum(out.values()))

    for a, b in zip(open_stages, [*open_stages[1:], "won"], strict=True):
        add("conversion", f"{a} to {b}", "rate", [onward(i, a) for i in range(n)])

    def closed(i: int, stage: str) -> int:
        return sum(c for (_, b), c in moves[i].items() if b == stage)

    add(
        "conversion",
        "win rate",
        "rate",
        [_rate(closed(i, "won"), closed(i, "won") + closed(i, "lost")) for i in range(n)],
    )
    for stage in open_stages:
        add(
            "duration",
            f"days in {stage} (median)",
            "days",
            [_median(ended[stage][i]) for i in range(n)],
            better=False,
        )

    # -- conversation quality ---------------------------------------------------------------
    quality: dict[str, list[float | None]] = {
        d: [None] * n for d in (*vocab.QUALITY_DIMENSIONS, "overall")
    }
    for i, (v, u, o, c) in quality_rows.items():
        for dim, avg in zip(vocab.QUALITY_DIMENSIONS, (v, u, o, c), strict=True):
            quality[dim][i] = float(avg)
        quality["overall"][i] = (float(v) + float(u) + float(o) + float(c)) / 4
    if any(x is not None for x in quality["overall"]):
        for dim, values in quality.items():
            add("quality", dim, "score", values)
    return figures


def _activity_grid(
    reader: Store, weeks: list[Week], scope: Scope, by: str | None
) -> dict[str | None, Grid]:
    """Activities by week, kind, who was reached and outcome (by owner when grouped)."""
    case, params = _bucket("occurred_at", weeks, scope)
    grids: dict[str | None, Grid] = defaultdict(lambda: defaultdict(dict))
    for row in reader.rows(
        f"SELECT {_key(by)}{case}, kind, reached, outcome, count(*) FROM activities "
        "WHERE occurred_at >= :s AND occurred_at < :e"
        f"{scope.sql('prospect_id')} {_group(by, 4)}",
        **params,
    ):
        key, (wk, kind, reached, outcome, c) = _split(row, by)
        if wk is not None:
            grids[key][int(wk)][(kind, reached, outcome)] = int(c)
    return grids


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
    reader: Store, weeks: list[Week], scope: Scope, by: str | None
) -> dict[str | None, list[dict[tuple[str, str], int]]]:
    """Stage changes by week, from and to (by owner when grouped)."""
    case, params = _bucket("changed_at", weeks, scope)
    moves: dict[str | None, list[dict[tuple[str, str], int]]] = defaultdict(
        lambda: [defaultdict(int) for _ in weeks]
    )
    for row in reader.rows(
        f"SELECT {_key(by)}{case}, from_stage, to_stage, count(*) FROM stage_changes "
        "WHERE changed_at >= :s AND changed_at < :e AND from_stage IS NOT NULL"
        f"{scope.sql('prospect_id')} {_group(by, 3)}",
        **params,
    ):
        key, (wk, before, after, c) = _split(row, by)
        if wk is not None:
            moves[key][int(wk)][(before, after)] += int(c)
    return moves


def _quality(
    reader: Store, weeks: list[Week], scope: Scope, by: str | None
) -> dict[str | None, dict[int, tuple[Any, ...]]]:
    """The average of each quality dimension by week (by owner when grouped)."""
    column = f"a.{by}" if by else None
    case, params = _bucket("a.occurred_at", weeks, scope)
    found: dict[str | None, dict[int, tuple[Any, ...]]] = defaultdict(dict)
    for row in reader.rows(
        f"SELECT {_key(column)}{case}, avg(q.value), avg(q.uncovered), avg(q.openness), "
        "avg(q.commitment) "
        # CROSS JOIN keeps the window's activities as the outer loop on SQLite
        "FROM activities a CROSS JOIN quality q "
        "WHERE a.occurred_at >= :s AND a.occurred_at < :e AND q.activity_id = a.id"
        f"{scope.sql('a.prospect_id')} {_group(column, 1)}",
        **params,
    ):
        key, (wk, *averages) = _split(row, by)
        if wk is not None:
            found[key][int(wk)] = tuple(averages)
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


def _touch_lags(
    reader: Store,
    weeks: list[Week],
    segment: Scope | None = None,
    *,
    by: str | None = None,
    detail: bool = True,
) -> dict[str | None, list[tuple[int, Any, Any, float]]]:
    """(week, prospect id, follow-up time as stored, seconds since the touch before it) for
    each touch in the window that followed an earlier touch of the same prospect, by owner
    when grouped ``by`` the owner column (else under the key None). Notes are not touches.
    Measured on the follow-up, so a week's figure is final once it is over. Without
    ``detail``, the prospect and the time are None (for the medians alone: converting a
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
    rows = reader.rows(
        f"SELECT {key}{case}, {which}, {gap} FROM ("
        f" SELECT {key}prospect_id, occurred_at, COALESCE(prev, ("
        "  SELECT max(b.occurred_at) FROM activities b WHERE b.prospect_id = w.prospect_id"
        "  AND b.occurred_at < :s AND b.kind != 'note')) AS prev FROM ("
        f"  SELECT {key}prospect_id, occurred_at, LAG(occurred_at) OVER ("
        f"   PARTITION BY {part} ORDER BY occurred_at) AS prev"
        "  FROM activities WHERE occurred_at >= :s AND occurred_at < :e AND kind != 'note'"
        f"{(segment or Scope()).sql('prospect_id')}"
        " ) w"
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
    """Completed stays in each stage, in days, by the week they ended.

    A stay runs from entering a stage to the next stage change of the same prospect, whatever
    that change is (forward, a skip, backward or lost). A skipped stage has no stay (not a
    zero); a backward move starts a new stay of the earlier stage.
    """
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
        "(SELECT max(p.changed_at) FROM stage_changes p WHERE p.prospect_id = c.prospect_id "
        " AND p.changed_at < c.changed_at), c.changed_at "
        "FROM stage_changes c WHERE c.changed_at >= :s AND c.changed_at < :e "
        f"AND c.from_stage IS NOT NULL{(segment or Scope()).sql('c.prospect_id')}",
        **params,
    ):
        owner, (wk, stage, entered, left) = _split(row, by)
        a, b = when(entered), when(left)
        if wk is None or a is None or b is None:
            continue
        out[owner][stage][int(wk)].append((b - a).total_seconds() / DAY)
    return out


_DIAGNOSIS = {
    "answered rate": "fewer pick-ups: try the hours you connect best (salestrack intel shows them)",
    "decision maker rate": (
        "gatekeepers hold you up: learn their names and ask for the decision maker by name"
    ),
    "conversation rate": "reaching people but not talking: open with why you called",
    "meeting set rate": "conversations are not turning into meetings: ask for the meeting",
    "lead to qualified": "leads do not qualify: check who you prospect (segment)",
    "qualified to meeting": "qualified prospects are not booking meetings",
    "meeting to proposal": "qualification, not cold calling, is the problem",
    "proposal to negotiation": "proposals stall: follow up faster and check the fit",
    "negotiation to won": "deals die at the close: look at the lost reasons",
    "win rate": "more deals are lost than usual: look at the lost reasons",
}


def _gap(f: Figure) -> float:
    floor = {"rate": 0.05, "days": 1.0, "count": 1.0, "score": 0.5}.get(f.unit, 1.0)
    if f.value is None or f.median is None:  # no usual value to be far from
        return 0.0
    return abs(f.value - f.median) / max(abs(f.median), floor)


def _sentence(f: Figure) -> str:
    this, usual = _show(f.value, f.unit), _show(f.median, f.unit)
    if f.section == "conversion" and f.name != "win rate":
        a, _, b = f.name.partition(" to ")
        text = f"{a}s move on to {b} at {this} against your usual {usual}"
    else:
        text = f"{f.name} is {this} against your usual {usual}"
    why = _DIAGNOSIS.get(f.name)
    return f"{text}: {why}" if why else text


def holes(figures: list[Figure], limit: int = 3) -> list[str]:
    """The funnel step that loses most, then the other biggest gaps, worst first.

    A gap is how far a figure is on its worse side of the typical range, relative to the
    usual value (with a floor so tiny usual values do not dominate).
    """
    worse = [f for f in figures if f.worse and f.value is not None and f.median is not None]
    worse.sort(key=lambda f: -_gap(f))
    funnel = [f for f in worse if f.section in ("reach", "conversion")]
    out = []
    if funnel:
        out.append(f"the funnel step that loses most: {_sentence(funnel[0])}")
    out.extend(_sentence(f) for f in worse if not funnel or f is not funnel[0])
    return out[:limit]


def _show(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    if unit == "rate":
        return f"{v:.0%}"
    if unit == "days":
        return f"{v:.1f} days"
    if unit == "score":
        return f"{v:.1f}"
    return f"{v:g}"


def show(v: float | None, unit: str) -> str:
    return "" if v is None else _show(v, unit)
