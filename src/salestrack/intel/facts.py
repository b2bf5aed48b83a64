"""Intel facts and small wins: how they are written, keeping history.

Both a capture (``log call ... --intel``) and ``salestrack intel PROSPECT --add`` write facts
through :func:`write_intel`; wins are written by :func:`add_win`. A newer fact of a
single-valued kind (``gatekeeper``, ``budget``...) supersedes the current one, which is kept
as history (``superseded_at``, ``superseded_by_id``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from salestrack import clock, vocab
from salestrack.domain import Fact
from salestrack.store.sql import Store, uid, when

RowDict = dict[str, Any]


@dataclass
class IntelWritten:
    """What :func:`write_intel` did: facts written, wins earned, things to tell the user."""

    facts: int = 0
    wins: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def intel_facts(store: Store, prospect_id: uuid.UUID) -> list[Fact]:
    """Every intel fact on record for the prospect, superseded ones too."""
    rows = store.rows(
        "SELECT id, kind, value, learned_at, superseded_at IS NULL FROM intel "
        "WHERE prospect_id = :p",
        p=prospect_id,
    )
    return [Fact(uid(i), k, v, when(t) or clock.now(), bool(c)) for i, k, v, t, c in rows]


def add_win(
    store: Store,
    prospect_id: uuid.UUID,
    activity_id: uuid.UUID | None,
    text: str,
    source: str,
    at: datetime,
    base: RowDict,
    new_id: Callable[[], uuid.UUID],
) -> None:
    store.insert(
        "wins",
        {
            "id": new_id(),
            **base,
            "prospect_id": prospect_id,
            "activity_id": activity_id,
            "text": text,
            "source": source,
            "won_at": at,
        },
    )


def write_intel(
    store: Store,
    prospect_id: uuid.UUID,
    facts: tuple[tuple[str, str], ...] | list[tuple[str, str]],
    *,
    known: list[Fact] | None,
    contact_id: uuid.UUID | None,
    activity_id: uuid.UUID | None,
    at: datetime,
    base: RowDict,
    new_id: Callable[[], uuid.UUID] = uuid.uuid4,
    review_at: datetime | None = None,
    wins: bool = False,
) -> IntelWritten:
    """Record intel facts learned at ``at``, keeping history.

    A newer fact of a single-valued kind (gatekeeper, budget...) supersedes the current one;
    an availability fact supersedes an older one it contradicts; a fact already on record is
    not written twice. With ``wins``, each new fact is a small win (the first gatekeeper name
    is its own rung).
    """
    out = IntelWritten()
    if not facts:
        return out
    from salestrack import dates
    from salestrack.intel import availability  # parsing rules: only when there are facts

    history = intel_facts(store, prospect_id) if known is None else list(known)
    ever = {f.kind for f in history}
    current = [f for f in history if f.current]
    tz = dates.local_tz()
    for kind, value in facts:
        same = next(
            (f for f in current if f.kind == kind and f.value.casefold() == value.casefold()), None
        )
        if same is not None:
            out.warnings.append(f"already known: {kind.replace('_', ' ')}: {same.value}")
            continue
        fact_id = new_id()
        replaced: list[Fact] = []
        if kind in vocab.SINGLE_VALUED_INTEL:
            replaced = [f for f in current if f.kind == kind and f.learned_at <= at]
        elif kind == "availability":
            rule = availability.parse(value, now=at, tz=tz)
            if rule is None:
                out.warnings.append(
                    f"availability '{value}' is kept as written but not understood for call "
                    "planning; say it like 'doesn't work Tuesdays', 'mornings only', "
                    "'after 4pm' or 'out until 2026-12-01'"
                )
            else:
                for old in current:
                    if old.kind != "availability" or old.learned_at > at:
                        continue
                    old_rule = availability.parse(old.value, now=old.learned_at, tz=tz)
                    if old_rule is not None and availability.conflict(rule, old_rule):
                        replaced.append(old)
                        out.warnings.append(
                            f"availability '{value}' contradicts '{old.value}', which it "
                            "replaces (kept in the history)"
                        )
        for old in replaced:
            store.update(
                "intel",
                old.id,
                {
                    "superseded_at": at,
                    "superseded_by_id": fact_id,
                    "updated_at": base["updated_at"],
                },
            )
        current = [f for f in current if f not in replaced]
        current.append(Fact(fact_id, kind, value, at, True))
        store.insert(
            "intel",
            {
                "id": fact_id,
                **base,
                "prospect_id": prospect_id,
                "contact_id": contact_id,
                "activity_id": activity_id,
                "kind": kind,
                "value": value,
                "learned_at": at,
                "review_at": review_at,
                "superseded_at": None,
                "superseded_by_id": None,
            },
        )
        out.facts += 1
        if wins:
            if kind == "gatekeeper" and kind not in ever:
                text, source = f"first gatekeeper name: {value}", "first_gatekeeper"
            else:
                text, source = f"learned {kind.replace('_', ' ')}: {value}", "new_intel"
            add_win(store, prospect_id, activity_id, text, source, at, base, new_id)
            out.wins.append(text)
        ever.add(kind)
    return out


@dataclass(frozen=True)
class Recorded:
    """What ``salestrack intel PROSPECT --add/--objective`` wrote."""

    prospect: str
    facts: int  # facts given (some may have been known already: see ``warnings``)
    written: int
    warnings: list[str]
    objective: str | None = None  # the objective now set (None: cleared or unchanged)
    objective_changed: bool = False


def record(
    store: Store,
    typed: str,
    facts: list[tuple[str, str]],
    *,
    contact: str | None,
    learned_at: datetime,
    review_at: datetime | None,
    objective: str | None,
    owner: str,
    now: datetime,
) -> Recorded:
    """Write facts learned about a prospect (from ``contact``), and set or clear (``""``) the
    objective of the next call; the caller owns the transaction."""
    from salestrack import names
    from salestrack.domain import Ref
    from salestrack.errors import NotFound
    from salestrack.store import lookup

    found = lookup.find_prospect(store, typed)
    contact_id = None
    if contact is not None:
        people = lookup.contacts(store, found.id)
        who = names.resolve_among(contact, people, what="contact")
        if not isinstance(who, Ref):
            known = ", ".join(f"'{c.name}'" for c in people) or "none yet"
            raise NotFound(
                f"--contact: no contact '{contact}' at {found.name} (known: {known}); "
                f'add them by logging a touch: salestrack log call "{found.name}" '
                f'-c "{contact}" ...'
            )
        contact_id = who.id
    base = {"owner": owner, "created_at": now, "updated_at": now}
    written = write_intel(
        store,
        found.id,
        facts,
        known=None,
        contact_id=contact_id,
        activity_id=None,
        at=learned_at,
        base=base,
        review_at=review_at,
    )
    text = None
    if objective is not None:
        text = objective.strip() or None
        store.update(
            "prospects",
            found.id,
            {"objective": text, "objective_set_at": now if text else None, "updated_at": now},
        )
    return Recorded(
        found.name, len(facts), written.facts, written.warnings, text, objective is not None
    )
