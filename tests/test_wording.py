"""Numbers and plurals as a person writes them, and the same definition of a dial in every
report that counts per dial."""

from __future__ import annotations

import json

from .conftest import Cli


def test_wins_count_outbound_dials_and_plural_labels(cli: Cli) -> None:
    for name in ("Acme", "Beacon"):
        cli.ok("log", "call", name, "--new", "-o", "gatekeeper", "-c", "Sue", "--at", "10:00")
    cli.ok("log", "call", "Acme", "-o", "connected", "--at", "11:00")  # the first DM talk
    cli.ok("log", "call", "Beacon", "-o", "connected", "--inbound", "--at", "12:00")
    summary = cli.ok("wins", "--since", "today").stderr
    # 3 outbound dials (the inbound call is not one); 2 gatekeeper names, 2 first talks
    assert "from 3 dials" in summary, summary
    assert (
        "2 first gatekeeper names" in summary and "2 first decision-maker conversations" in summary
    )
    one = cli.ok("wins", "--since", "11:30").stderr
    assert "1 first decision-maker conversation" in one and "conversations" not in one
    assert "from 0 dials" in one


def test_the_scorecard_says_one_promise(cli: Cli) -> None:
    cli.ok("prospect", "add", "Acme")
    cli.ok("promise", "add", "Acme", "send the plan", "--due", "2026-11-25")
    page = cli.ok("scorecard", "Acme", "-f", "markdown").stdout
    assert "1 promise due in the period" in page
    assert json.loads(cli.ok("scorecard", "Acme", "-f", "json").stdout)
