"""The fuzz suite: hostile text in every slot of every command.

Each case puts one payload (control characters, NUL, right-to-left and combining marks, Rich
markup, SQL, 10,000 characters, bytes that are not UTF-8, numbers out of range...) into one
argument of a real command line, run by the real command tree on a real SQLite file. Each
must either work, or fail with one line on stderr, exit 1 or 2, no traceback, no
"unexpected" error, no raw control character, and the database exactly as it was.

CI runs a bounded sample (every payload in a rotating third of the slots, plus 60 random
texts); ``SALESTRACK_FUZZ_LONG=1`` runs every payload in every slot and 2,000 random texts.
docs/reliability.md records the counts.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import Cli, dump

LONG = bool(os.environ.get("SALESTRACK_FUZZ_LONG"))

PAYLOADS = [
    "",
    "   ",
    "\x00",
    "a\x00b",
    "\x1b]0;PWNED\x07",
    "\x1b[2J\x1b[H",
    "line\nbreak",
    "tab\there",
    "\r",
    "\u202eevil\u202c",  # right-to-left override
    "e\u0301\u0301\u0301",  # combining marks
    "\u200b",  # zero-width space
    "[bold red]markup[/]",
    "'; DROP TABLE prospects; --",
    '" OR 1=1 --',
    "x" * 10_000,
    "Ac\udcffme",  # a byte that was not UTF-8, as Python receives it
    "nan",
    "inf",
    "-1",
    "0",
    "1e309",
    "9" * 5_000,
    "9999-12-31 23:59",
    "0001-01-01",
    "2026-W54",
    "2026-13-01",
    "--help",
    "-",
    "💼📞",
    "%s%n%x",
    "{0}{1}",
]

# Each template names one command line; {} is where the payload goes.
TEMPLATES = [
    ["log", "call", "{}", "-o", "connected"],
    ["log", "call", "Acme", "-o", "{}"],
    ["log", "call", "Acme", "-o", "busy", "--at", "{}"],
    ["log", "call", "Acme", "-o", "busy", "-d", "{}"],
    ["log", "call", "Acme", "-o", "busy", "-n", "{}"],
    ["log", "call", "Acme", "-o", "busy", "-w", "{}"],
    ["log", "call", "Acme", "-o", "busy", "-i", "{}"],
    ["log", "call", "Acme", "-o", "busy", "--next", "{}"],
    ["log", "call", "Acme", "-o", "busy", "--next", "x", "--due", "{}"],
    ["log", "call", "Acme", "-o", "connected", "-q", "{}"],
    ["log", "call", "Acme", "-o", "connected", "-c", "{}"],
    ["log", "email", "Acme", "-n", "{}"],
    ["log", "meeting", "Acme", "--at", "{}"],
    ["prospect", "add", "{}"],
    ["prospect", "add", "Zed", "--value", "{}"],
    ["prospect", "add", "Zed", "--stage", "{}"],
    ["prospect", "show", "{}"],
    ["prospect", "stage", "Acme", "{}"],
    ["prospect", "list", "--stage", "{}"],
    ["prospect", "list", "--limit", "{}"],
    ["intel", "{}"],
    ["intel", "Acme", "--add", "{}"],
    ["edit", "{}", "-d", "5m"],
    ["next", "--set", "{}"],
    ["next", "--limit", "{}"],
    ["baseline", "--week", "{}"],
    ["baseline", "--weeks", "{}"],
    ["plan", "--deals", "{}", "--by", "2026-12-31"],
    ["plan", "--deals", "3", "--by", "{}"],
    ["wins", "--since", "{}"],
    ["pipeline", "--limit", "{}"],
    ["stages", "lead", "{}", "won", "lost"],
    ["checklist", "--set", "{}"],
    ["quality", "--weeks", "{}"],
    ["focus", "{}"],
    ["coach", "--week", "{}"],
    ["scorecard", "{}"],
    ["promise", "add", "Acme", "{}", "--due", "fri"],
    ["promise", "add", "Acme", "call back", "--due", "{}"],
    ["crc", "behaviours", "Acme", "--set", "{}"],
    ["export", "{}"],
    ["export", "activities", "--since", "{}"],
    ["-f", "{}", "prospect", "list"],
    ["prospect", "list", "-f", "{}"],
]

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")
TRIED = {"cases": 0, "refused": 0, "worked": 0}


@pytest.fixture
def seeded(cli: Cli, db_path: Path) -> Path:
    cli.ok("log", "call", "Acme", "--new", "-o", "connected", "--next", "call", "--due", "mon")
    cli.ok("log", "call", "Beacon Foods", "--new", "-o", "voicemail")
    return db_path


def check(cli: Cli, db_path: Path, args: list[str]) -> None:
    before = dump(db_path)
    result = cli(*args)
    TRIED["cases"] += 1
    err = result.stderr
    assert "Traceback" not in err + result.stdout, (args, err)
    assert "unexpected" not in err, (args, err)
    assert not CONTROL.search(err), (args, err)
    if result.exit_code == 0:
        TRIED["worked"] += 1
        return
    TRIED["refused"] += 1
    assert result.exit_code in (1, 2), (args, result.exit_code, err)
    if not err.startswith("Usage:"):  # a group typed alone prints its help
        assert err.startswith("error: ") and err.count("\n") == 1, (args, err)
    assert dump(db_path) == before, args


def _slots() -> list[tuple[int, int]]:
    every = [(t, p) for t in range(len(TEMPLATES)) for p in range(len(PAYLOADS))]
    return every if LONG else [(t, p) for t, p in every if (t + p) % 3 == 0]


@pytest.mark.parametrize("template", range(len(TEMPLATES)))
def test_every_payload_in_every_slot(cli: Cli, seeded: Path, template: int) -> None:
    for t, p in _slots():
        if t == template:
            args = [a.replace("{}", PAYLOADS[p]) if a == "{}" else a for a in TEMPLATES[t]]
            check(cli, seeded, args)


@settings(
    max_examples=2000 if LONG else 60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.sampled_from(TEMPLATES),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
    | st.sampled_from(PAYLOADS),
)
def test_random_text_in_a_random_slot(
    cli: Cli, seeded: Path, template: list[str], text: str
) -> None:
    check(cli, seeded, [text if a == "{}" else a for a in template])
