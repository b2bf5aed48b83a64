"""Intel, small wins, objectives, the pre-call brief, the checklist and the call queue."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from salestrack import config
from salestrack.intel import availability
from salestrack.store import bulk
from tests.conftest import NOW, Cli, dump, rows

# NOW is Friday 20 November 2026, 15:00 in London (UTC+0).


def history(cli: Cli) -> None:
    """Three calls to Acme: gatekeeper Sue, a decision maker off on Tuesdays, budget unknown."""
    cli.ok("log", "call", "Acme Corp", "-o", "gatekeeper", "--at", "2026-11-16 10:00",
           "-i", "gatekeeper: Sue Parker")  # fmt: skip
    cli.ok("log", "call", "acme", "-o", "gatekeeper", "--at", "2026-11-17 10:00",
           "-i", "availability: doesn't work Tuesdays",
           "-i", "decision maker: Dana Ruiz, CFO")  # fmt: skip
    cli.ok("log", "call", "acme", "-o", "connected", "--at", "2026-11-18 16:30",
           "-c", "Dana Ruiz", "-i", "pain: month-end takes three days",
           "--next", "send the case study", "--due", "2026-11-19 09:00")  # fmt: skip
    cli.ok("prospect", "stage", "acme", "qualified", "--at", "2026-11-18 16:45")


def test_the_brief_of_a_prospect_built_by_hand(cli: Cli) -> None:
    history(cli)
    set_aim = cli.ok("intel", "acme", "--objective", "book a demo with the CFO")
    assert "objective for the next call: book a demo with the CFO" in set_aim.stderr
    text = cli.ok("intel", "acme").stdout
    assert text == (
        "Acme Corp · qualified for 1d (since Wed 18 Nov 16:45)\n"
        "contacts      Dana Ruiz (decision maker)\n"
        "intel         gatekeeper: Sue Parker · Mon 16 Nov 10:00\n"
        "              availability: doesn't work Tuesdays · Tue 17 Nov 10:00\n"
        "              decision maker: Dana Ruiz, CFO · Tue 17 Nov 10:00\n"
        "              pain: month-end takes three days (from Dana Ruiz) · Wed 18 Nov 16:30\n"
        "missing       budget, authority, timeline\n"
        "objective     book a demo with the CFO\n"
        "best time     not enough calls yet to rank hours (3 of 100 dials); they: not Tue; "
        "now is a good time\n"
        "promises      none open\n"
        "next step     send the case study (due Thu 19 Nov 09:00, overdue 1d)\n"
        "last touches  Wed 18 Nov 16:30  call connected, reached decision maker with Dana Ruiz\n"
        "              Tue 17 Nov 10:00  call gatekeeper\n"
        "              Mon 16 Nov 10:00  call gatekeeper\n"
        "wins          5 from 3 dials\n"
    )
    data = json.loads(cli.ok("intel", "acme", "-f", "json").stdout)
    assert data["missing"] == ["budget", "authority", "timeline"]
    assert data["best_time"]["enough_history"] is False
    assert data["best_time"]["availability"] == "not Tue"
    assert [f["kind"] for f in data["intel"]] == [
        "gatekeeper", "availability", "decision_maker", "pain",
    ]  # fmt: skip
    assert data["wins"] == 5 and data["dials"] == 3
    assert len(data["last_touches"]) == 3


def test_wins_are_counted_per_dial_with_their_sources(cli: Cli) -> None:
    history(cli)
    out = cli.ok("wins", "--week", "-f", "csv")
    listed = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [(w["prospect"], w["source"], w["text"]) for w in listed] == [
        ("Acme Corp", "first_gatekeeper", "first gatekeeper name: Sue Parker"),
        ("Acme Corp", "new_intel", "learned availability: doesn't work Tuesdays"),
        ("Acme Corp", "new_intel", "learned decision maker: Dana Ruiz, CFO"),
        ("Acme Corp", "first_decision_maker", "first conversation with the decision maker"),
        ("Acme Corp", "new_intel", "learned pain: month-end takes three days"),
    ]
    assert out.stderr == (
        "5 wins from 3 dials this week (1.67 per dial): 3 new intel, "
        "1 first gatekeeper name, 1 first decision-maker conversation\n"
    )
    cli.ok("log", "call", "acme", "-o", "voicemail", "-w", "found the renewal date")
    today = cli.ok("wins", "--today", "-f", "json")
    assert [w["text"] for w in json.loads(today.stdout)] == ["found the renewal date"]
    assert today.stderr.startswith("1 win from 1 dial today (1.00 per dial)")
    assert "choose one" in cli.fails("wins", "--today", "--week", code=2).stderr


def test_the_next_call_records_whether_the_objective_was_met(cli: Cli, db_path: Path) -> None:
    history(cli)
    refused = cli.fails("log", "call", "acme", "-o", "voicemail", "--met")
    assert "--met: no objective is set for Acme Corp" in refused.stderr
    cli.ok("intel", "acme", "--objective", "book a demo with the CFO")
    missed = cli.ok("log", "call", "acme", "-o", "voicemail", "--missed", "--at", "14:00")
    assert "objective missed" in missed.stderr
    met = cli.ok("log", "call", "acme", "-o", "meeting-set", "--met")
    assert "objective met" in met.stderr
    recorded = rows(
        db_path,
        "SELECT outcome, objective, objective_met FROM activities WHERE objective IS NOT NULL "
        "ORDER BY occurred_at",
    )
    assert recorded == [
        ("voicemail", "book a demo with the CFO", 0),
        ("meeting_set", "book a demo with the CFO", 1),
    ]
    assert rows(db_path, "SELECT objective FROM prospects") == [(None,)]
    assert json.loads(cli.ok("intel", "acme", "-f", "json").stdout)["objective"] is None
    cli.ok("intel", "acme", "--objective", "send pricing")
    assert "objective cleared" in cli.ok("intel", "acme", "--objective", "").stderr


def test_standalone_facts_supersede_and_keep_history(cli: Cli, db_path: Path) -> None:
    history(cli)
    before = rows(db_path, "SELECT count(*) FROM activities")
    out = cli.ok("intel", "acme", "--add", "gatekeeper: Tom Reed", "--add", "budget: 40k",
                 "--contact", "Dana", "--review", "2026-12-01")  # fmt: skip
    assert "recorded 2 intel for Acme Corp" in out.stderr
    assert rows(db_path, "SELECT count(*) FROM activities") == before  # no activity logged
    facts = rows(
        db_path,
        "SELECT kind, value, superseded_at IS NOT NULL, activity_id IS NULL FROM intel "
        "WHERE kind IN ('gatekeeper', 'budget') ORDER BY learned_at, kind",
    )
    assert facts == [
        ("gatekeeper", "Sue Parker", 1, 0),
        ("budget", "40k", 0, 1),
        ("gatekeeper", "Tom Reed", 0, 1),
    ]
    review = rows(db_path, "SELECT review_at FROM intel WHERE kind = 'budget'")
    assert review == [("2026-12-01 09:00:00.000000",)]
    again = cli.ok("intel", "acme", "--add", "budget: 40K")
    assert "already known: budget: 40k" in again.stderr
    assert json.loads(cli.ok("intel", "acme", "-f", "json").stdout)["missing"] == [
        "authority", "timeline",
    ]  # fmt: skip


def test_contradictory_availability_replaces_the_old_fact_and_says_so(
    cli: Cli, db_path: Path
) -> None:
    cli.ok("log", "call", "Acme", "--new", "-o", "voicemail", "-i", "availability: mornings only")
    out = cli.ok("intel", "acme", "--add", "availability: after 4pm")
    assert "'after 4pm' contradicts 'mornings only', which it replaces" in out.stderr
    current = rows(db_path, "SELECT value FROM intel WHERE superseded_at IS NULL")
    assert current == [("after 4pm",)]
    vague = cli.ok("intel", "acme", "--add", "availability: catch her when you can")
    assert "not understood for call planning" in vague.stderr
    brief = json.loads(cli.ok("intel", "acme", "-f", "json").stdout)["best_time"]
    assert brief["availability"] == "16:00-18:00 only"
    assert brief["not_understood"] == ["catch her when you can"]
    assert brief["available_now"] is False  # 15:00


def test_bad_intel_is_refused_and_nothing_is_written(cli: Cli, db_path: Path) -> None:
    history(cli)
    before = dump(db_path)
    assert (
        "unknown intel kind 'colour'" in cli.fails("intel", "acme", "--add", "colour: blue").stderr
    )
    assert "gives no fact" in cli.fails("intel", "acme", "--add", "budget:").stderr
    unknown = cli.fails("intel", "acme", "--add", "budget: 40k", "--contact", "Zed")
    assert "--contact: no contact 'Zed' at Acme Corp (known: 'Dana Ruiz')" in unknown.stderr
    assert "goes with --add" in cli.fails("intel", "acme", "--contact", "Dana").stderr
    assert "unknown prospect 'Acne Corp'" in cli.fails("intel", "Acne Corp").stderr
    assert "--format" in cli.fails("intel", "acme", "-f", "xml", code=2).stderr
    assert dump(db_path) == before


@pytest.mark.parametrize(
    ("said", "understood"),
    [
        ("doesn't work Tuesdays", "not Tue"),
        ("off on Fridays", "not Fri"),
        ("only Tuesdays and Thursdays", "Tue, Thu only"),
        ("works Mon-Wed", "Mon, Tue, Wed only"),
        ("mornings only", "08:00-12:00 only"),
        ("best after 4pm", "16:00-18:00 only"),
        ("before 10:30", "08:00-10:30 only"),
        ("between 2 and 4pm", "14:00-16:00 only"),
        ("in meetings Monday mornings", "not Mon 08:00-12:00"),
        ("out until 2026-12-01", "away until Tue 01 Dec 2026"),
        ("on holiday till Dec 3", "away until Thu 03 Dec 2026"),
    ],
)
def test_availability_is_understood(said: str, understood: str) -> None:
    rule = availability.parse(said, now=NOW)
    assert rule is not None and rule.describe() == understood


def test_availability_decides_good_times() -> None:
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    rules = [
        availability.parse(t, now=NOW)
        for t in ("doesn't work Tuesdays", "mornings only", "out until 2026-11-25")
    ]
    av = availability.Availability(tuple(r for r in rules if r is not None))
    assert not av.allows(datetime(2026, 11, 23, 10, 0, tzinfo=london))  # away
    assert av.allows(datetime(2026, 11, 26, 10, 0, tzinfo=london))  # Thursday morning
    assert not av.allows(datetime(2026, 11, 26, 14, 0, tzinfo=london))  # afternoon
    assert not av.allows(datetime(2026, 12, 1, 10, 0, tzinfo=london))  # a Tuesday
    assert availability.parse("likes golf", now=NOW) is None


def _dials(db_path: Path, pattern: list[tuple[datetime, int, int]]) -> None:
    """Write ``count`` dials at each local time, ``connects`` of them reaching the DM."""
    pid = uuid.uuid4()
    base = {"owner": "tester", "created_at": NOW, "updated_at": NOW}
    prospect = {**base, "id": pid, "name": "Dialled Ltd", "name_key": "dialled ltd",
                "stage": "lead"}  # fmt: skip
    calls = []
    for at, count, connects in pattern:
        for i in range(count):
            reached = "decision_maker" if i < connects else "nobody"
            calls.append({**base, "id": uuid.uuid4(), "prospect_id": pid, "kind": "call",
                          "occurred_at": at.astimezone(UTC) + timedelta(minutes=i % 50),
                          "direction": "outbound", "reached": reached,
                          "outcome": "connected" if i < connects else "no_answer"})  # fmt: skip
    bulk.write(config.target_from(str(db_path)), {"prospects": [prospect], "activities": calls})


def test_best_time_from_the_reps_own_connect_history(cli: Cli, db_path: Path) -> None:
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    history(cli)
    _dials(
        db_path,
        [
            (datetime(2026, 11, 9, 9, 5, tzinfo=london), 100, 30),  # Mon 09:00 30%
            (datetime(2026, 11, 12, 16, 5, tzinfo=london), 60, 30),  # Thu 16:00 50%
            (datetime(2026, 11, 10, 10, 5, tzinfo=london), 40, 20),  # Tue 10:00 50%: off
            (datetime(2026, 11, 13, 11, 5, tzinfo=london), 5, 5),  # too few to rank
        ],
    )
    text = cli.ok("intel", "acme").stdout
    assert (
        "best time     Thu 16:00-17:00 50% (30/60 dials), "
        "Mon 09:00-10:00 30% (30/100 dials); they: not Tue; now is a good time\n"
    ) in text


def test_checklist_presets_and_custom_items(cli: Cli) -> None:
    history(cli)
    shown = cli.ok("checklist", "-f", "csv").stdout.splitlines()
    assert shown[0] == "item,kind,from_stage" and "budget,budget,qualified" in shown
    cli.ok("checklist", "--preset", "meddic")
    missing = json.loads(cli.ok("intel", "acme", "-f", "json").stdout)["missing"]
    assert missing == ["metrics", "economic buyer"]
    cli.ok("checklist", "budget@qualified", "competitor@lead")
    missing = json.loads(cli.ok("intel", "acme", "-f", "json").stdout)["missing"]
    assert missing == ["budget", "competitor"]
    assert "unknown stage 'nowhere'" in cli.fails("checklist", "budget@nowhere").stderr
    assert "twice" in cli.fails("checklist", "budget", "budget@meeting").stderr


def test_next_ranks_who_to_call_now(cli: Cli) -> None:
    history(cli)  # Acme: qualified, next step overdue 1 day, last touch 2 days ago
    cli.ok("log", "call", "Beta Ltd", "--new", "-o", "voicemail", "--at", "2026-11-10 10:00")
    cli.ok("prospect", "edit", "beta", "--segment", "A")
    cli.ok("log", "call", "Gamma plc", "--new", "-o", "voicemail", "--at", "2026-11-19 10:00",
           "--next", "call again", "--due", "2026-11-27 09:00")  # fmt: skip
    cli.ok("log", "call", "Delta Co", "--new", "-o", "voicemail", "--at", "2026-11-19 10:00",
           "-i", "availability: mornings only",
           "--next", "try again", "--due", "16:00")  # fmt: skip
    ranked = json.loads(cli.ok("next", "-f", "json").stdout)
    # Gamma's next step is due next week, so it is not in the queue
    assert [(r["name"], r["score"]) for r in ranked] == [
        ("Acme Corp", 12.5),  # overdue 10 + 1 day 1 + 1 day stale 0.5 + qualified 1
        ("Beta Ltd", 11.0),  # no next step 3 + 10 days stale 5 + segment A 3
        ("Delta Co", -11.5),  # due today 8 + 1 day stale 0.5 + mornings only, now 15:00 -20
    ]
    assert ranked[0]["why"] == "overdue 1d; 1d since last touch; qualified"
    assert ranked[2]["why"] == "due today; 1d since last touch; not a good time now"
    cli.ok("next", "--set", "stage=5")
    assert json.loads(cli.ok("next", "-f", "json").stdout)[0]["score"] == 16.5
    assert "--set" in cli.fails("next", "--set", "speed=3").stderr


def test_the_reasons_say_the_real_days_and_the_score_counts_them_to_its_caps(cli: Cli) -> None:
    # due 12 days ago, last touched 21 days ago (NOW is Fri 20 Nov 15:00)
    cli.ok("log", "call", "Late Ltd", "--new", "-o", "voicemail", "--at", "2026-10-30 15:00",
           "--next", "call again", "--due", "2026-11-08 15:00")  # fmt: skip
    ranked = json.loads(cli.ok("next", "-f", "json").stdout)
    assert ranked[0]["why"] == "overdue 12d; 21d since last touch"
    assert ranked[0]["score"] == 10 + 10 + 7.0  # overdue, its 10-day cap, 14 stale days x 0.5
