"""Correcting captures: ``undo`` the last one, ``edit`` one by id.

What a capture derived from its activity follows the activity when it changes: an edit that
moves it (``--at``), turns it into a note or moves it to another prospect recomputes which
next steps it completed and when (a touch completes the open next steps set at or before
it; a note completes none), dates its intel, its wins and, when the capture created the
prospect, the prospect's first stage at the new time. ``undo`` hands each next step the
removed activity had completed to the next touch that completes it, or reopens it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields, replace
from datetime import datetime, tzinfo
from typing import Any

from salestrack import names, rules, vocab
from salestrack.capture import capture
from salestrack.domain import Ref
from salestrack.errors import InvalidInput, NotFound
from salestrack.store import lookup
from salestrack.store.sql import Store, uid, when


@dataclass
class Activity:
    """An activity's columns."""

    id: uuid.UUID
    owner: str
    created_at: datetime
    updated_at: datetime
    prospect_id: uuid.UUID
    contact_id: uuid.UUID | None
    kind: str
    occurred_at: datetime
    duration_s: int | None
    direction: str
    reached: str | None
    outcome: str | None
    notes: str | None
    objective: str | None
    objective_met: bool | None


_COLUMNS = ", ".join(f.name for f in fields(Activity))


def _activity(row: tuple[Any, ...]) -> Activity:
    found = Activity(*row)
    found.id, found.prospect_id = uid(found.id), uid(found.prospect_id)
    found.contact_id = None if found.contact_id is None else uid(found.contact_id)
    for name in ("created_at", "updated_at", "occurred_at"):
        setattr(found, name, when(getattr(found, name)))
    found.objective_met = None if found.objective_met is None else bool(found.objective_met)
    return found


@dataclass(frozen=True)
class Undone:
    kind: str
    prospect: str
    occurred_at: datetime
    activity_id: uuid.UUID
    prospect_removed: bool
    contact_removed: str | None
    steps_reopened: int


def undo(store: Store) -> Undone:
    """Remove the most recently logged activity and everything that capture wrote."""
    row = store.one(f"SELECT {_COLUMNS} FROM activities ORDER BY created_at DESC LIMIT 1")
    if row is None:
        raise NotFound("nothing to undo: no activity has been logged yet")
    return remove(store, _activity(row))


def remove(store: Store, activity: Activity) -> Undone:
    """Remove ``activity`` and everything its capture wrote (``undo``, ``activity rm``)."""
    found = store.one(
        "SELECT name, created_at FROM prospects WHERE id = :p", p=activity.prospect_id
    )
    if found is None:
        raise NotFound(f"the prospect of activity {activity.id} is gone")
    prospect_name, prospect_created = found[0], when(found[1])
    completed = [
        uid(i)
        for (i,) in store.rows(
            "SELECT id FROM next_steps WHERE done_by_activity_id = :a", a=activity.id
        )
    ]
    store.execute(
        "UPDATE intel SET superseded_at = NULL, superseded_by_id = NULL "
        "WHERE superseded_by_id IN (SELECT id FROM intel WHERE activity_id = :a)",
        a=activity.id,
    )
    contact = None
    if activity.contact_id is not None:
        contact = store.one(
            "SELECT id, name, created_at FROM contacts WHERE id = :c", c=activity.contact_id
        )
    store.execute("DELETE FROM activities WHERE id = :a", a=activity.id)
    reopened = _complete_again(store, completed, now=activity.updated_at)
    contact_removed: str | None = None
    if contact is not None and when(contact[2]) == activity.created_at:
        used = store.scalar(
            "SELECT count(*) FROM activities WHERE contact_id = :c", c=activity.contact_id
        )
        if not used:
            contact_removed = str(contact[1])
            store.execute("DELETE FROM contacts WHERE id = :c", c=activity.contact_id)
    prospect_removed = False
    if prospect_created == activity.created_at:
        others = store.scalar(
            "SELECT count(*) FROM activities WHERE prospect_id = :p", p=activity.prospect_id
        )
        if not others:
            store.execute("DELETE FROM prospects WHERE id = :p", p=activity.prospect_id)
            prospect_removed = True
    return Undone(
        kind=activity.kind,
        prospect=prospect_name,
        occurred_at=activity.occurred_at,
        activity_id=activity.id,
        prospect_removed=prospect_removed,
        contact_removed=contact_removed,
        steps_reopened=reopened,
    )


def find(store: Store, typed: str) -> Activity:
    """An activity by its id or a unique start of it (dashes optional, 4+ digits)."""
    return _activity(
        lookup.by_id(
            store, "activities", _COLUMNS, typed, what="activity",
            hint="salestrack activity list",
        )
    )  # fmt: skip


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
    new: bool = False  # add a contact whose name is close to an existing one's


def edit(
    store: Store,
    typed_id: str,
    change: ActivityEdit,
    *,
    now: datetime,
    tz: tzinfo | None = None,
) -> tuple[Activity, list[str]]:
    """Correct one activity; returns it and the names of the fields changed."""
    activity = find(store, typed_id)
    before = replace(activity)
    changed: list[str] = []
    said: list[str] = []  # what the change also did, beside the fields it changed

    def put(field_name: str, value: object) -> None:
        if getattr(activity, field_name) != value:
            setattr(activity, field_name, value)
            changed.append(field_name)

    # The activity as it will be after the change, checked whole by the rule log uses.
    outcome = activity.outcome if change.outcome is None else change.outcome or None
    reached = activity.reached if change.reached is None else change.reached or None
    if (
        change.outcome is not None
        and change.reached is None
        and activity.kind == "call"
        and activity.reached == vocab.REACHED_BY_OUTCOME.get(activity.outcome or "")
    ):
        reached = None  # it was implied by the old outcome: the new outcome implies it again
    occurred_at = activity.occurred_at
    if change.at is not None:
        occurred_at = capture.parse_time("--at", change.at, now, "past", tz)
    duration_s = activity.duration_s
    if change.duration is not None:
        duration_s = rules.parse_duration(change.duration) if change.duration else None
    fields = rules.activity(
        kind=change.kind or activity.kind,
        outcome=outcome,
        reached=reached,
        direction=activity.direction,
        occurred_at=occurred_at,
        duration_s=duration_s,
        notes=activity.notes if change.note is None else change.note,
        objective_met=activity.objective_met,
        now=now,
        names=rules.EDIT,
        typed_at=change.at,
    )
    for name in ("kind", "outcome", "reached", "occurred_at", "duration_s", "notes"):
        put(name, getattr(fields, name))
    if change.prospect is not None:
        target = lookup.find_prospect(store, change.prospect)
        if target.id != activity.prospect_id:
            put("prospect_id", target.id)
            put("contact_id", None)
            for table in ("next_steps", "intel"):
                store.execute(
                    f"UPDATE {table} SET prospect_id = :p WHERE activity_id = :a",
                    p=target.id,
                    a=activity.id,
                )
    if change.contact is not None:
        if change.contact == "":
            put("contact_id", None)
        else:
            typed = names.clean_name("--contact", change.contact)
            prospect = Ref(activity.prospect_id, prospect_name(store, activity.prospect_id))
            contact_id, _, added = capture.touch_contact(
                store, prospect, typed, new=change.new, reached=fields.reached,
                owner=activity.owner, now=now,
            )  # fmt: skip
            put("contact_id", contact_id)
            if added:
                said.append(f"new contact {typed}")
    if change.quality is not None or change.uncovered is not None:
        _score(store, activity, change, now)
        changed.append("quality")
    columns = [c for c in changed if c != "quality"]
    if changed:
        activity.updated_at = now
        store.update(
            "activities",
            activity.id,
            {**{c: getattr(activity, c) for c in columns}, "updated_at": now},
        )
    if {"occurred_at", "kind", "prospect_id"} & set(changed):
        _follow(store, activity, before, now=now)
    return activity, changed + said


# -- what follows an activity's time --------------------------------------------------------

_STEP = (
    "SELECT n.id, n.prospect_id, n.activity_id, n.done_at, n.done_by_activity_id, "
    "COALESCE(a.occurred_at, n.created_at) FROM next_steps n "
    "LEFT JOIN activities a ON a.id = n.activity_id "
)


def _follow(store: Store, activity: Activity, before: Activity, *, now: datetime) -> None:
    """Recompute what the capture derived from the activity's time, kind and prospect."""
    affected = [
        uid(i)
        for (i,) in store.rows(
            "SELECT id FROM next_steps WHERE done_by_activity_id = :a OR activity_id = :a "
            "OR ((prospect_id = :p OR prospect_id = :old) AND done_at IS NULL)",
            a=activity.id,
            p=activity.prospect_id,
            old=before.prospect_id,
        )
    ]
    _complete_again(store, affected, now=now)
    moved = activity.occurred_at
    if moved == before.occurred_at:
        return
    store.execute(
        "UPDATE intel SET superseded_at = :t, updated_at = :now WHERE superseded_by_id IN "
        "(SELECT id FROM intel WHERE activity_id = :a)",
        t=moved, now=now, a=activity.id,
    )  # fmt: skip
    store.execute(
        "UPDATE intel SET learned_at = :t, updated_at = :now WHERE activity_id = :a",
        t=moved, now=now, a=activity.id,
    )  # fmt: skip
    store.execute(
        "UPDATE wins SET won_at = :t, updated_at = :now WHERE activity_id = :a",
        t=moved, now=now, a=activity.id,
    )  # fmt: skip
    created = when(
        store.scalar("SELECT created_at FROM prospects WHERE id = :p", p=activity.prospect_id)
    )
    if created != activity.created_at or activity.prospect_id != before.prospect_id:
        return  # the capture did not create this prospect
    changes = [
        (uid(i), when(t))
        for i, t in store.rows(
            "SELECT id, changed_at FROM stage_changes WHERE prospect_id = :p ORDER BY changed_at",
            p=activity.prospect_id,
        )
    ]
    first_id, first_at = changes[0] if changes else (None, None)
    later = changes[1][1] if len(changes) > 1 else None
    if (
        first_id is not None
        and first_at == before.occurred_at
        and (later is None or moved <= later)
    ):
        store.update("stage_changes", first_id, {"changed_at": moved, "updated_at": now})


def _complete_again(store: Store, step_ids: list[uuid.UUID], *, now: datetime) -> int:
    """Settle who completed each of these next steps, by the capture's rule: a touch (not a
    note) of the step's prospect at or after the time the step was set, other than the one
    that set it. A step keeps a completer that still qualifies (at its time), else it goes
    to the earliest touch that does, else it is open again. Steps closed without a touch
    (won or lost, or imported as done) are left as they are. Returns how many are open."""
    still_open = 0
    for step_id in step_ids:
        row = store.one(_STEP + "WHERE n.id = :s", s=step_id)
        if row is None:
            continue
        _, pid, set_by, done_at, done_by, set_at_raw = row
        set_at = when(set_at_raw)
        if done_at is not None and done_by is None:
            continue
        sql = (
            "SELECT id, occurred_at FROM activities WHERE prospect_id = :p AND kind <> 'note' "
            "AND occurred_at >= :t"
        )
        params: dict[str, Any] = {"p": uid(pid), "t": set_at}
        if set_by is not None:
            sql += " AND id <> :by"
            params["by"] = uid(set_by)
        found = None
        if done_by is not None:
            found = store.one(sql + " AND id = :x", **params, x=uid(done_by))
        if found is None:
            found = store.one(sql + " ORDER BY occurred_at, created_at LIMIT 1", **params)
        values: dict[str, Any]
        if found is None:
            values = {"done_at": None, "done_by_activity_id": None}
            still_open += 1
        else:
            values = {"done_at": when(found[1]), "done_by_activity_id": uid(found[0])}
        old = {"done_at": when(done_at), "done_by_activity_id": uid(done_by) if done_by else None}
        if values != old:
            store.update("next_steps", step_id, {**values, "updated_at": now})
    return still_open


def _score(store: Store, activity: Activity, change: ActivityEdit, now: datetime) -> None:
    """Add or replace the conversation scores of a call or meeting."""
    if activity.kind not in vocab.TOUCHES:
        raise InvalidInput(
            "--quality", f"quality is scored on calls and meetings, not on {activity.kind}s"
        )
    found = store.scalar("SELECT id FROM quality WHERE activity_id = :a", a=activity.id)
    if change.quality is None and found is None:
        raise InvalidInput("--uncovered", "goes with --quality (the four scores)")
    values: dict[str, Any] = {"updated_at": now}
    if change.quality is not None:
        scores = capture.parse_quality(change.quality)
        values.update(zip(vocab.QUALITY_DIMENSIONS, scores, strict=True))
    if change.uncovered is not None:
        values["uncovered_text"] = rules.clean_text("--uncovered", change.uncovered)
    if found is None:
        store.insert(
            "quality",
            {
                "id": uuid.uuid4(), "owner": activity.owner, "created_at": now,
                "activity_id": activity.id, "uncovered_text": None, **values,
            },
        )  # fmt: skip
    else:
        store.update("quality", uid(found), values)


def prospect_name(store: Store, prospect_id: uuid.UUID) -> str:
    return str(store.scalar("SELECT name FROM prospects WHERE id = :p", p=prospect_id))


__all__ = [
    "Activity", "ActivityEdit", "Undone", "edit", "find", "prospect_name", "remove", "undo",
]  # fmt: skip
