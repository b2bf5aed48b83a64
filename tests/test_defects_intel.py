"""Small wins and intel, exactly: contacts count, one event is one win, and a contact with a
name close to another's can be added."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli, dump, rows

# NOW is Friday 20 November 2026, 15:00 in London (UTC+0).


def wins(db_path: Path) -> list[tuple[object, ...]]:
    return rows(db_path, "SELECT source, text FROM wins ORDER BY won_at, source, text")


# -- 11: contacts count ----------------------------------------------------------------------


def test_a_contact_reached_as_gatekeeper_is_the_gatekeeper(cli: Cli, db_path: Path) -> None:
    cli.ok("log", "call", "Pine Clinic", "-o", "gk", "-c", "Sue", "--at", "2026-11-19 10:00")
    brief = cli.ok("intel", "pine").stdout
    assert "contacts      Sue (gatekeeper)\n" in brief
    assert "intel         gatekeeper: Sue · Thu 19 Nov 10:00\n" in brief
    assert "missing       decision maker, availability\n" in brief
    assert wins(db_path) == [("first_gatekeeper", "first gatekeeper name: Sue")]
    assert rows(db_path, "SELECT kind, value FROM intel") == [("gatekeeper", "Sue")]
    # reached as the decision maker, however it was typed: -r dm on a meeting
    cli.ok("log", "meeting", "pine", "-r", "dm", "-c", "Dana Ruiz", "--at", "2026-11-20 09:00")
    data = json.loads(cli.ok("intel", "pine", "-f", "json").stdout)
    assert data["missing"] == ["availability"]
    assert wins(db_path)[1:] == [
        ("first_decision_maker", "first conversation with the decision maker")
    ]  # one win: reaching Dana, the decision maker, for the first time
    # the same gatekeeper again is known already: no second fact, no second win
    cli.ok("log", "call", "pine", "-o", "gk", "-c", "sue")
    assert rows(db_path, "SELECT count(*) FROM intel WHERE kind = 'gatekeeper'") == [(1,)]
    assert len(wins(db_path)) == 2


def test_a_contact_already_named_by_a_fact_adds_nothing(cli: Cli, db_path: Path) -> None:
    cli.ok("log", "call", "Pine Clinic", "-o", "gk", "-i", "decision maker: Dana Ruiz, CFO",
           "--at", "2026-11-18 10:00")  # fmt: skip
    cli.ok("log", "call", "pine", "-o", "connected", "-c", "Dana Ruiz", "--at", "2026-11-19 10:00")
    assert rows(db_path, "SELECT value, superseded_at IS NULL FROM intel") == [
        ("Dana Ruiz, CFO", 1)
    ]
    # the gatekeeper the call reached and named, although --intel said someone else: typed wins
    cli.ok("log", "call", "pine", "-o", "gk", "-c", "Tom", "-i", "gatekeeper: Sue Parker")
    assert rows(db_path, "SELECT value FROM intel WHERE kind = 'gatekeeper'") == [("Sue Parker",)]


def test_an_imported_contact_with_a_role_counts_in_the_brief(cli: Cli, tmp_path: Path) -> None:
    cli.ok("prospect", "add", "Pine Clinic")
    source = tmp_path / "contacts.csv"
    source.write_text("prospect,name,role\r\nPine Clinic,Sue,gatekeeper\r\n")
    cli.ok("import", "contacts", str(source))
    assert json.loads(cli.ok("intel", "pine", "-f", "json").stdout)["missing"] == [
        "decision maker", "availability",
    ]  # fmt: skip


# -- 12: one event, one win ------------------------------------------------------------------


def test_a_typed_win_and_the_automatic_one_for_the_same_event_count_once(
    cli: Cli, db_path: Path
) -> None:
    first = cli.ok("log", "call", "Pine Clinic", "-o", "gatekeeper", "-i", "gatekeeper: Sue",
                   "--win", "learned the gatekeeper's name",
                   "--at", "2026-11-18 10:00")  # fmt: skip
    assert "· 1 win ·" in first.stderr
    cli.ok("log", "call", "pine", "-o", "connected", "-r", "dm", "-c", "Dana Ruiz",
           "--win", "reached the DM at last", "-i", "budget: 40k",
           "--at", "2026-11-19 10:00")  # fmt: skip
    cli.ok("log", "call", "pine", "-o", "voicemail", "--win", "found the renewal date",
           "--at", "2026-11-20 10:00")  # fmt: skip
    assert wins(db_path) == [
        ("first_gatekeeper", "learned the gatekeeper's name"),
        ("first_decision_maker", "reached the DM at last"),
        ("new_intel", "learned budget: 40k"),
        ("explicit", "found the renewal date"),
    ]
    out = cli.ok("wins", "--week")
    assert out.stderr.startswith("4 wins from 3 dials this week (1.33 per dial)")
    assert "wins          4 from 3 dials" in cli.ok("intel", "pine").stdout


def test_different_things_learned_are_different_wins(cli: Cli, db_path: Path) -> None:
    cli.ok("log", "call", "Pine Clinic", "-o", "gk", "-i", "competitor: Acme",
           "-i", "competitor: Globex", "-i", "gatekeeper: Tom", "--win", "found their budget",
           "--win", "got the direct line", "--win", "got the direct line")  # fmt: skip
    assert wins(db_path) == [
        ("explicit", "found their budget"),  # no budget was learned: a win of its own
        ("explicit", "got the direct line"),  # typed twice: one win
        ("first_gatekeeper", "first gatekeeper name: Tom"),
        ("new_intel", "learned competitor: Acme"),
        ("new_intel", "learned competitor: Globex"),
    ]


# -- 13: a contact with a name close to another's ------------------------------------------


def test_a_close_contact_name_can_be_added_with_new(cli: Cli, db_path: Path) -> None:
    call = cli.ok("log", "call", "Acme Corp", "-o", "connected", "-c", "Bob Smith")
    before = dump(db_path)
    close = cli.fails("log", "call", "acme", "-o", "connected", "-c", "Bob Smyth")
    assert close.stderr == (
        "error: unknown contact 'Bob Smyth' at Acme Corp; did you mean 'Bob Smith'? "
        "(or add --new to add 'Bob Smyth' as a new contact)\n"
    )
    assert dump(db_path) == before
    added = cli.ok("log", "call", "acme", "-o", "connected", "-c", "Bob Smyth", "--new")
    assert "with Bob Smyth (new contact)" in added.stderr
    assert sorted(rows(db_path, "SELECT name FROM contacts")) == [("Bob Smith",), ("Bob Smyth",)]
    # edit -c adds a contact as log does: a clearly new name is added, a close one needs --new
    ident = call.stdout.strip()[:8]
    before = dump(db_path)
    close_edit = cli.fails("edit", ident, "-c", "Bob Smithe")
    assert close_edit.stderr == (
        "error: unknown contact 'Bob Smithe' at Acme Corp; did you mean 'Bob Smith', "
        "'Bob Smyth'? (or add --new to add 'Bob Smithe' as a new contact)\n"
    )
    assert dump(db_path) == before
    assert "new contact Bob Smithe" in cli.ok("edit", ident, "-c", "Bob Smithe", "--new").stderr
    assert "new contact Carol" in cli.ok("edit", ident, "-c", "Carol").stderr
    assert sorted(rows(db_path, "SELECT name FROM contacts")) == [
        ("Bob Smith",),
        ("Bob Smithe",),
        ("Bob Smyth",),
        ("Carol",),
    ]
    # the last edit left the call with Carol; Bob Smithe is a contact no touch names
    assert rows(
        db_path,
        "SELECT c.name, count(a.id) FROM contacts c LEFT JOIN activities a ON a.contact_id = c.id "
        "WHERE c.name IN ('Bob Smithe', 'Carol') GROUP BY c.name ORDER BY c.name",
    ) == [("Bob Smithe", 0), ("Carol", 1)]
    cli.ok("edit", call.stdout.strip()[:8], "-c", "Bob Smyth")
