"""``salestrack contact add|list|show|edit|rm``: the people at a prospect."""

from typing import TYPE_CHECKING, Annotated

import typer

from salestrack import vocab
from salestrack.cli.options import (
    FormatOpt,
    NoteOpt,
    ProspectArg,
    YesOpt,
    limit_option,
    prospect_filter,
    sort_option,
)

app = typer.Typer(
    help="The people at a prospect: role, title, phone and email.",
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
)

if TYPE_CHECKING:
    from salestrack.capture.contacts import Contact

NameArg = Annotated[
    str,
    typer.Argument(
        metavar="NAME", help="The contact's name, or a unique start of it.", show_default=False
    ),
]


def _roles(incomplete: str) -> list[str]:
    return [r.replace("_", "-") for r in vocab.ROLES if r.startswith(vocab.canonical(incomplete))]


RoleOpt = Annotated[
    str | None,
    typer.Option(
        "--role",
        metavar="ROLE",
        help="gatekeeper, decision-maker, champion, influencer, user or other.",
        autocompletion=_roles,
    ),
]
TitleOpt = Annotated[str | None, typer.Option("--title", metavar="TEXT", help="Job title.")]
PhoneOpt = Annotated[
    str | None, typer.Option("--phone", "-p", metavar="NUMBER", help="+44 20 7946 0000.")
]
EmailOpt = Annotated[
    str | None, typer.Option("--email", "-e", metavar="ADDRESS", help="dana@acme.com.")
]


def _line(c: "Contact") -> str:
    from salestrack.output import show

    return f"{c.name} at {c.prospect}" + (f" ({show.word(c.role)})" if c.role else "")


@app.command("add")
def add(
    prospect: ProspectArg,
    name: NameArg,
    role: RoleOpt = None,
    title: TitleOpt = None,
    phone: PhoneOpt = None,
    email: EmailOpt = None,
    note: NoteOpt = None,
) -> None:
    """Add a person at a prospect (prints the contact's id).

    Example: salestrack contact add Acme "Dana Ruiz" --role decision-maker --title CFO
    --phone "+44 20 7946 0000" --email dana@acme.com
    """
    from salestrack import clock, config
    from salestrack.capture import contacts
    from salestrack.output.console import emit, say
    from salestrack.store.sql import write

    with write(config.resolve()) as db:
        c = contacts.add(
            db, prospect, name, owner=config.rep(), now=clock.now(), role=role, title=title,
            phone=phone, email=email, notes=note,
        )  # fmt: skip
    say(f"added contact {_line(c)}")
    emit(str(c.id))


@app.command("list")
def list_(
    prospect: Annotated[str | None, prospect_filter("Only this prospect's contacts.")] = None,
    limit: Annotated[int, limit_option("At most N, by prospect (0: all of them).", low=0)] = 100,
    sort: Annotated[
        str | None,
        sort_option(("prospect", "name", "role", "title", "phone", "email"), "prospect, then name"),
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """List contacts by prospect with their role, title, phone and email.

    Example: salestrack contact list acme --sort role
    """
    from salestrack import config
    from salestrack.capture import contacts
    from salestrack.output import show
    from salestrack.output.render import Column, Table, choose_format, render, sorted_rows
    from salestrack.store.sql import read

    with read(config.resolve()) as r:
        found, total = contacts.listing(r, prospect, limit=None if sort else limit or None)
    if sort:
        found = sorted_rows(found, sort, of=lambda c: c.as_row())[: limit or None]
    caption = (
        f"{len(found):,} of {total:,} contacts (--limit 0 for all)"
        if total > len(found)
        else f"{len(found)} contacts"
    )
    if choose_format(fmt) != "table":  # every column, for scripts
        render(Table("", [Column(c) for c in contacts.COLUMNS], [c.as_row() for c in found]), fmt)
        return
    table = Table(
        title="Contacts",
        columns=[
            Column("prospect", priority=0),
            Column("name", priority=0),
            Column("role", show=show.word, priority=2),
            Column("title", priority=4),
            Column("phone", priority=1),
            Column("email", priority=3),
            Column("notes", priority=6),
        ],
        rows=[c.as_row() for c in found],
        caption=caption,
        empty="no contacts yet; add one with: salestrack contact add PROSPECT NAME",
    )
    render(table, fmt)


@app.command("show")
def show_(prospect: ProspectArg, name: NameArg, fmt: FormatOpt = None) -> None:
    """Show a contact: role, title, phone, email, notes, the calls with them and their intel.

    Example: salestrack contact show acme dana
    """
    from salestrack import config
    from salestrack.capture import contacts
    from salestrack.output import show
    from salestrack.output.render import plain, print_fields, render_record
    from salestrack.store.sql import read

    with read(config.resolve()) as r:
        d = contacts.detail(r, prospect, name)
    c = d.contact
    if fmt in ("csv", "json", "jsonl"):  # one screen for a person otherwise, piped too
        data = {
            **{k: plain(v) for k, v in c.as_row().items()},
            "activities": d.activities,
            "last_touch": plain(d.last_touch),
            "intel": [{k: plain(v) for k, v in i.items()} for i in d.intel],
        }
        render_record(data, fmt)
        return
    touches = show.count(d.activities, "activity")
    if d.last_touch:
        touches += f", the last {show.when(d.last_touch)}"
    pairs = [
        ("prospect", c.prospect),
        ("role", show.word(c.role)),
        ("title", c.title),
        ("phone", c.phone),
        ("email", c.email),
        ("notes", c.notes),
        ("activities", touches),
        *((f"intel: {show.word(i['kind'])}", i["value"]) for i in d.intel),
    ]
    print_fields(f"{c.name}  ({c.id.hex[:8]})", [(k, v) for k, v in pairs if v])


@app.command("edit")
def edit(
    prospect: ProspectArg,
    name: NameArg,
    new_name: Annotated[
        str | None, typer.Option("--name", metavar="NAME", help="Rename the contact.")
    ] = None,
    role: RoleOpt = None,
    title: TitleOpt = None,
    phone: PhoneOpt = None,
    email: EmailOpt = None,
    note: NoteOpt = None,
) -> None:
    """Change a contact's name, role, title, phone, email or notes ('' clears one).

    Example: salestrack contact edit acme dana --phone "+44 20 7946 0001" --title COO
    """
    from salestrack import clock, config
    from salestrack.capture import contacts
    from salestrack.output.console import say
    from salestrack.store.sql import write

    with write(config.resolve()) as db:
        c, changed = contacts.edit(
            db, prospect, name, now=clock.now(), name=new_name, role=role, title=title,
            phone=phone, email=email, notes=note,
        )  # fmt: skip
    say(f"updated {_line(c)}: {', '.join(changed)}" if changed else f"{_line(c)}: no change")


@app.command("rm")
def rm(prospect: ProspectArg, name: NameArg, yes: YesOpt = False) -> None:
    """Delete a contact; the activities and intel that named them stay, without the name.

    Example: salestrack contact rm acme "Dana Ruiz" --yes
    """
    import sys

    from salestrack import config
    from salestrack.capture import contacts
    from salestrack.errors import UsageError
    from salestrack.output.console import say
    from salestrack.store.sql import write

    with write(config.resolve()) as db:
        found = contacts.find(db, prospect, name)
        if not yes:
            if not sys.stdin.isatty():
                raise UsageError(f"rm: deleting {_line(found)} needs --yes when not at a terminal")
            typer.confirm(f"Delete {_line(found)}?", abort=True)
        c, n = contacts.remove(db, prospect, found.name)
    tail = f"; {n} activities keep, without the name" if n else ""
    say(f"deleted contact {_line(c)}{tail}")
