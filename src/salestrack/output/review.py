"""The weekly review and the team review as standalone HTML pages (charts as inline SVG, see
:mod:`salestrack.output.svg`). Every number comes from the review's reports as they are; every
piece of user text (a prospect, a stage, a lost reason, a rep) is escaped."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from typing import Any

from salestrack.output import svg
from salestrack.output.console import visible
from salestrack.output.documents import day, when
from salestrack.output.pages import page
from salestrack.output.reports import band, mark, number, sample, span

READ_ME = (
    "Each chart shows your own weeks. The shaded band is your usual range (the 95% range of "
    "your trailing weeks); the orange point is this week. A number in brackets is what a "
    "figure rests on: 31/209 is 31 of 209 dials, (38) is 38 follow-ups, stays or scored "
    "conversations. A figure is flagged only where the evidence holds (the chance of a week "
    "this far from the usual by luck alone is under 2.5%)."
)


def _t(text: object) -> str:
    """User or report text, shown as typed: control characters written out, markup escaped."""
    return escape(visible(str(text)))


def _week_days(w: Any) -> str:
    """``Mon 16 Nov 2026 to Sun 22 Nov 2026`` for a week (its seven days, whatever is over)."""
    return f"{day(w.start)} to {day(w.start + timedelta(days=6))}"


def _flag_cell(f: Any) -> str:
    text = mark(f.flag, f.alert)
    if f.flag in ("below", "above"):
        word = "worse" if f.alert else "better" if f.worse != "neutral" else "changed"
        css = "flag-worse" if f.alert else "flag-better"
        return f'<span class="{css}">{escape(text)} {word}</span>'
    return escape(text)


def _usual(f: Any) -> str:
    if f.usual is None:
        return "none yet"
    shown = sample(f.usual, f.usual_k, f.usual_n, f.unit)
    return ("~" if f.provisional else "") + shown


def _trend(review: Any, f: Any) -> str:
    report = review.baseline
    labels = [w.label for w in report.weeks][report.first :]
    values = f.values[report.first :]
    this = sample(f.value, f.k, f.n, f.unit)
    desc = (
        f"{f.name} by week, {labels[0]} to {labels[-1]}: "
        + ", ".join(
            f"{lab[-3:]} {number(v, f.unit) or 'none'}"
            for lab, v in zip(labels, values, strict=True)
        )
        + f". This week {this}; usual {_usual(f)}"
        + (f", usual range {band(f.low, f.high, f.unit)}" if f.low is not None else "")
        + "."
    )
    chart = svg.line(
        f"{f.name}: week by week", desc, labels, values, low=f.low, high=f.high,
        shown=lambda v: number(v, f.unit) or "0",
    )  # fmt: skip
    rng = f" · range {escape(band(f.low, f.high, f.unit))}" if f.low is not None else ""
    return (
        f'<figure data-figure="{escape(f.name)}">{chart}<figcaption><b>{_t(f.name)}</b>: '
        f"this week {escape(this)} · usual {escape(_usual(f))}{rng}"
        + (f" · {_flag_cell(f)}" if f.flag else "")
        + "</figcaption></figure>"
    )


def _rate_bars(title: str, figures: list[Any], label: Any) -> str:
    """This week's rate and the usual rate of each figure, as pairs of bars."""
    if not figures:
        return '<p class="muted">Nothing to show yet.</p>'
    labels = [label(f) for f in figures]
    this = svg.Bars("this week", [f.value for f in figures],
                    [sample(f.value, f.k, f.n, f.unit) for f in figures], top=1.0)  # fmt: skip
    usual = svg.Bars("usual", [f.usual for f in figures], [_usual(f) for f in figures], top=1.0)
    desc = "; ".join(
        f"{lab}: this week {sample(f.value, f.k, f.n, f.unit)}, usual {_usual(f)}"
        for lab, f in zip(labels, figures, strict=True)
    )
    return svg.bars(title, desc, labels, [this, usual])


def _figure_table(figures: list[Any], caption: str) -> str:
    head = (
        f'<table><caption class="muted">{escape(caption)}</caption><thead><tr>'
        '<th scope="col">figure</th><th scope="col" class="n">this week</th>'
        '<th scope="col" class="n">usual</th><th scope="col" class="n">range</th>'
        '<th scope="col">flag</th><th scope="col" class="n">evidence</th></tr></thead><tbody>'
    )
    body = "".join(
        f'<tr><th scope="row">{_t(f.name)}</th><td class="n">'
        f'{escape(sample(f.value, f.k, f.n, f.unit))}</td><td class="n">{escape(_usual(f))}'
        f'</td><td class="n">{escape(band(f.low, f.high, f.unit))}</td><td>{_flag_cell(f)}</td>'
        f'<td class="n">{"" if f.p is None else escape(f"p = {f.p:.2g} ({f.test})")}</td></tr>'
        for f in figures
    )
    return head + body + "</tbody></table>"


def review_html(review: Any, now: datetime) -> str:
    """The weekly review page."""
    report = review.baseline
    w = report.week
    trailing = report.trailing
    title = f"Weekly review: {w.label}" + (" (so far)" if report.partial else "")
    against = (
        f"against {span(trailing[0].label, trailing[-1].label)} ({len(trailing)} week"
        f"{'s' if len(trailing) != 1 else ''}{', provisional' if report.provisional else ''})"
        if trailing
        else "no trailing week with activity yet, so no usual"
    )
    by = {f.name: f for f in report.figures}
    dials, conv, meet = by["dials"], by["conversation rate"], by["meeting set rate"]
    per = by["wins per dial"]
    kpis = [
        (
            "dials",
            f"{dials.n or 0:,}",
            f"usual {number(dials.usual, 'count') or '-'} "
            + ("by this point of a week" if report.partial else "a week"),
        ),
        ("conversations", f"{conv.k or 0:,}", f"of {conv.n or 0:,} dials"),
        ("meetings set", f"{meet.k or 0:,}", f"of {meet.n or 0:,} dials"),
        (
            "small wins",
            f"{by['wins'].n or 0:,}",
            sample(per.value, per.k, per.n, "rate") + " per dial",
        ),
        ("holes", f"{len(report.holes)}", "worse than usual, with evidence"),
    ]
    parts = [
        f"<header><h1>{escape(title)}</h1>",
        f'<p class="muted">{escape(_week_days(w))}, {escape(against)} · printed '
        f"{escape(when(now))}</p>",
        f'<p class="lead">{escape(READ_ME)}</p></header>',
        '<section aria-labelledby="glance"><h2 id="glance">This week at a glance</h2>'
        '<div class="kpis">'
        + "".join(
            f'<div class="kpi">{escape(k)}<b>{escape(v)}</b><small>{escape(s)}</small></div>'
            for k, v, s in kpis
        )
        + "</div></section>",
        '<section aria-labelledby="trends"><h2 id="trends">The headline figures, week by week'
        '</h2><div class="grid2">'
        + "".join(_trend(review, f) for f in review.headline())
        + "</div></section>",
    ]
    # -- flags and holes
    holes = report.holes
    hole_items = "".join(
        f"<li><b>{_t(h.figure.name)}</b>: {_t(h.text)}"
        + (f"; {_t(h.diagnosis)}" if h.diagnosis else "")
        + (
            f' <span class="muted">(p = {h.figure.p:.2g}, {escape(h.figure.test)})</span>'
            if h.figure.p is not None
            else ""
        )
        + "</li>"
        for h in holes
    )
    flagged = review.flagged()
    parts.append(
        '<section aria-labelledby="holes"><h2 id="holes">Flags and holes</h2>'
        + (
            f"<h3>Holes, by what they cost</h3><ol>{hole_items}</ol>"
            if holes
            else "<p>Nothing holds up as a hole this week: no figure is worse than usual with "
            "enough evidence.</p>"
        )
        + (
            _figure_table(flagged, "Every figure outside its usual range with evidence")
            if flagged
            else '<p class="muted">No figure is outside its usual range with evidence.</p>'
        )
        + "</section>"
    )
    # -- the funnel
    reach = [f for f in review.section("reach") if f.name != "gatekeeper rate"]
    steps = [f for f in review.section("conversion") if f.unit == "rate"]
    parts.append(
        '<section aria-labelledby="funnel"><h2 id="funnel">The funnel: from dials to won</h2>'
        f"<p>{dials.n or 0:,} dials this week. Each step's rate this week (dark) against your "
        "usual (light); the reach rates are per dial, the stage steps per prospect leaving the "
        "stage (moved on to the next stage or beyond).</p>"
        "<h3>From the dial</h3>"
        + _rate_bars("Reach per dial: this week against the usual", reach, lambda f: f.name)
        + "<h3>Through the stages</h3>"
        + _rate_bars("Stage to stage: this week against the usual", steps, lambda f: f.name)
        + _figure_table(reach + steps, "The funnel's numbers")
        + "</section>"
    )
    # -- time in each stage
    stays = review.section("duration")
    this = svg.Bars("this week", [f.value for f in stays],
                    [sample(f.value, f.k, f.n, f.unit) for f in stays])  # fmt: skip
    usual = svg.Bars("usual", [f.usual for f in stays], [_usual(f) for f in stays])
    labels = [f.name.removeprefix("days in ").removesuffix(" (median)") for f in stays]
    desc = "; ".join(
        f"{lab}: median {sample(f.value, f.k, f.n, f.unit)} this week, usual {_usual(f)}"
        for lab, f in zip(labels, stays, strict=True)
    )
    parts.append(
        '<section aria-labelledby="stages"><h2 id="stages">Time in each stage</h2>'
        "<p>The median days a prospect spent in a stage, over the stays that ended this week "
        "(in brackets: how many), against your usual.</p>"
        + svg.bars("Median days in each stage", desc, labels, [this, usual])
        + "</section>"
    )
    # -- follow-up lag
    lag = by["follow-up lag (median)"]
    buckets = review.lags()
    shown_this = [f"{b['this_week']:,}" + (f" ({b['share']:.0%})" if b["share"] is not None else "")
                  for b in buckets]  # fmt: skip
    shown_usual = [
        f"{b['usual']:,}" + (f" ({b['usual_share']:.0%})" if b["usual_share"] is not None else "")
        for b in buckets
    ]
    desc = "; ".join(
        f"{b['bucket']}: {t} this week, {u} in the trailing weeks"
        for b, t, u in zip(buckets, shown_this, shown_usual, strict=True)
    )
    parts.append(
        '<section aria-labelledby="lag"><h2 id="lag">Follow-up lag</h2>'
        f"<p>How long each of your {lag.n or 0:,} follow-ups this week came after the touch "
        f"before it, yours or the prospect's: median "
        f"{escape(sample(lag.value, lag.k, lag.n, lag.unit))} against your usual "
        f"{escape(_usual(lag))}{' · ' + _flag_cell(lag) if lag.flag else ''}. Bars: the "
        "share of follow-ups in each bucket, this week (dark) and in the trailing weeks (light), "
        "with their counts.</p>"
        + svg.bars(
            "Follow-ups by how long they waited",
            desc,
            [b["bucket"] for b in buckets],
            [
                svg.Bars("this week", [b["share"] for b in buckets], shown_this, top=1.0),
                svg.Bars(
                    "trailing weeks", [b["usual_share"] for b in buckets], shown_usual, top=1.0
                ),
            ],
        )
        + _slowest(report)
        + "</section>"
    )
    # -- wins per dial
    parts.append(
        '<section aria-labelledby="wins"><h2 id="wins">Small wins</h2><p>A call that learned a '
        "gatekeeper's name or a day the decision maker is out still succeeded: those are the "
        "small wins, counted per dial (the headline chart above); here, how many a week."
        '</p><div class="grid2">' + _trend(review, by["wins"]) + "</div></section>"
    )
    # -- quality by dimension
    scores = [f for f in review.section("quality") if f.unit == "score"]
    if scores:
        this = svg.Bars("this week", [f.value for f in scores],
                        [sample(f.value, f.k, f.n, f.unit) for f in scores], top=5.0)  # fmt: skip
        usual = svg.Bars("usual", [f.usual for f in scores], [_usual(f) for f in scores], top=5.0)
        desc = "; ".join(
            f"{f.name}: {sample(f.value, f.k, f.n, f.unit)} this week, usual {_usual(f)}"
            for f in scores
        )
        chart = svg.bars("Conversation quality by dimension (of 5)", desc,
                         [f.name for f in scores], [this, usual])  # fmt: skip
    else:
        chart = '<p class="muted">No conversation scored in these weeks.</p>'
    focus = review.focus
    parts.append(
        '<section aria-labelledby="quality"><h2 id="quality">Quality by dimension</h2>'
        "<p>The mean score (1 to 5) of the conversations scored this week (in brackets: how "
        "many), against your usual.</p>"
        + chart
        + f"<p>{_t(review.quality.prediction.text(review.quality.days))}.</p>"
        + (f"<p>{_t(review.quality.mix_note)}</p>" if review.quality.mix_note else "")
        + (f"<p><b>Focus</b>: {_t(focus.describe())}</p>" if focus else "")
        + "</section>"
    )
    # -- lost reasons
    lost = report.lost_reasons
    if lost:
        total = sum(n for _, n in lost)
        chart = svg.bars(
            "Why deals were lost",
            "; ".join(f"{r}: {n:,}" for r, n in lost),
            [r for r, _ in lost],
            [svg.Bars("deals lost", [float(n) for _, n in lost], [f"{n:,}" for _, n in lost])],
        )
        said = (
            f"<p>{total:,} deals lost over {len(report.weeks) - report.first} weeks, by reason.</p>"
        )
    else:
        chart, said = "", '<p class="muted">No deal lost in these weeks.</p>'
    parts.append(
        '<section aria-labelledby="lost"><h2 id="lost">Lost reasons</h2>'
        + said + chart + "</section>"
    )  # fmt: skip
    # -- the pipeline now
    stages = review.stages
    if stages:
        desc = "; ".join(
            f"{r['stage']}: {r['prospects']:,} prospects, value {r['value']:,.0f}" for r in stages
        )
        counts: list[float | None] = [float(r["prospects"]) for r in stages]
        values: list[float | None] = [float(r["value"]) for r in stages]
        # two units: each series to the scale of its own largest, as the terminal's funnel
        chart = svg.bars(
            "Open prospects and their value, by stage",
            desc,
            [str(r["stage"]) for r in stages],
            [
                svg.Bars("prospects", counts, [f"{r['prospects']:,}" for r in stages],
                         top=max(v or 0.0 for v in counts) or None),
                svg.Bars("value", values, [f"{r['value']:,.0f}" for r in stages],
                         top=max(v or 0.0 for v in values) or None),
            ],
        )  # fmt: skip
        gaps = sum(r["no_next_step"] for r in stages)
        over = sum(r["overdue"] for r in stages)
        stalled = sum(r["stalled"] for r in stages)
        chart += (
            f"<p>{gaps:,} open prospects with no next step, {over:,} with an overdue step, "
            f"{stalled:,} stalled (longer in their stage than usual, nothing ahead): "
            "salestrack pipeline --gaps lists them.</p>"
        )
    else:
        chart = '<p class="muted">No open prospect.</p>'
    parts.append(
        '<section aria-labelledby="pipeline"><h2 id="pipeline">The pipeline today</h2>'
        + chart + "</section>"
    )  # fmt: skip
    parts.append(
        '<footer><p class="muted">Made by salestrack review from the same numbers as '
        "salestrack baseline, quality and pipeline (-f json). docs/reports.md says what each "
        "figure counts.</p></footer>"
    )
    return page(title, "\n".join(parts))


def _slowest(report: Any) -> str:
    if not report.worst_lags:
        return ""
    items = "".join(
        f"<li>{_t(lag['prospect'])}: {lag['days']:.1f} days</li>" for lag in report.worst_lags
    )
    return f"<h3>Slowest follow-ups this week</h3><ul>{items}</ul>"


def team_review_html(found: Any, now: datetime) -> str:
    """The team review: per headline figure, each rep's week beside their own usual and the
    team's (the median of the reps' usual values)."""
    title = f"Team review: {found.week}" + (" (so far)" if found.partial else "")
    parts = [
        f"<header><h1>{escape(title)}</h1>",
        f'<p class="muted">{len(found.reps)} rep{"s" if len(found.reps) != 1 else ""} with '
        f"activity · printed {escape(when(now))}</p>",
        '<p class="lead">For each figure: each rep\'s week (the bar), their own usual (the '
        "black tick) and the team's usual (the dashed line: the median of the reps' usual "
        "values). In brackets: what the number rests on. A flag only where the evidence "
        "holds.</p></header>",
    ]
    if not found.rows:
        parts.append("<p>No activity in the period.</p>")
        return page(title, "\n".join(parts))
    figures: dict[str, list[dict[str, Any]]] = {}
    for row in found.rows:
        figures.setdefault(row["figure"], []).append(row)
    for name, rows in figures.items():
        unit = rows[0]["unit"]
        team = rows[0]["team_usual"]
        team_shown = f"{number(team, unit) or '-'} ({rows[0]['team_reps']} reps)"
        this = svg.Bars("this week", [r["value"] for r in rows],
                        [sample(r["value"], r["k"], r["n"], unit) for r in rows])  # fmt: skip
        usuals = [
            "none yet"
            if r["usual"] is None
            else sample(r["usual"], r["usual_k"], r["usual_n"], unit)
            for r in rows
        ]
        own = svg.Bars("their usual", [r["usual"] for r in rows], usuals)
        desc = (
            "; ".join(
                f"{r['rep']}: {sample(r['value'], r['k'], r['n'], unit)} this week, own usual {u}"
                for r, u in zip(rows, usuals, strict=True)
            )
            + f"; team usual {team_shown}"
        )
        chart = svg.marks(f"{name}: each rep this week", desc, [str(r["rep"]) for r in rows],
                          this, own, team, team_shown)  # fmt: skip
        table = (
            '<table><thead><tr><th scope="col">rep</th><th scope="col" class="n">this week</th>'
            '<th scope="col" class="n">their usual</th><th scope="col">flag</th></tr></thead>'
            "<tbody>"
            + "".join(
                f'<tr><th scope="row">{_t(r["rep"])}</th><td class="n">'
                f'{escape(sample(r["value"], r["k"], r["n"], unit))}</td><td class="n">'
                + escape(
                    ("~" if r["provisional"] else "")
                    + sample(r["usual"], r["usual_k"], r["usual_n"], unit)
                    if r["usual"] is not None
                    else "no usual yet"
                )
                + f"</td><td>{escape(mark(r['flag'], r['alert']))}"
                + (" worse" if r["alert"] else "")
                + "</td></tr>"
                for r in rows
            )
            + "</tbody></table>"
        )
        parts.append(
            f'<section data-figure="{escape(name)}"><h2>{_t(name)}</h2>{chart}{table}</section>'
        )
    return page(title, "\n".join(parts))
