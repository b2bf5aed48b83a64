"""pipeline: every figure computed by hand from small fixtures (the baseline's are in
tests/test_baseline.py, plan's in its own tests).

Time zone Europe/London. British Summer Time ends on Sunday 25 October 2026 at 02:00, so
week 2026-W43 (Monday 19 October to Monday 26 October, local) is 169 hours long:
from 2026-10-18 23:00 UTC to 2026-10-26 00:00 UTC.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.conftest import Cli, rows


def fixture(cli: Cli) -> None:
    """Acme Corp, called six times across W43 and W44; W42 is empty."""
    cli.ok(
        "log", "call", "Acme Corp", "-o", "no-answer", "--at", "2026-10-19 00:30"
    )  # 18 Oct 23:30Z
    cli.ok("log", "call", "acme", "-o", "connected", "--at", "2026-10-20 10:00")  # 09:00Z
    cli.ok("prospect", "stage", "acme", "qualified", "--at", "2026-10-20 10:30")  # 09:30Z
    cli.ok("log", "call", "acme", "-o", "gatekeeper", "--at", "2026-10-21 11:00")  # 10:00Z
    cli.ok("log", "call", "acme", "-o", "voicemail", "--at", "2026-10-25 23:30")  # GMT: 23:30Z
    cli.ok("log", "call", "acme", "-o", "meeting-set", "--at", "2026-10-26 00:30")  # W44
    cli.ok("prospect", "stage", "acme", "meeting", "--at", "2026-10-26 00:45")
    cli.ok("log", "call", "acme", "-o", "no-answer", "--at", "2026-10-28 10:00",
           "--next", "send the proposal", "--due", "2026-10-30 09:00")  # fmt: skip
    cli.ok("prospect", "add", "Beta Ltd")  # a prospect with no history


def test_pipeline_per_stage_and_its_gaps(cli: Cli) -> None:
    fixture(cli)  # Acme at meeting, its next step overdue since 30 Oct; Beta new, no step
    cli.ok("log", "call", "Gamma", "--new", "-o", "voicemail", "--at", "2026-11-10 10:00",
           "--next", "call again", "--due", "2026-11-25 10:00")  # fmt: skip
    cli.ok("log", "call", "Delta", "--new", "-o", "voicemail", "--at", "2026-11-02 10:00")
    stages = json.loads(cli.ok("pipeline", "-f", "json").stdout)
    by = {r["stage"]: r for r in stages}
    assert list(by) == ["lead", "qualified", "meeting", "proposal", "negotiation"]
    # usual days in lead: Acme's one stay of 34 hours, too few stays to call anyone stalled
    assert by["lead"] == {"stage": "lead", "prospects": 3, "value": 0, "no_next_step": 2,
                          "overdue": 0, "stalled": 0, "waiting": 0, "usual_days": 1.4,
                          "usual_stays": 1}  # fmt: skip
    assert by["meeting"]["prospects"] == 1 and by["meeting"]["overdue"] == 1
    assert by["meeting"]["usual_days"] is None  # no completed stay in meeting yet
    gaps = list(csv.DictReader(io.StringIO(cli.ok("pipeline", "--gaps", "-f", "csv").stdout)))
    assert [(g["name"], g["gaps"]) for g in gaps] == [
        ("Acme Corp", "overdue"),
        ("Beta Ltd", "no next step"),
        ("Delta", "no next step"),
    ]


def test_stalled_needs_a_usual_of_five_stays(cli: Cli) -> None:
    for n in range(5):  # five stays in lead of one day each
        name = f"Done {n}"
        cli.ok("log", "call", name, "--new", "-o", "connected", "--at", "2026-11-02 10:00")
        cli.ok("prospect", "stage", name, "qualified", "--at", "2026-11-03 10:00")
    cli.ok("log", "call", "Slow", "--new", "-o", "voicemail", "--at", "2026-11-05 10:00")
    lead = json.loads(cli.ok("pipeline", "-f", "json").stdout)[0]
    assert (lead["usual_days"], lead["usual_stays"], lead["stalled"]) == (1.0, 5, 1)
    gaps = list(csv.DictReader(io.StringIO(cli.ok("pipeline", "--gaps", "-f", "csv").stdout)))
    assert ("Slow", "no next step, stalled") in [(g["name"], g["gaps"]) for g in gaps]


def test_pipeline_gaps_first_page(cli: Cli) -> None:
    for n in range(5):
        cli.ok("log", "call", f"Prospect {n}", "--new", "-o", "voicemail", "--at", "2026-11-02")
    page = cli.ok("pipeline", "--gaps", "--limit", "2", "-f", "table")
    assert "2 of 5 prospects with a gap" in page.stdout
    out = cli.ok("pipeline", "--gaps", "-l", "2", "-f", "csv").stdout
    found = list(csv.DictReader(io.StringIO(out)))
    assert [g["name"] for g in found] == ["Prospect 0", "Prospect 1"]
    assert "goes with --gaps" in cli.fails("pipeline", "--limit", "2", code=2).stderr


def test_stage_since_follows_every_stage_change(cli: Cli, db_path: Path) -> None:
    """The trigger behind the pipeline's time in stage (revision 0006): capture, a move, an
    imported later or earlier change, and a removed prospect."""
    cli.ok("log", "call", "Acme", "--new", "-o", "voicemail", "--at", "2026-11-02 10:00")
    since = "SELECT stage_since FROM prospects WHERE name = 'Acme'"
    assert rows(db_path, since) == [("2026-11-02 10:00:00.000000",)]
    cli.ok("prospect", "stage", "Acme", "qualified", "--at", "2026-11-05 09:00")
    assert rows(db_path, since) == [("2026-11-05 09:00:00.000000",)]
    for at, expected in (("2026-11-04T09:00:00+00:00", "2026-11-05 09:00:00.000000"),
                         ("2026-11-06T12:00:00+00:00", "2026-11-06 12:00:00.000000")):  # fmt: skip
        cli.ok("import", "stage-changes", "-", input=(
            "prospect,from_stage,to_stage,changed_at\n"
            f"Acme,qualified,meeting,{at}\n"
        ))  # fmt: skip
        assert rows(db_path, since) == [(expected,)]
