"""The pre-call brief (``salestrack intel PROSPECT``): one screen before the dial.

It reads only the prospect's own rows, plus the rep's most recent dials for the best time to
call, so it costs the same on a database of ten thousand activities or a million. Stdlib only
on SQLite (through :class:`salestrack.store.sql.Store`).

Best time to call: the last :data:`SAMPLE` dials (outbound calls; an inbound call is not a
dial) of the rows the reports count (:func:`salestrack.config.whose_rows`) are grouped by
weekday and hour (local time); an hour's connect rate is the share of its dials that reached
the decision maker. Hours are ranked by the low end of that rate's Wilson 95% interval, so 5
connects of 18 dials (28%, low end 12%) rank below 11 of 46 (24%, low end 14%): a few lucky
dials can't put an hour first. Hours with fewer than :data:`MIN_SLOT` dials are not ranked,
and with fewer than :data:`MIN_DIALS` dials in all the brief says there is too little
history. The ranked hours are those the prospect's availability allows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from salestrack import figures, stats
from salestrack.capture import contacts as contacts_service
from salestrack.capture import steps
from salestrack.errors import NotFound
from salestrack.intel import availability
from salestrack.store import settings
from salestrack.store.sql import Store, uid, when, when_set

SAMPLE = 2000
MIN_DIALS = 100
MIN_SLOT = 10
TOUCHES = 5
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Slot:
    weekday: int
    hour: int
    dials: int
    connects: int

    @property
    def rate(self) -> float:
        return self.connects / self.dials

    @property
    def low(self) -> float:
        """The low end of the rate's Wilson 95% interval: what the hours are ranked by."""
        return stats.wilson_low(self.connects, self.dials)

    def shown(self) -> str:
        """``Thu 16:00-17:00 50% (30/60 dials)``."""
        from salestrack.output.show import plural

        dials = "dial" if self.dials == 1 else plural("dial")
        return f"{self.label()} {self.rate:.0%} ({self.connects}/{self.dials} {dials})"

    def label(self) -> str:
        return f"{DAY_NAMES[self.weekday]} {self.hour:02d}:00-{self.hour + 1:02d}:00"


@dataclass
class BestTime:
    dials: int  # how many of the rep's dials were looked at
    slots: list[Slot]  # the best hours this prospect's availability allows, best first
    availability: str  # the prospect's availability in a few words ("" if none known)
    available_now: bool
    away_until: date | None
    not_understood: list[str]

    @property
    def enough(self) -> bool:
        return self.dials >= MIN_DIALS

    def advice(self) -> str:
        parts = []
        if self.enough and self.slots:
            parts.append(", ".join(s.shown() for s in self.slots))
        elif self.enough:
            parts.append("no hour with enough dials fits this prospect's availability")
        else:
            parts.append(f"not enough calls yet to rank hours ({self.dials} of {MIN_DIALS} dials)")
        if self.availability:
            parts.append(f"they: {self.availability}")
        parts.append("now is a good time" if self.available_now else "now is not a good time")
        return "; ".join(parts)


@dataclass
class Touch:
    id: uuid.UUID
    kind: str
    occurred_at: datetime
    outcome: str | None
    reached: str | None
    contact: str | None
    notes: str | None


@dataclass
class Brief:
    id: uuid.UUID
    name: str
    company: str | None
    segment: str | None
    stage: str
    value: float | None
    stage_since: datetime | None
    contacts: list[dict[str, Any]]
    facts: list[dict[str, Any]]
    missing: list[str]
    checklist: str
    objective: str | None
    objective_set_at: datetime | None
    best_time: BestTime
    promises: list[dict[str, Any]]
    next_step: dict[str, Any] | None
    touches: list[Touch]
    wins: int
    dials: int
    notes: list[str] = field(default_factory=list)
    focus: str | None = None
    # who to ask for and whose number to dial (capture.contacts.ask_for)
    ask_for: tuple[dict[str, Any], dict[str, Any] | None] | None = None


def best_time(
    reader: Store,
    owner: str | None,
    avail: availability.Availability,
    unknown: list[str],
    *,
    now: datetime,
    tz: tzinfo,
) -> BestTime:
    """The best hours to call, from the last :data:`SAMPLE` dials of ``owner`` (None: of every
    row the database shows, the rule :func:`salestrack.config.whose_rows` gives)."""
    mine = "" if owner is None else " AND owner = :owner"
    reached = f"CASE WHEN {figures.DECISION_MAKER.sql()} THEN 1 ELSE 0 END"
    rows = reader.rows(
        f"SELECT occurred_at, {reached} FROM activities "
        f"WHERE {figures.DIAL.sql()}{mine} "
        "ORDER BY occurred_at DESC LIMIT :n",
        n=SAMPLE,
        **({} if owner is None else {"owner": owner}),
    )
    counts: dict[tuple[int, int], list[int]] = {}
    for occurred, decision_maker in rows:
        local = when_set(occurred).astimezone(tz)
        cell = counts.setdefault((local.weekday(), local.hour), [0, 0])
        cell[0] += 1
        cell[1] += int(decision_maker)
    monday = now.astimezone(tz).date() - timedelta(days=now.astimezone(tz).weekday())
    monday += timedelta(days=7)  # a week in which "away until" no longer applies
    far = availability.Availability(tuple(r for r in avail.rules if r.away_until is None))
    slots = [
        Slot(day, hour, n, hit)
        for (day, hour), (n, hit) in counts.items()
        if n >= MIN_SLOT
        and far.allows(datetime.combine(monday + timedelta(days=day), time(hour, 30), tz))
    ]
    slots.sort(key=lambda s: (-s.low, -s.dials, s.weekday, s.hour))
    return BestTime(
        dials=len(rows),
        slots=slots[:3],
        availability=avail.describe(),
        available_now=avail.allows(now.astimezone(tz)),
        away_until=avail.away_until(),
        not_understood=unknown,
    )


def build(reader: Store, typed: str, *, now: datetime, tz: tzinfo, owner: str | None) -> Brief:
    # here, not at the top: ``next`` reads availability through this module, never a brief
    from salestrack.intel import checklist
    from salestrack.store import lookup

    ref = lookup.find_prospect(reader, typed)
    pid = ref.id
    row = reader.one(
        "SELECT name, company, segment, stage, value, objective, objective_set_at "
        "FROM prospects WHERE id = :id",
        id=pid,
    )
    if row is None:  # found a moment ago, in the same transaction
        raise NotFound(f"unknown prospect '{typed}'; see: salestrack prospect list")
    name, company, segment, stage, value, objective, objective_set_at = row
    since = reader.one(
        "SELECT max(changed_at) FROM stage_changes WHERE prospect_id = :id AND to_stage = :s",
        id=pid,
        s=stage,
    )
    contacts = [
        {"id": uid(i), "name": n, "role": r, "title": t, "phone": ph, "email": em}
        for i, n, r, t, ph, em in reader.rows(
            "SELECT id, name, role, title, phone, email FROM contacts WHERE prospect_id = :id "
            "ORDER BY name",
            id=pid,
        )
    ]
    by_id = {c["id"]: c["name"] for c in contacts}
    facts = []
    for kind, fact, learned, review, contact_id in reader.rows(
        "SELECT kind, value, learned_at, review_at, contact_id FROM intel "
        "WHERE prospect_id = :id AND superseded_at IS NULL ORDER BY learned_at, kind",
        id=pid,
    ):
        facts.append(
            {
                "kind": kind,
                "value": fact,
                "learned_at": when(learned),
                "review_at": when(review),
                "contact": by_id.get(uid(contact_id)) if contact_id else None,
            }
        )
    items = checklist.load(reader)
    known = {f["kind"] for f in facts} | {
        c["role"] for c in contacts if c["role"]
    }  # a contact counts
    gaps = checklist.missing(items, stage, settings.stages(reader), known)
    avail, unknown = availability.current(
        [(f["value"], f["learned_at"]) for f in facts if f["kind"] == "availability"], now, tz
    )
    promises = [
        {"text": t, "made_at": when(m), "due_at": when(d)}
        for t, m, d in reader.rows(
            "SELECT text, made_at, due_at FROM promises WHERE prospect_id = :id "
            "AND status = 'open' ORDER BY due_at",
            id=pid,
        )
    ]
    step_row = reader.one(
        "SELECT action, due_at FROM next_steps WHERE prospect_id = :id AND done_at IS NULL "
        f"ORDER BY {steps.SOONEST_FIRST} LIMIT 1",
        id=pid,
    )
    next_step = None
    if step_row is not None:
        next_step = {"action": step_row[0], "due_at": when(step_row[1])}
    touches = [
        Touch(uid(i), k, when(o) or now, out, r, by_id.get(uid(c)) if c else None, nt)
        for i, k, o, out, r, c, nt in reader.rows(
            "SELECT id, kind, occurred_at, outcome, reached, contact_id, notes FROM activities "
            "WHERE prospect_id = :id ORDER BY occurred_at DESC LIMIT :n",
            id=pid,
            n=TOUCHES,
        )
    ]
    wins = reader.one("SELECT count(*) FROM wins WHERE prospect_id = :id", id=pid)
    dials = reader.one(
        f"SELECT count(*) FROM activities WHERE prospect_id = :id AND {figures.DIAL.sql()}",
        id=pid,
    )
    return Brief(
        id=pid,
        name=name,
        company=company,
        segment=segment,
        stage=stage,
        value=value,
        stage_since=when(since[0]) if since else None,
        contacts=contacts,
        facts=facts,
        missing=[i.label for i in gaps],
        checklist=", ".join(i.label for i in items),
        objective=objective,
        objective_set_at=when(objective_set_at),
        best_time=best_time(reader, owner, avail, unknown, now=now, tz=tz),
        promises=promises,
        next_step=next_step,
        touches=touches,
        wins=int(wins[0]) if wins else 0,
        dials=int(dials[0]) if dials else 0,
        focus=_focus(reader, now),
        ask_for=contacts_service.ask_for(contacts),
    )


def _focus(reader: Store, now: datetime) -> str | None:
    from salestrack.reports import focus

    found = focus.focus(reader, now=now)
    return None if found is None else found.describe()
