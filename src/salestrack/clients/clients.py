"""Keep your own score: promises, successes, lessons, initiatives, and the client scorecard.

A promise is *kept on time* when it was marked kept no later than its due time (a promise
without a due time is on time whenever it is kept), *kept late* after it, or *broken*.
Over a period, the promises that count are those **due** in it (or made in it, when they
have no due time). The scorecard's figures:

* kept: kept / (kept + broken), the promises resolved so far;
* on time: kept on time / kept;
* uptime: kept on time / every promise that came due in the period up to now (a promise
  still open after its due time counts against it, as a broken one does), shown like an
  availability figure (99.97%).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from typing import Any

from salestrack.clients.refs import client, required_text
from salestrack.errors import Conflict, InvalidInput
from salestrack.store import lookup
from salestrack.store.sql import Store, uid, when, within

TABLES = {"promise": "promises", "initiative": "initiatives"}


def period(
    quarter: str | None, start: datetime | None, end: datetime | None, *, now: datetime, tz: tzinfo
) -> tuple[datetime, datetime, str]:
    """The period a scorecard covers: a quarter (2026Q4), a range, or this quarter."""
    if quarter is not None:
        m = re.fullmatch(r"\s*(\d{4})\s*-?\s*[qQ]([1-4])\s*", quarter)
        if m is None:
            raise InvalidInput("--quarter", f"'{quarter}' is not a quarter; write it like 2026Q4")
        year, q = int(m.group(1)), int(m.group(2))
    elif start is not None or end is not None:
        first = start or datetime(1970, 1, 1, tzinfo=tz)
        last = end or now
        if last <= first:
            raise InvalidInput("--to", "must be after --from")
        from salestrack.dates import last_day

        label = f"{first.astimezone(tz):%d %b %Y} to {last_day(last, tz):%d %b %Y}"
        return first, last, label
    else:
        local = now.astimezone(tz)
        year, q = local.year, (local.month - 1) // 3 + 1
    first_day = date(year, 3 * (q - 1) + 1, 1)
    next_day = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return (
        datetime.combine(first_day, time(0), tz),
        datetime.combine(next_day, time(0), tz),
        f"{year}Q{q}",
    )


def find_row(
    reader: Store, table: str, typed: str, what: str, columns: tuple[str, ...]
) -> tuple[uuid.UUID, dict[str, Any]]:
    """A row by its id or a unique start of it (4 or more hex digits): its id and the named
    ``columns``."""
    from salestrack.store import lookup

    row = lookup.by_id(
        reader, table, ", ".join(("id", *columns)), typed, what=what,
        hint=f"salestrack {what} list",
    )  # fmt: skip
    return uid(row[0]), dict(zip(columns, row[1:], strict=True))


@dataclass
class PromiseLine:
    id: uuid.UUID
    client: str
    text: str
    made_at: datetime
    due_at: datetime | None
    status: str
    resolved_at: datetime | None

    @property
    def on_time(self) -> bool | None:
        if self.status != "kept" or self.resolved_at is None:
            return None
        return self.due_at is None or self.resolved_at <= self.due_at

    def state(self, now: datetime) -> str:
        if self.status == "kept":
            return "kept on time" if self.on_time else "kept late"
        if self.status == "broken":
            return "broken"
        return "overdue" if self.due_at is not None and self.due_at < now else "open"

    def as_row(self, now: datetime) -> dict[str, Any]:
        return {
            "id": self.id,
            "client": self.client,
            "text": self.text,
            "made_at": self.made_at,
            "due_at": self.due_at,
            "state": self.state(now),
            "resolved_at": self.resolved_at,
        }


def promises(
    reader: Store,
    *,
    prospect_id: uuid.UUID | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[PromiseLine]:
    """Promises (of one client), those due (or made, without a due time) in the period."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if prospect_id is not None:
        where.append("r.prospect_id = :pid")
        params["pid"] = prospect_id
    where += within("COALESCE(r.due_at, r.made_at)", start, end, params)
    sql = (
        "SELECT r.id, p.name, r.text, r.made_at, r.due_at, r.status, r.resolved_at "
        "FROM promises r JOIN prospects p ON p.id = r.prospect_id"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY COALESCE(r.due_at, r.made_at), r.id"
    return [
        PromiseLine(uid(i), c, t, when(m) or datetime.min, when(d), s, when(r))
        for i, c, t, m, d, s, r in reader.rows(sql, **params)
    ]


@dataclass
class Scorecard:
    client: str
    stage: str
    label: str
    start: datetime
    end: datetime
    promises: list[PromiseLine]
    successes: list[dict[str, Any]]
    lessons: list[dict[str, Any]]
    initiatives: list[dict[str, Any]]
    activity: dict[str, int]
    last_touch: datetime | None
    crc: list[dict[str, Any]] = field(default_factory=list)
    grid: Any = None  # the report card's months by behaviours (clients/crc.py: Grid)
    # response times in the client's email threads (reports/replies.py): the period's, by
    # whose reply, then each ISO week's that had an answer
    replies: dict[str, Any] = field(default_factory=dict)

    def figures(self, now: datetime) -> dict[str, Any]:
        states = [p.state(now) for p in self.promises]
        kept = sum(s.startswith("kept") for s in states)
        broken = states.count("broken")
        on_time = states.count("kept on time")
        overdue = states.count("overdue")
        due_so_far = kept + broken + overdue
        return {
            "promises": len(states),
            "kept": kept,
            "kept_on_time": on_time,
            "kept_late": kept - on_time,
            "broken": broken,
            "open": states.count("open"),
            "overdue": overdue,
            "kept_rate": round(kept / (kept + broken), 4) if kept + broken else None,
            "on_time_rate": round(on_time / kept, 4) if kept else None,
            "uptime": round(on_time / due_so_far, 6) if due_so_far else None,
            "successes": len(self.successes),
            "lessons": len(self.lessons),
            "initiatives_open": sum(i["status"] == "open" for i in self.initiatives),
            "initiatives_done": sum(i["status"] == "done" for i in self.initiatives),
        }


def scorecard(
    reader: Store, typed: str, *, start: datetime, end: datetime, label: str
) -> Scorecard:
    ref = lookup.find_prospect(reader, typed)
    stage_row = reader.one("SELECT stage FROM prospects WHERE id = :id", id=ref.id)
    window = {"id": ref.id, "s": start, "e": end}
    successes = [
        {"text": t, "delivered_at": when(d)}
        for t, d in reader.rows(
            "SELECT text, delivered_at FROM successes WHERE prospect_id = :id "
            "AND delivered_at >= :s AND delivered_at < :e ORDER BY delivered_at",
            **window,
        )
    ]
    lessons = [
        {"text": t, "change": c, "learned_at": when(d)}
        for t, c, d in reader.rows(
            "SELECT text, change, learned_at FROM lessons WHERE prospect_id = :id "
            "AND learned_at >= :s AND learned_at < :e ORDER BY learned_at",
            **window,
        )
    ]
    initiatives = [
        {"text": t, "status": st, "started_at": when(a), "done_at": when(d)}
        for t, st, a, d in reader.rows(
            "SELECT text, status, started_at, done_at FROM initiatives WHERE prospect_id = :id "
            "AND started_at < :e AND (done_at IS NULL OR done_at >= :s) ORDER BY started_at",
            **window,
        )
    ]
    activity = {
        k: int(n)
        for k, n in reader.rows(
            "SELECT kind, count(*) FROM activities WHERE prospect_id = :id "
            "AND occurred_at >= :s AND occurred_at < :e GROUP BY kind ORDER BY kind",
            **window,
        )
    }
    last = reader.one(
        "SELECT max(occurred_at) FROM activities WHERE prospect_id = :id AND occurred_at < :e",
        **window,
    )
    from salestrack.clients import crc

    months = crc.months_between(start, end)
    graded = crc.grid(reader, ref.id, months)
    card = Scorecard(
        client=ref.name,
        stage=str(stage_row[0]) if stage_row else "",
        label=label,
        start=start,
        end=end,
        promises=promises(reader, prospect_id=ref.id, start=start, end=end),
        successes=successes,
        lessons=lessons,
        initiatives=initiatives,
        activity=activity,
        last_touch=when(last[0]) if last else None,
        crc=crc.summarise(graded, months),
        grid=graded,
        replies=reply_times(reader, ref.id, start=start, end=end),
    )
    return card


def previous(
    start: datetime, end: datetime, label: str, *, tz: tzinfo
) -> tuple[datetime, datetime, str]:
    """The period before: the quarter before a quarter (2026Q3 before 2026Q4), else as long
    a period ending where this one starts."""
    m = re.fullmatch(r"(\d{4})Q([1-4])", label)
    if m is not None:
        year, q = int(m.group(1)), int(m.group(2))
        year, q = (year - 1, 4) if q == 1 else (year, q - 1)
        return period(f"{year}Q{q}", None, None, now=start, tz=tz)
    first = start - (end - start)
    from salestrack.dates import last_day

    return first, start, f"{first.astimezone(tz):%d %b %Y} to {last_day(start, tz):%d %b %Y}"


@dataclass
class Qbr:
    """What a quarterly business review is shown: the scorecard, the one before it, and who
    signs it (the settings ``rep_name`` and ``company_name``; None when not set)."""

    card: Scorecard
    before: Scorecard
    rep: str | None
    company: str | None

    def document(self, now: datetime) -> dict[str, Any]:
        """This period's figures against the previous one's, for the JSON and the page."""
        this, then = self.card.figures(now), self.before.figures(now)
        return {
            "period": self.before.label,
            "from": self.before.start,
            "to": self.before.end,
            **then,
            "share_a": share_a(self.before),
            "grades": grades(self.before)[1],
        } | {"change": {k: _change(this.get(k), then.get(k)) for k in COMPARED}}


COMPARED = ("kept_rate", "on_time_rate", "uptime", "successes", "lessons", "initiatives_done")


def _change(now_v: Any, then_v: Any) -> Any:
    if now_v is None or then_v is None:
        return None
    return round(now_v - then_v, 6)


def grades(card: Scorecard) -> tuple[int, int]:
    """The A grades and all the grades of the period's report cards."""
    g = card.grid
    if g is None:
        return 0, 0
    return sum(g.count(m, "A") for m in g.months), sum(g.graded(m) for m in g.months)


def share_a(card: Scorecard) -> float | None:
    """The share of A over every grade of the period."""
    a, n = grades(card)
    return round(a / n, 4) if n else None


def qbr(
    reader: Store, typed: str, *, start: datetime, end: datetime, label: str, tz: tzinfo
) -> Qbr:
    """The scorecard of the period, the previous period's, and the names it is signed with."""
    from salestrack.store import settings

    card = scorecard(reader, typed, start=start, end=end, label=label)
    s, e, was = previous(start, end, label, tz=tz)
    before = scorecard(reader, typed, start=s, end=e, label=was)
    return Qbr(
        card, before, settings.name(reader, "rep_name"), settings.name(reader, "company_name")
    )


def reply_times(
    reader: Store, prospect_id: Any, *, start: datetime, end: datetime
) -> dict[str, Any]:
    """The client's response times in the period and in each of its ISO weeks (your local
    weeks) that had an answer: median, worst and how many answered, for each side."""
    from salestrack import dates
    from salestrack.figures import ResponseTime
    from salestrack.reports import replies

    found = replies.answers(reader, start=start, end=end, prospect_id=prospect_id)
    sides = (("yours", ResponseTime.YOURS), ("theirs", ResponseTime.THEIRS))
    tz = dates.local_tz()
    weeks: dict[str, list[Any]] = {}
    for a in found:
        iso = a.answered_at.astimezone(tz).isocalendar()
        weeks.setdefault(f"{iso.year}-W{iso.week:02d}", []).append(a)
    return {
        **{key: replies.times(found, whose).row() for key, whose in sides},
        "weeks": [
            {"week": label, **{key: replies.times(rows, whose).row() for key, whose in sides}}
            for label, rows in sorted(weeks.items())
        ],
    }


# -- the commands' use cases: each takes a Store inside the caller's transaction ------------


@dataclass(frozen=True)
class Added:
    """A promise, success, lesson or initiative written: for whom, and its id."""

    client: str
    id: uuid.UUID


@dataclass(frozen=True)
class Resolved:
    """A promise marked kept or broken, or an initiative marked done."""

    id: uuid.UUID
    text: str
    state: str  # "kept on time", "kept late", "broken", "done"


def _add(
    store: Store, table: str, typed: str, values: dict[str, Any], *, owner: str, now: datetime
) -> Added:
    ref = client(store, typed)
    row_id = uuid.uuid4()
    row = {"id": row_id, "owner": owner, "created_at": now, "updated_at": now}
    store.insert(table, {**row, "prospect_id": ref.id, **values})
    return Added(ref.name, row_id)


def add_promise(
    store: Store,
    typed: str,
    text: str,
    *,
    made_at: datetime,
    due_at: datetime | None,
    owner: str,
    now: datetime,
) -> Added:
    values = {
        "text": required_text("TEXT", text),
        "made_at": made_at,
        "due_at": due_at,
        "status": "open",
    }
    return _add(store, "promises", typed, values, owner=owner, now=now)


def add_success(
    store: Store, typed: str, text: str, *, delivered_at: datetime, owner: str, now: datetime
) -> Added:
    values = {"text": required_text("TEXT", text), "delivered_at": delivered_at}
    return _add(store, "successes", typed, values, owner=owner, now=now)


def add_lesson(
    store: Store,
    typed: str,
    text: str,
    *,
    change: str | None,
    learned_at: datetime,
    owner: str,
    now: datetime,
) -> Added:
    values = {"text": required_text("TEXT", text), "change": change, "learned_at": learned_at}
    return _add(store, "lessons", typed, values, owner=owner, now=now)


def add_initiative(
    store: Store, typed: str, text: str, *, started_at: datetime, owner: str, now: datetime
) -> Added:
    values = {"text": required_text("TEXT", text), "status": "open", "started_at": started_at}
    return _add(store, "initiatives", typed, values, owner=owner, now=now)


def _not_before(at: datetime, start: datetime | None, what: str, done: str) -> None:
    """Refuse a promise or initiative resolved (``at``) before it began (``start``)."""
    if start is not None and at < start:
        from salestrack.output.show import when as shown

        raise InvalidInput("--at", f"{what} on {shown(start)}; it can't be {done} before that")


def resolve_promise(
    store: Store, typed: str, status: str, *, at: datetime, now: datetime, note: str | None
) -> Resolved:
    """Mark the promise whose id starts with ``typed`` kept or broken (it must be open)."""
    row_id, line = find_row(
        store, "promises", typed, "promise", ("text", "made_at", "due_at", "status")
    )
    if line["status"] != "open":
        raise Conflict(f"that promise is already {line['status']}; nothing changed")
    _not_before(at, when(line["made_at"]), "the promise was made", "kept or broken")
    changes: dict[str, Any] = {"status": status, "resolved_at": at, "updated_at": now}
    if note:
        changes["notes"] = note
    store.update("promises", row_id, changes)
    due = when(line["due_at"])
    state = status
    if status == "kept":
        state = "kept on time" if due is None or at <= due else "kept late"
    return Resolved(row_id, line["text"], state)


def finish_initiative(store: Store, typed: str, *, at: datetime, now: datetime) -> Resolved:
    """Mark the initiative whose id starts with ``typed`` done (it must be open)."""
    row_id, row = find_row(
        store, "initiatives", typed, "initiative", ("text", "status", "started_at")
    )
    if row["status"] != "open":
        raise Conflict(f"that initiative is already {row['status']}; nothing changed")
    _not_before(at, when(row["started_at"]), "the initiative was started", "done")
    store.update("initiatives", row_id, {"status": "done", "done_at": at, "updated_at": now})
    return Resolved(row_id, row["text"], "done")


def list_promises(
    store: Store,
    typed: str | None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[PromiseLine]:
    """Every promise, or one client's, soonest due first; with ``since``/``until``, those due
    (or made, without a due time) in that period, as the scorecard counts them."""
    pid = lookup.find_prospect(store, typed).id if typed else None
    return promises(store, prospect_id=pid, start=since, end=until)
