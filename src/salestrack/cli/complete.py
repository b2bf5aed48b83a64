"""Shell completion of prospect names, straight from SQLite (no SQLAlchemy, never fails)."""

from __future__ import annotations

import os
import re
from typing import Any

import typer

# Typer 0.27+ runs on its own copy of Click, and a parameter type must derive from that
# copy's class (an outside Click type is wrapped and its completion ignored).
try:
    from typer._click.shell_completion import CompletionItem
    from typer._click.types import ParamType
except ImportError:  # pragma: no cover - Typer before 0.27 runs on Click itself
    from click.shell_completion import CompletionItem  # type: ignore[assignment]
    from click.types import ParamType  # type: ignore[assignment]

# What shlex.quote leaves alone; anything else gets a backslash for bash.
_UNSAFE = re.compile(r"([^\w@%+=:,./-])")


def for_shell(names: list[str]) -> list[str]:
    """Names as the shell must insert them so that Enter runs them as one word.

    bash inserts a completion as typed, so a space or ``&`` in ``Kestrel Print & Co`` is
    escaped with a backslash — unless the word being completed opened a quote, which already
    holds it together. zsh and fish quote completions themselves.
    """
    if os.environ.get("_SALESTRACK_COMPLETE") != "complete_bash":
        return names
    import shlex

    try:
        shlex.split(os.environ.get("COMP_WORDS", ""))
    except ValueError:  # an open quote: the shell keeps the name together
        return names
    return [_UNSAFE.sub(r"\\\1", name) for name in names]


class Completed(ParamType):
    """Text as typed, that the shell completes with ``complete(ctx, incomplete)``.

    Completion goes through the type rather than Typer's ``autocompletion``, which keeps
    only completions that start with the typed text as typed: that drops matches in another
    case (``kes`` for *Kestrel*) and every name that bash needs escaped.
    """

    def __init__(self, name: str, complete: Any) -> None:
        self.name = name
        self.complete = complete

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        return value

    def shell_complete(self, ctx: Any, param: Any, incomplete: str) -> list[Any]:
        return [CompletionItem(found) for found in self.complete(ctx, incomplete)]


def prospect_name() -> Completed:
    return Completed("prospect", complete_prospect)


def stage_name() -> Completed:
    return Completed("stage", complete_stage)


def _rows(ctx: typer.Context, sql: str, *params: Any) -> list[Any]:
    """The rows of ``sql`` in the database the command line names, opened read-only; none
    when it is not a SQLite file that exists yet."""
    import sqlite3

    from salestrack import config

    with config.running(config.App(db=ctx.find_root().params.get("db"))):
        target = config.resolve()
    if target.path is None or not target.path.exists():
        return []
    db = sqlite3.connect(f"file:{target.path}?mode=ro", uri=True, timeout=1)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def complete_prospect(ctx: typer.Context, incomplete: str) -> list[str]:
    try:
        from salestrack.names import key

        prefix = key(incomplete)
        rows = _rows(
            ctx,
            "SELECT name FROM prospects WHERE name_key >= ? AND name_key < ? "
            "ORDER BY name_key LIMIT 200",
            prefix,
            prefix + "\U0010ffff",
        )
        return for_shell([r[0] for r in rows])
    except Exception:  # completion must never break the shell
        return []


def complete_stage(ctx: typer.Context, incomplete: str) -> list[str]:
    """The stages of the database in use (its own list, else the default), for ``--stage``."""
    try:
        from salestrack.store import settings

        stages = settings.REGISTRY["stages"].fallback()
        row = _rows(ctx, "SELECT value FROM settings WHERE key = 'stages' AND owner = ''")
        if row:  # checked by the stages' rule, as every read of a setting is
            stages = settings.check_stages(settings.decode(row[0][0]))
        typed = incomplete.casefold()
        return for_shell([s for s in stages if s.casefold().startswith(typed)])
    except Exception:  # completion must never break the shell
        return []


def complete_tag(ctx: typer.Context, incomplete: str) -> list[str]:
    """The tags in use that start with what was typed (straight from SQLite, never fails)."""
    try:
        prefix = incomplete.strip().lstrip("#").casefold()
        rows = _rows(
            ctx,
            "SELECT DISTINCT name FROM tags WHERE name >= ? AND name < ? ORDER BY name LIMIT 200",
            prefix,
            prefix + "\U0010ffff",
        )
        return [r[0] for r in rows]
    except Exception:  # completion must never break the shell
        return []


def figure_name() -> Completed:
    return Completed("figure", complete_figure)


def complete_figure(ctx: typer.Context, incomplete: str) -> list[str]:
    """The baseline's figures that start with what was typed (their names hold the
    database's own stages), for ``baseline --chart``."""
    try:
        import json

        from salestrack import vocab
        from salestrack.reports.baseline import figure_names

        stages = list(vocab.DEFAULT_STAGES)
        row = _rows(ctx, "SELECT value FROM settings WHERE key = 'stages'")
        if row and row[0][0]:
            stages = [str(s) for s in json.loads(row[0][0])] or stages
        typed = " ".join(incomplete.casefold().split())
        return for_shell([n for n in figure_names(stages) if n.casefold().startswith(typed)])
    except Exception:  # completion must never break the shell
        return []
