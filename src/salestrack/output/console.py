"""Two channels: data on stdout, messages on stderr.

Messages use plain writes (no Rich import) so capture stays instant. Rich consoles are made
on demand, with markup and emoji off so user data such as ``[bold]x`` prints as typed;
Rich honours ``NO_COLOR``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SHOWN = {c: _NAMED.get(chr(c), f"\\x{c:02x}") for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_SHOWN_KEEP_LINES = {c: v for c, v in _SHOWN.items() if c != 0x0A}


def visible(text: str, *, lines: bool = False) -> str:
    """``text`` with its control characters written out (``\\x1b``, ``\\n``), so user text
    or file content in a message can't move the cursor, retitle the terminal or split a line.
    ``lines=True`` keeps line breaks (a multi-line notice)."""
    shown = text.translate(_SHOWN_KEEP_LINES if lines else _SHOWN)
    if any("\ud800" <= ch <= "\udfff" for ch in shown):  # bytes that were not UTF-8
        raw = shown.encode("utf-8", "surrogateescape")
        shown = raw.decode("utf-8", "backslashreplace")
    return shown


def say(message: str) -> None:
    """A confirmation or notice for the person, on stderr."""
    sys.stderr.write(visible(message, lines=True) + "\n")
    sys.stderr.flush()


def error(message: str, *, lines: bool = False) -> None:
    """A one-line error on stderr (``lines``: several); control characters in it are shown,
    never obeyed."""
    sys.stderr.write(f"error: {visible(message, lines=lines)}\n")
    sys.stderr.flush()


def emit(text: str) -> None:
    """Data for scripts, on stdout."""
    sys.stdout.write(text + "\n")


def stdout_console() -> Console:
    from rich.console import Console

    return Console(file=sys.stdout, markup=False, emoji=False, highlight=False)


def stderr_console() -> Console:
    from rich.console import Console

    return Console(file=sys.stderr, markup=False, emoji=False, highlight=False)


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def text_width() -> int | None:
    """How wide text written for a person may be: the terminal's columns (``COLUMNS`` if
    set), or None when stdout is not a terminal (piped text is not wrapped)."""
    if not stdout_is_terminal():
        return None
    import shutil

    return shutil.get_terminal_size().columns


class Ticks:
    """What long work reports its steps to: ``ticks(n)`` after ``n`` more, ``ticks.at(done,
    total)`` when it knows where it is. Silent unless a bar is drawn."""

    def __init__(self, bar: Any = None, task: Any = None) -> None:
        self.bar, self.task = bar, task

    def __call__(self, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.advance(self.task, n)

    def at(self, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=total)


@contextmanager
def progress(what: str, total: int | None) -> Iterator[Ticks]:
    """A progress bar on stderr while the work runs, only when stderr is a terminal (Rich's
    Progress, imported then): the count, and the time left when the total is known. It goes
    when the work is done; stdout is never touched."""
    if not sys.stderr.isatty():
        yield Ticks()
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns: list[Any] = [TextColumn(what), BarColumn(), MofNCompleteColumn()]
    if total is not None:
        columns.append(TimeRemainingColumn())
    with Progress(*columns, console=stderr_console(), transient=True) as bar:
        yield Ticks(bar, bar.add_task(what, total=total))


def page(console: Console, renderable: Any) -> None:
    """Print ``renderable``; on a terminal, through a pager when it is taller than the screen.

    The pager is ``$PAGER``, else ``less -FRX`` (quit at once if it fits, keep colours, leave
    the text on screen). Never when stdout is piped, nor with ``--no-pager``.
    """
    from salestrack import config

    if not (console.is_terminal and config.current().pager):
        console.print(renderable)
        return
    with console.capture() as captured:
        console.print(renderable)
    text = captured.get()
    if text.count("\n") < console.height:
        sys.stdout.write(text)
        return
    import subprocess

    command = os.environ.get("PAGER") or "less -FRX"
    try:
        subprocess.run(command, shell=True, input=text, text=True, check=False)
    except OSError:
        sys.stdout.write(text)
