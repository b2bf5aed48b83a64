"""``salestrack today`` through the CLI on a real SQLite file: each section's exact rows."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Cli


@pytest.fixture
def day(cli: Cli) -> None:
    """Friday 20 November 2026, 15:00 in London, after four days of dialling."""
    # by 15:00 on Mon-Thu (Acme's call on Monday too): dials 3, 3, 1, 4 (median 3), a
    # conversation (and its win, the first with a decision maker) 2, 1, 1, 1 (median 1);
    # the calls later in those days don't count
    plan = {"mon": ["9:00", "10:00", "16:00"], "tue": ["9:00", "11:00", "14:30"],
            "wed": ["13:00", "17:00"], "thu": ["8:00", "9:00", "10:00", "11:00"]}  # fmt: skip
    for weekday, times in plan.items():
        for n, at in enumerate(times):
            outcome = "connected" if n == 0 else "no_answer"
            cli.ok("log", "call", f"Dialled {weekday} {n}", "--new", "-o", outcome, "--at",
                   f"{weekday} {at}")  # fmt: skip
    cli.ok("log", "call", "Acme Corp", "--new", "-o", "connected", "--at", "mon 9:30",
           "--next", "send quote", "--due", "2026-11-19 10:00")  # fmt: skip
    cli.ok("log", "call", "Beacon Ltd", "--new", "-o", "meeting-set", "--at", "10:00",
           "-w", "booked the demo", "--next", "meeting: demo", "--due", "today 16:00")  # fmt: skip
    cli.ok("log", "call", "Cobalt", "--new", "-o", "voicemail", "--at", "11:00",
           "--next", "call again", "--due", "mon 9:30")  # fmt: skip
    cli.ok("promise", "add", "Acme Corp", "send the case study", "--due", "sun 12:00")
    cli.ok("promise", "add", "Acme Corp", "visit the plant", "--due", "2026-12-10")


def test_today_as_json_has_each_sections_exact_rows(cli: Cli, day: None) -> None:
    data = json.loads(cli.ok("today", "-f", "json").stdout)
    assert data["now"] == "2026-11-20T15:00:00+00:00"
    assert data["overdue"] == {
        "count": 1,
        "items": [
            {"prospect": "Acme Corp", "text": "send quote", "due_at": "2026-11-19T10:00:00+00:00"}
        ],
    }
    assert data["due_today"]["items"] == [
        {"prospect": "Beacon Ltd", "text": "meeting: demo", "due_at": "2026-11-20T16:00:00+00:00"}
    ]
    assert data["promises_this_week"]["items"] == [
        {"prospect": "Acme Corp", "text": "send the case study",
         "due_at": "2026-11-22T12:00:00+00:00"},
    ]  # fmt: skip
    # today: two dials (Beacon's meeting set, two wins; Cobalt's voicemail)
    assert data["so_far"] == [
        {"figure": "dials", "value": 2, "usual": 3.0, "days": 4},
        {"figure": "conversations", "value": 1, "usual": 1.0, "days": 4},
        {"figure": "wins", "value": 2, "usual": 1.0, "days": 4},
    ]
    assert [c["name"] for c in data["call_next"]][:1] == ["Acme Corp"]  # overdue first
    assert len(data["call_next"]) == 3


def test_today_fits_80_columns(cli: Cli, day: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = cli.ok("today", "--next", "1").stdout
    lines = out.splitlines()
    assert lines[0] == "Today · Fri 20 Nov 2026 15:00"
    assert max(len(line) for line in lines) <= 80
    assert "  Thu 19 Nov 10:00  Acme Corp  send quote" in lines
    assert "  16:00  Beacon Ltd  meeting: demo" in lines
    assert "  2 dials (usual 3) · 1 conversations (usual 1) · 2 wins (usual 1)" in lines
    assert "  usual: the median by 15:00 on your last 4 working days" in lines
    call_next = lines.index("Call next")
    assert lines[call_next + 1].startswith("  1  Acme Corp")
    assert lines[call_next + 2] == ""


def test_an_empty_database_says_what_to_do(cli: Cli) -> None:
    cli.ok("db", "upgrade")  # an empty database (a read never creates one)
    out = cli.ok("today").stdout
    assert "none: every next step is on time" in out
    assert "no usual yet: it needs three earlier days with dials" in out
    # CSV is the JSON document in one row: a list or an object is its JSON text in a cell
    import csv
    import io
    import json

    whole = json.loads(cli.ok("today", "-f", "json").stdout)
    (row,) = csv.DictReader(io.StringIO(cli.ok("today", "-f", "csv").stdout))
    assert list(row) == list(whole)
    for key, value in whole.items():
        if isinstance(value, list | dict):
            assert json.loads(row[key]) == value, key
        else:
            assert row[key] == ("" if value is None else str(value)), key
    assert json.loads(cli.ok("today", "-f", "jsonl").stdout) == whole


def test_the_queue_takes_each_prospects_soonest_step(cli: Cli) -> None:
    """A prospect is in the queue when its soonest open step is due by tonight or undated;
    an undated step comes after every dated one, so a step next week keeps it out."""
    cli.ok("log", "call", "Later Ltd", "--new", "-o", "voicemail", "--at", "mon 9:00",
           "--next", "send the deck")  # fmt: skip
    cli.ok(
        "log",
        "note",
        "Later Ltd",
        "-n",
        "wants a call",
        "--at",
        "mon 10:00",
        "--next",
        "call back",
        "--due",
        "2026-11-27 10:00",
    )  # fmt: skip (a note completes no step)
    cli.ok("log", "call", "Undated Co", "--new", "-o", "voicemail", "--at", "mon 9:30",
           "--next", "try again")  # fmt: skip
    cli.ok("log", "call", "Today Inc", "--new", "-o", "voicemail", "--at", "mon 9:45",
           "--next", "call at four", "--due", "2026-11-20 16:00")  # fmt: skip
    out = cli.ok("next", "-f", "json").stdout
    queue = {r["name"]: r["next_step"] for r in json.loads(out)}
    # Later Ltd has an undated step and one next week: the dated one is its soonest
    assert queue == {"Undated Co": "try again", "Today Inc": "call at four"}
    shown = json.loads(cli.ok("today", "-f", "json").stdout)
    assert {r["name"] for r in shown["call_next"]} == {"Undated Co", "Today Inc"}


def steps_fixture(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Prospects with several open steps each, written at different times (notes complete
    no step): Undated Co's two undated ones (Monday and Tuesday), Dated Ltd's undated one
    and two dated ones (due Thursday after Wednesday's, the later written first)."""

    def at(when: str, *args: str) -> None:
        monkeypatch.setenv("SALESTRACK_NOW", when)
        cli.ok(*args)

    at("2026-11-16T09:00:00+00:00", "log", "note", "Undated Co", "--new", "-n", "x",
       "--next", "monday's step")  # fmt: skip
    at("2026-11-17T09:00:00+00:00", "log", "note", "Undated Co", "-n", "x",
       "--next", "tuesday's step")  # fmt: skip
    at("2026-11-16T09:00:00+00:00", "log", "note", "Dated Ltd", "--new", "-n", "x",
       "--next", "undated step")  # fmt: skip
    at("2026-11-16T10:00:00+00:00", "log", "note", "Dated Ltd", "-n", "x",
       "--next", "thursday's step", "--due", "2026-11-19 10:00")  # fmt: skip
    at("2026-11-17T10:00:00+00:00", "log", "note", "Dated Ltd", "-n", "x",
       "--next", "wednesday's step", "--due", "2026-11-18 10:00")  # fmt: skip
    monkeypatch.setenv("SALESTRACK_NOW", "2026-11-20T15:00:00+00:00")


def soonest_steps(cli: Cli) -> list[dict[str, str]]:
    """Each prospect's next step as ``prospect list``, ``pipeline --gaps`` and ``next`` name it."""
    listed = json.loads(cli.ok("prospect", "list", "-f", "json").stdout)
    gaps = json.loads(cli.ok("pipeline", "--gaps", "-f", "json").stdout)
    queue = json.loads(cli.ok("next", "-f", "json").stdout)
    return [
        {r["name"]: r["next_step"] for r in listed},
        {r["name"]: r["next_step"] for r in gaps},
        {r["name"]: r["next_step"] for r in queue},
    ]


def test_the_soonest_step_is_the_first_due_else_the_oldest_undated(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps_fixture(cli, monkeypatch)
    expected = {"Dated Ltd": "wednesday's step", "Undated Co": "monday's step"}
    overdue = {"Dated Ltd": "wednesday's step"}  # the only gap: an undated step is none
    assert soonest_steps(cli) == [expected, overdue, expected]
    # the brief names the same step, and prospect show lists the open ones in that order
    brief = json.loads(cli.ok("intel", "Dated Ltd", "-f", "json").stdout)
    assert brief["next_step"]["action"] == "wednesday's step"
    shown = json.loads(cli.ok("prospect", "show", "Dated Ltd", "-f", "json").stdout)
    assert [s["action"] for s in shown["next_steps"]] == [
        "wednesday's step", "thursday's step", "undated step"
    ]  # fmt: skip


def test_a_section_shows_five_and_counts_every_one(cli: Cli) -> None:
    """Seven overdue steps and six promises due this week: five of each, latest overdue
    first and soonest promise first, with the whole count (and 'and N more' on screen)."""
    for n in range(7):
        cli.ok("log", "call", f"Late {n}", "--new", "-o", "voicemail", "--at", "mon 9:00",
               "--next", f"step {n}", "--due", f"2026-11-1{n} 10:00")  # fmt: skip
    for n in range(6):
        cli.ok("promise", "add", f"Late {n}", f"promise {n}", "--due", f"sat {10 + n}:00")
    data = json.loads(cli.ok("today", "-f", "json").stdout)
    assert data["overdue"]["count"] == 7
    assert [i["text"] for i in data["overdue"]["items"]] == [f"step {n}" for n in (6, 5, 4, 3, 2)]
    assert data["promises_this_week"]["count"] == 6
    assert [i["text"] for i in data["promises_this_week"]["items"]] == [
        f"promise {n}" for n in range(5)
    ]
    screen = cli.ok("today").stdout
    assert "Overdue next steps (7)" in screen
    assert "and 2 more: salestrack pipeline --gaps" in screen
    for n in range(6):  # six steps due later today: the rest are today's, not the week's
        cli.ok("log", "note", f"Late {n}", "-n", "x", "--next", f"today {n}",
               "--due", f"{16 + n % 2}:{n:02d}")  # fmt: skip
    later = cli.ok("today").stdout
    assert "Due later today (6)" in later
    assert "and 1 more: salestrack export next-steps --since today --until today" in later
    listed = json.loads(
        cli.ok("export", "next-steps", "--since", "today", "--until", "today", "-f", "json").stdout
    )
    assert {r["action"] for r in listed} == {f"today {n}" for n in range(6)}  # that command
    assert "Promises due this week (6)" in screen
    assert "and 1 more: salestrack promise list" in screen
