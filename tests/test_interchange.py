"""export and import: lossless round trips, merging, other tools' files, and bad input."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salestrack.demo import generator as demo
from salestrack.interchange import entities
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
    cli.ok("export", "activities", "--output", str(target))
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
    assert ids("--until", "2026-11-12") == ["call@Acme", "email@Acme"]  # all of that day
    assert ids("--until", "2026-11-12 10:00") == ["call@Acme"]  # before that time
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
    assert " 0 added, 0 updated, 2 unchanged," in again.stderr  # the rows' source keys
    assert len(rows(db_path, "SELECT id FROM activities")) == 2


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
        "nul.jsonl": '{"prospect": "Acme", "kind": "note", "notes": "a\\u0000b", '
        '"occurred_at": "2026-11-19T10:00:00+00:00"}\n',
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
    assert "line 3: kind: unknown activity kind 'visit'" in bad
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
    assert messages["nul.jsonl"].startswith("error: 1 bad line; nothing was imported:\n")
    assert "line 1: notes: contains a NUL character; remove it" in messages["nul.jsonl"]
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


def test_the_column_contract_matches_the_models() -> None:
    """entities spells the columns out (importing the models is slow); they must agree."""
    from sqlalchemy import Boolean, Float, Integer, Uuid

    from salestrack.models import TABLES, UTCDateTime

    def kind(column: Any) -> str:
        for sql_type, name in ((Uuid, "uuid"), (UTCDateTime, "time"), (Boolean, "bool"),
                               (Integer, "int"), (Float, "float")):  # fmt: skip
            if isinstance(column.type, sql_type):
                return name
        return "text"

    for name in entities.names():
        entity = entities.get(name)
        table = TABLES[entity.table].__table__  # type: ignore[attr-defined]
        expected = [
            entities.Column(c.name, kind(c), bool(c.nullable))
            for c in table.columns
            if c.name not in entities.DERIVED
        ]
        assert list(entity.columns) == expected, f"{name}: update entities._COLUMNS"


def _as_the_csv_module_writes(json_text: str) -> str:
    """The oracle for CSV on SQLite: the JSON export's values (never altered) written by
    Python's csv module, made spreadsheet-safe as docs/export.md says."""
    from salestrack.interchange.export import protect

    found = json.loads(json_text)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(list(found[0]))
    for row in found:
        writer.writerow(
            [
                "true"
                if v is True
                else "false"
                if v is False
                else protect(v)
                if isinstance(v, str)
                else v
                for v in row.values()
            ]
        )
    return out.getvalue()


TRICKY = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
) | st.sampled_from(["=1+1", "+44 20", "-5", "@x", "\tx", "\rx", "'", "''", "'=a", "'a",
                     'say "hi"', "a,b", "two\nlines", "crlf\r\nend", "", " ", "é中🙂"])  # fmt: skip


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(TRICKY, min_size=6, max_size=6), value=st.floats(min_value=0, allow_nan=False,
       allow_infinity=False) | st.none(), micro=st.integers(0, 999_999),
       met=st.sampled_from([True, False, None]))  # fmt: skip
def test_sqlite_writes_the_csv_that_the_csv_module_would(
    cli: Cli, db_path: Path, texts: list[str], value: float | None, micro: int, met: bool | None
) -> None:
    """One database for all examples (each adds a prospect and a call); every export is
    compared whole."""
    name, notes, objective, owner, company, segment = texts
    kept = (ch for ch in name if ord(ch) >= 32 and not 0x7F <= ord(ch) < 0xA0)
    name = " ".join("".join(kept).split())  # what names.clean_name keeps
    name += f" #{len(rows(db_path, 'SELECT id FROM prospects')) if db_path.exists() else 0}"
    at = f"2026-11-20T10:00:00.{micro:06d}+00:00"
    prospect = {"name": name, "company": company, "segment": segment, "stage": "lead",
                "value": value, "notes": notes, "owner": owner or "o"}  # fmt: skip
    activity = {"prospect": name, "kind": "call", "occurred_at": at, "outcome": "connected",
                "notes": notes, "objective": objective, "objective_met": met, "owner": owner,
                "duration_s": 61}  # fmt: skip
    db_path.parent.mkdir(exist_ok=True)
    out = db_path.parent / "out.csv"
    for entity, row in (("prospects", prospect), ("activities", activity)):
        source = db_path.parent / f"{entity}.jsonl"
        source.write_text(json.dumps(row) + "\n", encoding="utf-8")
        cli.ok("import", entity, str(source))
        cli.ok("export", entity, "--output", str(out))
        expected = _as_the_csv_module_writes(cli.ok("export", entity, "-f", "json").stdout)
        assert out.read_bytes().decode("utf-8") == expected


def test_a_long_export_in_parts_is_the_same_as_one_query(
    cli: Cli, filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cut into parts written by other processes (as on a big database with several cores),
    the file is byte for byte the one query's, whatever the filters; ties on the time fall
    at a cut."""
    from salestrack.interchange import sqlite_csv

    cli.ok("log", "call", "Tie Ltd", "--new", "-o", "voicemail", "--at", "2026-11-18 10:00")
    for _ in range(5):
        cli.ok("log", "call", "Tie Ltd", "-o", "voicemail", "--at", "2026-11-18 10:00")
    cases = [[], ["--since", "2026-11-16"], ["--kind", "call"], ["--prospect", "Tie Ltd"]]
    out = filled.parent / "a.csv"

    def exported(args: list[str]) -> bytes:
        cli.ok("export", "activities", "--output", str(out), *args)
        return out.read_bytes()

    monkeypatch.setattr(sqlite_csv, "_cores", lambda: 1)
    whole = [exported(args) for args in cases]
    started = []

    def locked() -> None:  # no commit from the cuts until every part's query has begun
        other = sqlite3.connect(filled, timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()

    def start(*args: Any) -> Any:
        started.append(args[-1])
        locked()
        return original(*args)

    def cuts(*args: Any) -> Any:
        locked()
        return original_cuts(*args)

    original, original_cuts = sqlite_csv._start_part, sqlite_csv._cuts
    monkeypatch.setattr(sqlite_csv, "_start_part", start)
    monkeypatch.setattr(sqlite_csv, "_cuts", cuts)
    monkeypatch.setattr(sqlite_csv, "_cores", lambda: 3)
    monkeypatch.setattr(sqlite_csv, "PART_ROWS", 2)
    assert [exported(args) for args in cases] == whole
    # two other processes each time, but one query where the order needs sorting (a
    # prospect's activities by the prospect's index): parts would wait for a whole sort
    assert len(started) == 2 * 3
    steps = filled.parent / "steps.csv"
    cli.ok("export", "next-steps", "--output", str(steps))  # created_at, id: no such index either
    assert len(started) == 6 and len(steps.read_bytes().splitlines()) > 100
    n = len(whole[0].splitlines()) - 1
    assert n > 200 and len(set(whole[0].splitlines())) == n + 1  # no row twice
    cli.ok("log", "call", "Tie Ltd", "-o", "voicemail")  # the write lock is let go


def test_a_failed_part_fails_the_export_whole(
    cli: Cli, filled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from salestrack.interchange import sqlite_csv

    original = sqlite_csv._start_part
    broken = tmp_path / "broken.db"
    broken.write_text("not a database")
    monkeypatch.setattr(sqlite_csv, "_start_part", lambda path, *rest: original(broken, *rest))
    monkeypatch.setattr(sqlite_csv, "_cores", lambda: 2)
    monkeypatch.setattr(sqlite_csv, "PART_ROWS", 2)
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    out = tmp_path / "a.csv"
    failed = cli.fails("export", "activities", "--output", str(out), code=1)
    assert failed.stderr.startswith("error: export: a part of the export failed: ")
    assert "not a salestrack database" in failed.stderr and failed.stderr.count("\n") == 1
    assert not out.exists() and list(temp.iterdir()) == []


def test_every_formula_start_is_below_a() -> None:
    """The SQLite CSV export skips the formula check for text from "A" (65) up."""
    from salestrack.interchange.export import FORMULA_START

    assert max(map(ord, (*FORMULA_START, "'"))) < ord("A")
