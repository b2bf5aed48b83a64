"""``salestrack db path|status|upgrade|backup``."""

from pathlib import Path
from typing import Annotated

import typer

from salestrack.cli.options import FormatOpt, YesOpt

app = typer.Typer(
    help="Where the data lives, its schema revision, upgrades and backups.",
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
)


@app.command("path")
def path() -> None:
    """Print the database in use (a file path, or a URL with the password masked).

    Example: salestrack --db team.db db path
    """
    from salestrack import config

    print(config.resolve().display)


@app.command("status")
def status(fmt: FormatOpt = None) -> None:
    """Show the database, how it was chosen, its schema revision and row counts.

    Example: salestrack db status -f json
    """
    from salestrack import config
    from salestrack.output.render import print_fields
    from salestrack.store import admin as database

    s = database.status(config.resolve(), config.source())
    if fmt in ("csv", "json", "jsonl"):  # one screen for a person otherwise, piped too
        from salestrack.output.render import render_record

        data = {
            "database": s.location,
            "chosen_by": s.chosen_by,
            "exists": s.exists,
            "revision": s.revision,
            "head": s.head,
            "state": s.state,
            "size_bytes": s.size_bytes,
            "counts": s.counts,
        }
        render_record(data, fmt)
        return
    pairs = [
        ("database", s.location),
        ("chosen by", s.chosen_by),
        ("schema", f"{s.revision or '-'} (newest {s.head}): {s.state}"),
    ]
    if s.size_bytes is not None:
        pairs.append(("size", f"{s.size_bytes / 1024:,.0f} KiB"))
    for name, n in s.counts.items():
        if n:
            pairs.append((name.replace("_", " "), f"{n:,}"))
    print_fields("salestrack database", pairs)


@app.command("upgrade")
def upgrade() -> None:
    """Bring the database to the newest schema now (after a backup copy of a file).

    Example: salestrack db upgrade --db old.db
    """
    from salestrack import config
    from salestrack.output.console import progress, say
    from salestrack.store import migrate

    target = config.resolve()
    with progress("db upgrade: backup copy (pages)", 1) as ticks:
        done = migrate.upgrade(target, tick=ticks.at)
    if done.from_revision == done.to_revision:
        say(f"{target.display} is already at the newest schema ({done.to_revision})")
        return
    backup = f"; backup at {done.backup}" if done.backup else ""
    say(f"upgraded {target.display}: {done.from_revision or 'new'} -> {done.to_revision}{backup}")


@app.command("backup")
def backup(
    dest: Annotated[
        Path | None,
        typer.Argument(
            metavar="[PATH]",
            help="File or folder for the copy (default: beside the database).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Copy the database consistently, even while another salestrack is writing.

    Example: salestrack db backup ~/backups/
    """
    from salestrack import config
    from salestrack.output.console import emit, say
    from salestrack.store import admin as database

    written = database.backup(config.resolve(), dest)
    say(f"backed up to {written}")
    emit(str(written))


@app.command("restore")
def restore(
    source: Annotated[Path, typer.Argument(metavar="PATH", help="A backup of the database.")],
    yes: YesOpt = False,
) -> None:
    """Put a backup back in place; the current content is kept beside it first.

    Example: salestrack db restore ~/backups/sales-2026-11-20.db --yes
    """
    import sys

    from salestrack import config
    from salestrack.errors import UsageError
    from salestrack.output.console import say
    from salestrack.store import admin as database

    target = config.resolve()
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(f"restore replaces {target.display}; add --yes to confirm")
        answer = input(f"Replace {target.display} with {source}? The current file is kept. [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            say("nothing changed")
            raise typer.Exit(1)
    kept = database.restore(target, source)
    say(f"restored {target.display} from {source}; the replaced content is in {kept}")


@app.command("team-setup")
def team_setup(
    rep: Annotated[
        list[str] | None, typer.Option("--rep", metavar="ROLE", help="A rep's login role.")
    ] = None,
    manager: Annotated[
        list[str] | None,
        typer.Option("--manager", metavar="ROLE", help="A manager's login role."),
    ] = None,
    apply: Annotated[
        bool, typer.Option("--apply", help="Run the SQL on the database (as its owner).")
    ] = False,
) -> None:
    """Print (or apply) the SQL for a team on PostgreSQL: roles and row-level security.

    Example: salestrack db team-setup --rep ana --rep ben --manager mia --apply
    """
    from salestrack import config
    from salestrack.errors import UsageError
    from salestrack.output.console import emit, say
    from salestrack.reports import team

    statements = team.setup_sql(rep or [], manager or [])
    if not apply:
        for statement in statements:
            emit(statement + ";")
        return
    target = config.resolve()
    if target.path is not None:
        raise UsageError("team-setup is for PostgreSQL; --db postgresql+psycopg://...")
    from salestrack.store.sql import write

    with write(target) as store:
        people = {m: "--manager" for m in manager or []} | {r: "--rep" for r in rep or []}
        team.apply_setup(store, statements, people)
    say(f"team set up on {target.display}: {len(rep or [])} reps, {len(manager or [])} managers")
