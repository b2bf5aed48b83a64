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
from salestrack.store.schema import Column, columns

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
    "tags": ("tags", "created_at", "created_at, id"),
}

# in the tables, not exported: recomputed on import (quality.activity_at by a trigger)
DERIVED = {"name_key", "stage_since", "activity_at"}


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


def get(name: str) -> Entity:
    """The entity called ``name`` (``next-steps``, ``next_steps`` and ``next steps`` work)."""
    key = name.strip().lower().replace("_", "-").replace(" ", "-")
    if key not in _ENTITIES:
        raise UsageError(f"ENTITY: unknown entity '{name}'; use one of: {', '.join(_ENTITIES)}")
    table, time_column, order = _ENTITIES[key]
    return Entity(key, table, time_column, order, columns(table))


def names() -> list[str]:
    return list(_ENTITIES)
