"""baseline and pipeline: every figure computed by hand from small fixtures.

Time zone Europe/London. British Summer Time ends on Sunday 25 October 2026 at 02:00, so
week 2026-W43 (Monday 19 October to Monday 26 October, local) is 169 hours long:
from 2026-10-18 23:00 UTC to 2026-10-26 00:00 UTC.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

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


def figures(cli: Cli, *args: str) -> dict[tuple[str, str], dict[str, Any]]:
    out = cli.ok("baseline", *args, "-f", "csv").stdout
    return {(r["section"], r["figure"]): r for r in csv.DictReader(io.StringIO(out))}


def test_week_boundaries_dst_and_an_empty_week(cli: Cli) -> None:
    fixture(cli)
    f = figures(cli, "--week", "2026-W44", "--weeks", "2")
    calls = f[("activity", "calls")]
    # W42 has none; W43 has four (00:30 on Monday 19 Oct local is 23:30 UTC on Sunday, and
    # 23:30 on Sunday 25 Oct is still W43 after the clocks went back); W44 has two.
    assert calls["trend"] == "0 4 2"
    assert (calls["value"], calls["median"], calls["low"], calls["high"], calls["flag"]) == (
        "2", "2.0", "1.0", "3.0", "",
    )  # fmt: skip
    answered = f[("reach", "answered rate")]
    assert answered["trend"] == " 0.5 0.5"  # no rate for a week without dials
    assert (answered["median"], answered["flag"]) == ("0.5", "")
    dm = f[("reach", "decision maker rate")]
    assert (dm["trend"], dm["value"], dm["flag"]) == (" 0.25 0.5", "0.5", "above")
    assert f[("reach", "conversation rate")]["trend"] == " 0.25 0.5"
    assert f[("reach", "meeting set rate")]["trend"] == " 0.0 0.5"
    assert f[("reach", "gatekeeper rate")]["trend"] == " 0.25 0.0"
    # one win: the first decision-maker conversation on 20 Oct
    assert f[("wins", "wins")]["trend"] == "0.0 1.0 0.0"
    assert f[("wins", "wins per dial")]["trend"] == " 0.25 0.0"


def test_follow_up_lag_stage_moves_and_time_in_stage(cli: Cli) -> None:
    fixture(cli)
    f = figures(cli, "--week", "2026-W44", "--weeks", "2")
    lag = f[("lag", "follow-up lag (median)")]
    # W43 follow-ups came after 33.5 h, 25 h and 109.5 h: median 33.5 h;
    # W44's after 1 h and 57.5 h: median 29.25 h.
    assert lag["trend"] == f" {round(33.5 / 24, 4)} {round(29.25 / 24, 4)}"
    assert (lag["value"], lag["flag"]) == (str(round(29.25 / 24, 4)), "below")
    steps = f[("lag", "next step done after due (median)")]
    assert steps["trend"] == "  "  # the one next step is still open
    assert f[("conversion", "lead to qualified")]["trend"] == " 1.0 "
    assert f[("conversion", "qualified to meeting")]["trend"] == "  1.0"
    # lead from 18 Oct 23:30Z to 20 Oct 09:30Z; qualified from then to 26 Oct 00:45Z
    assert f[("duration", "days in lead (median)")]["trend"] == f" {round(34 / 24, 4)} "
    assert f[("duration", "days in qualified (median)")]["value"] == str(round(135.25 / 24, 4))
    assert ("quality", "overall") not in f  # no scores recorded, no quality rows
    out = cli.ok("baseline", "--week", "2026-W44", "--weeks", "2", "-f", "csv").stdout
    worst = [r for r in csv.DictReader(io.StringIO(out)) if r["section"] == "worst_lag"]
    assert [(r["figure"], r["value"]) for r in worst] == [
        ("Acme Corp", str(round(57.5 / 24, 4))),
        ("Acme Corp", str(round(1 / 24, 4))),
    ]


def test_this_week_so_far_is_compared_with_the_same_part_of_other_weeks(cli: Cli) -> None:
    # Now is Friday 20 Nov 15:00: each trailing week is cut at Friday 15:00 too.
    cli.ok("log", "call", "Acme Corp", "-o", "no-answer", "--at", "2026-11-13 14:00")
    cli.ok("log", "call", "acme", "-o", "no-answer", "--at", "2026-11-13 16:00")  # after
    cli.ok("log", "call", "acme", "-o", "no-answer", "--at", "2026-11-20 14:00")
    f = figures(cli, "--weeks", "2")
    assert f[("activity", "calls")]["trend"] == "0 1 1"


def test_holes_name_the_funnel_step_that_loses_most(cli: Cli) -> None:
    # Two weeks where every meeting went on to a proposal; this week none did.
    for n, day in enumerate(("2026-11-02", "2026-11-09", "2026-11-16")):
        name = f"P{n}"
        cli.ok("log", "call", name, "--new", "-o", "meeting-set", "--at", f"{day} 10:00")
        cli.ok("prospect", "stage", name, "meeting", "--at", f"{day} 10:05")
        after = "proposal" if n < 2 else "lost"
        cli.ok("prospect", "stage", name, after, "--at", f"{day} 15:00", "--reason", "price")
    f = figures(cli, "--week", "2026-W47", "--weeks", "2")
    holes = [r["trend"] for (section, _), r in f.items() if section == "hole"]
    assert holes[0] == (
        "the funnel step that loses most: meetings move on to proposal at 0% against your "
        "usual 100%: qualification, not cold calling, is the problem"
    )
    lost = {r["figure"]: r["value"] for (section, _), r in f.items() if section == "lost_reason"}
    assert lost == {"price": "1"}


def test_baseline_json_carries_the_csv_rows_and_table_renders(cli: Cli) -> None:
    fixture(cli)
    rows = json.loads(cli.ok("baseline", "--week", "2026-W44", "--weeks", "2", "-f", "json").stdout)
    out = cli.ok("baseline", "--week", "2026-W44", "--weeks", "2", "-f", "csv").stdout
    as_csv = list(csv.DictReader(io.StringIO(out)))
    assert [(r["section"], r["figure"]) for r in rows] == [
        (r["section"], r["figure"]) for r in as_csv
    ]
    assert [r["value"] for r in rows] == [
        None if r["value"] == "" else float(r["value"]) for r in as_csv
    ]
    table = cli.ok("baseline", "--week", "2026-W44", "--weeks", "2", "-f", "table").stdout
    assert "Baseline: 2026-W44 against 2026-W42 to 2026-W43" in table
    assert "decision maker rate" in table and "▲ above" in table
    assert "--week" in cli.fails("baseline", "--week", "2026-W99").stderr


def test_pipeline_per_stage_and_its_gaps(cli: Cli) -> None:
    fixture(cli)  # Acme at meeting, its next step overdue since 30 Oct; Beta new, no step
    cli.ok("log", "call", "Gamma", "--new", "-o", "voicemail", "--at", "2026-11-10 10:00",
           "--next", "call again", "--due", "2026-11-25 10:00")  # fmt: skip
    cli.ok("log", "call", "Delta", "--new", "-o", "voicemail", "--at", "2026-11-02 10:00")
    stages = json.loads(cli.ok("pipeline", "-f", "json").stdout)
    by = {r["stage"]: r for r in stages}
    assert list(by) == ["lead", "qualified", "meeting", "proposal", "negotiation"]
    # usual days in lead: Acme's one stay of 34 hours
    assert by["lead"] == {"stage": "lead", "prospects": 3, "value": 0, "no_next_step": 2,
                          "overdue": 0, "stalled": 1, "waiting": 1, "usual_days": 1.4}  # fmt: skip
    assert by["meeting"]["prospects"] == 1 and by["meeting"]["overdue"] == 1
    assert by["meeting"]["usual_days"] is None  # no completed stay in meeting yet
    gaps = list(csv.DictReader(io.StringIO(cli.ok("pipeline", "--gaps", "-f", "csv").stdout)))
    assert [(g["name"], g["gaps"]) for g in gaps] == [
        ("Acme Corp", "overdue"),
        ("Beta Ltd", "no next step"),
        ("Delta", "no next step, stalled"),
        ("Gamma", "waiting"),
    ]


def test_pipeline_gaps_first_page(cli: Cli) -> None:
    for n in range(5):
        cli.ok("log", "call", f"Prospect {n}", "--new", "-o", "voicemail", "--at", "2026-11-02")
    page = cli.ok("pipeline", "--gaps", "--limit", "2", "-f", "table")
    assert "2 of 5 prospects with a gap" in page.stdout
    out = cli.ok("pipeline", "--gaps", "-n", "2", "-f", "csv").stdout
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
