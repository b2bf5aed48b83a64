"""The installed ``salestrack`` script in real subprocesses: start-up stays lean."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "pydantic", "rich", "dateutil")


def run(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)


def modules(args: list[str], env_extra: dict[str, str] | None = None) -> set[str]:
    """The modules imported while running ``salestrack ARGS``, which must succeed: a command
    that fails early would import little and pass for lean."""
    result = run(sys.executable, "-X", "importtime", "-m", "salestrack", *args, env_extra=env_extra)
    assert result.returncode == 0, (args, result.stderr.splitlines()[-3:])
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


def imported(args: list[str], env_extra: dict[str, str] | None = None) -> set[str]:
    """The top-level packages imported while running ``salestrack ARGS``."""
    return {name.split(".")[0] for name in modules(args, env_extra)}


def test_entry_point_and_module_both_work() -> None:
    exe = shutil.which("salestrack")
    assert exe, "salestrack is not installed (pip install -e '.[test]')"
    from salestrack import __version__

    assert run(exe, "--version").stdout == f"salestrack {__version__}\n"
    assert run(sys.executable, "-m", "salestrack", "--version").stdout == (
        f"salestrack {__version__}\n"
    )


def test_help_and_log_do_not_import_heavy_libraries(db_path: Path) -> None:
    assert not (imported(["--help"]) & set(HEAVY))
    assert not (imported(["log", "call", "--help"]) & set(HEAVY))
    # the first command creates the database (through Alembic) ...
    first = run("salestrack", "log", "call", "Acme Corp", "-o", "connected")
    assert first.returncode == 0, first.stderr
    # ... every capture after it stays on the lean path
    heavy = imported(["log", "call", "Acme", "-o", "voicemail", "-d", "2m", "-i", "pain: x",
                      "--next", "call back", "--due", "tomorrow 9am", "-w", "a win"])  # fmt: skip
    assert not (heavy & set(HEAVY)), heavy & set(HEAVY)
    assert not (imported(["intel", "Acme"]) & set(HEAVY))  # the brief reads with sqlite3
    assert imported(["db", "upgrade"]) >= {"sqlalchemy"}  # the check can see imports


ORM = ("sqlalchemy", "sqlmodel", "alembic", "pydantic")


def test_every_interactive_command_reads_without_the_orm(db_path: Path) -> None:
    """One data path: on a current database no command a salesperson types between dials
    imports SQLAlchemy, SQLModel, Alembic or pydantic."""
    first = run("salestrack", "log", "call", "Acme Corp", "-o", "connected", "-q", "4352",
                "--next", "send deck", "--due", "tomorrow 9am")  # fmt: skip
    assert first.returncode == 0, first.stderr
    ident = first.stdout.strip()[:8]
    commands = [
        ["prospect", "list"], ["prospect", "show", "Acme"], ["stages"], ["db", "status"],
        ["next"], ["pipeline"], ["pipeline", "--gaps"], ["wins"], ["baseline"], ["quality"],
        ["intel", "Acme"], ["edit", ident, "-d", "5m"], ["prospect", "add", "Beta"],
        ["prospect", "stage", "Beta", "qualified"], ["activity", "list", "--today"],
        ["activity", "show", ident], ["today"], ["search", "deck"], ["contact", "list"],
        ["contact", "add", "Acme", "Dana"], ["contact", "show", "Acme", "Dana"], ["undo"],
    ]  # fmt: skip
    for args in commands:
        found = imported(args) & set(ORM)
        assert not found, (args, found)


def test_capture_prints_id_on_stdout_and_one_line_on_stderr(db_path: Path) -> None:
    result = run("salestrack", "log", "call", "Acme Corp", "-o", "gatekeeper")
    assert result.returncode == 0
    assert len(result.stdout.strip()) == 36
    # the first write made the database, and says where, once
    assert result.stderr.splitlines()[1:] == [f"created the database {db_path}"]
    again = run("salestrack", "log", "call", "Acme Corp", "-o", "busy")
    assert again.stderr.count("\n") == 1 and again.stderr.startswith("logged call")


def test_a_read_on_a_path_with_no_database_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "x" / "none.db"
    result = run("salestrack", "prospect", "list", "--db", str(missing))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"error: no database at {missing}; a command that writes creates it "
        "(salestrack prospect add NAME), or check --db / SALESTRACK_DB\n"
    )
    assert not (tmp_path / "x").exists()


def test_a_write_that_fails_on_a_new_path_leaves_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "x" / "y" / "new.db"
    bad = run("salestrack", "config", "set", "cadence", "{days: 99}", "--db", str(missing))
    assert bad.returncode == 1 and bad.stderr.startswith("error: cadence: not JSON")
    assert "created the database" not in bad.stderr
    assert not (tmp_path / "x").exists()  # no file, no journal, no folder made for it
    moved = run("salestrack", "log", "call", "Acme", "-o", "banana", "--db", str(missing))
    assert moved.returncode == 2 and not (tmp_path / "x").exists()
    good = run("salestrack", "log", "call", "Acme", "-o", "busy", "--db", str(missing))
    assert good.returncode == 0 and missing.exists()


def test_errors_have_no_traceback(db_path: Path) -> None:
    result = run("salestrack", "log", "call", "Acme", "-o", "connected", "--at", "someday")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: --at: can't read 'someday'")
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    usage = run("salestrack", "log", "call")
    assert usage.returncode == 2 and "Missing argument" in usage.stderr


def test_completion_lists_prospects_without_sqlalchemy(db_path: Path) -> None:
    assert run("salestrack", "log", "call", "Acme Corp", "-o", "busy").returncode == 0
    assert run("salestrack", "log", "call", "Acme Labs", "-o", "busy").returncode == 0
    assert run("salestrack", "log", "call", "Beta", "-o", "busy").returncode == 0
    env = {
        "_SALESTRACK_COMPLETE": "complete_bash",
        "COMP_WORDS": "salestrack log call Ac",
        "COMP_CWORD": "3",
    }
    # bash inserts a completion as it is, so the space is escaped (zsh quotes by itself)
    assert run("salestrack", env_extra=env).stdout.splitlines() == ["Acme\\ Corp", "Acme\\ Labs"]
    completing = modules([], env_extra=env)
    assert not ({name.split(".")[0] for name in completing} & set(HEAVY))
    # nor capture's rules: completing a name needs the command's options and the name key
    assert not completing & {"salestrack.rules", "salestrack.dates", "salestrack.domain"}
    zsh = {"_SALESTRACK_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "salestrack log call Be"}
    assert run("salestrack", env_extra=zsh).stdout == "_arguments '*: :((\"Beta\"))'\n"


def test_usage_errors_are_one_exact_line_in_a_real_process(db_path: Path) -> None:
    missing = run("salestrack", "log", "call")
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == "error: Missing argument 'PROSPECT'. (see: salestrack log call -h)\n"
    option = run("salestrack", "--bogus")
    assert (option.returncode, option.stderr) == (
        2,
        "error: No such option: --bogus (see: salestrack -h)\n",
    )
    bare = run("salestrack", "log")
    assert bare.returncode == 2 and bare.stdout == ""
    assert bare.stderr.startswith("Usage: salestrack log [OPTIONS] COMMAND [ARGS]...\n")
    assert "call     Log a call." in bare.stderr and "error" not in bare.stderr


def test_the_command_runs_with_collection_on_and_start_up_frozen(db_path: Path) -> None:
    """The console script collects no garbage during start-up (cli.main) but the command
    itself runs with collection on (a long import must free its cycles), with what start-up
    made frozen out of it."""
    probe = (
        "import gc, sys\n"
        "from salestrack.cli import AppGroup, main\n"
        "run = AppGroup._invoke\n"
        "def seen(self, ctx):\n"
        "    print('collecting', gc.isenabled(), 'frozen', gc.get_freeze_count() > 1000)\n"
        "    return run(self, ctx)\n"
        "AppGroup._invoke = seen\n"
        "sys.argv = ['salestrack', 'db', 'path']\n"
        "main()\n"
    )
    result = run(sys.executable, "-c", probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "collecting True frozen True"
