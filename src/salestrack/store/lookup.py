"""Finding a prospect by what the user typed: the one place its SQL is written."""

from __future__ import annotations

import uuid

from salestrack import names
from salestrack.domain import Ref
from salestrack.store.sql import Store, uid


def prospect_exact(store: Store, key: str) -> Ref | None:
    row = store.one("SELECT id, name FROM prospects WHERE name_key = :k LIMIT 1", k=key)
    return Ref(uid(row[0]), row[1]) if row else None


def prospect_prefix(store: Store, key: str) -> list[Ref]:
    rows = store.rows(
        "SELECT id, name FROM prospects WHERE name_key >= :lo AND name_key < :hi LIMIT 50",
        lo=key,
        hi=key + "\U0010ffff",
    )
    return [Ref(uid(i), n) for i, n in rows]


def prospect_names(store: Store) -> list[str]:
    return [r[0] for r in store.rows("SELECT name FROM prospects")]


def match_prospect(store: Store, typed: str) -> Ref | list[str]:
    """The prospect ``typed`` names (exact, then a unique start), or the close names."""
    return names.resolve(
        typed,
        exact=lambda k: prospect_exact(store, k),
        prefix=lambda k: prospect_prefix(store, k),
        everyone=lambda: prospect_names(store),
    )


def find_prospect(store: Store, typed: str, hint: str = "") -> Ref:
    """The prospect ``typed`` names, or a clear error suggesting close names."""
    found = match_prospect(store, typed)
    if not isinstance(found, Ref):
        raise names.not_found(typed, found, hint=hint)
    return found


def contacts(store: Store, prospect_id: uuid.UUID) -> list[Ref]:
    """The prospect's contacts, to resolve a name typed with ``--contact``."""
    rows = store.rows("SELECT id, name FROM contacts WHERE prospect_id = :p", p=prospect_id)
    return [Ref(uid(i), n) for i, n in rows]
