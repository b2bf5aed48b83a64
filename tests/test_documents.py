"""``coach`` and ``scorecard``: rendered for a person on a terminal (Rich's Markdown, in a
real pseudo-terminal), the Markdown itself when piped or with ``-f markdown``, one HTML
page with ``-f html``, their figures with ``-f csv``, ``json`` and ``jsonl``."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest

from tests.conftest import Cli
from tests.test_terminal import _in_pty


@pytest.fixture
def worked(cli: Cli) -> None:
    cli.ok("log", "call", "Acme Corp", "--new", "-o", "connected", "-q", "4352", "--at", "10:00")
    cli.ok("promise", "add", "Acme Corp", "send the **plan**", "--due", "fri 17:00")


@pytest.mark.parametrize(
    ("command", "heading"),
    [(["coach"], "# Coaching: 2026-W47 (so far)"), (["scorecard", "acme"], "# Scorecard: ")],
)
def test_a_document_is_rendered_on_a_terminal_and_raw_when_piped(
    cli: Cli, worked: None, command: list[str], heading: str
) -> None:
    piped = cli.ok(*command).stdout
    assert piped.startswith(heading)
    assert cli.ok(*command, "-f", "markdown").stdout == piped
    screen = _in_pty(["--no-pager", *command], 80, dict(os.environ))
    title = heading.removeprefix("# ")
    assert title in screen and heading not in screen  # a heading, not a line starting '#'
    assert "| --- |" not in screen and "## " not in screen  # tables and sections drawn
    assert max(len(line) for line in screen.splitlines()) <= 80, screen


def test_a_document_on_a_terminal_keeps_user_text_as_typed(cli: Cli, worked: None) -> None:
    raw = cli.ok("scorecard", "acme").stdout
    assert "send the **plan**" in raw
    screen = _in_pty(["--no-pager", "scorecard", "acme"], 120, dict(os.environ))
    assert "send the" in screen and "plan" in screen


def test_coach_as_html_and_as_figures(cli: Cli, worked: None) -> None:
    page = cli.ok("coach", "-f", "html").stdout
    assert page.startswith("<!DOCTYPE html>") and "<h1>Coaching: 2026-W47 (so far)</h1>" in page
    assert "<td>conversation rate</td><td>100% (1/1)</td>" in page
    assert "<li>&#9744; What went well this week, and why?</li>" in page
    document = json.loads(cli.ok("coach", "-f", "json").stdout)
    rows = list(csv.DictReader(io.StringIO(cli.ok("coach", "-f", "csv").stdout)))
    lines = [json.loads(line) for line in cli.ok("coach", "-f", "jsonl").stdout.splitlines()]
    assert [r["figure"] for r in rows] == [line["figure"] for line in lines]
    assert document["week"] == "2026-W47" and len(rows) == len(lines) > 5


def test_scorecard_figures_as_csv_equal_the_json(cli: Cli, worked: None) -> None:
    whole = json.loads(cli.ok("scorecard", "acme", "-f", "json").stdout)
    (row,) = csv.DictReader(io.StringIO(cli.ok("scorecard", "acme", "-f", "csv").stdout))
    assert row["client"] == whole["client"] == "Acme Corp"
    assert row["promises"] == str(whole["promises"]) == "1"
    assert row["kept_rate"] == "" and whole["kept_rate"] is None
    assert json.loads(cli.ok("scorecard", "acme", "-f", "jsonl").stdout) == whole


def test_scorecard_old_period_spelling_still_works_hidden(cli: Cli, worked: None) -> None:
    new = cli.ok("scorecard", "acme", "--since", "2026-11-01", "--until", "2026-11-30")
    old = cli.ok("scorecard", "acme", "--from", "2026-11-01", "--to", "2026-11-30")
    assert old.stdout == new.stdout and "Sun 01 Nov 2026 to Mon 30 Nov 2026" in new.stdout
    assert "--from" not in cli.ok("scorecard", "--help").stdout
    assert cli.fails("scorecard", "acme", "--since", "mon", "--from", "tue", code=2).stderr == (
        "error: --since: give --since/--until (--from/--to are their old spelling)\n"
    )
