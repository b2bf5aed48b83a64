"""``db status`` shows exact counts read from ``row_counts`` (revision 0009): the triggers keep
them equal to the tables through every kind of write, a database upgraded with rows in it
starts from its real counts, and a missing trigger makes ``db status`` count for itself."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from salestrack import config
from salestrack.store import migrate, revision, schema
from tests.conftest import Cli, rows


def _kept(db_path: Path) -> dict[str, int]:
    return {str(t): int(n) for t, n in rows(db_path, "SELECT table_name, n FROM row_counts")}


def _counted(db_path: Path) -> dict[str, int]:
    return {t: int(rows(db_path, f"SELECT count(*) FROM {t}")[0][0]) for t in schema.TABLES}


def _status(cli: Cli) -> dict[str, int]:
    counts = json.loads(cli.ok("db", "status", "-f", "json").stdout)["counts"]
    return {t: counts[t] for t in schema.TABLES}


def test_the_counts_follow_every_write(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    cli.ok("log", "call", "Acme Corp", "--new", "-o", "connected", "-r", "decision-maker",
           "-c", "Sue", "-w", "a win", "-i", "pain: slow quotes", "--next", "send deck",
           "--due", "tomorrow", "-q", "4352")  # fmt: skip
    cli.ok("log", "email", "acme", "-o", "replied")
    cli.ok("log", "call", "Initech", "--new", "-o", "connected", "-w", "met the team")
    cli.ok("log", "call", "Globex", "--new", "-o", "voicemail")
    cli.ok("prospect", "stage", "acme", "qualified")
    assert _kept(db_path) == _counted(db_path) == _status(cli)
    cli.ok("undo")  # the Globex call, with what it wrote (the prospect too)
    cli.ok("prospect", "rm", "initech", "--yes")  # every row of the prospect (cascades)
    assert _kept(db_path) == _counted(db_path) == _status(cli)
    export = tmp_path / "a.csv"
    cli.ok("export", "activities", "--output", str(export))
    rows_before = _counted(db_path)["activities"]
    cli.ok("log", "note", "acme", "-n", "to be imported again")
    assert _kept(db_path) == _counted(db_path)
    cli.ok("import", "activities", str(export))  # the same rows again: nothing new
    assert _counted(db_path)["activities"] == rows_before + 1
    assert _kept(db_path) == _counted(db_path) == _status(cli)


def test_an_upgraded_database_starts_from_its_real_counts(cli: Cli, db_path: Path) -> None:
    from alembic import command

    from salestrack.store.engine import make_engine

    cli.ok("log", "call", "Acme Corp", "--new", "-o", "connected", "-w", "a win")
    cli.ok("log", "call", "acme", "-o", "busy", "--next", "call back")
    engine = make_engine(config.target_from(str(db_path)))
    with engine.begin() as connection:
        command.downgrade(migrate.alembic_config(connection), "0007")
    engine.dispose()
    assert rows(db_path, "SELECT name FROM sqlite_master WHERE name = 'row_counts'") == []
    cli.ok("pipeline")  # any command upgrades
    assert rows(db_path, "SELECT version_num FROM alembic_version") == [(revision.HEAD,)]
    assert _kept(db_path) == _counted(db_path) == _status(cli)
    assert _kept(db_path)["activities"] == 2


def test_without_its_triggers_db_status_counts_for_itself(cli: Cli, db_path: Path) -> None:
    cli.ok("log", "call", "Acme Corp", "--new", "-o", "connected")
    db = sqlite3.connect(db_path)
    db.execute("DROP TRIGGER tr_count_activities_insert")
    db.execute(
        "INSERT INTO activities (id, owner, created_at, updated_at, prospect_id, kind, "
        "occurred_at, direction) SELECT CASE WHEN id LIKE 'f%' THEN 'e' ELSE 'f' END "
        "|| substr(id, 2), owner, created_at, updated_at, prospect_id, kind, occurred_at, "
        "direction FROM activities"
    )
    db.commit()
    db.close()
    assert _kept(db_path)["activities"] == 1  # no longer kept...
    assert _status(cli)["activities"] == 2  # ...so db status counts
