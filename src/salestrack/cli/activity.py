"""``salestrack activity list|show|rm``: review the day's work and correct it by id."""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from salestrack import vocab
from salestrack.cli.options import (
    FormatOpt,
    SinceOpt,
    TagOpt,
    UntilOpt,
    YesOpt,
    choice,
    limit_option,
    prospect_filter,
    sort_option,
)

if TYPE_CHECKING:
    from salestrack.capture.journal import Detail

app = typer.Typer(
    help="Your activities: list them by day, show one with all it wrote, remove one.",
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
)

IdArg = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help="Activity id or a unique start of it (4+ hex digits; activity list shows them).",
        show_default=False,
    ),
]


@app.command("list")
def list_(
    prospect: Annotated[
        str | None,
        prospect_filter("Only this prospect's activities (a name or a unique start of it)."),
    ] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    today: Annotated[bool, typer.Option("--today", help="Today's activities.")] = False,
    week: Annotated[bool, typer.Option("--week", help="This week's (from Monday).")] = False,
    month: Annotated[bool, typer.Option("--month", help="This calendar month's.")] = False,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            "-k",
            metavar="KIND",
            help="Only this kind: call, email, meeting, task, note (repeatable).",
            **choice("--kind", lambda: vocab.KINDS, "activity kind"),
        ),
    ] = None,
    outcome: Annotated[
        str | None,
        typer.Option("--outcome", "-o", metavar="OUTCOME", help="Only this outcome: connected..."),
    ] = None,
    tag: TagOpt = None,
    limit: Annotated[int, limit_option("At most N, newest first (0: all of them).", low=0)] = 200,
    sort: Annotated[
        str | None,
        sort_option(
            ("occurred_at", "kind", "prospect", "outcome", "duration_s", "contact"),
            "newest first, by day",
        ),
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """Activities newest first, by day with each day's count; CSV or JSON when piped.

    The CSV and JSON columns are the export's (docs/export.md), with the contact's name and
    the tags (the activity's own and its prospect's) added.

    Example: salestrack activity list --week --kind call --outcome connected
    """
    from salestrack import clock, config, dates
    from salestrack.capture import capture, journal
    from salestrack.output import show
    from salestrack.output.render import Column, Table, choose_format, render, sorted_rows
    from salestrack.store.sql import read

    now, tz = clock.now(), dates.local_tz()
    start = capture.parse_bound("--since", since, now, "start") if since else None
    end = capture.parse_bound("--until", until, now, "end") if until else None
    start, end, label = journal.window(
        since=start, until=end, today=today, week=week, month=month, now=now, tz=tz
    )
    with read(config.resolve()) as r:
        found = journal.listing(
            r, prospect=prospect, since=start, until=end, kinds=kind, outcome=outcome, tag=tag,
            limit=None if sort else limit or None, tz=tz,
        )  # fmt: skip
    if sort:
        found.rows = sorted_rows(found.rows, sort)[: limit or None]
    chosen = choose_format(fmt)
    shown = len(found.rows)
    caption = (
        f"{shown:,} of {found.total:,} activities, newest first (--limit N for more)"
        if found.total > shown
        else None
    )
    empty = f"no activities {label or 'in that period'}" + (
        "" if label or start or end or prospect else "; log one with: salestrack log call NAME"
    )
    if chosen != "table":
        render(Table("", [Column(c) for c in journal.COLUMNS], found.rows), chosen)
        return
    for row in found.rows:
        row["day"] = journal.day_of(row["occurred_at"], tz)
        row["result"] = _result(row)
    table = Table(
        title="",
        columns=[
            Column("occurred_at", "time", show=lambda v: show.clock_time(v), priority=0),
            Column("id", show=lambda v: v.hex[:8], priority=3),
            Column("kind", priority=1),
            Column("prospect", priority=0),
            Column("result", priority=2),
            Column("duration_s", "dur", justify="right", show=show.duration, priority=5),
            Column("contact", priority=6),
            Column("notes", priority=4),
            Column("tags", priority=7),
        ],
        rows=found.rows,
        caption=caption,
        empty=empty,
    )
    if sort and sort != "-occurred_at":  # in another order than by day: one table, dated
        table.columns[0] = Column("occurred_at", "time", show=show.when, priority=0)
        table.title = "Activities"
        render(table, chosen)
        return
    from salestrack.output.grouped import print_grouped

    print_grouped(table, lambda rows: _day_heading(rows[0]["day"], found.days), key="day")


def _result(row: dict[str, Any]) -> str:
    """``connected``, ``gatekeeper (reached gatekeeper)``: the outcome, and who picked up when
    the outcome does not say it."""
    from salestrack.output import show

    outcome, reached = row["outcome"], row["reached"]
    text = show.word(outcome)
    if (
        reached
        and reached not in ("nobody", outcome)
        and vocab.REACHED_BY_OUTCOME.get(outcome or "") != reached
    ):
        text += f", reached {show.word(reached)}" if text else f"reached {show.word(reached)}"
    return text


def _day_heading(day: str, days: dict[str, dict[str, int]]) -> str:
    """``Fri 20 Nov 2026 · 7 activities: 5 calls, 1 email, 1 meeting`` (the whole day's)."""
    from datetime import date

    from salestrack.output import show

    kinds = days.get(day, {})
    n = sum(kinds.values())
    detail = ", ".join(show.count(c, k) for k, c in sorted(kinds.items(), key=lambda x: -x[1]))
    noun = "activity" if n == 1 else "activities"
    return f"{date.fromisoformat(day).strftime('%a %d %b %Y')} · {n} {noun}: {detail}"


@app.command("show")
def show_(activity_id: IdArg, fmt: FormatOpt = None) -> None:
    """Show one activity and everything its capture wrote: wins, intel, next steps, quality.

    Example: salestrack activity show 3f2a9c1b
    """
    from salestrack import config
    from salestrack.capture import journal
    from salestrack.store.sql import read

    with read(config.resolve()) as r:
        d = journal.detail(r, activity_id)
    if fmt in ("csv", "json", "jsonl"):  # one screen for a person otherwise, piped too
        from salestrack.output.render import plain, render_record

        def clean(item: dict[str, Any]) -> dict[str, Any]:
            return {k: plain(v) for k, v in item.items()}

        data = {
            **clean(d.activity),
            "wins": [clean(w) for w in d.wins],
            "intel": [clean(i) for i in d.intel],
            "next_steps": [clean(s) for s in d.next_steps],
            "next_steps_done": [clean(s) for s in d.closed],
            "stage_changes": [clean(c) for c in d.stage_changes],
            "quality": d.quality,
        }
        render_record(data, fmt)
        return
    _print_detail(d)


def _print_detail(d: "Detail") -> None:
    from salestrack.output import show
    from salestrack.output.render import print_fields

    a = d.activity
    pairs: list[tuple[str, Any]] = [
        ("when", show.when(a["occurred_at"])),
        ("prospect", a["prospect"]),
        ("contact", a["contact"]),
        ("outcome", show.word(a["outcome"])),
        ("reached", show.word(a["reached"])),
        ("direction", a["direction"] if a["direction"] != "outbound" else None),
        ("duration", show.duration(a["duration_s"])),
        ("notes", a["notes"]),
        ("tags", a["tags"]),
    ]
    if a["objective"]:
        met = {True: "met", False: "missed", None: "not marked"}[a["objective_met"]]
        pairs.append(("objective", f"{a['objective']} ({met})"))
    if d.quality:
        scores = ", ".join(f"{k} {d.quality[k]}" for k in vocab.QUALITY_DIMENSIONS)
        pairs.append(("quality", scores))
        if d.quality["uncovered_text"]:
            pairs.append(("uncovered", d.quality["uncovered_text"]))
    for w in d.wins:
        pairs.append(("win", w["text"]))
    for i in d.intel:
        old = " (since superseded)" if i["superseded_at"] else ""
        pairs.append((f"intel: {show.word(i['kind'])}", i["value"] + old))
    for s in d.next_steps:
        due = f" (due {show.when(s['due_at'])})" if s["due_at"] else ""
        done = f", done {show.when(s['done_at'])}" if s["done_at"] else ""
        pairs.append(("next step set", f"{s['action']}{due}{done}"))
    for s in d.closed:
        pairs.append(("next step done", s["action"]))
    for c in d.stage_changes:
        pairs.append(("stage", f"{c['from_stage'] or '-'} -> {c['to_stage']}"))
    pairs.append(("logged", f"{show.when(a['created_at'])} by {a['owner']}"))
    title = f"{a['kind']} {a['id'].hex[:8]}"
    print_fields(title, [(k, v) for k, v in pairs if v])


@app.command("rm")
def rm(activity_id: IdArg, yes: YesOpt = False) -> None:
    """Remove one activity and everything it wrote (wins, intel, next step), as undo does.

    Next steps it completed are open again; a prospect or contact it created, with nothing
    else logged, goes too. Asks first on a terminal; elsewhere it needs --yes.

    Example: salestrack activity rm 3f2a9c1b --yes
    """
    import sys

    from salestrack import config
    from salestrack.capture import activities
    from salestrack.errors import UsageError
    from salestrack.output import show
    from salestrack.output.console import emit, say
    from salestrack.store.sql import write

    with write(config.resolve()) as db:
        found = activities.find(db, activity_id)
        name = activities.prospect_name(db, found.prospect_id)
        what = (
            f"{found.kind} · {name} · {show.when(found.occurred_at)} · id {show.short_id(found.id)}"
        )
        if not yes:
            if not sys.stdin.isatty():
                raise UsageError(f"rm: removing {what} needs --yes when not at a terminal")
            typer.confirm(f"Remove {what} and everything it wrote?", abort=True)
        done = activities.remove(db, found)
    from salestrack.cli.misc import removal_tail

    say(f"removed: {what}{removal_tail(done)}")
    emit(str(done.activity_id))
