"""Saved views through the CLI: save, list, run (with more options), replace, remove; the
queue of a call block; refusals that change nothing; on PostgreSQL, a rep's own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli, dump, rows
from tests.test_team import as_user, team  # noqa: F401 - the two-rep fixture


@pytest.fixture
def book(cli: Cli) -> None:
    cli.ok("prospect", "add", "Acme Corp", "--stage", "proposal", "-t", "q4")
    cli.ok("prospect", "add", "Beacon Ltd", "--stage", "proposal")
    cli.ok("prospect", "add", "Cobalt", "-t", "q4")
    cli.ok("prospect", "add", "Delta", "--stage", "proposal", "-t", "q4", "--segment", "A")


def names(out: str) -> list[str]:
    return [p["name"] for p in json.loads(out)]


def test_save_list_and_run(cli: Cli, db_path: Path, book: None) -> None:
    said = cli.ok("view", "save", "q4", "--", "prospect", "list", "--stage", "proposal",
                  "--tag", "q4").stderr  # fmt: skip
    assert said == "saved view q4: salestrack prospect list --stage proposal --tag q4\n"
    cli.ok("view", "save", "Hot", "activity", "list", "--today")  # without --: the same
    assert json.loads(cli.ok("view", "list", "-f", "json").stdout) == [
        {"name": "hot", "command": "activity list --today"},
        {"name": "q4", "command": "prospect list --stage proposal --tag q4"},
    ]
    assert names(cli.ok("view", "q4", "-f", "json").stdout) == ["Acme Corp", "Delta"]
    # options after the name are added to the view's
    assert names(cli.ok("view", "q4", "--segment", "A", "-f", "json").stdout) == ["Delta"]
    assert rows(db_path, "SELECT name, command FROM views ORDER BY name") == [
        ("hot", '["activity", "list", "--today"]'),
        ("q4", '["prospect", "list", "--stage", "proposal", "--tag", "q4"]'),
    ]
    replaced = cli.ok("view", "save", "q4", "--force", "--", "prospect", "list", "-t", "q4")
    assert replaced.stderr == "replaced view q4: salestrack prospect list -t q4\n"
    assert names(cli.ok("view", "q4", "-f", "json").stdout) == ["Acme Corp", "Cobalt", "Delta"]
    assert cli.ok("view", "rm", "hot").stderr == "deleted view hot\n"
    assert rows(db_path, "SELECT name FROM views") == [("q4",)]


def test_refusals_are_one_line_and_save_nothing(cli: Cli, db_path: Path, book: None) -> None:
    cli.ok("view", "save", "q4", "--", "prospect", "list", "--tag", "q4")
    before = dump(db_path)
    cases = [
        (["view", "nope"], 1, "error: no view called 'nope'; see: salestrack view list\n"),
        (["view", "q5"], 1, "error: no view called 'q5'; did you mean 'q4'?\n"),
        (["view", "save", "x", "--", "log", "call", "Acme"], 2,
         "error: view save: 'log call' can't be saved as a view; a view is one of: prospect "
         "list, activity list, contact list, search, next, today, pipeline, baseline, wins, "
         "quality\n"),
        (["view", "save", "x", "--", "prospect", "rm", "Acme"], 2,
         "error: view save: 'prospect rm' can't be saved as a view; a view is one of: prospect "
         "list, activity list, contact list, search, next, today, pipeline, baseline, wins, "
         "quality\n"),
        (["view", "save", "x", "--", "prospect", "list", "--bogus"], 2,
         "error: No such option: --bogus (see: salestrack prospect list -h)\n"),
        (["view", "save", "x", "--", "activity", "list", "--kind", "dance"], 2,
         "error: --kind: unknown activity kind 'dance'; use one of: call, email, meeting, task, "
         "note\n"),
        (["view", "save", "x", "--", "prospect", "list", "--stage", "closing"], 1,
         "error: --stage: unknown stage 'closing'; use one of: lead, qualified, meeting, "
         "proposal, negotiation, won, lost\n"),
        (["view", "save", "x", "--", "prospect", "list", "--tag", "q5"], 1,
         "error: --tag: unknown tag 'q5'; did you mean 'q4'?\n"),
        (["view", "save", "x", "--", "prospect", "list", "--db", "other.db"], 2,
         "error: view save: a view can't name --db; it belongs to its database\n"),
        (["view", "save", "list", "--", "prospect", "list"], 1,
         "error: NAME: 'list' is a view command; call the view something else\n"),
        (["view", "save", "q4", "--", "prospect", "list"], 1,
         "error: a view called 'q4' exists; add --force to replace it\n"),
        (["view", "save", "a b", "--", "prospect", "list"], 1,
         "error: NAME: 'a b' is not a tag; use one word of letters, digits and - _ : . / "
         "(e.g. q4, hot-lead)\n"),
    ]  # fmt: skip
    for args, code, message in cases:
        assert cli.fails(*args, code=code).stderr == message, args
    assert dump(db_path) == before


def test_a_view_is_the_queue_of_a_call_block(cli: Cli, book: None) -> None:
    cli.ok("view", "save", "q4", "--", "prospect", "list", "--stage", "proposal", "-t", "q4")
    out = cli.ok("dial", "--view", "q4", input="s\nq\n").stdout
    assert "Call block: 2 prospects." in out
    assert "[1/2] Acme Corp · proposal" in out and "[2/2] Delta · proposal" in out
    cli.ok("view", "save", "today", "--", "activity", "list", "--today")
    assert cli.fails("dial", "--view", "today", code=2).stderr == (
        "error: --view: the view today runs activity list; dial calls the prospects of a "
        "prospect list view\n"
    )
    assert cli.fails("dial", "--view", "q4", "--stage", "lead", code=2).stderr == (
        "error: --view: the view says which prospects; leave out --stage/--segment\n"
    )


@pytest.mark.postgres
def test_a_reps_views_are_their_own(cli: Cli, team: str) -> None:  # noqa: F811
    alice, bob = as_user(team, "alice"), as_user(team, "bob")
    cli.ok("--db", alice, "view", "save", "mine", "--", "prospect", "list")
    assert names(cli.ok("--db", alice, "view", "mine", "-f", "json").stdout) == [
        "Acme", "Initech", "Northwind",
    ]  # fmt: skip
    assert cli.fails("--db", bob, "view", "mine").stderr == (
        "error: no view called 'mine'; see: salestrack view list\n"
    )
    cli.ok("--db", bob, "view", "save", "mine", "--", "prospect", "list")  # his own
    assert names(cli.ok("--db", bob, "view", "mine", "-f", "json").stdout) == ["Acme", "Globex"]
