"""``salestrack view save|list|rm`` and ``salestrack view NAME``: saved filters."""

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from salestrack.cli.options import FormatOpt


class ViewGroup(TyperGroup):
    """``view NAME`` runs the view: a name that is not a subcommand goes to ``run``."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            return "run", self.commands["run"], args
        return super().resolve_command(ctx, args)


app = typer.Typer(
    cls=ViewGroup,
    help="Saved filters: save a list command with its options, run it by name.\n\n"
    "Run one with: salestrack view NAME [more options]. Example: salestrack view save q4 -- "
    "prospect list --stage proposal --tag q4, then salestrack view q4.",
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
)

NameArg = Annotated[
    str, typer.Argument(metavar="NAME", help="The view's name: one word.", show_default=False)
]


def parse(ctx: Any, argv: list[str]) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The command path of a view's arguments and the values its options parse to: every
    option is checked as the command itself checks it, so a bad view is never saved."""
    from salestrack.capture import views

    path = views.command_of(argv)
    root = ctx.find_root().command
    command: Any = root
    parent = ctx.find_root()
    for word in path:
        command = command.get_command(parent, word)
        parent = typer.Context(command, info_name=word, parent=parent)
    rest = argv[len(path) :]
    with command.make_context(" ".join(path), list(rest), parent=ctx.find_root()) as checked:
        return path, dict(checked.params)


@app.command(
    "save",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
)
def save(
    ctx: typer.Context,
    name: NameArg,
    command: Annotated[
        list[str],
        typer.Argument(
            metavar="COMMAND...",
            help="The command and its options, after --: prospect list --stage proposal.",
            show_default=False,
        ),
    ],
    force: Annotated[bool, typer.Option("--force", help="Replace a view of that name.")] = False,
) -> None:
    """Save a list command with its options under a name.

    A view can be: prospect list, activity list, contact list, search, next, today,
    pipeline, baseline, wins or quality.

    Example: salestrack view save q4 -- prospect list --stage proposal --tag q4
    """
    from salestrack import clock, config
    from salestrack.capture import views
    from salestrack.output.console import say
    from salestrack.store.sql import write

    chosen = views.check_name(name)
    argv = list(command)
    if "--" in argv and set(argv[: argv.index("--")]) <= {"--force"}:  # save q4 --force -- ...
        force = force or "--force" in argv[: argv.index("--")]
        argv = argv[argv.index("--") + 1 :]
    _, params = parse(ctx, argv)
    with write(config.resolve()) as db:
        views.check_values(db, params)
        replaced = views.save(db, chosen, argv, owner=config.rep(), now=clock.now(), force=force)
    shown = " ".join(argv)
    say(f"{'replaced' if replaced else 'saved'} view {chosen}: salestrack {shown}")


@app.command("list")
def list_(fmt: FormatOpt = None) -> None:
    """List the saved views and what each runs.

    Example: salestrack view list
    """
    import shlex

    from salestrack import config
    from salestrack.capture import views
    from salestrack.output.render import Column, Table, render
    from salestrack.store.sql import read

    with read(config.resolve()) as r:
        found = views.all_views(r)
    table = Table(
        title="Views",
        columns=[Column("name", priority=0), Column("command", priority=0)],
        rows=[{"name": n, "command": shlex.join(argv)} for n, argv in found],
        empty="no views yet; save one: salestrack view save q4 -- prospect list --tag q4",
    )
    render(table, fmt)


@app.command("rm")
def rm(name: NameArg) -> None:
    """Delete a saved view.

    Example: salestrack view rm q4
    """
    from salestrack import config
    from salestrack.capture import views
    from salestrack.output.console import say
    from salestrack.store.sql import write

    with write(config.resolve()) as db:
        gone = views.remove(db, name)
    say(f"deleted view {gone}")


@app.command(
    "run",
    hidden=True,
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
def run(
    ctx: typer.Context,
    name: NameArg,
    extra: Annotated[list[str] | None, typer.Argument(metavar="[OPTION]...", hidden=True)] = None,
) -> None:
    """Run a saved view (salestrack view NAME); options after the name are added to it.

    Example: salestrack view q4 -f csv
    """
    from salestrack import config
    from salestrack.capture import views
    from salestrack.store.sql import read

    with read(config.resolve()) as r:
        _, argv = views.get(r, name)
    root = ctx.find_root()
    given: list[str] = []
    if root.params.get("db"):
        given += ["--db", str(root.params["db"])]
    if root.params.get("no_pager"):
        given.append("--no-pager")
    code = root.command.main(
        [*given, *argv, *(extra or []), *ctx.args], prog_name="salestrack", standalone_mode=False
    )
    if isinstance(code, int) and code:
        raise typer.Exit(code)


def prospects_of(ctx: Any, typed: str, limit: int) -> list[str]:
    """The prospects a view lists, in its order: the queue ``dial --view`` calls. The view
    must be a ``prospect list`` (or ``next``, which is the queue dial has anyway)."""
    from salestrack import clock, config, dates
    from salestrack.capture import prospects, views
    from salestrack.errors import UsageError
    from salestrack.store.sql import read

    with read(config.resolve()) as r:
        name, argv = views.get(r, typed)
        path, params = parse(ctx, argv)
        if path == ("next",):
            from salestrack.capture import dial

            return dial.queue(r, now=clock.now(), tz=dates.local_tz(), limit=limit)
        if path != ("prospect", "list"):
            raise UsageError(
                f"--view: the view {name} runs {' '.join(path)}; dial calls the prospects of "
                "a prospect list view"
            )
        found = prospects.listing(
            r, stage=params.get("stage") and prospects.check_stage(r, params["stage"], "--stage"),
            segment=params.get("segment"), tag=params.get("tag"),
            limit=min(limit, params.get("limit") or limit),
        )  # fmt: skip
    return [p.name for p in found if p.stage not in ("won", "lost")]
