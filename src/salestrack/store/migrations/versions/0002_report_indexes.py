"""indexes for the reports: next steps by done and due time, stage changes by time

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 11:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_next_steps_done", "next_steps", ["done_at"])
    op.create_index("ix_next_steps_due", "next_steps", ["due_at"])
    op.create_index("ix_stage_changes_time", "stage_changes", ["changed_at"])


def downgrade() -> None:
    op.drop_index("ix_stage_changes_time", "stage_changes")
    op.drop_index("ix_next_steps_due", "next_steps")
    op.drop_index("ix_next_steps_done", "next_steps")
