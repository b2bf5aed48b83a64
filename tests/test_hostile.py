"""Hostile input at the command line: each is one line on stderr naming what to fix, the
right exit code, never an "unexpected" error, and the database exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Cli, dump

CASES = [
    (["coach", "--week", "2026-W54"], 1, "there is no week 54"),
    (["baseline", "--week", "0001-W01"], 1, "salestrack keeps dates from 1900 to 2999"),
    (["plan", "--deals", "3", "--by", "9999-12-31 23:59"], 1, "from 1900 to 2999"),
    (["log", "call", "Acme", "-o", "busy", "--at", "1850-01-01"], 1, "from 1900 to 2999"),
    (["log", "call", "Acme", "-o", "busy", "--next", "x", "--due", "9999-12-31 23:59"], 1, "2999"),
    (["edit", "Acme", "--at", "3000-01-01"], 1, None),
    (["wins", "--since", "1899-12-31"], 1, "from 1900 to 2999"),
    (["prospect", "show", "x\x1b]0;PWNED\x07"], 1, "\\x1b]0;PWNED\\x07"),
    (["prospect", "show", "two\nlines"], 1, "two\\nlines"),
    (["no-such-command\x1b[2J"], 2, "\\x1b[2J"),
]


@pytest.mark.parametrize(("args", "code", "says"), CASES)
def test_hostile_arguments(
    cli: Cli, db_path: Path, args: list[str], code: int, says: str | None
) -> None:
    cli.ok("log", "call", "Acme", "--new", "-o", "connected", "--next", "call", "--due", "mon")
    before = dump(db_path)
    result = cli(*args)
    assert result.exit_code == code, result.stderr
    err = result.stderr
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "unexpected" not in err and "Traceback" not in err
    assert not any(ch in err[:-1] for ch in "\x1b\x07\r\n"), err
    if says:
        assert says in err
    assert dump(db_path) == before


def test_an_import_breaking_a_unique_rule_names_that_rule(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    import json

    cli.ok("log", "call", "Acme", "--new", "-o", "connected", "-q", "4352")
    activity = json.loads(cli.ok("export", "quality", "-f", "json").stdout)[0]["activity_id"]
    second = tmp_path / "quality.jsonl"
    second.write_text(json.dumps({"activity_id": activity, "value": 1, "uncovered": 1,
                                  "openness": 1, "commitment": 1}) + "\n")  # fmt: skip
    before = dump(db_path)
    assert cli.fails("import", "quality", str(second), "-f", "jsonl").stderr == (
        "error: 1 bad line; nothing was imported:\n  lines 1-1: the database refused a row "
        "(that activity already has its quality score; change it with: salestrack edit ID -q)\n"
    )
    assert dump(db_path) == before


def test_json_output_never_holds_nan_or_infinity(cli: Cli, db_path: Path) -> None:
    """A number JSON can't hold, written into the database by hand, is null in every JSON."""
    import json
    import sqlite3

    cli.ok("log", "call", "Acme", "--new", "-o", "connected", "-q", "4352")
    db = sqlite3.connect(db_path)
    with db:
        db.execute("UPDATE prospects SET value = 9e999")  # SQLite keeps it as Infinity
    db.close()

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in the JSON")

    for args in (["export", "prospects", "-f", "json"], ["intel", "Acme", "-f", "json"],
                 ["prospect", "list", "-f", "json"]):  # fmt: skip
        doc = json.loads(cli.ok(*args).stdout, parse_constant=refuse)
        first = doc[0] if isinstance(doc, list) else doc
        assert first["value"] is None, args
    for line in cli.ok("export", "all").stdout.splitlines():
        json.loads(line, parse_constant=refuse)
    assert json.loads(cli.ok("export", "prospects", "-f", "jsonl").stdout)["value"] is None
