"""What the client commands share: the client a user names, and text that must be given."""

from __future__ import annotations

from salestrack import names
from salestrack.domain import Ref
from salestrack.errors import InvalidInput
from salestrack.store import lookup
from salestrack.store.sql import Store


def client(store: Store, typed: str) -> Ref:
    """The client (a prospect) ``typed`` names, or an error saying how to add one."""
    found = lookup.match_prospect(store, typed)
    if not isinstance(found, Ref):
        raise names.not_found(
            typed, found, what="client", hint=" (clients are prospects: salestrack prospect add)"
        )
    return found


def required_text(field_name: str, value: str) -> str:
    """Checked, stripped text that must not be empty."""
    from salestrack import rules

    cleaned = rules.clean_text(field_name, value)
    if cleaned is None:
        raise InvalidInput(field_name, "is empty; say what it is")
    return cleaned
