"""``salestrack config`` and the settings' registry: every value checked when written and
again when read, on a real SQLite file through the real command tree."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from .conftest import Cli, dump, rows

DEFAULT_CSV = (
    "key,value,source,scope,meaning\n"
    'stages,"[""lead"", ""qualified"", ""meeting"", ""proposal"", ""negotiation"", ""won"", '
    '""lost""]",default,team,"The pipeline\'s stages, in order (salestrack stages)."\n'
)


def put(path: Path, key: str, value: str, owner: str = "") -> None:
    """Write a setting's row by hand, as raw SQL (or an older salestrack) could."""
    db = sqlite3.connect(path)
    with db:
        db.execute("DELETE FROM settings WHERE key = ?", (key,))
        db.execute(
            "INSERT INTO settings (key, value, updated_at, owner) "
            "VALUES (?, ?, '2026-11-01 00:00:00.000000', ?)",
            (key, value, owner),
        )
    db.close()


@pytest.fixture
def seeded(cli: Cli, db_path: Path) -> Path:
    cli.ok("log", "call", "Acme", "--new", "-o", "connected", "-q", "4352", "--next", "deck",
           "--due", "mon")  # fmt: skip
    return db_path


def test_config_lists_every_key_with_its_value_or_the_default(cli: Cli, seeded: Path) -> None:
    listed = cli.ok("config", "-f", "csv").stdout
    assert listed.startswith(DEFAULT_CSV)
    keys = [line.split(",", 1)[0] for line in listed.splitlines()[1:]]
    assert keys == ["stages", "checklist", "cadence", "next_weights", "focus", "holidays",
                    "my_addresses", "rep_name", "company_name"]  # fmt: skip
    assert cli.ok("config", "list", "-f", "csv").stdout == listed
    doc = json.loads(cli.ok("config", "-f", "json").stdout)
    assert doc[2] == {
        "key": "cadence",
        "value": {"days": 1, "morning": "09:30", "afternoon": "15:00"},
        "source": "default",
        "scope": "personal",
        "meaning": "When the dial block tries an unreached prospect again.",
    }
    table = cli.ok("config", "-f", "table").stdout
    assert "(default)" in table and "The pipeline's stages" in table


def test_set_show_and_reset_each_form(cli: Cli, seeded: Path) -> None:
    assert cli.ok("config", "set", "my_addresses", "Me@Example.com, me@home.example").stderr == (
        'my_addresses set: ["me@example.com", "me@home.example"]\n'
    )
    assert cli.ok("config", "my_addresses").stdout == '["me@example.com", "me@home.example"]\n'
    assert cli.ok("config", "set", "rep_name", "  Ann   Lee ").stderr == 'rep_name set: "Ann Lee"\n'
    assert cli.ok("config", "set", "company_name", "3M").stderr == 'company_name set: "3M"\n'
    cli.ok("config", "set", "cadence", '{"days": 2, "morning": "8:05"}')
    assert cli.ok("config", "cadence").stdout == (
        '{"days": 2, "morning": "08:05", "afternoon": "15:00"}\n'
    )
    shown = cli.ok("config", "focus")
    assert (shown.stdout, shown.stderr) == (
        "{}\n",
        "focus (the default value): The day's quality focus; none set means your weakest "
        "dimension (focus).\n",
    )
    cli.ok("config", "set", "focus", '{"dimension": "openness"}')
    assert "openness" in cli.ok("focus").stdout
    assert cli.ok("config", "reset", "focus").stderr == "focus is back to the default value\n"
    assert rows(seeded, "SELECT count(*) FROM settings WHERE key = 'focus'") == [(0,)]
    # a stage list goes through the stages' own rule: prospects at a stage keep it
    refused = cli.fails("config", "set", "stages", "qualified,demo,won,lost")
    assert refused.stderr == (
        "error: prospects are still at lead (1); move them first (salestrack prospect "
        "stage NAME STAGE) or keep those stages\n"
    )
    cli.ok("config", "set", "stages", "lead,qualified,demo,won,lost")
    assert cli.ok("stages").stdout == "lead\nqualified\ndemo\nwon\nlost\n"
    cli.ok("config", "reset", "stages")
    assert cli.ok("stages").stdout.splitlines()[2] == "meeting"


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        (
            "next_weights",
            '{"overdue": NaN}',
            "next_weights: NaN is not a number; give a finite number",
        ),
        ("next_weights", '{"overdue": 1e309}', "1e309 is too large; give a finite number"),
        ("next_weights", '{"overdue": Infinity}', "Infinity is not a number"),
        ("next_weights", "9" * 5000, "a 5000-digit number is too large"),
        ("next_weights", "[" * 60_000, "next_weights: the value is nested too deep"),
        ("next_weights", '{"a": 1}', "unknown name 'a'; use overdue, overdue_day"),
        ("stages", '{"a": 1}', "stages: the stages must be a JSON list"),
        ("stages", "[1, 2, 3]", "stages: a stage must be text"),
        ("stages", "lead,won", "keep lost in the list (they close deals)"),
        ("checklist", '[{"kind": "budget", "stage": "nowhere"}]', "'nowhere' is not a stage"),
        ("cadence", '{"days": 0}', "days must be a whole number from 1 to 30"),
        ("holidays", '{"dates": ["9999-12-31"]}', "salestrack keeps dates from 1900 to 2999"),
        ("my_addresses", "not-an-address", "'not-an-address' is not an e-mail address"),
        ("rep_name", "x" * 201, "the name is 201 characters; keep it to 200"),
        ("focus", json.dumps({"dimension": "x" * 70_000}), "the value is over 64 KB"),
        ("demo", "{}", "demo is kept by salestrack itself"),
        ("colour", "1", "KEY: 'colour' is not a setting; use one of stages, checklist"),
    ],
)
def test_a_bad_value_is_one_line_and_nothing_changes(
    cli: Cli, seeded: Path, key: str, value: str, says: str
) -> None:
    before = dump(seeded)
    err = cli.fails("config", "set", key, value).stderr
    assert err.startswith("error: ") and err.count("\n") == 1 and says in err, err
    assert dump(seeded) == before


HOSTILE = ["not json", "null", "[]", "[1,2,3]", '{"a":1}', "[" * 60_000, "NaN", "1e309",
           '"' + "x" * 70_000 + '"']  # fmt: skip
# each key and a command that reads it
READERS = [
    ("stages", ["pipeline"]),
    ("stages", ["prospect", "add", "Zed"]),
    ("checklist", ["intel", "Acme"]),
    ("next_weights", ["next", "-f", "json"]),
    ("focus", ["focus"]),
    ("focus", ["coach"]),
    ("cadence", ["config", "cadence"]),
    ("holidays", ["holidays"]),
    ("my_addresses", ["config", "my_addresses"]),
]


@pytest.mark.parametrize(("key", "command"), READERS)
def test_a_bad_stored_value_names_the_key_and_the_fix(
    cli: Cli, seeded: Path, key: str, command: list[str]
) -> None:
    for value in HOSTILE:
        if key in ("checklist", "my_addresses") and value == "[]":
            continue  # an empty list is one of theirs
        put(seeded, key, value)
        before = dump(seeded)
        result = cli(*command)
        err = result.stderr
        assert result.exit_code == 1, (key, value[:20], result.stdout, err)
        assert err.startswith(f"error: the setting {key} in the database is not valid ("), err
        assert err.endswith(
            f"); put it back to its default with: salestrack config reset {key}\n"
        ), err
        assert err.count("\n") == 1
        assert dump(seeded) == before
    listed = {r["key"]: r for r in json.loads(cli.ok("config", "-f", "json").stdout)}
    assert (listed[key]["value"], listed[key]["source"]) == (None, "not valid")
    cli.ok("config", "reset", key)
    assert cli(*command).exit_code == 0


def test_next_refuses_numbers_json_cannot_hold(cli: Cli, seeded: Path) -> None:
    for typed in ("nan", "inf", "-inf", "1e309", "NaN"):
        err = cli.fails("next", "--set", f"overdue={typed}").stderr
        assert err == (
            f"error: --set: 'overdue={typed}': overdue must be a finite number from -10000 to "
            "10000\n"
        )
    assert rows(seeded, "SELECT count(*) FROM settings") == [(0,)]
    cli.ok("log", "call", "Beacon", "--new", "-o", "voicemail")
    cli.ok("next", "--set", "overdue=12.5")
    out = cli.ok("next", "-f", "json").stdout

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in the JSON")

    ranked = json.loads(out, parse_constant=refuse)
    assert [(r["name"], r["score"]) for r in ranked] == [("Beacon", 3.0)]
    assert json.loads(cli.ok("config", "next_weights").stdout)["overdue"] == 12.5


def test_imported_settings_are_checked_by_the_registry(
    cli: Cli, seeded: Path, tmp_path: Path
) -> None:
    before = dump(seeded)
    bad = tmp_path / "bad.jsonl"
    lines = [
        {"key": "next_weights", "value": '{"overdue": NaN}'},
        {"key": "focus", "value": "[" * 60_000},
        {"key": "stages", "value": '{"a": 1}'},
        {"key": "colour", "value": "1"},
    ]
    bad.write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert cli.fails("import", "settings", str(bad), "-f", "jsonl").stderr == (
        "error: 4 bad lines; nothing was imported:\n"
        "  line 1: value: NaN is not a number; give a finite number\n"
        "  line 2: value: the value is nested too deep\n"
        "  line 3: value: the stages must be a JSON list\n"
        "  line 4: key: 'colour' is not a setting; use one of stages, checklist, cadence, "
        "next_weights, focus, holidays, my_addresses, rep_name, company_name\n"
    )
    assert dump(seeded) == before


def test_a_solo_file_keeps_one_row_per_key_whoever_wrote_it(
    cli: Cli, seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.ok("focus", "value")
    monkeypatch.setenv("SALESTRACK_REP", "laptop")
    assert cli.ok("config", "focus").stdout.startswith('{"dimension": "value"')
    cli.ok("focus", "openness")
    assert rows(seeded, "SELECT owner, key FROM settings") == [("laptop", "focus")]
    cli.ok("stages", "lead", "qualified", "won", "lost")
    assert rows(seeded, "SELECT owner FROM settings WHERE key = 'stages'") == [("",)]


def test_keys_complete_from_the_registry() -> None:
    import subprocess
    import sys

    env = {"_SALESTRACK_COMPLETE": "complete_bash", "COMP_WORDS": "salestrack config set ne",
           "COMP_CWORD": "3"}  # fmt: skip
    import os

    found = subprocess.run([sys.executable, "-m", "salestrack"], env={**os.environ, **env},
                           capture_output=True, text=True, timeout=60)  # fmt: skip
    assert found.stdout.splitlines() == ["next_weights"]
