"""``log``: every capture option round-trips through the models; bad input changes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, create_engine, select

from salestrack.models import Activity, Contact, Intel, NextStep, Prospect, StageChange, Win
from tests.conftest import NOW, Cli, dump, rows


def read(db_path: Path) -> Session:
    return Session(create_engine(f"sqlite:///{db_path}"))


def test_call_with_every_option_round_trips(cli: Cli, db_path: Path) -> None:
    cli.ok("prospect", "add", "Acme Corp", "--segment", "A")
    result = cli.ok(
        "log", "call", "acme",
        "--outcome", "Meeting Set",
        "--reached", "decision-maker",
        "--at", "yesterday 3pm",
        "--duration", "12m30s",
        "--note", "Talked budget [bold]x[/bold]",
        "--contact", "Dana Ruiz",
        "--next", "Send the deck",
        "--due", "tue 10am",
        "--win", "got the CFO's direct line",
        "--win", "booked a demo",
        "--intel", "gatekeeper: Sue at the front desk",
        "--intel", "availability: doesn't work Tuesdays",
        "--inbound",
    )  # fmt: skip
    activity_id = uuid.UUID(result.stdout.strip())
    assert result.stderr.count("\n") == 1
    line = result.stderr
    assert line.startswith("logged call · Acme Corp · meeting set")
    # two explicit wins, the first decision-maker conversation (Dana Ruiz, reached as the
    # decision maker, is that fact too: the same event), and two new facts
    assert "with Dana Ruiz (new contact)" in line and "5 wins" in line and "3 intel" in line
    assert f"id {activity_id.hex[:8]}" in line

    with read(db_path) as db:
        a = db.get(Activity, activity_id)
        assert a is not None
        assert (a.kind, a.outcome, a.reached, a.direction) == (
            "call", "meeting_set", "decision_maker", "inbound",
        )  # fmt: skip
        # London is UTC+0 in November: yesterday 15:00 local is 15:00 UTC.
        assert a.occurred_at == datetime(2026, 11, 19, 15, 0, tzinfo=UTC)
        assert a.duration_s == 750
        assert a.notes == "Talked budget [bold]x[/bold]"
        assert a.owner == "tester"
        assert a.created_at == NOW
        contact = db.get(Contact, a.contact_id)
        assert contact is not None and contact.name == "Dana Ruiz"
        assert contact.role == "decision_maker"
        step = db.exec(select(NextStep)).one()
        assert step.action == "Send the deck" and step.activity_id == a.id
        assert step.due_at == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
        assert step.done_at is None
        wins = sorted((w.source, w.text) for w in db.exec(select(Win)))
        assert wins == [
            ("explicit", "booked a demo"),
            ("explicit", "got the CFO's direct line"),
            ("first_decision_maker", "first conversation with the decision maker"),
            ("first_gatekeeper", "first gatekeeper name: Sue at the front desk"),
            ("new_intel", "learned availability: doesn't work Tuesdays"),
        ]
        facts = {(i.kind, i.value) for i in db.exec(select(Intel))}
        assert facts == {
            ("gatekeeper", "Sue at the front desk"),
            ("availability", "doesn't work Tuesdays"),
            ("decision_maker", "Dana Ruiz"),
        }
        prospect = db.exec(select(Prospect)).one()
        assert prospect.name == "Acme Corp" and prospect.segment == "A"


def test_defaults_reached_from_outcome_and_time_now(cli: Cli, db_path: Path) -> None:
    cli.ok("prospect", "add", "Acme Corp")
    out = cli.ok("log", "call", "Acme Corp", "-o", "vm").stdout.strip()
    with read(db_path) as db:
        a = db.get(Activity, uuid.UUID(out))
        assert a is not None
        assert (a.outcome, a.reached, a.occurred_at) == ("voicemail", "voicemail", NOW)
        assert a.duration_s is None and a.contact_id is None


def test_email_meeting_task_note_defaults(cli: Cli, db_path: Path) -> None:
    cli.ok("prospect", "add", "Acme Corp")
    for kind, outcome in (("email", "sent"), ("meeting", "held"), ("task", "done"), ("note", None)):
        out = cli.ok("log", kind, "Acme").stdout.strip()
        with read(db_path) as db:
            a = db.get(Activity, uuid.UUID(out))
            assert a is not None and (a.kind, a.outcome, a.reached) == (kind, outcome, None)


def test_new_prospect_is_created_only_when_clearly_new(cli: Cli, db_path: Path) -> None:
    result = cli.ok("log", "call", "Zeta Logistics", "-o", "no-answer")
    assert "Zeta Logistics (new prospect)" in result.stderr
    before = dump(db_path)
    typo = cli.fails("log", "call", "Zeta Logistix", "-o", "no-answer")
    assert "unknown prospect 'Zeta Logistix'; did you mean 'Zeta Logistics'?" in typo.stderr
    assert "--new" in typo.stderr
    assert dump(db_path) == before
    forced = cli.ok("log", "call", "Zeta Logistix", "-o", "no-answer", "--new")
    assert "Zeta Logistix (new prospect)" in forced.stderr
    assert rows(db_path, "SELECT count(*) FROM prospects") == [(2,)]
    # the new prospect starts its stage history at the first stage
    history = rows(db_path, "SELECT from_stage, to_stage FROM stage_changes")
    assert history == [(None, "lead"), (None, "lead")]


def test_ambiguous_prefix_lists_candidates(cli: Cli, db_path: Path) -> None:
    cli.ok("prospect", "add", "Acme Corp")
    cli.ok("prospect", "add", "Acme Labs")
    before = dump(db_path)
    result = cli.fails("log", "call", "acme", "-o", "connected")
    assert result.stderr == (
        "error: 'acme' matches 2 prospects: 'Acme Corp', 'Acme Labs'; type more of it\n"
    )
    assert dump(db_path) == before
    cli.ok("log", "call", "acme l", "-o", "connected")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "--outcome: a call needs an outcome"),
        (["-o", "connected", "--at", "someday"], "--at: can't read 'someday'"),
        (["-o", "connected", "--at", "tomorrow 9am"], "--at: 'tomorrow 9am' is in the future"),
        (["-o", "connected", "--duration", "5x"], "--duration: can't read '5x'"),
        (["-o", "connected", "--due", "fri"], "--due: needs --next ACTION"),
        (["-o", "connected", "--intel", "gossip: x"], "--intel: unknown intel kind 'gossip'"),
        (["-o", "connected", "--next", "x", "--due", "blah"], "--due: can't read 'blah'"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    cli: Cli, db_path: Path, args: list[str], message: str
) -> None:
    cli.ok("prospect", "add", "Acme Corp")
    before = dump(db_path)
    result = cli.fails("log", "call", "Acme", *args)
    assert result.stderr.startswith("error: " + message), result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""
    assert dump(db_path) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "conected"], "--outcome: unknown call outcome 'conected'; use one of: no answer"),
        (["-o", "conn", "--reached", "ceo"], "--reached: unknown reached value 'ceo'"),
        (["-o", "c"], "--outcome: 'c' could be connected, callback; type more of it"),
    ],
)
def test_bad_choices_are_usage_errors(
    cli: Cli, db_path: Path, args: list[str], message: str
) -> None:
    """A choice is read by the vocabulary's rule while the command line is parsed: a bad one
    is a usage error (exit code 2), one line, and nothing is written."""
    cli.ok("prospect", "add", "Acme Corp")
    before = dump(db_path)
    result = cli.fails("log", "call", "Acme", *args, code=2)
    assert result.stderr.startswith("error: " + message), result.stderr
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert dump(db_path) == before


def test_a_bad_format_is_a_usage_error(cli: Cli) -> None:
    cli.ok("db", "upgrade")  # an empty database (a read never creates one)
    result = cli.fails("prospect", "list", "-f", "xml", code=2)
    assert result.stderr == (
        "error: --format: unknown format 'xml'; use one of: table, csv, json, jsonl\n"
    )
    assert cli.ok("prospect", "list", "-f", "JSONL").stdout == ""  # any case, a unique start


def test_choices_complete_in_the_shell(cli: Cli) -> None:
    env = {"_SALESTRACK_COMPLETE": "complete_bash", "COMP_WORDS": "salestrack log call Acme -o me",
           "COMP_CWORD": "5"}  # fmt: skip
    import os
    import subprocess

    done = subprocess.run(["salestrack"], env={**os.environ, **env}, capture_output=True, text=True)
    assert done.stdout.splitlines() == ["meeting-set"]
    env["COMP_WORDS"], env["COMP_CWORD"] = "salestrack prospect list -f j", "4"
    done = subprocess.run(["salestrack"], env={**os.environ, **env}, capture_output=True, text=True)
    assert done.stdout.splitlines() == ["json", "jsonl"]


def test_unknown_kind_is_a_usage_error(cli: Cli) -> None:
    result = cli.fails("log", "dinner", "Acme", code=2)
    assert "dinner" in result.stderr


def test_next_touch_completes_open_next_step(cli: Cli, db_path: Path) -> None:
    cli.ok("log", "call", "Acme Corp", "-o", "gatekeeper", "--at", "3 days ago",
           "--next", "call back", "--due", "yesterday 9am")  # fmt: skip
    result = cli.ok("log", "note", "Acme", "--note", "a note does not close it")
    assert rows(db_path, "SELECT count(*) FROM next_steps WHERE done_at IS NULL") == [(1,)]
    result = cli.ok("log", "call", "Acme", "-o", "connected", "--at", "1h ago")
    assert "1 next step done" in result.stderr
    done = rows(db_path, "SELECT done_at, done_by_activity_id FROM next_steps")
    assert done[0][0] == (NOW - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S.%f")
    assert done[0][1] == uuid.UUID(result.stdout.strip()).hex


def test_single_valued_intel_supersedes_and_keeps_history(cli: Cli, db_path: Path) -> None:
    cli.ok("log", "call", "Acme Corp", "-o", "gatekeeper", "--at", "2 days ago",
           "-i", "gatekeeper: Sue", "-i", "pain: slow invoicing")  # fmt: skip
    cli.ok("log", "call", "Acme", "-o", "gatekeeper", "-i", "gatekeeper: Tom", "-i", "pain: churn")
    current = rows(
        db_path, "SELECT kind, value FROM intel WHERE superseded_at IS NULL ORDER BY kind, value"
    )
    assert current == [("gatekeeper", "Tom"), ("pain", "churn"), ("pain", "slow invoicing")]
    old = rows(db_path, "SELECT value, superseded_at FROM intel WHERE superseded_at IS NOT NULL")
    assert old == [("Sue", NOW.strftime("%Y-%m-%d %H:%M:%S.%f"))]


def test_stage_changes_table_untouched_by_existing_prospect_capture(
    cli: Cli, db_path: Path
) -> None:
    cli.ok("prospect", "add", "Acme Corp")
    cli.ok("log", "call", "Acme", "-o", "connected")
    with read(db_path) as db:
        assert len(db.exec(select(StageChange)).all()) == 1


def test_markup_in_names_prints_as_typed(cli: Cli) -> None:
    result = cli.ok("log", "call", "[bold]Evil[/bold] Ltd", "-o", "busy")
    assert "[bold]Evil[/bold] Ltd (new prospect)" in result.stderr
    listing = cli.ok("prospect", "list", "--format", "csv")
    assert "[bold]Evil[/bold] Ltd" in listing.stdout
