"""Capture: turn what was typed after a dial into rows. Stdlib only, because it is the hot path.

The rules live here once, and the rows are written through the one
:class:`~salestrack.store.sql.Store` (stdlib ``sqlite3`` on SQLite, psycopg on a server).

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
from datetime import UTC, datetime, tzinfo
from typing import Any, NamedTuple

from salestrack import clock, dates, names, rules, vocab
from salestrack.capture import tags
from salestrack.domain import Ref
from salestrack.errors import InvalidInput, NotFound
from salestrack.intel.facts import Win, record_wins, write_intel
from salestrack.store import lookup, settings
from salestrack.store.sql import Store, uid, when

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
    objective_met: bool | None = None  # --met / --missed: the call's objective
    quality: str | None = None  # "value=4,uncovered=3,openness=5,commitment=2" or "4352"
    uncovered: str | None = None  # what was uncovered, in words
    tags: list[str] = field(default_factory=list)


# NamedTuples here, not frozen dataclasses: capture's start-up (docs/architecture.md)
class Capture(NamedTuple):
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
    objective_met: bool | None = None
    quality: tuple[int, int, int, int] | None = None
    uncovered: str | None = None
    tags: tuple[str, ...] = ()


class CaptureResult(NamedTuple):
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
    auto_wins: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    objective: str | None = None
    objective_met: bool | None = None
    quality: tuple[int, int, int, int] | None = None
    tags: tuple[str, ...] = ()


_MISSED = rules.LOG._replace(objective_met="--missed")


def parse_time(
    field_name: str, text: str, now: datetime, prefer: str, tz: tzinfo | None
) -> datetime:
    try:
        when = dates.parse_when(text, now=now, prefer=prefer, tz=tz)  # type: ignore[arg-type]
    except dates.DateParseError as exc:
        raise InvalidInput(field_name, str(exc)) from None
    return when.astimezone(UTC)


def parse_bound(
    field_name: str, text: str, now: datetime, side: str, prefer: str = "past"
) -> datetime:
    """One end of a period (``side`` "start" or "end"), in UTC: a date alone is the whole day
    (:func:`salestrack.dates.parse_bound`)."""
    try:
        when = dates.parse_bound(text, side=side, now=now, prefer=prefer)  # type: ignore[arg-type]
    except dates.DateParseError as exc:
        raise InvalidInput(field_name, str(exc)) from None
    return when.astimezone(UTC)


def parse_intel(text: str, field_name: str = "--intel") -> tuple[str, str]:
    """``"gatekeeper: Sue"`` -> ``("gatekeeper", "Sue")``; no ``kind:`` -> ``other``."""
    head, sep, rest = text.partition(":")
    if sep and head.strip() and len(head) <= 30:
        kind = vocab.choose(field_name, head, vocab.INTEL_KINDS, what="intel kind")
        value = rules.clean_text(field_name, rest)
        if value is None:
            raise InvalidInput(
                field_name, f"'{text.strip()}' gives no fact; write it as '{kind}: the fact'"
            )
        return kind, value
    value = rules.clean_text(field_name, text)
    if value is None:
        raise InvalidInput(field_name, "is empty; write it as 'kind: fact', e.g. 'gatekeeper: Sue'")
    return "other", value


def parse_quality(text: str, field_name: str = "--quality") -> tuple[int, int, int, int]:
    """``value=4,uncovered=3,openness=5,commitment=2`` (any order, names by their start) or
    the short form ``4352`` (value, uncovered, openness, commitment), each 1 to 5."""
    s = text.strip().lower()
    hint = "give four scores 1-5: value=4,uncovered=3,openness=5,commitment=2 (or 4352)"
    if s.isdigit():
        if len(s) != 4:
            raise InvalidInput(field_name, f"'{text}': {hint}")
        scores = [int(ch) for ch in s]
    else:
        found: dict[str, int] = {}
        for part in s.replace(" ", ",").split(","):
            if not part:
                continue
            name, sep, number = part.partition("=")
            if not sep:
                name, number = part.rstrip("0123456789"), part[len(part.rstrip("0123456789")) :]
            dim = vocab.choose(field_name, name, vocab.QUALITY_DIMENSIONS, what="quality score")
            if not number.isdigit():
                raise InvalidInput(field_name, f"'{part}': {hint}")
            found[dim] = int(number)
        missing = [d for d in vocab.QUALITY_DIMENSIONS if d not in found]
        if missing:
            raise InvalidInput(field_name, f"no score for {', '.join(missing)}; {hint}")
        scores = [found[d] for d in vocab.QUALITY_DIMENSIONS]
    for n in scores:
        rules.score(field_name, n)
    return scores[0], scores[1], scores[2], scores[3]


def validate(req: CaptureRequest, *, now: datetime, tz: tzinfo | None = None) -> Capture:
    """Check and normalise a request; raises :class:`InvalidInput` naming the field.

    The activity's own fields are checked by :func:`rules.activity`, as edit and import
    check them.
    """
    prospect = names.clean_name("PROSPECT", req.prospect)
    occurred_at = now if req.at is None else parse_time("--at", req.at, now, "past", tz)
    fields = rules.activity(
        kind=req.kind,
        outcome=req.outcome,
        reached=req.reached,
        direction=req.direction,
        occurred_at=occurred_at,
        duration_s=None if req.duration is None else rules.parse_duration(req.duration),
        notes=req.note,
        objective_met=req.objective_met,
        now=now,
        names=rules.LOG if req.objective_met is not False else _MISSED,
        typed_at=req.at,
    )
    kind = fields.kind
    next_action = rules.clean_text("--next", req.next_action)
    due_at: datetime | None = None
    if req.due is not None:
        if next_action is None:
            raise InvalidInput("--due", "needs --next ACTION to say what is due")
        due_at = parse_time("--due", req.due, now, "future", tz)
    contact = names.clean_name("--contact", req.contact) if req.contact is not None else None
    wins = tuple(w for w in (rules.clean_text("--win", w) for w in req.wins) if w)
    intel = tuple(parse_intel(i) for i in req.intel)
    quality = parse_quality(req.quality) if req.quality is not None else None
    uncovered = rules.clean_text("--uncovered", req.uncovered)
    if (quality or uncovered) and kind not in vocab.TOUCHES:
        raise InvalidInput("--quality", f"quality is scored on calls and meetings, not on {kind}s")
    if uncovered and quality is None:
        raise InvalidInput("--uncovered", "goes with --quality (the four scores)")
    return Capture(
        kind=kind,
        prospect=prospect,
        outcome=fields.outcome,
        reached=fields.reached,
        occurred_at=fields.occurred_at,
        duration_s=fields.duration_s,
        notes=fields.notes,
        contact=contact,
        next_action=next_action,
        due_at=due_at,
        wins=wins,
        intel=intel,
        direction=fields.direction,
        new=req.new,
        objective_met=req.objective_met,
        quality=quality,
        uncovered=uncovered,
        tags=tuple(tags.clean_all("--tag", req.tags)),
    )


def _open_next_steps(store: Store, prospect_id: uuid.UUID) -> list[tuple[uuid.UUID, datetime]]:
    """Each open next step of the prospect, with when it was set."""
    rows = store.rows(
        "SELECT n.id, COALESCE(a.occurred_at, n.created_at) FROM next_steps n "
        "LEFT JOIN activities a ON a.id = n.activity_id "
        "WHERE n.prospect_id = :p AND n.done_at IS NULL",
        p=prospect_id,
    )
    return [(uid(i), clock.to_utc(when(t) or clock.now())) for i, t in rows]


def close_steps(
    store: Store, prospect_id: uuid.UUID, activity_id: uuid.UUID, at: datetime, *, now: datetime
) -> int:
    """A touch at ``at`` completes the prospect's open next steps set before it (the
    follow-up they were waiting for): ``log``, and ``import mail`` / ``import calendar`` for
    an email sent and a meeting held. Returns how many it closed."""
    closed = 0
    for step_id, since in _open_next_steps(store, prospect_id):
        if since <= at:
            store.update(
                "next_steps",
                step_id,
                {"done_at": at, "done_by_activity_id": activity_id, "updated_at": now},
            )
            closed += 1
    return closed


def _reached_before(store: Store, prospect_id: uuid.UUID, reached: str) -> bool:
    found = store.one(
        "SELECT 1 FROM activities WHERE prospect_id = :p AND reached = :r LIMIT 1",
        p=prospect_id,
        r=reached,
    )
    return found is not None


def _objective(store: Store, prospect_id: uuid.UUID) -> str | None:
    found = store.scalar("SELECT objective FROM prospects WHERE id = :p", p=prospect_id)
    return None if found is None else str(found)


def touch_contact(
    store: Store,
    prospect: Ref,
    typed: str,
    *,
    new: bool,
    reached: str | None,
    owner: str,
    now: datetime,
    known: bool = True,
    new_id: Callable[[], uuid.UUID] = uuid.uuid4,
) -> tuple[uuid.UUID, str, bool]:
    """The contact a touch was with, as ``log -c`` and ``edit -c`` name them: one of the
    prospect's contacts (matched as names are), else added; a name close to an existing
    contact's is refused unless ``new``. Returns the id, the name and whether it was added.
    ``known`` False: the prospect is new and has no contacts to look through."""
    people = lookup.contacts(store, prospect.id) if known else []
    found = names.resolve_among(typed, people, what="contact")
    if isinstance(found, Ref):
        return found.id, found.name, False
    if found and not new:
        raise NotFound(
            f"unknown contact '{typed}' at {prospect.name}; did you mean "
            + ", ".join(f"'{n}'" for n in found)
            + f"? (or add --new to add '{typed}' as a new contact)"
        )
    from salestrack.capture import contacts  # only for someone new

    role = reached if reached in ("gatekeeper", "decision_maker") else None
    contact_id = contacts.insert(
        store, prospect.id, typed, owner=owner, now=now, role=role, new_id=new_id
    )
    return contact_id, typed, True


def record(
    store: Store,
    cap: Capture,
    *,
    owner: str,
    now: datetime,
    new_id: Callable[[], uuid.UUID] = uuid.uuid4,
) -> CaptureResult:
    """Write one capture through ``store``; the caller owns the transaction."""
    base = {"owner": owner, "created_at": now, "updated_at": now}
    found = lookup.match_prospect(store, cap.prospect)
    prospect_created = False
    if isinstance(found, Ref):
        prospect = found
    elif found and not cap.new:
        raise names.not_found(
            cap.prospect, found, hint=" (or add --new to create it as a new prospect)"
        )
    else:
        stage = settings.stages(store)[0]
        from salestrack.capture import prospects  # only for a new prospect: ~10 ms of import

        pid = prospects.create(
            store, cap.prospect, owner=owner, now=now, stage=stage, since=cap.occurred_at,
            new_id=new_id,
        )  # fmt: skip
        prospect = Ref(pid, cap.prospect)
        prospect_created = True

    contact_id: uuid.UUID | None = None
    contact_name: str | None = None
    contact_created = False
    if cap.contact is not None:
        contact_id, contact_name, contact_created = touch_contact(
            store, prospect, cap.contact, new=cap.new, reached=cap.reached, owner=owner,
            now=now, known=not prospect_created, new_id=new_id,
        )  # fmt: skip

    objective: str | None = None
    if cap.kind in ("call", "meeting") and not prospect_created:
        objective = _objective(store, prospect.id)
    if cap.objective_met is not None and objective is None:
        flag = "--met" if cap.objective_met else "--missed"
        raise InvalidInput(
            flag,
            f"no objective is set for {prospect.name}; set one first: "
            f"salestrack intel \"{prospect.name}\" --objective 'book a demo'",
        )
    first_dm = (
        cap.kind in ("call", "meeting")
        and cap.reached == "decision_maker"
        and (prospect_created or not _reached_before(store, prospect.id, "decision_maker"))
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
            "objective": objective,
            "objective_met": cap.objective_met if objective is not None else None,
        },
    )
    if objective is not None and cap.objective_met:
        store.update(
            "prospects",
            prospect.id,
            {"objective": None, "objective_set_at": None, "updated_at": now},
        )

    steps_closed = 0
    if cap.kind != "note" and not prospect_created:
        steps_closed = close_steps(store, prospect.id, activity_id, cap.occurred_at, now=now)
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
    if cap.quality is not None:
        value, uncovered, openness, commitment = cap.quality
        store.insert(
            "quality",
            {
                "id": new_id(), **base, "activity_id": activity_id, "value": value,
                "uncovered": uncovered, "openness": openness, "commitment": commitment,
                "uncovered_text": cap.uncovered,
            },
        )  # fmt: skip
    earned: list[Win] = []
    if first_dm:
        text = "first conversation with the decision maker"
        earned.append(Win(text, "first_decision_maker", "decision_maker"))
    # a contact reached as the gatekeeper or the decision maker is a fact of that kind
    roles = (
        [(cap.reached, contact_name)]
        if contact_name is not None and cap.reached in ("gatekeeper", "decision_maker")
        else []
    )
    written = write_intel(
        store,
        prospect.id,
        cap.intel,
        known=[] if prospect_created else None,
        contact_id=contact_id,
        activity_id=activity_id,
        at=cap.occurred_at,
        base=base,
        new_id=new_id,
        wins=True,
        people=roles,
    )
    earned += written.wins
    wins = record_wins(
        store, prospect.id, activity_id, cap.wins, earned, at=cap.occurred_at, base=base,
        new_id=new_id,
    )  # fmt: skip
    auto = [w.text for w in wins if w.source != "explicit"]
    if cap.tags:
        tags.add(store, cap.tags, prospect_id=prospect.id, activity_id=activity_id, owner=owner,
                 now=now)  # fmt: skip
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
        wins=len(wins),
        intel=written.facts,
        auto_wins=tuple(auto),
        warnings=tuple(written.warnings),
        objective=objective,
        objective_met=cap.objective_met if objective is not None else None,
        quality=cap.quality,
        tags=cap.tags,
    )
