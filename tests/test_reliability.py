"""Reliability: concurrent writers, crashes, backups while writing, restores, upgrades of old
databases, and fuzzed input. Real files and real processes throughout."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salestrack import dates
from salestrack.store import revision
from tests.conftest import NOW, Cli, dump, rows

FIXTURES = Path(__file__).parent / "fixtures"
SLOW = pytest.mark.slow

# One process logging many calls, paying start-up once (as `salestrack dial` would).
WRITER = """
import sys
from salestrack.cli import app
from typer.testing import CliRunner
runner = CliRunner()
name, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    result = runner.invoke(app, ["log", "call", name, "--new", "-o", "connected",
                                 "-n", f"call {i}"])
    if result.exit_code != 0:
        sys.stderr.write(result.stderr)
        sys.exit(1)
"""


def env(db: Path) -> dict[str, str]:
    out = {**os.environ, "SALESTRACK_DB": str(db)}
    out.pop("SALESTRACK_NOW", None)
    return out


@SLOW
def test_four_processes_log_a_thousand_calls_and_lose_none(db_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "salestrack", "db", "upgrade"], env=env(db_path),
                   check=True, capture_output=True)  # fmt: skip
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, f"Prospect {n}", "250"],
            env=env(db_path),
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    assert not any("locked" in e for e in errors)
    assert rows(db_path, "SELECT count(*) FROM activities") == [(1000,)]
    per = rows(db_path, "SELECT p.name, count(*) FROM activities a JOIN prospects p "
                        "ON p.id = a.prospect_id GROUP BY 1 ORDER BY 1")  # fmt: skip
    assert per == [(f"Prospect {n}", 250) for n in range(4)]
    assert rows(db_path, "PRAGMA integrity_check") == [("ok",)]


def big_csv(path: Path, n: int) -> None:
    with path.open("w", newline="") as handle:
        handle.write("prospect,kind,outcome,occurred_at,notes\r\n")
        for i in range(n):
            handle.write(
                f"Acme,call,voicemail,2026-11-{1 + i % 19:02d} 10:{i % 60:02d},row {i}\r\n"
            )


@SLOW
def test_a_killed_import_leaves_all_or_nothing(db_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "big.csv"
    big_csv(source, 40_000)
    subprocess.run([sys.executable, "-m", "salestrack", "log", "call", "Acme", "--new", "-o",
                    "busy"], env=env(db_path), check=True, capture_output=True)  # fmt: skip
    rng = random.Random(3)
    outcomes = []
    for _ in range(4):
        proc = subprocess.Popen(
            [sys.executable, "-m", "salestrack", "import", "activities", str(source)],
            env=env(db_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rng.uniform(0.4, 2.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert rows(db_path, "PRAGMA integrity_check") == [("ok",)]
        count = rows(db_path, "SELECT count(*) FROM activities")[0][0]
        outcomes.append(count)
        assert count in (1, 40_001) or (count - 1) % 40_000 == 0, count  # whole imports only
    listing = [sys.executable, "-m", "salestrack", "prospect", "list", "-f", "csv"]
    next_command = subprocess.run(listing, env=env(db_path), capture_output=True, text=True)
    assert next_command.returncode == 0 and "Acme" in next_command.stdout


def old_database(path: Path, rev: str = "0001") -> dict[str, int]:
    """A database as revision ``rev`` left it, from the committed SQL fixture."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.executescript((FIXTURES / f"rev{rev}.sql").read_text(encoding="utf-8"))
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    db.close()
    os.chmod(path, 0o600)
    return counts


def test_a_first_revision_database_upgrades_with_every_row(cli: Cli, db_path: Path) -> None:
    before = old_database(db_path)
    assert rows(db_path, "SELECT version_num FROM alembic_version") == [("0001",)]
    old_rows = dump(db_path)
    cli.ok("db", "upgrade")
    assert rows(db_path, "SELECT version_num FROM alembic_version") == [(revision.HEAD,)]
    after = dump(db_path)
    for table, n in before.items():
        if table == "alembic_version":
            continue
        assert n > 0, f"the fixture has no {table}"
        width = len(old_rows[table][0])  # later revisions add columns, empty on old rows
        assert [r[:width] for r in after[table]] == old_rows[table], table
        # stage_since and quality's activity_at are filled in (below)
        added = width + 1 if table in ("prospects", "quality") else width
        if table == "settings":  # settings from before 0012 are the team's (owner '')
            assert {r[width:] for r in after[table]} == {("",)}
            continue
        assert all(v is None for r in after[table] for v in r[added:]), table
    # stage_since is filled in from each prospect's stage history
    latest = dict(
        rows(db_path, "SELECT prospect_id, max(changed_at) FROM stage_changes GROUP BY 1")
    )
    since = dict(rows(db_path, "SELECT id, stage_since FROM prospects"))
    assert since == {pid: latest.get(pid) for pid in since} and len(since) == before["prospects"]
    # and each score's activity_at from its activity's time
    scored = rows(db_path, "SELECT q.activity_at, a.occurred_at FROM quality q "
                           "JOIN activities a ON a.id = q.activity_id")  # fmt: skip
    assert len(scored) == before["quality"] and all(at == held for at, held in scored)
    # every row reads back through the models
    from sqlmodel import Session, select

    from salestrack import config
    from salestrack.models import TABLES
    from salestrack.store.engine import make_engine

    engine = make_engine(config.target_from(str(db_path)), write=False)
    with Session(engine) as db:
        for table, model in TABLES.items():
            assert len(db.exec(select(model)).all()) == before.get(table, 0), (
                table
            )  # tables of a later revision: none
    engine.dispose()
    backups = list(db_path.parent.glob("sales.db.*.before-*.bak"))
    assert len(backups) == 1 and dump(backups[0]) == old_rows
    assert not list(db_path.parent.glob("*.part"))


@SLOW
def test_a_killed_migration_leaves_the_old_or_the_new_schema(db_path: Path) -> None:
    for trial in range(4):
        for leftover in db_path.parent.glob("sales.db*"):
            leftover.unlink()
        old_database(db_path)
        proc = subprocess.Popen([sys.executable, "-m", "salestrack", "db", "upgrade"],
                                env=env(db_path), stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(0.05 + 0.1 * trial)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert rows(db_path, "PRAGMA integrity_check") == [("ok",)]
        version = rows(db_path, "SELECT version_num FROM alembic_version")
        assert version in ([("0001",)], [(revision.HEAD,)])
        after = subprocess.run([sys.executable, "-m", "salestrack", "db", "upgrade"],
                               env=env(db_path), capture_output=True, text=True)  # fmt: skip
        assert after.returncode == 0, after.stderr
        assert rows(db_path, "SELECT version_num FROM alembic_version") == [(revision.HEAD,)]
        assert rows(db_path, "SELECT count(*) FROM activities") == [(61,)]


@SLOW
def test_backups_taken_while_another_process_writes_are_consistent(
    db_path: Path, tmp_path: Path
) -> None:
    subprocess.run([sys.executable, "-m", "salestrack", "db", "upgrade"], env=env(db_path),
                   check=True, capture_output=True)  # fmt: skip
    writer = subprocess.Popen([sys.executable, "-c", WRITER, "Busy Ltd", "300"],
                              env=env(db_path), stderr=subprocess.PIPE, text=True)  # fmt: skip
    copies = []
    while writer.poll() is None and len(copies) < 6:
        copy = tmp_path / f"copy{len(copies)}.db"
        done = subprocess.run([sys.executable, "-m", "salestrack", "db", "backup", str(copy)],
                              env=env(db_path), capture_output=True, text=True)  # fmt: skip
        assert done.returncode == 0, done.stderr
        copies.append(copy)
    writer.communicate(timeout=300)
    assert writer.returncode == 0
    counts = []
    for copy in copies:
        assert rows(copy, "PRAGMA integrity_check") == [("ok",)]
        counts.append(rows(copy, "SELECT count(*) FROM activities")[0][0])
        # every activity in a copy is whole: its prospect is there too
        assert rows(copy, "SELECT count(*) FROM activities a LEFT JOIN prospects p "
                          "ON p.id = a.prospect_id WHERE p.id IS NULL") == [(0,)]  # fmt: skip
    assert counts == sorted(counts) and counts[-1] <= 300
    assert rows(db_path, "SELECT count(*) FROM activities") == [(300,)]


def test_restore_keeps_the_replaced_file(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    cli.ok("log", "call", "Acme", "--new", "-o", "connected")
    saved = Path(cli.ok("db", "backup", str(tmp_path / "saved.db")).stdout.strip())
    cli.ok("log", "call", "Beta", "--new", "-o", "connected")
    current = dump(db_path)
    assert "--yes" in cli.fails("db", "restore", str(saved), code=2).stderr
    out = cli.ok("db", "restore", str(saved), "--yes")
    kept = Path(out.stderr.rsplit(" in ", 1)[1].strip())
    assert dump(kept) == current
    assert [r[0] for r in rows(db_path, "SELECT name FROM prospects")] == ["Acme"]
    cli.ok("log", "call", "Acme", "-o", "voicemail")  # and it is usable
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")
    before = dump(db_path)
    assert "not a salestrack database" in cli.fails("db", "restore", str(notes), "-y").stderr
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).execute("CREATE TABLE x (a)").connection.close()
    assert "not a salestrack database" in cli.fails("db", "restore", str(empty), "-y").stderr
    assert dump(db_path) == before


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_date_text_parses_or_gives_a_clear_error(text: str) -> None:
    for prefer in ("past", "future"):
        try:
            when = dates.parse_when(text, now=NOW, prefer=prefer)  # type: ignore[arg-type]
        except dates.DateParseError as exc:
            assert str(exc) and "\n" not in str(exc)
        else:
            assert when.tzinfo is not None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_any_duration_text_parses_or_gives_a_clear_error(text: str) -> None:
    try:
        seconds = dates.parse_duration(text)
    except dates.DurationParseError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert 0 < seconds <= 86400


NAMES = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=30
) | st.sampled_from([
    "Robert'); DROP TABLE prospects;--", "[bold]Acme[/bold]", "O'Brien & Sons", '"Quoted"',
    "Ünïcödé GmbH", "名前株式会社", "%_LIKE_%", "\\x00", "a" * 300,
])  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(NAMES)
def test_any_prospect_name_is_stored_verbatim_or_refused_cleanly(
    cli: Cli, db_path: Path, name: str
) -> None:
    before = dump(db_path) if db_path.exists() else None
    result = cli("log", "call", "--new", "-o", "connected", "--", name)  # '--help' is a name
    assert "Traceback" not in result.stderr
    if result.exit_code == 0:
        last = "SELECT prospect_id FROM activities ORDER BY created_at DESC, rowid DESC LIMIT 1"
        stored = rows(db_path, f"SELECT name FROM prospects WHERE id = ({last})")
        assert stored == [(name.strip(),)] or stored == [(" ".join(name.split()),)]
        cli.ok("undo")
    else:
        assert result.exit_code in (1, 2) and result.stderr.count("\n") == 1
        if before is not None:
            assert dump(db_path) == before
    if db_path.exists():
        tables = "SELECT count(*) FROM sqlite_master WHERE name = 'prospects'"
        assert rows(db_path, tables) == [(1,)]


CELLS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(CELLS, CELLS, CELLS, CELLS), min_size=1, max_size=5))
def test_any_import_rows_load_or_fail_with_nothing_written(
    cli: Cli, db_path: Path, tmp_path: Path, cells: list[tuple[str, str, str, str]]
) -> None:
    cli.ok("db", "upgrade")
    source = tmp_path / "rows.csv"
    import csv

    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["prospect", "kind", "outcome", "occurred_at"])
        writer.writerows(cells)
    before = dump(db_path)
    result = cli("import", "activities", str(source))
    assert "Traceback" not in result.stderr
    if result.exit_code != 0:
        assert result.exit_code in (1, 2)
        assert dump(db_path) == before
    else:
        assert rows(db_path, "PRAGMA foreign_key_check") == []


def test_big_notes_and_files_that_are_not_databases(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    cli.ok("log", "note", "Acme", "--new", "-n", "x" * 1_000_000)
    assert rows(db_path, "SELECT length(notes) FROM activities") == [(1_000_000,)]
    too_big = cli.fails("log", "note", "Acme", "-n", "x" * 1_000_001)
    assert "--note" in too_big.stderr and "1 MB" in too_big.stderr
    fake = tmp_path / "fake.db"
    fake.write_text("hello")
    out = cli.fails("--db", str(fake), "log", "call", "Acme", "--new", "-o", "busy")
    assert "not a salestrack database" in out.stderr
    assert fake.read_text() == "hello"


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tiny filesystem needs root")
def test_a_full_disk_gives_a_clear_error(cli: Cli, tmp_path: Path) -> None:
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=900k", "tmpfs", str(mount)],
                          capture_output=True)  # fmt: skip
    if done.returncode != 0:
        pytest.skip("this machine can't mount a tmpfs")
    try:
        db = mount / "sales.db"
        cli.ok("--db", str(db), "log", "call", "Acme", "--new", "-o", "busy")
        before = dump(db)
        result = cli("--db", str(db), "log", "note", "Acme", "-n", "x" * 900_000)
        assert result.exit_code == 1 and "Traceback" not in result.stderr
        assert "full" in result.stderr
        assert dump(db) == before
    finally:
        subprocess.run(["umount", str(mount)], check=False)
