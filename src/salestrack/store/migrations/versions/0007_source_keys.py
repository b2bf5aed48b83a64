"""source keys: where an imported row came from, so a re-import changes nothing

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("prospects", "contacts", "activities", "stage_changes", "next_steps")


def upgrade() -> None:
    where = sa.text("source_key IS NOT NULL")
    for table in TABLES:
        op.add_column(table, sa.Column("source_key", sa.String(length=200), nullable=True))
        op.create_index(
            f"uq_{table}_source", table, ["owner", "source_key"], unique=True,
            sqlite_where=where, postgresql_where=where,
        )  # fmt: skip


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_index(f"uq_{table}_source", table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("source_key")
