"""``salestrack today``: the morning screen. What is overdue and due, what is booked, the
promises due this week, who to call next, the day's numbers so far against the usual for
this time of day, and the day's focus. Stdlib only; every query is a LIMIT or a window.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from salestrack.intel import call_queue
from salestrack.reports.baseline import CONVERSATION
from salestrack.store.sql import Store, when

SHOWN = 5  # rows a section shows (its count says how many there are)
USUAL_DAYS = 20  # the working days (days with a dial) the usual is the median of
LOOK_BACK = 42  # calendar days searched for them


@dataclass
class Item:
    prospect: str
    text: str
    due_at: datetime | None

    def as_row(self) -> dict[str, Any]:
        return {"prospect": self.prospect, "text": self.text, "due_at": self.due_at}


@dataclass
class Section:
    items: list[Item]
    count: int  # every one there is, beyond the SHOWN


@dataclass
class Figure:
    name: str
    so_far: int
    usual: float | None  # the median by this time on the recent working days
    days: int  # how many days the usual rests on


@dataclass
class Today:
    now: datetime
    overdue: Section
    due: Section  # later today: calls and meetings booked, other steps due
    promises: Section
    queue: list[call_queue.Candidate]
    figures: list[Figure] = field(default_factory=list)
    focus: str | None = None


def _midnight(day: Any, tz: tzinfo) -> datetime:
    return datetime.combine(day, datetime.min.time(), tz)


def _steps(store: Store, where: str, order: str, **params: Any) -> Section:
    base = "FROM next_steps n JOIN prospects p ON p.id = n.prospect_id WHERE n.done_at IS NULL AND "
    found = store.rows(
        f"SELECT p.name, n.action, n.due_at {base}{where} ORDER BY {order} LIMIT {SHOWN}", **params
    )
    items = [Item(name, action, when(due)) for name, action, due in found]
    count = len(items)
    if count == SHOWN:
        count = int(store.scalar(f"SELECT count(*) {base}{where}", **params) or 0)
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
    promises = Section([Item(n, t, when(d)) for n, t, d in promised], len(promised))
    if len(promised) == SHOWN:
        promises.count = int(
            store.scalar(
                "SELECT count(*) FROM promises WHERE status = 'open' AND due_at < :end",
                end=week_end,
            )
            or 0
        )
    from salestrack.reports import quality

    chosen = quality.focus(store, now=now)
    return Today(
        now=now,
        overdue=overdue,
        due=due,
        promises=promises,
        queue=call_queue.rank(store, now=now, tz=tz, limit=queue) if queue else [],
        figures=figures(store, now=now, start=start, tz=tz),
        focus=None if chosen is None else chosen.describe(),
    )


def figures(store: Store, *, now: datetime, start: datetime, tz: tzinfo) -> list[Figure]:
    """Today's dials, conversations and wins so far, each against its usual by this time:
    the median over the last working days (days with a dial) of the count by the same
    local clock time."""
    elapsed = now - start
    days = [
        _midnight(start.date() - timedelta(days=n), tz) for n in range(LOOK_BACK, -1, -1)
    ]  # oldest first, today last
    whole = " ".join(
        f"WHEN {{c}} >= :d{i} AND {{c}} < :d{i + 1} THEN {i}" for i in range(len(days) - 1)
    )
    params: dict[str, Any] = {f"d{i}": d for i, d in enumerate(days)}
    params["today_end"] = now
    parts = " OR ".join(f"({{c}} >= :d{i} AND {{c}} <= :p{i})" for i in range(len(days)))
    params.update({f"p{i}": d + elapsed for i, d in enumerate(days)})
    last = len(days) - 1
    bucket = f"CASE {whole} WHEN {{c}} >= :d{last} THEN {last} END"
    in_part = parts

    def grouped(table: str, column: str, extra: str, sums: str) -> dict[int, tuple[int, ...]]:
        sql = (
            f"SELECT {bucket.format(c=column)} AS d, count(*), "
            f"sum(CASE WHEN {in_part.format(c=column)} THEN 1 ELSE 0 END){sums} FROM {table} "
            f"WHERE {column} >= :d0 AND {column} <= :today_end{extra} GROUP BY 1"
        )
        return {
            int(r[0]): tuple(int(v or 0) for v in r[1:])
            for r in store.rows(sql, **params)
            if r[0] is not None
        }

    talked = ", ".join(f"'{o}'" for o in CONVERSATION)
    calls = grouped(
        "activities",
        "occurred_at",
        " AND kind = 'call'",
        f", sum(CASE WHEN ({in_part.format(c='occurred_at')}) AND reached = 'decision_maker' "
        f"AND outcome IN ({talked}) THEN 1 ELSE 0 END)",
    )
    wins = grouped("wins", "won_at", "", "")
    worked = [i for i in range(last - 1, -1, -1) if calls.get(i, (0,))[0] > 0][:USUAL_DAYS]

    def figure(name: str, so_far: int, past: list[int]) -> Figure:
        usual = statistics.median(past) if len(past) >= 3 else None
        return Figure(name, so_far, usual, len(past))

    today = calls.get(last, (0, 0, 0))
    return [
        figure("dials", today[1], [calls[i][1] for i in worked]),
        figure("conversations", today[2], [calls[i][2] for i in worked]),
        figure("wins", wins.get(last, (0, 0))[1], [wins.get(i, (0, 0))[1] for i in worked]),
    ]
