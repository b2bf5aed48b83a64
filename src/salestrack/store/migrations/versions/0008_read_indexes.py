"""indexes for the reads typed between calls: a prospect's wins, the open stages, the touches

* ``wins (prospect_id)``: the brief counts a prospect's wins; without it that count is a
  scan of every win (the brief's only read that grew with the history).
* ``prospects (stage, stage_since, value)``: the pipeline counts the prospects of each
  open stage and their value, and those that have been in it longer than usual (one range
  of this index per stage), without reading the prospects themselves.
* ``activities (prospect_id, occurred_at, kind)`` over the touches only (``kind <>
  'note'``): the follow-up lag of a prospect's first touch in the baseline's window is the
  latest touch before the window; with this index that is one look-up in the index, not a
  walk back over the prospect's activities reading each row to skip its notes (for a team's
  manager, one per prospect a rep touched in the window). ``kind`` is there for SQLite,
  which reads a column the query names from the index only when the index has it.
* ``stage_changes (changed_at, prospect_id, from_stage)`` in place of ``(changed_at)``: a
  stay (the pipeline's usual days, the baseline's days in stage) is read from the index
  alone, the change that ended it and then the one before it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOUCHES = "kind <> 'note'"


def upgrade() -> None:
    op.create_index("ix_wins_prospect", "wins", ["prospect_id"])
    op.create_index("ix_prospects_stage", "prospects", ["stage", "stage_since", "value"])
    op.drop_index("ix_stage_changes_time", "stage_changes")
    op.create_index(
        "ix_stage_changes_time", "stage_changes", ["changed_at", "prospect_id", "from_stage"]
    )
    where = sa.text(TOUCHES)
    op.create_index(
        "ix_activities_touches", "activities", ["prospect_id", "occurred_at", "kind"],
        sqlite_where=where, postgresql_where=where,
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_activities_touches", "activities")
    op.drop_index("ix_stage_changes_time", "stage_changes")
    op.create_index("ix_stage_changes_time", "stage_changes", ["changed_at"])
    op.drop_index("ix_prospects_stage", "prospects")
    op.drop_index("ix_wins_prospect", "wins")
