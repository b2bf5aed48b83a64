"""Contacts: the people at a prospect, with their role, title, phone and email.

``contact add|list|show|edit|rm``; ``log --contact`` creates one too (capture.py). A contact
is named within its prospect (exact, then a unique start, as prospects are), and a name is
used once per prospect. Stdlib only.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from salestrack import names, rules, vocab
from salestrack.domain import Ref
from salestrack.errors import Conflict, InvalidInput, NotFound
from salestrack.names import check_email
from salestrack.store import lookup
from salestrack.store.sql import Store, uid, when

MAX_PHONE = 50
MAX_TITLE = 200
_PHONE = re.compile(r"^\+?[0-9 ()./-]+(?:\s*(?:x|ext\.?)\s*[0-9]+)?$", re.IGNORECASE)
#: who to ask for on a call, best first
ASK_FOR = ("decision_maker", "champion", "influencer", "user", None, "other", "gatekeeper")


@dataclass
class Contact:
    id: uuid.UUID
    prospect_id: uuid.UUID
    prospect: str
    name: str
    role: str | None
    title: str | None
    phone: str | None
    email: str | None
    notes: str | None
    created_at: datetime | None
    updated_at: datetime | None

    def as_row(self) -> dict[str, Any]:
        return dict(self.__dict__)


_COLUMNS = (
    "c.id, c.prospect_id, p.name, c.name, c.role, c.title, c.phone, c.email, c.notes, "
    "c.created_at, c.updated_at"
)
_FROM = "FROM contacts c JOIN prospects p ON p.id = c.prospect_id"


def _contact(row: tuple[Any, ...]) -> Contact:
    found = Contact(*row)
    found.id, found.prospect_id = uid(found.id), uid(found.prospect_id)
    found.created_at, found.updated_at = when(found.created_at), when(found.updated_at)
    return found


def check_role(typed: str | None, field: str = "--role") -> str | None:
    """A role by its name or a unique start (``dm`` for decision maker); '' clears it."""
    if typed is None or not typed.strip():
        return None
    return vocab.choose(field, typed, vocab.ROLES, what="role")


def check_phone(typed: str | None, field: str = "--phone") -> str | None:
    """A phone number as typed (digits, spaces, + ( ) - . / and an extension); '' clears it."""
    if typed is None or not typed.strip():
        return None
    phone = " ".join(typed.split())
    digits = sum(ch.isdigit() for ch in phone)
    if len(phone) > MAX_PHONE or not _PHONE.match(phone) or digits < 3:
        raise InvalidInput(
            field, f"'{phone[:60]}' is not a phone number; write it as +44 20 7946 0000"
        )
    return phone


def _title(typed: str | None) -> str | None:
    title = rules.clean_text("--title", typed)
    if title is not None and len(title) > MAX_TITLE:
        raise InvalidInput("--title", f"keep it under {MAX_TITLE} characters")
    return title


def _refs(store: Store, prospect_id: uuid.UUID) -> list[Ref]:
    return lookup.contacts(store, prospect_id)


def find(store: Store, prospect: str, typed: str) -> Contact:
    """The contact ``typed`` names at ``prospect`` (exact, then a unique start)."""
    ref = lookup.find_prospect(store, prospect)
    found = names.resolve_among(typed, _refs(store, ref.id), what="contact")
    if not isinstance(found, Ref):
        quoted = ", ".join(f"'{n}'" for n in found)
        close = f"; did you mean {quoted}?" if found else ""
        raise NotFound(
            f"unknown contact '{typed}' at {ref.name}{close} "
            f'(see: salestrack contact list "{ref.name}")'
        )
    return _by_id(store, found.id, typed)


def _by_id(store: Store, contact_id: uuid.UUID, typed: str) -> Contact:
    """The contact found or written a moment ago, in the same transaction."""
    row = store.one(f"SELECT {_COLUMNS} {_FROM} WHERE c.id = :c", c=contact_id)
    if row is None:
        raise names.not_found(typed, [], what="contact")
    return _contact(row)


def _unique(store: Store, prospect_id: uuid.UUID, name: str, field: str, same: Any = None) -> None:
    for ref in _refs(store, prospect_id):
        if names.key(ref.name) == names.key(name) and ref.id != same:
            raise Conflict(f"{field}: there is already a contact called '{ref.name}' there")


def insert(
    store: Store,
    prospect_id: uuid.UUID,
    name: str,
    *,
    owner: str,
    now: datetime,
    role: str | None = None,
    title: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    notes: str | None = None,
    new_id: Callable[[], uuid.UUID] = uuid.uuid4,
) -> uuid.UUID:
    """Write one contact row, its values already checked; returns its id. The one insert
    of a contact: ``contact add``, a touch with someone new (``log``/``edit -c``) and
    ``import mail``/``calendar --new``."""
    contact_id = new_id()
    store.insert(
        "contacts",
        {
            "id": contact_id, "owner": owner, "created_at": now, "updated_at": now,
            "prospect_id": prospect_id, "name": name, "role": role, "title": title,
            "email": email, "phone": phone, "notes": notes,
        },
    )  # fmt: skip
    return contact_id


def add(
    store: Store,
    prospect: str,
    name: str,
    *,
    owner: str,
    now: datetime,
    role: str | None = None,
    title: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    notes: str | None = None,
) -> Contact:
    ref = lookup.find_prospect(store, prospect)
    clean = names.clean_name("NAME", name)
    _unique(store, ref.id, clean, "NAME")
    contact_id = insert(
        store, ref.id, clean, owner=owner, now=now, role=check_role(role), title=_title(title),
        email=check_email(email), phone=check_phone(phone),
        notes=rules.clean_text("--note", notes),
    )  # fmt: skip
    return _by_id(store, contact_id, clean)


def listing(
    store: Store, prospect: str | None = None, *, limit: int | None = 100
) -> tuple[list[Contact], int]:
    """Contacts by prospect name, then name; and how many there are in all."""
    where, params = "", {}
    # all of them: prospects in name order (their index), each one's contacts (theirs), so
    # a limit stops the walk early instead of sorting every contact first (SQLite's CROSS
    # JOIN keeps that order; PostgreSQL's planner finds it itself)
    source = _FROM
    if store.sqlite:
        source = "FROM prospects p CROSS JOIN contacts c ON c.prospect_id = p.id"
    if prospect is not None:
        where = " WHERE c.prospect_id = :p"
        params["p"] = lookup.find_prospect(store, prospect).id
        source = _FROM
    sql = f"SELECT {_COLUMNS} {source}{where} ORDER BY p.name_key, c.name"
    if limit:
        sql += f" LIMIT {int(limit)}"
    found = [_contact(r) for r in store.rows(sql, **params)]
    total = len(found)
    if limit and total == limit:
        total = int(store.scalar(f"SELECT count(*) FROM contacts c{where}", **params) or 0)
    return found, total


@dataclass
class ContactDetail:
    contact: Contact
    activities: int
    last_touch: datetime | None
    intel: list[dict[str, Any]]


def detail(store: Store, prospect: str, typed: str) -> ContactDetail:
    c = find(store, prospect, typed)
    n, last = store.one(
        "SELECT count(*), max(occurred_at) FROM activities WHERE contact_id = :c", c=c.id
    ) or (0, None)
    intel = [
        {"kind": k, "value": v, "learned_at": when(at)}
        for k, v, at in store.rows(
            "SELECT kind, value, learned_at FROM intel WHERE contact_id = :c "
            "AND superseded_at IS NULL ORDER BY learned_at",
            c=c.id,
        )
    ]
    return ContactDetail(c, int(n or 0), when(last), intel)


def edit(
    store: Store,
    prospect: str,
    typed: str,
    *,
    now: datetime,
    name: str | None = None,
    role: str | None = None,
    title: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    notes: str | None = None,
) -> tuple[Contact, list[str]]:
    """Change the given fields ('' clears one but the name); returns the fields changed."""
    c = find(store, prospect, typed)
    updates: dict[str, Any] = {}
    if name is not None:
        updates["name"] = names.clean_name("--name", name)
        _unique(store, c.prospect_id, updates["name"], "--name", same=c.id)
    if role is not None:
        updates["role"] = check_role(role)
    if title is not None:
        updates["title"] = _title(title)
    if phone is not None:
        updates["phone"] = check_phone(phone)
    if email is not None:
        updates["email"] = check_email(email)
    if notes is not None:
        updates["notes"] = rules.clean_text("--note", notes)
    changed = [k for k, v in updates.items() if getattr(c, k) != v]
    if changed:
        store.update("contacts", c.id, {**{k: updates[k] for k in changed}, "updated_at": now})
        for k in changed:
            setattr(c, k, updates[k])
        c.updated_at = now
    return c, changed


def remove(store: Store, prospect: str, typed: str) -> tuple[Contact, int]:
    """Delete a contact; the activities and intel that named them keep, without the name.
    Returns the contact and how many activities named them."""
    c = find(store, prospect, typed)
    n = int(store.scalar("SELECT count(*) FROM activities WHERE contact_id = :c", c=c.id) or 0)
    store.execute("DELETE FROM contacts WHERE id = :c", c=c.id)
    return c, n


def ask_for(contacts: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any] | None] | None:
    """Who to ask for on a call (the decision maker, else a champion, ...; the gatekeeper
    last), and whose number to dial: theirs, else the first number known at the prospect."""
    if not contacts:
        return None

    def rank(c: dict[str, Any]) -> tuple[int, bool]:
        role = c.get("role")
        return (ASK_FOR.index(role) if role in ASK_FOR else len(ASK_FOR), c.get("phone") is None)

    best = min(contacts, key=rank)
    if best.get("phone"):
        return best, best
    return best, next((c for c in sorted(contacts, key=rank) if c.get("phone")), None)


COLUMNS = tuple(f.name for f in fields(Contact))
