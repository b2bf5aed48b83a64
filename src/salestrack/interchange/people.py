"""Who an imported email or meeting is with: a contact by address, else a prospect by domain.

Shared by ``import mail`` and ``import calendar``. The order, for each correspondent that is
not one of your own addresses (the setting ``my_addresses``) nor at your own domain:

1. a contact whose email is the address: that contact and their prospect;
2. a prospect whose ``domain`` is the address's domain;
3. the one prospect whose contacts have addresses at that domain (not a free-mail domain);
4. with ``--new``: a new prospect for the domain (never a free-mail domain, never your own)
   and a new contact for the address (a new contact at a prospect found by 2 or 3 too).

What matches nothing is counted by domain, for the summary. Stdlib only.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from salestrack import names
from salestrack.domain import Ref
from salestrack.errors import InvalidInput
from salestrack.store.sql import Store, uid


@dataclass
class Tally:
    """What one ``import mail`` or ``import calendar`` did, for its summary line: the counts
    both have (each import adds its own first)."""

    already: int = 0
    unmatched: int = 0
    steps_closed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    unmatched_domains: Counter[str] = field(default_factory=Counter)
    prospects_created: list[str] = field(default_factory=list)
    contacts_created: list[str] = field(default_factory=list)

    def summary_of(self, head: str, *, unmatched_as: str, hint: str = "", dry_run: bool) -> str:
        """``head`` (the import's own counts), then what both imports say the same way."""
        from salestrack.output.show import count

        skipped = sum(self.skipped.values())
        text = (
            f"{head}, {self.already} already there, {self.unmatched} unmatched, {skipped} skipped"
        )
        if skipped:
            text += " (" + ", ".join(f"{n} {why}" for why, n in ranked(self.skipped)) + ")"
        if self.steps_closed:
            text += f"; {count(self.steps_closed, 'next step')} completed"
        if self.prospects_created or self.contacts_created:
            text += (
                f"; new: {count(len(self.prospects_created), 'prospect')}, "
                f"{count(len(self.contacts_created), 'contact')}"
            )
        if self.unmatched_domains:
            top = ranked(self.unmatched_domains)
            shown = ", ".join(f"{d} {n}" for d, n in top[:10])
            more = f" and {len(top) - 10} more" if len(top) > 10 else ""
            text += f"\nunmatched {unmatched_as} by domain: {shown}{more}"
            if hint and not self.prospects_created:
                text += hint
        return text + (" (dry run: nothing written)" if dry_run else "")


def ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    """The counts, the largest first (ties by name)."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


@lru_cache(maxsize=1)
def freemail() -> frozenset[str]:
    """The free-mail domains shipped with salestrack (``interchange/freemail.txt``)."""
    text = (Path(__file__).parent / "freemail.txt").read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line)


def check_address(typed: str, field_name: str = "--me") -> str:
    """An email address by the contacts' rule (``contact add --email``), lower-case."""
    found = names.check_email(typed, field_name)
    if found is None:
        raise InvalidInput(field_name, "is empty; give your address, e.g. you@example.com")
    return found.lower()


@dataclass(frozen=True)
class Match:
    prospect_id: uuid.UUID
    prospect: str
    contact_id: uuid.UUID | None
    contact: str | None


@dataclass
class Created:
    prospects: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)


def _contact_name(display: str, address: str) -> str:
    """A new contact's name: the display name in the header, else the address's local part
    in words (``dana.lee`` -> ``Dana Lee``)."""
    text = " ".join(display.replace('"', " ").split())
    if text and "@" not in text and all(ch.isprintable() for ch in text):
        return text[: names.MAX_NAME]
    local = address.partition("@")[0].replace(".", " ").replace("_", " ").replace("-", " ")
    return " ".join(w.capitalize() for w in local.split())[: names.MAX_NAME] or address


def _prospect_name(domain: str) -> str:
    """A new prospect's name from its domain: ``acme-corp.co.uk`` -> ``Acme Corp``."""
    labels = domain.split(".")
    stem = labels[0]
    for n, label in enumerate(labels):  # the label before the public suffix
        if len(label) > 3 or n == len(labels) - 2:
            stem = label
            break
    return " ".join(w.capitalize() for w in stem.replace("_", "-").split("-") if w) or domain


def _no_tick(n: int) -> None:
    """No progress to show."""


class Run(NamedTuple):
    """One import of your mail or calendar, as ``import mail`` and ``import calendar`` both
    take it: your addresses, whether unknown companies become prospects (``--new``), the
    window (``--since``/``--until``), and the write's owner, time and first stage; ``plan``
    keeps what would be logged (``--dry-run``), ``tick`` counts progress."""

    me: list[str]
    create: bool
    since: datetime | None
    until: datetime | None
    now: datetime
    owner: str
    first_stage: str
    plan: bool = False
    tick: Callable[[int], None] = _no_tick
    new_id: Callable[[], uuid.UUID] = uuid.uuid4


class Matcher:
    """Finds (and with ``create``, adds) the prospect and contact of a correspondent."""

    def __init__(self, store: Store, run: Run) -> None:
        self.store, self.create, self.owner, self.now = store, run.create, run.owner, run.now
        self.first_stage, self.new_id = run.first_stage, run.new_id
        self.me = frozenset(a.lower() for a in run.me)
        free = freemail()
        self.my_domains = frozenset(names.domain_of(a) for a in self.me) - free
        self.unmatched: Counter[str] = Counter()
        self.created = Created()
        self.by_address: dict[str, Match] = {}
        at_domain: dict[str, set[uuid.UUID]] = {}
        refs: dict[uuid.UUID, str] = {}
        for cid, cname, email, pid, pname in store.rows(
            "SELECT c.id, c.name, c.email, p.id, p.name FROM contacts c "
            "JOIN prospects p ON p.id = c.prospect_id WHERE c.email IS NOT NULL"
        ):
            address = str(email).strip().lower()
            prospect_id = uid(pid)
            refs[prospect_id] = str(pname)
            self.by_address.setdefault(address, Match(prospect_id, pname, uid(cid), cname))
            domain = names.domain_of(address)
            if domain not in free:
                at_domain.setdefault(domain, set()).add(prospect_id)
        self.by_domain: dict[str, Match] = {}
        for domain, ids in at_domain.items():
            if len(ids) == 1:
                (only,) = ids
                self.by_domain[domain] = Match(only, refs[only], None, None)
        for pid, pname, domain in store.rows(
            "SELECT id, name, domain FROM prospects WHERE domain IS NOT NULL"
        ):
            self.by_domain[str(domain)] = Match(uid(pid), str(pname), None, None)

    def mine(self, address: str) -> bool:
        return address in self.me

    def internal(self, address: str) -> bool:
        """One of your own addresses, or a colleague's at your own domain."""
        return address in self.me or names.domain_of(address) in self.my_domains

    def match(self, people: Iterable[tuple[str, str]], at: datetime) -> Match | None:
        """The first of ``people`` (display name, lower-case address) that is a contact or
        at a prospect's domain; with ``create``, the first that can be added. Those that
        match nothing are counted in :attr:`unmatched` when nothing matches at all. A
        prospect added for a domain is in its first stage since ``at`` (the message's time)."""
        outside = [(d, a) for d, a in people if a and not self.internal(a)]
        for _, address in outside:
            found = self.by_address.get(address)
            if found is not None:
                return found
        for display, address in outside:
            found = self.by_domain.get(names.domain_of(address))
            if found is not None:
                return self._add_contact(found, display, address) if self.create else found
        if self.create:
            for display, address in outside:
                made = self._add_prospect(display, address, min(at, self.now))
                if made is not None:
                    return made
        for _, address in outside:
            self.unmatched[names.domain_of(address)] += 1
        return None

    def _add_contact(self, at: Match, display: str, address: str) -> Match:

        taken = {names.key(r.name) for r in _contacts(self.store, at.prospect_id)}
        name = _contact_name(display, address)
        if names.key(name) in taken:
            name = address[: names.MAX_NAME]
        from salestrack.capture import contacts

        cid = contacts.insert(
            self.store, at.prospect_id, name, owner=self.owner, now=self.now,
            email=names.check_email(address, "address"), new_id=self.new_id,
        )  # fmt: skip
        found = Match(at.prospect_id, at.prospect, cid, name)
        self.by_address[address] = found
        self.created.contacts.append(f"{name} <{address}>")
        return found

    def _add_prospect(self, display: str, address: str, since: datetime) -> Match | None:
        from salestrack.capture import prospects
        from salestrack.store import lookup

        try:
            domain = names.clean_domain("address", names.domain_of(address))
        except InvalidInput:
            return None
        if domain is None or domain in freemail() or domain in self.my_domains:
            return None
        name = _prospect_name(domain)
        if lookup.prospect_exact(self.store, names.key(name)) is not None:
            name = domain
            if lookup.prospect_exact(self.store, names.key(name)) is not None:
                return None
        pid = prospects.create(
            self.store, name, owner=self.owner, now=self.now, stage=self.first_stage,
            since=since, new_id=self.new_id, domain=domain,
        )  # fmt: skip
        self.created.prospects.append(name)
        found = Match(pid, name, None, None)
        self.by_domain[domain] = found
        return self._add_contact(found, display, address)


def _contacts(store: Store, prospect_id: uuid.UUID) -> list[Ref]:
    from salestrack.store import lookup

    return lookup.contacts(store, prospect_id)
