"""Capture: turn what was typed after a dial into rows. Stdlib only, because it is the hot path.

The rules live here once; a :class:`CaptureStore` (stdlib ``sqlite3`` on SQLite, SQLAlchemy
everywhere else) only looks things up and writes the rows it is handed. A contract test
writes the same capture both ways and compares every row.

What one capture writes, in one transaction:

* the prospect, when the name is clearly new (its first stage change too);
* the contact, when ``--contact`` names someone new at the prospect;
* the activity;
* ``done_at`` on the prospect's open next steps set before this touch (a touch completes the
  follow-up it was waiting for; notes don't);
* the new next step, the wins and the intel facts (a newer fact of a single-valued kind such
  as ``gatekeeper`` supersedes the older one, which is kept as history).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Protocol

from salestrack import dates, vocab
from salestrack.errors import InvalidInput, NotFound
from salestrack.services import names

MAX_TEXT = 1_000_000  # a note can be long (a pasted email), but not unbounded
FUTURE_SLACK = timedelta(minutes=5)

RowDict = dict[str, Any]


@dataclass
class CaptureRequest:
    """What the user typed, unparsed."""

    kind: str
    prospect: str
    outcome: str | None = None
    reached: str | None = None
    at: str | None = None
    duration: str | None = None
    note: str | None = None
    contact: str | None = None
    next_action: str | None = None
    due: str | None = None
    wins: list[str] = field(default_factory=list)
    intel: list[str] = field(default_factory=list)
    direction: str = "outbound"
    new: bool = False


@dataclass(frozen=True)
class Capture:
    """A validated capture, times in UTC."""

    kind: str
    prospect: str
    outcome: str | None
    reached: str | None
    occurred_at: datetime
    duration_s: int | None
    notes: str | None
    contact: str | None
    next_action: str | None
    due_at: datetime | None
    wins: tuple[str, ...]
    intel: tuple[tuple[str, str], ...]
    direction: str
    new: bool


@dataclass(frozen=True)
class CaptureResult:
    activity_id: uuid.UUID
    kind: str
    prospect: str
    prospect_created: bool
    contact: str | None
    contact_created: bool
    outcome: str | None
    reached: str | None
    occurred_at: datetime
    duration_s: int | None
    next_action: str | None
    due_at: datetime | None
    steps_closed: int
    wins: int
    intel: int


class CaptureStore(Protocol):
    """What a capture needs from a database."""

    def prospect_exact(self, key: str) -> names.Ref | None: ...
    def prospect_prefix(self, key: str) -> list[names.Ref]: ...
    def prospect_names(self) -> list[str]: ...
    def contacts(self, prospect_id: uuid.UUID) -> list[names.Ref]: ...
    def open_next_steps(self, prospect_id: uuid.UUID) -> list[tuple[uuid.UUID, datetime]]: ...
    def current_intel(
        self, prospect_id: uuid.UUID, kinds: tuple[str, ...]
    ) -> list[tuple[uuid.UUID, str, datetime]]: ...
    def first_stage(self) -> str: ...
    def insert(self, table: str, row: RowDict) -> None: ...
    def update(self, table: str, row_id: uuid.UUID, changes: RowDict) -> None: ...


def _text(field_name: str, value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_TEXT:
        raise InvalidInput(field_name, f"{len(value)} characters is too long; keep it under 1 MB")
    if "\x00" in value:
        raise InvalidInput(field_name, "contains a NUL character; remove it")
    return value


def parse_time(
    field_name: str, text: str, now: datetime, prefer: str, tz: tzinfo | None
) -> datetime:
    try:
        when = dates.parse_when(text, now=now, prefer=prefer, tz=tz)  # type: ignore[arg-type]
    except dates.DateParseError as exc:
        raise InvalidInput(field_name, str(exc)) from None
    return when.astimezone(UTC)


def parse_intel(text: str) -> tuple[str, str]:
    """``"gatekeeper: Sue"`` -> ``("gatekeeper", "Sue")``; no known kind -> ``other``."""
    head, sep, rest = text.partition(":")
    if sep and rest.strip() and head.strip() and len(head) <= 30:
        kind = vocab.choose("--intel", head, vocab.INTEL_KINDS, what="intel kind")
        value = _text("--intel", rest)
        assert value is not None
        return kind, value
    value = _text("--intel", text)
    if value is None:
        raise InvalidInput("--intel", "is empty; write it as 'kind: fact', e.g. 'gatekeeper: Sue'")
    return "other", value


def validate(req: CaptureRequest, *, now: datetime, tz: tzinfo | None = None) -> Capture:
    """Check and normalise a request; raises :class:`InvalidInput` naming the field."""
    kind = vocab.choose("kind", req.kind, vocab.KINDS, what="activity kind")
    prospect = names.clean_name("PROSPECT", req.prospect)
    outcome: str | None = None
    if req.outcome is not None:
        choices = vocab.OUTCOMES[kind]
        if not choices:
            raise InvalidInput("--outcome", f"a {kind} has no outcome; leave --outcome out")
        outcome = vocab.choose("--outcome", req.outcome, choices, what=f"{kind} outcome")
    elif kind == "call":
        raise InvalidInput(
            "--outcome",
            "a call needs an outcome; e.g. --outcome connected (or no-answer, voicemail, "
            "gatekeeper, meeting-set)",
        )
    else:
        outcome = vocab.DEFAULT_OUTCOME.get(kind)
    reached: str | None = None
    if req.reached is not None:
        if kind not in ("call", "meeting"):
            raise InvalidInput("--reached", f"only calls and meetings reach someone, not a {kind}")
        reached = vocab.choose("--reached", req.reached, vocab.REACHED, what="reached value")
    elif kind == "call" and outcome is not None:
        reached = vocab.REACHED_BY_OUTCOME.get(outcome)
    occurred_at = now
    if req.at is not None:
        occurred_at = parse_time("--at", req.at, now, "past", tz)
        if occurred_at > now + FUTURE_SLACK:
            raise InvalidInput(
                "--at",
                f"'{req.at}' is in the future; log what happened, and use --next/--due "
                "for what is planned",
            )
    duration_s: int | None = None
    if req.duration is not None:
        try:
            duration_s = dates.parse_duration(req.duration)
        except dates.DurationParseError as exc:
            raise InvalidInput("--duration", str(exc)) from None
    next_action = _text("--next", req.next_action)
    due_at: datetime | None = None
    if req.due is not None:
        if next_action is None:
            raise InvalidInput("--due", "needs --next ACTION to say what is due")
        due_at = parse_time("--due", req.due, now, "future", tz)
    contact = names.clean_name("--contact", req.contact) if req.contact is not None else None
    direction = vocab.choose("--direction", req.direction, vocab.DIRECTIONS, what="direction")
    wins = tuple(w for w in (_text("--win", w) for w in req.wins) if w)
    intel = tuple(parse_intel(i) for i in req.intel)
    return Capture(
        kind=kind,
        prospect=prospect,
        outcome=outcome,
        reached=reached,
        occurred_at=occurred_at,
        duration_s=duration_s,
        notes=_text("--note", req.note),
        contact=contact,
        next_action=next_action,
        due_at=due_at,
        wins=wins,
        intel=intel,
        direction=direction,
        new=req.new,
    )


def find_prospect(store: CaptureStore, typed: str) -> names.Ref | list[str]:
    return names.resolve(
        typed,
        exact=store.prospect_exact,
        prefix=store.prospect_prefix,
        everyone=store.prospect_names,
    )


def record(
    store: CaptureStore,
    cap: Capture,
    *,
    owner: str,
    now: datetime,
    new_id: Callable[[], uuid.UUID] = uuid.uuid4,
) -> CaptureResult:
    """Write one capture through ``store``; the caller owns the transaction."""
    base = {"owner": owner, "created_at": now, "updated_at": now}
    found = find_prospect(store, cap.prospect)
    prospect_created = False
    if isinstance(found, names.Ref):
        prospect = found
    elif found and not cap.new:
        raise names.not_found(
            cap.prospect, found, hint=" (or add --new to create it as a new prospect)"
        )
    else:
        prospect = names.Ref(new_id(), cap.prospect)
        stage = store.first_stage()
        store.insert(
            "prospects",
            {
                "id": prospect.id,
                **base,
                "name": prospect.name,
                "name_key": names.key(prospect.name),
                "company": None,
                "segment": None,
                "stage": stage,
                "value": None,
                "notes": None,
                "objective": None,
                "objective_set_at": None,
            },
        )
        store.insert(
            "stage_changes",
            {
                "id": new_id(),
                **base,
                "prospect_id": prospect.id,
                "from_stage": None,
                "to_stage": stage,
                "changed_at": cap.occurred_at,
                "reason": None,
                "activity_id": None,
            },
        )
        prospect_created = True

    contact_id: uuid.UUID | None = None
    contact_name: str | None = None
    contact_created = False
    if cap.contact is not None:
        people = [] if prospect_created else store.contacts(prospect.id)
        found_contact = names.resolve(
            cap.contact,
            exact=lambda k: next((c for c in people if names.key(c.name) == k), None),
            prefix=lambda k: [c for c in people if names.key(c.name).startswith(k)],
            everyone=lambda: [c.name for c in people],
            what="contact",
        )
        if isinstance(found_contact, names.Ref):
            contact_id, contact_name = found_contact.id, found_contact.name
        elif found_contact:
            raise NotFound(
                f"unknown contact '{cap.contact}' at {prospect.name}; did you mean "
                + ", ".join(f"'{n}'" for n in found_contact)
                + "? (type the full name to add a new contact)"
            )
        else:
            contact_id, contact_name, contact_created = new_id(), cap.contact, True
            role = cap.reached if cap.reached in ("gatekeeper", "decision_maker") else None
            store.insert(
                "contacts",
                {
                    "id": contact_id,
                    **base,
                    "prospect_id": prospect.id,
                    "name": cap.contact,
                    "role": role,
                    "title": None,
                    "email": None,
                    "phone": None,
                    "notes": None,
                },
            )

    activity_id = new_id()
    store.insert(
        "activities",
        {
            "id": activity_id,
            **base,
            "prospect_id": prospect.id,
            "contact_id": contact_id,
            "kind": cap.kind,
            "occurred_at": cap.occurred_at,
            "duration_s": cap.duration_s,
            "direction": cap.direction,
            "reached": cap.reached,
            "outcome": cap.outcome,
            "notes": cap.notes,
            "objective": None,
            "objective_met": None,
        },
    )

    steps_closed = 0
    if cap.kind != "note" and not prospect_created:
        for step_id, since in store.open_next_steps(prospect.id):
            if since <= cap.occurred_at:
                store.update(
                    "next_steps",
                    step_id,
                    {
                        "done_at": cap.occurred_at,
                        "done_by_activity_id": activity_id,
                        "updated_at": now,
                    },
                )
                steps_closed += 1
    if cap.next_action is not None:
        store.insert(
            "next_steps",
            {
                "id": new_id(),
                **base,
                "prospect_id": prospect.id,
                "activity_id": activity_id,
                "action": cap.next_action,
                "due_at": cap.due_at,
                "done_at": None,
                "done_by_activity_id": None,
            },
        )
    for text in cap.wins:
        store.insert(
            "wins",
            {
                "id": new_id(),
                **base,
                "prospect_id": prospect.id,
                "activity_id": activity_id,
                "text": text,
                "source": "explicit",
                "won_at": cap.occurred_at,
            },
        )
    single = tuple(k for k, _ in cap.intel if k in vocab.SINGLE_VALUED_INTEL)
    current = [] if prospect_created or not single else store.current_intel(prospect.id, single)
    for kind, value in cap.intel:
        fact_id = new_id()
        if kind in vocab.SINGLE_VALUED_INTEL:
            for old_id, old_kind, learned in current:
                if old_kind == kind and learned <= cap.occurred_at:
                    store.update(
                        "intel",
                        old_id,
                        {
                            "superseded_at": cap.occurred_at,
                            "superseded_by_id": fact_id,
                            "updated_at": now,
                        },
                    )
            current = [c for c in current if c[1] != kind]
            current.append((fact_id, kind, cap.occurred_at))
        store.insert(
            "intel",
            {
                "id": fact_id,
                **base,
                "prospect_id": prospect.id,
                "contact_id": contact_id,
                "activity_id": activity_id,
                "kind": kind,
                "value": value,
                "learned_at": cap.occurred_at,
                "review_at": None,
                "superseded_at": None,
                "superseded_by_id": None,
            },
        )
    return CaptureResult(
        activity_id=activity_id,
        kind=cap.kind,
        prospect=prospect.name,
        prospect_created=prospect_created,
        contact=contact_name,
        contact_created=contact_created,
        outcome=cap.outcome,
        reached=cap.reached,
        occurred_at=cap.occurred_at,
        duration_s=cap.duration_s,
        next_action=cap.next_action,
        due_at=cap.due_at,
        steps_closed=steps_closed,
        wins=len(cap.wins),
        intel=len(cap.intel),
    )
