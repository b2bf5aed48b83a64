"""prospects.stage_since: when the prospect entered its current stage, kept by a trigger

The pipeline reads every open prospect's time in stage; looking it up in the stage history
for each of tens of thousands of prospects was most of its time. The column is derived (the
latest ``changed_at`` of the prospect's stage changes, not exported), and a trigger on
``stage_changes`` keeps it on every path that writes stage changes: capture, ``prospect
stage``, import and the bulk path, on SQLite and on PostgreSQL.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LATEST = "(SELECT max(c.changed_at) FROM stage_changes c WHERE c.prospect_id = {pid})"
SQLITE_TRIGGERS = (
    # a later change moves the time on (the usual case: no look-up)
    "CREATE TRIGGER tr_stage_since_insert AFTER INSERT ON stage_changes BEGIN "
    "UPDATE prospects SET stage_since = NEW.changed_at WHERE id = NEW.prospect_id "
    "AND (stage_since IS NULL OR stage_since < NEW.changed_at); END",
    "CREATE TRIGGER tr_stage_since_delete AFTER DELETE ON stage_changes BEGIN "
    f"UPDATE prospects SET stage_since = {LATEST.format(pid='OLD.prospect_id')} "
    "WHERE id = OLD.prospect_id; END",
    "CREATE TRIGGER tr_stage_since_update AFTER UPDATE OF changed_at, prospect_id "
    "ON stage_changes BEGIN "
    f"UPDATE prospects SET stage_since = {LATEST.format(pid='OLD.prospect_id')} "
    "WHERE id = OLD.prospect_id; "
    f"UPDATE prospects SET stage_since = {LATEST.format(pid='NEW.prospect_id')} "
    "WHERE id = NEW.prospect_id; END",
)
POSTGRES_FUNCTION = (
    "CREATE OR REPLACE FUNCTION salestrack_stage_since() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN "
    "IF TG_OP = 'INSERT' THEN "
    "UPDATE prospects SET stage_since = NEW.changed_at WHERE id = NEW.prospect_id "
    "AND (stage_since IS NULL OR stage_since < NEW.changed_at); "
    "RETURN NULL; END IF; "
    f"UPDATE prospects SET stage_since = {LATEST.format(pid='OLD.prospect_id')} "
    "WHERE id = OLD.prospect_id; "
    "IF TG_OP = 'UPDATE' THEN "
    f"UPDATE prospects SET stage_since = {LATEST.format(pid='NEW.prospect_id')} "
    "WHERE id = NEW.prospect_id; END IF; "
    "RETURN NULL; END $$"
)
POSTGRES_TRIGGER = (
    "CREATE TRIGGER tr_stage_since AFTER INSERT OR DELETE OR UPDATE OF changed_at, prospect_id "
    "ON stage_changes FOR EACH ROW EXECUTE FUNCTION salestrack_stage_since()"
)


def upgrade() -> None:
    op.add_column("prospects", sa.Column("stage_since", sa.DateTime(timezone=True), nullable=True))
    op.execute(f"UPDATE prospects SET stage_since = {LATEST.format(pid='prospects.id')}")
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    else:
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS tr_stage_since_{name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS tr_stage_since ON stage_changes")
        op.execute("DROP FUNCTION IF EXISTS salestrack_stage_since()")
    with op.batch_alter_table("prospects") as batch:
        batch.drop_column("stage_since")
