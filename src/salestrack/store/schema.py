"""The schema as the data path needs it, without importing SQLAlchemy.

:mod:`salestrack.models` is the one definition of the schema; importing it costs a third
of a second, so the tables' order and columns are written out here too and kept equal to
the models by a test (``tests/test_interchange.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

# Parents before children (foreign keys), as salestrack.models.TABLES.
TABLES = (
    "prospects", "contacts", "activities", "stage_changes", "next_steps", "intel", "wins",
    "promises", "successes", "lessons", "initiatives", "behaviours", "ratings", "quality",
    "tags", "views",
)  # fmt: skip


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # uuid, time, bool, int, float, text
    nullable: bool


# The exported columns of each table: "name kind", "?" when it may be empty. Every table
# starts with the same four. Written out rather than read from salestrack.models (whose
# import costs a third of a second) and kept equal to the models by tests/test_interchange.py.
_EVERY = "id uuid, owner text, created_at time, updated_at time"
_COLUMNS = {
    "prospects": "name text, company text?, segment text?, stage text, value float?, "
    "notes text?, objective text?, objective_set_at time?, source_key text?, domain text?",
    "contacts": "prospect_id uuid, name text, role text?, title text?, email text?, phone text?, "
    "notes text?, source_key text?",
    "activities": "prospect_id uuid, contact_id uuid?, kind text, occurred_at time, "
    "duration_s int?, direction text, reached text?, outcome text?, notes text?, "
    "objective text?, objective_met bool?, source_key text?, thread_key text?",
    "stage_changes": "prospect_id uuid, from_stage text?, to_stage text, changed_at time, "
    "reason text?, activity_id uuid?, source_key text?",
    "next_steps": "prospect_id uuid, activity_id uuid?, action text, due_at time?, "
    "done_at time?, done_by_activity_id uuid?, source_key text?",
    "intel": "prospect_id uuid, contact_id uuid?, activity_id uuid?, kind text, value text, "
    "learned_at time, review_at time?, superseded_at time?, superseded_by_id uuid?",
    "wins": "prospect_id uuid, activity_id uuid?, text text, source text, won_at time",
    "promises": "prospect_id uuid, text text, made_at time, due_at time?, status text, "
    "resolved_at time?, notes text?",
    "successes": "prospect_id uuid, text text, delivered_at time",
    "lessons": "prospect_id uuid?, text text, change text?, learned_at time",
    "initiatives": "prospect_id uuid?, text text, status text, started_at time, done_at time?",
    "behaviours": "prospect_id uuid?, name text, position int, retired_at time?",
    "ratings": "prospect_id uuid, behaviour_id uuid, month text, grade text, comment text?, "
    "rated_at time, superseded_at time?",
    "quality": "activity_id uuid, value int, uncovered int, openness int, commitment int, "
    "uncovered_text text?",
    "tags": "prospect_id uuid, activity_id uuid?, name text",
    "views": "name text, command text",
}


def columns(table: str) -> tuple[Column, ...]:
    """The exported columns of ``table`` (see :data:`_COLUMNS`)."""
    found = []
    for spec in f"{_EVERY}, {_COLUMNS[table]}".split(", "):
        name, kind = spec.split()
        found.append(Column(name, kind.rstrip("?"), kind.endswith("?")))
    return tuple(found)


def prospect_tables() -> list[str]:
    """The tables whose rows belong to a prospect (a ``prospect_id`` column)."""
    return [t for t in TABLES if any(c.name == "prospect_id" for c in columns(t))]
