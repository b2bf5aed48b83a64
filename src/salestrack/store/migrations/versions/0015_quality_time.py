"""quality.activity_at: when the scored conversation happened, kept by triggers

The baseline, the quality report and the day's focus read the scores of the conversations
in a window of weeks. Without the time on the score, they found them by looking every
activity of the window up in ``quality`` (15k look-ups into an index of random ids on the
1M-activity benchmark database, for 1,700 scores: 16 ms of the baseline, and most of what
grew with the length of the history). With it, the window's scores are one range of
``ix_quality_time``.

The column is derived (the activity's ``occurred_at``, not exported, as
``prospects.stage_since`` is): a trigger sets it when a score is written (capture, ``edit
-q``, import and the bulk path) or pointed at another activity, and one on ``activities``
moves it when the activity's time changes (``edit --at``). On SQLite an AFTER trigger
updates the row; on PostgreSQL a BEFORE trigger sets it on the row being written.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AT = "(SELECT a.occurred_at FROM activities a WHERE a.id = {activity})"
SQLITE_TRIGGERS = (
    "CREATE TRIGGER tr_quality_time_insert AFTER INSERT ON quality BEGIN "
    f"UPDATE quality SET activity_at = {AT.format(activity='NEW.activity_id')} "
    "WHERE rowid = NEW.rowid; END",
    "CREATE TRIGGER tr_quality_time_update AFTER UPDATE OF activity_id ON quality BEGIN "
    f"UPDATE quality SET activity_at = {AT.format(activity='NEW.activity_id')} "
    "WHERE rowid = NEW.rowid; END",
    "CREATE TRIGGER tr_quality_time_moved AFTER UPDATE OF occurred_at ON activities BEGIN "
    "UPDATE quality SET activity_at = NEW.occurred_at WHERE activity_id = NEW.id; END",
)
POSTGRES_FUNCTIONS = (
    "CREATE OR REPLACE FUNCTION salestrack_quality_time() RETURNS trigger LANGUAGE plpgsql "
    f"AS $$ BEGIN NEW.activity_at := {AT.format(activity='NEW.activity_id')}; "
    "RETURN NEW; END $$",
    "CREATE OR REPLACE FUNCTION salestrack_quality_moved() RETURNS trigger LANGUAGE plpgsql "
    "AS $$ BEGIN UPDATE quality SET activity_at = NEW.occurred_at WHERE activity_id = NEW.id; "
    "RETURN NULL; END $$",
)
POSTGRES_TRIGGERS = (
    "CREATE TRIGGER tr_quality_time BEFORE INSERT OR UPDATE OF activity_id ON quality "
    "FOR EACH ROW EXECUTE FUNCTION salestrack_quality_time()",
    "CREATE TRIGGER tr_quality_moved AFTER UPDATE OF occurred_at ON activities FOR EACH ROW "
    "WHEN (OLD.occurred_at IS DISTINCT FROM NEW.occurred_at) "
    "EXECUTE FUNCTION salestrack_quality_moved()",
)


def upgrade() -> None:
    op.add_column("quality", sa.Column("activity_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(f"UPDATE quality SET activity_at = {AT.format(activity='quality.activity_id')}")
    op.create_index("ix_quality_time", "quality", ["activity_at"])
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    else:
        for statement in (*POSTGRES_FUNCTIONS, *POSTGRES_TRIGGERS):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "update", "moved"):
            op.execute(f"DROP TRIGGER IF EXISTS tr_quality_time_{name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS tr_quality_time ON quality")
        op.execute("DROP TRIGGER IF EXISTS tr_quality_moved ON activities")
        op.execute("DROP FUNCTION IF EXISTS salestrack_quality_time()")
        op.execute("DROP FUNCTION IF EXISTS salestrack_quality_moved()")
    op.drop_index("ix_quality_time", table_name="quality")
    with op.batch_alter_table("quality") as batch:
        batch.drop_column("activity_at")
