"""``intel``, ``wins``, ``next`` and ``checklist``: know more before the next dial.

On SQLite these read through the standard library (no SQLAlchemy import), so the brief is
ready as fast as a capture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from salestrack.cli.options import (
    FormatOpt,
    ProspectArg,
    limit_option,
    period,
    since_option,
    sort_option,
    until_option,
)

if TYPE_CHECKING:
    from datetime import datetime


def intel(
    prospect: ProspectArg,
    add: Annotated[
        list[str] | None,
        typer.Option(
            "--add",
            metavar="KIND: FACT",
            help="Record a fact without logging an activity (repeatable), e.g. "
            "'availability: mornings only'.",
        ),
    ] = None,
    contact: Annotated[
        str | None,
        typer.Option("--contact", "-c", metavar="NAME", help="The contact the facts are about."),
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", metavar="WHEN", help="When it was learned (default now).")
    ] = None,
    review: Annotated[
        str | None,
        typer.Option("--review", metavar="WHEN", help="When to check the facts again."),
    ] = None,
    objective: Annotated[
        str | None,
        typer.Option(
            "--objective",
            metavar="TEXT",
            help="The aim of the next call; the next logged call records whether it was met "
            "(log call --met/--missed). '' clears it.",
        ),
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """The pre-call brief: who is who, facts, what is missing, the objective, best time.

    The brief is text for a person (on a terminal and piped); -f json, jsonl or csv for
    scripts (csv: one row, its lists as JSON text).

    Example: salestrack intel Acme --add 'gatekeeper: Sue' --objective 'book a demo'
    """
    import sys

    from salestrack import clock, config, dates
    from salestrack.intel import brief
    from salestrack.output import brief as shown
    from salestrack.output.console import say
    from salestrack.store.sql import read

    now, tz, target = clock.now(), dates.local_tz(), config.resolve()
    if (contact or review or at) and not add:
        from salestrack.errors import InvalidInput

        flag = "--contact" if contact else "--review" if review else "--at"
        raise InvalidInput(flag, "goes with --add 'kind: fact'")
    if add or objective is not None:
        for line in _record(prospect, add or [], contact, at, review, objective, now=now):
            say(line)
    with read(target) as r:
        b = brief.build(r, prospect, now=now, tz=tz, owner=config.whose_rows())
    if fmt in ("csv", "json", "jsonl"):
        from salestrack.output.render import render_record

        render_record(shown.as_json(b), fmt)
    else:
        from salestrack.output.console import text_width

        sys.stdout.write(shown.as_text(b, now=now, width=text_width()))


def _record(
    typed: str,
    add: list[str],
    contact: str | None,
    at: str | None,
    review: str | None,
    objective: str | None,
    *,
    now: datetime,
) -> list[str]:
    """Write the facts and the objective in one transaction; returns what to tell the user."""
    from salestrack import config
    from salestrack.capture import capture
    from salestrack.intel import facts as service
    from salestrack.store.sql import write

    facts = [capture.parse_intel(text, "--add") for text in add]
    learned = capture.parse_time("--at", at, now, "past", None) if at else now
    review_at = capture.parse_time("--review", review, now, "future", None) if review else None
    with write(config.resolve()) as store:
        done = service.record(
            store,
            typed,
            facts,
            contact=contact,
            learned_at=learned,
            review_at=review_at,
            objective=objective,
            owner=config.rep(),
            now=now,
        )
    told = [f"recorded {done.written} intel for {done.prospect}"] if done.facts else []
    told.extend(f"note: {w}" for w in done.warnings)
    if done.objective_changed:
        text = done.objective
        told.append(f"objective for the next call: {text}" if text else "objective cleared")
    return told


def wins(
    today: Annotated[bool, typer.Option("--today", help="Today's wins.")] = False,
    week: Annotated[bool, typer.Option("--week", help="This week's wins (the default).")] = False,
    since: Annotated[
        str | None, since_option("Wins since then (a date alone: from its 00:00).")
    ] = None,
    until: Annotated[
        str | None, until_option("Wins before then, with --since (a date alone: that day).")
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """Small wins (intel learned, rungs reached, your own) and how many came per dial.

    Example: salestrack wins --since mon
    """
    from salestrack import clock, config, dates
    from salestrack.errors import UsageError
    from salestrack.intel import wins as service
    from salestrack.output.console import say
    from salestrack.output.render import Column, Table, render
    from salestrack.output.show import when
    from salestrack.store.sql import read

    if sum((today, week, since is not None or until is not None)) > 1:
        raise UsageError("choose one of --today, --week and --since/--until")
    if until is not None and since is None:
        raise UsageError("--until: goes with --since")
    now, tz = clock.now(), dates.local_tz()
    end = now
    if since is not None:
        start, until_at = period(since, until, now=now)
        label = f"since {when(start)}"
        if until_at is not None:
            end = min(until_at, now)
            label = f"from {when(start)} to {when(until_at)}"
    else:
        start, label = service.period("today" if today else "week", now=now, tz=tz)
    with read(config.resolve()) as r:
        result = service.report(r, start=start, end=end, label=label)
    table = Table(
        title=f"Wins {label}",
        columns=[
            Column("won_at", "when", show=when, priority=0),
            Column("prospect", priority=0),
            Column("text", "win", priority=0),
            Column("source", show=lambda s: service.SOURCES.get(s, s), priority=2),
        ],
        rows=result.rows,
        empty=f"no wins {label} yet: a gatekeeper's name or a day they don't work counts",
    )
    render(table, fmt)
    say(result.summary())
    from salestrack.output.render import choose_format

    if choose_format(fmt) == "table":  # the trend: the baseline's wins figures by week
        from salestrack.output.reports import print_wins_trend
        from salestrack.reports import baseline

        with read(config.resolve()) as r:
            trend = baseline.build(
                r, chosen=None, trailing=8, now=now, tz=tz, owner=config.whose_rows(),
                want=baseline.WINS,
            )  # fmt: skip
        print_wins_trend(trend)


def next_(
    limit: Annotated[int, limit_option("How many to show.")] = 10,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="NAME=NUMBER",
            help="Tune a weight of the score and keep it (repeatable), e.g. overdue=12.",
        ),
    ] = None,
    sort: Annotated[
        str | None,
        sort_option(
            ("score", "name", "stage", "next_step", "due_at", "last_touch", "available_now"),
            "score, best first; the N best are chosen by score either way",
        ),
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """Who to call now: open prospects ranked by due steps, availability, stage, segment.

    Example: salestrack next --limit 5 --sort due_at
    """
    from salestrack import clock, config, dates
    from salestrack.intel import call_queue
    from salestrack.output.console import say
    from salestrack.output.render import Column, Table, render, sorted_rows
    from salestrack.output.show import when
    from salestrack.store.sql import read

    now, tz, target = clock.now(), dates.local_tz(), config.resolve()
    if set_:
        from salestrack.store.sql import write

        changes = call_queue.parse_weights(set_)
        with write(target) as store:
            current = call_queue.set_weights(store, changes, now=now)
        say("weights: " + ", ".join(f"{k}={v:g}" for k, v in current.items()))
    with read(target) as r:
        ranked = call_queue.rank(r, now=now, tz=tz, limit=limit)
    table = Table(
        title="Call next",
        columns=[
            Column("score", justify="right", priority=0),
            Column("name", "prospect", priority=0),
            Column("stage", priority=2),
            Column("next_step", "next step", priority=3),
            Column("due_at", "due", show=when, priority=4),
            Column("last_touch", "last touch", show=when, priority=5),
            Column("available_now", "good\ntime", show=lambda v: "yes" if v else "no"),
            Column("why", priority=2),
        ],
        rows=sorted_rows([c.as_row() for c in ranked], sort)
        if sort
        else [c.as_row() for c in ranked],
        empty="nobody to call: no open prospect is due (salestrack prospect list)",
    )
    render(table, fmt)


def checklist(
    items: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[KIND[@STAGE]]...",
            help="Your own list: intel kinds, each needed from a stage on (budget@qualified).",
            show_default=False,
        ),
    ] = None,
    preset: Annotated[
        str | None,
        typer.Option("--preset", metavar="NAME", help="bant (the default) or meddic."),
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """Show or set the qualification checklist the brief's 'missing' list comes from.

    Example: salestrack checklist budget@qualified authority@qualified timeline@proposal
    """
    from salestrack import clock, config, vocab
    from salestrack.errors import UsageError
    from salestrack.intel import checklist as service
    from salestrack.output.console import say
    from salestrack.output.render import Column, Table, render
    from salestrack.store.sql import read, write

    target = config.resolve()
    with read(target) as r:
        stages, chosen = service.current(r)
    if items and preset:
        raise UsageError("give either a preset or your own items, not both")
    if preset is not None:
        name = vocab.choose("--preset", preset, tuple(service.PRESETS), what="preset")
        chosen = service.PRESETS[name]
    elif items:
        chosen = service.parse(items, stages)
    if preset is not None or items:
        with write(target) as store:
            service.save(store, chosen, now=clock.now())
        say(f"checklist set: {', '.join(i.label for i in chosen)}")
    table = Table(
        title="Qualification checklist",
        columns=[Column("item"), Column("kind"), Column("from_stage", "needed from")],
        rows=[{"item": i.label, "kind": i.kind, "from_stage": i.stage} for i in chosen],
    )
    render(table, fmt)
