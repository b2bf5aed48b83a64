"""``baseline``, ``pipeline`` and ``plan``: the weekly review."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from salestrack.cli.complete import complete_tag, figure_name
from salestrack.cli.options import (
    DocumentFormatOpt,
    FormatOpt,
    OutputOpt,
    PageFormatOpt,
    WeekOpt,
    limit_option,
    sort_option,
)


def weeks_option(what: str, *, low: int = 1, high: int = 104) -> Any:
    """``--weeks N``: a number of weeks from ``low`` to ``high``; anything else is a usage
    error naming the valid values (exit 2)."""

    def parse(text: str | int) -> int:
        from salestrack.errors import UsageError

        value = str(text).strip()
        digits = value.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()) or not low <= int(value) <= high:
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
    week: WeekOpt = None,
    segment: Annotated[
        str | None,
        typer.Option("--segment", metavar="TIER", help="Only prospects of this segment (A, B...)."),
    ] = None,
    tag: Annotated[
        str | None,
        typer.Option(
            "--tag",
            "-t",
            metavar="TAG",
            help="Only prospects carrying this tag.",
            autocompletion=complete_tag,
        ),
    ] = None,
    chart: Annotated[
        str | None,
        typer.Option(
            "--chart",
            metavar="FIGURE",
            click_type=figure_name(),
            help="Draw one figure's weeks with its usual band instead of the table "
            "(a unique start will do: --chart 'conv').",
        ),
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """This week against your trailing weeks: activity, reach, wins, lag, stages, quality.

    Example: salestrack baseline --week 2026-W46 --weeks 12 --chart "conversation rate"
    """
    from salestrack import clock, config, dates
    from salestrack.output import reports as shown
    from salestrack.output.render import choose_format
    from salestrack.reports import baseline as service
    from salestrack.store.sql import read

    chosen = choose_format(fmt)
    if chart is not None and fmt not in (None, "table"):
        from salestrack.errors import UsageError

        raise UsageError(f"--chart: draws on a terminal; leave out -f {fmt} (the JSON has trend)")
    now, tz = clock.now(), dates.local_tz()
    with read(config.resolve()) as r:
        if chart is not None:
            from salestrack.store import settings

            chart = service.choose_figure(chart, service.figure_names(settings.stages(r)))
        tag = _known_tag(r, tag)
        report = service.build(
            r,
            chosen=week,
            trailing=weeks,
            now=now,
            tz=tz,
            segment=segment,
            owner=config.whose_rows(),
            tag=tag,
        )
        # the focus is part of the screen, not of the figures scripts read
        chosen_focus = None
        if chosen == "table" and chart is None:
            from salestrack.reports import focus as daily

            chosen_focus = daily.focus(r, now=now)
    if chart is not None:
        found = next(f for f in report.figures if f.name == chart)
        shown.print_figure_chart(report, found)
    elif chosen == "json":
        shown.write_json(report.document())
    elif chosen != "table":
        shown.write_rows(report.rows(), service.COLUMNS, chosen)
    else:
        shown.print_baseline(report)
        if chosen_focus is not None:
            from salestrack.output.console import stdout_console

            stdout_console().print(f"Focus today: {chosen_focus.describe()}", markup=False)


GAP_SORTS = ("name", "stage", "value", "days_in_stage", "next_step", "due_at", "gaps")


def pipeline(
    gaps: Annotated[
        bool,
        typer.Option("--gaps", help="List the prospects with a gap instead of the stage totals."),
    ] = False,
    limit: Annotated[
        int | None, limit_option("With --gaps: only the first N prospects, by name.")
    ] = None,
    tag: Annotated[
        str | None,
        typer.Option(
            "--tag",
            "-t",
            metavar="TAG",
            help="Only prospects carrying this tag (stalled still means longer than your usual).",
            autocompletion=complete_tag,
        ),
    ] = None,
    sort: Annotated[str | None, sort_option(GAP_SORTS, "name; with --gaps only")] = None,
    fmt: FormatOpt = None,
) -> None:
    """Prospects and value per stage, and the gaps: no next step, overdue, stalled, waiting.

    Example: salestrack pipeline --gaps --tag q4 --sort -value --limit 20
    """
    from salestrack import clock, config
    from salestrack.errors import UsageError
    from salestrack.output.render import Column, Table, render, sorted_rows
    from salestrack.output.show import when
    from salestrack.reports import pipeline as service
    from salestrack.store.sql import read

    if limit is not None and not gaps:
        raise UsageError("--limit: goes with --gaps (the totals are one row per stage)")
    if sort is not None and not gaps:
        raise UsageError("--sort: goes with --gaps (the totals are in the stages' order)")
    now = clock.now()
    if gaps:
        with read(config.resolve()) as r:
            tag = _known_tag(r, tag)
            found, total, _ = service.gap_lines(r, now=now, limit=None if sort else limit, tag=tag)
        rows = [line.as_row() for line in found]
        if sort:
            rows = sorted_rows(rows, sort)[:limit]
        table = Table(
            title="Pipeline gaps" if tag is None else f"Pipeline gaps: tag {tag}",
            columns=[
                Column("name", "prospect", priority=0),
                Column("stage", priority=0),
                Column("value", justify="right", show=_money, priority=2),
                Column("days_in_stage", "days in\nstage", justify="right", priority=3),
                Column("next_step", "next step", priority=4),
                Column("due_at", "due", show=when, priority=3),
                Column("gaps", priority=0),
            ],
            rows=rows,
            caption=f"{len(rows):,} of {total:,} prospects with a gap"
            if total > len(rows)
            else None,
            empty="no gaps: every open prospect has a next step on time",
        )
        render(table, fmt)
        return
    with read(config.resolve()) as r:
        tag = _known_tag(r, tag)
        rows = service.by_stage(r, now=now, tag=tag)
    table = Table(
        title="Pipeline" if tag is None else f"Pipeline: tag {tag}",
        columns=[
            Column("stage", priority=0),
            Column("prospects", "pros-\npects", justify="right", priority=0),
            Column("value", justify="right", show=_money, priority=0),
            Column("no_next_step", "no next\nstep", justify="right"),
            Column("overdue", "over-\ndue", justify="right"),
            Column("stalled", justify="right"),
            Column("waiting", justify="right", priority=4),
            Column("usual_days", "usual\ndays", justify="right", priority=2),
            Column("usual_stays", "stays", justify="right", priority=3),
        ],
        rows=rows,
        caption="stalled: in the stage longer than usual with no step ahead; "
        "waiting: as long, but a step is scheduled. --gaps lists them.",
    )
    render(table, fmt)
    from salestrack.output.render import choose_format

    if choose_format(fmt) == "table":
        from salestrack.output.reports import print_funnel

        print_funnel(rows)


def _known_tag(r: Any, tag: str | None) -> str | None:
    """``tag`` as stored, or the one-line error with the nearest tags (capture/tags.py)."""
    if tag is None:
        return None
    from salestrack.capture import tags

    return tags.known(r, tag)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def plan(
    deals: Annotated[int, typer.Option("--deals", metavar="N", help="Deals to close.")],
    by: Annotated[str, typer.Option("--by", metavar="DATE", help="By when, e.g. 2026-12-31.")],
    weeks: Annotated[
        int,
        typer.Option(
            "--weeks", metavar="N", min=1, max=104, help="Weeks of history the rates come from."
        ),
    ] = 12,
    fmt: FormatOpt = None,
) -> None:
    """The reverse funnel: dials, conversations and meetings a day to close N deals by then.

    Working days skip weekends, the part of today's working day (09:00-17:00) already gone,
    and the days off set with: salestrack holidays --country DE --add 2026-12-24.

    Example: salestrack plan --deals 3 --by 2026-12-31
    """
    import json
    import sys

    from salestrack import clock, config, dates
    from salestrack.capture import capture
    from salestrack.output.render import Column, Table, choose_format, print_table, render
    from salestrack.reports import plan as service
    from salestrack.store.sql import read

    chosen = choose_format(fmt)
    now, tz = clock.now(), dates.local_tz()
    until = capture.parse_time("--by", by, now, "future", None).astimezone(tz).date()
    with read(config.resolve()) as r:
        result = service.plan(
            r, deals=deals, by=until, weeks=weeks, now=now, tz=tz, owner=config.whose_rows()
        )
    if chosen == "json":
        sys.stdout.write(json.dumps(result.document(), ensure_ascii=False, indent=2) + "\n")
    elif chosen != "table":
        render(Table("plan", [Column(c) for c in service.COLUMNS], result.rows()), chosen)
    else:
        print_table(_plan_table(result))
    _plan_notes(result)


def _days(n: float) -> str:
    """``20`` or ``20.3`` working days."""
    return f"{n:.1f}".removesuffix(".0")


def _plan_table(result: Any) -> Any:
    from salestrack.output.render import Column, Table

    small = result.small
    rows = []
    for row in result.rows():
        needed, per_day = f"{row['needed']:,}", f"{row['per_day']:.1f}"
        if small and row["step"] != "deals":
            needed += f" ({row['needed_low']:,}-{row['needed_high']:,})"
            per_day += f" ({row['per_day_low']:.1f}-{row['per_day_high']:.1f})"
        rate = ""
        if row["rate"] is not None:
            rate = f"{row['rate']:.1%} ({row['successes']:,}/{row['trials']:,})"
        rows.append({"step": row["step"], "needed": needed, "per_day": per_day, "rate": rate})
    weeks = f"{result.weeks} weeks" if result.weeks != 1 else "week"
    caption = f"rate: share of the step above, last {weeks}"
    if small:
        caption += "\n(low-high): each rate at an end of its 95% interval"
    return Table(
        title=f"{result.deals} deals by {result.by:%a %d %b %Y}: "
        f"{_days(result.working_days)} working days",
        columns=[
            Column("step"),
            Column("needed", justify="right"),
            Column("per_day", "a day", justify="right"),
            Column("rate", "your rate", justify="right"),
        ],
        rows=rows,
        caption=caption,
    )


def _plan_notes(result: Any) -> None:
    """What the working days and the rates rest on, on stderr."""
    from salestrack.output.console import say
    from salestrack.reports.plan import SMALL_SUCCESSES, SMALL_TRIALS, WORKDAY

    w = result.workdays
    hours = f"{WORKDAY[0]:%H:%M}-{WORKDAY[1]:%H:%M}"
    if w.today >= 1:
        today = "all of today"
    elif w.today > 0:
        today = f"{w.today:.0%} of today (what is left of {hours})"
    else:
        today = f"none of today ({w.why_not_today})"
    say(f"working days: weekdays to {result.by:%a %d %b}, {today}")
    if w.skipped:
        say("days off skipped: " + ", ".join(f"{d:%a %d %b} {name}" for d, name in w.skipped))
    elif result.rule.country is None and not result.rule.dates:
        say("no holidays set (salestrack holidays --country XX skips your country's)")
    names = {"conversations": "conversations per dial", "meetings": "meetings per conversation",
             "deals": "deals per meeting set"}  # fmt: skip
    thin = [
        f"{names[s.step]} rests on {s.rate.successes:,} of {s.rate.trials:,}"
        for s in result.steps
        if s.rate is not None and s.rate.small
    ]
    if thin:
        say(
            f"small samples (under {SMALL_TRIALS} trials or {SMALL_SUCCESSES} successes): "
            + "; ".join(thin)
        )


def holidays(
    country: Annotated[
        str | None,
        typer.Option(
            "--country",
            metavar="CODE",
            help="Skip this country's public holidays: DE, GB, US... ('none': no country).",
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            metavar="CODE",
            help="And its region's, e.g. BY with DE, SCT with GB ('none': the country's only).",
        ),
    ] = None,
    add: Annotated[
        list[str] | None,
        typer.Option(
            "--add",
            metavar="DATE",
            help="A day off of your own: 2026-12-24, or 2026-12-28..2026-12-31 (repeatable).",
        ),
    ] = None,
    remove: Annotated[
        list[str] | None,
        typer.Option("--remove", metavar="DATE", help="No longer a day off (a date or a range)."),
    ] = None,
    list_countries: Annotated[
        bool, typer.Option("--countries", help="List the country codes --country takes.")
    ] = False,
    fmt: FormatOpt = None,
) -> None:
    """Show or set the days plan skips: a country's public holidays and your own days off.

    None are set at first. Example: salestrack holidays --country DE --region BY --add 2026-12-24
    """
    from datetime import timedelta

    from salestrack import clock, config, dates
    from salestrack.output.console import say
    from salestrack.output.render import Column, Table, render
    from salestrack.reports import plan as service
    from salestrack.store.sql import read, write

    if list_countries:
        codes = [{"code": c, "country": n} for c, n in service.countries()]
        render(Table("Countries", [Column("code"), Column("country")], codes), fmt)
        return
    now = clock.now()
    if any(v is not None for v in (country, region, add, remove)):
        with write(config.resolve()) as store:
            rule = service.set_days_off(
                store, country=country, region=region, add=add, remove=remove, now=now
            )
    else:
        with read(config.resolve()) as r:
            rule = service.days_off(r)
    today = now.astimezone(dates.local_tz()).date()
    ahead = service.off_between(rule, today, today + timedelta(days=365))
    mine = set(rule.dates)
    rows: list[dict[str, Any]] = [
        {
            "date": d.isoformat(),
            "day": f"{d:%a}",
            "name": name,
            "source": "you" if d in mine else rule.country,
        }
        for d, name in ahead.items()
    ]
    where = rule.label() or "no country"
    render(
        Table(
            f"Days off plan skips: {where}, {len(mine)} of your own",
            [Column("date"), Column("day"), Column("name"), Column("source")],
            rows,
            empty="no days off in the next 12 months",
        ),
        fmt,
    )
    if rule.country is None:
        say("no country set: salestrack holidays --country XX (--countries lists the codes)")
    elif rule.region is None and (choices := service.regions(rule.country)):
        say(
            f"{rule.country}'s regions have holidays of their own too: --region "
            + ", ".join(choices[:20])
            + (", ..." if len(choices) > 20 else "")
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
        typer.Option(
            "--days",
            metavar="N",
            min=1,
            max=180,
            help="How soon a stage move counts as progress, in days.",
        ),
    ] = 14,
    by_segment: Annotated[
        bool, typer.Option("--by-segment", help="Split every figure by segment.")
    ] = False,
    fmt: FormatOpt = None,
) -> None:
    """Conversation quality by week and dimension, and whether it predicts progress.

    Example: salestrack quality --weeks 12 --by-segment
    """
    from salestrack import clock, config, dates
    from salestrack.output import reports as shown
    from salestrack.output.console import say
    from salestrack.output.render import choose_format
    from salestrack.reports import focus as daily
    from salestrack.reports import quality as service
    from salestrack.store.sql import read

    chosen = choose_format(fmt)
    now, tz = clock.now(), dates.local_tz()
    with read(config.resolve()) as r:
        result = service.report(r, trailing=weeks, days=days, now=now, tz=tz, by_segment=by_segment)
        chosen_focus = daily.focus(r, now=now)
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
    fmt: FormatOpt = None,
) -> None:
    """The one qualitative point to work on today (shown in baseline and intel too).

    Example: salestrack focus openness
    """

    from salestrack import clock, config
    from salestrack.output.console import emit, say
    from salestrack.reports import focus as service
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
    from salestrack.output.render import Column, Table, render

    if fmt not in ("csv", "json", "jsonl"):  # one line, for a person and a script
        emit(found.describe())
        return
    render(Table("Focus", [Column(c) for c in found.row()], [found.row()]), fmt)


def coach(
    week: WeekOpt = None,
    weeks: TrailingOpt = 8,
    fmt: DocumentFormatOpt = None,
) -> None:
    """A Markdown page for the weekly coaching conversation.

    The week's numbers against the usual, quality, the focus, wins and holes: rendered on a
    terminal, Markdown when piped or with -f markdown, one HTML file with -f html; the
    figures as rows with -f csv, json or jsonl.

    Example: salestrack coach --week 2026-W46 -f html > coaching.html
    """
    import sys

    from salestrack import clock, config, dates
    from salestrack.output import documents
    from salestrack.output import reports as shown
    from salestrack.output.reports import coach_markdown
    from salestrack.reports import baseline as baseline_service
    from salestrack.reports import coach as service
    from salestrack.store.sql import read

    now, tz = clock.now(), dates.local_tz()
    with read(config.resolve()) as r:
        page = service.build(
            r, chosen=week, trailing=weeks, now=now, tz=tz, owner=config.whose_rows()
        )
    chosen = documents.choose(fmt)
    if chosen == "json":
        shown.write_json(page.report.document())
    elif chosen in ("csv", "jsonl"):
        shown.write_rows(page.report.rows(), baseline_service.COLUMNS, chosen)
    else:
        title = f"Coaching: {page.report.week.label}"
        text = documents.show_markdown(coach_markdown(page), chosen, title=title)
        if text is not None:
            sys.stdout.write(text)


def review(
    week: WeekOpt = None,
    weeks: TrailingOpt = 8,
    output: OutputOpt = None,
    fmt: PageFormatOpt = None,
) -> None:
    """The weekly review as one page to open or print: trends with their usual band, holes.

    Also the funnel from dials to won, time in each stage, the follow-up lag, wins per dial,
    quality by dimension, lost reasons and the pipeline; the numbers are baseline's, quality's
    and pipeline's. Example: salestrack review --week 2026-W47 --output week.html
    """
    from salestrack import clock, config, dates
    from salestrack.reports import review as service
    from salestrack.store.sql import read

    chosen = fmt or "html"
    now, tz = clock.now(), dates.local_tz()
    with read(config.resolve()) as r:
        found = service.build(
            r, chosen=week, trailing=weeks, now=now, tz=tz, owner=config.whose_rows()
        )
    from salestrack.output.review import review_html

    write_page(chosen, found.document, lambda: review_html(found, now), output)


def write_page(
    chosen: str, document: Callable[[], Any], html: Callable[[], str], output: Path | None
) -> None:
    """A page (``review``, ``team review``) as ``chosen`` asks: its HTML, or the JSON of the
    numbers it is drawn from; to ``output`` (saying so) or stdout."""
    from salestrack.output.console import say
    from salestrack.output.files import output_file

    if chosen == "json":
        import json

        text = json.dumps(document(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    else:
        text = html()
    with output_file(output) as out:
        out.write(text)
    if output is not None:
        say(f"wrote {output}")
