"""``db path|status|upgrade|backup``, migrations, permissions and unusable databases."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from salestrack import config
from salestrack.store import migrate, revision
from salestrack.store.engine import make_engine
from salestrack.store.fulltext import modelled
from tests.conftest import Cli, dump, rows


def test_head_constant_matches_alembic() -> None:
    assert migrate.head() == revision.HEAD
    assert migrate.known_revisions() == set(revision.KNOWN)


def test_blank_database_migrates_to_the_models(db_path: Path) -> None:
    target = config.target_from(str(db_path))
    done = migrate.upgrade(target)
    assert (done.from_revision, done.to_revision, done.backup) == (None, revision.HEAD, None)
    engine = make_engine(target)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": modelled}
        )
        assert compare_metadata(context, SQLModel.metadata) == []
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
    engine.dispose()
    again = migrate.upgrade(target)
    assert again.from_revision == again.to_revision == revision.HEAD


def test_new_file_is_private(cli: Cli, db_path: Path) -> None:
    cli.ok("log", "call", "Acme", "-o", "busy")
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700


def test_default_location_is_the_user_data_dir(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SALESTRACK_DB")
    expected = tmp_path / "home" / ".local" / "share" / "salestrack" / "salestrack.db"
    assert cli.ok("db", "path").stdout.strip() == str(expected)
    cli.ok("log", "call", "Acme", "-o", "busy")
    assert expected.exists()
    assert stat.S_IMODE(expected.parent.stat().st_mode) == 0o700
    other = tmp_path / "other.db"
    assert cli.ok("--db", str(other), "db", "path").stdout.strip() == str(other)


def test_status_reports_revision_and_counts(cli: Cli, db_path: Path) -> None:
    before = json.loads(cli.ok("db", "status", "-f", "json").stdout)
    assert before["exists"] is False and before["chosen_by"] == "SALESTRACK_DB"
    assert not db_path.exists(), "status must not create the database"
    cli.ok("log", "call", "Acme", "-o", "connected", "-w", "a win")
    status = json.loads(cli.ok("db", "status", "-f", "json").stdout)
    assert status["revision"] == status["head"] == revision.HEAD
    assert status["state"] == "current"
    # the explicit win and the first decision-maker conversation
    assert status["counts"]["activities"] == 1 and status["counts"]["wins"] == 2


def test_upgrade_command(cli: Cli, db_path: Path) -> None:
    first = cli.ok("db", "upgrade")
    assert first.stderr == f"upgraded {db_path}: new -> {revision.HEAD}\n"
    second = cli.ok("db", "upgrade")
    assert "already at the newest schema" in second.stderr


def test_backup_is_a_consistent_copy(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    cli.ok("log", "call", "Acme", "-o", "connected")
    dest = tmp_path / "copy.db"
    result = cli.ok("db", "backup", str(dest))
    assert result.stdout.strip() == str(dest)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    assert dump(dest) == dump(db_path)
    assert "already exists" in cli.fails("db", "backup", str(dest)).stderr
    default = Path(cli.ok("db", "backup").stdout.strip())
    assert default.parent == db_path.parent and default.name.startswith("sales.db.")
    assert rows(default, "SELECT count(*) FROM activities") == [(1,)]


def test_newer_database_is_refused_and_untouched(cli: Cli, db_path: Path) -> None:
    cli.ok("log", "call", "Acme", "-o", "busy")
    db = sqlite3.connect(db_path)
    db.execute("UPDATE alembic_version SET version_num = '9999'")
    db.commit()
    db.close()
    before = dump(db_path)
    for args in (["log", "call", "Acme", "-o", "busy"], ["prospect", "list"], ["db", "upgrade"]):
        result = cli.fails(*args)
        assert "schema revision 9999, newer than this salestrack knows" in result.stderr
        assert "pip install -U salestrack" in result.stderr
    assert dump(db_path) == before


def test_file_that_is_not_a_database(cli: Cli, db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_text("these are my notes, not a database\n")
    for args in (["log", "call", "Acme", "-o", "busy"], ["prospect", "list"], ["db", "status"]):
        result = cli.fails(*args)
        assert result.stderr == (
            f"error: '{db_path}' is not a salestrack database (not a SQLite file); "
            "point --db or SALESTRACK_DB at another file\n"
        )
    assert db_path.read_text() == "these are my notes, not a database\n"


def test_foreign_sqlite_database_is_refused(cli: Cli, db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db = sqlite3.connect(db_path)
    db.execute("CREATE TABLE recipes (name TEXT)")
    db.commit()
    db.close()
    result = cli.fails("log", "call", "Acme", "-o", "busy")
    assert "holds tables that are not salestrack's" in result.stderr
    assert rows(db_path, "SELECT name FROM sqlite_master WHERE type='table'") == [("recipes",)]


def test_unwritable_folder(tmp_path: Path) -> None:
    """In a real process; as root, without the capabilities that ignore file modes."""
    from tests.test_readonly import _run

    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = _run(str(locked / "x.db"), ["log", "call", "Acme", "-o", "busy"])
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert "can't create the database" in result.stderr
    assert list(locked.iterdir()) == []


def test_path_under_a_file_is_a_clear_error(cli: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    result = cli.fails("--db", str(blocker / "sub" / "x.db"), "log", "call", "A", "-o", "busy")
    assert result.stderr.startswith(f"error: can't create the folder '{blocker / 'sub'}'")


def test_database_path_that_is_a_folder(cli: Cli, tmp_path: Path) -> None:
    result = cli.fails("--db", str(tmp_path), "prospect", "list")
    assert result.stderr == (
        f"error: database path '{tmp_path}' is a folder; give a file name inside it\n"
    )


def test_locked_database_is_a_clear_error(cli: Cli, db_path: Path) -> None:
    cli.ok("log", "call", "Acme", "-o", "busy")
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        import salestrack.store.files as files_module

        old = files_module.BUSY_TIMEOUT_MS
        files_module.BUSY_TIMEOUT_MS = 100
        try:
            result = cli.fails("log", "call", "Acme", "-o", "busy")
        finally:
            files_module.BUSY_TIMEOUT_MS = old
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.stderr == (
        f"error: the database '{db_path}' is busy (another salestrack is writing); try again\n"
    )
    assert rows(db_path, "SELECT count(*) FROM activities") == [(1,)]


def test_urls_are_masked(cli: Cli) -> None:
    url = "postgresql+psycopg://rep:s3cret@127.0.0.1:1/nowhere"
    assert cli.ok("--db", url, "db", "path").stdout.strip() == (
        "postgresql+psycopg://rep:***@127.0.0.1:1/nowhere"
    )
    result = cli.fails("--db", url, "prospect", "list")
    assert "s3cret" not in result.stderr + result.stdout
    assert "rep:***@127.0.0.1" in result.stderr


def test_db_option_holds_for_its_own_invocation_only(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.db"
    assert cli.ok("--db", str(other), "db", "path").stdout == f"{other}\n"
    cli.ok("--db", str(other), "log", "call", "Acme", "-o", "busy")
    assert cli.ok("db", "path").stdout == f"{db_path}\n"  # the next invocation: the default
    assert rows(other, "SELECT count(*) FROM activities") == [(1,)]
    assert not db_path.exists()


def test_completion_honours_the_db_option(tmp_path: Path) -> None:
    import typer

    from salestrack.cli import app
    from salestrack.cli.complete import complete_prospect

    other = tmp_path / "other.db"
    Cli().ok("--db", str(other), "log", "call", "Acme Corp", "-o", "busy")
    command = typer.main.get_command(app)
    ctx = command.make_context("salestrack", ["--db", str(other)], resilient_parsing=True)
    assert complete_prospect(ctx, "ac") == ["Acme Corp"]


def test_two_backups_in_the_same_second_both_succeed(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    cli.ok("log", "call", "Acme", "--new", "-o", "connected")
    first = Path(cli.ok("db", "backup").stdout.strip())
    second = Path(cli.ok("db", "backup").stdout.strip())  # the frozen clock: the same second
    third = Path(cli.ok("db", "backup").stdout.strip())
    assert first.name == f"{db_path.name}.20261120T150000Z.bak"
    assert second.name == f"{db_path.name}.20261120T150000Z-2.bak"
    assert third.name == f"{db_path.name}.20261120T150000Z-3.bak"
    folder = tmp_path / "backups"
    folder.mkdir()
    in_folder = [Path(cli.ok("db", "backup", str(folder)).stdout.strip()) for _ in range(2)]
    assert [p.name for p in in_folder] == [
        "sales-20261120T150000Z.db",
        "sales-20261120T150000Z-2.db",
    ]
    for copy in (first, second, third, *in_folder):
        assert rows(copy, "SELECT count(*) FROM activities") == [(1,)]
    named = tmp_path / "mine.db"
    cli.ok("db", "backup", str(named))
    again = cli.fails("db", "backup", str(named))  # a name you chose is never replaced
    assert "already exists" in again.stderr
    assert not list(tmp_path.glob("**/*.part"))


def test_a_revision_we_never_wrote_is_unknown_not_newer(cli: Cli, db_path: Path) -> None:
    cli.ok("log", "call", "Acme", "--new", "-o", "busy")
    db = sqlite3.connect(db_path)
    db.execute("UPDATE alembic_version SET version_num = 'abc'")
    db.commit()
    db.close()
    before = dump(db_path)
    for args in (["prospect", "list"], ["db", "upgrade"]):
        result = cli.fails(*args)
        assert "schema revision 'abc', which salestrack never wrote" in result.stderr
        assert "newer" not in result.stderr
    assert dump(db_path) == before


def test_another_applications_sqlite_file_is_refused_untouched(cli: Cli, tmp_path: Path) -> None:
    import hashlib

    other = tmp_path / "notes.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    db.execute("INSERT INTO notes (body) VALUES ('mine')")
    db.commit()
    db.close()
    digest = hashlib.sha256(other.read_bytes()).hexdigest()
    for args in (
        ["prospect", "list"],
        ["log", "call", "Acme", "--new", "-o", "busy"],
        ["db", "upgrade"],
    ):
        result = cli.fails("--db", str(other), *args)
        assert "holds tables that are not salestrack's" in result.stderr, args
    assert hashlib.sha256(other.read_bytes()).hexdigest() == digest  # not even switched to WAL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite"]  # no -wal, no -shm
