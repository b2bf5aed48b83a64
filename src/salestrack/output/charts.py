"""Charts in the terminal, drawn with Rich's text alone: horizontal bars, a sparkline, and a
column chart of weeks with the usual band behind it.

Why no charting library (plotext, asciichartpy): each costs its import on every command that
draws, and Rich is loaded for the table anyway; bars of block characters at eighth-cell
resolution read well at 80 columns. Every chart is also a list of plain lines (its numbers
written beside the bars), so a pipe or a test reads what a person sees. Rich is imported
inside the functions that style a line, never at import.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

SPARKS = "▁▂▃▄▅▆▇█"
EIGHTHS = " ▏▎▍▌▋▊▉"  # a horizontal bar's last cell, in eighths
BAND = "░"  # the usual band, behind a column chart's columns
NARROW = 40  # no chart is drawn narrower than this


def sparkline(values: Sequence[float | None]) -> str:
    """``▁▃█`` for a list of numbers (a blank for a missing one)."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = high - low
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        elif span == 0:
            out.append(SPARKS[3])
        else:
            out.append(SPARKS[round((v - low) / span * (len(SPARKS) - 1))])
    return "".join(out)


def hbar(value: float, top: float, width: int) -> str:
    """A bar ``width`` cells long at ``top``, in eighths of a cell; a value above nothing
    shows at least a sliver (a bar of none is empty)."""
    if width <= 0 or top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(min(value, top) / top * width * 8))
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


# NamedTuples, not dataclasses: the reports' start-up (docs/architecture.md)
class Series(NamedTuple):
    """One column of bars: its heading, each row's value and the text shown beside it."""

    name: str
    values: list[float]
    shown: list[str]
    top: float | None = None  # the value a full bar stands for (default: the largest)


def bars(labels: Sequence[str], series: Sequence[Series], width: int) -> list[str]:
    """Rows of horizontal bars, one column of bars per series (each with its own scale),
    the number beside each bar; fits ``width`` columns (the labels cut to 16)."""
    label_w = min(16, max([len(x) for x in labels] + [1]))
    texts = [max([len(s) for s in x.shown] + [len(x.name)]) for x in series]
    room = max(len(series) * 4, width - label_w - sum(t + 2 for t in texts) - 1)
    bar_w = room // max(1, len(series))
    head = " " * label_w
    for x, t in zip(series, texts, strict=True):
        head += " " + x.name[: bar_w + t + 1].ljust(bar_w + t + 1)
    lines = [head.rstrip()]
    for i, label in enumerate(labels):
        cut = label if len(label) <= label_w else label[: label_w - 1] + "…"
        line = cut.ljust(label_w)
        for x, t in zip(series, texts, strict=True):
            top = x.top if x.top is not None else max(x.values, default=0.0)
            line += " " + hbar(x.values[i], top, bar_w).ljust(bar_w) + " " + x.shown[i].rjust(t)
        lines.append(line.rstrip())
    return lines


def columns(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    low: float | None,
    high: float | None,
    shown: Callable[[float], str],
    width: int,
    height: int = 8,
) -> tuple[list[str], int]:
    """A column per week, oldest first (a gap for a week with no value), this week last;
    the usual band (``low`` to ``high``) shaded ``░`` behind the columns; the scale on the
    left (0 at the bottom) and the weeks underneath. Fits ``width`` columns. Returns the lines
    and where this week's column starts in them."""
    n = len(values)
    known = [v for v in values if v is not None]
    top = max([*known, high or 0.0, 0.0])
    if top <= 0:
        top = 1.0
    axis = max(len(shown(top)), len(shown(0.0)))
    cell = max(1, min(5, (width - axis - 2) // max(1, n)))
    bar = max(1, cell - 1) if cell > 1 else 1
    lines = []
    for row in range(height, 0, -1):
        floor, ceiling = top * (row - 1) / height, top * row / height
        banded = low is not None and high is not None and low < ceiling and high >= floor
        if row == height:
            scale = shown(top)
        elif row == 1:
            scale = shown(0.0)
        else:
            scale = ""
        line = scale.rjust(axis) + " ┤" if scale else " " * axis + " │"
        for v in values:
            if v is None or v <= floor:
                mark = BAND if banded else " "
            elif v >= ceiling:
                mark = "█"
            else:
                mark = SPARKS[max(0, min(7, int((v - floor) / (ceiling - floor) * 8) - 1))]
            line += (mark * bar).ljust(cell, BAND if banded else " ")
        lines.append(line.rstrip())
    lines.append(" " * axis + " └" + "─" * (cell * n))
    under = [" "] * (cell * n)
    step = max(1, -(-4 // cell))  # room for a 3-character label every few weeks
    for i in range(n - 1, -1, -step):  # this week always labelled
        text = labels[i][-3:]
        at = i * cell
        if at + len(text) <= len(under) + 2:
            for j, ch in enumerate(text):
                if at + j < len(under):
                    under[at + j] = ch
    lines.append(" " * (axis + 2) + "".join(under).rstrip())
    return lines, axis + 2 + cell * (n - 1)


def styled(lines: Sequence[str], *, last_column: int | None = None) -> Any:
    """The lines as one Rich ``Text``: bars and columns in colour (the band dim), the text
    as written. A NO_COLOR console prints the same characters without colour."""
    from rich.text import Text

    out = Text()
    for i, line in enumerate(lines):
        text = Text(line)
        for j, ch in enumerate(line):
            if ch == BAND:
                text.stylize("dim", j, j + 1)
            elif ch in SPARKS or ch in EIGHTHS[1:]:
                text.stylize("cyan", j, j + 1)
        if last_column is not None and i < len(lines) - 2:
            text.stylize("bold yellow", last_column, len(line))
        out.append_text(text)
        if i < len(lines) - 1:
            out.append("\n")
    return out


def width_of(console: Any) -> int:
    """The width a chart may take on this console (at most 100: wider reads no better)."""
    return max(NARROW, min(100, int(console.width) - 1))
