"""A table in groups under headings (the activity journal by day, like ``watson log``).

The columns are sized once for every row (:func:`salestrack.output.render.fit`), so they
line up from one group to the next and fit the terminal; the least important are left out
and named when it is narrow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from salestrack.output.render import Column, Table, _cells, fit


def _bare(table: Table) -> list[Column]:
    """The columns as :func:`fit` should size them when no header is shown."""
    return [replace(c, title=" ") for c in table.columns]


def print_grouped(table: Table, heading: Callable[[list[dict[str, Any]]], str], key: str) -> None:
    """``table``'s rows in runs of the same ``key`` value, each under ``heading(rows)``."""
    from rich.console import Group
    from rich.table import Table as RichTable
    from rich.text import Text

    from salestrack.output.console import page, stderr_console, stdout_console, visible

    if not table.rows:
        stderr_console().print(table.empty)
        return
    console = stdout_console()
    cells = _cells(table)
    # no borders: a column costs its two spaces of padding, not fit's three cells
    kept, widths = fit(_bare(table), cells, console.width + len(table.columns) + 2)
    runs: list[tuple[list[dict[str, Any]], list[list[str]]]] = []
    for row, line in zip(table.rows, cells, strict=True):
        if not runs or runs[-1][0][0].get(key) != row.get(key):
            runs.append(([], []))
        runs[-1][0].append(row)
        runs[-1][1].append(line)
    parts: list[Any] = []
    for rows, lines in runs:
        grid = RichTable(box=None, show_header=False, padding=(0, 1), pad_edge=False)
        for i, w in zip(kept, widths, strict=True):
            column = table.columns[i]
            grid.add_column(
                justify=column.justify,  # type: ignore[arg-type]
                width=w,
                no_wrap=True,
                overflow="ellipsis",
            )
        for line in lines:
            grid.add_row(*(line[i] for i in kept))
        if parts:
            parts.append(Text(""))
        parts += [Text(visible(heading(rows)), style="bold"), grid]
    dropped = [
        c.heading().replace("-\n", "").replace("\n", " ")
        for i, c in enumerate(table.columns)
        if i not in kept and any(line[i] for line in cells)
    ]
    notes = [table.caption] if table.caption else []
    if dropped:
        notes.append(f"not shown at {console.width} columns: {', '.join(dropped)} (-f csv has all)")
    if notes:
        parts += [Text(""), *(Text(visible(note), style="dim") for note in notes)]
    page(console, Group(*parts))


@dataclass
class Section:
    """A heading, a table (or none) and a line of text under it (or none)."""

    heading: str
    table: Table | None
    text: str | None = None


def _grid(table: Table, cells: list[list[str]], width: int) -> Any:
    from rich.table import Table as RichTable

    kept, widths = fit(_bare(table), cells, width + len(table.columns) + 2)
    grid = RichTable(box=None, show_header=False, padding=(0, 1), pad_edge=False)
    for i, w in zip(kept, widths, strict=True):
        grid.add_column(
            justify=table.columns[i].justify,  # type: ignore[arg-type]
            width=w,
            no_wrap=True,
            overflow="ellipsis",
        )
    for line in cells:
        grid.add_row(*(line[i] for i in kept))
    return grid


def print_sections(title: str, sections: list[Section]) -> None:
    """A title, then each section: its heading in bold, its rows indented by one space."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.text import Text

    from salestrack.output.console import page, stdout_console, visible

    console = stdout_console()
    parts: list[Any] = [Text(visible(title), style="bold")]
    for s in sections:
        parts += [Text(""), Text(visible(s.heading), style="bold")]
        if s.table is not None and s.table.rows:
            grid = _grid(s.table, _cells(s.table), console.width - 2)
            parts.append(Padding(grid, (0, 0, 0, 2), expand=False))
        for line in (s.text or "").splitlines():
            parts.append(Padding(Text(visible(line)), (0, 0, 0, 2), expand=False))
    page(console, Group(*parts))
