"""mail and calendar import: a prospect's domain, an email's thread

* ``prospects.domain``: the company's mail domain (``acme.com``), lower-case; one prospect
  per domain for each owner where it is set (a partial unique index), so an imported email
  from ``dana@acme.com`` finds its prospect even before Dana is a contact.
* ``activities.thread_key``: the conversation an imported email belongs to (the first
  Message-ID of its thread, from References and In-Reply-To), indexed, so the response times
  pair each email with the answer in its thread. Empty for everything typed by hand.

An imported message or event is kept idempotent by the existing ``source_key`` (revision
0007): ``mail:<Message-ID>`` on an email, ``ics:<UID>/<RECURRENCE-ID>`` on a meeting and on
the next step of a meeting still to come.

The columns are added in place (``ALTER TABLE ... ADD COLUMN``), which keeps the triggers
of revisions 0008 and 0009 on SQLite; the downgrade drops them in place too (SQLite 3.35+).
Under row-level security (``team setup``) the policies are per row, by ``owner``: new
columns need nothing.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("prospects", sa.Column("domain", sa.String(length=253), nullable=True))
    where = sa.text("domain IS NOT NULL")
    op.create_index(
        "uq_prospects_domain", "prospects", ["owner", "domain"], unique=True,
        sqlite_where=where, postgresql_where=where,
    )  # fmt: skip
    op.add_column("activities", sa.Column("thread_key", sa.String(length=200), nullable=True))
    op.create_index("ix_activities_thread", "activities", ["thread_key"])


def downgrade() -> None:
    op.drop_index("ix_activities_thread", "activities")
    op.drop_index("uq_prospects_domain", "prospects")
    for table, column in (("activities", "thread_key"), ("prospects", "domain")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
