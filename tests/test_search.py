"""``salestrack search`` on real SQLite files and a real PostgreSQL server: ranked hits from
every covered table, an index that every write path keeps current, and safe query text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import psycopg
import pytest

from salestrack.store import fulltext
from tests.conftest import Cli, dump, rows
from tests.test_team import as_user, plain, team  # noqa: F401 - the two-rep fixture


def hits(cli: Cli, *args: str) -> list[tuple[str, str, str]]:
    """(where, prospect, text) of each hit, best first."""
    out = cli.ok("search", *args, "-f", "csv").stdout
    return [(r["source"], r["prospect"], r["text"]) for r in csv.DictReader(io.StringIO(out))]


@pytest.fixture
def book(cli: Cli) -> None:
    cli.ok(
        "log",
        "call",
        "Acme Corp",
        "--new",
        "-o",
        "gatekeeper",
        "--at",
        "mon 10:00",
        "-c",
        "Sue Parker",
        "-i",
        "gatekeeper: Sue Parker",
        "-n",
        "asked for the budget owner",
    )
    cli.ok(
        "log",
        "call",
        "Acme Corp",
        "-o",
        "connected",
        "--at",
        "tue 10:00",
        "-i",
        "budget: 40k this quarter",
        "--next",
        "send the budget breakdown",
        "--due",
        "fri",
    )
    cli.ok(
        "log",
        "email",
        "Beacon Müller",
        "--new",
        "--at",
        "wed 9:00",
        "-n",
        "intro to their head of finance",
    )
    cli.ok("prospect", "edit", "Acme", "--note", "family firm, budget set each April")
    cli.ok("promise", "add", "Acme", "send the budget template", "--due", "mon")
    cli.ok("lesson", "add", "Beacon", "missed the budget deadline", "--change", "ask for dates")
    cli.ok("success", "add", "Acme", "cut their budget review to a day")
    cli.ok("contact", "add", "Beacon", "Ola Nordmann", "--title", "Head of Finance")  # fmt: skip


def test_every_kind_of_row_is_found_ranked_with_where_it_came_from(cli: Cli, book: None) -> None:
    # BM25: the word weighs most in the shortest texts; among equals the latest first
    assert hits(cli, "budget") == [
        ("next step", "Acme Corp", "send the budget breakdown"),
        ("promise", "Acme Corp", "send the budget template"),
        ("intel: budget", "Acme Corp", "40k this quarter"),
        ("call notes", "Acme Corp", "asked for the budget owner"),
        ("lesson", "Beacon Müller", "missed the budget deadline · ask for dates"),
        ("success", "Acme Corp", "cut their budget review to a day"),
        ("prospect", "Acme Corp", "Acme Corp · family firm, budget set each April"),
    ]
    data = json.loads(cli.ok("search", "budget", "-f", "json", "-l", "2").stdout)
    assert len(data) == 2 and data[0]["score"] >= data[1]["score"] > 0
    assert set(data[0]) == {"id", "kind", "source", "prospect_id", "prospect", "at", "text",
                            "score"}  # fmt: skip


def test_words_prefixes_accents_phrases_and_filters(cli: Cli, book: None) -> None:
    assert hits(cli, "muller") == [("prospect", "Beacon Müller", "Beacon Müller")]
    # ranked: the contact's shorter text, where the words weigh more, first
    assert hits(cli, "fin head") == [
        ("contact", "Beacon Müller", "Ola Nordmann · Head of Finance"),
        ("email notes", "Beacon Müller", "intro to their head of finance"),
    ]
    assert hits(cli, '"head of finance"', "--kind", "email") == [
        ("email notes", "Beacon Müller", "intro to their head of finance")
    ]
    assert hits(cli, '"finance head"') == []  # a phrase is in order
    assert hits(cli, "sue", "-k", "intel", "-k", "contact") == [
        ("contact", "Acme Corp", "Sue Parker"),
        ("intel: gatekeeper", "Acme Corp", "Sue Parker"),
    ]
    assert hits(cli, "budget", "--kind", "next") == [
        ("next step", "Acme Corp", "send the budget breakdown")
    ]
    recent = hits(cli, "budget", "--kind", "call", "--kind", "intel", "--since", "tue")
    assert recent == [("intel: budget", "Acme Corp", "40k this quarter")]


def test_syntax_is_never_passed_to_the_index(cli: Cli, db_path: Path, book: None) -> None:
    before = dump(db_path)
    # FTS5 would refuse each of these (or read them as operators); here they are words
    for text in ('budget"', "budget AND", "NEAR(budget", "budget*", "-budget", "budget:x"):
        assert cli.ok("search", "-f", "csv", "--", text).stdout.count("\n") >= 1, text
    assert hits(cli, "OR") == []
    assert cli.fails("search", "").stderr == (
        "error: TEXT: the search is empty; type a word, a name or a fact\n"
    )
    assert cli.fails("search", '"*" ()').stderr == (
        "error: TEXT: '\"*\" ()' has no words to search for; search for letters or digits, "
        "e.g. salestrack search gatekeeper\n"
    )
    assert cli.fails("search", "x", "--kind", "memo", code=1).stderr.startswith(
        "error: --kind: unknown kind 'memo'; use one of: prospect, contact, call"
    )
    assert dump(db_path) == before


def test_the_index_follows_every_write_path(cli: Cli, db_path: Path, book: None) -> None:
    ident = cli.ok("log", "note", "Acme", "-n", "zebra crossing near the office").stdout.strip()
    assert hits(cli, "zebra") == [("note notes", "Acme Corp", "zebra crossing near the office")]
    cli.ok("edit", ident[:8], "-n", "giraffe statue outside")
    assert hits(cli, "zebra") == []
    assert [h[2] for h in hits(cli, "giraffe")] == ["giraffe statue outside"]
    cli.ok("edit", ident[:8], "--prospect", "Beacon")
    assert [h[1] for h in hits(cli, "giraffe")] == ["Beacon Müller"]
    cli.ok("undo")
    assert hits(cli, "giraffe") == []
    cli.ok("prospect", "rm", "Acme", "--yes")  # cascades to its rows: their deletes count too
    assert hits(cli, "budget") == [
        ("lesson", "Beacon Müller", "missed the budget deadline · ask for dates")
    ]
    assert rows(db_path, "SELECT count(*) FROM search_docs WHERE prospect_id NOT IN "
                "(SELECT id FROM prospects)") == [(0,)]  # fmt: skip
    imported = "prospect,kind,value,learned_at\r\nAcme Corp,budget,40k this quarter,2026-11-17\r\n"
    cli.ok("import", "intel", "-", input=imported)
    assert ("intel: budget", "Acme Corp", "40k this quarter") in hits(cli, "budget")


def test_a_demo_database_from_the_bulk_path_is_indexed(cli: Cli, tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    cli.ok("demo", "--path", str(demo), "--weeks", "1")
    indexed = rows(demo, "SELECT count(*) FROM search_docs WHERE kind = 'intel'")
    assert indexed == rows(demo, "SELECT count(*) FROM intel") and indexed[0][0] > 0
    value, prospect = rows(demo, "SELECT i.value, p.name FROM intel i JOIN prospects p "
                           "ON p.id = i.prospect_id ORDER BY i.learned_at LIMIT 1")[0]  # fmt: skip
    found = json.loads(cli.ok("--db", str(demo), "search", value, "-f", "json",
                              "-l", "100").stdout)  # fmt: skip
    assert (prospect, value) in [(h["prospect"], h["text"]) for h in found]


def test_an_older_database_is_indexed_when_upgraded(cli: Cli, db_path: Path) -> None:
    from tests.test_reliability import old_database

    old_database(db_path)  # revision 0001, as the fixture holds it
    cli.ok("db", "upgrade")
    assert hits(cli, "pennine", "-k", "prospect") == [
        ("prospect", "Pennine Foods & Co", "Pennine Foods & Co")
    ]
    for table, kind in (("intel", "intel"), ("prospects", "prospect"), ("contacts", "contact")):
        n = rows(db_path, f"SELECT count(*) FROM {table}")[0][0]
        assert n > 0 and rows(db_path, "SELECT count(*) FROM search_docs WHERE kind = ?", kind) == [
            (n,)
        ], table
    value, name = rows(db_path, "SELECT i.value, p.name FROM intel i JOIN prospects p "
                       "ON p.id = i.prospect_id ORDER BY i.id LIMIT 1")[0]  # fmt: skip
    assert (name, value) in [(h[1], h[2]) for h in hits(cli, value, "-k", "intel")]


# -- PostgreSQL -----------------------------------------------------------------------------


@pytest.mark.postgres
def test_search_on_postgres_gives_the_same_hits(
    cli: Cli, book: None, pg_url: str, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    lite = hits(cli, "budget")
    for entity in ("prospects", "contacts", "activities", "next-steps", "intel", "promises",
                   "lessons", "successes"):  # fmt: skip
        data = cli.ok("export", entity).stdout
        cli.ok("--db", pg_url, "import", entity, "-", input=data)
    monkeypatch.setenv("SALESTRACK_DB", pg_url)
    assert sorted(hits(cli, "budget")) == sorted(lite)
    # accents folded as on SQLite (revision 0010), whichever side carries them
    assert hits(cli, "muller") == [("prospect", "Beacon Müller", "Beacon Müller")]
    assert hits(cli, "MÜLLER") == [("prospect", "Beacon Müller", "Beacon Müller")]
    assert hits(cli, "budget", "--kind", "call", "--since", "tue") == []
    assert hits(cli, '"head of finance"', "-k", "email") == [
        ("email notes", "Beacon Müller", "intro to their head of finance")
    ]
    assert cli.ok("search", "NEAR(budget OR", "-f", "csv").exit_code == 0
    # a word in many rows is ranked among its latest matches only (2,000; here 2): the
    # call of Monday and the intel of Tuesday are older than the three written today
    monkeypatch.setattr("salestrack.intel.search.RANKED", 2)
    latest = hits(cli, "budget")
    assert len(latest) == 2 and not {h[0] for h in latest} & {"call notes", "intel: budget"}
    # the server answers from the GIN expression indexes the migration made
    with psycopg.connect(plain(pg_url)) as db:
        db.execute("SET enable_seqscan = off")
        plan = "\n".join(
            r[0]
            for r in db.execute(
                "EXPLAIN SELECT id FROM activities WHERE "
                f"{fulltext.pg_vector('notes')} @@ {fulltext.pg_query(repr('budget:*'))}"
            ).fetchall()
        )
    assert "search_activities" in plan


@pytest.mark.postgres
def test_a_rep_finds_only_their_own_rows(cli: Cli, team: str) -> None:  # noqa: F811
    alice, bob = as_user(team, "alice"), as_user(team, "bob")
    cli.ok("--db", alice, "log", "note", "Acme", "-n", "alice secret pricing")
    cli.ok("--db", bob, "log", "note", "Acme", "-n", "bob pricing plan")
    mine = json.loads(cli.ok("--db", bob, "search", "pricing", "-f", "json").stdout)
    assert [(h["prospect"], h["text"]) for h in mine] == [("Acme", "bob pricing plan")]
    assert json.loads(cli.ok("--db", bob, "search", "secret", "-f", "json").stdout) == []
    manager = json.loads(
        cli.ok("--db", as_user(team, "carol"), "search", "pricing", "-f", "json").stdout
    )
    assert sorted(h["text"] for h in manager) == ["alice secret pricing", "bob pricing plan"]
