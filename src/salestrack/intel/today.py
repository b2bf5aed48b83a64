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


def _section(store: Store, table: str, text: str, where: str, order: str, **params: Any) -> Section:
    """The first SHOWN rows of ``table`` (as ``t``) that ``where`` keeps, in ``order``, each
    with its prospect's name, its ``text`` column and due time; and how many there are,
    counted from the table's own index (every row has its prospect: a foreign key)."""
    found = store.rows(
        f"SELECT p.name, t.{text}, t.due_at FROM {table} t JOIN prospects p "
        f"ON p.id = t.prospect_id WHERE {where} ORDER BY {order} LIMIT {SHOWN}",
        **params,
    )
    items = [Item(name, said, when(due)) for name, said, due in found]
    total = len(items)
    if total == SHOWN:
        total = int(store.scalar(f"SELECT count(*) FROM {table} t WHERE {where}", **params) or 0)
    return Section(items, total)


def build(store: Store, *, now: datetime, tz: tzinfo, queue: int = 3) -> Today:
    local = now.astimezone(tz)
    start = _midnight(local.date(), tz)
    end = _midnight(local.date() + timedelta(days=1), tz)
    week_end = _midnight(local.date() + timedelta(days=7 - local.weekday()), tz)
    steps, open_ = "next_steps", "t.done_at IS NULL"
    overdue = _section(
        store, steps, "action", f"{open_} AND t.due_at < :now", "t.due_at DESC", now=now
    )
    due = _section(store, steps, "action", f"{open_} AND t.due_at >= :now AND t.due_at < :end",
                   "t.due_at", now=now, end=end)  # fmt: skip
    promises = _section(store, "promises", "text", "t.status = 'open' AND t.due_at < :end",
                        "t.due_at", end=week_end)  # fmt: skip
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
