"""The entities that ``export`` and ``import`` speak of, and their column contract.

Columns are the table's own (snake_case, in the model's order) less derived ones, plus a
``prospect`` column holding the prospect's name after ``prospect_id`` wherever a row belongs
to a prospect (for people reading the file, and for imports from other tools that know the
name but not the id). The contract is documented in docs/export.md; its version is
:data:`CONTRACT_VERSION`.
"""

from __future__ import annotations

from dataclasses import dataclass

from salestrack.errors import UsageError

CONTRACT_VERSION = 1

# CLI name -> (table, the time column --since/--until filter on, the sort order)
_ENTITIES = {
    "prospects": ("prospects", "created_at", "name_key, id"),
    "contacts": ("contacts", "created_at", "created_at, id"),
    "activities": ("activities", "occurred_at", "occurred_at, id"),
    "stage-changes": ("stage_changes", "changed_at", "changed_at, id"),
    "next-steps": ("next_steps", "due_at", "created_at, id"),
    "intel": ("intel", "learned_at", "learned_at, id"),
    "wins": ("wins", "won_at", "won_at, id"),
    "promises": ("promises", "made_at", "made_at, id"),
    "successes": ("successes", "delivered_at", "delivered_at, id"),
    "lessons": ("lessons", "learned_at", "learned_at, id"),
    "initiatives": ("initiatives", "started_at", "started_at, id"),
    "behaviours": ("behaviours", "created_at", "position, id"),
    "ratings": ("ratings", "rated_at", "rated_at, id"),
    "quality": ("quality", "created_at", "created_at, id"),
}

# The exported columns of each table: "name kind", "?" when it may be empty. Every table
# starts with the same four. Written out rather than read from salestrack.models (whose
# import costs a third of a second) and kept equal to the models by tests/test_interchange.py.
_EVERY = "id uuid, owner text, created_at time, updated_at time"
_COLUMNS = {
    "prospects": "name text, company text?, segment text?, stage text, value float?, "
    "notes text?, objective text?, objective_set_at time?",
    "contacts": "prospect_id uuid, name text, role text?, title text?, email text?, phone text?, "
    "notes text?",
    "activities": "prospect_id uuid, contact_id uuid?, kind text, occurred_at time, "
    "duration_s int?, direction text, reached text?, outcome text?, notes text?, "
    "objective text?, objective_met bool?",
    "stage_changes": "prospect_id uuid, from_stage text?, to_stage text, changed_at time, "
    "reason text?, activity_id uuid?",
    "next_steps": "prospect_id uuid, activity_id uuid?, action text, due_at time?, "
    "done_at time?, done_by_activity_id uuid?",
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
}
DERIVED = {"name_key"}  # in the tables, not exported: recomputed on import


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # uuid, time, bool, int, float, text
    nullable: bool


@dataclass(frozen=True)
class Entity:
    name: str  # as typed: next-steps
    table: str  # next_steps
    time_column: str
    order: str
    columns: tuple[Column, ...]  # the table's columns as exported (no derived ones)

    @property
    def has_prospect(self) -> bool:
        return any(c.name == "prospect_id" for c in self.columns)

    @property
    def prospect_required(self) -> bool:
        return any(c.name == "prospect_id" and not c.nullable for c in self.columns)

    @property
    def has_kind(self) -> bool:
        return any(c.name == "kind" for c in self.columns)

    def exported(self) -> list[Column]:
        """The exported columns: the table's, with ``prospect`` after ``prospect_id``."""
        found: list[Column] = []
        for c in self.columns:
            found.append(c)
            if c.name == "prospect_id":
                found.append(Column("prospect", "text", True))
        return found

    def header(self) -> list[str]:
        return [c.name for c in self.exported()]


def columns(table: str) -> tuple[Column, ...]:
    """The exported columns of ``table`` (see :data:`_COLUMNS`)."""
    found = []
    for spec in f"{_EVERY}, {_COLUMNS[table]}".split(", "):
        name, kind = spec.split()
        found.append(Column(name, kind.rstrip("?"), kind.endswith("?")))
    return tuple(found)


def get(name: str) -> Entity:
    """The entity called ``name`` (``next-steps``, ``next_steps`` and ``next steps`` work)."""
    key = name.strip().lower().replace("_", "-").replace(" ", "-")
    if key not in _ENTITIES:
        raise UsageError(f"ENTITY: unknown entity '{name}'; use one of: {', '.join(_ENTITIES)}")
    table, time_column, order = _ENTITIES[key]
    return Entity(key, table, time_column, order, columns(table))


def names() -> list[str]:
    return list(_ENTITIES)
