"""``baseline``, ``pipeline`` and ``plan``: the weekly review."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from salestrack.cli.options import FormatOpt, check_format

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | None]) -> str:
    """``▁▃█`` for a list of numbers (a blank for a missing one)."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = high - low
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        elif span == 0:
            out.append(BARS[3])
        else:
            out.append(BARS[round((v - low) / span * (len(BARS) - 1))])
    return "".join(out)


def baseline(
    weeks: Annotated[
        int, typer.Option("--weeks", min=2, max=104, help="Trailing weeks to compare with.")
    ] = 8,
    week: Annotated[
        str | None,
        typer.Option("--week", metavar="YYYY-Www", help="The week to review (default: this week)."),
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """This week against your trailing weeks: activity, reach, wins, lag, stages, quality."""
    from salestrack import clock, config, dates
    from salestrack.errors import InvalidInput
    from salestrack.output.render import choose_format, to_csv, to_json, to_jsonl
    from salestrack.services import baseline as service
    from salestrack.store.sql import reader

    fmt = check_format(fmt)
    now, tz = clock.now(), dates.local_tz()
    try:
        with reader(config.resolve()) as r:
            report = service.build(r, chosen=week, trailing=weeks, now=now, tz=tz)
    except dates.DateParseError as exc:
        raise InvalidInput("--week", str(exc)) from None
    chosen = choose_format(fmt)
    if chosen != "table":
        from salestrack.output.render import Column, Table

        table = Table("baseline", [Column(c) for c in service.COLUMNS], report.rows())
        writer = {"csv": to_csv, "json": lambda t: to_json(t) + "\n", "jsonl": to_jsonl}[chosen]
        typer.echo(writer(table), nl=False)
        return
    _print_baseline(report)


def _print_baseline(report: Any) -> None:
    from rich.table import Table as RichTable

    from salestrack.output.console import stdout_console
    from salestrack.services.baseline import show

    w = report.week
    so_far = " (so far)" if report.partial else ""
    first, last = report.weeks[0].label, report.weeks[-2].label
    table = RichTable(
        title=f"Baseline: {w.label}{so_far} against {first} to {last}",
        header_style="bold",
        title_justify="left",
    )
    for name, justify in (("figure", "left"), ("this week", "right"), ("usual", "right"),
                          ("typical range", "right"), ("", "left"), ("trend", "left")):  # fmt: skip
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    section = None
    for f in report.figures:
        if f.section != section:
            if section is not None:
                table.add_section()
            section = f.section
        band = f"{show(f.low, f.unit)} - {show(f.high, f.unit)}" if f.low is not None else ""
        mark = {"below": "▼ below", "above": "▲ above"}.get(f.flag, "")
        if f.worse:
            mark += " !"
        table.add_row(
            f.name, show(f.value, f.unit) or "-", show(f.median, f.unit), band, mark,
            sparkline(f.values),
        )  # fmt: skip
    console = stdout_console()
    console.print(table)
    if report.holes:
        console.print("Holes:")
        for text in report.holes:
            console.print(f"  - {text}")
    else:
        console.print("Holes: none; this week is within your usual range where it matters.")
    if report.worst_lags:
        console.print("Slowest follow-ups this week:")
        for lag in report.worst_lags:
            console.print(f"  - {lag['prospect']}: {lag['days']:.1f} days")
    if report.lost_reasons:
        reasons = ", ".join(f"{r} ({n})" for r, n in report.lost_reasons)
        console.print(f"Lost reasons over the period: {reasons}")


def pipeline(
    gaps: Annotated[
        bool,
        typer.Option("--gaps", help="List the prospects with a gap instead of the stage totals."),
    ] = False,
    fmt: FormatOpt = None,
) -> None:
    """Prospects and value per stage, and the gaps: no next step, overdue, stalled, waiting."""
    from salestrack import clock, config
    from salestrack.output.render import Column, Table, render
    from salestrack.output.show import when
    from salestrack.services import brief
    from salestrack.services import pipeline as service
    from salestrack.store.sql import reader

    fmt = check_format(fmt)
    now = clock.now()
    with reader(config.resolve()) as r:
        found, usual = service.lines(r, now=now)
        stages = brief.stages(r)
    if gaps:
        table = Table(
            title="Pipeline gaps",
            columns=[
                Column("name", "prospect"),
                Column("stage"),
                Column("value", justify="right", show=_money),
                Column("days_in_stage", "days in stage", justify="right"),
                Column("next_step", "next step"),
                Column("due_at", "due", show=when),
                Column("gaps"),
            ],
            rows=[line.as_row() for line in found if line.gaps],
            empty="no gaps: every open prospect has a next step on time",
        )
        render(table, fmt)
        return
    rows = service.by_stage(found, usual, stages)
    table = Table(
        title="Pipeline",
        columns=[
            Column("stage"),
            Column("prospects", justify="right"),
            Column("value", justify="right", show=_money),
            Column("no_next_step", "no next step", justify="right"),
            Column("overdue", justify="right"),
            Column("stalled", justify="right"),
            Column("waiting", justify="right"),
            Column("usual_days", "usual days", justify="right"),
        ],
        rows=rows,
        caption="stalled: in the stage longer than usual with no step ahead; "
        "waiting: as long, but a step is scheduled. --gaps lists them.",
    )
    render(table, fmt)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def plan(
    deals: Annotated[int, typer.Option("--deals", help="Deals to close.")],
    by: Annotated[str, typer.Option("--by", metavar="DATE", help="By when, e.g. 2026-12-31.")],
    weeks: Annotated[
        int, typer.Option("--weeks", min=1, max=104, help="Weeks of history the rates come from.")
    ] = 12,
    fmt: FormatOpt = None,
) -> None:
    """The reverse funnel: dials, conversations and meetings a day to close N deals by then."""
    from salestrack import clock, config, dates
    from salestrack.output.console import say
    from salestrack.output.render import Column, Table, render
    from salestrack.services import capture
    from salestrack.services import pipeline as service
    from salestrack.store.sql import reader

    fmt = check_format(fmt)
    now, tz = clock.now(), dates.local_tz()
    until = capture.parse_time("--by", by, now, "future", None).astimezone(tz).date()
    with reader(config.resolve()) as r:
        result = service.plan(r, deals=deals, by=until, weeks=weeks, now=now, tz=tz)
    per = {
        "dials": "conversations per dial",
        "conversations": "meetings per conversation",
        "meetings": "deals per meeting",
    }
    table = Table(
        title=f"{deals} deals by {until:%a %d %b %Y}: {result.working_days} working days",
        columns=[
            Column("step"),
            Column("total", justify="right"),
            Column("per_day", "a day", justify="right"),
            Column(
                "rate", "your rate", justify="right", show=lambda v: "" if v is None else f"{v:.1%}"
            ),
        ],
        rows=result.rows(),
    )
    render(table, fmt)
    say(
        f"rates from your last {weeks} weeks: "
        + ", ".join(f"{result.rates[k]:.1%} {v}" for k, v in per.items())
    )
