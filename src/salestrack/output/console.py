"""Two channels: data on stdout, messages on stderr.

Messages use plain writes (no Rich import) so capture stays instant. Rich consoles are made
on demand, with markup and emoji off so user data such as ``[bold]x`` prints as typed;
Rich honours ``NO_COLOR``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def say(message: str) -> None:
    """A confirmation or notice for the person, on stderr."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def error(message: str) -> None:
    """A one-line error on stderr."""
    sys.stderr.write(f"error: {message}\n")
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
