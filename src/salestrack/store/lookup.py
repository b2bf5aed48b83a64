"""Finding a row by what the user typed (a prospect's name, an id's start): the one place
that SQL is written."""

from __future__ import annotations

import uuid
from typing import Any

from salestrack import names
from salestrack.domain import Ref
from salestrack.errors import Ambiguous, InvalidInput, NotFound
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


_HEX = frozenset("0123456789abcdef")


def by_id(
    store: Store, table: str, columns: str, typed: str, *, what: str, hint: str
) -> tuple[Any, ...]:
    """The row of ``table`` whose id is ``typed`` or starts with it (4 or more hex digits,
    dashes optional): ``columns`` (SQL, the id first). The one place ids are matched."""
    digits = typed.strip().lower().replace("-", "")
    article = "an" if what[0] in "aeiou" else "a"
    if not set(digits) <= _HEX or len(digits) > 32:
        raise InvalidInput(
            "ID", f"'{typed}' is not {article} {what} id; ids are hex, e.g. 3f2a9c1b"
        )
    if len(digits) < 4:
        raise InvalidInput("ID", f"'{typed}' is too short; type 4 or more characters of the id")
    if len(digits) == 32:
        row = store.one(f"SELECT {columns} FROM {table} WHERE id = :i", i=uuid.UUID(digits))
        if row is None:
            raise NotFound(f"no {what} has the id {typed}")
        return row
    if store.sqlite:  # ids are stored as 32 hex digits: a range on the primary key
        found = store.rows(
            f"SELECT {columns} FROM {table} WHERE id >= :lo AND id < :hi LIMIT 5",
            lo=digits,
            hi=digits + "g",
        )
    else:
        found = store.rows(
            f"SELECT {columns} FROM {table} "
            "WHERE replace(CAST(id AS text), '-', '') LIKE :start LIMIT 5",
            start=digits + "%",
        )
    if not found:
        raise NotFound(f"no {what} id starts with {typed}; see: {hint}")
    if len(found) > 1:
        shown = [uid(r[0]).hex[:12] for r in found]
        raise Ambiguous(
            f"'{typed}' starts {len(found)} {what} ids ({', '.join(shown)}); type more of it",
            shown,
        )
    return found[0]
