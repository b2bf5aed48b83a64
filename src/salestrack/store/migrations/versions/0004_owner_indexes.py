"""owner first: a rep's rows in a time window, the way row-level security reads them

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 20:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_activities_owner_time", "activities", ["owner", "occurred_at"]),
    ("ix_stage_changes_owner_time", "stage_changes", ["owner", "changed_at"]),
    ("ix_next_steps_owner_done", "next_steps", ["owner", "done_at"]),
    ("ix_wins_owner_time", "wins", ["owner", "won_at"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table)
