"""A database salestrack can read but not write: a SQLite file mode 0444, in a folder that
may be read-only too, and a PostgreSQL role with only SELECT. Every read works; every write
says "read-only" in one line, exit 1, and nothing changes.

Root ignores file permissions, so as root the commands run in a real process without the
capabilities that let root do so (``setpriv`` drops CAP_DAC_OVERRIDE and
CAP_DAC_READ_SEARCH): the file's mode then holds for it as for anyone.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.conftest import Cli
from tests.test_team import as_user, plain

READS = [
    ["prospect", "list"],
    ["prospect", "show", "Acme"],
    ["pipeline"],
    ["next"],
    ["intel", "Acme"],
    ["baseline"],
    ["today"],
    ["wins"],
    ["search", "deck"],
    ["activity", "list"],
    ["config"],
    ["stages"],
    ["export", "all"],
    ["export", "activities", "-f", "csv"],
    ["db", "status"],
]
WRITES = [
    ["log", "call", "Acme", "-o", "busy"],
    ["prospect", "add", "Zed"],
    ["focus", "value"],
    ["config", "set", "rep_name", "Ann"],
    ["next", "--set", "overdue=3"],
    ["undo"],
]


def _unprivileged() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("root ignores file permissions and setpriv is not installed")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}"]


def _run(db: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SALESTRACK_DB": db}
    return subprocess.run(
        [*_unprivileged(), sys.executable, "-m", "salestrack", *args],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("folder_too", [False, True], ids=["file", "file-and-folder"])
def test_a_read_only_sqlite_file_reads_and_refuses_writes(
    cli: Cli, tmp_path: Path, folder_too: bool
) -> None:
    folder = tmp_path / "shared"
    db = folder / "sales.db"
    cli.ok("--db", str(db), "log", "call", "Acme", "--new", "-o", "connected", "--next", "deck",
           "--due", "mon", "-w", "a win")  # fmt: skip
    assert sorted(p.name for p in folder.iterdir()) == ["sales.db"]  # closed cleanly
    db.chmod(0o444)
    if folder_too:
        folder.chmod(0o555)
    try:
        before = _digest(folder)
        for args in READS:
            result = _run(str(db), args)
            assert result.returncode == 0, (args, result.stderr)
            assert "Traceback" not in result.stderr
        assert "Acme" in _run(str(db), ["prospect", "list", "-f", "csv"]).stdout
        for args in WRITES:
            result = _run(str(db), args)
            assert (result.returncode, result.stdout) == (1, ""), (args, result.stderr)
            assert result.stderr == (
                f"error: the database '{db}' is read-only; fix its permissions or use another "
                "--db\n"
            ), args
        if folder_too:
            assert _digest(folder) == before  # not even a -wal or -shm beside it
        else:
            assert _digest(folder)["sales.db"] == before["sales.db"]
    finally:
        folder.chmod(0o700)
        db.chmod(0o600)


@pytest.mark.postgres
def test_a_role_with_only_select_reads_and_refuses_writes(
    cli: Cli, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SALESTRACK_REP")
    cli.ok("--db", pg_url, "log", "call", "Acme", "--new", "-o", "connected", "--next", "deck",
           "--due", "mon", "-w", "a win")  # fmt: skip
    with psycopg.connect(plain(pg_url), autocommit=True) as db:
        db.execute("DROP ROLE IF EXISTS viewer")
        db.execute("CREATE ROLE viewer LOGIN")
        db.execute("GRANT USAGE ON SCHEMA public TO viewer")
        db.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO viewer")
    viewer = as_user(pg_url, "viewer")
    for args in READS:
        if args[0] == "db":
            continue
        assert cli(*["--db", viewer, *args]).exit_code == 0, args
    for args in WRITES:
        if args == ["undo"]:
            continue
        err = cli.fails("--db", viewer, *args).stderr
        assert err.startswith(f"error: the database '{viewer}' is read-only for this user "
                              "(permission denied for table "), (args, err)  # fmt: skip
        assert err.endswith("); ask its administrator for the rights, or use another --db\n")
        assert err.count("\n") == 1
    with psycopg.connect(plain(pg_url), autocommit=True) as db:
        assert db.execute("SELECT count(*) FROM activities").fetchone() == (1,)
        db.execute("DROP OWNED BY viewer")
        db.execute("DROP ROLE viewer")
