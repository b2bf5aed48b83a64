"""plan: the reverse funnel, its samples and ranges, and the working days it divides by.

Every number below is worked out by hand from the fixture. The clock is Friday 20 November
2026, 15:00 in London (UTC+0 in winter): a quarter of the 09:00-17:00 working day is left.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from salestrack import config
from salestrack.store import bulk
from tests.conftest import NOW, Cli, dump


def funnel(cli: Cli, db_path: Path, owner: str = "tester") -> None:
    """In the last 12 weeks: 40 outbound dials, 16 of them conversations (8 meetings set, 5
    connected, 2 not interested, 1 referred), 8 meetings set and 2 deals won. Not counted:
    5 inbound calls (they are not dials) and 3 dials 13 weeks ago."""
    cli.ok("prospect", "add", "Acme")  # creates the database
    pid = uuid.uuid4()
    base = {"owner": owner, "created_at": NOW, "updated_at": NOW}
    prospect = {**base, "id": pid, "name": "Dialled Ltd", "name_key": "dialled ltd",
                "stage": "won"}  # fmt: skip
    outcomes = (
        ["meeting_set"] * 8 + ["connected"] * 5 + ["not_interested"] * 2 + ["referred"]
        + ["voicemail"] * 10 + ["no_answer"] * 14
    )  # fmt: skip
    calls: list[dict[str, Any]] = []

    def call(at: datetime, outcome: str, direction: str = "outbound") -> None:
        reached = {"voicemail": "voicemail", "no_answer": "nobody"}.get(outcome, "decision_maker")
        calls.append({**base, "id": uuid.uuid4(), "prospect_id": pid, "kind": "call",
                      "occurred_at": at, "direction": direction, "reached": reached,
                      "outcome": outcome})  # fmt: skip

    for i, outcome in enumerate(outcomes):
        call(NOW - timedelta(days=2, hours=i), outcome)
    for i in range(5):
        call(NOW - timedelta(days=3, hours=i), "meeting_set", "inbound")
    for i in range(3):
        call(NOW - timedelta(weeks=13, hours=i), "meeting_set")
    won = [
        {**base, "id": uuid.uuid4(), "prospect_id": pid, "from_stage": "negotiation",
         "to_stage": "won", "changed_at": NOW - timedelta(days=d)}
        for d in (1, 30)
    ]  # fmt: skip
    bulk.write(
        config.target_from(str(db_path)),
        {"prospects": [prospect], "activities": calls, "stage_changes": won},
    )


def test_the_funnel_rests_on_its_counts_and_gives_a_range_on_small_samples(
    cli: Cli, db_path: Path
) -> None:
    funnel(cli, db_path)
    out = cli.ok("plan", "--deals", "3", "--by", "2026-11-27", "-f", "json")
    doc = json.loads(out.stdout)
    # conversations per dial 16/40 = 0.4, meetings per conversation 8/16 = 0.5, deals per
    # meeting 2/8 = 0.25; 3 deals need 3/0.25 = 12 meetings, 12/0.5 = 24 conversations and
    # 24/0.4 = 60 dials. Working days: a quarter of today and Mon 23 to Fri 27: 5.25.
    # Wilson 95% (z = 1.96): 16/40 -> centre 0.4088, half 0.1453: 0.2635 - 0.5540;
    # 8/16 -> centre 0.5, half 0.22: 0.2800 - 0.7200; 2/8 -> centre 0.3311, half 0.2596:
    # 0.0715 - 0.5907. Fewest (every rate high): meetings 3/0.5907 = 5.08 -> 6,
    # conversations 5.08/0.72 = 7.05 -> 8, dials 7.05/0.554 = 12.73 -> 13. Most (every rate
    # low): meetings 3/0.0715 = 41.97 -> 42, conversations 41.97/0.28 = 149.9 -> 150, dials
    # 149.9/0.2635 = 568.9 -> 569.
    assert {k: v for k, v in doc.items() if k != "steps"} == {
        "report": "plan", "version": 1, "deals": 3, "by": "2026-11-27", "weeks": 12,
        "rates_from": "2026-08-28T15:00:00+00:00", "rates_to": "2026-11-20T15:00:00+00:00",
        "working_days": 5.25, "today": 0.25, "holiday_country": None, "holiday_region": None,
        "days_off": [], "small_sample": True,
    }  # fmt: skip
    assert doc["steps"] == [
        {"step": "dials", "needed": 60, "needed_low": 13, "needed_high": 569,
         "per_day": 11.4, "per_day_low": 2.4, "per_day_high": 108.4,
         "rate": None, "successes": None, "trials": None, "rate_low": None, "rate_high": None},
        {"step": "conversations", "needed": 24, "needed_low": 8, "needed_high": 150,
         "per_day": 4.6, "per_day_low": 1.3, "per_day_high": 28.6,
         "rate": 0.4, "successes": 16, "trials": 40, "rate_low": 0.2635, "rate_high": 0.554},
        {"step": "meetings", "needed": 12, "needed_low": 6, "needed_high": 42,
         "per_day": 2.3, "per_day_low": 1.0, "per_day_high": 8.0,
         "rate": 0.5, "successes": 8, "trials": 16, "rate_low": 0.28, "rate_high": 0.72},
        {"step": "deals", "needed": 3, "needed_low": 3, "needed_high": 3,
         "per_day": 0.6, "per_day_low": 0.6, "per_day_high": 0.6,
         "rate": 0.25, "successes": 2, "trials": 8, "rate_low": 0.0715, "rate_high": 0.5907},
    ]  # fmt: skip
    assert "meetings per conversation rests on 8 of 16" in out.stderr
    assert "deals per meeting set rests on 2 of 8" in out.stderr
    assert "conversations per dial rests" not in out.stderr  # 16 of 40 is not small
    assert "25% of today" in out.stderr

    table = cli.ok("plan", "--deals", "3", "--by", "2026-11-27", "-f", "table").stdout
    assert "3 deals by Fri 27 Nov 2026: 5.2 working days" in table
    assert "60 (13-569)" in table and "11.4 (2.4-108.4)" in table
    assert "25.0% (2/8)" in table and "40.0% (16/40)" in table
    assert "each rate at an end of its 95% interval" in table

    rows = list(csv.DictReader(io.StringIO(cli.ok("plan", "--deals", "3", "--by",
                                                  "2026-11-27", "-f", "csv").stdout)))  # fmt: skip
    assert [(r["step"], r["needed"], r["successes"], r["trials"]) for r in rows] == [
        ("dials", "60", "", ""), ("conversations", "24", "16", "40"),
        ("meetings", "12", "8", "16"), ("deals", "3", "2", "8"),
    ]  # fmt: skip


def test_a_funnel_on_large_samples_shows_no_range(cli: Cli, db_path: Path) -> None:
    cli.ok("prospect", "add", "Acme")
    pid = uuid.uuid4()
    base = {"owner": "tester", "created_at": NOW, "updated_at": NOW}
    calls = []
    # 400 dials: 100 conversations (40 of them meetings set); 10 deals won
    for i in range(400):
        outcome = "meeting_set" if i < 40 else "connected" if i < 100 else "no_answer"
        calls.append({**base, "id": uuid.uuid4(), "prospect_id": pid, "kind": "call",
                      "occurred_at": NOW - timedelta(hours=i + 1), "direction": "outbound",
                      "reached": "nobody" if outcome == "no_answer" else "decision_maker",
                      "outcome": outcome})  # fmt: skip
    won = [{**base, "id": uuid.uuid4(), "prospect_id": pid, "to_stage": "won",
            "changed_at": NOW - timedelta(days=d + 1)} for d in range(10)]  # fmt: skip
    prospect = {**base, "id": pid, "name": "Big", "name_key": "big", "stage": "won"}
    bulk.write(config.target_from(str(db_path)),
               {"prospects": [prospect], "activities": calls, "stage_changes": won})  # fmt: skip
    out = cli.ok("plan", "--deals", "5", "--by", "2026-11-27", "-f", "table")
    # 5 deals at 10/40: 20 meetings; at 40/100: 50 conversations; at 100/400: 200 dials
    assert "200 │" in out.stdout and "(" not in out.stdout.split("200")[1].split("\n")[0]
    assert "25.0% (100/400)" in out.stdout and "25.0% (10/40)" in out.stdout
    assert "small samples" not in out.stderr
    doc = json.loads(cli.ok("plan", "--deals", "5", "--by", "2026-11-27", "-f", "json").stdout)
    assert doc["small_sample"] is False
    assert [s["needed"] for s in doc["steps"]] == [200, 50, 20, 5]


@pytest.mark.parametrize(
    ("now", "by", "days"),
    [
        ("2026-11-20T15:00:00+00:00", "2026-11-27", 5.25),  # Friday 15:00: a quarter of today
        ("2026-11-20T19:00:00+00:00", "2026-11-27", 5.0),  # Friday 19:00: none of today
        ("2026-11-20T08:00:00+00:00", "2026-11-27", 6.0),  # before 09:00: all of today
        ("2026-11-21T12:00:00+00:00", "2026-11-27", 5.0),  # a Saturday counts nothing
        ("2026-11-20T13:00:00+00:00", "2026-11-20", 0.5),  # by today: what is left of it
    ],
)
def test_working_days_skip_the_elapsed_part_of_today(
    cli: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch, now: str, by: str, days: float
) -> None:
    funnel(cli, db_path)
    monkeypatch.setenv("SALESTRACK_NOW", now)
    doc = json.loads(cli.ok("plan", "--deals", "1", "--by", by, "-f", "json").stdout)
    assert doc["working_days"] == days


def test_today_at_19_leaves_no_working_day_today(
    cli: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    funnel(cli, db_path)
    monkeypatch.setenv("SALESTRACK_NOW", "2026-11-20T19:00:00+00:00")
    refused = cli.fails("plan", "--deals", "1", "--by", "2026-11-20")
    assert refused.stderr == (
        "error: --by: Fri 20 Nov 2026 leaves no working day (today: its 09:00-17:00 is over); "
        "choose a later date\n"
    )
    # the weekend after it holds no working day either
    assert "leaves no working day" in cli.fails("plan", "--deals", "1", "--by", "2026-11-22").stderr
    assert "in the past" in cli.fails("plan", "--deals", "1", "--by", "2026-11-19").stderr


def test_holidays_of_a_country_and_your_own_days_off(cli: Cli, db_path: Path) -> None:
    funnel(cli, db_path)
    # US Thanksgiving is Thursday 26 November 2026: 5.25 - 1 = 4.25 working days
    cli.ok("holidays", "--country", "us")
    doc = json.loads(cli.ok("plan", "--deals", "3", "--by", "2026-11-27", "-f", "json").stdout)
    assert doc["working_days"] == 4.25 and doc["holiday_country"] == "US"
    assert doc["days_off"] == [{"date": "2026-11-26", "name": "Thanksgiving Day"}]
    # 60 dials / 4.25 = 14.1 a day; 24 / 4.25 = 5.6; 12 / 4.25 = 2.8; 3 / 4.25 = 0.7
    assert [s["per_day"] for s in doc["steps"]] == [14.1, 5.6, 2.8, 0.7]
    # a day of your own (Friday) and one on a Saturday (not a working day anyway)
    cli.ok("holidays", "--add", "2026-11-27", "--add", "2026-11-28")
    doc = json.loads(cli.ok("plan", "--deals", "3", "--by", "2026-11-27", "-f", "json").stdout)
    assert doc["working_days"] == 3.25
    assert [d["date"] for d in doc["days_off"]] == ["2026-11-26", "2026-11-27"]
    shown = cli.ok("plan", "--deals", "3", "--by", "2026-11-27", "-f", "table")
    assert "days off skipped: Thu 26 Nov Thanksgiving Day, Fri 27 Nov your day off" in (
        shown.stderr
    )
    # the list: the country's and yours, a year ahead
    listed = list(csv.DictReader(io.StringIO(cli.ok("holidays", "-f", "csv").stdout)))
    assert listed[:3] == [
        {"date": "2026-11-26", "day": "Thu", "name": "Thanksgiving Day", "source": "US"},
        {"date": "2026-11-27", "day": "Fri", "name": "your day off", "source": "you"},
        {"date": "2026-11-28", "day": "Sat", "name": "your day off", "source": "you"},
    ]
    cli.ok("holidays", "--remove", "2026-11-27..2026-11-28", "--country", "none")
    doc = json.loads(cli.ok("plan", "--deals", "3", "--by", "2026-11-27", "-f", "json").stdout)
    assert doc["working_days"] == 5.25 and doc["days_off"] == []


def test_a_region_adds_its_own_holidays(cli: Cli, db_path: Path) -> None:
    funnel(cli, db_path)
    # Saint Andrew's Day, Monday 30 November 2026, is a holiday in Scotland only
    cli.ok("holidays", "--country", "GB")
    doc = json.loads(cli.ok("plan", "--deals", "1", "--by", "2026-12-04", "-f", "json").stdout)
    assert doc["days_off"] == [] and doc["working_days"] == 10.25
    cli.ok("holidays", "--region", "sct")
    doc = json.loads(cli.ok("plan", "--deals", "1", "--by", "2026-12-04", "-f", "json").stdout)
    assert doc["holiday_country"] == "GB" and doc["holiday_region"] == "SCT"
    assert doc["days_off"] == [{"date": "2026-11-30", "name": "Saint Andrew's Day"}]
    assert doc["working_days"] == 9.25
    listed = json.loads(cli.ok("holidays", "-f", "json").stdout)
    assert listed[0] == {"date": "2026-11-30", "day": "Mon", "name": "Saint Andrew's Day",
                         "source": "GB"}  # fmt: skip
    # another country drops the region it does not have
    cli.ok("holidays", "--country", "DE")
    doc = json.loads(cli.ok("plan", "--deals", "1", "--by", "2026-12-04", "-f", "json").stdout)
    assert doc["holiday_region"] is None and doc["days_off"] == []


def test_bad_holiday_input_is_one_line_and_changes_nothing(cli: Cli, db_path: Path) -> None:
    funnel(cli, db_path)
    cli.ok("holidays", "--country", "GB", "--add", "2026-12-24")
    before = dump(db_path)
    unknown = cli.fails("holidays", "--country", "XY")
    assert unknown.stderr.count("\n") == 1 and unknown.stderr.startswith("error: --country: ")
    assert "unknown country 'XY'" in unknown.stderr
    assert "salestrack holidays --countries" in unknown.stderr and "GB" in unknown.stderr
    region = cli.fails("holidays", "--region", "Narnia")
    assert region.stderr == (
        "error: --region: unknown region 'Narnia' of GB; use one of: ENG, NIR, SCT, WLS\n"
    )
    for bad in ("2026-02-30", "24/12/2026", "tomorrow", "2026-12-31..2026-12-01"):
        refused = cli.fails("holidays", "--country", "DE", "--add", "2026-12-23", "--add", bad)
        assert refused.stderr.startswith("error: --add: ") and refused.stderr.count("\n") == 1
    assert "YYYY-MM-DD" in cli.fails("holidays", "--remove", "Dec 24").stderr
    assert "--countries" in cli.fails("holidays", "--country", "[red]Q").stderr
    assert "goes with a country" in cli.fails("holidays", "--country", "none",
                                              "--region", "ENG").stderr  # fmt: skip
    assert dump(db_path) == before  # nothing of any refused command was written
    codes = cli.ok("holidays", "--countries", "-f", "csv").stdout.splitlines()
    assert codes[0] == "code,country" and "GB,United Kingdom" in codes and "DE,Germany" in codes


def test_plan_counts_the_rows_of_a_database_written_under_another_rep_name(
    cli: Cli, db_path: Path
) -> None:
    funnel(cli, db_path, owner="someone-else")  # a demo's "me", another laptop's name
    doc = json.loads(cli.ok("plan", "--deals", "3", "--by", "2026-11-27", "-f", "json").stdout)
    assert [s["trials"] for s in doc["steps"]] == [None, 40, 16, 8]


def test_plan_refuses_a_window_without_a_deal(cli: Cli) -> None:
    cli.ok("log", "call", "Acme", "--new", "-o", "meeting-set", "--at", "2026-11-19 10:00")
    refused = cli.fails("plan", "--deals", "2", "--by", "2026-11-27")
    assert refused.stderr == (
        "error: --weeks: no deals won in the last 12 weeks to take a rate from; "
        "log more, or look further back with --weeks 26\n"
    )
    assert "--deals: must be at least 1" in cli.fails("plan", "--deals", "0", "--by",
                                                      "2026-11-27").stderr  # fmt: skip


@pytest.mark.slow
def test_the_holidays_package_loads_only_for_years_the_setting_does_not_keep(
    cli: Cli, db_path: Path
) -> None:
    funnel(cli, db_path)

    def imported(*args: str) -> set[str]:
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "salestrack", *args],
            capture_output=True, text=True, env=dict(os.environ), timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-500:]
        return {
            line.rsplit("|", 1)[1].strip().split(".")[0]
            for line in result.stderr.splitlines()
            if line.startswith("import time:") and "|" in line
        }

    plan = ("plan", "--deals", "3", "--by", "2026-11-27", "-f", "csv")
    assert "holidays" not in imported(*plan)
    assert "holidays" not in imported("intel", "Dialled Ltd")
    # set in 2026, the country's holidays of 2026 to 2030 are kept with the setting
    cli.ok("holidays", "--country", "US")
    assert "holidays" not in imported(*plan)
    assert "holidays" not in imported("intel", "Dialled Ltd")
    later = ("plan", "--deals", "3", "--by", "2031-01-10", "-f", "json")
    assert "holidays" in imported(*later)
    # both ways give the same days: New Year's Day 2031 comes from the package
    doc = json.loads(cli.ok(*later).stdout)
    skipped = {d["date"]: d["name"] for d in doc["days_off"]}
    assert skipped["2026-11-26"] == "Thanksgiving Day"
    assert skipped["2030-12-25"] == "Christmas Day" and skipped["2031-01-01"] == "New Year's Day"


def test_the_plan_json_is_what_docs_reports_md_describes() -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "reports.md").read_text()
    section = docs.split("## `salestrack plan", 1)[1].split("\n## ", 1)[0]
    from salestrack.reports import plan

    for name in plan.COLUMNS:
        assert f"`{name}`" in section, name
    for key in ("report", "version", "working_days", "today", "days_off", "small_sample"):
        assert f"`{key}`" in section, key
    assert f"version {plan.JSON_VERSION}" in section
