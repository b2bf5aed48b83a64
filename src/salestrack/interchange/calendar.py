"""``import calendar``: the events of an iCalendar (.ics) file as meetings.

Read with ``icalendar``; recurring series expanded with ``recurring-ical-events`` (moved and
cancelled occurrences, EXDATE and time zones honoured), both imported here only. Each
occurrence with an attendee (or organiser) at a known contact or prospect
(:mod:`salestrack.interchange.people`) becomes:

* a **meeting held** (an activity, at its start, lasting from start to end) when it ended
  before now and was not cancelled; it completes the prospect's open next steps set before
  it, as ``log meeting`` does;
* a **meeting set** when it is still to come: a next step ``meeting: SUMMARY`` due at its
  start (turned into the meeting held by the first import after it ended).

Each is keyed ``ics:<UID>`` (a single event) or ``ics:<UID>/<RECURRENCE-ID>`` (an occurrence
of a series, by the start it was planned at), so importing the calendar again after an event
moved updates its meeting or next step, and after it was cancelled (``STATUS:CANCELLED``, or
an occurrence left out by EXDATE) marks the meeting cancelled or removes the next step.

Series are expanded over ``since`` .. ``until`` (by default a year back and 90 days ahead).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from salestrack import rules
from salestrack.errors import InvalidInput, SalestrackError
from salestrack.interchange import people
from salestrack.interchange.mail import clean
from salestrack.store.sql import Store, uid, when

KEY_PREFIX = "ics:"
BACK = timedelta(days=365)
AHEAD = timedelta(days=90)
NAMES = rules.Names(
    kind="kind", outcome="outcome", reached="reached", direction="direction",
    occurred_at="DTSTART", duration_s="DTEND", notes="SUMMARY", objective_met="objective",
    leave_out="leave {field} out",
)  # fmt: skip


class NotACalendar(SalestrackError):
    """A file that is not iCalendar (exit 1)."""


@dataclass
class Tally(people.Tally):
    held: int = 0
    set: int = 0
    updated: int = 0
    cancelled: int = 0
    planned: list[tuple[datetime, str, str, str | None]] = field(default_factory=list)

    def summary(self, what: str, *, dry_run: bool) -> str:
        from salestrack.output.show import count

        verb = "would import" if dry_run else "imported"
        head = (
            f"{verb} {what}: {count(self.held, 'meeting')} held, {self.set} set (as next steps), "
            f"{self.updated} updated, {self.cancelled} cancelled"
        )
        return self.summary_of(head, unmatched_as="attendees", dry_run=dry_run)


def load(path: str) -> Any:
    """The calendar in the file at ``path``; :class:`NotACalendar` when it is not one."""
    import icalendar

    shown = "".join(ch if ch.isprintable() else "?" for ch in path)
    try:
        data = Path(path).expanduser().read_bytes()
    except OSError as exc:
        why = (exc.strerror or type(exc).__name__).lower()
        raise NotACalendar(f"FILE: can't read '{shown}' ({why})") from None
    if not data.lstrip(b"\xef\xbb\xbf \r\n\t").upper().startswith(b"BEGIN:VCALENDAR"):
        raise NotACalendar(f"FILE: '{shown}' is not an iCalendar file (.ics); nothing was imported")
    try:
        return icalendar.Calendar.from_ical(data)
    except Exception:  # icalendar raises ValueError and others on a broken file
        raise NotACalendar(
            f"FILE: '{shown}' is not a readable iCalendar file; nothing was imported"
        ) from None


@dataclass(frozen=True)
class Occurrence:
    key: str
    uid: str
    start: datetime  # UTC
    end: datetime
    cancelled: bool
    summary: str | None
    attendees: tuple[tuple[str, str], ...]


def _addresses(component: Any) -> list[tuple[str, str]]:
    found = []
    for name in ("ORGANIZER", "ATTENDEE"):
        values = component.get(name)
        if values is None:
            continue
        for v in values if isinstance(values, list) else [values]:
            text = str(v).strip()
            if text.lower().startswith("mailto:"):
                text = text[7:]
            address = text.strip().lower()
            if "@" in address and " " not in address:
                display = str(getattr(v, "params", {}).get("CN", ""))
                found.append((display, address))
    return found


def _utc(value: Any, tz: tzinfo) -> datetime | None:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=tz)).astimezone(UTC)
    return None


def occurrences(
    cal: Any, *, since: datetime, until: datetime, tz: tzinfo, skipped: Counter[str]
) -> list[Occurrence]:
    """Every occurrence between ``since`` and ``until``, each with its key."""
    import recurring_ical_events  # type: ignore[import-untyped]

    series: set[str] = set()
    invited: dict[str, list[tuple[str, str]]] = {}
    for event in list(cal.walk("VEVENT")):
        if event.get("DTSTART") is None:
            skipped["no start"] += 1
            _drop(cal, event)
            continue
        if event.get("UID") is None:
            skipped["no UID"] += 1
            _drop(cal, event)
            continue
        event_uid = str(event["UID"])
        if any(event.get(p) is not None for p in ("RRULE", "RDATE", "RECURRENCE-ID")):
            series.add(event_uid)
        if event.get("RECURRENCE-ID") is None:
            invited[event_uid] = _addresses(event)
    found = []
    try:
        expanded = recurring_ical_events.of(cal, skip_bad_series=True).between(since, until)
    except Exception:
        raise NotACalendar(
            "FILE: its recurring events can't be expanded; nothing was imported"
        ) from None
    for event in expanded:
        event_uid = str(event["UID"])
        start_value = event["DTSTART"].dt
        if isinstance(start_value, date) and not isinstance(start_value, datetime):
            skipped["all-day"] += 1
            continue
        start = _utc(start_value, tz)
        end = _utc(event["DTEND"].dt, tz) if event.get("DTEND") is not None else None
        if start is None:
            skipped["no start"] += 1
            continue
        key = KEY_PREFIX + event_uid[:150]
        if event_uid in series:
            planned = event.get("RECURRENCE-ID")
            first = _utc(planned.dt, tz) if planned is not None else start
            key += "/" + (first or start).strftime("%Y%m%dT%H%M%SZ")
        status = str(event.get("STATUS") or "").upper()
        attendees = _addresses(event) or invited.get(event_uid, [])
        found.append(
            Occurrence(
                key, event_uid, start, max(end or start, start), status == "CANCELLED",
                clean(str(event.get("SUMMARY") or ""), 500), tuple(attendees),
            )
        )  # fmt: skip
    return found


def _drop(cal: Any, event: Any) -> None:
    for parent in cal.walk():
        if event in parent.subcomponents:
            parent.subcomponents.remove(event)
            return


def _stored(store: Store, owner: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The meetings and next steps already imported from calendars, by source key."""
    meetings = {
        str(k): (uid(i), when(at), d, o, n, uid(p))
        for k, i, at, d, o, n, p in store.rows(
            "SELECT source_key, id, occurred_at, duration_s, outcome, notes, prospect_id "
            "FROM activities WHERE owner = :o AND source_key LIKE 'ics:%'",
            o=owner,
        )
    }
    steps = {
        str(k): (uid(i), when(due), a, when(done))
        for k, i, due, a, done in store.rows(
            "SELECT source_key, id, due_at, action, done_at FROM next_steps "
            "WHERE owner = :o AND source_key LIKE 'ics:%'",
            o=owner,
        )
    }
    return meetings, steps


def run(store: Store, cal: Any, how: people.Run, *, tz: tzinfo) -> Tally:
    """Import the occurrences of ``cal``; the caller owns the (one) write transaction.
    ``how.plan`` keeps each new meeting (held, or set as a next step) in
    :attr:`Tally.planned` (time, "held" or "set", prospect, summary), for a dry run."""
    from salestrack.capture.capture import close_steps

    now, owner, plan, new_id = how.now, how.owner, how.plan, how.new_id
    tally = Tally()
    start = how.since or now - BACK
    end = how.until or now + AHEAD
    found = occurrences(cal, since=start, until=end, tz=tz, skipped=tally.skipped)
    matcher = people.Matcher(store, how)
    meetings, steps = _stored(store, owner)
    seen: set[str] = set()
    uids = {o.uid for o in found}
    for o in found:
        how.tick(1)
        if o.key in seen:
            tally.skipped["duplicate"] += 1
            continue
        seen.add(o.key)
        meeting, step = meetings.get(o.key), steps.get(o.key)
        if meeting is not None:
            _update_meeting(store, o, meeting, now, tally)
            continue
        if o.cancelled:
            if step is not None and step[3] is None:
                store.execute("DELETE FROM next_steps WHERE id = :i", i=step[0])
                tally.cancelled += 1
            else:
                tally.skipped["cancelled"] += 1
            continue
        held = o.end <= now
        if step is not None and not held:
            _update_step(store, o, step, now, tally)
            continue
        if not o.attendees or all(matcher.internal(a) for _, a in o.attendees):
            tally.skipped["no attendee but you"] += 1
            continue
        match = matcher.match(o.attendees, min(o.start, now))
        if match is None:
            tally.unmatched += 1
            continue
        if not held:
            store.insert(
                "next_steps",
                {
                    "id": new_id(), "owner": owner, "created_at": now, "updated_at": now,
                    "prospect_id": match.prospect_id, "activity_id": None,
                    "action": _action(o), "due_at": o.start, "done_at": None,
                    "done_by_activity_id": None, "source_key": o.key,
                },
            )  # fmt: skip
            tally.set += 1
            if plan:
                tally.planned.append((o.start, "set", match.prospect, o.summary))
            continue
        seconds = int((o.end - o.start).total_seconds())
        try:
            fields = rules.activity(
                kind="meeting", occurred_at=o.start, now=now, direction="outbound",
                duration_s=seconds if seconds > 0 else None, notes=o.summary, names=NAMES,
            )  # fmt: skip
        except InvalidInput as exc:
            tally.skipped[exc.field + " not usable"] += 1
            continue
        activity_id = new_id()
        store.insert(
            "activities",
            {
                "id": activity_id, "owner": owner, "created_at": now, "updated_at": now,
                "prospect_id": match.prospect_id, "contact_id": match.contact_id,
                "kind": "meeting", "occurred_at": fields.occurred_at,
                "duration_s": fields.duration_s, "direction": fields.direction,
                "reached": None, "outcome": fields.outcome, "notes": fields.notes,
                "objective": None, "objective_met": None, "source_key": o.key,
                "thread_key": None,
            },
        )  # fmt: skip
        tally.steps_closed += close_steps(
            store, match.prospect_id, activity_id, fields.occurred_at, now=now
        )
        tally.held += 1
        if plan:
            tally.planned.append((o.start, "held", match.prospect, o.summary))
    # occurrences imported before and now gone from the file's series (EXDATE, deleted)
    for key, meeting in meetings.items():
        if key in seen or _uid(key) not in uids or not start <= meeting[1] < end:
            continue
        if meeting[3] != "cancelled":
            store.update("activities", meeting[0], {"outcome": "cancelled", "updated_at": now})
            tally.cancelled += 1
    for key, step in steps.items():
        if key in seen or _uid(key) not in uids or step[3] is not None:
            continue
        if step[1] is not None and start <= step[1] < end:
            store.execute("DELETE FROM next_steps WHERE id = :i", i=step[0])
            tally.cancelled += 1
    tally.unmatched_domains = matcher.unmatched
    tally.prospects_created = matcher.created.prospects
    tally.contacts_created = matcher.created.contacts
    return tally


def _uid(key: str) -> str:
    return key.removeprefix(KEY_PREFIX).rpartition("/")[0] or key.removeprefix(KEY_PREFIX)


def _action(o: Occurrence) -> str:
    return f"meeting: {o.summary}" if o.summary else "meeting"


def _update_meeting(store: Store, o: Occurrence, meeting: Any, now: datetime, tally: Tally) -> None:
    """A meeting imported before: moved, changed or cancelled since, or the same."""
    activity_id, at, duration, outcome, notes, _ = meeting
    seconds = int((o.end - o.start).total_seconds()) or None
    changes: dict[str, Any] = {}
    if o.cancelled:
        if outcome != "cancelled":
            changes["outcome"] = "cancelled"
    elif o.end > now:  # moved into the future: it has not happened yet after all
        if outcome != "rescheduled":
            changes["outcome"] = "rescheduled"
    else:
        if at != o.start:
            changes["occurred_at"] = o.start
        if duration != seconds:
            changes["duration_s"] = seconds
        if outcome in ("cancelled", "rescheduled"):
            changes["outcome"] = "held"
        if notes != o.summary:
            changes["notes"] = o.summary
    if not changes:
        tally.already += 1
        return
    store.update("activities", activity_id, {**changes, "updated_at": now})
    if "occurred_at" in changes:  # the steps it completed were completed when it happened
        store.execute(
            "UPDATE next_steps SET done_at = :at, updated_at = :now "
            "WHERE done_by_activity_id = :a",
            at=o.start, now=now, a=activity_id,
        )  # fmt: skip
    if changes.get("outcome") == "cancelled":
        tally.cancelled += 1
    else:
        tally.updated += 1


def _update_step(store: Store, o: Occurrence, step: Any, now: datetime, tally: Tally) -> None:
    """A meeting still to come imported before: moved or renamed since, or the same."""
    step_id, due, action, done = step
    changes: dict[str, Any] = {}
    if due != o.start:
        changes["due_at"] = o.start
    if action != _action(o):
        changes["action"] = _action(o)
    if not changes or done is not None:
        tally.already += 1
        return
    store.update("next_steps", step_id, {**changes, "updated_at": now})
    tally.updated += 1
