"""Track everything, exactly: period bounds, edits that move an activity, backfilled
prospects, and next steps of closed deals."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

from salestrack import dates
from tests.conftest import NOW, Cli, dump, rows

# NOW is Friday 20 November 2026, 15:00 in London (UTC+0).


# -- 6: a date alone as a period bound means the whole day --------------------------------


def test_a_bare_date_bound_is_the_whole_day() -> None:
    london = dates.local_tz()

    def bound(text: str, side: str) -> datetime:
        return dates.parse_bound(text, side=side, now=NOW, tz=london).astimezone(UTC)  # type: ignore[arg-type]

    assert bound("2026-10-31", "start") == datetime(2026, 10, 31, 0, 0, tzinfo=UTC)
    assert bound("2026-10-31", "end") == datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
    assert bound("yesterday", "start") == datetime(2026, 11, 19, 0, 0, tzinfo=UTC)
    assert bound("Nov 19", "end") == datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
    assert bound("wed", "end") == datetime(2026, 11, 19, 0, 0, tzinfo=UTC)
    # a summer day in London: 00:00 BST is 23:00 UTC the evening before
    assert bound("2026-10-01", "start") == datetime(2026, 9, 30, 23, 0, tzinfo=UTC)
    # an ISO week is the whole week
    assert bound("2026-W47", "end") == datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    # a time given is kept as typed, and so is a relative time
    assert bound("2026-10-31 17:00", "end") == datetime(2026, 10, 31, 17, 0, tzinfo=UTC)
    assert bound("2h ago", "start") == datetime(2026, 11, 20, 13, 0, tzinfo=UTC)
    # parse_when is unchanged: a date alone is still 09:00 (--at, --due)
    assert dates.parse_when("2026-10-31", now=NOW, tz=london).hour == 9
    assert dates.last_day(datetime(2026, 11, 1, 0, 0, tzinfo=UTC), london).isoformat() == (
        "2026-10-31"
    )


def test_scorecard_to_a_date_takes_in_that_whole_day(cli: Cli) -> None:
    cli.ok("log", "call", "Acme Corp", "-o", "connected", "--at", "2026-10-01 08:00")
    cli.ok("promise", "add", "acme", "send the plan", "--at", "2026-10-20 10:00",
           "--due", "2026-10-31 17:00")  # fmt: skip
    out = cli.ok(
        "scorecard", "acme", "--since", "2026-10-01", "--until", "2026-10-31", "-f", "json"
    )
    card = json.loads(out.stdout)
    assert [p["text"] for p in card["promise_list"]] == ["send the plan"]
    assert card["activity"] == {"call": 1}  # 08:00 on the first day counts too
    assert card["from"] == "2026-09-30T23:00:00+00:00"  # 00:00 BST
    assert card["to"] == "2026-11-01T00:00:00+00:00"
    assert card["period"] == "01 Oct 2026 to 31 Oct 2026"


def test_wins_since_a_date_take_in_its_morning(cli: Cli) -> None:
    cli.ok("log", "call", "Pine Clinic", "-o", "gatekeeper", "-i", "gatekeeper: Sue",
           "--at", "2026-11-19 08:30")  # fmt: skip
    out = cli.ok("wins", "--since", "2026-11-19", "-f", "json")
    assert [w["text"] for w in json.loads(out.stdout)] == ["first gatekeeper name: Sue"]
    assert out.stderr.startswith("1 win from 1 dial since Thu 19 Nov 00:00")


def test_export_since_and_until_a_date_take_in_the_whole_days(cli: Cli) -> None:
    cli.ok("log", "call", "Pine Clinic", "-o", "no-answer", "--at", "2026-11-18 17:30")
    cli.ok("log", "call", "pine", "-o", "no-answer", "--at", "2026-11-19 08:30")
    cli.ok("log", "call", "pine", "-o", "no-answer", "--at", "2026-11-20 08:00")

    def times(*args: str) -> list[str]:
        out = cli.ok("export", "activities", *args).stdout
        return [r["occurred_at"] for r in csv.DictReader(io.StringIO(out))]

    assert times("--since", "2026-11-19") == [
        "2026-11-19T08:30:00+00:00", "2026-11-20T08:00:00+00:00",
    ]  # fmt: skip
    assert times("--until", "2026-11-19") == [
        "2026-11-18T17:30:00+00:00", "2026-11-19T08:30:00+00:00",
    ]  # fmt: skip
    assert times("--since", "2026-11-19", "--until", "2026-11-19") == ["2026-11-19T08:30:00+00:00"]
    assert "--until: can't read 'Novembr'" in cli.fails("export", "activities", "--until",
                                                         "Novembr").stderr  # fmt: skip


# -- 7: what an activity's time derived follows it when it changes ------------------------


def lag(cli: Cli) -> float:
    out = cli.ok("baseline", "-f", "json").stdout
    found = [f for f in json.loads(out)["figures"] if f["figure"].startswith("next step done")]
    return float(found[0]["value"])


def step(db_path: Path) -> list[tuple[object, ...]]:
    return rows(
        db_path,
        "SELECT n.done_at, a.occurred_at FROM next_steps n "
        "LEFT JOIN activities a ON a.id = n.done_by_activity_id",
    )


def test_moving_a_call_moves_the_step_it_completed_its_intel_and_wins(
    cli: Cli, db_path: Path
) -> None:
    cli.ok("log", "call", "Pine Clinic", "-o", "connected", "--at", "2026-11-16 10:00",
           "--next", "send the deck", "--due", "2026-11-17 09:00")  # fmt: skip
    call = cli.ok("log", "call", "pine", "-o", "connected", "--at", "2026-11-17 10:00",
                  "-i", "budget: 40k").stdout.strip()  # fmt: skip
    assert lag(cli) == 0.0417  # an hour late
    cli.ok("edit", call[:8], "--at", "2026-11-20 14:00")
    assert step(db_path) == [("2026-11-20 14:00:00.000000", "2026-11-20 14:00:00.000000")]
    assert lag(cli) == 3.2083  # 3 days 5 hours late
    assert rows(db_path, "SELECT learned_at FROM intel") == [("2026-11-20 14:00:00.000000",)]
    assert rows(db_path, "SELECT won_at FROM wins WHERE source = 'new_intel'") == [
        ("2026-11-20 14:00:00.000000",)
    ]


def test_a_touch_moved_before_a_step_hands_it_to_the_next_touch(cli: Cli, db_path: Path) -> None:
    cli.ok("log", "call", "Pine Clinic", "-o", "connected", "--at", "2026-11-16 10:00",
           "--next", "send the deck", "--due", "2026-11-17 09:00")  # fmt: skip
    email = cli.ok("log", "email", "pine", "--at", "2026-11-17 10:00").stdout.strip()[:8]
    cli.ok("log", "call", "pine", "-o", "voicemail", "--at", "2026-11-18 11:00")
    cli.ok("edit", email, "--at", "2026-11-15 10:00")  # before the step was set
    assert step(db_path) == [("2026-11-18 11:00:00.000000", "2026-11-18 11:00:00.000000")]
    cli.ok("log", "call", "pine", "-o", "connected", "--at", "2026-11-19 12:00",
           "--next", "call back", "--due", "2026-11-23 09:00")  # fmt: skip
    cli.ok("edit", email, "--at", "2026-11-20 09:00")  # now the last touch: it completes it

    def completed() -> list[tuple[object, ...]]:
        return rows(
            db_path,
            "SELECT n.action, n.done_at, a.kind FROM next_steps n "
            "LEFT JOIN activities a ON a.id = n.done_by_activity_id ORDER BY n.action",
        )

    assert completed() == [
        ("call back", "2026-11-20 09:00:00.000000", "email"),
        ("send the deck", "2026-11-18 11:00:00.000000", "call"),  # kept: it still qualifies
    ]
    cli.ok("edit", email, "--kind", "note", "-o", "")  # a note completes nothing: open again
    assert completed() == [
        ("call back", None, None), ("send the deck", "2026-11-18 11:00:00.000000", "call"),
    ]  # fmt: skip


def test_moving_the_capture_that_created_a_prospect_moves_its_first_stage(
    cli: Cli, db_path: Path
) -> None:
    call = cli.ok("log", "call", "Pine Clinic", "-o", "connected", "--at", "2026-11-18 10:00")
    cli.ok("edit", call.stdout.strip()[:8], "--at", "2026-11-17 10:00")
    assert rows(db_path, "SELECT changed_at FROM stage_changes") == [
        ("2026-11-17 10:00:00.000000",)
    ]
    assert "lead for 3d (since Tue 17 Nov 10:00)" in cli.ok("intel", "pine").stdout


def test_undo_hands_a_step_to_the_next_touch_that_completes_it(cli: Cli, db_path: Path) -> None:
    cli.ok("log", "call", "Pine Clinic", "-o", "voicemail", "--at", "2026-11-18 10:00")
    cli.ok("log", "call", "pine", "-o", "connected", "--at", "2026-11-16 10:00",
           "--next", "send the deck", "--due", "2026-11-17 09:00")  # fmt: skip
    cli.ok("log", "email", "pine", "--at", "2026-11-19 10:00")  # completes the step
    assert step(db_path) == [("2026-11-19 10:00:00.000000", "2026-11-19 10:00:00.000000")]
    cli.ok("undo")
    # the voicemail on the 18th came after the step was set: it is the touch that did it
    assert step(db_path) == [("2026-11-18 10:00:00.000000", "2026-11-18 10:00:00.000000")]
    cli.ok("undo")  # the call that set the step: the step goes with it
    assert rows(db_path, "SELECT count(*) FROM next_steps") == [(0,)]


# -- 8: a prospect can be added as of a past date -------------------------------------------


def test_a_prospect_added_as_of_a_past_date_takes_backfilled_history(
    cli: Cli, db_path: Path
) -> None:
    cli.ok("db", "upgrade")
    added = cli.ok("prospect", "add", "Pine Clinic", "--at", "2026-11-02")
    assert added.stderr == "added prospect Pine Clinic · stage lead since Mon 02 Nov 09:00\n"
    assert rows(db_path, "SELECT changed_at FROM stage_changes") == [
        ("2026-11-02 09:00:00.000000",)
    ]
    assert "lead for 2w (since Mon 02 Nov 09:00)" in cli.ok("intel", "pine").stdout
    cli.ok("log", "call", "pine", "-o", "connected", "--at", "2026-11-05 10:00")
    cli.ok("prospect", "stage", "pine", "qualified", "--at", "2026-11-05 10:30")
    assert "qualified for 2w (since Thu 05 Nov 10:30)" in cli.ok("intel", "pine").stdout
    before = dump(db_path)
    future = cli.fails("prospect", "add", "Oak", "--at", "tomorrow")
    assert future.stderr == (
        "error: --at: that is in the future; give when it became a prospect (default now)\n"
    )
    assert "--at: can't read 'yesterdy'" in cli.fails("prospect", "add", "Oak", "--at",
                                                       "yesterdy").stderr  # fmt: skip
    assert dump(db_path) == before


# -- 9: a won or lost deal leaves no open next steps ----------------------------------------


def test_won_and_lost_close_the_open_next_steps(cli: Cli, db_path: Path) -> None:
    for name in ("Pine Clinic", "Oak Dental", "Elm Surgery"):
        cli.ok("log", "call", name, "--new", "-o", "connected", "--at", "2026-11-16 10:00",
               "--next", "send the deck", "--due", "2026-11-17 09:00")  # fmt: skip
    cli.ok("log", "note", "pine", "-n", "CFO on leave", "--at", "2026-11-16 11:00",
           "--next", "book the demo")  # fmt: skip
    lost = cli.ok("prospect", "stage", "pine", "lost", "--at", "2026-11-19 12:00")
    assert lost.stderr == "Pine Clinic: lead -> lost · 2 open next steps closed\n"
    assert (
        cli.ok("prospect", "stage", "oak", "won").stderr
        == "Oak Dental: lead -> won · 1 open next step closed\n"
    )
    assert rows(
        db_path,
        "SELECT p.name, n.done_at, n.done_by_activity_id FROM next_steps n "
        "JOIN prospects p ON p.id = n.prospect_id WHERE n.done_at IS NOT NULL ORDER BY p.name",
    ) == [
        ("Oak Dental", "2026-11-20 15:00:00.000000", None),
        ("Pine Clinic", "2026-11-19 12:00:00.000000", None),
        ("Pine Clinic", "2026-11-19 12:00:00.000000", None),
    ]  # fmt: skip
    gaps = json.loads(cli.ok("pipeline", "--gaps", "-f", "json").stdout)
    assert [g["name"] for g in gaps] == ["Elm Surgery"]
    assert [n["name"] for n in json.loads(cli.ok("next", "-f", "json").stdout)] == ["Elm Surgery"]
    listed = {p["name"]: p["next_step"] for p in json.loads(
        cli.ok("prospect", "list", "-f", "json").stdout)}  # fmt: skip
    assert listed == {"Elm Surgery": "send the deck", "Oak Dental": None, "Pine Clinic": None}
    assert "next step     none" in cli.ok("intel", "pine").stdout
    assert cli.ok("export", "next-steps", "-f", "ics").stdout.count("SUMMARY:") == 1
    # a client's follow-up after the win is open work as usual
    cli.ok("log", "email", "oak", "--next", "check in", "--due", "2026-11-27 09:00")
    assert "check in" in cli.ok("intel", "oak").stdout
