"""activities by time: the index also holds the id, so the export order needs no sort

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 04:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_activities_time", "activities")
    op.create_index("ix_activities_time", "activities", ["occurred_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_activities_time", "activities")
    op.create_index("ix_activities_time", "activities", ["occurred_at"])
