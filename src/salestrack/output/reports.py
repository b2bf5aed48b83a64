"""How the weekly review's reports look: the baseline, team baseline and quality tables, the
coaching page; and their JSON documents. Every figure is shown with its sample.

The tables fit 80 columns: a figure's value and its sample share a cell (``15% (31/209)``),
the flag is one short column, the trend is a sparkline of at most :data:`TREND` weeks.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from salestrack.output import show
from salestrack.output.charts import sparkline
from salestrack.output.show import percent

TREND = 13  # weeks of sparkline in a table (the JSON has them all)
WIDE = 96  # a terminal narrower than this shows no trend column
LEGEND = (
    "k/n: successes of trials; (n): stays, follow-ups or scored conversations; "
    "~ a usual from under 4 weeks; ! worse than usual with evidence; "
    "too few: under the minimum sample (docs/reports.md)"
)


def number(v: float | None, unit: str) -> str:
    """A value alone, compact: ``15%``, ``7.1d``, ``3.25``, ``211.5``."""
    return show.value(v, unit)


def sample(value: float | None, k: int | None, n: int | None, unit: str) -> str:
    """A value with what it rests on: ``15% (31/209)``, ``7.1d (38)``, ``209``; ``-`` for
    no value."""
    if value is None:
        return "-" if not n else f"- ({n:,})"
    shown = number(value, unit)
    if unit == "count":
        return shown
    if k is not None:
        return f"{shown} ({k:,}/{n or 0:,})"
    return f"{shown} ({n or 0:,})"


def band(low: float | None, high: float | None, unit: str) -> str:
    """``24-28%``, ``171-230``, ``5.2-9.1d``."""
    if low is None or high is None:
        return ""
    if unit == "rate":
        return f"{percent(low).rstrip('%')}-{percent(high)}"
    if unit == "days":
        return f"{low:.1f}-{high:.1f}d"
    if unit == "hours":
        return f"{low:.1f}-{high:.1f}h"
    if unit == "score":
        return f"{low:.2f}-{high:.2f}"
    return f"{low:,.0f}-{high:,.0f}"


def mark(flag: str, alert: bool) -> str:
    """``▼ !`` below and worse, ``▲`` above, ``too few``."""
    arrow = {"below": "▼", "above": "▲"}.get(flag)
    if arrow is None:
        return flag
    return f"{arrow} !" if alert else arrow


def span(first: str, last: str) -> str:
    """``2026-W45 to W46``; the year again when it changes."""
    same = first[:4] == last[:4]
    return f"{first} to {last[5:] if same else last}"


def write_json(document: Any) -> None:
    """A report's JSON document (never NaN or an infinity: the contract is JSON)."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n")


def write_rows(rows: list[dict[str, Any]], columns: Sequence[str], fmt: str) -> None:
    """Rows as CSV (a list in a cell as numbers separated by spaces, ``-`` for none) or JSON
    lines."""
    if fmt == "jsonl":
        for row in rows:
            line = {c: row.get(c) for c in columns}
            sys.stdout.write(json.dumps(line, ensure_ascii=False, allow_nan=False) + "\n")
        return
    import csv
    import io

    from salestrack.output.render import csv_cell

    def cell(v: Any) -> str:
        if isinstance(v, list):
            return " ".join("-" if x is None else csv_cell(x) for x in v)
        return csv_cell(v)

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    sys.stdout.write(buffer.getvalue())


def _table(title: str, columns: Sequence[tuple[str, str]], wrap: int = 0) -> Any:
    """A table whose column ``wrap`` alone may wrap; numbers never do."""
    from rich import box
    from rich.table import Table as RichTable

    table = RichTable(
        title=title, title_justify="left", header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False
    )
    for i, (name, justify) in enumerate(columns):
        table.add_column(name, justify=justify, no_wrap=i != wrap)  # type: ignore[arg-type]
    return table


def print_baseline(report: Any) -> None:
    """The baseline on a terminal: the figures, then the holes, the slowest follow-ups and
    the lost reasons. Names (stages, prospects, reasons) are shown, never obeyed."""
    from salestrack.output.console import stdout_console, visible

    w = report.week
    title = f"Baseline: {w.label}" + (" (so far)" if report.partial else "")
    if report.segment:
        title += f", segment {report.segment}"
    if getattr(report, "tag", None):
        title += f", tagged {visible(report.tag)}"
    trailing = report.trailing
    if trailing:
        weeks = len(trailing)
        title += f" against {span(trailing[0].label, trailing[-1].label)} ({weeks} week"
        title += ("s" if weeks != 1 else "") + (", provisional)" if report.provisional else ")")
    else:
        title += ": no trailing week with activity yet, so no usual"
    console = stdout_console()
    trend = console.width >= WIDE  # the least important column goes first
    columns = [("figure", "left"), ("this week", "right"), ("usual", "right"),
               ("range", "right"), ("flag", "left")]  # fmt: skip
    if trend:
        columns.append(("trend", "left"))
    table = _table(title, columns)
    section = None
    for f in report.figures:
        if f.section != section:
            if section is not None:
                table.add_section()
            section = f.section
        usual = sample(f.usual, f.usual_k, f.usual_n, f.unit) if f.usual is not None else ""
        if usual and f.provisional:
            usual = "~" + usual
        cells = [visible(f.name), sample(f.value, f.k, f.n, f.unit), usual,
                 band(f.low, f.high, f.unit), mark(f.flag, f.alert)]  # fmt: skip
        if trend:
            cells.append(sparkline(f.values[-TREND:]))
        table.add_row(*cells)
    console.print(table)
    console.print(LEGEND, style="dim")
    print_holes(report.holes, console)
    if report.worst_lags:
        console.print("Slowest follow-ups this week:")
        for lag in report.worst_lags:
            console.print(f"  - {visible(lag['prospect'])}: {lag['days']:.1f} days", markup=False)
    if report.worst_replies:
        console.print("Slowest replies this week:")
        for r in report.worst_replies:
            console.print(
                f"  - {r['whose']}: {visible(r['prospect'])}, {r['hours']:.1f} hours",
                markup=False,
            )
    if report.lost_reasons:
        reasons = ", ".join(f"{visible(r)} ({n:,})" for r, n in report.lost_reasons)
        console.print(f"Lost reasons over the period: {reasons}", markup=False)


def hole_line(hole: Any) -> str:
    """One hole: its numbers, then its diagnosis (a stage's name shown, never obeyed)."""
    from salestrack.output.console import visible

    text = f"{hole.text}; {hole.diagnosis}" if hole.diagnosis else hole.text
    return visible(text)


def print_holes(holes: Sequence[Any], console: Any) -> None:
    if not holes:
        console.print(
            "Holes: nothing holds up as a hole this week (no figure is worse than usual "
            "with enough evidence)."
        )
        return
    import textwrap

    console.print("Holes, by what they cost:")
    width = max(40, console.width - 1)
    for i, hole in enumerate(holes, 1):
        lead = f"  {i}. "
        text = textwrap.fill(hole_line(hole), width, initial_indent=lead,
                             subsequent_indent=" " * len(lead))  # fmt: skip
        console.print(text, markup=False, soft_wrap=True)


def print_team(found: Any) -> None:
    """The team baseline on a terminal: each rep's headline figures with their samples."""
    from salestrack.output.console import stderr_console, stdout_console, visible

    if not found.rows:
        stderr_console().print("no activity in the period (as a manager you read every rep's rows)")
        return
    title = f"Team baseline: {found.week}" + (" (so far)" if found.partial else "")
    columns = (("rep", "left"), ("figure", "left"), ("this week", "right"),
               ("their usual", "right"), ("team usual", "right"), ("flag", "left"))  # fmt: skip
    table = _table(title, columns, wrap=1)
    figure = None
    for row in found.rows:
        if row["figure"] != figure:
            if figure is not None:
                table.add_section()
            figure = row["figure"]
        unit = row["unit"]
        usual = "" if row["usual"] is None else sample(row["usual"], row["usual_k"],
                                                       row["usual_n"], unit)  # fmt: skip
        if usual and row["provisional"]:
            usual = "~" + usual
        team = number(row["team_usual"], unit)
        if team:
            team += f" ({row['team_reps']} rep{'s' if row['team_reps'] != 1 else ''})"
        table.add_row(visible(row["rep"]), visible(row["figure"]),
                      sample(row["value"], row["k"], row["n"], unit),
                      usual, team, mark(row["flag"], row["alert"]))  # fmt: skip
    console = stdout_console()
    console.print(table)
    console.print(LEGEND + "; team usual: the median of the reps' usual values", style="dim")


# -- the coaching page -----------------------------------------------------------------------

WIN_WORDS = {  # a win's source: one, several
    "explicit": ("win of your own", "wins of your own"),
    "new_intel": ("new fact learned", "new facts learned"),
    "first_gatekeeper": ("first gatekeeper name", "first gatekeeper names"),
    "first_decision_maker": (
        "first decision-maker conversation",
        "first decision-maker conversations",
    ),
}


def plural(n: int, one: str, many: str | None = None) -> str:
    """``1 dial``, ``2 dials``, ``1,200 dials``."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def wins_summary(rows: Sequence[dict[str, Any]], dials: int) -> str:
    """``37 wins from 209 dials: 12 first decision-maker conversations, 11 new facts learned``."""
    from collections import Counter

    by = Counter(r["source"] for r in rows)
    kinds = ", ".join(
        plural(n, *WIN_WORDS.get(source, (source, source))) for source, n in by.most_common()
    )
    text = f"{plural(len(rows), 'win')} from {plural(dials, 'dial')}"
    return text + (f": {kinds}" if kinds else "")


def _verdict(f: Any) -> str:
    if f.flag in ("below", "above"):
        return "worse" if f.alert else "changed" if f.worse == "neutral" else "better"
    return str(f.flag)


def coach_markdown(page: Any) -> str:
    """The coaching page as Markdown (user text in it shown, never obeyed)."""
    from salestrack.output.console import visible

    report = page.report
    w = report.week
    lines = [f"# Coaching: {w.label}" + (" (so far)" if report.partial else ""), ""]
    trailing = report.trailing
    if trailing:
        weeks = plural(len(trailing), "week")
        lines += [f"Against {trailing[0].label} to {trailing[-1].label} ({weeks}"
                  + (", provisional)." if report.provisional else ")."), ""]  # fmt: skip
    else:
        lines += ["No trailing week with activity yet: there is no usual to compare with.", ""]
    lines += ["Each figure shows what it rests on: k/n for a rate, (n) for the stays, follow-ups "
              "or scored conversations; worse or better only where the evidence holds "
              "(docs/reports.md).", ""]  # fmt: skip
    lines += ["## The numbers against the usual", "", "| figure | this week | usual | range | |",
              "| --- | ---: | ---: | ---: | --- |"]  # fmt: skip
    for f in page.numbers:
        usual = "" if f.usual is None else sample(f.usual, f.usual_k, f.usual_n, f.unit)
        lines.append(
            f"| {visible(f.name)} | {sample(f.value, f.k, f.n, f.unit)} | {usual} | "
            f"{band(f.low, f.high, f.unit)} | {_verdict(f)} |"
        )
    lines += ["", "## Quality", ""]
    scored = [f for f in page.scores if f.unit == "score"]
    lines += [
        f"- {f.name}: {number(f.value, f.unit) or '-'} over "
        f"{plural(f.n or 0, 'scored conversation')} (usual {number(f.usual, f.unit) or '-'} "
        f"over {f.usual_n or 0:,}){'; ' + _verdict(f) if _verdict(f) else ''}"
        for f in scored
    ] or ["- no conversations scored"]
    lines += ["", "## Focus", "", f"- {page.focus.describe()}" if page.focus else "- none yet"]
    lines += ["", "## Wins", "", wins_summary(page.wins, page.dials), ""]
    lines += [f"- {visible(r['prospect'])}: {visible(r['text'])}" for r in page.wins[:15]]
    lines += ["", "## Holes, by what they cost", ""]
    lines += [f"{i}. {hole_line(h)}" for i, h in enumerate(report.holes, 1)] or [
        "- nothing holds up as a hole this week: no figure is worse than usual with enough evidence"
    ]
    lines += ["", "## Checklist for the conversation", "",
              "- [ ] What went well this week, and why?",
              "- [ ] The first hole above: what is the cause?",
              "- [ ] One quality point to practise (the focus) and how",
              "- [ ] Next week's target: dials, conversations, meetings"]  # fmt: skip
    return "\n".join(lines) + "\n"


def print_quality(result: Any, focus: Any) -> None:
    """The quality report on a terminal: the weekly averages with how many conversations each
    rests on, then whether quality predicts progress, the segment mix and the focus."""
    from salestrack.output.console import stdout_console

    by_segment = any(w["segment"] != "all" for w in result.weekly)
    columns = [("week", "left")] + ([("segment", "left")] if by_segment else [])
    columns += [("scored", "right"), ("value", "right"), ("uncovered", "right"),
                ("openness", "right"), ("commitment", "right"), ("overall", "right")]  # fmt: skip
    title = f"Conversation quality, {result.weeks[0].label} to {result.weeks[-1].label}"
    table = _table(title + (" (so far)" if result.partial else ""), columns)
    for w in result.weekly:
        cells = [w["week"]] + ([w["segment"]] if by_segment else [])
        cells += [f"{w['conversations']:,}"] + [
            number(w[d], "score") or "-"
            for d in ("value", "uncovered", "openness", "commitment", "overall")
        ]
        table.add_row(*cells)
    console = stdout_console()
    console.print(table)
    trend = quality_trend_lines(result)
    if trend:
        _print_lines(trend)
    console.print(result.prediction.text(result.days))
    if result.mix_note:
        console.print(result.mix_note)
    if focus is not None:
        console.print(f"Focus today: {focus.describe()}")


# -- charts under the tables (a terminal table only; never in CSV or JSON) --------------------


def _print_lines(lines: Sequence[str], *, last_column: int | None = None) -> None:
    from salestrack.output import charts
    from salestrack.output.console import stdout_console

    stdout_console().print(charts.styled(lines, last_column=last_column), soft_wrap=True)


def print_funnel(rows: Sequence[dict[str, Any]]) -> None:
    """The pipeline's funnel: the prospects and the value in each open stage, as bars (the
    same numbers as the table above it)."""
    from salestrack.output import charts
    from salestrack.output.console import stdout_console, visible

    if not rows:
        return
    width = charts.width_of(stdout_console())
    series = [
        charts.Series("prospects", [float(r["prospects"]) for r in rows],
                      [f"{r['prospects']:,}" for r in rows]),
        charts.Series("value", [float(r["value"] or 0) for r in rows],
                      [f"{r['value'] or 0:,.0f}" for r in rows]),
    ]  # fmt: skip
    lines = charts.bars([visible(str(r["stage"])) for r in rows], series, width)
    stdout_console().print("Funnel: open prospects and their value, by stage", style="bold")
    _print_lines(lines)


def figure_chart_lines(report: Any, f: Any, width: int) -> tuple[list[str], int]:
    """One figure's weeks as columns with its usual band, and the line saying what this
    week, the usual and the band rest on."""
    from salestrack.output import charts

    labels = [w.label for w in report.weeks][report.first :]
    values = f.values[report.first :]
    lines, at = charts.columns(
        labels,
        values,
        low=f.low,
        high=f.high,
        shown=lambda v: number(v, f.unit) or "0",
        width=width,
    )
    usual = sample(f.usual, f.usual_k, f.usual_n, f.unit) if f.usual is not None else "none yet"
    lines.append(
        f"this week {sample(f.value, f.k, f.n, f.unit)} · usual {usual}"
        + (f" · usual range {band(f.low, f.high, f.unit)} (░)" if f.low is not None else "")
        + (f" · {mark(f.flag, f.alert)}" if f.flag else "")
    )
    return lines, at


def print_figure_chart(report: Any, f: Any) -> None:
    """``baseline --chart FIGURE``: the figure's weeks, this week last (highlighted)."""
    from salestrack.output import charts
    from salestrack.output.console import stdout_console, visible

    console = stdout_console()
    trailing = report.trailing
    title = f"{visible(f.name)}, {report.week.label}" + (" (so far)" if report.partial else "")
    if trailing:
        title += f" against {span(trailing[0].label, trailing[-1].label)}"
    console.print(title, style="bold", markup=False)
    lines, at = figure_chart_lines(report, f, charts.width_of(console))
    _print_lines(lines, last_column=at)


def quality_trend_lines(result: Any) -> list[str]:
    """Each dimension's weekly average as a sparkline (a blank for a week with none scored),
    with this week's average and the conversations it rests on."""
    from salestrack import vocab
    from salestrack.output import charts

    weekly = [w for w in result.weekly if w["segment"] == "all"]
    if not any(w["conversations"] for w in weekly):
        return []
    last = weekly[-1]
    lines = [f"Trend, {weekly[0]['week']} to {last['week'][5:]} (this week last):"]
    for d in (*vocab.QUALITY_DIMENSIONS, "overall"):
        spark = charts.sparkline([w[d] for w in weekly])
        now = number(last[d], "score") or "-"
        lines.append(f"  {d:<10} {spark}  {now} ({last['conversations']:,} scored this week)")
    return lines


def wins_trend_lines(report: Any, width: int) -> tuple[list[str], int]:
    """The wins by week with their usual band, and wins per dial (baseline's figures)."""
    by = {f.name: f for f in report.figures}
    lines, at = figure_chart_lines(report, by["wins"], width)
    per = by["wins per dial"]
    from salestrack.output import charts

    spark = charts.sparkline(per.values[report.first :])
    usual = sample(per.usual, per.usual_k, per.usual_n, "rate") if per.usual is not None else "-"
    lines.append(
        f"wins per dial {spark}  this week {sample(per.value, per.k, per.n, 'rate')}, usual {usual}"
    )
    return lines, at


def print_wins_trend(report: Any) -> None:
    from salestrack.output import charts
    from salestrack.output.console import stdout_console

    console = stdout_console()
    first = report.weeks[report.first].label
    console.print(f"Wins by week, {span(first, report.week.label)}", style="bold")
    lines, at = wins_trend_lines(report, charts.width_of(console))
    _print_lines(lines, last_column=at)


def crc_trend_lines(months: Sequence[tuple[str, int, int]], width: int) -> list[str]:
    """The share of A by month as bars: per month (month, A grades, grades), each bar with
    the grades it rests on."""
    from salestrack.output import charts

    shares = [a / n if n else 0.0 for _, a, n in months]
    shown = [f"{s:.0%} ({a} of {n} A)" for s, (_, a, n) in zip(shares, months, strict=True)]
    series = [charts.Series("share of A", shares, shown, top=1.0)]
    return charts.bars([m for m, _, _ in months], series, width)
