"""``print_fields`` writes plain blocks itself, exactly as Rich would, and leaves the rest to
Rich: styles on a terminal, wide or control characters, rows wider than the console."""

from __future__ import annotations

import io
import random
import string
import sys

import pytest

from salestrack.output import render


def _by_rich(title: str, pairs: list[tuple[str, str | None]]) -> str:
    from rich.console import Console
    from rich.table import Table

    from salestrack.output.console import visible  # control characters shown, never obeyed

    out = io.StringIO()
    console = Console(file=out, markup=False, emoji=False, highlight=False)
    grid = Table(title=title, show_header=False, box=None, title_justify="left")
    grid.add_column(style="bold")
    grid.add_column()
    for key, value in pairs:
        grid.add_row(key, "" if value is None else visible(str(value), lines=True))
    console.print(grid)
    return out.getvalue()


def _printed(title: str, pairs: list[tuple[str, str | None]]) -> str:
    out = io.StringIO()
    saved, sys.stdout = sys.stdout, out
    try:
        render.print_fields(title, pairs)
    finally:
        sys.stdout = saved
    return out.getvalue()


@pytest.mark.parametrize("columns", ["80", "200", "40"])
def test_plain_blocks_are_what_rich_prints(monkeypatch: pytest.MonkeyPatch, columns: str) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    chars = string.ascii_letters + string.digits + string.punctuation + " "
    rng = random.Random(int(columns))
    written = 0
    for _ in range(400):
        title = "".join(rng.choice(chars) for _ in range(rng.randint(1, 30)))
        pairs: list[tuple[str, str | None]] = [
            (
                "".join(rng.choice(chars) for _ in range(rng.randint(1, 14))),
                None
                if rng.random() < 0.1
                else "".join(rng.choice(chars) for _ in range(rng.randint(0, 50))),
            )
            for _ in range(rng.randint(1, 9))
        ]
        written += render._plain_fields(title, pairs) is not None
        assert _printed(title, pairs) == _by_rich(title, pairs), (title, pairs)
    assert written > 40  # many were written without Rich


@pytest.mark.parametrize(
    ("title", "pairs", "env"),
    [
        ("t", [("name", "Zoë 北京")], {}),  # not ASCII: Rich measures the cells
        ("t", [("notes", "a\tb")], {}),  # a control character
        ("t", [("notes", "x" * 300)], {}),  # wider than the console: Rich wraps it
        ("a title wider than the block", [("k", "v")], {}),
        ("t", [("k", "v")], {"FORCE_COLOR": "1"}),  # styles: Rich writes them
        ("t", [("k", "v")], {"TTY_COMPATIBLE": "1"}),
    ],
)
def test_the_rest_is_printed_by_rich(
    monkeypatch: pytest.MonkeyPatch, title: str, pairs: list[tuple[str, str]], env: dict[str, str]
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert render._plain_fields(title, pairs) is None
    assert _printed(title, pairs) == _by_rich(title, pairs)


def test_one_rule_writes_a_figures_value_for_tables_and_for_sentences() -> None:
    from salestrack.output.show import value

    assert [value(v, u) for v, u in [(0.153, "rate"), (0.014, "rate"), (7.06, "days"),
            (2.5, "hours"), (3.254, "score"), (1204, "count"), (211.5, "count")]] == [
        "15%", "1.4%", "7.1d", "2.5h", "3.25", "1,204", "211.5"
    ]  # fmt: skip
    assert value(7.06, "days", words=True) == "7.1 days"
    assert value(2.5, "hours", words=True) == "2.5 hours"
    assert value(None, "rate") == value(None, "days", words=True) == ""


@pytest.mark.parametrize("width", [60, 80, 100])
def test_plain_lines_fit_the_width_when_columns_are_left_out(width: int) -> None:
    """The grouped lists (activity list, today) are lines with a gap between columns: with
    columns left out for want of room, a cut long text still ends at the width."""
    from salestrack.output.grouped import table_lines
    from salestrack.output.render import Column, Table

    columns = [
        Column("at", priority=0), Column("id", priority=0), Column("kind", priority=0),
        Column("prospect", priority=0), Column("outcome", priority=2),
        Column("notes", priority=1), Column("contact", priority=3), Column("tags", priority=4),
        Column("duration", justify="right", priority=5), Column("reached", priority=6),
    ]  # fmt: skip
    row = {"at": "17:40", "id": "7ef32a0a", "kind": "note", "prospect": "Stonegate Estates Ltd",
           "outcome": "not interested", "notes": "heard they are moving offices " * 4,
           "contact": "Dana Ruiz, Finance Director", "tags": "q4, referral, north",
           "duration": "1h 04m", "reached": "decision maker"}  # fmt: skip
    lines, dropped = table_lines(Table("", columns, [row, {**row, "notes": ""}]), width)
    assert dropped  # some columns were left out
    assert max(len(line) for line in lines) == width  # the long note is cut at the width
