"""``prospect add|list|show|edit|stage|rm`` and ``stages``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.conftest import Cli, dump, rows


def test_add_list_show(cli: Cli, db_path: Path) -> None:
    cli.ok("db", "upgrade")  # an empty database (a read never creates one)
    added = cli.ok("prospect", "add", "Acme Corp", "--company", "Acme Corporation",
                   "--segment", "A", "--value", "25000")  # fmt: skip
    assert added.stderr == "added prospect Acme Corp · stage lead\n"
    cli.ok("prospect", "add", "Beta Ltd", "--stage", "qual")
    cli.ok("log", "call", "Acme", "-o", "connected", "--at", "2h ago",
           "--next", "send deck", "--due", "mon 9am")  # fmt: skip
    listing = list(csv.DictReader(io.StringIO(cli.ok("prospect", "list", "-f", "csv").stdout)))
    assert [r["name"] for r in listing] == ["Acme Corp", "Beta Ltd"]
    acme, beta = listing
    assert acme["stage"] == "lead" and beta["stage"] == "qualified"
    assert acme["value"] == "25000.0" and acme["segment"] == "A"
    assert acme["activities"] == "1" and beta["activities"] == "0"
    assert acme["next_step"] == "send deck"
    assert acme["due_at"] == "2026-11-23T09:00:00+00:00"
    assert acme["last_touch"] == "2026-11-20T13:00:00+00:00"
    assert list(listing[0]) == [
        "id", "name", "company", "segment", "stage", "value", "stage_since",
        "activities", "last_touch", "next_step", "due_at",
    ]  # fmt: skip
    only = cli.ok("prospect", "list", "--stage", "qualified", "-f", "json").stdout
    assert [p["name"] for p in json.loads(only)] == ["Beta Ltd"]

    shown = json.loads(cli.ok("prospect", "show", "acme", "-f", "json").stdout)
    assert shown["name"] == "Acme Corp" and shown["company"] == "Acme Corporation"
    assert shown["next_steps"][0]["action"] == "send deck"
    assert shown["activity_counts"] == {"call": 1}
    assert shown["stage_history"] == [
        {"from_stage": None, "to_stage": "lead", "changed_at": "2026-11-20T15:00:00+00:00",
         "reason": None}
    ]  # fmt: skip
    table = cli.ok("prospect", "show", "acme").stdout
    assert "Acme Corp" in table and "send deck" in table


def test_duplicate_add_is_refused(cli: Cli, db_path: Path) -> None:
    cli.ok("prospect", "add", "Acme Corp")
    before = dump(db_path)
    result = cli.fails("prospect", "add", "  acme   CORP ")
    assert result.stderr == (
        "error: prospect 'Acme Corp' already exists; see: salestrack prospect show\n"
    )
    assert dump(db_path) == before


def test_stage_moves_are_recorded(cli: Cli, db_path: Path) -> None:
    cli.ok("log", "call", "Acme Corp", "-o", "connected", "--at", "3 days ago")
    assert cli.ok("prospect", "stage", "acme", "meeting", "--at", "1h ago").stderr == (
        "Acme Corp: lead -> meeting\n"
    )
    cli.ok("prospect", "stage", "acme", "lost", "--reason", "no budget")
    history = rows(
        db_path,
        "SELECT from_stage, to_stage, changed_at, reason FROM stage_changes ORDER BY changed_at",
    )
    assert history == [
        (None, "lead", "2026-11-17 15:00:00.000000", None),
        ("lead", "meeting", "2026-11-20 14:00:00.000000", None),
        ("meeting", "lost", "2026-11-20 15:00:00.000000", "no budget"),
    ]
    early = cli.fails("prospect", "stage", "acme", "won", "--at", "2 days ago")
    assert "can't be dated before that" in early.stderr
    before = dump(db_path)
    assert "already at stage 'lost'" in cli.fails("prospect", "stage", "acme", "lost").stderr
    bad = cli.fails("prospect", "stage", "acme", "pitched")
    assert bad.stderr.startswith("error: STAGE: unknown stage 'pitched'; use one of: lead,")
    assert dump(db_path) == before


def test_edit_and_rename(cli: Cli, db_path: Path) -> None:
    cli.ok("prospect", "add", "Acme Corp", "--company", "Acme")
    cli.ok("prospect", "add", "Beta Ltd")
    result = cli.ok("prospect", "edit", "acme", "--name", "Acme Group", "--company", "")
    assert result.stderr == "updated Acme Group: name, company\n"
    assert rows(
        db_path, "SELECT name, name_key, company FROM prospects WHERE name LIKE 'Acme%'"
    ) == [("Acme Group", "acme group", None)]
    clash = cli.fails("prospect", "edit", "acme", "--name", "BETA LTD")
    assert "another prospect is already called 'Beta Ltd'" in clash.stderr


def test_rm_deletes_everything_about_the_prospect(cli: Cli, db_path: Path) -> None:
    cli.ok("log", "call", "Acme Corp", "-o", "connected", "-i", "pain: x", "-w", "w",
           "--next", "n", "-c", "Sue")  # fmt: skip
    cli.ok("log", "call", "Beta Ltd", "-o", "busy")
    refused = cli.fails("prospect", "rm", "acme", code=2)
    assert "--yes" in refused.stderr
    result = cli.ok("prospect", "rm", "acme", "--yes")
    assert result.stderr.startswith("deleted Acme Corp and ")
    for table in ("activities", "intel", "wins", "next_steps", "contacts", "stage_changes"):
        left = rows(db_path, f"SELECT count(*) FROM {table}")[0][0]
        assert left == (1 if table in ("activities", "stage_changes") else 0), table
    assert rows(db_path, "SELECT name FROM prospects") == [("Beta Ltd",)]


def test_stages_are_configurable(cli: Cli, db_path: Path) -> None:
    cli.ok("db", "upgrade")  # an empty database (a read never creates one)
    assert cli.ok("stages").stdout.split() == [
        "lead", "qualified", "meeting", "proposal", "negotiation", "won", "lost",
    ]  # fmt: skip
    cli.ok("stages", "lead", "discovery", "demo", "won", "lost")
    assert cli.ok("stages").stdout.split() == ["lead", "discovery", "demo", "won", "lost"]
    cli.ok("prospect", "add", "Acme", "--stage", "demo")
    assert "keep won in the list" in cli.fails("stages", "lead", "lost").stderr
    held = cli.fails("stages", "lead", "discovery", "won", "lost")
    assert "prospects are still at demo (1)" in held.stderr
    assert cli.ok("stages").stdout.split() == ["lead", "discovery", "demo", "won", "lost"]


def test_unknown_prospect_suggests(cli: Cli) -> None:
    cli.ok("prospect", "add", "Northwind Logistics")
    result = cli.fails("prospect", "show", "Northwnd Logistics")
    assert result.stderr == (
        "error: unknown prospect 'Northwnd Logistics'; did you mean 'Northwind Logistics'?\n"
    )
    nothing = cli.fails("prospect", "show", "Zebra")
    assert nothing.stderr == (
        "error: unknown prospect 'Zebra'; add it with: salestrack prospect add\n"
    )


def test_show_as_text_hides_empty_fields_and_counts_in_words(cli: Cli) -> None:
    cli.ok("log", "call", "Acme Corp", "-o", "no answer", "--at", "2026-11-02 10:00")
    cli.ok("prospect", "stage", "acme", "qualified", "--at", "2026-11-06 10:00")
    cli.ok("log", "call", "Acme", "-o", "connected", "--at", "yesterday 3pm")
    cli.ok("log", "call", "Acme", "-o", "voicemail", "--at", "today 11:00")
    cli.ok("log", "email", "Acme", "--at", "today 11:05")
    text = cli.ok("prospect", "show", "acme").stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "stage qualified since Fri 06 Nov 10:00 (2w ago)" in lines
    assert "activities 3 calls, 1 email" in lines
    assert not any(line.startswith(("company", "notes", "value", "segment")) for line in lines)


def test_prospect_text_follows_the_text_rule(cli: Cli, db_path: Path) -> None:
    cli.ok("db", "upgrade")  # the database exists
    before = dump(db_path)
    bad = cli.fails("prospect", "add", "Acme", "--note", "a\x00b")
    assert bad.stderr == "error: --note: contains a NUL character; remove it\n"
    assert dump(db_path) == before
    cli.ok("prospect", "add", "Acme", "--company", "  Acme Inc  ")
    assert rows(db_path, "SELECT company FROM prospects") == [("Acme Inc",)]
    bad = cli.fails("prospect", "edit", "Acme", "--company", "x\x00")
    assert bad.stderr == "error: --company: contains a NUL character; remove it\n"
