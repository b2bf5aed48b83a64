"""``salestrack config [list]``, ``config KEY``, ``config set KEY VALUE``, ``config reset
KEY``: the settings of the registry (store/settings.py)."""

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from salestrack.cli.complete import Completed
from salestrack.cli.options import FormatOpt


class ConfigGroup(TyperGroup):
    """``config KEY`` shows one key: a word that is not a subcommand goes to ``show``."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            return "show", self.commands["show"], args
        return super().resolve_command(ctx, args)


app = typer.Typer(
    cls=ConfigGroup,
    help="Show and change the settings: each key, its value (or the default) and meaning.\n\n"
    "salestrack config lists them; salestrack config KEY shows one. Example: salestrack "
    "config set my_addresses me@example.com,me@home.example",
    invoke_without_command=True,
    rich_markup_mode=None,
    add_completion=False,
)


def complete_key(ctx: typer.Context, incomplete: str) -> list[str]:
    """The settings' keys that start with what was typed."""
    try:
        from salestrack.capture import configure

        typed = incomplete.strip().lower().replace("-", "_")
        return [k for k in configure.settable() if k.startswith(typed)]
    except Exception:  # completion must never break the shell
        return []


KeyArg = Annotated[
    str,
    typer.Argument(
        metavar="KEY",
        help="A setting's name: stages, checklist, cadence, next_weights, focus, holidays, "
        "my_addresses, rep_name, company_name.",
        click_type=Completed("key", complete_key),
        show_default=False,
    ),
]


@app.callback()
def main(ctx: typer.Context, fmt: FormatOpt = None) -> None:
    """Show and change the settings: each key, its value (or the default) and meaning.

    Example: salestrack config
    """
    if ctx.invoked_subcommand is None:
        list_(fmt)


def _shown(entry: Any) -> str:
    from salestrack.store import settings

    if entry.problem:
        return f"(not valid: salestrack config reset {entry.key})"
    if entry.source == "default":
        return "(default)"
    text = settings.encode(entry.value)
    return f"{text} (team)" if entry.source == "team" else text


def _render(entries: list[Any], fmt: str | None) -> None:
    from salestrack.output.render import Column, Table, choose_format, render
    from salestrack.store import settings

    chosen = choose_format(fmt)
    rows = []
    for e in entries:
        row = e.row()
        if chosen == "table":
            row["value"] = _shown(e)
        elif chosen == "csv" and row["value"] is not None:
            row["value"] = settings.encode(row["value"])
        rows.append(row)
    table = Table(
        title="Settings",
        columns=[
            Column("key", priority=0),
            Column("value", priority=0),
            Column("source", priority=3),
            Column("scope", priority=2),
            Column("meaning", priority=0),
        ],
        rows=rows,
    )
    render(table, chosen)


@app.command("list")
def list_(fmt: FormatOpt = None) -> None:
    """List every setting: its key, value (or "(default)"), whose it is and what it means.

    Example: salestrack config list -f json
    """
    from salestrack import config
    from salestrack.capture import configure
    from salestrack.store.sql import read

    with read(config.resolve()) as r:
        entries = configure.listing(r)
    _render(entries, fmt)


@app.command("show", hidden=True)
def show(key: KeyArg, fmt: FormatOpt = None) -> None:
    """Show one setting's value in use (salestrack config KEY): as JSON on stdout, or with
    -f its row as config list has it.

    Example: salestrack config stages
    """
    from salestrack import config
    from salestrack.capture import configure
    from salestrack.output.console import emit, say
    from salestrack.store import settings
    from salestrack.store.sql import read

    with read(config.resolve()) as r:
        found = configure.entry(r, key)
    if found.problem:
        raise settings.BadSetting(found.problem)
    if fmt:
        _render([found], fmt)
        return
    emit(settings.encode(found.value))
    source = "" if found.source == "set" else f" (the {found.source} value)"
    say(f"{found.key}{source}: {found.meaning}")


@app.command("set")
def set_(
    key: KeyArg,
    value: Annotated[
        str,
        typer.Argument(
            metavar="VALUE",
            help="JSON (config KEY shows the form), or for a list its items with commas "
            "(lead,qualified,won,lost) and for a name the text itself.",
            show_default=False,
        ),
    ],
) -> None:
    """Check a setting's value by its key's rule and store it.

    A list takes JSON or its items with commas; a name takes JSON or the text itself;
    anything else takes JSON. Example: salestrack config set stages lead,demo,won,lost
    """
    from salestrack import clock, config
    from salestrack.capture import configure
    from salestrack.output.console import say
    from salestrack.store import settings
    from salestrack.store.sql import write

    with write(config.resolve()) as db:
        kept = configure.change(db, key, value, now=clock.now())
    shown = settings.encode(kept)
    say(f"{settings.key(key).name} set: {shown if len(shown) <= 200 else shown[:199] + '…'}")


@app.command("reset")
def reset(key: KeyArg) -> None:
    """Put a setting back to its default (on a team's server: the team's value, if any).

    Example: salestrack config reset focus
    """
    from salestrack import clock, config
    from salestrack.capture import configure
    from salestrack.output.console import say
    from salestrack.store.sql import write

    with write(config.resolve()) as db:
        now = configure.reset(db, key, now=clock.now())
    say(f"{now.key} is back to the {'team' if now.source == 'team' else 'default'} value")
