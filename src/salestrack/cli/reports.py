"""``baseline``, ``pipeline`` and ``plan``: the weekly review."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from salestrack.cli.options import FormatOpt

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
    segment: Annotated[
        str | None,
        typer.Option("--segment", metavar="TIER", help="Only prospects of this segment (A, B...)."),
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """This week against your trailing weeks: activity, reach, wins, lag, stages, quality."""
    from salestrack import clock, config, dates
    from salestrack.errors import InvalidInput
    from salestrack.output.render import Column, Table, choose_format, render
    from salestrack.reports import baseline as service
    from salestrack.store.sql import read

    chosen = choose_format(fmt)
    now, tz = clock.now(), dates.local_tz()
    try:
        with read(config.resolve()) as r:
            report = service.build(r, chosen=week, trailing=weeks, now=now, tz=tz, segment=segment)
            # the focus is part of the screen, not of the figures scripts read
            chosen_focus = None
            if chosen == "table":
                from salestrack.reports import quality as quality_service

                chosen_focus = quality_service.focus(r, now=now)
    except dates.DateParseError as exc:
        raise InvalidInput("--week", str(exc)) from None
    if chosen != "table":
        render(Table("baseline", [Column(c) for c in service.COLUMNS], report.rows()), chosen)
        return
    _print_baseline(report)
    if chosen_focus is not None:
        from salestrack.output.console import stdout_console

        stdout_console().print(f"Focus today: {chosen_focus.describe()}")


def _print_baseline(report: Any) -> None:
    from rich.table import Table as RichTable

    from salestrack.output.console import stdout_console
    from salestrack.reports.baseline import show

    w = report.week
    so_far = " (so far)" if report.partial else ""
    if report.segment:
        so_far += f", segment {report.segment}"
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
        mark = {"below": "▼ below", "above": "▲ above"}.get(f.flag, "")
        if f.worse:
            mark += " !"
        table.add_row(
            f.name, show(f.value, f.unit) or "-", show(f.median, f.unit), f.band(), mark,
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
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", "-n", min=1, help="With --gaps: only the first N prospects, by name."
        ),
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """Prospects and value per stage, and the gaps: no next step, overdue, stalled, waiting."""
    from salestrack import clock, config
    from salestrack.errors import UsageError
    from salestrack.output.render import Column, Table, render
    from salestrack.output.show import when
    from salestrack.reports import pipeline as service
    from salestrack.store.sql import read

    if limit is not None and not gaps:
        raise UsageError("--limit: goes with --gaps (the totals are one row per stage)")
    now = clock.now()
    if gaps:
        with read(config.resolve()) as r:
            found, total, _ = service.gap_lines(r, now=now, limit=limit)
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
            rows=[line.as_row() for line in found],
            caption=f"{len(found):,} of {total:,} prospects with a gap"
            if total > len(found)
            else None,
            empty="no gaps: every open prospect has a next step on time",
        )
        render(table, fmt)
        return
    with read(config.resolve()) as r:
        rows = service.by_stage(r, now=now)
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
    from salestrack.capture import capture
    from salestrack.output.console import say
    from salestrack.output.render import Column, Table, render
    from salestrack.reports import pipeline as service
    from salestrack.store.sql import read

    now, tz = clock.now(), dates.local_tz()
    until = capture.parse_time("--by", by, now, "future", None).astimezone(tz).date()
    with read(config.resolve()) as r:
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
            Column("rate", "your rate", justify="right", show=_percent),
        ],
        rows=result.rows(),
    )
    render(table, fmt)
    say(
        f"rates from your last {weeks} weeks: "
        + ", ".join(f"{result.rates[k]:.1%} {v}" for k, v in per.items())
    )


def quality(
    weeks: Annotated[int, typer.Option("--weeks", min=1, max=104, help="Weeks to show.")] = 8,
    days: Annotated[
        int,
        typer.Option("--days", min=1, max=180, help="How soon a stage move counts as progress."),
    ] = 14,
    by_segment: Annotated[
        bool, typer.Option("--by-segment", help="Split every figure by segment.")
    ] = False,
    fmt: FormatOpt = None,
) -> None:
    """Conversation quality by week and dimension, and whether it predicts progress."""
    from salestrack import clock, config, dates
    from salestrack.output.console import say
    from salestrack.output.render import Column, Table, render
    from salestrack.reports import quality as service
    from salestrack.store.sql import read

    now, tz = clock.now(), dates.local_tz()
    with read(config.resolve()) as r:
        result = service.report(r, trailing=weeks, days=days, now=now, tz=tz, by_segment=by_segment)
        chosen_focus = service.focus(r, now=now)

    def score(v: float | None) -> str:
        return "" if v is None else f"{v:.2f}"

    table = Table(
        title=f"Conversation quality, last {weeks} weeks",
        columns=[Column(c, show=score if c in ("value", "uncovered", "openness", "commitment", "overall") else None)  # noqa: E501
                 for c in service.COLUMNS],
        rows=result.rows(),
    )  # fmt: skip
    render(table, fmt)
    for s in (x for x in result.splits if x.segment == "all"):
        share = "-" if s.share is None else f"{s.share:.0%}"
        say(
            f"{s.group}-quality conversations: {s.advanced} of {s.conversations} moved a stage "
            f"forward within {days} days ({share})"
        )
    if result.mix_note:
        say(result.mix_note)
    if chosen_focus is not None:
        say(f"focus today: {chosen_focus.describe()}")


def focus(
    dimension: Annotated[
        str | None,
        typer.Argument(
            metavar="[DIMENSION]",
            help="value, uncovered, openness or commitment (default: your weakest lately).",
            show_default=False,
        ),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Go back to the weakest one.")] = False,
) -> None:
    """The one qualitative point to work on today (shown in baseline and intel too)."""

    from salestrack import clock, config
    from salestrack.output.console import emit, say
    from salestrack.reports import quality as service
    from salestrack.store.sql import read, write

    now = clock.now()
    if dimension is not None or clear:
        with write(config.resolve()) as store:
            service.set_focus(store, dimension, now=now)
    with read(config.resolve()) as r:
        found = service.focus(r, now=now)
    if found is None:
        say(
            "no focus yet: score conversations (log call ... -q 4352) "
            "or set one: salestrack focus openness"
        )
        return
    emit(found.describe())


def coach(
    week: Annotated[
        str | None, typer.Option("--week", metavar="YYYY-Www", help="Default: this week.")
    ] = None,
    weeks: Annotated[int, typer.Option("--weeks", min=2, max=104)] = 8,
) -> None:
    """A Markdown page for the weekly coaching conversation.

    The week's numbers against the usual, quality, the focus, wins and holes.
    """
    import sys

    from salestrack import clock, config, dates
    from salestrack.intel import wins as wins_service
    from salestrack.reports import baseline as base_service
    from salestrack.reports import quality as quality_service
    from salestrack.reports.baseline import show
    from salestrack.store.sql import read

    now, tz = clock.now(), dates.local_tz()
    with read(config.resolve()) as r:
        report = base_service.build(r, chosen=week, trailing=weeks, now=now, tz=tz)
        w = report.week
        won = wins_service.report(r, start=w.start, end=min(w.end, now), label=w.label)
        chosen_focus = quality_service.focus(r, now=min(w.end, now))
    headline = {
        ("activity", "calls"), ("reach", "conversation rate"), ("reach", "meeting set rate"),
        ("wins", "wins per dial"), ("lag", "follow-up lag (median)"),
        ("conversion", "meeting to proposal"), ("conversion", "win rate"),
    }  # fmt: skip
    lines = [f"# Coaching: {w.label}" + (" (so far)" if report.partial else ""), ""]
    lines += ["## The numbers against the usual", "", "| figure | this week | usual | range | |",
              "| --- | --- | --- | --- | --- |"]  # fmt: skip
    for f in report.figures:
        if (f.section, f.name) in headline or f.flag:
            mark = ("worse" if f.worse else "better") if f.flag else ""
            lines.append(
                f"| {f.name} | {show(f.value, f.unit) or '-'} | {show(f.median, f.unit)} | "
                f"{f.band()} | {mark} |"
            )
    lines += ["", "## Quality", ""]
    scores = [f for f in report.figures if f.section == "quality"]
    lines += [
        f"- {f.name}: {show(f.value, f.unit) or '-'} (usual {show(f.median, f.unit) or '-'})"
        for f in scores
    ] or ["- no conversations scored"]
    lines += ["", "## Focus", "", f"- {chosen_focus.describe()}" if chosen_focus else "- none yet"]
    lines += ["", "## Wins", "", f"{won.summary()}", ""]
    lines += [f"- {r['prospect']}: {r['text']}" for r in won.rows[:15]]
    lines += ["", "## Holes", ""]
    lines += [f"- {h}" for h in report.holes] or ["- none: the week is within your usual range"]
    lines += ["", "## Checklist for the conversation", "",
              "- [ ] What went well this week, and why?",
              "- [ ] The biggest hole above: what is the cause?",
              "- [ ] One quality point to practise (the focus) and how",
              "- [ ] Next week's target: dials, conversations, meetings"]  # fmt: skip
    sys.stdout.write("\n".join(lines) + "\n")
