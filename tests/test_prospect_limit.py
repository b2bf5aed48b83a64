"""``prospect list --limit N``: the first N rows of the same listing, and a caption saying so."""

from __future__ import annotations

import csv
import io

from tests.conftest import Cli


def _some(cli: Cli) -> None:
    cli.ok("prospect", "add", "Delta Ltd", "--segment", "B")
    cli.ok("prospect", "add", "acme corp", "--value", "12000", "--stage", "qualified")
    cli.ok("prospect", "add", "Beta Ltd")
    cli.ok("prospect", "add", "Charlie & Co", "--segment", "A")
    cli.ok("log", "call", "acme", "-o", "voicemail", "--at", "3h ago")
    cli.ok("log", "call", "acme", "-o", "connected", "--at", "2h ago",
           "--next", "send deck", "--due", "mon 9am")  # fmt: skip
    cli.ok("log", "email", "Beta", "--at", "1h ago", "--next", "chase")
    cli.ok("log", "call", "Charlie", "-o", "connected", "--at", "30m ago",
           "--next", "call back", "--due", "tue 10am")  # fmt: skip
    cli.ok("prospect", "stage", "Charlie", "meeting")


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_limit_gives_the_first_rows_in_the_same_order(cli: Cli) -> None:
    _some(cli)
    everything = _csv(cli.ok("prospect", "list", "-f", "csv").stdout)
    assert [r["name"] for r in everything] == ["acme corp", "Beta Ltd", "Charlie & Co", "Delta Ltd"]
    first = _csv(cli.ok("prospect", "list", "--limit", "2", "-f", "csv").stdout)
    assert first == everything[:2]
    acme, beta = first
    assert (acme["activities"], acme["last_touch"], acme["next_step"], acme["due_at"]) == (
        "2", "2026-11-20T13:00:00+00:00", "send deck", "2026-11-23T09:00:00+00:00"
    )  # fmt: skip
    assert (beta["activities"], beta["next_step"], beta["due_at"]) == ("1", "chase", "")
    assert acme["stage_since"] == "2026-11-20T15:00:00+00:00"
    # a limit at or above the count reads each prospect on its own: the same rows as the
    # grouped query, stage changes and next steps included
    assert _csv(cli.ok("prospect", "list", "-l", "4", "-f", "csv").stdout) == everything
    assert _csv(cli.ok("prospect", "list", "-l", "9", "-f", "csv").stdout) == everything
    charlie = everything[2]
    assert (charlie["stage"], charlie["stage_since"], charlie["next_step"]) == (
        "meeting", "2026-11-20T15:00:00+00:00", "call back"
    )  # fmt: skip
    only = _csv(cli.ok("prospect", "list", "--segment", "B", "-l", "1", "-f", "csv").stdout)
    assert [r["name"] for r in only] == ["Delta Ltd"]


def test_caption_says_how_many_of_how_many(cli: Cli) -> None:
    _some(cli)
    table = cli.ok("prospect", "list", "--limit", "3", "-f", "table").stdout
    assert "3 of 4 prospects" in table
    assert "Charlie & Co" in table and "Delta Ltd" not in table
    assert "4 prospects" in cli.ok("prospect", "list", "-l", "4", "-f", "table").stdout
    assert " of " not in cli.ok("prospect", "list", "-l", "4", "-f", "table").stdout
    staged = cli.ok("prospect", "list", "--stage", "lead", "-l", "1", "-f", "table").stdout
    assert "1 of 2 prospects" in staged and "Beta Ltd" in staged


def test_limit_must_be_positive(cli: Cli) -> None:
    failed = cli.fails("prospect", "list", "--limit", "0", code=2)
    assert failed.stdout == ""
    assert failed.stderr.count("\n") == 1
    assert "--limit" in failed.stderr and "0 is not in the range x>=1" in failed.stderr
