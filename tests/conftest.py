"""Test set-up: every test gets its own SQLite file, a frozen clock and a fixed time zone.

PostgreSQL tests use the server named by ``SALESTRACK_TEST_PG_URL``; without it, a throwaway
cluster is started from Debian's postgresql package (as the ``postgres`` user when running
as root) and stopped at the end. Set ``SALESTRACK_REQUIRE_PG=1`` (CI does) to fail instead of
skipping when no server can be had.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

# Friday 20 November 2026, 15:00 in London (UTC+0 in winter).
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def env_setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    db = tmp_path / "data" / "sales.db"
    monkeypatch.setenv("SALESTRACK_DB", str(db))
    monkeypatch.setenv("SALESTRACK_NOW", NOW.isoformat())
    monkeypatch.setenv("SALESTRACK_REP", "tester")
    monkeypatch.setenv("TZ", "Europe/London")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / ".local" / "share"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("SALESTRACK_DEBUG", raising=False)
    time.tzset()
    yield db


@pytest.fixture
def db_path(env_setup: Path) -> Path:
    return env_setup


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli() -> Cli:
    return Cli()


class Cli:
    """Runs the real command tree in-process with stdout and stderr kept apart."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        from salestrack.cli import app

        result = self.runner.invoke(app, list(args), input=input, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    def ok(self, *args: str, input: str | None = None) -> Result:
        result = self(*args, input=input)
        assert result.exit_code == 0, f"exit {result.exit_code}: {result.stderr}"
        return result

    def fails(self, *args: str, code: int = 1) -> Result:
        result = self(*args)
        assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout
        return result


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, to prove a failed command changed nothing."""
    db = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        found = {
            t: sorted(db.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
            for t in tables
            # FTS5's own storage is compared by its words; the index's document numbers are
            # its own, so documents are named by the row they index
            if not t.startswith("search_index") and t != "search_docs"
        }
        if "search_docs" in tables:
            found["search_docs"] = sorted(
                db.execute("SELECT kind, row_id, prospect_id, at FROM search_docs").fetchall(),
                key=repr,
            )
        if "search_index" in tables:  # the full-text index as the words each document holds
            db.execute(
                "CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, search_index, instance)"
            )
            found["search_index"] = sorted(
                db.execute(
                    "SELECT w.term, d.row_id, w.offset FROM temp.words w "
                    "JOIN search_docs d ON d.doc = w.doc"
                ).fetchall(),
                key=repr,
            )
        return found
    finally:
        db.close()


def rows(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


# --- PostgreSQL -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def _as_postgres(command: str) -> list[str]:
    if os.geteuid() == 0:
        return ["su", "postgres", "-s", "/bin/sh", "-c", command]
    return ["/bin/sh", "-c", command]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A PostgreSQL server URL (superuser), started for the session when needed."""
    url = os.environ.get("SALESTRACK_TEST_PG_URL")
    if url:
        yield url
        return
    bindir = _pg_bin()
    if bindir is None:
        if os.environ.get("SALESTRACK_REQUIRE_PG"):
            pytest.fail("PostgreSQL is required (SALESTRACK_REQUIRE_PG) but not installed")
        pytest.skip("PostgreSQL not installed; apt-get install postgresql")
    base = Path(tempfile.mkdtemp(prefix="salestrack-pg-"))
    data = base / "data"
    port = _free_port()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    os.chmod(base, 0o700)
    log = base / "server.log"
    subprocess.run(
        _as_postgres(f"{bindir}/initdb -D {data} -U postgres -A trust --no-sync >/dev/null"),
        check=True,
    )
    subprocess.run(
        _as_postgres(
            f"{bindir}/pg_ctl -D {data} -l {log} -w -o "
            f"'-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off' start >/dev/null"
        ),
        check=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres(f"{bindir}/pg_ctl -D {data} -m immediate stop >/dev/null"), check=False
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty database on the server for one test."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    plain = pg_server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield pg_server.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
