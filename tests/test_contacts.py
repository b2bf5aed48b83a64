"""``contact add|list|show|edit|rm`` through the CLI on a real SQLite file; the phone of who
to ask for in ``intel`` and ``dial``; ``log --new`` adding a contact whose name is close."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import Cli, dump, rows


@pytest.fixture
def people(cli: Cli) -> None:
    cli.ok("prospect", "add", "Acme Corp")
    cli.ok("prospect", "add", "Beacon Ltd")
    cli.ok("contact", "add", "Acme", "Sue Parker", "--role", "gk", "--phone", "+44 20 7946 0000")
    cli.ok("contact", "add", "acme", "Dana Ruiz", "--role", "decision-maker", "--title", "CFO",
           "--email", "dana@acme.com")  # fmt: skip
    cli.ok("contact", "add", "Beacon", "Raj Patel", "--role", "champion", "-p", "020 7946 0123",
           "-n", "met at the expo")  # fmt: skip


def test_list_has_every_contact_by_prospect(cli: Cli, people: None) -> None:
    out = cli.ok("contact", "list").stdout
    found = [
        (r["prospect"], r["name"], r["role"], r["title"], r["phone"], r["email"], r["notes"])
        for r in csv.DictReader(io.StringIO(out))
    ]
    assert found == [
        ("Acme Corp", "Dana Ruiz", "decision_maker", "CFO", "", "dana@acme.com", ""),
        ("Acme Corp", "Sue Parker", "gatekeeper", "", "+44 20 7946 0000", "", ""),
        ("Beacon Ltd", "Raj Patel", "champion", "", "020 7946 0123", "", "met at the expo"),
    ]
    assert out.splitlines()[0] == (
        "id,prospect_id,prospect,name,role,title,phone,email,notes,created_at,updated_at"
    )
    one = json.loads(cli.ok("contact", "list", "beacon", "-f", "json").stdout)
    assert [(c["name"], c["phone"]) for c in one] == [("Raj Patel", "020 7946 0123")]
    cut = cli.ok("contact", "list", "--limit", "1", "-f", "table").stdout
    assert "Dana Ruiz" in cut and "1 of 3 contacts (--limit 0 for all)" in cut


def test_show_edit_and_rm(cli: Cli, db_path: Path, people: None) -> None:
    cli.ok("log", "call", "Acme", "-o", "connected", "-c", "Dana", "-i", "budget: 40k")
    shown = json.loads(cli.ok("contact", "show", "acme", "dana", "-f", "json").stdout)
    assert (shown["name"], shown["role"], shown["activities"]) == ("Dana Ruiz", "decision_maker", 1)
    # the budget typed, and Dana as the decision maker reached (the contacts-count rule)
    assert sorted((i["kind"], i["value"]) for i in shown["intel"]) == [
        ("budget", "40k"), ("decision_maker", "Dana Ruiz")
    ]  # fmt: skip
    text = cli.ok("contact", "show", "acme", "dana").stdout
    assert "dana@acme.com" in text and "1 activity, the last Fri 20 Nov 15:00" in text
    edited = cli.ok("contact", "edit", "acme", "dana", "--phone", "+44 20 7946 0999", "--title",
                    "", "--name", "Dana Ruiz-Lopez")  # fmt: skip
    assert edited.stderr == (
        "updated Dana Ruiz-Lopez at Acme Corp (decision maker): name, title, phone\n"
    )
    assert rows(
        db_path, "SELECT name, title, phone FROM contacts WHERE role = 'decision_maker'"
    ) == [("Dana Ruiz-Lopez", None, "+44 20 7946 0999")]
    assert cli.fails("contact", "rm", "acme", "dana", code=2).stderr == (
        "error: rm: deleting Dana Ruiz-Lopez at Acme Corp (decision maker) needs --yes when not "
        "at a terminal\n"
    )
    gone = cli.ok("contact", "rm", "acme", "dana", "--yes").stderr
    assert gone == (
        "deleted contact Dana Ruiz-Lopez at Acme Corp (decision maker); 1 activities keep, "
        "without the name\n"
    )
    assert rows(db_path, "SELECT contact_id FROM activities") == [(None,)]
    assert rows(db_path, "SELECT name FROM contacts ORDER BY name") == [
        ("Raj Patel",), ("Sue Parker",),
    ]  # fmt: skip


def test_bad_input_is_one_line_and_changes_nothing(cli: Cli, db_path: Path, people: None) -> None:
    before = dump(db_path)
    cases = [
        (["contact", "add", "Acme", "Ann", "--role", "boss"],
         "error: --role: unknown role 'boss'; use one of: gatekeeper, decision maker, champion, "
         "influencer, user, other\n"),
        (["contact", "add", "Acme", "Ann", "--phone", "call me"],
         "error: --phone: 'call me' is not a phone number; write it as +44 20 7946 0000\n"),
        (["contact", "add", "Acme", "Ann", "--email", "ann at acme"],
         "error: --email: 'ann at acme' is not an email address; e.g. dana@acme.com\n"),
        (["contact", "add", "Acme", "sue parker"],
         "error: NAME: there is already a contact called 'Sue Parker' there\n"),
        (["contact", "add", "Zeta", "Ann"],
         "error: unknown prospect 'Zeta'; add it with: salestrack prospect add\n"),
        (["contact", "show", "Acme", "Sue Barker"],
         "error: unknown contact 'Sue Barker' at Acme Corp; did you mean 'Sue Parker'? (see: "
         "salestrack contact list \"Acme Corp\")\n"),
        (["contact", "edit", "Beacon", "Raj", "--name", ""],
         "error: --name: the name is empty; type the prospect's name\n"),
    ]  # fmt: skip
    for args, message in cases:
        assert cli.fails(*args).stderr == message, args
    # import holds a contact to the same rules
    rows_in = "prospect,name,email,phone\r\nAcme Corp,Ann,ann at acme,\r\nAcme Corp,Bo,,call me\r\n"
    found = cli("import", "contacts", "-", input=rows_in)
    assert found.exit_code == 1
    assert found.stderr == (
        "error: 2 bad lines; nothing was imported:\n"
        "  line 2: email: 'ann at acme' is not an email address; e.g. dana@acme.com\n"
        "  line 3: phone: 'call me' is not a phone number; write it as +44 20 7946 0000\n"
    )
    assert dump(db_path) == before


def test_intel_shows_who_to_ask_for_and_their_number(cli: Cli, people: None) -> None:
    brief = cli.ok("intel", "acme").stdout
    # Dana decides but has no number: dial the one known there, the gatekeeper's
    assert (
        "ask for       Dana Ruiz (decision maker) · +44 20 7946 0000 (Sue Parker's number)\n"
        in (brief)
    )
    assert (
        "contacts      Dana Ruiz (decision maker, CFO)\n              Sue Parker (gatekeeper)\n"
        in (brief)
    )
    data = json.loads(cli.ok("intel", "beacon", "-f", "json").stdout)
    assert data["ask_for"] == {
        "name": "Raj Patel", "role": "champion", "phone": "020 7946 0123", "phone_of": "Raj Patel",
    }  # fmt: skip
    assert data["contacts"][0]["email"] is None and data["contacts"][0]["phone"] == "020 7946 0123"


def test_dial_shows_the_number_of_who_to_ask_for(cli: Cli, people: None) -> None:
    out = cli.ok("dial", "-l", "1", "--stage", "lead", input="q\n").stdout
    assert "ask for       " in out and ("· +44 20 7946 0000" in out or "· 020 7946 0123" in out)


def test_log_new_adds_a_contact_whose_name_is_close(cli: Cli, db_path: Path, people: None) -> None:
    refused = cli.fails("log", "call", "Acme", "-o", "connected", "-c", "Sue Barker").stderr
    assert refused == (
        "error: unknown contact 'Sue Barker' at Acme Corp; did you mean 'Sue Parker'? "
        "(or add --new to add 'Sue Barker' as a new contact)\n"
    )
    out = cli.ok("log", "call", "Acme", "-o", "connected", "-c", "Sue Barker", "--new")
    assert "with Sue Barker (new contact)" in out.stderr
    assert rows(
        db_path,
        "SELECT c.name FROM contacts c JOIN activities a ON a.contact_id = c.id",
    ) == [("Sue Barker",)]
