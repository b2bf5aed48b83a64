"""settings per rep, and no row pointing at another rep's row (PostgreSQL)

* ``settings`` gets an ``owner`` and the key ``(key, owner)``: a personal setting (focus,
  next weights, cadence, checklist...) is one row per rep, under row-level security like
  every other table; a team-wide one (stages) is the row whose owner is ``''``, read by
  every rep and written only by a manager or the administrator. Existing rows become the
  team's (``''``): each rep starts from the values the team had, and their own change
  writes their own row. When ``db team-setup`` has already been run (its roles exist), the
  settings' policies are created here too; ``db team-setup`` writes the same ones.
* On PostgreSQL, a trigger on each table with a reference to an owned row (quality, wins,
  intel, next steps, ratings, tags, ...) refuses a row whose referenced activity, prospect,
  contact or behaviour belongs to another owner: "that activity is not yours". A foreign
  key is checked by the server without row-level security, so without this a rep who knew
  another rep's activity id could attach rows to it (and take its one quality score).

  A trigger rather than composite foreign keys ``(x_id, owner) -> x (id, owner)``: those
  need a second unique index on ``(id, owner)`` of prospects, activities, contacts and
  behaviours, written on every insert of the largest tables, and ``ON DELETE SET NULL``
  would clear the owner too (PostgreSQL 15's column list is not everywhere). The trigger
  looks each reference up by its primary key, the index the foreign key itself uses, so no
  index is added and those already there keep serving the reads they were made for. Its
  function runs as the administrator who migrated (``SECURITY DEFINER``), so it sees the
  row a rep's policies hide, and reads only its owner.

  SQLite files are one person's and have no roles: nothing changes there but the settings.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> its references to owned rows: (column, referenced table, the word for its row),
# as the models had them when this revision was written
_P = ("prospect_id", "prospects", "prospect")
_C = ("contact_id", "contacts", "contact")
_A = ("activity_id", "activities", "activity")
_B = ("behaviour_id", "behaviours", "behaviour")
REFERENCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "behaviours": (_P,), "contacts": (_P,), "initiatives": (_P,), "lessons": (_P,),
    "promises": (_P,), "successes": (_P,), "activities": (_P, _C), "ratings": (_P, _B),
    "intel": (_P, _C, _A), "next_steps": (_P, _A), "quality": (_A,), "stage_changes": (_P, _A),
    "tags": (_P, _A), "wins": (_P, _A),
}  # fmt: skip

REP, MANAGER = "salestrack_rep", "salestrack_manager"
TEAM_KEYS = ("stages", "demo")  # team-wide keys when this revision was written
_OWN = 'owner = current_user COLLATE "default"'


def settings_policies(team_keys: Sequence[str] = TEAM_KEYS) -> list[str]:
    """Row-level security of ``settings``: each rep and manager reads their own rows and
    the team's, and writes only their own rows of personal keys; a manager also writes the
    team's rows."""
    team = ", ".join(f"'{k}'" for k in team_keys)
    personal = f"{_OWN} AND key NOT IN ({team})"
    both = f"{REP}, {MANAGER}"
    statements = ["ALTER TABLE settings ENABLE ROW LEVEL SECURITY"]
    for name in ("own_rows", "manager_reads", "reads", "adds", "changes", "removes", "team"):
        statements.append(f"DROP POLICY IF EXISTS salestrack_{name} ON settings")
    statements += [
        f"CREATE POLICY salestrack_reads ON settings FOR SELECT TO {both} "
        f"USING ({_OWN} OR owner = '')",
        f"CREATE POLICY salestrack_adds ON settings FOR INSERT TO {both} WITH CHECK ({personal})",
        f"CREATE POLICY salestrack_changes ON settings FOR UPDATE TO {both} "
        f"USING ({personal}) WITH CHECK ({personal})",
        f"CREATE POLICY salestrack_removes ON settings FOR DELETE TO {both} USING ({personal})",
        f"CREATE POLICY salestrack_team ON settings TO {MANAGER} "
        "USING (owner = '') WITH CHECK (owner = '')",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON settings TO {both}",
    ]
    return statements


def _function(table: str) -> str:
    checks = "".join(
        f"  IF NEW.{column} IS NOT NULL AND EXISTS (SELECT 1 FROM {parent} "
        f"WHERE id = NEW.{column} AND owner <> NEW.owner) THEN\n"
        f"    RAISE EXCEPTION 'that {word} is not yours: a row of {table} can only point at "
        f"your own {parent}' USING ERRCODE = '42501';\n"
        "  END IF;\n"
        for column, parent, word in REFERENCES[table]
    )
    return (
        f"CREATE OR REPLACE FUNCTION salestrack_own_refs_{table}() RETURNS trigger "
        "LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n"
        f"BEGIN\n{checks}  RETURN NEW;\nEND $$"
    )


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:  # a new primary key is a new table on SQLite
        op.create_table(
            "settings_0010",
            sa.Column("key", sa.String(length=100), nullable=False),
            sa.Column("value", sa.String(), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("owner", sa.String(length=100), nullable=False),
            sa.PrimaryKeyConstraint("key", "owner"),
        )
        op.execute(
            "INSERT INTO settings_0010 (key, value, updated_at, owner) "
            "SELECT key, value, updated_at, '' FROM settings"
        )
        op.drop_table("settings")
        op.rename_table("settings_0010", "settings")
        return
    op.execute("ALTER TABLE settings ADD COLUMN owner VARCHAR(100) NOT NULL DEFAULT ''")
    op.execute("ALTER TABLE settings ALTER COLUMN owner DROP DEFAULT")
    op.execute("ALTER TABLE settings DROP CONSTRAINT settings_pkey")
    op.execute("ALTER TABLE settings ADD CONSTRAINT settings_pkey PRIMARY KEY (key, owner)")
    found = op.get_bind().execute(
        sa.text("SELECT count(*) FROM pg_roles WHERE rolname IN (:r, :m)"),
        {"r": REP, "m": MANAGER},
    )
    if found.scalar() == 2:
        for statement in settings_policies():
            op.execute(statement)
    for table, refs in REFERENCES.items():
        op.execute(_function(table))
        columns = ", ".join(column for column, _, _ in refs)
        op.execute(
            f"CREATE TRIGGER salestrack_own_refs BEFORE INSERT OR UPDATE OF owner, {columns} "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION salestrack_own_refs_{table}()"
        )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if not sqlite:
        for table in REFERENCES:
            op.execute(f"DROP TRIGGER IF EXISTS salestrack_own_refs ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS salestrack_own_refs_{table}()")
        for name in ("reads", "adds", "changes", "removes", "team"):
            op.execute(f"DROP POLICY IF EXISTS salestrack_{name} ON settings")
        op.execute("ALTER TABLE settings DISABLE ROW LEVEL SECURITY")
    # the team's value of each key is kept; each rep's own values go
    op.execute("DELETE FROM settings WHERE owner <> ''")
    if sqlite:
        op.create_table(
            "settings_0009",
            sa.Column("key", sa.String(length=100), nullable=False),
            sa.Column("value", sa.String(), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("key"),
        )
        op.execute(
            "INSERT INTO settings_0009 (key, value, updated_at) "
            "SELECT key, value, updated_at FROM settings"
        )
        op.drop_table("settings")
        op.rename_table("settings_0009", "settings")
        return
    op.execute("ALTER TABLE settings DROP CONSTRAINT settings_pkey")
    op.execute("ALTER TABLE settings DROP COLUMN owner")
    op.execute("ALTER TABLE settings ADD CONSTRAINT settings_pkey PRIMARY KEY (key)")
