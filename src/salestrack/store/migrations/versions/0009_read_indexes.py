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

And ``row_counts``: each table's number of rows, kept on SQLite by a trigger after every
insert and delete (a cascade's deletes fire them too), so ``db status`` shows exact counts
without counting a million rows (counting reads a whole index of the table). Created here
with the counts of the moment. A later revision that rebuilds a table (SQLite's batch mode
copies it) drops the table's triggers with it: it must create them again and recount that
table; ``db status`` counts for itself whenever a trigger is missing. On PostgreSQL the
table stays empty (one counter row updated by every rep's every write would queue them
all behind it) and ``db status`` counts.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOUCHES = "kind <> 'note'"
# the tables whose rows are counted, as revision 0009 found them (salestrack.store.schema)
COUNTED = (
    "prospects", "contacts", "activities", "stage_changes", "next_steps", "intel", "wins",
    "promises", "successes", "lessons", "initiatives", "behaviours", "ratings", "quality",
    "tags", "views",
)  # fmt: skip


def count_triggers(table: str) -> tuple[str, str]:
    """The two triggers that keep ``table``'s row count (SQLite)."""
    change = "UPDATE row_counts SET n = n {sign} 1 WHERE table_name = '{table}'; END"
    return (
        f"CREATE TRIGGER tr_count_{table}_insert AFTER INSERT ON {table} BEGIN "
        + change.format(sign="+", table=table),
        f"CREATE TRIGGER tr_count_{table}_delete AFTER DELETE ON {table} BEGIN "
        + change.format(sign="-", table=table),
    )


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
    op.create_table(
        "row_counts",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("table_name"),
    )
    if op.get_bind().dialect.name == "sqlite":
        for table in COUNTED:
            op.execute(
                f"INSERT INTO row_counts (table_name, n) SELECT '{table}', count(*) FROM {table}"
            )
            for statement in count_triggers(table):
                op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in COUNTED:
            for kind in ("insert", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS tr_count_{table}_{kind}")
    op.drop_table("row_counts")
    op.drop_index("ix_activities_touches", "activities")
    op.drop_index("ix_stage_changes_time", "stage_changes")
    op.create_index("ix_stage_changes_time", "stage_changes", ["changed_at"])
    op.drop_index("ix_prospects_stage", "prospects")
    op.drop_index("ix_wins_prospect", "wins")
