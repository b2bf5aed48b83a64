"""``salestrack prospect add|list|show|edit|stage|rm``."""

from typing import Annotated

import typer

from salestrack.cli.complete import stage_name
from salestrack.cli.options import (
    AtOpt,
    FormatOpt,
    NoteOpt,
    ProspectArg,
    TagOpt,
    TagsOpt,
    UntagOpt,
    YesOpt,
    limit_option,
    period,
    since_option,
    sort_option,
    until_option,
)

app = typer.Typer(
    help="Add, list, show, edit, move and remove prospects.",
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
)

CompanyOpt = Annotated[str | None, typer.Option("--company", metavar="TEXT", help="Company name.")]
SegmentOpt = Annotated[
    str | None,
    typer.Option("--segment", metavar="TIER", help="Ideal-customer tier, e.g. A, B or C."),
]
ValueOpt = Annotated[
    float | None, typer.Option("--value", metavar="AMOUNT", help="Deal value, e.g. 25000.")
]
NotesOpt = NoteOpt
StageOpt = Annotated[
    str | None,
    typer.Option("--stage", metavar="STAGE", help="Only this stage.", click_type=stage_name()),
]
DomainOpt = Annotated[
    str | None,
    typer.Option(
        "--domain",
        metavar="DOMAIN",
        help="The company's mail domain, e.g. acme.com: import mail files its emails here.",
    ),
]


@app.command("add")
def add(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="The prospect's name.", show_default=False)
    ],
    company: CompanyOpt = None,
    segment: SegmentOpt = None,
    stage: Annotated[
        str | None,
        typer.Option("--stage", metavar="STAGE", help="Starting stage.", click_type=stage_name()),
    ] = None,
    value: ValueOpt = None,
    note: NotesOpt = None,
    domain: DomainOpt = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar="WHEN",
            help="Since when it is a prospect (default now), so older history can be logged "
            "and its stages dated from then: '2026-11-02', '3 weeks ago'.",
        ),
    ] = None,
    tag: TagsOpt = None,
) -> None:
    """Add a prospect (prints its id).

    Example: salestrack prospect add 'Acme Ltd' --segment A --value 25000 --tag q4
    """
    from salestrack import clock, config
    from salestrack.capture import prospects, tags
    from salestrack.capture.capture import parse_time
    from salestrack.output.console import emit, say
    from salestrack.output.show import when
    from salestrack.store.sql import write

    now = clock.now()
    since = parse_time("--at", at, now, "past", None) if at else None
    wanted = tags.clean_all("--tag", tag or [])
    with write(config.resolve()) as db:
        p = prospects.add(
            db,
            name,
            owner=config.rep(),
            now=now,
            company=company,
            segment=segment,
            stage=stage,
            value=value,
            notes=note,
            since=since,
            domain=domain,
        )
        tags.add(
            db, wanted, prospect_id=p.id, activity_id=None, owner=config.rep(), now=p.created_at
        )
    tagged = f" · tagged {' '.join(wanted)}" if wanted else ""
    since_text = f" since {when(since)}" if since else ""
    say(f"added prospect {p.name} · stage {p.stage}{since_text}{tagged}")
    emit(str(p.id))


LIST_SORTS = ("name", "company", "segment", "stage", "value", "stage_since", "activities",
              "last_touch", "next_step", "due_at")  # fmt: skip


@app.command("list")
def list_(
    stage: StageOpt = None,
    segment: Annotated[
        str | None, typer.Option("--segment", metavar="TIER", help="Only this segment.")
    ] = None,
    since: Annotated[
        str | None, since_option("Only those that became prospects from then on: 2026-10-01.")
    ] = None,
    until: Annotated[
        str | None, until_option("Only those that became prospects before then.")
    ] = None,
    limit: Annotated[int | None, limit_option("Only the first N, in the same order.")] = None,
    sort: Annotated[str | None, sort_option(LIST_SORTS, "name")] = None,
    tag: TagOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """List prospects with their stage, last touch and next step.

    Example: salestrack prospect list --stage proposal --sort -value --limit 20
    """
    from salestrack import clock, config
    from salestrack.capture import prospects
    from salestrack.output import show
    from salestrack.output.render import Column, Table, render, sorted_rows
    from salestrack.output.show import count
    from salestrack.store.sql import read

    start, end = period(since, until, now=clock.now())
    chosen = {"stage": stage, "segment": segment, "tag": tag, "since": start, "until": end}
    with read(config.resolve()) as db:
        lines = prospects.listing(db, limit=None if sort else limit, **chosen)
        total = (
            prospects.listed_count(db, **chosen)
            if limit is not None and len(lines) == limit
            else len(lines)
        )
    rows = [line.as_row() for line in lines]
    if sort:
        rows = sorted_rows(rows, sort)[:limit]
    table = Table(
        title="Prospects",
        columns=[
            Column("id", show=lambda v: v.hex[:8], priority=6),
            Column("name", priority=0),
            Column("company", priority=7),
            Column("segment", "seg", priority=5),
            Column("stage", priority=0),
            Column(
                "value",
                justify="right",
                show=lambda v: "" if v is None else f"{v:,.0f}",
                priority=2,
            ),
            Column("stage_since", "in stage\nsince", show=show.day, priority=4),
            Column("activities", "acti-\nvities", justify="right", priority=6),
            Column("last_touch", "last touch", show=show.when, priority=3),
            Column("next_step", "next step", priority=3),
            Column("due_at", "due", show=show.when, priority=2),
        ],
        rows=rows,
        caption=f"{len(rows):,} of {total:,} prospects"
        if total > len(rows)
        else count(len(rows), "prospect"),
        empty="no prospects yet; add one with: salestrack prospect add NAME",
    )
    render(table, fmt)


@app.command("show")
def show_(prospect: ProspectArg, fmt: FormatOpt = None) -> None:
    """Show a prospect: stage, contacts, intel, next steps, recent activity.

    With -f csv: one row, its lists as JSON text in their cells.

    Example: salestrack prospect show Acme -f json
    """
    from salestrack import config
    from salestrack.capture import prospects, tags
    from salestrack.output import show
    from salestrack.output.render import plain, print_fields, render_record
    from salestrack.store.sql import read

    with read(config.resolve()) as db:
        d = prospects.detail(db, prospect)
        tagged = tags.of_prospects(db, [d.prospect.id]).get(d.prospect.id, [])
    p = d.prospect
    if fmt in ("csv", "json", "jsonl"):  # one screen for a person otherwise, piped too
        data = {
            **{k: plain(v) for k, v in p.as_row().items()},
            "stage_since": plain(d.stage_since),
            "contacts": [
                {"id": str(c.id), "name": c.name, "role": c.role, "title": c.title}
                for c in d.contacts
            ],
            "stage_history": [
                {
                    "from_stage": h.from_stage,
                    "to_stage": h.to_stage,
                    "changed_at": plain(h.changed_at),
                    "reason": h.reason,
                }
                for h in d.history
            ],
            "next_steps": [
                {"id": str(s.id), "action": s.action, "due_at": plain(s.due_at)}
                for s in d.next_steps
            ],
            "intel": [
                {"kind": i.kind, "value": i.value, "learned_at": plain(i.learned_at)}
                for i in d.intel
            ],
            "recent_activities": [
                {
                    "id": str(a.id),
                    "kind": a.kind,
                    "occurred_at": plain(a.occurred_at),
                    "outcome": a.outcome,
                    "reached": a.reached,
                    "notes": a.notes,
                }
                for a in d.recent
            ],
            "activity_counts": d.counts,
            "tags": tagged,
        }
        render_record(data, fmt)
        return
    value = None if p.value is None else f"{p.value:,.0f}"
    counts = ", ".join(show.count(n, k) for k, n in sorted(d.counts.items())) or "none yet"
    since = (
        f" since {show.when(d.stage_since)} ({show.ago(d.stage_since)})" if d.stage_since else ""
    )
    given = [
        ("stage", f"{p.stage}{since}"),
        ("company", p.company),
        ("segment", p.segment),
        ("domain", p.domain),
        ("value", value),
        ("activities", counts),
        ("notes", p.notes),
        ("tags", " ".join(tagged)),
    ]
    pairs = [(label, text) for label, text in given if text]
    for c in d.contacts:
        pairs.append(("contact", f"{c.name}" + (f" ({show.word(c.role)})" if c.role else "")))
    for i in d.intel:
        pairs.append((f"intel: {show.word(i.kind)}", i.value))
    for s in d.next_steps:
        due = f" (due {show.when(s.due_at)})" if s.due_at else ""
        pairs.append(("next step", f"{s.action}{due}"))
    for a in d.recent:
        what = " ".join(x for x in (a.kind, show.word(a.outcome)) if x)
        pairs.append((show.when(a.occurred_at), what + (f": {a.notes}" if a.notes else "")))
    print_fields(f"{p.name}  ({p.id.hex[:8]})", pairs)


@app.command("edit")
def edit(
    prospect: ProspectArg,
    name: Annotated[
        str | None, typer.Option("--name", metavar="NAME", help="Rename the prospect.")
    ] = None,
    company: CompanyOpt = None,
    segment: SegmentOpt = None,
    value: ValueOpt = None,
    note: NotesOpt = None,
    domain: DomainOpt = None,
    tag: TagsOpt = None,
    untag: UntagOpt = None,
) -> None:
    """Change a prospect's name, company, segment, value, notes, domain ('' clears one) or
    tags.

    Example: salestrack prospect edit Acme --value 30000 --domain acme.com --tag hot
    """
    from salestrack import clock, config
    from salestrack.capture import prospects, tags
    from salestrack.output.console import say
    from salestrack.store.sql import write

    wanted = tags.clean_all("--tag", tag or [])
    unwanted = tags.clean_all("--untag", untag or [])
    with write(config.resolve()) as db:
        p, changed = prospects.edit(
            db,
            prospect,
            now=clock.now(),
            name=name,
            company=company,
            segment=segment,
            value=value,
            notes=note,
            domain=domain,
        )
        now = clock.now()
        added = tags.add(
            db, wanted, prospect_id=p.id, activity_id=None, owner=config.rep(), now=now
        )
        removed = tags.remove(db, unwanted, prospect_id=p.id, activity_id=None)
        if added or removed:
            changed.append("tags")
    say(f"updated {p.name}: {', '.join(changed)}" if changed else f"{p.name}: nothing to change")


@app.command("stage")
def stage(
    prospect: ProspectArg,
    to: Annotated[
        str,
        typer.Argument(
            metavar="STAGE", help="The new stage.", show_default=False, click_type=stage_name()
        ),
    ],
    at: AtOpt = None,
    reason: Annotated[
        str | None,
        typer.Option("--reason", metavar="TEXT", help="Why (e.g. why a deal was lost)."),
    ] = None,
) -> None:
    """Move a prospect to another stage (kept in its stage history).

    Example: salestrack prospect stage Acme proposal --at mon
    """
    from salestrack import clock, config
    from salestrack.capture import prospects
    from salestrack.capture.capture import parse_time
    from salestrack.output.console import say
    from salestrack.store.sql import write

    now = clock.now()
    when = parse_time("--at", at, now, "past", None) if at else None
    with write(config.resolve()) as db:
        change = prospects.move(
            db, prospect, to, owner=config.rep(), now=now, at=when, reason=reason
        )
    closed = change.steps_closed
    say(
        f"{change.prospect}: {change.from_stage} -> {change.to_stage}"
        + (f" · {closed} open next step{'s' if closed > 1 else ''} closed" if closed else "")
    )


@app.command("rm")
def rm(prospect: ProspectArg, yes: YesOpt = False) -> None:
    """Delete a prospect and everything recorded about it.

    Example: salestrack prospect rm Acme --yes
    """
    from salestrack import config
    from salestrack.capture import prospects
    from salestrack.errors import UsageError
    from salestrack.output.console import say
    from salestrack.store.sql import write

    with write(config.resolve()) as db:
        found = prospects.find(db, prospect)
        if not yes:
            import sys

            if not sys.stdin.isatty():
                raise UsageError(f"rm: deleting {found.name} needs --yes when not at a terminal")
            typer.confirm(f"Delete {found.name} and everything recorded about it?", abort=True)
        name, counts = prospects.remove(db, found.name)
    detail = ", ".join(f"{n} {t.replace('_', ' ')}" for t, n in counts.items())
    say(f"deleted {name}" + (f" and {detail}" if detail else ""))
