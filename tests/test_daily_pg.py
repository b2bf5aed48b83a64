"""The daily commands on a team's PostgreSQL database, as two reps under row-level security:
each reviews, finds and corrects only their own day."""

from __future__ import annotations

import json

import psycopg
import pytest

from tests.conftest import Cli
from tests.test_team import as_user, plain, team  # noqa: F401 - the two-rep fixture

pytestmark = pytest.mark.postgres


def test_each_rep_reviews_and_corrects_only_their_own_day(cli: Cli, team: str) -> None:  # noqa: F811
    alice, bob = as_user(team, "alice"), as_user(team, "bob")
    hers = cli.ok("--db", alice, "log", "call", "Acme", "-o", "connected", "--next", "send deck",
                  "--due", "2026-11-19 10:00", "-n", "pricing talk").stdout.strip()  # fmt: skip
    cli.ok("--db", alice, "contact", "add", "Acme", "Dana Ruiz", "-p", "+44 20 7946 0000")
    cli.ok("--db", bob, "contact", "add", "Acme", "Raj Patel")

    mine = json.loads(cli.ok("--db", bob, "activity", "list", "-f", "json").stdout)
    assert sorted(a["prospect"] for a in mine) == ["Acme", "Globex"]
    assert {a["owner"] for a in mine} == {"bob"}
    assert cli.fails("--db", bob, "activity", "show", hers[:8]).stderr == (
        f"error: no activity id starts with {hers[:8]}; see: salestrack activity list\n"
    )
    assert cli.fails("--db", bob, "activity", "rm", hers[:8], "--yes").stderr.startswith(
        "error: no activity id starts with"
    )
    shown = json.loads(cli.ok("--db", alice, "activity", "show", hers[:8], "-f", "json").stdout)
    assert [(s["action"], s["due_at"]) for s in shown["next_steps"]] == [
        ("send deck", "2026-11-19T10:00:00+00:00")
    ]
    contacts = json.loads(cli.ok("--db", bob, "contact", "list", "-f", "json").stdout)
    assert [(c["prospect"], c["name"]) for c in contacts] == [("Acme", "Raj Patel")]
    brief = json.loads(cli.ok("--db", alice, "intel", "Acme", "-f", "json").stdout)
    assert brief["ask_for"]["phone"] == "+44 20 7946 0000"

    alice_today = json.loads(cli.ok("--db", alice, "today", "-f", "json").stdout)
    assert alice_today["overdue"]["items"] == [
        {"prospect": "Acme", "text": "send deck", "due_at": "2026-11-19T10:00:00+00:00"}
    ]
    # dials, conversations, wins: her three first calls each won two (her own and the first
    # conversation with a decision maker); the fourth, to Acme again, none
    assert [f["value"] for f in alice_today["so_far"]] == [4, 4, 6]
    bob_today = json.loads(cli.ok("--db", bob, "today", "-f", "json").stdout)
    assert bob_today["overdue"]["count"] == 0
    assert [f["value"] for f in bob_today["so_far"]] == [2, 0, 0]

    cli.ok("--db", alice, "activity", "rm", hers[:8], "--yes")
    with psycopg.connect(plain(team)) as admin:
        left = admin.execute("SELECT owner, count(*) FROM activities GROUP BY owner ORDER BY 1")
        assert left.fetchall() == [("alice", 3), ("bob", 2)]
