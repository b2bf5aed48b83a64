"""``salestrack today``: the morning screen. What is overdue and due, what is booked, the
promises due this week, who to call next, the day's numbers so far against the usual for
this time of day, and the day's focus. Stdlib only; every query is a LIMIT or a window.
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, NamedTuple

from salestrack import figures as definitions
from salestrack.store.sql import Store, when

if TYPE_CHECKING:
    from salestrack.intel.call_queue import Candidate

SHOWN = 5  # rows a section shows (its count says how many there are)
USUAL_DAYS = 20  # the working days (days with a dial) the usual is the median of
LOOK_BACK = 31  # calendar days searched for them


# NamedTuples, not dataclasses: the daily commands' start-up (docs/architecture.md)
class Item(NamedTuple):
    prospect: str
    text: str
    due_at: datetime | None

    def as_row(self) -> dict[str, Any]:
        return {"prospect": self.prospect, "text": self.text, "due_at": self.due_at}


class Section(NamedTuple):
    items: list[Item]
    total: int  # every one there is, beyond the SHOWN


class Figure(NamedTuple):
    name: str
    so_far: int
    usual: float | None  # the median by this time on the recent working days
    days: int  # how many days the usual rests on


class Today(NamedTuple):
    now: datetime
    overdue: Section
    due: Section  # later today: calls and meetings booked, other steps due
    promises: Section
    queue: list[Candidate]
    figures: list[Figure]
    focus: str | None = None


def _midnight(day: Any, tz: tzinfo) -> datetime:
    return datetime.combine(day, datetime.min.time(), tz)


def _steps(store: Store, where: str, order: str, **params: Any) -> Section:
    open_ = f"n.done_at IS NULL AND {where}"
    found = store.rows(
        "SELECT p.name, n.action, n.due_at FROM next_steps n "
        f"JOIN prospects p ON p.id = n.prospect_id WHERE {open_} ORDER BY {order} LIMIT {SHOWN}",
        **params,
    )
    items = [Item(name, action, when(due)) for name, action, due in found]
    count = len(items)
    if count == SHOWN:  # every step has its prospect (a foreign key): counted from the index
        count = int(store.scalar(f"SELECT count(*) FROM next_steps n WHERE {open_}", **params) or 0)
    return Section(items, count)


def build(store: Store, *, now: datetime, tz: tzinfo, queue: int = 3) -> Today:
    local = now.astimezone(tz)
    start = _midnight(local.date(), tz)
    end = _midnight(local.date() + timedelta(days=1), tz)
    week_end = _midnight(local.date() + timedelta(days=7 - local.weekday()), tz)
    overdue = _steps(store, "n.due_at < :now", "n.due_at DESC", now=now)
    due = _steps(store, "n.due_at >= :now AND n.due_at < :end", "n.due_at", now=now, end=end)
    promised = store.rows(
        "SELECT p.name, r.text, r.due_at FROM promises r JOIN prospects p ON p.id = r.prospect_id "
        f"WHERE r.status = 'open' AND r.due_at < :end ORDER BY r.due_at LIMIT {SHOWN}",
        end=week_end,
    )
    promised_count = len(promised)
    if promised_count == SHOWN:
        promised_count = int(
            store.scalar(
                "SELECT count(*) FROM promises WHERE status = 'open' AND due_at < :end",
                end=week_end,
            )
            or 0
        )
    promises = Section([Item(n, t, when(d)) for n, t, d in promised], promised_count)
    from salestrack.reports import focus

    chosen = focus.focus(store, now=now)
    return Today(
        now=now,
        overdue=overdue,
        due=due,
        promises=promises,
        queue=_queue(store, now=now, tz=tz, limit=queue),
        figures=figures(store, now=now, start=start, tz=tz),
        focus=None if chosen is None else chosen.describe(),
    )


def _queue(store: Store, *, now: datetime, tz: tzinfo, limit: int) -> list[Candidate]:
    """The top of ``salestrack next``'s ranking (its own rule)."""
    if not limit:
        return []
    from salestrack.intel import call_queue

    return call_queue.rank(store, now=now, tz=tz, limit=limit)


def figures(store: Store, *, now: datetime, start: datetime, tz: tzinfo) -> list[Figure]:
    """Today's dials, conversations and wins so far, each against its usual by this time:
    the median over the last working days (days with a dial) of the count by the same
    local clock time.

    The window's calls and wins come back as their stored times and are put into days by
    comparing them with each day's bounds in the same stored form (no time is parsed).
    """
    elapsed = now - start
    days = [_midnight(start.date() - timedelta(days=n), tz) for n in range(LOOK_BACK, -1, -1)]
    bounds = [store.value(d) for d in days]  # oldest first, today last
    parts = [store.value(d + elapsed) for d in days]
    calls = store.rows(  # dials and conversations, as salestrack.figures defines them
        f"SELECT occurred_at, CASE WHEN {definitions.CONVERSATION.sql()} THEN 1 ELSE 0 END "
        f"FROM activities WHERE {definitions.DIAL.sql()} "
        "AND occurred_at >= :lo AND occurred_at <= :now",
        lo=days[0],
        now=now,
    )
    won = store.rows("SELECT won_at FROM wins WHERE won_at >= :lo AND won_at <= :now",
                     lo=days[0], now=now)  # fmt: skip
    n = len(days)
    dialled, dials, talks, wins = [0] * n, [0] * n, [0] * n, [0] * n
    for at, talk in calls:
        day = bisect_right(bounds, at) - 1
        dialled[day] += 1
        if at <= parts[day]:
            dials[day] += 1
            talks[day] += talk
    for (at,) in won:
        day = bisect_right(bounds, at) - 1
        wins[day] += at <= parts[day]
    worked = [d for d in range(n - 2, -1, -1) if dialled[d]][:USUAL_DAYS]

    def figure(name: str, counts: list[int]) -> Figure:
        past = [counts[d] for d in worked]
        usual = statistics.median(past) if len(past) >= 3 else None
        return Figure(name, counts[-1], usual, len(past))

    return [figure("dials", dials), figure("conversations", talks), figure("wins", wins)]
