"""One renderer for every list and report: a table of named columns in four formats.

CSV follows RFC 4180 with a header row; JSON is a list of objects; JSON lines one object a
line. Column names are snake_case and form a contract (docs/cli.md lists them).
"""

from __future__ import annotations

import io
import math
import sys
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

FORMATS = ("table", "csv", "json", "jsonl")


#: Text columns this narrow (stage names, dates, months, short codes) are never cut.
SHORT = 16
#: The narrowest a long text column is cut to before a column is dropped instead: a column
#: that is never dropped (a name) keeps more of its text than the others.
NARROWEST = 10
NARROWEST_KEPT = 24


# NamedTuples, not dataclasses: the reports' start-up (docs/architecture.md)
class Column(NamedTuple):
    """A named column; ``title``, ``show`` and ``priority`` shape only the terminal table.

    ``priority`` says what goes first when the terminal is narrow: 0 is never dropped, and
    among the others the highest number (then the rightmost) is dropped first. Numbers
    (right-justified) and short text never wrap or get cut; long text is cut with an ellipsis.
    """

    name: str
    title: str = ""
    justify: str = "left"
    show: Any = None  # a callable turning a value into table text
    priority: int = 1

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
    """JSON-ready value: ISO-8601 times with offset, UUIDs as strings, and no number JSON
    can't hold (NaN and infinities become null)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def choose_format(requested: str | None) -> str:
    if requested:
        return requested
    return "table" if sys.stdout.isatty() else "csv"


def sorted_rows(
    rows: Sequence[Any], spec: str, of: Callable[[Any], Mapping[str, Any]] | None = None
) -> list[Any]:
    """``rows`` ordered by the column ``spec`` names (``-name``: descending), as ``--sort``
    asks: text case aside, empty cells last either way, equal ones in the order they came
    (the command's own order). ``of`` reads a row's columns when the rows are objects."""
    key, descending = spec.lstrip("-"), spec.startswith("-")
    cells = [((of(r) if of else r).get(key), r) for r in rows]
    filled = [(v, r) for v, r in cells if v not in (None, "", [])]
    empty = [r for v, r in cells if v in (None, "", [])]

    def value(item: tuple[Any, Any]) -> Any:
        found = item[0]
        if isinstance(found, str):
            return found.casefold()
        if isinstance(found, (list, tuple)):
            return ", ".join(str(v) for v in found).casefold()
        return found

    return [r for _, r in sorted(filled, key=value, reverse=descending)] + empty


def csv_cell(value: Any) -> str:
    """A CSV cell that reads as the same value as the JSON: ``true``/``false``, numbers as
    JSON writes them, times in ISO-8601, nothing for null."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""  # as JSON writes it
    return str(plain(value))


def to_csv(table: Table) -> str:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = [c.name for c in table.columns]
    writer.writerow(names)
    for row in table.rows:
        writer.writerow([csv_cell(row.get(n)) for n in names])
    return buffer.getvalue()


def to_json(table: Table) -> str:
    import json

    names = [c.name for c in table.columns]
    return json.dumps(
        [{n: plain(row.get(n)) for n in names} for row in table.rows],
        ensure_ascii=False,
        indent=2,
        allow_nan=False,
    )


def to_jsonl(table: Table) -> str:
    import json

    names = [c.name for c in table.columns]
    return "".join(
        json.dumps({n: plain(row.get(n)) for n in names}, ensure_ascii=False, allow_nan=False)
        + "\n"
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


def render_record(record: Mapping[str, Any], fmt: str) -> None:
    """One record (a ``show`` command, a status, a brief) as ``fmt``: JSON indented, JSON
    lines on one line, CSV as a header and one row, where a list or an object is its JSON
    text in one cell (so a CSV cell reads as the same value as the JSON)."""
    import json

    data = {k: _plain_deep(v) for k, v in record.items()}
    if fmt == "csv":
        cells = {
            k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
            for k, v in data.items()
        }
        sys.stdout.write(to_csv(Table("", [Column(k) for k in cells], [cells])))
    elif fmt == "jsonl":
        sys.stdout.write(json.dumps(data, ensure_ascii=False, allow_nan=False) + "\n")
    else:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n")


def _plain_deep(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain_deep(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_deep(v) for v in value]
    return plain(value)


def _cells(table: Table) -> list[list[str]]:
    from salestrack.output.console import visible

    out = []
    for row in table.rows:
        line = []
        for column in table.columns:
            value = row.get(column.name)
            text = column.show(value) if column.show else value
            line.append("" if text is None else visible(str(text), lines=True))
        out.append(line)
    return out


def fit(
    columns: Sequence[Column],
    cells: Sequence[Sequence[str]],
    width: int,
    *,
    cost: tuple[int, int] = (3, 1),
) -> tuple[list[int], list[int]]:
    """Which columns a table of ``width`` cells shows, and how wide each is. ``cost`` is
    what the columns take besides their text: so much a column, and so much once (a Rich
    table: its padding and a rule each, and the last rule; plain lines: a gap between two).

    Empty columns are left out. Numbers and short text keep their whole width; long text
    shares what is left: the columns that are never dropped first, then the others evenly,
    each taking no more than it needs (max-min fair sharing). While even
    the narrowest layout does not fit, the least important column is dropped. Returns the
    indexes kept and their widths. Hand-written: Rich squeezes every column alike, numbers too.
    """
    from rich.cells import cell_len

    natural = [max(cell_len(part) for part in c.heading().splitlines()) for c in columns]
    filled = [False] * len(columns)
    for line in cells:
        for i, text in enumerate(line):
            if text:
                filled[i] = True
                natural[i] = max(natural[i], max(cell_len(part) for part in text.splitlines()))
    kept = [i for i in range(len(columns)) if filled[i]] or list(range(len(columns)))

    def fixed(i: int) -> bool:
        return columns[i].justify == "right" or natural[i] <= SHORT

    def floor(i: int) -> int:
        if fixed(i):
            return natural[i]
        return min(natural[i], NARROWEST_KEPT if columns[i].priority == 0 else NARROWEST)

    def room(shown: list[int]) -> int:
        return width - cost[0] * len(shown) - cost[1]

    while len(kept) > 1 and sum(floor(i) for i in kept) > room(kept):
        droppable = [i for i in kept if columns[i].priority > 0]
        if not droppable:
            break
        kept.remove(max(droppable, key=lambda i: (columns[i].priority, i)))

    def share(shown: list[int], budget: int) -> dict[int, int]:
        """Max-min fair: the narrowest first, each up to an even share of what is left."""
        out = {}
        for n, i in enumerate(sorted(shown, key=lambda i: natural[i])):
            out[i] = min(natural[i], max(floor(i), budget // (len(shown) - n)))
            budget -= out[i]
        return out

    widths = {i: natural[i] for i in kept}
    left = room(kept) - sum(natural[i] for i in kept if fixed(i))
    flexible = [i for i in kept if not fixed(i)]
    first = [i for i in flexible if columns[i].priority == 0]
    rest = [i for i in flexible if i not in first]
    widths |= share(first, left - sum(floor(i) for i in rest))  # the never-dropped first
    widths |= share(rest, left - sum(widths[i] for i in first))
    return kept, [widths[i] for i in kept]


def print_table(table: Table) -> None:
    from rich.table import Table as RichTable

    from salestrack.output.console import page, stderr_console, stdout_console

    if not table.rows:
        stderr_console().print(table.empty)
        return
    console = stdout_console()
    cells = _cells(table)
    kept, widths = fit(table.columns, cells, console.width)
    caption = table.caption
    dropped = [
        c.heading().replace("-\n", "").replace("\n", " ")
        for i, c in enumerate(table.columns)
        if i not in kept and any(line[i] for line in cells)
    ]
    if dropped:
        note = f"not shown at {console.width} columns: {', '.join(dropped)} (-f csv has all)"
        caption = f"{caption}\n{note}" if caption else note
    rich_table = RichTable(title=table.title, caption=caption, header_style="bold")
    for i, w in zip(kept, widths, strict=True):
        column = table.columns[i]
        rich_table.add_column(
            column.heading(),
            justify=column.justify,  # type: ignore[arg-type]
            width=w,
            no_wrap=True,
            overflow="ellipsis",
        )
    for line in cells:
        rich_table.add_row(*(line[i] for i in kept))
    page(console, rich_table)


def print_fields(title: str, pairs: Sequence[tuple[str, Any]]) -> None:
    """A two-column key/value block for ``show`` commands."""
    plain_text = _plain_fields(title, pairs)
    if plain_text is not None:
        sys.stdout.write(plain_text)
        return
    from rich.table import Table as RichTable

    from salestrack.output.console import stdout_console, visible

    grid = RichTable(title=title, show_header=False, box=None, title_justify="left")
    grid.add_column(style="bold")
    grid.add_column()
    for key, value in pairs:
        grid.add_row(key, "" if value is None else visible(str(value), lines=True))
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
