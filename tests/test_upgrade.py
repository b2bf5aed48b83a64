"""An older database is upgraded in place, after a backup copy, by any command."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from salestrack.store import migrate, revision
from tests.conftest import Cli, dump, rows

NEXT_REVISION = '''"""test: an index added in a later revision"""

import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_test_wins_text", "wins", ["text"])


def downgrade() -> None:
    op.drop_index("ix_test_wins_text", "wins")
'''


def test_older_database_is_backed_up_then_upgraded(
    cli: Cli, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.ok("log", "call", "Acme Corp", "-o", "connected", "-w", "a win", "-i", "pain: x")
    before, head = dump(db_path), revision.HEAD
    newer = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, newer)
    (newer / "versions" / "9001_test.py").write_text(NEXT_REVISION.replace("{head}", head))
    monkeypatch.setattr(migrate, "MIGRATIONS", newer)
    monkeypatch.setattr(revision, "HEAD", "9001")  # a release bumps both

    status = cli.ok("db", "status", "-f", "json").stdout
    assert '"state": "needs upgrade to 9001' in status
    cli.ok("prospect", "list")  # any command upgrades
    assert rows(db_path, "SELECT version_num FROM alembic_version") == [("9001",)]
    indexes = rows(db_path, "SELECT name FROM sqlite_master WHERE type = 'index'")
    assert ("ix_test_wins_text",) in indexes
    backups = sorted(db_path.parent.glob("sales.db.*.before-9001.bak"))
    assert len(backups) == 1
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    assert dump(backups[0]) == before  # the copy is the database as it was
    after = dump(db_path)
    for table in ("prospects", "activities", "wins", "intel"):
        assert after[table] == before[table]
    db = sqlite3.connect(backups[0])
    assert db.execute("SELECT version_num FROM alembic_version").fetchone() == (head,)
    db.close()


def test_a_revision_0001_database_gets_the_later_indexes(cli: Cli, db_path: Path) -> None:
    from alembic import command

    from salestrack import config
    from salestrack.store.engine import make_engine

    db_path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(config.target_from(str(db_path)))
    with engine.begin() as connection:
        command.upgrade(migrate.alembic_config(connection), "0001")
    engine.dispose()
    cli.ok("log", "call", "Acme Corp", "--new", "-o", "connected")  # upgrades first
    assert rows(db_path, "SELECT version_num FROM alembic_version") == [(revision.HEAD,)]
    names = {r[0] for r in rows(db_path, "SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"ix_next_steps_done", "ix_next_steps_due", "ix_stage_changes_time"} <= names
    in_time_index = rows(db_path, "SELECT name FROM pragma_index_info('ix_activities_time')")
    assert in_time_index[:2] == [("occurred_at",), ("id",)]  # 0003: the export order, no sort
    assert ("prospect_id",) in in_time_index  # 0014: the baseline's window from the index
    assert len(list(db_path.parent.glob(f"sales.db.*.before-{revision.HEAD}.bak"))) == 1
