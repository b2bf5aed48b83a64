"""``baseline``, ``pipeline`` and ``plan``: the weekly review."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from salestrack.cli.options import FormatOpt


def weeks_option(what: str, *, low: int = 1, high: int = 104) -> Any:
    """``--weeks N``: a number of weeks from ``low`` to ``high``; anything else is a usage
    error naming the valid values (exit 2)."""

    def parse(text: str | int) -> int:
        from salestrack.errors import UsageError

        value = str(text).strip()
        if not value.lstrip("-").isdigit() or not low <= int(value) <= high:
            raise UsageError(f"--weeks: '{text}' is not a number of weeks; give {low} to {high}")
        return int(value)

    return typer.Option("--weeks", metavar="N", parser=parse, help=what)


TrailingOpt = Annotated[
    int,
    weeks_option(
        "Trailing weeks the usual comes from, 1 to 104 (those since your first activity)."
    ),
]


def baseline(
    weeks: TrailingOpt = 8,
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
    from salestrack.output import reports as shown
    from salestrack.output.render import choose_format
    from salestrack.reports import baseline as service
    from salestrack.reports import quality as quality_service
    from salestrack.store.sql import read

    chosen = choose_format(fmt)
    now, tz = clock.now(), dates.local_tz()
    try:
        with read(config.resolve()) as r:
            report = service.build(r, chosen=week, trailing=weeks, now=now, tz=tz, segment=segment)
            # the focus is part of the screen, not of the figures scripts read
            chosen_focus = quality_service.focus(r, now=now) if chosen == "table" else None
    except dates.DateParseError as exc:
        raise InvalidInput("--week", str(exc)) from None
    if chosen == "json":
        shown.write_json(report.document())
    elif chosen != "table":
        shown.write_rows(report.rows(), service.COLUMNS, chosen)
    else:
        shown.print_baseline(report)
        if chosen_focus is not None:
            from salestrack.output.console import stdout_console

            stdout_console().print(f"Focus today: {chosen_focus.describe()}", markup=False)


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
    weeks: Annotated[
        int,
        weeks_option(
            "Trailing weeks shown before this one, 1 to 104 (those since your first activity)."
        ),
    ] = 8,
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
    from salestrack.output import reports as shown
    from salestrack.output.console import say
    from salestrack.output.render import choose_format
    from salestrack.reports import quality as service
    from salestrack.store.sql import read

    chosen = choose_format(fmt)
    now, tz = clock.now(), dates.local_tz()
    with read(config.resolve()) as r:
        result = service.report(r, trailing=weeks, days=days, now=now, tz=tz, by_segment=by_segment)
        chosen_focus = service.focus(r, now=now)
    if chosen == "table":
        shown.print_quality(result, chosen_focus)
        return
    if chosen == "json":
        shown.write_json(result.document(chosen_focus))
        return
    shown.write_rows(result.rows(), service.COLUMNS, chosen)
    say(result.prediction.text(days))  # the findings as messages: stdout is the data
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
    weeks: TrailingOpt = 8,
) -> None:
    """A Markdown page for the weekly coaching conversation.

    The week's numbers against the usual, quality, the focus, wins and holes.
    """
    import sys

    from salestrack import clock, config, dates
    from salestrack.errors import InvalidInput
    from salestrack.output.reports import coach_markdown
    from salestrack.reports import coach as service
    from salestrack.store.sql import read

    now, tz = clock.now(), dates.local_tz()
    try:
        with read(config.resolve()) as r:
            page = service.build(r, chosen=week, trailing=weeks, now=now, tz=tz)
    except dates.DateParseError as exc:
        raise InvalidInput("--week", str(exc)) from None
    sys.stdout.write(coach_markdown(page))
