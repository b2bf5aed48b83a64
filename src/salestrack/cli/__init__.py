"""The command tree. Thin: parse, call a service, render.

Heavy imports (SQLAlchemy, Rich tables) happen inside commands, so ``--help``, completion and
``log`` start fast. Errors become one line on stderr and an exit code (1, or 2 for usage).
"""

import contextlib
import gc
import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any, ClassVar

import typer

from salestrack import __version__
from salestrack import config as _config  # not `config`: cli/config.py is a submodule
from salestrack.cli.lazy import Lazy, LazyGroup
from salestrack.errors import SalestrackError


def _lazy(module: str, attr: str, summary: str) -> Lazy:
    return Lazy(f"salestrack.cli.{module}", attr, summary)


class AppGroup(LazyGroup):
    """The root group: maps every error to a one-line message; no traceback reaches the user.

    Subcommands are built on first use (see :mod:`salestrack.cli.lazy`), in this order in help.
    """

    lazy: ClassVar[dict[str, Lazy]] = {
        "log": _lazy(
            "log", "app", "Log a call, email, meeting, task or note right after it happens."
        ),
        "prospect": _lazy("prospect", "app", "Add, list, show, edit, move and remove prospects."),
        "contact": _lazy(
            "contact", "app", "The people at a prospect: role, title, phone and email."
        ),
        "baseline": _lazy(
            "reports",
            "baseline",
            "This week against your trailing weeks: activity, reach, wins, lag, stages, quality.",
        ),
        "pipeline": _lazy(
            "reports",
            "pipeline",
            "Prospects and value per stage, and the gaps: no next step, overdue, stalled, waiting.",
        ),
        "plan": _lazy(
            "reports",
            "plan",
            "The reverse funnel: dials, conversations and meetings a day to close N deals by then.",
        ),
        "holidays": _lazy(
            "reports",
            "holidays",
            "Show or set the days plan skips: a country's public holidays and your own days off.",
        ),
        "quality": _lazy(
            "reports",
            "quality",
            "Conversation quality by week and dimension, and whether it predicts progress.",
        ),
        "focus": _lazy(
            "reports",
            "focus",
            "The one qualitative point to work on today (shown in baseline and intel too).",
        ),
        "coach": _lazy(
            "reports",
            "coach",
            "A Markdown page for the weekly coaching conversation.",
        ),
        "review": _lazy(
            "reports",
            "review",
            "The weekly review as one page to open or print: trends with their usual band, holes.",
        ),
        "dial": _lazy(
            "dial",
            "dial",
            "A call block: the next prospects one by one, brief on screen, one key per outcome.",
        ),
        "intel": _lazy(
            "intel",
            "intel",
            "The pre-call brief: who is who, facts, what is missing, the objective, best time.",
        ),
        "today": _lazy(
            "today",
            "today",
            "The day on one screen: next steps due, bookings, promises, who to call, the score "
            "so far.",
        ),
        "search": _lazy(
            "search",
            "search",
            "Search names, notes, intel, next steps, promises, lessons and successes, best first.",
        ),
        "next": _lazy(
            "intel",
            "next_",
            "Who to call now: open prospects ranked by due steps, availability, stage, segment.",
        ),
        "wins": _lazy(
            "intel",
            "wins",
            "Small wins (intel learned, rungs reached, your own) and how many came per dial.",
        ),
        "checklist": _lazy(
            "intel",
            "checklist",
            "Show or set the qualification checklist the brief's 'missing' list comes from.",
        ),
        "scorecard": _lazy(
            "clients",
            "scorecard",
            "A client's scorecard for a quarter, to bring to the business review.",
        ),
        "promise": _lazy(
            "clients", "promise_app", "Promises made to clients: add, mark kept or broken, list."
        ),
        "success": _lazy("clients", "success_app", "Successes delivered to clients."),
        "lesson": _lazy(
            "clients", "lesson_app", "Lessons learned from failures, and what changes."
        ),
        "initiative": _lazy("clients", "initiative_app", "Improvement initiatives for clients."),
        "crc": _lazy(
            "clients",
            "crc_app",
            "The Customer Report Card: up to six behaviours, graded A, B or D each month.",
        ),
        "team": _lazy(
            "team", "app", "A team on PostgreSQL: each rep against their own usual and the team's."
        ),
        "export": _lazy(
            "interchange",
            "export",
            "Write every row of an entity as CSV, JSON or JSON lines (ics for next steps).",
        ),
        "import": _lazy(
            "interchange",
            "import_app",
            "Read rows from CSV, JSON or JSON lines: validated, all or nothing, safe to re-run.",
        ),
        "undo": _lazy(
            "misc",
            "undo",
            "Remove the last logged activity and everything it wrote (wins, intel, next step).",
        ),
        "activity": _lazy(
            "activity",
            "app",
            "Your activities: list them by day, show one with all it wrote, remove one.",
        ),
        "edit": _lazy(
            "misc",
            "edit",
            "Correct a logged activity ('' clears a text field), or score it afterwards.",
        ),
        "stages": _lazy(
            "misc",
            "stages",
            "Show the pipeline stages, or set them: salestrack stages lead qualified won lost.",
        ),
        "config": _lazy(
            "config",
            "app",
            "Show and change the settings: each key, its value (or the default) and meaning.",
        ),
        "view": _lazy(
            "view", "app", "Saved filters: save a list command with its options, run it by name."
        ),
        "demo": _lazy(
            "misc",
            "demo",
            "Write a realistic demo database (12 weeks of prospecting) and print its path.",
        ),
        "db": _lazy(
            "db", "app", "Where the data lives, its schema revision, upgrades and backups."
        ),
    }

    #: ``--help`` lists the commands by the job they do, in this order.
    jobs: ClassVar[tuple[tuple[str, tuple[str, ...]], ...]] = (
        ("Capture", ("log", "undo", "edit", "activity", "prospect", "contact")),
        ("Before a call", ("today", "next", "intel", "search", "dial", "checklist")),
        (
            "The review",
            ("baseline", "pipeline", "wins", "plan", "quality", "focus", "coach", "review"),
        ),
        ("Clients", ("scorecard", "promise", "success", "lesson", "initiative", "crc")),
        ("Your data", ("view", "export", "import", "stages", "holidays", "config", "demo", "db")),
        ("A team", ("team",)),
    )

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The commands in sections by job (plain text: ``--help`` imports no Rich)."""
        self._summaries_only = True
        try:
            names = self.list_commands(ctx)
            placed = {n for _, group in self.jobs for n in group}
            sections = [*self.jobs, ("Other", tuple(n for n in names if n not in placed))]
            width = max(len(n) for n in names)
            for title, group in sections:
                rows = []
                for name in group:
                    command = self.get_command(ctx, name)
                    if command is not None and not command.hidden:
                        limit = formatter.width - 6 - width
                        rows.append((name.ljust(width), command.get_short_help_str(limit)))
                if rows:
                    with formatter.section(title):
                        formatter.write_dl(rows)
        finally:
            self._summaries_only = False

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the tree; a usage error, like every other error, is one line on stderr.

        Click formats its own errors only in standalone mode, so the tree runs without it
        and this method prints them and exits: 2 for usage, the error's code otherwise.
        """
        args = _global_first(list(sys.argv[1:] if args is None else args))
        _refuse_undecodable(args)
        run = (args, prog_name, complete_var, False, windows_expand_args)
        if not standalone_mode:
            return super().main(*run, **extra)
        try:
            code = super().main(*run, **extra)
        except typer.TyperException as exc:  # every Click error (usage: exit code 2)
            from salestrack.output.console import visible

            sys.stderr.write(visible(_one_line(exc).rstrip("\n"), lines=True) + "\n")
            sys.exit(exc.exit_code)
        except typer.Abort:
            sys.stderr.write("Aborted!\n")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: Any) -> Any:
        if not gc.isenabled():  # main() turned collection off for start-up: see there
            gc.freeze()
            gc.enable()
        app = _config.App(db=ctx.params.get("db"), pager=not ctx.params.get("no_pager"))
        with _config.running(app):
            path = _sqlite_path()
            # `db upgrade` and `db restore` say themselves where the file they made is
            typed = [*getattr(ctx, "_protected_args", []), *ctx.args][:1]
            new = path is not None and not path.exists() and typed != ["db"]
            made = [f for f in path.parents if not f.exists()] if new and path else []
            try:
                done = self._invoke(ctx)
            except BaseException as exc:
                failed = not isinstance(exc, typer.Exit) or exc.exit_code != 0
                if new and path is not None and failed:
                    _unmake(path, made)  # a write that failed leaves no new database
                raise
            if new and path is not None and path.exists():  # only a write makes one
                from salestrack.output.console import say

                say(f"created the database {path}")
            return done

    def _invoke(self, ctx: Any) -> Any:
        from salestrack.output.console import error

        try:
            return super().invoke(ctx)
        except SalestrackError as exc:
            error(exc.message, lines=exc.multiline)
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # the reader went away (| head): stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(1) from None
        except Exception as exc:
            if _is_click_exception(exc) or os.environ.get("SALESTRACK_DEBUG"):
                raise
            if type(exc).__module__ == "salestrack.dates":  # a date no command put in words
                error(str(exc))
                raise typer.Exit(1) from None
            message = _describe(exc)
            error(message)
            raise typer.Exit(1) from None


def _unmake(path: Any, folders: list[Any]) -> None:
    """Remove the database file a failed command made (and its journal files), and the
    folders made for it that are still empty: nothing is left of a write that failed."""
    for extra in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            path.with_name(path.name + extra).unlink()
    for folder in folders:  # the nearest first
        with contextlib.suppress(OSError):
            folder.rmdir()


def _sqlite_path() -> Any:
    """The SQLite file the command line names (None for a server, or a --db that can't be
    read: the command itself says what is wrong with it)."""
    try:
        return _config.resolve().path
    except Exception:
        return None


def _refuse_undecodable(args: list[str]) -> None:
    """An argument that was not UTF-8 (a terminal in another encoding) is a usage error
    naming it, before any command sees it."""
    from salestrack.errors import InvalidInput
    from salestrack.names import refuse_undecodable

    for n, arg in enumerate(args, 1):
        try:
            refuse_undecodable(f"argument {n}", arg)
        except InvalidInput as exc:
            from salestrack.output.console import visible

            sys.stderr.write(f"error: {visible(exc.message)} ({visible(arg)})\n")
            sys.exit(2)


def _global_first(args: list[str]) -> list[str]:
    """``--db`` and ``--no-pager`` anywhere before ``--`` count as if typed first, so
    ``salestrack prospect list --db team.db`` works as ``salestrack --db team.db prospect
    list`` does."""
    hoisted: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        token = args[i]
        if token == "--":
            rest += args[i:]
            break
        if token == "--db" and i + 1 < len(args) and rest:
            hoisted += args[i : i + 2]
            i += 2
            continue
        if (token.startswith("--db=") or token == "--no-pager") and rest:
            hoisted.append(token)
        else:
            rest.append(token)
        i += 1
    return hoisted + rest


def _is_click_exception(exc: BaseException) -> bool:
    return isinstance(exc, typer.TyperException)


def _one_line(exc: typer.TyperException) -> str:
    """``error: MESSAGE (see: salestrack log call -h)``; a group typed alone shows its help."""
    message = exc.format_message()
    ctx = getattr(exc, "ctx", None)  # usage errors know the command they were raised in
    if ctx is None:
        return f"error: {message}\n"
    if message == ctx.get_help():  # no arguments given: the help is the message
        return message + "\n"
    message += _retired_hint(exc, ctx)
    where = ""
    if ctx.command.get_help_option(ctx) is not None:
        where = f" (see: {ctx.command_path} {ctx.help_option_names[0]})"
    return f"error: {message}{where}\n"


#: Short flags that meant another option before each letter got one meaning: where the
#: command still has that option, the error names its spelling now.
RETIRED_SHORT = {"-n": ("--limit", "--next"), "-o": ("--output",), "-i": ("--add",)}


def _retired_hint(exc: typer.TyperException, ctx: Any) -> str:
    """``; use -l/--limit`` after "No such option: -n" in a command with ``--limit``."""
    typed = getattr(exc, "option_name", None)
    if typed not in RETIRED_SHORT:
        return ""
    for param in ctx.command.params:
        for long in RETIRED_SHORT[typed]:
            if long in getattr(param, "opts", ()):
                return "; use " + "/".join(sorted(param.opts, key=len))
    return ""


def _describe(exc: BaseException) -> str:
    """A last-resort message for an unexpected error (driver errors get a clear one)."""
    from salestrack.store.errors import describe_driver_error, is_driver_error

    if is_driver_error(exc):
        return describe_driver_error(exc, _config.resolve())
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc} ({getattr(exc, 'filename', '') or 'file'})"
    return (
        f"unexpected {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
        "(set SALESTRACK_DEBUG=1 for details, and please report it)"
    )


app = typer.Typer(
    cls=AppGroup,
    name="salestrack",
    help=(
        "Keep your own sales score: log every call, email, meeting and task right after it "
        "happens, keep the small wins and intel, and see where your process leaks."
    ),
    epilog=(
        "Environment: SALESTRACK_DB (the database, like --db), SALESTRACK_REP (your name on "
        "the rows you write; default: the database user on a server, else your login), TZ "
        "(your time zone), PAGER (for long tables; default less -FRX), NO_COLOR (no colours), "
        "SALESTRACK_DEBUG=1 (a traceback for an unexpected error). Each command's -h shows "
        "its options."
    ),
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"salestrack {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH|URL",
            help="Database: a SQLite file path or a URL (postgresql+psycopg://...). "
            "Default: $SALESTRACK_DB, else a file in your user data folder.",
            is_eager=True,
            show_default=False,
        ),
    ] = None,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager",
            help="Print long tables straight to the terminal instead of through $PAGER "
            "(less -FRX by default). Output to a pipe is never paged.",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Keep your own sales score from the terminal."""


def main() -> None:
    """Console script entry point.

    Start-up makes tens of thousands of objects that live as long as the process (modules,
    the command tree, Typer's parameters), which the cyclic garbage collector would walk
    again on every pass and once more at exit. So collection is off until the command is
    invoked (:meth:`AppGroup.invoke`), those objects are then frozen out of it
    (:func:`gc.freeze`), and what is left at the end is frozen too, so that the exit does
    not walk it. Measured on ``today`` at 1M activities: 15 ms of a 122 ms run. The
    command itself runs with collection on, so a long import still frees its cycles.
    """
    gc.disable()
    try:
        app(prog_name="salestrack")
    finally:
        gc.freeze()
