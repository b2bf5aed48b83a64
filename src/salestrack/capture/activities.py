"""Correcting captures: ``undo`` the last one, ``edit`` one by id."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import String, cast, delete, func, select, update
from sqlmodel import Session

from salestrack import names, vocab
from salestrack.capture import capture
from salestrack.errors import Ambiguous, InvalidInput, NotFound
from salestrack.models import Activity, Contact, Intel, NextStep, Prospect, cols

P = cols(Prospect)
A = cols(Activity)
C = cols(Contact)
F = cols(Intel)
N = cols(NextStep)

_HEX = set("0123456789abcdef")


@dataclass(frozen=True)
class Undone:
    kind: str
    prospect: str
    occurred_at: datetime
    activity_id: uuid.UUID
    prospect_removed: bool
    contact_removed: str | None
    steps_reopened: int


def undo(db: Session) -> Undone:
    """Remove the most recently logged activity and everything that capture wrote."""
    activity = db.execute(
        select(Activity).order_by(A.created_at.desc()).limit(1)
    ).scalar_one_or_none()
    if activity is None:
        raise NotFound("nothing to undo: no activity has been logged yet")
    prospect = db.get(Prospect, activity.prospect_id)
    assert prospect is not None
    reopened = db.execute(
        update(NextStep)
        .where(N.done_by_activity_id == activity.id)
        .values(done_at=None, done_by_activity_id=None, updated_at=activity.updated_at)
    ).rowcount  # type: ignore[attr-defined]
    facts = select(F.id).where(F.activity_id == activity.id)
    db.execute(
        update(Intel)
        .where(F.superseded_by_id.in_(facts))
        .values(superseded_at=None, superseded_by_id=None)
    )
    contact_removed: str | None = None
    contact = db.get(Contact, activity.contact_id) if activity.contact_id else None
    db.execute(delete(Activity).where(A.id == activity.id))
    if contact is not None and contact.created_at == activity.created_at:
        still_used = db.execute(select(func.count()).where(A.contact_id == contact.id)).scalar_one()
        if not still_used:
            contact_removed = contact.name
            db.execute(delete(Contact).where(C.id == contact.id))
    prospect_removed = False
    if prospect.created_at == activity.created_at:
        others = db.execute(select(func.count()).where(A.prospect_id == prospect.id)).scalar_one()
        if not others:
            db.execute(delete(Prospect).where(P.id == prospect.id))
            prospect_removed = True
    db.flush()
    return Undone(
        kind=activity.kind,
        prospect=prospect.name,
        occurred_at=activity.occurred_at,
        activity_id=activity.id,
        prospect_removed=prospect_removed,
        contact_removed=contact_removed,
        steps_reopened=int(reopened or 0),
    )


def find(db: Session, typed: str) -> Activity:
    """An activity by its id or a unique start of it (dashes optional, 4+ digits)."""
    digits = typed.strip().lower().replace("-", "")
    if len(digits) < 4 or not set(digits) <= _HEX or len(digits) > 32:
        raise InvalidInput("ID", f"'{typed}' is not an activity id; ids are hex, e.g. 3f2a9c1b")
    if len(digits) == 32:
        found = db.get(Activity, uuid.UUID(digits))
        if found is None:
            raise NotFound(f"no activity has the id {typed}")
        return found
    text_id: Any = cast(A.id, String)
    if db.get_bind().dialect.name == "postgresql":
        text_id = func.replace(text_id, "-", "")
    rows = list(db.execute(select(Activity).where(text_id.like(digits + "%")).limit(5)).scalars())
    if not rows:
        raise NotFound(f"no activity id starts with {typed}; see: salestrack prospect show NAME")
    if len(rows) > 1:
        shown = [r.id.hex[:12] for r in rows]
        raise Ambiguous(f"'{typed}' starts {len(rows)} activity ids; type more of it", shown)
    found_one: Activity = rows[0]
    return found_one


@dataclass
class ActivityEdit:
    """The fields ``edit`` may change; ``None`` leaves one as it is, '' clears text."""

    kind: str | None = None
    outcome: str | None = None
    reached: str | None = None
    at: str | None = None
    duration: str | None = None
    note: str | None = None
    prospect: str | None = None
    contact: str | None = None
    quality: str | None = None  # the four scores, as log --quality takes them
    uncovered: str | None = None


def edit(
    db: Session, typed_id: str, change: ActivityEdit, *, now: datetime, tz: tzinfo | None = None
) -> tuple[Activity, list[str]]:
    """Correct one activity; returns it and the names of the fields changed."""
    activity = find(db, typed_id)
    changed: list[str] = []

    def put(field_name: str, value: object) -> None:
        if getattr(activity, field_name) != value:
            setattr(activity, field_name, value)
            changed.append(field_name)

    kind = vocab.choose("--kind", change.kind, vocab.KINDS) if change.kind else activity.kind
    put("kind", kind)
    if change.outcome is not None:
        if change.outcome == "":
            put("outcome", None)
        else:
            choices = vocab.OUTCOMES[kind]
            if not choices:
                raise InvalidInput("--outcome", f"a {kind} has no outcome")
            put(
                "outcome",
                vocab.choose("--outcome", change.outcome, choices, what=f"{kind} outcome"),
            )
    elif activity.outcome and activity.outcome not in vocab.OUTCOMES[kind]:
        raise InvalidInput("--outcome", f"'{activity.outcome}' is not a {kind} outcome; set one")
    if change.reached is not None:
        reached = (
            vocab.choose("--reached", change.reached, vocab.REACHED) if change.reached else None
        )
        put("reached", reached)
    if change.at is not None:
        when = capture.parse_time("--at", change.at, now, "past", tz)
        if when > now + capture.FUTURE_SLACK:
            raise InvalidInput("--at", f"'{change.at}' is in the future")
        put("occurred_at", when)
    if change.duration is not None:
        if change.duration == "":
            put("duration_s", None)
        else:
            from salestrack import dates

            try:
                put("duration_s", dates.parse_duration(change.duration))
            except dates.DurationParseError as exc:
                raise InvalidInput("--duration", str(exc)) from None
    if change.note is not None:
        put("notes", capture._text("--note", change.note))
    if change.prospect is not None:
        from salestrack.capture import prospects

        target = prospects.find(db, change.prospect)
        if target.id != activity.prospect_id:
            put("prospect_id", target.id)
            put("contact_id", None)
            for model in (NextStep, Intel):
                db.execute(
                    update(model)
                    .where(cols(model).activity_id == activity.id)
                    .values(prospect_id=target.id)
                )
    if change.contact is not None:
        if change.contact == "":
            put("contact_id", None)
        else:
            people = db.execute(
                select(C.id, C.name).where(C.prospect_id == activity.prospect_id)
            ).all()
            refs = [names.Ref(i, n) for i, n in people]
            found = names.resolve_among(change.contact, refs, what="contact")
            if not isinstance(found, names.Ref):
                raise names.not_found(change.contact, found, what="contact", hint="")
            put("contact_id", found.id)
    if change.quality is not None or change.uncovered is not None:
        _score(db, activity, change, now)
        changed.append("quality")
    if changed:
        activity.updated_at = now
        db.add(activity)
        db.flush()
    return activity, changed


def _score(db: Session, activity: Activity, change: ActivityEdit, now: datetime) -> None:
    """Add or replace the conversation scores of a call or meeting."""
    from salestrack.models import Quality

    if activity.kind not in ("call", "meeting"):
        raise InvalidInput(
            "--quality", f"quality is scored on calls and meetings, not on {activity.kind}s"
        )
    found = db.execute(
        select(Quality).where(cols(Quality).activity_id == activity.id)
    ).scalar_one_or_none()
    if change.quality is None and found is None:
        raise InvalidInput("--uncovered", "goes with --quality (the four scores)")
    if change.quality is not None:
        value, uncovered, openness, commitment = capture.parse_quality(change.quality)
        if found is None:
            found = Quality(
                owner=activity.owner, created_at=now, updated_at=now, activity_id=activity.id,
                value=value, uncovered=uncovered, openness=openness, commitment=commitment,
            )  # fmt: skip
        else:
            found.value, found.uncovered = value, uncovered
            found.openness, found.commitment = openness, commitment
    assert found is not None
    if change.uncovered is not None:
        found.uncovered_text = capture._text("--uncovered", change.uncovered)
    found.updated_at = now
    db.add(found)


def prospect_name(db: Session, prospect_id: uuid.UUID) -> str:
    name = db.execute(select(P.name).where(P.id == prospect_id)).scalar_one()
    return str(name)


__all__ = ["ActivityEdit", "Undone", "edit", "find", "prospect_name", "undo"]
