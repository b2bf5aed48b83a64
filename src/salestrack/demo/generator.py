"""A realistic, deterministic demo database: weeks of one rep's prospecting, simulated.

The simulation walks the working days (Monday to Friday, 08:30 to 17:30 in the rep's time
zone) up to "now". The first day starts from the book of leads the rep already had (added up
to :data:`_WARM_DAYS` business days before, some called a few times or qualified already,
in history the demo does not write); new leads come in every Monday. Each day the rep dials
the prospects that are due a call; who picks up depends on the hour, the weekday, what the
rep already knows (a gatekeeper's name helps, a decision maker who does not work Tuesdays is
not reached on a Tuesday), the stage (:data:`_P_DM`: cold leads rarely, qualified prospects
more, a time the decision maker agreed to mostly) and the segment. Stage moves take what
they take in real life: a lead's first conversation qualifies it far more often than it
books a meeting (a meeting set at once skips qualified); qualified prospects book meetings on
later calls, days to weeks later; a meeting is held days after it is set, a proposal follows
in days, and so on to won or lost. Leads never reached are closed lost "no contact after
repeated calls" after 7 to 10 dials, qualified prospects that go quiet are parked. Now and
then the decision maker calls back after a voicemail (an inbound call, not a dial). Next
steps are done late as often as on time; calls yield intel and small wins and get quality
scores. This week the rep dials at most :data:`_SLOW_WEEK` of the usual (the hole the demo's
``baseline`` shows). A small book of existing clients carries promises, successes, lessons,
initiatives and monthly Customer Report Card ratings. docs/demo.md says it in words.

The same seed, "now" and size give the same rows, UUIDs included. Nothing is dated after
"now". Rows go in through :mod:`salestrack.store.bulk`, the same path imports use.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from salestrack import names, vocab
from salestrack.config import DbTarget
from salestrack.errors import Conflict, UsageError

DEMO_REP_NAME, DEMO_COMPANY = "Sam Carter", "Brightline Office Systems"
DEMO_KEY = "demo"  # settings key marking a database as a demo (safe to replace)
BOOK_WEEKS = 39  # how far back clients' promises and ratings go
ACTIVE_WEEKS = 104  # clients won longer ago than this are handed over (no more touches)

_PLACES = (
    "Acme", "Northwind", "Blue Harbour", "Redwood", "Kestrel", "Granite", "Oakridge",
    "Silverline", "Brightwater", "Harbourside", "Ironbridge", "Lakeside", "Meridian", "Pennine",
    "Quayside", "Riverside", "Stonegate", "Thameside", "Westfield", "Wolds", "Cobalt",
    "Crescent", "Foxglove", "Highgate", "Juniper", "Larch", "Marlow", "Nettle", "Orchard",
    "Pimlico", "Rowan", "Saxon", "Tamar", "Union", "Vale", "Willow", "Yarrow", "Zephyr",
    "Beacon", "Copper",
)  # fmt: skip
_TRADES = (
    "Logistics", "Dental", "Engineering", "Print", "Foods", "Legal", "Accounting",
    "Recruitment", "Construction", "Hotels", "Motors", "Pharmacy", "Software", "Packaging",
    "Plastics", "Estates", "Care", "Joinery", "Brewing", "Textiles",
)  # fmt: skip
_SUFFIXES = ("Ltd", "Group", "& Co", "Partners", "Holdings", "Services")
_TOWNS = (
    "Leeds", "York", "Bristol", "Derby", "Exeter", "Hull", "Bath", "Leicester", "Norwich",
    "Reading", "Cardiff", "Glasgow", "Durham", "Chester", "Preston", "Luton", "Stoke",
    "Dundee", "Truro", "Ely",
)  # fmt: skip
_FIRST = (
    "Sue", "Priya", "Tom", "Aisha", "Gareth", "Mei", "Olu", "Hannah", "Raj", "Claire", "Dan",
    "Fiona", "Kwame", "Lucy", "Marek", "Nadia", "Owen", "Rosa", "Sam", "Tariq", "Beth", "Chris",
    "Joanna", "Liam", "Zoe",
)  # fmt: skip
_LAST = (
    "Parker", "Shah", "Okafor", "Hughes", "Chen", "Evans", "Novak", "Patel", "Reid", "Walsh",
    "Ahmed", "Bennett", "Clarke", "Doyle", "Fraser", "Grant", "Kaur", "Lloyd", "Moss", "Quinn",
)  # fmt: skip
_TITLES = (
    "Finance Director", "Head of Operations", "Managing Director", "Operations Manager",
    "Head of IT", "CFO", "Office Manager", "Commercial Director",
)  # fmt: skip
_WEEKDAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays")

# Share of calls by outcome when the decision maker picks up, per stage group. A lead's first
# conversations qualify it (connected) far more often than they book a meeting at once; a
# qualified prospect's follow-up calls are where most meetings are set.
_DM_OUTCOMES = {
    "lead": (
        ("connected", 0.46), ("meeting_set", 0.07), ("callback", 0.17),
        ("not_interested", 0.24), ("referred", 0.06),
    ),
    "qualified": (
        ("connected", 0.36), ("meeting_set", 0.42), ("callback", 0.12),
        ("not_interested", 0.1),
    ),
    "deal": (("connected", 0.75), ("meeting_set", 0.1), ("callback", 0.15)),
}  # fmt: skip
# Chance the decision maker picks up a cold call (a lead), a follow-up call (qualified), a call
# about a deal under way, and a call at a time they agreed to ("call me Thursday").
_P_DM = {"lead": 0.085, "qualified": 0.14, "deal": 0.26, "agreed": 0.65}
_INBOUND = 0.05  # chance a voicemail is answered by the decision maker calling back
_SLOW_WEEK = 0.6  # this week the rep dials at most 60% of the usual: the demo's hole
_WARM_DAYS = 40  # the first day's book holds leads up to 40 business days old
_HOUR_REACH = {8: 1.45, 9: 1.2, 10: 1.0, 11: 0.9, 12: 0.65, 13: 0.75, 14: 0.9, 15: 1.0}
_HOUR_REACH |= {16: 1.3, 17: 1.15}
_DAY_REACH = (0.9, 1.1, 1.1, 1.0, 0.75)
_SEGMENTS = (("A", 0.2), ("B", 0.45), ("C", 0.35))
_VALUE = {"A": (20_000, 80_000), "B": (8_000, 30_000), "C": (3_000, 12_000)}
_PROGRESS = {"A": 0.6, "B": 0.45, "C": 0.28}  # chance a held meeting leads to a proposal
_LOST_REASONS = (
    "no budget this year", "went with a competitor", "not a priority now", "price",
    "chose to build in-house", "no decision made",
)  # fmt: skip
_BEHAVIOURS = (
    "Listens actively and asks clarifying questions",
    "Returns calls and emails promptly",
    "Never breaks a promise",
    "Speaks plain language, not jargon",
    "Proactively sends useful information",
    "Acts like a business partner",
)
_PROMISES = (
    "send the onboarding plan", "share the usage report", "fix the invoice address",
    "book the training session", "send the renewal quote", "introduce the support lead",
    "chase the delivery date", "send the case study",
)  # fmt: skip
_SUCCESSES = (
    "went live on time", "cut month-end reporting from 3 days to 1",
    "trained 14 users in one week", "resolved the billing backlog",
    "second site rolled out", "renewed early for two years",
)  # fmt: skip
_WIN_TEXTS = (
    "got the direct line", "agreed to read a one-pager", "found the renewal date",
    "was invited to call back next week", "heard the budget is signed off",
)  # fmt: skip


@dataclass
class Summary:
    """What a demo build wrote."""

    path: Path | None
    prospects: int
    activities: int
    calls: int
    wins: int
    intel: int
    first_day: date
    last_day: date
    busiest_prospect: str
    counts: dict[str, int]


@dataclass
class _Prospect:
    id: uuid.UUID
    name: str
    segment: str
    value: float
    created_at: datetime
    stage: str = "lead"
    due: date | None = None  # the day the rep will next call
    attempts: int = 0
    stage_attempts: int = 0  # calls since the prospect entered its stage
    agreed: bool = False  # the decision maker agreed to the next call's time
    gatekeeper: uuid.UUID | None = None
    decision_maker: uuid.UUID | None = None
    dm_reached: bool = False
    off_day: int | None = None  # weekday the decision maker does not work
    intel: dict[str, dict[str, Any]] = field(default_factory=dict)
    open_steps: list[dict[str, Any]] = field(default_factory=list)
    touches: int = 0
    last_change: datetime | None = None


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    roll = rng.random() * sum(w for _, w in weighted)
    for choice, weight in weighted:
        roll -= weight
        if roll <= 0:
            return choice
    return weighted[-1][0]


class _Sim:
    def __init__(
        self, *, now: datetime, weeks: int, dials_per_day: int, seed: int, owner: str, tz: tzinfo
    ) -> None:
        self.rng = random.Random(seed)
        self.now = now.astimezone(UTC)
        self.tz = tz
        self.owner = owner
        self.dials_per_day = dials_per_day
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.prospects: list[_Prospect] = []
        self.dialling: list[_Prospect] = []  # those with a call due some day (pruned daily)
        self.activity_count: Counter[uuid.UUID] = Counter()
        self.used_names: set[str] = set()
        today = now.astimezone(tz).date()
        self.this_week = today - timedelta(days=today.weekday())  # its Monday
        start = today - timedelta(days=weeks * 7 - 1)
        self.days = [
            start + timedelta(days=i)
            for i in range((today - start).days + 1)
            if (start + timedelta(days=i)).weekday() < 5
        ]
        self.events: list[tuple[datetime, int, str, _Prospect]] = []
        self.serial = 0
        self.contacts: dict[uuid.UUID, dict[str, Any]] = {}
        self.behaviour_ids: list[uuid.UUID] = []

    # -- rows --------------------------------------------------------------------------------
    def new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def add(self, table: str, at: datetime, **values: Any) -> dict[str, Any]:
        row = {"id": self.new_id(), "owner": self.owner, "created_at": at, "updated_at": at}
        row.update(values)
        self.rows.setdefault(table, []).append(row)
        return row

    def at(self, day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute, second), self.tz).astimezone(UTC)

    def office_time(self, day: date) -> datetime:
        """A time in office hours on ``day``, outside lunch."""
        return self.at(day, self.rng.choice((9, 10, 11, 14, 15, 16)), self.rng.randint(0, 59))

    def name(self) -> str:
        rng = self.rng
        for _ in range(50):
            base = f"{rng.choice(_PLACES)} {rng.choice(_TRADES)} {rng.choice(_SUFFIXES)}"
            if len(self.used_names) > 2000:
                base = f"{base} ({rng.choice(_TOWNS)})"
            if names.key(base) not in self.used_names:
                break
        else:
            base = f"{base} {len(self.used_names)}"
        self.used_names.add(names.key(base))
        return base

    def person(self) -> str:
        return f"{self.rng.choice(_FIRST)} {self.rng.choice(_LAST)}"

    # -- prospects and their history ---------------------------------------------------------
    def new_prospect(self, at: datetime, name: str | None = None) -> _Prospect:
        rng = self.rng
        segment = _pick(rng, _SEGMENTS)
        low, high = _VALUE[segment]
        p = _Prospect(
            id=self.new_id(),
            name=name or self.name(),
            segment=segment,
            value=float(round(rng.uniform(low, high), -2)),
            created_at=at,
            off_day=rng.choice((0, 1, 4)) if rng.random() < 0.25 else None,
        )
        if segment != "C" or rng.random() < 0.4:  # small firms often have no switchboard
            p.gatekeeper = self.new_id()
        self.prospects.append(p)
        self.dialling.append(p)
        self.change_stage(p, "lead", at)
        return p

    def change_stage(
        self,
        p: _Prospect,
        stage: str,
        at: datetime,
        *,
        reason: str | None = None,
        activity: dict[str, Any] | None = None,
    ) -> None:
        if p.last_change is not None and at <= p.last_change:
            at = p.last_change + timedelta(minutes=1)
        self.add(
            "stage_changes",
            at,
            prospect_id=p.id,
            from_stage=None if p.last_change is None else p.stage,
            to_stage=stage,
            changed_at=at,
            reason=reason,
            activity_id=activity["id"] if activity else None,
        )
        p.stage, p.last_change = stage, at
        p.stage_attempts = 0

    def contact(self, p: _Prospect, role: str, at: datetime) -> dict[str, Any]:
        """The prospect's gatekeeper or decision maker, written when first learned."""
        existing = p.gatekeeper if role == "gatekeeper" else p.decision_maker
        if existing is not None and existing in self.contacts:
            return self.contacts[existing]
        cid = existing or self.new_id()
        title = "Reception" if role == "gatekeeper" else self.rng.choice(_TITLES)
        row = self.add(
            "contacts", at, id=cid, prospect_id=p.id, name=self.person(), role=role, title=title
        )
        self.contacts[cid] = row
        if role == "gatekeeper":
            p.gatekeeper = cid
        else:
            p.decision_maker = cid
        return row

    def activity(
        self,
        p: _Prospect,
        kind: str,
        at: datetime,
        *,
        outcome: str | None,
        duration_s: int | None = None,
        reached: str | None = None,
        contact_id: uuid.UUID | None = None,
        direction: str = "outbound",
        notes: str | None = None,
    ) -> dict[str, Any]:
        row = self.add(
            "activities",
            at,
            prospect_id=p.id,
            contact_id=contact_id,
            kind=kind,
            occurred_at=at,
            duration_s=duration_s,
            direction=direction,
            reached=reached,
            outcome=outcome,
            notes=notes,
        )
        self.activity_count[p.id] += 1
        if kind != "note":
            p.touches += 1
            for step in p.open_steps:
                if step["created_at"] <= at:
                    step["done_at"] = at
                    step["done_by_activity_id"] = row["id"]
                    step["updated_at"] = at
            p.open_steps = [s for s in p.open_steps if s["done_at"] is None]
        return row

    def next_step(self, p: _Prospect, activity: dict[str, Any], action: str, due: datetime) -> None:
        step = self.add(
            "next_steps",
            activity["occurred_at"],
            prospect_id=p.id,
            activity_id=activity["id"],
            action=action,
            due_at=due,
            done_at=None,
            done_by_activity_id=None,
        )
        p.open_steps.append(step)

    def learn(
        self,
        p: _Prospect,
        activity: dict[str, Any],
        kind: str,
        value: str,
        *,
        contact_id: uuid.UUID | None = None,
        win: str | None = None,
        source: str = "new_intel",
    ) -> None:
        at = activity["occurred_at"]
        fact = self.add(
            "intel",
            at,
            prospect_id=p.id,
            contact_id=contact_id,
            activity_id=activity["id"],
            kind=kind,
            value=value,
            learned_at=at,
        )
        old = p.intel.get(kind)
        if old is not None and kind in vocab.SINGLE_VALUED_INTEL:
            old.update(superseded_at=at, superseded_by_id=fact["id"], updated_at=at)
        p.intel[kind] = fact
        self.win(p, activity, win or f"learned {kind.replace('_', ' ')}: {value}", source)

    def win(self, p: _Prospect, activity: dict[str, Any], text: str, source: str) -> None:
        at = activity["occurred_at"]
        self.add(
            "wins",
            at,
            prospect_id=p.id,
            activity_id=activity["id"],
            text=text,
            source=source,
            won_at=at,
        )

    def quality(self, activity: dict[str, Any], good: bool) -> None:
        rng = self.rng
        base = 4 if good else 3

        def score() -> int:
            return max(1, min(5, base + rng.choice((-1, 0, 0, 0, 1))))

        uncovered = rng.choice(("manual month-end", "no CRM", "two systems", None, None))
        self.add(
            "quality",
            activity["occurred_at"],
            activity_id=activity["id"],
            value=score(),
            uncovered=score(),
            openness=score(),
            commitment=score(),
            uncovered_text=uncovered,
        )

    def schedule(self, at: datetime, what: str, p: _Prospect) -> None:
        local = at.astimezone(self.tz)
        if local.weekday() >= 5:  # weekends roll over to Monday, same time
            at = (local + timedelta(days=7 - local.weekday())).astimezone(UTC)
        self.serial += 1
        self.events.append((at, self.serial, what, p))

    # -- one call ----------------------------------------------------------------------------
    def call(self, p: _Prospect, at: datetime) -> None:
        rng = self.rng
        local = at.astimezone(self.tz)
        p.attempts += 1
        p.stage_attempts += 1
        reach = _HOUR_REACH.get(local.hour, 0.8) * _DAY_REACH[local.weekday()]
        deal = p.stage in ("meeting", "proposal", "negotiation", "won")
        group = "deal" if deal else "qualified" if p.stage == "qualified" else "lead"
        p_dm = _P_DM[group] * reach
        if p.gatekeeper is not None and "gatekeeper" in p.intel:
            p_dm *= 1.35  # a gatekeeper who knows you puts you through
        if p.agreed:
            p_dm, p.agreed = _P_DM["agreed"], False
        if p.off_day is not None and local.weekday() == p.off_day:
            p_dm = 0.0
        p_gk = 0.2 if p.gatekeeper is not None else 0.0
        roll = rng.random()
        if roll < p_dm:
            outcome = _pick(rng, _DM_OUTCOMES[group])
        elif roll < p_dm + p_gk:
            outcome = "gatekeeper"
        elif roll < p_dm + p_gk + 0.22:
            outcome = "voicemail"
        elif roll < p_dm + p_gk + 0.25:
            outcome = "busy"
        elif roll < p_dm + p_gk + 0.265:
            outcome = "wrong_number"
        else:
            outcome = "no_answer"
        reached = vocab.REACHED_BY_OUTCOME[outcome]
        if outcome == "gatekeeper" and rng.random() < 0.06:
            reached = "wrong_person"
        contact_id = None
        if reached == "gatekeeper" and "gatekeeper" in p.intel:
            contact_id = p.gatekeeper
        elif reached == "decision_maker" and p.decision_maker is not None:
            contact_id = p.decision_maker if "decision_maker" in p.intel else None
        seconds = {
            "no_answer": (15, 40), "busy": (5, 15), "wrong_number": (20, 60),
            "voicemail": (30, 75), "gatekeeper": (60, 210), "connected": (180, 720),
            "meeting_set": (420, 1200), "callback": (60, 180), "not_interested": (60, 240),
            "referred": (120, 300),
        }[outcome]  # fmt: skip
        act = self.activity(
            p, "call", at, outcome=outcome, reached=reached, contact_id=contact_id,
            duration_s=rng.randint(*seconds),
        )  # fmt: skip
        if rng.random() < 0.025:
            self.win(p, act, rng.choice(_WIN_TEXTS), "explicit")
        if reached == "gatekeeper":
            self.gatekeeper_call(p, act)
        elif reached == "decision_maker":
            self.conversation(p, act, outcome)
        self.after_call(p, act, outcome)

    def gatekeeper_call(self, p: _Prospect, act: dict[str, Any]) -> None:
        rng = self.rng
        if rng.random() > 0.4:
            return
        if "gatekeeper" not in p.intel:
            who = self.contact(p, "gatekeeper", act["occurred_at"])
            act["contact_id"] = who["id"]
            self.learn(
                p,
                act,
                "gatekeeper",
                f"{who['name']} on reception",
                contact_id=who["id"],
                win=f"first gatekeeper name: {who['name']}",
                source="first_gatekeeper",
            )
        elif "availability" not in p.intel and p.off_day is not None:
            self.learn(p, act, "availability", f"doesn't work {_WEEKDAYS[p.off_day]}")
        elif "decision_maker" not in p.intel:
            self.learn_decision_maker(p, act)
        elif "availability" not in p.intel:
            when = rng.choice(("mornings only", "best after 4pm", "in meetings Monday mornings"))
            self.learn(p, act, "availability", when)

    def learn_decision_maker(self, p: _Prospect, act: dict[str, Any]) -> None:
        who = self.contact(p, "decision_maker", act["occurred_at"])
        if act["reached"] == "decision_maker":
            act["contact_id"] = who["id"]
        self.learn(p, act, "decision_maker", f"{who['name']}, {who['title']}", contact_id=who["id"])

    def conversation(self, p: _Prospect, act: dict[str, Any], outcome: str) -> None:
        rng = self.rng
        at = act["occurred_at"]
        if not p.dm_reached:
            p.dm_reached = True
            if outcome != "not_interested":
                self.win(
                    p, act, "first conversation with the decision maker", "first_decision_maker"
                )
        if outcome == "callback" and p.off_day is not None and "availability" not in p.intel:
            self.learn(p, act, "availability", f"doesn't work {_WEEKDAYS[p.off_day]}")
        elif outcome in ("connected", "meeting_set") and rng.random() < 0.45:
            kind = rng.choice(("pain", "budget", "timeline", "competitor", "authority", "personal"))
            value = {
                "pain": rng.choice(
                    ("month-end takes three days", "no view of stock", "renewals missed")
                ),
                "budget": f"£{rng.choice((10, 15, 25, 40))}k set aside for next year",
                "timeline": rng.choice(("decide by end of January", "before the March year end")),
                "competitor": rng.choice(
                    (
                        "uses spreadsheets",
                        "trialling a competitor",
                        "renewal with incumbent in spring",
                    )
                ),
                "authority": "the board signs off anything over £20k",
                "personal": rng.choice(
                    ("runs marathons", "supports Leeds United", "just back from paternity leave")
                ),
            }[kind]
            self.learn(p, act, kind, value, contact_id=act["contact_id"])
        if outcome in ("connected", "meeting_set") or (
            outcome == "callback" and rng.random() < 0.3
        ):
            self.quality(act, good=outcome == "meeting_set")
        if outcome == "not_interested" and p.stage in ("lead", "qualified"):
            if rng.random() < 0.6:
                self.change_stage(p, "lost", at, reason="not interested", activity=act)
        elif outcome == "meeting_set" and p.stage in ("lead", "qualified"):
            # a meeting set in the first conversation skips qualified: no stay of a minute
            self.change_stage(p, "meeting", at, activity=act)
            self.book_meeting(p, act)
        elif p.stage == "lead" and outcome == "connected":
            self.change_stage(p, "qualified", at, activity=act)
            p.agreed = rng.random() < 0.7  # "call me next week and we'll see"
        elif p.stage == "qualified" and outcome in ("connected", "callback"):
            p.agreed = rng.random() < 0.6

    def book_meeting(self, p: _Prospect, act: dict[str, Any]) -> None:
        rng = self.rng
        day = act["occurred_at"].astimezone(self.tz).date()
        offset = rng.randint(2, 10)
        meet_day = day + timedelta(days=offset)
        while meet_day.weekday() >= 5:
            meet_day += timedelta(days=1)
        when = self.at(meet_day, rng.choice((10, 11, 14, 15)), rng.choice((0, 30)))
        self.next_step(p, act, f"meeting: discovery with {p.name}", when)
        self.schedule(when, "meeting", p)
        p.due = None

    def after_call(self, p: _Prospect, act: dict[str, Any], outcome: str) -> None:
        rng = self.rng
        at = act["occurred_at"]
        if p.stage in ("lost", "won"):
            p.due = None
            return
        if outcome == "meeting_set":
            return
        if outcome == "voicemail" and rng.random() < _INBOUND:
            back = self.business_days_after(at.astimezone(self.tz).date(), rng.randint(0, 2))
            when = self.office_time(back)
            if when > at:
                self.schedule(when, "inbound_call", p)
        if outcome in ("voicemail", "connected", "callback") and rng.random() < 0.35:
            email_at = at + timedelta(minutes=rng.randint(2, 9))
            if email_at <= self.now:
                email = self.activity(p, "email", email_at, outcome="sent")
                act = email
                if rng.random() < 0.18:
                    reply = email_at + timedelta(hours=rng.randint(2, 60))
                    self.schedule(reply, "reply", p)
        if p.stage == "qualified" and p.stage_attempts >= rng.randint(8, 12):
            if rng.random() < 0.4:
                self.change_stage(p, "lost", at, reason="went quiet", activity=act)
            p.due = None  # parked: no next step
            return
        if p.stage == "lead" and p.stage_attempts >= rng.randint(7, 10):
            if rng.random() < 0.5:
                self.change_stage(
                    p, "lost", at, reason="no contact after repeated calls", activity=act
                )
            p.due = None  # parked: stays a lead with no next step (a pipeline gap)
            return
        gap = {"callback": (1, 2), "connected": (3, 7)}.get(outcome, (2, 5))
        due_day = self.business_days_after(at.astimezone(self.tz).date(), rng.randint(*gap))
        action = {"callback": "call back as agreed", "connected": "follow up on the call"}.get(
            outcome, "call again"
        )
        due = self.at(due_day, 9)
        self.next_step(p, act, action, due)
        lag = rng.choices((0, 1, 2, 3, 6, 10), weights=(55, 15, 10, 8, 8, 4))[0]
        p.due = self.business_days_after(due_day, lag) if lag else due_day

    def business_days_before(self, day: date, n: int) -> date:
        while n > 0:
            day -= timedelta(days=1)
            if day.weekday() < 5:
                n -= 1
        return day

    def business_days_after(self, day: date, n: int) -> date:
        while n > 0:
            day += timedelta(days=1)
            if day.weekday() < 5:
                n -= 1
        return day

    # -- scheduled events (meetings, replies, deal steps) -----------------------------------
    def meeting(self, p: _Prospect, at: datetime) -> None:
        rng = self.rng
        if p.stage in ("won", "lost"):
            return
        outcome = rng.choices(("held", "no_show", "rescheduled"), weights=(80, 8, 12))[0]
        known = "decision_maker" in p.intel
        cid = self.contact(p, "decision_maker", at)["id"]
        act = self.activity(
            p,
            "meeting",
            at,
            outcome=outcome,
            duration_s=rng.choice((1800, 2700, 3600)),
            reached="decision_maker",
            contact_id=cid,
        )
        if not known:
            self.learn_decision_maker(p, act)
        if outcome != "held":
            again = self.at(
                self.business_days_after(at.astimezone(self.tz).date(), rng.randint(2, 7)),
                at.astimezone(self.tz).hour,
            )
            self.next_step(p, act, "rebook the meeting", again)
            self.schedule(again, "meeting", p)
            return
        self.quality(act, good=rng.random() < 0.6)
        day = at.astimezone(self.tz).date()
        if rng.random() < _PROGRESS[p.segment]:
            prep = self.at(self.business_days_after(day, rng.randint(1, 4)), 10)
            self.next_step(p, act, "send the proposal", prep)
            self.schedule(prep, "proposal", p)
        elif rng.random() < 0.45:
            lost_at = at + timedelta(days=rng.randint(2, 8))
            if lost_at <= self.now:
                self.change_stage(
                    p, "lost", lost_at, reason=rng.choice(_LOST_REASONS), activity=act
                )
        else:
            due = self.at(self.business_days_after(day, rng.randint(5, 12)), 9)
            self.next_step(p, act, "follow up after the meeting", due)
            self.schedule(due + timedelta(days=rng.choice((0, 0, 3, 9))), "deal_call", p)

    def proposal(self, p: _Prospect, at: datetime) -> None:
        rng = self.rng
        if p.stage != "meeting":
            return
        self.activity(
            p,
            "task",
            at - timedelta(minutes=75),
            outcome="done",
            duration_s=rng.randint(30, 90) * 60,
            notes="wrote the proposal",
        )
        act = self.activity(
            p, "email", at, outcome="sent", contact_id=p.decision_maker, notes="proposal sent"
        )
        self.change_stage(p, "proposal", at, activity=act)
        due = self.at(self.business_days_after(at.astimezone(self.tz).date(), rng.randint(3, 6)), 9)
        self.next_step(p, act, "walk through the proposal", due)
        self.schedule(due + timedelta(days=rng.choice((0, 0, 1, 4, 8))), "deal_call", p)

    def deal_call(self, p: _Prospect, at: datetime) -> None:
        rng = self.rng
        if p.stage in ("won", "lost", "lead", "qualified"):
            return
        local = at.astimezone(self.tz)
        at = self.office_time(local.date())
        if at > self.now:
            return
        outcome = "connected" if rng.random() < 0.6 else rng.choice(("voicemail", "gatekeeper"))
        act = self.activity(
            p, "call", at, outcome=outcome, reached=vocab.REACHED_BY_OUTCOME[outcome],
            contact_id=p.decision_maker if outcome == "connected" else None,
            duration_s=rng.randint(240, 1500) if outcome == "connected" else rng.randint(30, 90),
        )  # fmt: skip
        day = at.astimezone(self.tz).date()
        if outcome != "connected":
            due = self.at(self.business_days_after(day, rng.randint(1, 3)), 9)
            self.next_step(p, act, "try the decision maker again", due)
            self.schedule(due, "deal_call", p)
            return
        self.quality(act, good=rng.random() < 0.55)
        roll = rng.random()
        if p.stage == "meeting":
            if roll < 0.5:
                self.schedule(self.at(self.business_days_after(day, 2), 10), "proposal", p)
                self.next_step(
                    p, act, "send the proposal", self.at(self.business_days_after(day, 2), 10)
                )
                return
        elif p.stage == "proposal":
            if roll < 0.55:
                self.change_stage(p, "negotiation", at, activity=act)
            elif roll < 0.72:
                self.change_stage(p, "lost", at, reason=rng.choice(_LOST_REASONS), activity=act)
                return
        elif p.stage == "negotiation":
            if roll < 0.55:
                self.change_stage(p, "won", at, activity=act)
                self.win(p, act, f"closed {p.name}", "explicit")
                self.client_book(p, at)
                return
            if roll < 0.75:
                self.change_stage(p, "lost", at, reason=rng.choice(_LOST_REASONS), activity=act)
                return
        due = self.at(self.business_days_after(day, rng.randint(3, 8)), 9)
        self.next_step(p, act, "chase the decision", due)
        self.schedule(due + timedelta(days=rng.choice((0, 0, 2, 7, 14))), "deal_call", p)

    def inbound_call(self, p: _Prospect, at: datetime) -> None:
        """The decision maker calls back after a voicemail: a conversation, not a dial."""
        rng = self.rng
        if p.stage in ("won", "lost"):
            return
        outcome = _pick(rng, (("connected", 0.7), ("callback", 0.2), ("meeting_set", 0.1)))
        act = self.activity(
            p, "call", at, outcome=outcome, reached="decision_maker", direction="inbound",
            contact_id=p.decision_maker if "decision_maker" in p.intel else None,
            duration_s=rng.randint(120, 900),
        )  # fmt: skip
        self.conversation(p, act, outcome)
        self.after_call(p, act, outcome)

    def reply(self, p: _Prospect, at: datetime) -> None:
        local = at.astimezone(self.tz)
        if local.weekday() >= 5 or not 8 <= local.hour < 18:
            return
        self.activity(
            p, "email", at, outcome="replied", direction="inbound", contact_id=p.decision_maker
        )

    # -- clients: promises, successes, lessons, initiatives, CRC ratings ---------------------
    def behaviours(self, at: datetime) -> None:
        self.behaviour_ids = []
        for i, text in enumerate(_BEHAVIOURS):
            self.behaviour_ids.append(self.add("behaviours", at, name=text, position=i + 1)["id"])

    def client_book(self, p: _Prospect, won_at: datetime) -> None:
        """A client's life after the close, up to now (the book is kept for the last
        :data:`BOOK_WEEKS` weeks: what a scorecard looks at). Clients won more than
        :data:`ACTIVE_WEEKS` ago have moved to account management: no book here."""
        rng = self.rng
        if won_at < self.now - timedelta(weeks=ACTIVE_WEEKS):
            return
        day = max(won_at, self.now - timedelta(weeks=BOOK_WEEKS)).astimezone(self.tz).date()
        self.add(
            "initiatives",
            won_at,
            prospect_id=p.id,
            text="monthly usage review with the client",
            status="open",
            started_at=won_at,
        )
        while True:
            day = self.business_days_after(day, rng.randint(3, 8))
            made = self.office_time(day)
            if made > self.now:
                break
            due = made + timedelta(days=rng.randint(1, 7))
            status = (
                "open" if due > self.now else rng.choices(("kept", "broken"), weights=(95, 5))[0]
            )
            resolved = None
            if status == "kept":
                resolved = min(due - timedelta(hours=rng.randint(1, 30)), self.now)
                resolved = max(resolved, made + timedelta(hours=1))
            elif status == "broken":
                resolved = due + timedelta(days=rng.randint(1, 3))
                if resolved > self.now:
                    status, resolved = "open", None
            text = rng.choice(_PROMISES)
            row = self.add(
                "promises",
                made,
                prospect_id=p.id,
                text=text,
                made_at=made,
                due_at=due,
                status=status,
                resolved_at=resolved,
            )
            if resolved is not None:
                row["updated_at"] = resolved
            if status == "broken" and resolved is not None:
                self.add(
                    "lessons",
                    resolved,
                    prospect_id=p.id,
                    text=f"missed: {text}",
                    change="put every promise in the diary with a reminder the day before",
                    learned_at=resolved,
                )
            if rng.random() < 0.2:
                self.add(
                    "successes",
                    made,
                    prospect_id=p.id,
                    text=rng.choice(_SUCCESSES),
                    delivered_at=made,
                )
            if rng.random() < 0.3:
                check_in = made - timedelta(minutes=20)
                if rng.random() < 0.5:
                    self.activity(
                        p,
                        "call",
                        check_in,
                        outcome="connected",
                        reached="decision_maker",
                        contact_id=p.decision_maker,
                        duration_s=rng.randint(300, 900),
                        notes="account check-in",
                    )
                else:
                    self.activity(
                        p,
                        "email",
                        check_in,
                        outcome="sent",
                        contact_id=p.decision_maker,
                        notes="account check-in",
                    )
        self.ratings(p, won_at)

    def ratings(self, p: _Prospect, won_at: datetime) -> None:
        rng = self.rng
        local = max(won_at, self.now - timedelta(weeks=BOOK_WEEKS)).astimezone(self.tz)
        year, month = local.year, local.month
        skill = rng.uniform(0.35, 0.7)
        while True:
            month += 1
            if month == 13:
                year, month = year + 1, 1
            first = date(year, month, 1)
            rated = self.at(self.business_days_after(first, 2), 11)
            if rated > self.now:
                break
            prev = first - timedelta(days=1)
            label = f"{prev.year:04d}-{prev.month:02d}"
            for bid in self.behaviour_ids:
                grade = rng.choices(("A", "B", "D"), weights=(skill, 0.92 - skill, 0.08))[0]
                comment = "slow to reply in the busy week" if grade == "D" else None
                self.add(
                    "ratings",
                    rated,
                    prospect_id=p.id,
                    behaviour_id=bid,
                    month=label,
                    grade=grade,
                    comment=comment,
                    rated_at=rated,
                )
            skill = min(0.85, skill + 0.03)

    def existing_clients(self, count: int) -> None:
        """Clients won before the window opened: the book the scorecards are about."""
        rng = self.rng
        first = self.days[0]
        for i in range(count):
            won_day = first - timedelta(days=rng.randint(60, 240))
            while won_day.weekday() >= 5:
                won_day -= timedelta(days=1)
            # each stage a few business days to weeks, counted back from the day it was won
            gaps = [rng.randint(3, 14) for _ in range(5)]
            days = [won_day]
            for gap in reversed(gaps[1:]):
                days.insert(0, self.business_days_before(days[0], gap))
            start = self.at(self.business_days_before(days[0], gaps[0]), 9)
            p = self.new_prospect(start, name="Acme Ltd" if i == 0 else None)
            p.segment, p.value = "A", float(round(rng.uniform(25_000, 90_000), -2))
            p.dm_reached = True
            t = start
            stages = ("qualified", "meeting", "proposal", "negotiation", "won")
            for stage, day in zip(stages, days, strict=True):
                t = self.at(day, 10) if stage == "won" else self.office_time(day)
                act = self.activity(
                    p,
                    "meeting" if stage == "meeting" else "call",
                    t,
                    outcome="held" if stage == "meeting" else "connected",
                    reached="decision_maker",
                    contact_id=p.decision_maker,
                    duration_s=rng.randint(600, 2400),
                )
                if stage == "qualified":
                    self.learn_decision_maker(p, act)
                self.change_stage(p, stage, t, activity=act)
            self.client_book(p, t)

    # -- the whole run -----------------------------------------------------------------------
    def run(self, tick: Callable[[int, int], None] | None = None) -> None:
        """Simulate every day of the window (``tick(done, total)`` after each; the total
        counts the write that follows as one more)."""
        rng = self.rng
        self.behaviours(self.at(self.days[0], 8) - timedelta(days=300))
        self.existing_clients(max(2, self.dials_per_day // 20))
        pool_start = self.dials_per_day * 4
        weekly_new = int(self.dials_per_day * 0.535)  # about what a rep can keep calling
        for i, day in enumerate(self.days):
            batch = pool_start if i == 0 else (weekly_new if day.weekday() == 0 else 0)
            for _ in range(batch):
                # the evening before, the rep adds the leads to call from tomorrow; the first
                # day's pool is the book the rep already had (see warm)
                age = rng.randint(1, _WARM_DAYS) if i == 0 else 1
                eve = self.business_days_before(day, age)
                p = self.new_prospect(self.at(eve, 17, rng.randint(30, 59), rng.randint(0, 59)))
                p.due = day
                if i == 0:
                    self.warm(p, age)
                if rng.random() < 0.3:
                    self.activity(
                        p,
                        "task",
                        self.at(day, 8, 15) + timedelta(seconds=rng.randint(0, 900)),
                        outcome="done",
                        duration_s=rng.randint(4, 15) * 60,
                        notes="researched the company",
                    )
            self.work_day(day)
            if tick is not None:
                tick(i + 1, len(self.days) + 1)
        self.finish()

    def warm(self, p: _Prospect, age: int) -> None:
        """A prospect of the book the rep had when the window opened, ``age`` business days
        old: called a few times already (those calls are before the window and not written),
        and now and then qualified back then (that conversation is written). Without it every
        stay would start in the window and the usual days in lead would grow week by week."""
        rng = self.rng
        p.attempts = p.stage_attempts = min(6, age // 4)
        # (a prospect always has a stage change, its first: the check is for the type)
        if age > 5 and rng.random() < 0.15 and p.last_change is not None:
            lead_days = max(1, round(age * rng.uniform(0.3, 0.8)))
            day = self.business_days_after(p.last_change.astimezone(self.tz).date(), lead_days)
            at = self.office_time(day)
            who = self.contact(p, "decision_maker", at)
            act = self.activity(
                p, "call", at, outcome="connected", reached="decision_maker",
                contact_id=who["id"], duration_s=rng.randint(180, 720),
            )  # fmt: skip
            self.learn_decision_maker(p, act)
            self.change_stage(p, "qualified", at, activity=act)
            p.dm_reached, p.agreed = True, rng.random() < 0.5
            p.stage_attempts = rng.randint(0, 3)

    def work_day(self, day: date) -> None:
        rng = self.rng
        self.dialling = [p for p in self.dialling if p.due is not None]
        due = [p for p in self.dialling if p.due is not None and p.due <= day]
        due.sort(key=lambda p: (p.due, p.attempts))
        wanted = round(self.dials_per_day * rng.uniform(0.85, 1.1))
        if day.weekday() == 4:
            wanted = round(wanted * 0.8)
        if day >= self.this_week:
            wanted = round(wanted * _SLOW_WEEK)
        todays = due[:wanted]
        rng.shuffle(todays)
        start, end = self.at(day, 8, 30), self.at(day, 17, 30)
        # 08:30 to 12:30 and 13:15 to 17:30: lunch has no calls
        offsets = sorted(rng.randrange(8 * 3600 + 15 * 60) for _ in todays)
        times = [start + timedelta(seconds=s + (2700 if s >= 4 * 3600 else 0)) for s in offsets]
        # today's scheduled events interleave with the dialling
        day_end = end + timedelta(hours=14)
        events = sorted(e for e in self.events if e[0] < day_end)
        self.events = [e for e in self.events if e[0] >= day_end]
        queue = [(t, 0, "call", p) for t, p in zip(times, todays, strict=True)]
        for at, _, what, p in sorted(queue + events, key=lambda e: (e[0], e[1])):
            if at > self.now:
                continue
            getattr(self, what)(p, at)
        if rng.random() < 0.3:
            p = rng.choice(self.prospects)
            note_at = self.at(day, 17, 40)
            if note_at <= self.now:
                self.activity(
                    p,
                    "note",
                    note_at,
                    outcome=None,
                    notes="heard they are moving offices in the new year",
                )

    def finish(self) -> None:
        """Write back each prospect's final state; a few objectives for the next call."""
        rng = self.rng
        for p in self.prospects:
            self.add(
                "prospects",
                p.created_at,
                id=p.id,
                name=p.name,
                name_key=names.key(p.name),
                company=None,
                segment=p.segment,
                stage=p.stage,
                value=p.value,
                objective=(
                    rng.choice(("book a demo with the decision maker", "find out the budget"))
                    if p.stage in ("qualified", "meeting") and rng.random() < 0.3
                    else None
                ),
                objective_set_at=None,
                updated_at=max(p.created_at, p.last_change or p.created_at),
            )
            row = self.rows["prospects"][-1]
            if row["objective"]:
                row["objective_set_at"] = p.last_change
        self.tag()

    def tag(self) -> None:
        """Tags, from a random stream of their own (the rest of the demo stays as it was):
        referrals, the big open deals of the quarter, and the calls that set a meeting."""
        rng = random.Random(self.rng.random())
        for p in self.prospects:
            wanted = ["referral"] if rng.random() < 0.1 else []
            if p.segment == "A" and p.stage not in ("won", "lost") and rng.random() < 0.4:
                wanted.append("q4")
            for name in wanted:
                self.add("tags", p.created_at, prospect_id=p.id, activity_id=None, name=name)
        for a in self.rows.get("activities", []):
            if a["outcome"] == "meeting_set" and rng.random() < 0.5:
                self.add("tags", a["occurred_at"], prospect_id=a["prospect_id"],
                         activity_id=a["id"], name="booked")  # fmt: skip


@dataclass
class Built:
    """The demo's rows, table by table, and what is needed to describe them."""

    rows: dict[str, list[dict[str, Any]]]
    first_day: date
    last_day: date
    per_prospect: Counter[uuid.UUID]


def build_rows(
    *,
    now: datetime,
    weeks: int = 12,
    dials_per_day: int = 100,
    seed: int = 7,
    owner: str = "me",
    tz: tzinfo | None = None,
    mark: bool = True,
    tick: Callable[[int, int], None] | None = None,
) -> Built:
    """The demo's rows (nothing is written); ``tick(done, total)`` after each day."""
    if tz is None:
        from salestrack.dates import local_tz

        tz = local_tz()
    sim = _Sim(now=now, weeks=weeks, dials_per_day=dials_per_day, seed=seed, owner=owner, tz=tz)
    sim.run(tick)
    at = now.astimezone(UTC)
    marker = {"seed": seed, "weeks": weeks, "dials_per_day": dials_per_day, "built_at": str(at)}
    if mark:  # one rep's demo marks the database; more reps can be added to it
        sim.rows["settings"] = [
            {"key": DEMO_KEY, "value": json.dumps(marker), "updated_at": at},
            # the names the QBR scorecard is signed with (store/settings.py: NAMES)
            {"key": "rep_name", "value": json.dumps(DEMO_REP_NAME), "updated_at": at},
            {"key": "company_name", "value": json.dumps(DEMO_COMPANY), "updated_at": at},
        ]
    return Built(sim.rows, sim.days[0], sim.days[-1], sim.activity_count)


def build_demo(
    target: DbTarget | Path,
    *,
    now: datetime,
    weeks: int = 12,
    dials_per_day: int = 100,
    seed: int = 7,
    owner: str | None = None,
    tz: tzinfo | None = None,
    mark: bool = True,
    tick: Callable[[int, int], None] | None = None,
) -> Summary:
    """Write the demo into ``target`` (a new or empty database) through the bulk path;
    ``tick(done, total)`` after each day simulated, and when the rows are written."""
    from salestrack import config
    from salestrack.store import bulk

    if isinstance(target, Path):
        target = config.target_from(str(target))
    built = build_rows(
        now=now,
        weeks=weeks,
        dials_per_day=dials_per_day,
        seed=seed,
        owner=owner or config.rep(),
        tz=tz,
        mark=mark,
        tick=tick,
    )
    rows = built.rows
    counts = bulk.write(target, rows)
    if tick is not None:  # the write was the last step
        tick(1, 1)
    open_ones = {p["id"]: p["name"] for p in rows["prospects"] if p["stage"] not in ("won", "lost")}
    busiest = max(open_ones, key=lambda pid: (built.per_prospect[pid], open_ones[pid]))
    return Summary(
        path=target.path,
        prospects=counts.get("prospects", 0),
        activities=counts.get("activities", 0),
        calls=sum(1 for a in rows["activities"] if a["kind"] == "call"),
        wins=counts.get("wins", 0),
        intel=counts.get("intel", 0),
        first_day=built.first_day,
        last_day=built.last_day,
        busiest_prospect=open_ones[busiest],
        counts=counts,
    )


def is_demo(path: Path) -> bool:
    """True when ``path`` is a database that ``salestrack demo`` wrote."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT 1 FROM settings WHERE key = ?", (DEMO_KEY,)).fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return False
    return row is not None


def write_demo(
    path: Path,
    *,
    real: DbTarget,
    now: datetime,
    weeks: int = 12,
    seed: int = 7,
    dials_per_day: int = 100,
    tick: Callable[[int, int], None] | None = None,
) -> Summary:
    """Build the demo in a temporary file next to ``path``, then put it in place
    (``tick``: see :func:`build_demo`).

    Refuses the user's own database (unless it is itself an earlier demo, as after
    ``export SALESTRACK_DB="$(salestrack demo)"``) and any existing file that is not a demo.
    """
    path = path.expanduser().absolute()
    if real.path is not None and _same_file(path, real.path) and not is_demo(path):
        raise UsageError(
            f"--path: '{path}' is your salestrack database; the demo never writes there, "
            "choose another --path"
        )
    if path.is_dir():
        raise UsageError(f"--path: '{path}' is a folder; give a file name such as {path}/demo.db")
    if path.exists() and path.stat().st_size > 0 and not is_demo(path):
        raise Conflict(
            f"'{path}' already holds data that is not a salestrack demo; "
            "choose another --path (the demo only replaces an earlier demo)"
        )
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    _remove(temp, temp.with_name(temp.name + "-wal"), temp.with_name(temp.name + "-shm"))
    try:
        summary = build_demo(
            temp, now=now, weeks=weeks, dials_per_day=dials_per_day, seed=seed, tick=tick
        )
        db = sqlite3.connect(temp)
        try:
            db.execute("PRAGMA journal_mode=DELETE")  # one self-contained file to move
        finally:
            db.close()
        # an old demo's WAL must not be replayed into the new file
        _remove(path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))
        os.replace(temp, path)
    finally:
        _remove(temp, temp.with_name(temp.name + "-wal"), temp.with_name(temp.name + "-shm"))
    summary.path = path
    return summary


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
