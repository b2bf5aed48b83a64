"""Inline SVG charts for the HTML pages (the weekly review, the team review, the scorecard).

Written by hand, not with a charting library: the pages must be one standalone file that
opens without a network and prints (no script, no font, nothing fetched), a library such as
matplotlib or pygal costs seconds to import or ships JavaScript, and these charts are a few
rectangles, one path and their text. Every piece of text is escaped with ``html.escape``.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` (the numbers in
words, for a screen reader and for a reader of the file), an ``aria-labelledby`` naming them,
and each drawn series marked ``data-series`` (a bar or a point also ``data-value``: the
number the report's JSON holds), so a test reads back what the picture shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from itertools import count

from salestrack.output.console import visible

INK, MUTED, BAND, THIS = "#1d2330", "#6b7385", "#dfe6f3", "#c2410c"
COLOURS = ("#3b6fd8", "#9db4e3", "#2f855a", "#b7791f")
_ids = count(1)


def _escape(text: str) -> str:
    """Text as typed: control characters written out, markup escaped."""
    return escape(visible(text))


def _num(v: float) -> str:
    """A coordinate, short: ``12.5``, ``40``."""
    return f"{v:.1f}".removesuffix(".0")


def _value(v: float | None) -> str:
    """A number as the reports' JSON writes it, rounded the same way (``none`` for a
    missing one)."""
    if v is None:
        return "none"
    from salestrack.reports.baseline import rounded

    shown = rounded(float(v))
    return repr(int(v)) if float(v).is_integer() else repr(shown)


def _open(title: str, desc: str, width: int, height: int, kind: str) -> tuple[str, str]:
    n = next(_ids)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {kind}" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="c{n}t c{n}d"><title id="c{n}t">{_escape(title)}</title>'
        f'<desc id="c{n}d">{_escape(desc)}</desc>'
    )
    return head, "</svg>"


def _text(x: float, y: float, text: str, *, size: int = 11, anchor: str = "start",
          fill: str = INK, weight: str = "normal") -> str:  # fmt: skip
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}" font-weight="{weight}">{_escape(text)}</text>'
    )


def line(
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    low: float | None,
    high: float | None,
    shown: Callable[[float], str],
    width: int = 320,
    height: int = 130,
) -> str:
    """A figure's weeks as a line, the usual band (``low`` to ``high``) behind it, this week
    (the last point) marked and labelled. A week without a value breaks the line."""
    head, tail = _open(title, desc, width, height, "trend")
    left, right, top, bottom = 38, 12, 14, height - 22
    known = [v for v in values if v is not None]
    peak = max([*known, high or 0.0, 0.0]) or 1.0
    n = max(1, len(values) - 1)

    def x(i: int) -> float:
        return left + (width - left - right) * i / n

    def y(v: float) -> float:
        return bottom - (bottom - top) * v / peak

    parts = [head]
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{width - right}" y2="{bottom}" '
                 f'stroke="{MUTED}" stroke-width="1"/>')  # fmt: skip
    parts.append(_text(left - 4, y(peak) + 4, shown(peak), size=10, anchor="end", fill=MUTED))
    parts.append(_text(left - 4, bottom + 4, shown(0.0), size=10, anchor="end", fill=MUTED))
    if low is not None and high is not None:
        parts.append(
            f'<rect data-series="usual range" data-low="{_value(low)}" '
            f'data-high="{_value(high)}" x="{left}" y="{_num(y(high))}" '
            f'width="{width - left - right}" height="{_num(max(1.0, y(low) - y(high)))}" '
            f'fill="{BAND}"/>'
        )
    path, pen = [], "M"
    for i, v in enumerate(values):
        if v is None:
            pen = "M"
            continue
        path.append(f"{pen}{_num(x(i))} {_num(y(v))}")
        pen = "L"
    points = ",".join(_value(v) for v in values)
    if path:
        parts.append(
            f'<path data-series="weeks" data-values="{points}" d="{" ".join(path)}" '
            f'fill="none" stroke="{COLOURS[0]}" stroke-width="2"/>'
        )
    last = values[-1] if values else None
    if last is not None:
        parts.append(
            f'<circle data-series="this week" data-value="{_value(last)}" cx="{_num(x(n))}" '
            f'cy="{_num(y(last))}" r="4" fill="{THIS}"/>'
        )
        parts.append(_text(x(n) - 6, max(11.0, y(last) - 7), shown(last), size=11,
                           anchor="end", fill=THIS, weight="bold"))  # fmt: skip
    if labels:
        parts.append(_text(left, height - 6, labels[0][-3:], size=10, fill=MUTED))
        parts.append(_text(width - right, height - 6, labels[-1][-3:] + " (this week)", size=10,
                           anchor="end", fill=MUTED))  # fmt: skip
    parts.append(tail)
    return "".join(parts)


@dataclass(frozen=True)
class Bars:
    """One series of horizontal bars: its name, each row's value, the text beside it."""

    name: str
    values: list[float | None]
    shown: list[str]
    top: float | None = None  # what a full bar stands for (default: the largest of the chart)


def bars(title: str, desc: str, labels: Sequence[str], series: Sequence[Bars],
         *, width: int = 640, label_width: int = 170, row: int = 18) -> str:  # fmt: skip
    """Rows of horizontal bars, the series of a row under one another (this week, then the
    usual), each with its number; a legend on top when there is more than one series."""
    legend = 18 if len(series) > 1 else 0
    block = row * len(series) + 8
    height = legend + block * len(labels) + 4
    head, tail = _open(title, desc, width, height, "bars")
    text_room = 120
    room = width - label_width - text_room
    peak = max([v or 0.0 for s in series for v in s.values] + [0.0]) or 1.0
    parts = [head]
    if legend:
        x = label_width
        for k, s in enumerate(series):
            parts.append(f'<rect x="{x}" y="3" width="10" height="10" '
                         f'fill="{COLOURS[k % len(COLOURS)]}"/>')  # fmt: skip
            parts.append(_text(x + 14, 12, s.name, size=11, fill=MUTED))
            x += 24 + 7 * len(s.name)
    for i, label in enumerate(labels):
        y0 = legend + i * block
        shown_label = label if len(label) <= 28 else label[:27] + "…"
        parts.append(_text(label_width - 8, y0 + row - 4, shown_label, anchor="end"))
        for k, s in enumerate(series):
            v = s.values[i]
            top = s.top or peak
            w = 0.0 if v is None else room * min(v, top) / top
            y = y0 + k * row + 2
            parts.append(
                f'<rect data-series="{_escape(s.name)}" data-value="{_value(v)}" '
                f'x="{label_width}" y="{y}" width="{_num(max(w, 0.0))}" height="{row - 5}" '
                f'fill="{COLOURS[k % len(COLOURS)]}"/>'
            )
            parts.append(_text(label_width + w + 5, y + row - 7, s.shown[i], size=11))
    parts.append(tail)
    return "".join(parts)


def marks(title: str, desc: str, labels: Sequence[str], this: Bars, own: Bars,
          team: float | None, team_shown: str, *, width: int = 640, label_width: int = 120,
          row: int = 22) -> str:  # fmt: skip
    """Each row's bar (this week), a tick at its own usual, and one line down the chart at
    the team's usual: a manager sees each rep beside their own usual and the team's."""
    legend = 18
    height = legend + row * len(labels) + 18
    head, tail = _open(title, desc, width, height, "marks")
    room = width - label_width - 120
    peak = max([v or 0.0 for v in (*this.values, *own.values, team)] + [0.0]) or 1.0

    def x(v: float) -> float:
        return label_width + room * v / peak

    parts = [head]
    parts.append(f'<rect x="{label_width}" y="3" width="10" height="10" fill="{COLOURS[0]}"/>')
    parts.append(_text(label_width + 14, 12, this.name, size=11, fill=MUTED))
    parts.append(f'<rect x="{label_width + 110}" y="2" width="3" height="12" fill="{INK}"/>')
    parts.append(_text(label_width + 118, 12, own.name, size=11, fill=MUTED))
    parts.append(f'<rect x="{label_width + 220}" y="7" width="14" height="2" fill="{THIS}"/>')
    parts.append(_text(label_width + 238, 12, f"team usual {team_shown}", size=11, fill=MUTED))
    for i, label in enumerate(labels):
        y = legend + i * row
        parts.append(_text(label_width - 8, y + row - 8, label[:18], anchor="end"))
        v, u = this.values[i], own.values[i]
        w = 0.0 if v is None else x(v) - label_width
        parts.append(
            f'<rect data-series="{_escape(this.name)}" data-value="{_value(v)}" '
            f'x="{label_width}" y="{y + 3}" width="{_num(w)}" height="{row - 8}" '
            f'fill="{COLOURS[0]}"/>'
        )
        if u is not None:
            parts.append(
                f'<rect data-series="{_escape(own.name)}" data-value="{_value(u)}" '
                f'x="{_num(x(u) - 1.5)}" y="{y}" width="3" height="{row - 2}" fill="{INK}"/>'
            )
        parts.append(_text(label_width + room + 8, y + row - 8, this.shown[i], size=11))
    if team is not None:
        tx = _num(x(team))
        parts.append(
            f'<path data-series="team usual" data-value="{_value(team)}" '
            f'd="M{tx} {legend - 2} L{tx} {legend + row * len(labels) + 2}" stroke="{THIS}" '
            'stroke-width="2" stroke-dasharray="4 3"/>'
        )
    parts.append(tail)
    return "".join(parts)
