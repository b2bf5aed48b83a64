"""Plain-text screens made of short tables under headings: the activity journal by day (like
``watson log``) and ``today``'s sections.

Columns are sized by :func:`salestrack.output.render.fit` (numbers and short text whole, long
text cut with an ellipsis, the least important columns left out and named), and written as
text, without Rich's console: these screens are typed every day and start faster without it.
Headings are bold on a terminal unless ``NO_COLOR`` is set.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from salestrack.output.render import Column, Table, _cells, fit

GAP = "  "  # between two columns


@dataclass
class Section:
    """A heading, a table (or none) and lines of text under it (or none)."""

    heading: str
    table: Table | None
    text: str | None = None


def _bare(table: Table) -> list[Column]:
    """The columns as :func:`fit` should size them when no header is shown."""
    return [c._replace(title=" ") for c in table.columns]


def _width() -> int:
    return shutil.get_terminal_size((80, 24)).columns


def _cut(text: str, width: int, right: bool) -> str:
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) > width:
        text = set_cell_size(text, width - 1) + "…"
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad


def table_lines(
    table: Table, width: int, cells: list[list[str]] | None = None
) -> tuple[list[str], list[str]]:
    """The rows of ``table`` as lines that fit ``width``, and the headings of the columns
    left out for want of room."""
    cells = _cells(table) if cells is None else cells
    # a column costs the gap before it, and the first none
    kept, widths = fit(_bare(table), cells, width, cost=(len(GAP), -len(GAP)))
    lines = []
    for line in cells:
        parts = [
            _cut(line[i], w, table.columns[i].justify == "right")
            for i, w in zip(kept, widths, strict=True)
        ]
        lines.append(GAP.join(parts).rstrip())
    dropped = [
        c.heading().replace("-\n", "").replace("\n", " ")
        for i, c in enumerate(table.columns)
        if i not in kept and any(line[i] for line in cells)
    ]
    return lines, dropped


def _bold(text: str) -> str:
    if sys.stdout.isatty() and not os.environ.get("NO_COLOR"):
        return f"\x1b[1m{text}\x1b[0m"
    return text


def _show(lines: list[str]) -> None:
    """Write ``lines``; on a terminal taller than the screen, through the pager."""
    from salestrack import config

    text = "\n".join(lines) + "\n"
    height = shutil.get_terminal_size((80, 24)).lines
    if sys.stdout.isatty() and config.current().pager and len(lines) >= height:
        import subprocess

        command = os.environ.get("PAGER") or "less -FRX"
        try:
            subprocess.run(command, shell=True, input=text, text=True, check=False)
            return
        except OSError:
            pass
    sys.stdout.write(text)


def print_grouped(table: Table, heading: Callable[[list[dict[str, Any]]], str], key: str) -> None:
    """``table``'s rows in runs of the same ``key`` value, each under ``heading(rows)``; the
    columns line up from one run to the next."""
    from salestrack.output.console import visible

    if not table.rows:
        sys.stderr.write(visible(table.empty) + "\n")
        return
    width = _width()
    lines, dropped = table_lines(table, width)
    runs: list[tuple[list[dict[str, Any]], list[str]]] = []
    for row, line in zip(table.rows, lines, strict=True):
        if not runs or runs[-1][0][0].get(key) != row.get(key):
            runs.append(([], []))
        runs[-1][0].append(row)
        runs[-1][1].append(line)
    out: list[str] = []
    for rows, run_lines in runs:
        out += [*([""] if out else []), _bold(visible(heading(rows))), *run_lines]
    notes = [table.caption] if table.caption else []
    if dropped:
        notes.append(f"not shown at {width} columns: {', '.join(dropped)} (-f csv has all)")
    if notes:
        out += ["", *(visible(n) for n in notes)]
    _show(out)


def print_sections(title: str, sections: list[Section]) -> None:
    """A title, then each section: its heading, then its rows and text indented by two."""
    from salestrack.output.console import visible

    width = _width()
    out = [_bold(visible(title))]
    for s in sections:
        out += ["", _bold(visible(s.heading))]
        if s.table is not None and s.table.rows:
            lines, _ = table_lines(s.table, width - 2)
            out += ["  " + line for line in lines]
        for line in (s.text or "").splitlines():
            out += ["  " + part for part in _wrap(visible(line), width - 2)]
    _show(out)


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]
