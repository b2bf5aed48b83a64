"""The activity journal: ``activity list`` (a window of days, newest first), ``activity show``
(everything one capture wrote) and ``activity rm`` (the undo of one activity, by id).

Stdlib only: ``activity list --today`` is typed every evening and must start fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from salestrack import vocab
from salestrack.capture import activities, tags
from salestrack.errors import NotFound, UsageError
from salestrack.store import lookup
from salestrack.store.sql import Store, uid, when, when_set, within

#: The columns of ``activity list -f csv|json``: the export's (docs/export.md), with the
#: contact's name after ``contact_id`` and the tags (the activity's and its prospect's) last.
COLUMNS = (
    "id", "owner", "created_at", "updated_at", "prospect_id", "prospect", "contact_id",
    "contact", "kind", "occurred_at", "duration_s", "direction", "reached", "outcome", "notes",
    "objective", "objective_met", "source_key", "thread_key", "tags",
)  # fmt: skip
_SELECT = (
    "a.id, a.owner, a.created_at, a.updated_at, a.prospect_id, p.name, a.contact_id, c.name, "
    "a.kind, a.occurred_at, a.duration_s, a.direction, a.reached, a.outcome, a.notes, "
    "a.objective, a.objective_met, a.source_key, a.thread_key"
)
_FROM = (
    "FROM activities a JOIN prospects p ON p.id = a.prospect_id "
    "LEFT JOIN contacts c ON c.id = a.contact_id"
)
_TIMES = ("created_at", "updated_at", "occurred_at")
_IDS = ("id", "prospect_id", "contact_id")


def window(
    *,
    since: datetime | None,
    until: datetime | None,
    today: bool,
    week: bool,
    month: bool,
    now: datetime,
    tz: tzinfo,
) -> tuple[datetime | None, datetime | None, str]:
    """The period asked for, as (start, end, label); a day means the local calendar day,
    a week Monday to Monday, a month the calendar month."""
    chosen = sum((today, week, month, since is not None or until is not None))
    if chosen > 1:
        raise UsageError("choose one of --today, --week, --month and --since/--until")
    local = now.astimezone(tz)
    midnight = datetime.combine(local.date(), datetime.min.time(), tz)
    if today:
        return midnight, _next_day(midnight, tz), "today"
    if week:
        start = datetime.combine(
            local.date() - timedelta(days=local.weekday()), datetime.min.time(), tz
        )
        return (
            start,
            datetime.combine(start.date() + timedelta(days=7), datetime.min.time(), tz),
            "this week",
        )
    if month:
        first = local.date().replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        start = datetime.combine(first, datetime.min.time(), tz)
        return start, datetime.combine(following, datetime.min.time(), tz), "this month"
    if since is not None and until is not None and until <= since:
        raise UsageError("--until: must be after --since")
    return since, until, ""


def _next_day(midnight: datetime, tz: tzinfo) -> datetime:
    return datetime.combine(midnight.date() + timedelta(days=1), datetime.min.time(), tz)


@dataclass
class Listing:
    rows: list[dict[str, Any]]
    total: int  # every activity that matched, beyond the limit too
    days: dict[str, dict[str, int]] = field(default_factory=dict)  # day -> kind -> count


def listing(
    store: Store,
    *,
    prospect: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    kinds: list[str] | None = None,
    outcome: str | None = None,
    tag: str | None = None,
    limit: int | None = 200,
    tz: tzinfo | None = None,
) -> Listing:
    """Activities newest first (through the time indexes, so a window costs what it holds);
    with ``tz``, the count of each local day shown, by kind, with the same filters."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if prospect is not None:
        where.append("a.prospect_id = :pid")
        params["pid"] = lookup.find_prospect(store, prospect).id
    where += within("a.occurred_at", since, until, params)
    if kinds:
        marks = ", ".join(f":k{n}" for n in range(len(kinds)))
        where.append(f"a.kind IN ({marks})")
        params.update({f"k{n}": k for n, k in enumerate(kinds)})
    if outcome is not None:
        allowed = tuple(dict.fromkeys(o for k in (kinds or vocab.KINDS) for o in vocab.OUTCOMES[k]))
        params["outcome"] = vocab.choose("--outcome", outcome, allowed, what="outcome")
        where.append("a.outcome = :outcome")
    if tag is not None:
        name = tags.known(store, tag, "--tag")
        where.append(tags.activity_filter("a", ":tag"))
        params["tag"] = name
    sql = f"SELECT {_SELECT} {_FROM}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY a.occurred_at DESC, a.id DESC"
    found = store.rows(
        sql + (" LIMIT :limit" if limit else ""), **params, **({"limit": limit} if limit else {})
    )
    rows = [_row(r) for r in found]
    on = tags.of_activities(store, [(r["id"], r["prospect_id"]) for r in rows])
    for r in rows:
        r["tags"] = " ".join(on.get(r["id"], ()))
    total = len(rows)
    counted = "SELECT count(*) FROM activities a" + (
        " WHERE " + " AND ".join(where) if where else ""
    )
    if limit and total == limit:
        total = int(store.scalar(counted, **params) or 0)
    days: dict[str, dict[str, int]] = {}
    if tz is not None:  # each day's own count, beyond the limit too
        for row in rows:
            day = day_of(row["occurred_at"], tz)
            if day in days:
                continue
            start = datetime.combine(date.fromisoformat(day), datetime.min.time(), tz)
            end = _next_day(start, tz)
            per_day = [*where, "a.occurred_at >= :day_start", "a.occurred_at < :day_end"]
            days[day] = {
                str(k): int(n)
                for k, n in store.rows(
                    "SELECT a.kind, count(*) FROM activities a WHERE "
                    + " AND ".join(per_day)
                    + " GROUP BY a.kind",
                    **params,
                    day_start=start,
                    day_end=end,
                )
            }
    return Listing(rows, total, days)


def _row(found: tuple[Any, ...]) -> dict[str, Any]:
    row = dict(zip(COLUMNS, found, strict=False))
    for name in _TIMES:
        row[name] = when(row[name])
    for name in _IDS:
        row[name] = None if row[name] is None else uid(row[name])
    if row["objective_met"] is not None:
        row["objective_met"] = bool(row["objective_met"])
    return row


@dataclass
class Detail:
    """One activity and everything its capture wrote."""

    activity: dict[str, Any]
    wins: list[dict[str, Any]] = field(default_factory=list)
    intel: list[dict[str, Any]] = field(default_factory=list)
    next_steps: list[dict[str, Any]] = field(default_factory=list)  # the ones it set
    closed: list[dict[str, Any]] = field(default_factory=list)  # the ones it completed
    stage_changes: list[dict[str, Any]] = field(default_factory=list)
    quality: dict[str, Any] | None = None


def detail(store: Store, typed: str) -> Detail:
    """The activity whose id is ``typed`` (or a unique start of it), with what it wrote."""
    found = activities.find(store, typed)
    row = store.one(f"SELECT {_SELECT} {_FROM} WHERE a.id = :a", a=found.id)
    if row is None:  # found a moment ago, in the same transaction
        raise NotFound(f"no activity has the id {typed}")
    activity = _row(row)
    activity["tags"] = " ".join(
        tags.of_activities(store, [(found.id, found.prospect_id)]).get(found.id, ())
    )
    a = found.id
    d = Detail(activity)
    d.wins = [
        {"text": t, "source": s, "won_at": when(w)}
        for t, s, w in store.rows(
            "SELECT text, source, won_at FROM wins WHERE activity_id = :a ORDER BY won_at, text",
            a=a,
        )
    ]
    d.intel = [
        {"kind": k, "value": v, "learned_at": when(at), "superseded_at": when(sup)}
        for k, v, at, sup in store.rows(
            "SELECT kind, value, learned_at, superseded_at FROM intel WHERE activity_id = :a "
            "ORDER BY learned_at, kind",
            a=a,
        )
    ]
    d.next_steps = [
        {"id": uid(i), "action": act, "due_at": when(due), "done_at": when(done)}
        for i, act, due, done in store.rows(
            "SELECT id, action, due_at, done_at FROM next_steps WHERE activity_id = :a "
            "ORDER BY created_at",
            a=a,
        )
    ]
    d.closed = [
        {"id": uid(i), "action": act, "due_at": when(due)}
        for i, act, due in store.rows(
            "SELECT id, action, due_at FROM next_steps WHERE done_by_activity_id = :a "
            "ORDER BY due_at",
            a=a,
        )
    ]
    d.stage_changes = [
        {"from_stage": f, "to_stage": t, "changed_at": when(at)}
        for f, t, at in store.rows(
            "SELECT from_stage, to_stage, changed_at FROM stage_changes WHERE activity_id = :a "
            "ORDER BY changed_at",
            a=a,
        )
    ]
    q = store.one(
        "SELECT value, uncovered, openness, commitment, uncovered_text FROM quality "
        "WHERE activity_id = :a",
        a=a,
    )
    if q is not None:
        d.quality = dict(zip((*vocab.QUALITY_DIMENSIONS, "uncovered_text"), q, strict=True))
    return d


def day_of(value: datetime, tz: tzinfo) -> str:
    """The local calendar day of a time, ``2026-11-20``: what the journal groups by."""
    return when_set(value).astimezone(tz).date().isoformat()


__all__ = ["COLUMNS", "Detail", "Listing", "day_of", "detail", "listing", "window"]
