"""tags, saved views, and the full-text index behind search

* ``tags``: a tag on a prospect, or on one of its activities (``activity_id``); owner-first
  indexes for a rep's own rows under row-level security.
* ``views``: saved filters (a name for a list command and its options), one name per owner.
* search, on SQLite: ``search_index``, a contentless FTS5 table of the words of every
  covered row, and ``search_docs``, which row each of its documents is (its kind, prospect
  and date, for filters); triggers on each covered table keep both current on every write
  path (capture, edit, import, the bulk path, deletes by cascade). On PostgreSQL: a GIN
  index on the ``tsvector`` of each covered table's text, which the server keeps itself.

The covered tables and their text are those of :mod:`salestrack.store.fulltext` when this
revision was written (spelt out here, as a migration must not change with the code).

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

# table, the hit's kind (SQL), text (SQL), prospect id, date, which rows, columns that matter
SOURCES = (
    ("prospects", "'prospect'",
     "{r}name || ' ' || coalesce({r}company, '') || ' ' || coalesce({r}notes, '')",
     "{r}id", "{r}created_at", "", "name, company, notes"),
    ("contacts", "'contact'",
     "{r}name || ' ' || coalesce({r}title, '') || ' ' || coalesce({r}email, '') || ' ' || "
     "coalesce({r}notes, '')", "{r}prospect_id", "{r}created_at", "",
     "name, title, email, notes, prospect_id"),
    ("activities", "{r}kind", "{r}notes", "{r}prospect_id", "{r}occurred_at",
     "{r}notes IS NOT NULL", "notes, kind, occurred_at, prospect_id"),
    ("intel", "'intel'", "replace({r}kind, '_', ' ') || ' ' || {r}value", "{r}prospect_id",
     "{r}learned_at", "", "kind, value, learned_at, prospect_id"),
    ("next_steps", "'next_step'", "{r}action", "{r}prospect_id",
     "coalesce({r}due_at, {r}created_at)", "", "action, due_at, prospect_id"),
    ("promises", "'promise'", "{r}text || ' ' || coalesce({r}notes, '')", "{r}prospect_id",
     "{r}made_at", "", "text, notes, made_at, prospect_id"),
    ("lessons", "'lesson'", "{r}text || ' ' || coalesce({r}change, '')", "{r}prospect_id",
     "{r}learned_at", "", "text, change, learned_at, prospect_id"),
    ("successes", "'success'", "{r}text", "{r}prospect_id", "{r}delivered_at", "",
     "text, delivered_at, prospect_id"),
)  # fmt: skip


def _sqlite_statements() -> list[str]:
    found = [
        "CREATE TABLE search_docs (doc INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
        "row_id TEXT NOT NULL UNIQUE, prospect_id TEXT, at TEXT)",
        "CREATE VIRTUAL TABLE search_index USING fts5(body, content='', "
        "tokenize='unicode61 remove_diacritics 2')",
    ]
    for table, kind, text, prospect, at, where, columns in SOURCES:

        def f(sql: str, r: str) -> str:
            return sql.format(r=r)

        new_when = f" WHERE {f(where, 'NEW.')}" if where else ""
        add = (
            "INSERT INTO search_docs (kind, row_id, prospect_id, at) "
            f"SELECT {f(kind, 'NEW.')}, NEW.id, {f(prospect, 'NEW.')}, {f(at, 'NEW.')}"
            f"{new_when}; "
            "INSERT INTO search_index (rowid, body) "
            f"SELECT doc, {f(text, 'NEW.')} FROM search_docs WHERE row_id = NEW.id; "
        )
        drop = (
            "INSERT INTO search_index (search_index, rowid, body) "
            f"SELECT 'delete', doc, {f(text, 'OLD.')} FROM search_docs WHERE row_id = OLD.id; "
            "DELETE FROM search_docs WHERE row_id = OLD.id; "
        )
        found += [
            f"CREATE TRIGGER search_{table}_insert AFTER INSERT ON {table} BEGIN {add}END",
            f"CREATE TRIGGER search_{table}_delete AFTER DELETE ON {table} BEGIN {drop}END",
            f"CREATE TRIGGER search_{table}_update AFTER UPDATE OF {columns} ON {table} "
            f"BEGIN {drop}{add}END",
            # the rows already there
            "INSERT INTO search_docs (kind, row_id, prospect_id, at) "
            f"SELECT {f(kind, '')}, id, {f(prospect, '')}, {f(at, '')} FROM {table}"
            + (f" WHERE {f(where, '')}" if where else "")
            + " ORDER BY rowid",
            "INSERT INTO search_index (rowid, body) "
            f"SELECT d.doc, {f(text, 't.')} FROM {table} t "
            "CROSS JOIN search_docs d ON d.row_id = t.id"
            + (f" WHERE {f(where, 't.')}" if where else ""),
        ]
    return found


def _postgres_statements() -> list[str]:
    return [
        f"CREATE INDEX search_{table} ON {table} "
        f"USING gin (to_tsvector('simple'::regconfig, {text.format(r='')}))"
        for table, _, text, *_ in SOURCES
    ]


def upgrade() -> None:
    op.create_table(
        "tags",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prospect_id", sa.Uuid(), nullable=False),
        sa.Column("activity_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(["prospect_id"], ["prospects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tags_owner_name", "tags", ["owner", "name"])
    op.create_index("ix_tags_name", "tags", ["name", "prospect_id"])
    op.create_index("ix_tags_prospect", "tags", ["prospect_id", "name"])
    op.create_index("ix_tags_activity", "tags", ["activity_id"])
    op.create_table(
        "views",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("command", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner", "name", name="uq_views_owner_name"),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _sqlite_statements() if sqlite else _postgres_statements():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table, *_ in SOURCES:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS search_{table}_{event}")
        op.execute("DROP TABLE IF EXISTS search_index")
        op.execute("DROP TABLE IF EXISTS search_docs")
    else:
        for table, *_ in SOURCES:
            op.execute(f"DROP INDEX IF EXISTS search_{table}")
    op.drop_table("views")
    for name in ("ix_tags_activity", "ix_tags_prospect", "ix_tags_name", "ix_tags_owner_name"):
        op.drop_index(name, "tags")
    op.drop_table("tags")
