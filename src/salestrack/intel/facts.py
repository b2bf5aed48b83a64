"""Intel facts and small wins: how they are written, keeping history.

Both a capture (``log call ... --intel``) and ``salestrack intel PROSPECT --add`` write facts
through :func:`write_intel`; a capture's wins are written by :func:`record_wins`. A newer
fact of a single-valued kind (``gatekeeper``, ``budget``...) supersedes the current one,
which is kept as history (``superseded_at``, ``superseded_by_id``).

**A contact counts.** Someone a capture reached as the gatekeeper or the decision maker and
named with ``--contact`` is a fact of that kind ("gatekeeper: Sue"), as if typed with
``--intel``, unless a current fact of that kind already names them or the capture's own
``--intel`` gives that kind.

**One event, one win.** Each win of a capture is about a *subject*: an automatic win about
the fact it came from (``first_gatekeeper``: the gatekeeper; ``first_decision_maker``: the
decision maker; ``new_intel``: the fact's kind when the kind holds one value, such as budget
or decision maker, else the fact itself, so two competitors learned are two wins). A typed
``--win`` is about the first intel kind its words name ("learned the gatekeeper's name":
the gatekeeper; "got the DM's mobile": the decision maker) when the capture earned a win of
that kind, else about its own words. A capture records one win per subject: a typed win and
an automatic win about the same subject are the same event, kept once with the automatic
win's source (its rung) and the typed words.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from salestrack import clock, vocab
from salestrack.domain import Fact
from salestrack.store.sql import Store, uid, when

RowDict = dict[str, Any]


# NamedTuples here, not frozen dataclasses: capture's start-up (docs/architecture.md)
class Win(NamedTuple):
    """A small win a capture earned, before it is recorded (see :func:`record_wins`)."""

    text: str
    source: str  # explicit, new_intel, first_gatekeeper, first_decision_maker
    subject: str  # what it is about: an intel kind, or a typed win's own words


@dataclass
class IntelWritten:
    """What :func:`write_intel` did: facts written, wins earned, things to tell the user."""

    facts: int = 0
    wins: list[Win] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def names_person(value: str, name: str) -> bool:
    """Whether a fact's value names the person ``name``: "Dana Ruiz, CFO" names "Dana Ruiz"
    and "Dana" (case and spacing aside), "Danaher" does not."""
    v, n = " ".join(value.casefold().split()), " ".join(name.casefold().split())
    return v == n or (v.startswith(n) and not v[len(n)].isalnum())


def people_facts(
    given: tuple[tuple[str, str], ...] | list[tuple[str, str]],
    people: list[tuple[str, str]],
    history: list[Fact],
) -> list[tuple[str, str]]:
    """The facts a capture's contacts stand for: ``(role, name)`` for each person reached in
    a role, unless the typed facts give that kind or a current fact of it names them."""
    typed = {kind for kind, _ in given}
    return [
        (role, name)
        for role, name in people
        if role not in typed
        and not any(f.current and f.kind == role and names_person(f.value, name) for f in history)
    ]


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
    people: list[tuple[str, str]] | None = None,
) -> IntelWritten:
    """Record intel facts learned at ``at``, keeping history.

    A newer fact of a single-valued kind (gatekeeper, budget...) supersedes the current one;
    an availability fact supersedes an older one it contradicts; a fact already on record is
    not written twice. ``people`` are ``(role, name)`` of contacts reached in a role: each is
    a fact too (:func:`people_facts`). With ``wins``, each new fact earns a small win (the
    first gatekeeper name is its own rung), returned to be recorded by :func:`record_wins`.
    """
    out = IntelWritten()
    if not facts and not people:
        return out
    from salestrack import dates
    from salestrack.intel import availability  # parsing rules: only when there are facts

    history = intel_facts(store, prospect_id) if known is None else list(known)
    quiet = people_facts(facts, people or [], history)
    ever = {f.kind for f in history}
    current = [f for f in history if f.current]
    tz = dates.local_tz()
    for kind, value in [*facts, *quiet]:
        same = next(
            (f for f in current if f.kind == kind and f.value.casefold() == value.casefold()), None
        )
        if same is not None:
            if (kind, value) not in quiet:
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
            subject = kind if kind in vocab.SINGLE_VALUED_INTEL else f"{kind}: {value}"
            out.wins.append(Win(text, source, subject))
        ever.add(kind)
    return out


# The more specific source wins when two wins of a capture are about the same subject.
_RANK = {"first_gatekeeper": 0, "first_decision_maker": 0, "new_intel": 1, "explicit": 2}


def win_subject(text: str) -> str:
    """What a typed win is about: the first intel kind its words name (by the kind's words,
    e.g. "decision maker", or its short form, e.g. "dm"); "" when it names none."""
    import re

    from salestrack import vocab

    words = " " + " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split()) + " "
    spelled: list[tuple[int, str]] = []
    for kind in vocab.INTEL_KINDS:
        short = [a for a, k in vocab.ALIASES.items() if k == kind and len(a) == 2]  # dm, gk
        forms = [kind.replace("_", " "), *short]
        for form in forms:
            found = re.search(rf" {re.escape(form)}s? ", words)
            if found is not None and kind != "other":
                spelled.append((found.start(), kind))
    return min(spelled)[1] if spelled else ""


def record_wins(
    store: Store,
    prospect_id: uuid.UUID,
    activity_id: uuid.UUID | None,
    typed: tuple[str, ...] | list[str],
    earned: list[Win],
    *,
    at: datetime,
    base: RowDict,
    new_id: Callable[[], uuid.UUID] = uuid.uuid4,
) -> list[Win]:
    """Write a capture's wins, one per subject (see the module's notes); returns them."""
    chosen: dict[str, Win] = {}

    def about(text: str) -> str:  # a typed win joins the first earned win of its kind
        kind = win_subject(text)
        same = [w.subject for w in earned if w.subject.partition(": ")[0] == kind]
        return same[0] if same else "typed: " + " ".join(text.casefold().split())

    for win in [*earned, *(Win(t, "explicit", about(t)) for t in typed)]:
        held = chosen.get(win.subject)
        if held is None:
            chosen[win.subject] = win
        elif win.source == "explicit" and held.source != "explicit":
            chosen[win.subject] = Win(win.text, held.source, held.subject)  # the typed words
        elif _RANK[win.source] < _RANK[held.source]:
            text = held.text if held.source == "explicit" else win.text
            chosen[win.subject] = Win(text, win.source, win.subject)
    for win in chosen.values():
        add_win(store, prospect_id, activity_id, win.text, win.source, at, base, new_id)
    return list(chosen.values())


class Recorded(NamedTuple):
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
    from salestrack.store import lookup

    found = lookup.find_prospect(store, typed)
    contact_id = None
    if contact is not None:
        people = lookup.contacts(store, found.id)
        who = names.resolve_among(contact, people, what="contact")
        if not isinstance(who, Ref):
            raise names.unknown_contact(
                contact, who, prospect=found.name, known=[c.name for c in people]
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
