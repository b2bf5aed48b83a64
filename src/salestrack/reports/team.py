"""Teams on PostgreSQL: roles and row-level security, and the manager's view of every rep.

Every row has an ``owner``: on PostgreSQL, the database user that wrote it. Two group roles
carry the rules, enforced by the server whatever SQL a client sends:

* ``salestrack_rep``: reads and changes only rows whose ``owner`` is ``current_user``, and
  can only write rows it owns;
* ``salestrack_manager``: reads every row, changes none.

Settings (store/settings.py) are each rep's own where they are personal (focus, checklist,
weights, cadence...): a rep reads and writes only their own rows, and reads the team's row
of a key (``owner = ''``) when they have none. Team-wide settings (stages) are written only
by a manager, read by everyone. The administrator who runs ``db upgrade`` owns the tables
and is not limited by the policies.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from salestrack.errors import InvalidInput
from salestrack.store.sql import Store

REP, MANAGER = "salestrack_rep", "salestrack_manager"
# current_user is a ``name``, collated "C"; compared in the default collation, the test can
# use the indexes that lead with owner (in "C" it can't, and every policy read is a scan).
_OWN = 'owner = current_user COLLATE "default"'
_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


#: Role names a person can't be given: PostgreSQL's own and salestrack's two groups.
RESERVED_ROLES = frozenset(
    {"public", "none", "current_user", "session_user", "current_role", "postgres", "admin",
     "root", "superuser", REP, MANAGER}
)  # fmt: skip


def _role(name: str, field: str) -> str:
    if not _ROLE.match(name):
        raise InvalidInput(field, f"'{name}' is not a role name; use lower-case letters, digits, _")
    if name in RESERVED_ROLES or name.startswith(("pg_", "salestrack_")):
        raise InvalidInput(
            field, f"'{name}' is a reserved role name; give the person's own login name"
        )
    return name


def apply_setup(store: Store, statements: list[str], people: dict[str, str] | None = None) -> None:
    """Run the team set-up (:func:`setup_sql`) in the store's transaction, after refusing
    ``people`` (name: the option that gave it) that name an existing role with powers beyond
    a rep's or a manager's (a superuser, or one that creates roles or bypasses row-level
    security)."""
    if people:
        rows = store.rows(
            "SELECT rolname FROM pg_roles WHERE rolname = ANY(:names) "
            "AND (rolsuper OR rolcreaterole OR rolbypassrls OR rolreplication)",
            names=list(people),
        )
        if rows:
            raise InvalidInput(
                people[str(rows[0][0])],
                f"'{rows[0][0]}' is an existing system role with more rights than a rep's; "
                "give each person a login of their own",
            )
    for statement in statements:
        store.execute(statement)


def settings_policies() -> list[str]:
    """Row-level security of ``settings``: reps and managers read their own rows and the
    team's, and write their own rows of personal keys; a manager also writes the team's."""
    from salestrack.store.settings import TEAM_KEYS

    team = ", ".join(f"'{k}'" for k in TEAM_KEYS)
    personal = f"{_OWN} AND key NOT IN ({team})"
    both = f"{REP}, {MANAGER}"
    statements = ["ALTER TABLE settings ENABLE ROW LEVEL SECURITY"]
    for name in ("reads", "adds", "changes", "removes", "team"):
        statements.append(f"DROP POLICY IF EXISTS salestrack_{name} ON settings")
    return [
        *statements,
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


def setup_sql(reps: list[str], managers: list[str]) -> list[str]:
    """The statements that create the roles, grants and policies (safe to run again)."""
    from salestrack.store.schema import TABLES

    both = sorted(set(reps) & set(managers))
    if both:
        raise InvalidInput(
            "--manager",
            f"'{both[0]}' is also given as --rep; a person is a rep or a manager, not both "
            "(a manager reads every rep's rows)",
        )

    owned = list(TABLES)
    everything = ", ".join([*owned, "settings", "alembic_version"])
    statements = []
    for role in (REP, MANAGER):
        statements.append(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') "
            f"THEN CREATE ROLE {role} NOLOGIN; END IF; END $$"
        )
    statements += [
        f"GRANT USAGE ON SCHEMA public TO {REP}, {MANAGER}",
        f"GRANT SELECT ON {everything} TO {REP}, {MANAGER}",
        f"GRANT INSERT, UPDATE, DELETE ON {', '.join(owned)} TO {REP}",
    ]
    statements += settings_policies()
    for table in owned:
        statements += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS salestrack_own_rows ON {table}",
            f"CREATE POLICY salestrack_own_rows ON {table} TO {REP} "
            f"USING ({_OWN}) WITH CHECK ({_OWN})",
            f"DROP POLICY IF EXISTS salestrack_manager_reads ON {table}",
            f"CREATE POLICY salestrack_manager_reads ON {table} FOR SELECT TO {MANAGER} "
            "USING (true)",
        ]
    for name, group in [(r, REP) for r in reps] + [(m, MANAGER) for m in managers]:
        role = _role(name, "--rep" if group == REP else "--manager")
        statements += [
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') "
            f"THEN CREATE ROLE {role} LOGIN; END IF; END $$",
            f"GRANT {group} TO {role}",
            # a report is many small index-driven queries: compiling one (JIT) or starting
            # parallel workers for it costs more than running it
            f"ALTER ROLE {role} SET jit = off",
            f"ALTER ROLE {role} SET max_parallel_workers_per_gather = 0",
        ]
    return statements


HEADLINE = (
    ("activity", "dials"),
    ("reach", "conversation rate"),
    ("reach", "meeting set rate"),
    ("wins", "wins per dial"),
    ("lag", "follow-up lag (median)"),
    ("conversion", "win rate (qualified deals)"),
)
VERSION = 2  # of the JSON and CSV contract (docs/team.md)
COLUMNS = (
    "rep", "section", "figure", "unit", "worse", "value", "k", "n", "usual", "usual_k",
    "usual_n", "weeks", "provisional", "low", "high", "flag", "alert", "test", "evidence",
    "trend", "team_usual", "team_reps",
)  # fmt: skip


@dataclass
class TeamBaseline:
    week: str  # the chosen week's label
    partial: bool
    reps: list[str]
    rows: list[dict[str, Any]]  # each rep's headline figure, as the rep's own baseline has it

    def document(self) -> dict[str, Any]:
        return {
            "report": "team baseline",
            "version": VERSION,
            "week": self.week,
            "partial": self.partial,
            "reps": self.reps,
            "rows": self.rows,
        }


def team_baseline(
    reader: Any, *, chosen: str | None, trailing: int, now: datetime, tz: tzinfo
) -> TeamBaseline:
    """Each rep's headline figures against their own usual (the rep's own baseline: the same
    figures, samples and flags), and the team's usual: the median of the reps' usual values,
    with how many reps it rests on."""
    from salestrack.reports import baseline

    weeks = baseline.windows(chosen, trailing, now=now, tz=tz)
    reps = [
        str(r[0])
        for r in reader.rows(
            "SELECT DISTINCT owner FROM activities WHERE occurred_at >= :s AND occurred_at < :e "
            "ORDER BY 1",
            s=weeks[0].start,
            e=weeks[-1].end,
        )
    ]
    # every rep at once: each query runs once, grouped by owner
    per_rep = baseline.build_many(
        reader, chosen=chosen, trailing=trailing, now=now, tz=tz, owners=reps, want=HEADLINE
    )
    partial = next(iter(per_rep.values())).partial if per_rep else weeks[-1].end > now
    rows = []
    for section, name in HEADLINE:
        found = {
            rep: next(x for x in report.figures if (x.section, x.name) == (section, name))
            for rep, report in per_rep.items()
        }
        usuals = [f.usual for f in found.values() if f.usual is not None]
        team_usual = statistics.median(usuals) if usuals else None
        for rep, f in found.items():
            rows.append(
                {
                    "rep": rep,
                    **f.row(),
                    "team_usual": baseline.rounded(team_usual),
                    "team_reps": len(usuals),
                }
            )
    return TeamBaseline(weeks[-1].label, partial, reps, rows)
