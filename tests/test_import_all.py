"""Moving a whole database: ``export all`` / ``import all`` and ``export settings`` /
``import settings``, into an empty database and back, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli, dump, rows


def _fill(cli: Cli) -> None:
    cli.ok("stages", "lead", "qualified", "demo", "proposal", "won", "lost")
    cli.ok("log", "call", "Acme Corp", "--new", "-o", "connected", "--next", "send deck",
           "--due", "2026-11-25", "--note", "=SUM(A1) 'quoted'")  # fmt: skip
    cli.ok("log", "email", "Globex", "--new")
    cli.ok("prospect", "stage", "Acme Corp", "demo")


def test_export_all_into_an_empty_database_reproduces_it(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    _fill(cli)
    first = tmp_path / "all.jsonl"
    cli.ok("export", "all", "--output", str(first))
    lines = first.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {"format": "salestrack-all", "version": 1}
    assert json.loads(lines[1])["entity"] == "settings"
    assert {json.loads(x)["entity"] for x in lines[1:]} >= {
        "settings", "prospects", "activities", "stage-changes", "next-steps",
    }  # fmt: skip

    other = tmp_path / "other.db"
    out = cli.ok("--db", str(other), "import", "all", str(first))
    assert out.stderr.startswith(f"imported all: {len(lines) - 1} added, 0 updated, 0 unchanged")
    second = tmp_path / "again.jsonl"
    cli.ok("--db", str(other), "export", "all", "--output", str(second))
    assert second.read_bytes() == first.read_bytes()
    assert dump(other) == dump(db_path)
    assert rows(other, "SELECT name, stage FROM prospects ORDER BY name") == [
        ("Acme Corp", "demo"), ("Globex", "lead"),
    ]  # fmt: skip
    again = cli.ok("--db", str(other), "import", "all", str(first))
    assert again.stderr.startswith(f"imported all: 0 added, 0 updated, {len(lines) - 1} unchanged")


def test_settings_travel_alone_and_a_bad_stage_list_is_refused(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    _fill(cli)
    path = tmp_path / "settings.csv"
    cli.ok("export", "settings", "--output", str(path))
    text = path.read_bytes()
    assert text.startswith(b'key,value,updated_at\r\nstages,"[""lead"", ""qualified"", ""demo""')
    other = tmp_path / "other.db"
    assert cli.ok("--db", str(other), "import", "settings", str(path)).stderr.startswith(
        "imported settings: 1 added"
    )
    again = tmp_path / "again.csv"
    cli.ok("--db", str(other), "export", "settings", "--output", str(again))
    assert again.read_bytes() == text
    assert (
        json.loads(cli.ok("--db", str(other), "export", "settings", "-f", "json").stdout)[0]["key"]
        == "stages"
    )

    before = dump(db_path)
    bad = tmp_path / "bad.csv"
    bad.write_text('key,value,updated_at\r\nstages,"[""lead"", ""won""]",\r\n', newline="")
    assert cli.fails("import", "settings", str(bad)).stderr == (
        "error: 1 bad line; nothing was imported:\n"
        "  line 2: value: keep lost in the list (they close deals)\n"
    )
    shrink = tmp_path / "shrink.csv"
    shrink.write_text(
        'key,value,updated_at\r\nstages,"[""lead"", ""qualified"", ""won"", ""lost""]",\r\n',
        newline="",
    )
    refused = cli.fails("import", "settings", str(shrink)).stderr
    assert "prospects are still at demo (1)" in refused
    assert dump(db_path) == before
    not_all = tmp_path / "calls.jsonl"
    not_all.write_text('{"entity": "activities"}\n')
    assert cli.fails("import", "all", str(not_all)).stderr == (
        "error: FILE: is not a file of salestrack export all (its first line names the format)\n"
    )


def test_export_all_on_postgres_reproduces_the_sqlite_file(
    cli: Cli, db_path: Path, pg_url: str, tmp_path: Path
) -> None:
    _fill(cli)
    first = tmp_path / "all.jsonl"
    cli.ok("export", "all", "--output", str(first))
    cli.ok("--db", pg_url, "import", "all", str(first))
    second = tmp_path / "pg.jsonl"
    cli.ok("--db", pg_url, "export", "all", "--output", str(second))
    assert second.read_bytes() == first.read_bytes()


def test_import_keeps_the_clis_limits(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    cli.ok("log", "call", "Acme Corp", "--new", "-o", "voicemail")
    before = dump(db_path)
    seven = tmp_path / "behaviours.jsonl"
    seven.write_text(
        "".join(
            json.dumps({"prospect": "Acme Corp", "name": f"behaviour {i}", "position": i}) + "\n"
            for i in range(1, 8)
        )
    )
    assert cli.fails("import", "behaviours", str(seven)).stderr == (
        "error: 1 bad line; nothing was imported:\n  behaviours: Acme Corp would have 7 "
        "behaviours; a report card keeps at most 6 (retire some: give them a retired_at)\n"
    )
    values = tmp_path / "prospects.csv"
    values.write_text("name,value\r\nA,nan\r\nB,inf\r\nC,1e309\r\nD,-5\r\nE,12.5\r\n", newline="")
    assert cli.fails("import", "prospects", str(values)).stderr == (
        "error: 4 bad lines; nothing was imported:\n"
        + "".join(
            f"  line {n}: value: must be a positive amount, e.g. 25000\n" for n in (2, 3, 4, 5)
        )
    )
    assert dump(db_path) == before
