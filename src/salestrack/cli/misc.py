"""Top-level commands: ``undo``, ``edit``, ``stages``, ``demo``."""

from pathlib import Path
from typing import Annotated, Any

import typer

from salestrack import vocab
from salestrack.cli.complete import prospect_name
from salestrack.cli.options import AtOpt, FormatOpt, NoteOpt, TagsOpt, UntagOpt, choice


def removal_tail(done: Any) -> str:
    """`` · removed new prospect X · reopened 2 next steps``: what a removal (``undo``,
    ``activity rm``) took or gave back besides the activity."""
    from salestrack.output import show

    extra = []
    if done.prospect_removed:
        extra.append(f"removed new prospect {done.prospect}")
    if done.contact_removed:
        extra.append(f"removed new contact {done.contact_removed}")
    if done.steps_reopened:
        extra.append(f"reopened {show.count(done.steps_reopened, 'next step')}")
    return "".join(f" · {e}" for e in extra)


def undo() -> None:
    """Remove the last logged activity and everything it wrote (wins, intel, next step).

    Example: salestrack undo
    """
    from salestrack import config
    from salestrack.capture import activities
    from salestrack.output import show
    from salestrack.output.console import emit, say
    from salestrack.store.sql import write

    with write(config.resolve()) as db:
        done = activities.undo(db)
    say(
        f"undone: {done.kind} · {done.prospect} · {show.when(done.occurred_at)} · "
        f"id {show.short_id(done.activity_id)}{removal_tail(done)}"
    )
    emit(str(done.activity_id))


def edit(
    activity_id: Annotated[
        str, typer.Argument(metavar="ID", help="Activity id or a unique start of it.")
    ],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            "-k",
            metavar="KIND",
            help="call, email, meeting, task or note.",
            **choice("--kind", lambda: vocab.KINDS, "activity kind"),
        ),
    ] = None,
    outcome: Annotated[
        str | None,
        typer.Option("--outcome", "-o", metavar="OUTCOME", help="What it led to: connected..."),
    ] = None,
    reached: Annotated[
        str | None,
        typer.Option(
            "--reached",
            "-r",
            metavar="WHO",
            help="Who picked up ('' clears it).",
            **choice("--reached", lambda: vocab.REACHED, "reached value", clears=True),
        ),
    ] = None,
    at: AtOpt = None,
    duration: Annotated[
        str | None,
        typer.Option("--duration", "-d", metavar="DURATION", help="How long: 90s, 5m, 1h30m."),
    ] = None,
    note: NoteOpt = None,
    prospect: Annotated[
        str | None,
        typer.Option(
            "--prospect",
            metavar="PROSPECT",
            help="Move it to another prospect.",
            click_type=prospect_name(),
        ),
    ] = None,
    contact: Annotated[
        str | None,
        typer.Option("--contact", "-c", metavar="NAME", help="Who you dealt with ('' clears it)."),
    ] = None,
    quality: Annotated[
        str | None,
        typer.Option("--quality", "-q", metavar="SCORES", help="Score the conversation: 4352."),
    ] = None,
    uncovered: Annotated[
        str | None, typer.Option("--uncovered", metavar="TEXT", help="What it uncovered.")
    ] = None,
    new: Annotated[
        bool,
        typer.Option(
            "--new", help="With --contact: add them as typed, even if the name resembles another."
        ),
    ] = False,
    tag: TagsOpt = None,
    untag: UntagOpt = None,
) -> None:
    """Correct a logged activity ('' clears a text field), or score it afterwards.

    A --contact who is not one of the prospect's is added, as log adds them.
    Example: salestrack edit 9c41d2e0 --contact 'Dana Ruiz' --outcome connected
    """
    from salestrack import clock, config
    from salestrack.capture import activities
    from salestrack.output import show
    from salestrack.output.console import say
    from salestrack.store.sql import write

    change = activities.ActivityEdit(
        kind=kind,
        outcome=outcome,
        reached=reached,
        at=at,
        duration=duration,
        note=note,
        prospect=prospect,
        contact=contact,
        quality=quality,
        uncovered=uncovered,
        new=new,
    )
    from salestrack.capture import tags

    wanted = tags.clean_all("--tag", tag or [])
    unwanted = tags.clean_all("--untag", untag or [])
    with write(config.resolve()) as db:
        activity, changed = activities.edit(db, activity_id, change, now=clock.now())
        pid, aid = activity.prospect_id, activity.id
        added = tags.add(db, wanted, prospect_id=pid, activity_id=aid, owner=config.rep(),
                         now=clock.now())  # fmt: skip
        removed = tags.remove(db, unwanted, prospect_id=pid, activity_id=aid)
        if added or removed:
            changed.append("tags")
        name = activities.prospect_name(db, activity.prospect_id)
    what = ", ".join(c.replace("_id", "").replace("_s", "") for c in changed)
    ident = show.short_id(activity.id)
    say(f"edited {activity.kind} {ident} ({name}): {what}" if changed else f"{ident}: no change")


def stages(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[STAGE]...",
            help="New stage list in order (must include won and lost).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """Show the pipeline stages, or set them: salestrack stages lead qualified won lost.

    Example: salestrack stages lead qualified demo proposal won lost
    """
    from salestrack import clock, config
    from salestrack.capture import prospects
    from salestrack.output.console import emit, say
    from salestrack.store import settings
    from salestrack.store.sql import read, write

    if names:
        with write(config.resolve()) as db:
            result = prospects.set_stages(db, names, now=clock.now())
        say("stages set: " + " > ".join(result))
        return
    with read(config.resolve()) as db:
        result = settings.stages(db)
    from salestrack.output.render import Column, Table, render

    if fmt not in ("csv", "json", "jsonl"):  # one name a line, for a person and a script
        for name in result:
            emit(name)
        return
    rows = [{"position": n, "stage": name} for n, name in enumerate(result, 1)]
    render(Table("Stages", [Column("position"), Column("stage")], rows), fmt)


def demo(
    path: Annotated[
        Path | None,
        typer.Option(
            "--path",
            metavar="FILE",
            help="Where to write it (default: demo.db in the data folder).",
        ),
    ] = None,
    weeks: Annotated[
        int, typer.Option("--weeks", metavar="N", min=1, max=52, help="Weeks of history, 1 to 52.")
    ] = 12,
    seed: Annotated[
        int, typer.Option("--seed", metavar="N", help="Random seed (same seed, same data).")
    ] = 7,
) -> None:
    """Write a realistic demo database (12 weeks of prospecting) and print its path.

    It never touches your real database: the demo has its own file, replaced on each run.

    Example: salestrack demo --weeks 26
    """
    from salestrack import clock, config
    from salestrack.demo import generator as demo_service
    from salestrack.output.console import emit, say

    chosen = (path or config.demo_db_path()).expanduser().absolute()
    typed = config.current().db
    if typed is not None and Path(typed).expanduser().absolute() != chosen:
        from salestrack.errors import UsageError

        raise UsageError(
            f"--db: demo never writes into a database you name with --db; "
            f"to choose its file, use: salestrack demo --path {typed}"
        )
    from salestrack.output.console import progress
    from salestrack.output.show import count

    with progress(f"demo: {count(weeks, 'week')}", weeks * 5 + 1) as ticks:  # days, the write
        summary = demo_service.write_demo(
            chosen, real=config.resolve(), now=clock.now(), weeks=weeks, seed=seed, tick=ticks.at
        )
    say(
        f"demo database written: {summary.prospects:,} prospects, {summary.activities:,} "
        f"activities ({summary.calls:,} calls), {summary.wins:,} wins, {summary.intel:,} intel "
        f"facts, {summary.first_day} to {summary.last_day}"
    )
    db = f'--db "{summary.path}"'
    say("try:")
    say(f"  salestrack {db} prospect list --stage proposal")
    say(f'  salestrack {db} prospect show "{summary.busiest_prospect}"')
    say(f'  salestrack {db} log call "{summary.busiest_prospect}" --outcome connected')
    say(f'  export SALESTRACK_DB="{summary.path}"   # to use it for every command')
    emit(str(summary.path))
