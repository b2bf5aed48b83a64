"""indexes for what is still open: a client's promises by due date, the open next steps by
due date

``today`` shows the promises due this week and the next steps overdue or due today, each
section the first five and its count. Without these, both read every row: the promises
table had no index but the prospect's (34k promises on the 1M-activity benchmark database,
4 ms a read), and the open next steps were found by ``done_at`` and then sorted.

* ``promises (status, due_at)``: the open promises in due order, one range of the index.
* ``next_steps (done_at, due_at)``: the open steps (``done_at IS NULL``, a thousand against
  tens of thousands done) in due order: the overdue ones read backwards from now, those
  due today forwards, each section's count from the index alone. (A partial index over
  the open steps only would be smaller, but SQLite's planner, without statistics, prefers
  the index on ``done_at`` to it and sorts; with ``due_at`` in this one, it is taken.)

The same on PostgreSQL: under row-level security a rep's query adds ``owner =
current_user``, checked on the few rows these ranges give.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 04:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_promises_open_due", "promises", ["status", "due_at"])
    op.create_index("ix_next_steps_open_due", "next_steps", ["done_at", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_next_steps_open_due", table_name="next_steps")
    op.drop_index("ix_promises_open_due", table_name="promises")
