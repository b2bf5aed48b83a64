"""Commands built only when used, so start-up stays flat as the command tree grows.

Typer turns every function signature into click parameters when the tree is built, which
costs about half a millisecond per parameter. A :class:`LazyGroup` knows its subcommands by
name and a one-line summary, and imports and builds just the one that was typed. ``--help``
and shell completion of command names show the summaries without building anything.
``tests/test_cli_tree.py`` checks each summary against the command it stands for.
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar, NamedTuple

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

_argument_metavar = TyperArgument.make_metavar


def _metavar(self: TyperArgument, ctx: Any, *, usage: bool = False) -> str:
    """An argument as help writes it everywhere else (``PROSPECT``, ``[CLIENT]``): Typer
    0.28 writes a required one as ``{PROSPECT}`` in the usage line, a style no other help
    text uses."""
    found = _argument_metavar(self, ctx, usage=usage)
    return found[1:-1] if found.startswith("{") and found.endswith("}") else found


TyperArgument.make_metavar = _metavar  # type: ignore[method-assign]


# NamedTuples here, not frozen dataclasses: capture's start-up (docs/architecture.md)
class Lazy(NamedTuple):
    """Where a subcommand lives: ``module.attr`` is a Typer app (a group) or a function."""

    module: str
    attr: str
    summary: str

    def load(self, name: str) -> Any:
        target = getattr(importlib.import_module(self.module), self.attr)
        command: Any
        if isinstance(target, typer.Typer):
            command = typer.main.get_group(target)  # a group even with one subcommand
        else:
            single = typer.Typer(rich_markup_mode=None, add_completion=False)
            single.command(name)(target)
            command = typer.main.get_command(single)
        command.name = name
        return command


class LazyGroup(TyperGroup):
    """A group whose ``lazy`` subcommands are imported and built on first use."""

    lazy: ClassVar[dict[str, Lazy]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._summaries_only = False

    def list_commands(self, ctx: Any) -> list[str]:
        built = super().list_commands(ctx)
        return [*built, *(n for n in self.lazy if n not in built)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            entry = self.lazy[cmd_name]
            if self._summaries_only:
                return TyperCommand(name=cmd_name, help=entry.summary)
            self.commands[cmd_name] = entry.load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        typed = args[0] if args else ""
        if typed and not typed.startswith("-") and self.get_command(ctx, typed) is None:
            import difflib

            close = difflib.get_close_matches(typed, self.list_commands(ctx), n=1, cutoff=0.6)
            if close:
                ctx.fail(f"No such command '{typed}'. Did you mean '{close[0]}'?")
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        self._summaries_only = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._summaries_only = False

    def shell_complete(self, ctx: Any, incomplete: str) -> Any:
        self._summaries_only = True
        try:
            return super().shell_complete(ctx, incomplete)
        finally:
            self._summaries_only = False
