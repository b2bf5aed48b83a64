"""The lazily built command tree: summaries match the commands, and help builds nothing."""

from __future__ import annotations

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
    listed = text.split("Commands:", 1)[1]
    for name in root.lazy:
        assert f"\n  {name} " in listed


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
