"""Tags on prospects and activities through the CLI: set, filter, export, import, complete;
and on PostgreSQL, a rep's own."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Cli, dump, rows
from tests.test_team import as_user, team  # noqa: F401 - the two-rep fixture


@pytest.fixture
def tagged(cli: Cli) -> dict[str, str]:
    cli.ok("prospect", "add", "Acme Corp", "--tag", "Q4", "-t", "#hot")
    cli.ok("prospect", "add", "Beacon Ltd", "--tag", "q4")
    cli.ok("prospect", "add", "Cobalt")
    return {
        "acme": cli.ok("log", "call", "Acme", "-o", "connected", "--at", "9:00").stdout.strip(),
        "cobalt": cli.ok(
            "log", "call", "Cobalt", "-o", "busy", "--at", "10:00", "-t", "q4"
        ).stdout.strip(),
        "beacon": cli.ok("log", "email", "Beacon", "--at", "11:00").stdout.strip(),
        "plain": cli.ok("log", "note", "Cobalt", "-n", "x", "--at", "12:00").stdout.strip(),
    }


def test_tags_are_stored_clean_and_said(cli: Cli, db_path: Path, tagged: dict[str, str]) -> None:
    assert rows(db_path, "SELECT p.name, t.name, t.activity_id IS NULL FROM tags t JOIN "
                "prospects p ON p.id = t.prospect_id ORDER BY p.name, t.name") == [
        ("Acme Corp", "hot", 1), ("Acme Corp", "q4", 1), ("Beacon Ltd", "q4", 1),
        ("Cobalt", "q4", 0),
    ]  # fmt: skip
    said = cli.ok("log", "call", "Cobalt", "-o", "busy", "-t", "follow-up", "-t", "Follow-Up")
    assert said.stderr.startswith("logged call · Cobalt · busy · tagged follow-up · id ")
    shown = json.loads(cli.ok("prospect", "show", "acme", "-f", "json").stdout)
    assert shown["tags"] == ["hot", "q4"]


def test_filters_on_the_lists_and_the_export(cli: Cli, tagged: dict[str, str]) -> None:
    listed = json.loads(cli.ok("prospect", "list", "--tag", "q4", "-f", "json").stdout)
    assert [p["name"] for p in listed] == ["Acme Corp", "Beacon Ltd"]
    assert [p["name"] for p in json.loads(
        cli.ok("prospect", "list", "--tag", "hot", "--limit", "1", "-f", "json").stdout
    )] == ["Acme Corp"]  # fmt: skip
    # an activity carries its own tags and its prospect's
    acts = json.loads(cli.ok("activity", "list", "--tag", "q4", "-f", "json").stdout)
    assert [(a["id"], a["tags"]) for a in acts] == [
        (tagged["beacon"], "q4"), (tagged["cobalt"], "q4"), (tagged["acme"], "hot q4"),
    ]  # fmt: skip
    exported = cli.ok("export", "activities", "--tag", "q4").stdout
    assert [r["id"] for r in csv.DictReader(io.StringIO(exported))] == [
        tagged["acme"], tagged["cobalt"], tagged["beacon"],
    ]  # fmt: skip
    as_json = json.loads(cli.ok("export", "prospects", "--tag", "hot", "-f", "json").stdout)
    assert [p["name"] for p in as_json] == ["Acme Corp"]
    assert cli.fails("export", "quality", "--tag", "q4", code=2).stderr == (
        "error: --tag: quality do not belong to one prospect\n"
    )


def test_edit_adds_and_removes_tags(cli: Cli, db_path: Path, tagged: dict[str, str]) -> None:
    out = cli.ok("edit", tagged["plain"][:8], "-t", "later", "--untag", "later")
    assert out.stderr.endswith(": tags\n")
    assert rows(db_path, "SELECT count(*) FROM tags WHERE name = 'later'") == [(0,)]
    cli.ok("edit", tagged["plain"][:8], "--tag", "later")
    assert cli.ok("edit", tagged["plain"][:8], "--tag", "later").stderr.endswith(": no change\n")
    cli.ok("prospect", "edit", "Beacon", "--untag", "q4", "--tag", "cold")
    assert rows(db_path, "SELECT name FROM tags WHERE activity_id IS NULL AND prospect_id = "
                "(SELECT id FROM prospects WHERE name = 'Beacon Ltd')") == [("cold",)]  # fmt: skip


def test_bad_tags_are_one_line_and_change_nothing(
    cli: Cli, db_path: Path, tagged: dict[str, str]
) -> None:
    before = dump(db_path)
    cases = [
        (["log", "call", "Acme", "-o", "busy", "-t", "two words"],
         "error: --tag: 'two words' is not a tag; use one word of letters, digits and - _ : . / "
         "(e.g. q4, hot-lead)\n"),
        (["prospect", "add", "Delta", "--tag", "#"],
         "error: --tag: the tag is empty; give a word such as q4 or hot-lead\n"),
        (["prospect", "list", "--tag", "q5"],
         "error: --tag: unknown tag 'q5'; did you mean 'q4'?\n"),
        (["activity", "list", "--tag", "cold"],
         "error: --tag: unknown tag 'cold'; no prospect or activity carries it (add one with "
         "--tag)\n"),
        (["export", "activities", "--tag", "hott"],
         "error: --tag: unknown tag 'hott'; did you mean 'hot'?\n"),
        (["prospect", "edit", "Cobalt", "--untag", "q4"],
         "error: --untag: the prospect has no tag 'q4'\n"),
        (["edit", tagged["acme"][:8], "-d", "5m", "--untag", "hot"],
         "error: --untag: the activity has no tag 'hot'\n"),
    ]  # fmt: skip
    for args, message in cases:
        assert cli.fails(*args).stderr == message, args
    assert dump(db_path) == before


def test_tags_round_trip_through_export_and_import(
    cli: Cli, tagged: dict[str, str], tmp_path: Path
) -> None:
    other = str(tmp_path / "other.db")
    for entity in ("prospects", "activities", "tags"):
        data = cli.ok("export", entity).stdout
        cli.ok("--db", other, "import", entity, "-", input=data)
    assert cli.ok("export", "tags").stdout == cli.ok("--db", other, "export", "tags").stdout
    again = json.loads(cli.ok("--db", other, "activity", "list", "--tag", "hot", "-f",
                              "json").stdout)  # fmt: skip
    assert [a["id"] for a in again] == [tagged["acme"]]
    bad = cli("--db", other, "import", "tags", "-", input="prospect,name\r\nAcme Corp,a b\r\n")
    assert bad.exit_code == 1 and "line 2: name: 'a b' is not a tag" in bad.stderr


def test_completion_offers_the_tags_in_use(db_path: Path, tagged: dict[str, str]) -> None:
    env = {**os.environ, "_SALESTRACK_COMPLETE": "complete_bash",
           "COMP_WORDS": "salestrack activity list --tag ", "COMP_CWORD": "4"}  # fmt: skip
    found = subprocess.run([sys.executable, "-m", "salestrack"], env=env, capture_output=True,
                           text=True, timeout=60)  # fmt: skip
    assert found.stdout.split() == ["hot", "q4"]
    env["COMP_WORDS"], env["COMP_CWORD"] = "salestrack log call Acme -t h", "5"
    found = subprocess.run([sys.executable, "-m", "salestrack"], env=env, capture_output=True,
                           text=True, timeout=60)  # fmt: skip
    assert found.stdout.split() == ["hot"]


@pytest.mark.postgres
def test_a_rep_sees_only_their_own_tags(cli: Cli, team: str) -> None:  # noqa: F811
    alice, bob = as_user(team, "alice"), as_user(team, "bob")
    cli.ok("--db", alice, "prospect", "edit", "Acme", "--tag", "q4")
    cli.ok("--db", alice, "log", "call", "Northwind", "-o", "busy", "-t", "q4")
    assert [p["name"] for p in json.loads(
        cli.ok("--db", alice, "prospect", "list", "--tag", "q4", "-f", "json").stdout
    )] == ["Acme"]  # fmt: skip
    assert len(json.loads(cli.ok("--db", alice, "activity", "list", "-t", "q4", "-f",
                                 "json").stdout)) == 2  # fmt: skip
    assert cli.fails("--db", bob, "prospect", "list", "--tag", "q4").stderr == (
        "error: --tag: unknown tag 'q4'; no prospect or activity carries it (add one with --tag)\n"
    )


def test_baseline_counts_the_prospects_of_a_tag(cli: Cli, tagged: dict[str, str]) -> None:
    def calls(*args: str) -> tuple[str, str]:
        out = cli.ok("baseline", *args, "-f", "csv").stdout
        row = next(r for r in csv.DictReader(io.StringIO(out)) if r["figure"] == "dials")
        return row["value"], row["trend"].split()[-1]

    # this week: Acme's call (tagged q4 and hot), Cobalt's (the call is tagged, the prospect
    # not: a report counts the prospects of a tag)
    assert calls() == ("2", "2")
    assert calls("--tag", "q4") == ("1", "1")
    assert calls("--tag", "hot") == ("1", "1")
    assert cli.fails("baseline", "--tag", "q5").stderr == (
        "error: --tag: unknown tag 'q5'; did you mean 'q4'?\n"
    )
    table = cli.ok("baseline", "--tag", "hot", "-f", "table").stdout
    assert "tagged hot" in table.splitlines()[0]


def test_pipeline_counts_the_prospects_of_a_tag(cli: Cli, tagged: dict[str, str]) -> None:
    cli.ok("prospect", "edit", "Acme", "--value", "1200")
    cli.ok("prospect", "edit", "Beacon", "--value", "300.5")
    cli.ok("prospect", "edit", "Cobalt", "--value", "99")
    cli.ok("log", "email", "Beacon", "--at", "13:00", "--next", "send deck", "--due", "2999-01-01")

    def by_stage(*args: str) -> list[tuple[str, str, str, str]]:
        out = cli.ok("pipeline", *args, "-f", "csv").stdout
        return [
            (r["stage"], r["prospects"], r["value"], r["no_next_step"])
            for r in csv.DictReader(io.StringIO(out))
            if r["prospects"] != "0"
        ]

    # by hand: three leads worth 1200 + 300.5 + 99; Beacon alone has a step ahead
    assert by_stage() == [("lead", "3", "1599.5", "2")]
    assert by_stage("--tag", "q4") == [("lead", "2", "1500.5", "1")]
    assert by_stage("--tag", "HOT") == [("lead", "1", "1200.0", "1")]
    gaps = cli.ok("pipeline", "--gaps", "--tag", "q4", "-f", "csv").stdout
    assert [r["name"] for r in csv.DictReader(io.StringIO(gaps))] == ["Acme Corp"]
    assert cli.fails("pipeline", "--tag", "q5").stderr == (
        "error: --tag: unknown tag 'q5'; did you mean 'q4'?\n"
    )
    title = cli.ok("pipeline", "--tag", "hot", "-f", "table").stdout.splitlines()[0]
    assert "tag hot" in title
