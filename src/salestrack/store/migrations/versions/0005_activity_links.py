"""indexes on the columns that point at an activity, so undo and deletes need no scans

Deleting an activity makes SQLite look up its children (foreign keys), and undo reopens the
next steps it closed; without these indexes each is a scan of the whole table.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 20:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_activities_contact", "activities", "contact_id"),
    ("ix_stage_changes_activity", "stage_changes", "activity_id"),
    ("ix_next_steps_activity", "next_steps", "activity_id"),
    ("ix_next_steps_done_by", "next_steps", "done_by_activity_id"),
    ("ix_intel_activity", "intel", "activity_id"),
    ("ix_wins_activity", "wins", "activity_id"),
)


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table)
