"""One renderer for every list and report: a table of named columns in four formats.

CSV follows RFC 4180 with a header row; JSON is a list of objects; JSON lines one object a
line. Column names are snake_case and form a contract (docs/cli.md lists them).
"""

from __future__ import annotations

import io
import sys
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

FORMATS = ("table", "csv", "json", "jsonl")


@dataclass
class Column:
    """A named column; ``title`` and ``show`` shape only the terminal table."""

    name: str
    title: str = ""
    justify: str = "left"
    show: Any = None  # a callable turning a value into table text

    def heading(self) -> str:
        return self.title or self.name.replace("_", " ")


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    empty: str = "nothing to show"


def plain(value: Any) -> Any:
    """JSON-ready value: ISO-8601 times with offset, UUIDs as strings."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def choose_format(requested: str | None) -> str:
    if requested:
        return requested
    return "table" if sys.stdout.isatty() else "csv"


def to_csv(table: Table) -> str:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = [c.name for c in table.columns]
    writer.writerow(names)
    for row in table.rows:
        writer.writerow(["" if row.get(n) is None else plain(row.get(n)) for n in names])
    return buffer.getvalue()


def to_json(table: Table) -> str:
    import json

    names = [c.name for c in table.columns]
    return json.dumps(
        [{n: plain(row.get(n)) for n in names} for row in table.rows],
        ensure_ascii=False,
        indent=2,
    )


def to_jsonl(table: Table) -> str:
    import json

    names = [c.name for c in table.columns]
    return "".join(
        json.dumps({n: plain(row.get(n)) for n in names}, ensure_ascii=False) + "\n"
        for row in table.rows
    )


def render(table: Table, fmt: str | None) -> None:
    """Write ``table`` to stdout in ``fmt`` (default: Rich table on a terminal, else CSV)."""
    chosen = choose_format(fmt)
    if chosen == "csv":
        sys.stdout.write(to_csv(table))
    elif chosen == "json":
        sys.stdout.write(to_json(table) + "\n")
    elif chosen == "jsonl":
        sys.stdout.write(to_jsonl(table))
    else:
        print_table(table)


def print_table(table: Table) -> None:
    from rich.table import Table as RichTable

    from salestrack.output.console import stderr_console, stdout_console

    if not table.rows:
        stderr_console().print(table.empty)
        return
    rich_table = RichTable(title=table.title, caption=table.caption, header_style="bold")
    for column in table.columns:
        rich_table.add_column(column.heading(), justify=column.justify)  # type: ignore[arg-type]
    for row in table.rows:
        cells = []
        for column in table.columns:
            value = row.get(column.name)
            text = column.show(value) if column.show else value
            cells.append("" if text is None else str(text))
        rich_table.add_row(*cells)
    stdout_console().print(rich_table)


def print_fields(title: str, pairs: Sequence[tuple[str, Any]]) -> None:
    """A two-column key/value block for ``show`` commands."""
    plain_text = _plain_fields(title, pairs)
    if plain_text is not None:
        sys.stdout.write(plain_text)
        return
    from rich.table import Table as RichTable

    from salestrack.output.console import stdout_console

    grid = RichTable(title=title, show_header=False, box=None, title_justify="left")
    grid.add_column(style="bold")
    grid.add_column()
    for key, value in pairs:
        grid.add_row(key, "" if value is None else str(value))
    stdout_console().print(grid)


def _plain_fields(title: str, pairs: Sequence[tuple[str, Any]]) -> str | None:
    """What Rich prints for :func:`print_fields` when that is plain text, written without
    importing Rich (a third of the start-up of ``db status`` and ``prospect show``): not to
    a terminal (no styles), every character printable ASCII (one cell each) and the block
    as wide as its widest row, within the console's width (nothing wraps). None otherwise,
    and Rich prints it. ``tests/test_render_fields.py`` compares the two."""
    import os

    rows = [(str(k), "" if v is None else str(v)) for k, v in pairs]
    if not rows or os.name == "nt" or _styled(os.environ):
        return None
    texts = [title, *(t for row in rows for t in row)]
    if not all(t.isascii() and t.isprintable() for t in texts):
        return None
    keys, values = max(len(k) for k, _ in rows), max(len(v) for _, v in rows)
    width = keys + values + 4  # a cell's padding: one space each side
    if len(title) > width or width > _console_width(os.environ):
        return None
    lines = [title.ljust(width)]
    lines += [f" {k.ljust(keys)}  {v.ljust(values)} " for k, v in rows]
    return "\n".join(lines) + "\n"


def _styled(environ: Mapping[str, str]) -> bool:
    """Whether Rich would write styles to stdout (its terminal detection)."""
    forced = environ.get("TTY_COMPATIBLE", "")
    if forced in ("0", "1"):
        return forced == "1"
    if environ.get("FORCE_COLOR") is not None:
        return environ.get("FORCE_COLOR") != ""
    try:
        return sys.stdout.isatty()
    except ValueError:
        return False


def _console_width(environ: Mapping[str, str]) -> int:
    """Rich's console width: COLUMNS, else the first standard stream's terminal, else 80."""
    import os

    columns = environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    for fd in (0, 1, 2):
        try:
            found = os.get_terminal_size(fd).columns
        except (AttributeError, ValueError, OSError):
            continue
        return found or 80
    return 80
