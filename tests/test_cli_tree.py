"""The lazily built command tree: summaries match the commands, and help builds nothing."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.core import TyperCommand

from salestrack.cli import app
from salestrack.cli.lazy import LazyGroup
from tests.conftest import Cli


def _groups() -> list[tuple[str, LazyGroup]]:
    root = typer.main.get_command(app)
    assert isinstance(root, LazyGroup)
    found = [("salestrack", root)]
    ctx = typer.Context(root)
    for name in root.lazy:
        command = root.get_command(ctx, name)
        if isinstance(command, LazyGroup):
            found.append((name, command))
    return found


def test_every_summary_is_what_the_command_itself_says() -> None:
    checked = 0
    for _, group in _groups():
        ctx = typer.Context(group)
        for name, entry in group.lazy.items():
            built = group.get_command(ctx, name)
            assert built is not None and built.name == name
            stub = TyperCommand(name=name, help=entry.summary)
            assert built.get_short_help_str(200) == stub.get_short_help_str(200), name
            checked += 1
    assert checked >= 12


def test_help_lists_every_command_without_building_any() -> None:
    root = typer.main.get_command(app)
    assert isinstance(root, LazyGroup)
    ctx = typer.Context(root, info_name="salestrack")
    text = root.get_help(ctx)
    assert root.commands == {}
    listed = text.split("Capture:", 1)[1]
    for name in root.lazy:
        assert f"\n  {name} " in listed


def test_help_puts_every_command_under_its_job() -> None:
    from salestrack.cli import AppGroup

    placed = [n for _, group in AppGroup.jobs for n in group]
    assert sorted(placed) == sorted(AppGroup.lazy), "add the new command to AppGroup.jobs"
    root = typer.main.get_command(app)
    text = root.get_help(typer.Context(root, info_name="salestrack"))
    sections = [title for title, _ in AppGroup.jobs]
    assert [t for t in sections if f"\n{t}:\n" in text] == sections  # in this order
    assert "Other:" not in text
    assert "SALESTRACK_DB" in text and "SALESTRACK_REP" in text and "PAGER" in text


def test_completing_a_command_name_builds_nothing(cli: Cli) -> None:
    root = typer.main.get_command(app)
    assert isinstance(root, LazyGroup)
    ctx = typer.Context(root, info_name="salestrack", resilient_parsing=True)
    names = [item.value for item in root.shell_complete(ctx, "p")]
    assert sorted(names) == ["pipeline", "plan", "promise", "prospect"] and root.commands == {}


def test_unknown_command_is_a_usage_error(cli: Cli) -> None:
    result = cli.fails("prospects", code=2)
    assert "No such command 'prospects'. Did you mean 'prospect'?" in result.stderr
    assert "Did you mean" not in cli.fails("frobnicate", code=2).stderr
    assert "Did you mean 'call'?" in cli.fails("log", "cal", "Acme", code=2).stderr


def test_usage_errors_are_one_line_naming_the_command_help(cli: Cli) -> None:
    assert cli.fails("log", "call", code=2).stderr == (
        "error: Missing argument 'PROSPECT'. (see: salestrack log call -h)\n"
    )
    assert cli.fails("next", "--limit", "0", code=2).stderr == (
        "error: Invalid value for '--limit' / '-l': 0 is not in the range x>=1. "
        "(see: salestrack next -h)\n"
    )
    assert cli.fails("log", "call", "Acme", "--at", code=2).stderr == (
        "error: Option '--at' requires an argument.\n"
    )
    assert cli.fails("wins", "--today", "--week", code=2).stderr == (
        "error: choose one of --today, --week and --since/--until\n"
    )
    assert cli.ok("--help").stdout.startswith("Usage: salestrack [OPTIONS] COMMAND [ARGS]...\n")


def test_commands_write_no_sql() -> None:
    """The command modules parse, call a service and render; the SQL lives below them.

    Shell completion (complete.py) reads SQLite directly so that it never waits or fails."""
    import re

    import salestrack.cli

    folder = Path(salestrack.cli.__file__).parent
    sql = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b")
    found = {
        f"{path.name}:{n}": line.strip()
        for path in sorted(folder.glob("*.py"))
        if path.name != "complete.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if sql.search(line)
    }
    assert found == {}
    assert len(list(folder.glob("*.py"))) >= 10  # the check looked at the command modules


def test_db_and_no_pager_work_after_the_command_too(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    cli.ok("prospect", "add", "Acme Ltd", "--db", str(other))
    cli.ok("prospect", "add", "Beacon", f"--db={other}")
    listed = cli.ok("prospect", "list", "--no-pager", "-f", "csv", "--db", str(other))
    assert [line.split(",")[1] for line in listed.stdout.splitlines()[1:]] == ["Acme Ltd", "Beacon"]
    default = cli.fails("prospect", "list", "-f", "csv")  # the default one: never written
    assert default.stderr.startswith("error: no database at ")
    from salestrack.cli import _global_first

    # after `--`, "--db" is a value as typed; before the command it stays where it is
    assert _global_first(["log", "note", "X", "--", "--db", "y"]) == [
        "log", "note", "X", "--", "--db", "y"
    ]  # fmt: skip
    assert _global_first(["--db", "a", "stages", "--no-pager"]) == [
        "--no-pager", "--db", "a", "stages"
    ]  # fmt: skip


def test_demo_refuses_a_db_it_would_not_use(cli: Cli, tmp_path: Path) -> None:
    named = tmp_path / "mine.db"
    result = cli.fails("--db", str(named), "demo", "--weeks", "1", code=2)
    assert f"salestrack demo --path {named}" in result.stderr
    assert result.stderr.count("\n") == 1 and not named.exists()
