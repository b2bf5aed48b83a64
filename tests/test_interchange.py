"""export and import: lossless round trips, merging, other tools' files, and bad input."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from salestrack.services import demo, entities
from tests.conftest import NOW, Cli, dump, rows

ORDER = entities.names()  # parents before children


@pytest.fixture
def filled(db_path: Path) -> Path:
    demo.build_demo(db_path, now=NOW, weeks=2, dials_per_day=20, seed=4, owner="tester")
    return db_path


def export_all(cli: Cli, db: Path, fmt: str = "csv") -> dict[str, str]:
    return {e: cli.ok("--db", str(db), "export", e, "-f", fmt).stdout for e in ORDER}


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json"])
def test_export_import_export_is_byte_identical(
    cli: Cli, filled: Path, tmp_path: Path, fmt: str
) -> None:
    first = export_all(cli, filled, fmt)
    assert all(first[e].strip() not in ("", "[]") for e in ORDER), "every entity has rows"
    empty = tmp_path / "empty.db"
    for e in ORDER:
        source = tmp_path / f"{e}.{fmt}"
        source.write_text(first[e], encoding="utf-8", newline="")
        cli.ok("--db", str(empty), "import", e, str(source))
    assert export_all(cli, empty, fmt) == first
    before = dump(empty)
    again = cli.ok("--db", str(empty), "import", "activities", str(tmp_path / f"activities.{fmt}"))
    assert " 0 added, 0 updated," in again.stderr and "unchanged" in again.stderr
    assert dump(empty) == before  # importing twice changes nothing


def test_csv_columns_values_and_spreadsheet_safety(cli: Cli, db_path: Path) -> None:
    cli.ok("log", "call", "=Evil Ltd", "--new", "-o", "connected", "-d", "90s",
           "--at", "2026-11-20 10:00", "-n", "+44 20 7946 0000")  # fmt: skip
    cli.ok("log", "note", "=evil", "-n", "'=already quoted")
    out = cli.ok("export", "activities").stdout
    listed = list(csv.DictReader(io.StringIO(out)))
    call, note = listed
    assert list(call)[:6] == ["id", "owner", "created_at", "updated_at", "prospect_id", "prospect"]
    assert call["prospect"] == "'=Evil Ltd" and call["notes"] == "'+44 20 7946 0000"
    assert note["notes"] == "''=already quoted"
    assert call["occurred_at"] == "2026-11-20T10:00:00+00:00"
    assert call["duration_s"] == "90" and call["objective_met"] == ""
    assert len(call["id"]) == 36 and call["id"].count("-") == 4
    target = db_path.parent / "out.csv"
    cli.ok("export", "activities", "-o", str(target))
    assert target.read_bytes().decode() == out.replace("\n", "\r\n")  # RFC 4180 line ends
    as_json = json.loads(cli.ok("export", "activities", "-f", "json").stdout)
    assert as_json[0]["notes"] == "+44 20 7946 0000"  # JSON is never altered
    assert as_json[0]["duration_s"] == 90


def test_filters(cli: Cli) -> None:
    cli.ok("log", "call", "Acme", "--new", "-o", "voicemail", "--at", "2026-11-10 10:00")
    cli.ok("log", "email", "Acme", "--at", "2026-11-12 10:00")
    cli.ok("log", "call", "Beta", "--new", "-o", "connected", "--at", "2026-11-18 10:00")

    def ids(*args: str) -> list[str]:
        out = cli.ok("export", "activities", "-f", "jsonl", *args).stdout
        found = [json.loads(line) for line in out.splitlines()]
        return [f"{r['kind']}@{r['prospect']}" for r in found]

    assert ids() == ["call@Acme", "email@Acme", "call@Beta"]
    assert ids("--since", "2026-11-11") == ["email@Acme", "call@Beta"]
    assert ids("--until", "2026-11-12") == ["call@Acme"]
    assert ids("--prospect", "acme", "--kind", "call") == ["call@Acme"]
    assert "--kind" in cli.fails("export", "wins", "--kind", "call", code=2).stderr
    assert "unknown entity 'calls'" in cli.fails("export", "calls", code=2).stderr


def test_next_steps_as_a_calendar(cli: Cli) -> None:
    cli.ok("log", "call", "Acme", "--new", "-o", "voicemail",
           "--next", "call back", "--due", "2026-11-23 10:00")  # fmt: skip
    ics = cli.ok("export", "next-steps", "-f", "ics").stdout
    assert "BEGIN:VEVENT" in ics and "SUMMARY:call back · Acme" in ics
    assert "DTSTART:20261123T100000Z" in ics and "@salestrack" in ics
    assert "ics is for next-steps" in cli.fails("export", "wins", "-f", "ics", code=2).stderr


def test_newer_rows_update_older_rows_are_kept(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    cli.ok("log", "call", "Acme", "--new", "-o", "voicemail", "-n", "first")
    row = json.loads(cli.ok("export", "activities", "-f", "json").stdout)[0]
    later = dict(row, notes="edited elsewhere",
                 updated_at=(NOW + timedelta(hours=1)).isoformat())  # fmt: skip
    older = dict(row, notes="stale copy", updated_at=(NOW - timedelta(hours=1)).isoformat())
    newer_file, older_file = tmp_path / "newer.jsonl", tmp_path / "older.jsonl"
    newer_file.write_text(json.dumps(later) + "\n")
    older_file.write_text(json.dumps(older) + "\n")
    assert "1 updated" in cli.ok("import", "activities", str(newer_file)).stderr
    assert "1 kept (stored row newer)" in cli.ok("import", "activities", str(older_file)).stderr
    assert rows(db_path, "SELECT notes FROM activities") == [("edited elsewhere",)]


def test_another_tools_csv_with_a_mapping(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    cli.ok("prospect", "add", "Acme Corp")
    crm = tmp_path / "crm.csv"
    crm.write_text(
        "Company,Call outcome,Activity date,Type,Comments,Owner email\r\n"
        "Acme Corp,Left message,2026-11-19 14:30,Call,asked for Dana,me@x\r\n"
        "Northwind,Spoke,2026-11-18 09:00,Call,,me@x\r\n"
    )
    saved = tmp_path / "crm-map.json"
    saved.write_text(json.dumps({"values": {"kind": {"Call": "call"}}}))
    out = cli.ok(
        "import", "activities", str(crm),
        "--map", "Company=prospect,Call outcome=outcome,Activity date=occurred_at,"
                 "Type=kind,Comments=notes,Owner email=",
        "--map-values", "outcome:Left message=voicemail,Spoke=connected",
        "--map-file", str(saved),
    )  # fmt: skip
    assert "2 added" in out.stderr and "1 new prospects" in out.stderr
    got = rows(
        db_path,
        "SELECT p.name, a.kind, a.outcome, a.reached, a.occurred_at, a.notes FROM activities a "
        "JOIN prospects p ON p.id = a.prospect_id ORDER BY a.occurred_at",
    )
    assert got == [
        ("Northwind", "call", "connected", "decision_maker", "2026-11-18 09:00:00.000000", None),
        (
            "Acme Corp",
            "call",
            "voicemail",
            "voicemail",
            "2026-11-19 14:30:00.000000",
            "asked for Dana",
        ),
    ]  # fmt: skip  (London is UTC+0 in November)
    again = cli.ok("import", "activities", str(crm), "--map",
                   "Company=prospect,Call outcome=outcome,Activity date=occurred_at,"
                   "Type=kind,Comments=notes,Owner email=",
                   "--map-values", "outcome:Left message=voicemail,Spoke=connected",
                   "--map-values", "kind:Call=call")  # fmt: skip
    assert "2 added" in again.stderr  # no ids in their file: each import adds rows


def test_dry_run_writes_nothing(cli: Cli, filled: Path, tmp_path: Path) -> None:
    source = tmp_path / "prospects.csv"
    source.write_text(cli.ok("export", "prospects").stdout, newline="")
    empty = tmp_path / "empty.db"
    cli.ok("--db", str(empty), "db", "upgrade")
    before = dump(empty)
    out = cli.ok("--db", str(empty), "import", "prospects", str(source), "--dry-run")
    assert "would import prospects:" in out.stderr and "nothing written" in out.stderr
    assert dump(empty) == before


def test_bad_files_are_refused_with_every_bad_line(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    cli.ok("log", "call", "Acme", "--new", "-o", "voicemail")
    before = dump(db_path)
    header = "prospect,kind,outcome,occurred_at\r\n"
    cases = {
        "bad.csv": header + "Acme,call,voicemail,yesterday\r\nAcme,visit,voicemail,2026-11-19\r\n"
        "Acme,call,vm,2026-11-19T10:00:00+00:00\r\n,call,busy,2026-11-19\r\n",
        "width.csv": header + "Acme,call\r\n",
        "unknown.csv": "prospect,kind,colour\r\nAcme,call,red\r\n",
        "header-only.csv": "hostname\n",
        "empty.csv": "",
        "latin1.csv": header.encode() + "Acmé,call,busy,2026-11-19\r\n".encode("latin-1"),
        "cut.json": '[{"prospect": "Acme", "kind": "call"',
        "dupes.jsonl": '{"id": "6c84a7c0-fa61-4260-b155-43f54164b4a7", "prospect": "Acme", '
        '"kind": "note", "occurred_at": "2026-11-19T10:00:00+00:00"}\n' * 2,
        "huge.csv": header + "Acme,note,," + "2026-11-19\r\n".replace("2026", "x" * 1_000_001),
    }
    messages = {}
    for name, body in cases.items():
        path = tmp_path / name
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, newline="")
        messages[name] = cli.fails("import", "activities", str(path)).stderr
    bad = messages["bad.csv"]
    assert "line 2: occurred_at: not a date and time" in bad
    assert "line 3: kind: unknown kind 'visit'" in bad
    assert "line 5: prospect_id: give the prospect's id or its name" in bad
    assert "line 4" not in bad  # 'vm' is voicemail
    assert "nothing was imported" in bad
    assert "2 fields where the header has 4" in messages["width.csv"]
    assert "unknown column 'colour'" in messages["unknown.csv"]
    assert "unknown column 'hostname'" in messages["header-only.csv"]
    assert "is empty" in messages["empty.csv"]
    assert "not UTF-8" in messages["latin1.csv"]
    assert "cut short" in messages["cut.json"]
    assert "appears twice in the file" in messages["dupes.jsonl"]
    assert (
        "field larger than field limit" in messages["huge.csv"]
        or "too long" in messages["huge.csv"]
    )
    assert all("Traceback" not in m for m in messages.values())
    assert dump(db_path) == before
    nowhere = tmp_path / "nowhere.csv"
    nowhere.write_text(header + "Nowhere,note,,2026-11-19\r\n", newline="")
    refused = cli.fails("import", "activities", str(nowhere), "--strict").stderr
    assert "line 2: prospect: unknown prospect 'Nowhere' (--strict)" in refused
    assert dump(db_path) == before


def test_import_from_stdin(cli: Cli, db_path: Path) -> None:
    out = cli.ok(
        "import",
        "activities",
        "-",
        input="prospect,kind,notes,occurred_at\r\nAcme,note,hello,2026-11-19 10:00\r\n",
    )
    assert "1 added" in out.stderr and "1 new prospects" in out.stderr
    assert rows(db_path, "SELECT kind, notes FROM activities") == [("note", "hello")]
