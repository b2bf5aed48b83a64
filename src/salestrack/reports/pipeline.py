"""The pipeline and its gaps.

A stage's usual duration is the median of the completed stays in it (see
:func:`salestrack.reports.baseline.stays`) that ended in the last :data:`USUAL_WEEKS`
weeks (:func:`usual_days`), shown with the stays it rests on. A prospect is *stalled* when
it has been in its stage longer than that (a usual of at least :data:`MIN_STAYS` stays) and
has no next step in the future; *waiting* when it has been there as long but
a next step is scheduled.

With a tag, the counts and the gaps are those of the prospects carrying it; a stage's usual
stay stays that of every prospect (the rep's own usual, which a tag of a few prospects could
not give with any sample), so "stalled" means the same with or without a tag.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from salestrack import vocab
from salestrack.store import settings
from salestrack.store.sql import Store, uid, when

USUAL_WEEKS = 26
#: Fewer completed stays than this make no usual to be stalled against (as in baseline).
MIN_STAYS = 5
DAY = 86400.0


def usual_days(reader: Store, stages: list[str], *, now: datetime) -> dict[str, float | None]:
    """Each stage's median completed stay in days (:func:`usual_stays` without the counts)."""
    return {s: days for s, (days, _) in usual_stays(reader, stages, now=now).items()}


def late_after(reader: Store, stages: list[str], *, now: datetime) -> dict[str, float | None]:
    """The usual days a prospect is late after: a stage's usual, when it rests on at least
    :data:`MIN_STAYS` stays (else None: too few to call anyone stalled)."""
    return {
        s: d if n >= MIN_STAYS else None
        for s, (d, n) in usual_stays(reader, stages, now=now).items()
    }


def usual_stays(
    reader: Store, stages: list[str], *, now: datetime
) -> dict[str, tuple[float | None, int]]:
    """Each stage's median completed stay and the number of stays it rests on: the median,
    in days, of the stays that ended in the last :data:`USUAL_WEEKS` weeks (that is, of
    :func:`salestrack.reports.baseline.stays` over that one window; ``tests/test_read_paths.py``
    holds them equal), read without the weekly buckets and with the stored times subtracted
    as they come."""
    stays: dict[str, list[float]] = {}
    for stage, entered, left in reader.rows(
        "SELECT c.from_stage, (SELECT max(p.changed_at) FROM stage_changes p "
        " WHERE p.prospect_id = c.prospect_id AND p.changed_at < c.changed_at), c.changed_at "
        "FROM stage_changes c WHERE c.changed_at >= :s AND c.changed_at < :e "
        "AND c.from_stage IS NOT NULL",
        s=now - timedelta(weeks=USUAL_WEEKS),
        e=now,
    ):
        if entered is not None:
            stays.setdefault(stage, []).append(_elapsed(entered, left) / DAY)
    return {s: (_median(stays[s]) if stays.get(s) else None, len(stays.get(s, []))) for s in stages}


def _elapsed(start: Any, end: Any) -> float:
    """Seconds from one stored time to another: SQLite's UTC text (both in the same fixed
    form, so read without a time zone) or a server's aware datetimes."""
    if isinstance(start, str):
        return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
    return float((end - start).total_seconds())


def _median(values: list[float]) -> float:
    """:func:`statistics.median` (the same arithmetic), without importing statistics."""
    data = sorted(values)
    half = len(data) // 2
    return data[half] if len(data) % 2 else (data[half - 1] + data[half]) / 2


@dataclass
class Line:
    name: str
    stage: str
    value: float | None
    days_in_stage: float | None
    next_step: str | None
    due_at: datetime | None
    gaps: list[str]

    def as_row(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "stage": self.stage,
            "value": self.value,
            "days_in_stage": None if self.days_in_stage is None else round(self.days_in_stage, 1),
            "next_step": self.next_step,
            "due_at": self.due_at,
            "gaps": ", ".join(self.gaps),
        }


_CLOSED = ("won", "lost")
_OPEN = "p.stage NOT IN ('won', 'lost')"
# the open prospects as three ranges of the index on the stages, around the closed ones
_OPEN_RANGES = ("p.stage < 'lost'", "p.stage > 'lost' AND p.stage < 'won'", "p.stage > 'won'")


def _open_count(tagged: str = "") -> str:
    """SQL counting the open prospects (narrowed by ``tagged``) from the index on the stages."""
    return "SELECT " + " + ".join(
        f"(SELECT count(*) FROM prospects p WHERE {where}{tagged})" for where in _OPEN_RANGES
    )


def _tagged(tag: str | None) -> tuple[str, dict[str, Any]]:
    """SQL narrowing the prospects ``p`` to those carrying ``tag`` (nothing without one)."""
    if tag is None:
        return "", {}
    from salestrack.capture import tags

    return " AND " + tags.prospect_filter("p.id", ":tag"), {"tag": tag}


_HAS_STEP = "p.id IN (SELECT prospect_id FROM next_steps WHERE done_at IS NULL)"
_OVERDUE = "p.id IN (SELECT prospect_id FROM next_steps WHERE done_at IS NULL AND due_at < :now)"


def _late(usual: dict[str, float | None], now: datetime) -> tuple[str, dict[str, Any]]:
    """SQL that is true for a prospect in its stage longer than the stage's usual days.

    ``stage_since`` is kept on the prospect by a trigger (revision 0006), so this reads no
    stage history."""
    parts: list[str] = []
    params: dict[str, Any] = {}
    for i, (stage, days) in enumerate(sorted(usual.items())):
        if days is None:
            continue
        parts.append(f"WHEN :st{i} THEN p.stage_since < :lt{i}")
        params[f"st{i}"], params[f"lt{i}"] = stage, now - timedelta(days=days)
    if not parts:
        return "0 = 1", params
    return f"(p.stage_since IS NOT NULL AND CASE p.stage {' '.join(parts)} ELSE 0 = 1 END)", params


def _stepped(
    reader: Store, late: str, params: dict[str, Any], now: datetime, tagged: str = ""
) -> dict[Any, tuple[str, bool, bool]]:
    """The open prospects with an open next step (a few, against every open prospect): each
    one's stage, whether it is late in it and whether a step is overdue."""
    found: dict[Any, tuple[str, bool, bool]] = {}
    for pid, stage, is_late, overdue in reader.rows(
        f"SELECT p.id, p.stage, CASE WHEN {late} THEN 1 ELSE 0 END, "
        "CASE WHEN n.due_at < :now THEN 1 ELSE 0 END "
        "FROM next_steps n JOIN prospects p ON p.id = n.prospect_id "
        f"WHERE n.done_at IS NULL AND {_OPEN}{tagged}",
        now=now,
        **params,
    ):
        held = found.get(pid)
        found[pid] = (stage, bool(is_late), bool(overdue) or (held is not None and held[2]))
    return found


def gap_lines(
    reader: Store, *, now: datetime, limit: int | None = None, tag: str | None = None
) -> tuple[list[Line], int, dict[str, float | None]]:
    """The open prospects with a gap (of those carrying ``tag``), by name (the first
    ``limit``), how many there are in all, and each stage's usual days."""
    stages = settings.stages(reader)
    usual = late_after(reader, stages, now=now)
    late, params = _late(usual, now)
    tagged, scoped = _tagged(tag)
    params.update(scoped)
    gap = f"(NOT {_HAS_STEP} OR {_OVERDUE} OR {late})"
    where = f"WHERE {_OPEN}{tagged} AND {gap}"
    page = "" if limit is None else f" LIMIT {int(limit)}"
    rows = reader.rows(
        f"SELECT p.id, p.name, p.stage, p.value, p.stage_since FROM prospects p {where} "
        f"ORDER BY p.name_key{page}",
        now=now,
        **params,
    )
    total = len(rows)
    if limit is not None and total >= limit:
        # every open prospect but those with a step ahead and on time (a few): counted from
        # the index on the stages, not by testing each open prospect for a gap
        opened = int(reader.scalar(_open_count(tagged), **scoped))
        stepped = _stepped(reader, late, params, now, tagged)
        kept = sum(1 for _, is_late, overdue in stepped.values() if not is_late and not overdue)
        total = opened - kept
    from salestrack.capture.steps import open_steps

    if limit is None:
        soonest = open_steps(reader)
    else:  # a page: only its prospects' steps (by the same rule, one prospect at a time)
        soonest = {}
        for row in rows:
            soonest.update(open_steps(reader, uid(row[0])))
    steps = {pid: (step.action, step.due_at) for pid, step in soonest.items()}
    return [_line(r, steps, usual, now) for r in rows], total, usual


def _line(
    row: tuple[Any, ...],
    steps: dict[uuid.UUID, tuple[str, datetime | None]],
    usual: dict[str, float | None],
    now: datetime,
) -> Line:
    pid, name, stage, value, since = row
    action, due_at = steps.get(uid(pid), (None, None))
    entered = when(since)
    days = None if entered is None else (now - entered).total_seconds() / DAY
    gaps = []
    if action is None:
        gaps.append("no next step")
    elif due_at is not None and due_at < now:
        gaps.append("overdue")
    limit = usual.get(stage)
    if days is not None and limit is not None and days > limit:
        future = action is not None and (due_at is None or due_at >= now)
        gaps.append("waiting" if future else "stalled")
    return Line(name, stage, value, days, action, due_at, gaps)


def _totals(reader: Store, tagged: str = "", **scoped: Any) -> dict[str, tuple[int, Any]]:
    """Each open stage's prospects and the sum of their values.

    A sum of floats can depend on the order it is added in. SQLite adds a stage's values in
    table order; from the stage index (which holds the values) the order is another, so its
    sums are taken only when they are exact whatever the order (every value a whole number
    and the sum of their sizes below 2**53: every partial sum is then a whole number a double
    holds exactly), and otherwise read again in table order, as ever. A server's sums never
    had an order to keep."""
    if not reader.sqlite:
        return {
            stage: (n, total)
            for stage, n, total in reader.rows(
                f"SELECT p.stage, count(*), sum(p.value) FROM prospects p WHERE {_OPEN}{tagged} "
                "GROUP BY p.stage",
                **scoped,
            )
        }
    found = reader.rows(
        " UNION ALL ".join(
            "SELECT p.stage, count(*), sum(p.value), sum(abs(p.value)), "
            "count(p.value) - sum(p.value = CAST(p.value AS INTEGER)) "
            f"FROM prospects p WHERE {where}{tagged} GROUP BY p.stage"
            for where in _OPEN_RANGES
        ),
        **scoped,
    )
    if all(not fraction and (size or 0) < 2**53 for *_, size, fraction in found):
        return {stage: (n, total) for stage, n, total, _, _ in found}
    return {
        stage: (n, total)
        for stage, n, total in reader.rows(
            "SELECT p.stage, count(*), sum(p.value) FROM prospects p NOT INDEXED "
            f"WHERE {_OPEN}{tagged} GROUP BY p.stage",
            **scoped,
        )
    }


def by_stage(reader: Store, *, now: datetime, tag: str | None = None) -> list[dict[str, Any]]:
    """Prospects, value and gaps per open stage (of those carrying ``tag``), counted by the
    database.

    Three small reads instead of testing every open prospect for every gap: the prospects
    and value per stage; per stage, how many have been in it longer than usual (a range of
    the index on stage and stage_since); and the few prospects with an open step, from
    which the rest follows (no next step: the others; stalled: the late ones less those
    waiting on a step that is on time).
    """
    stages = settings.stages(reader)
    sampled = usual_stays(reader, stages, now=now)
    # a prospect is late against a usual only when that usual rests on enough stays
    usual = {s: d if n >= MIN_STAYS else None for s, (d, n) in sampled.items()}
    late, params = _late(usual, now)
    tagged, scoped = _tagged(tag)
    params.update(scoped)
    counted = _totals(reader, tagged, **scoped)
    timed = [(s, d) for s, d in sorted(usual.items()) if d is not None and s not in _CLOSED]
    late_in: dict[str, int] = {}
    if timed:
        parts: list[str] = []
        late_params: dict[str, Any] = {}
        for i, (stage, longest) in enumerate(timed):
            parts.append(
                f"SELECT {i}, count(*) FROM prospects p WHERE p.stage = :st{i} "
                f"AND p.stage_since < :lt{i} AND {_OPEN}{tagged}"
            )
            late_params[f"st{i}"], late_params[f"lt{i}"] = stage, now - timedelta(days=longest)
        for at, n in reader.rows(" UNION ALL ".join(parts), **late_params, **scoped):
            late_in[timed[int(at)][0]] = int(n)
    with_step: dict[str, list[int]] = {}  # stage -> [with a step, overdue, waiting]
    for stage, is_late, is_overdue in _stepped(reader, late, params, now, tagged).values():
        held = with_step.setdefault(stage, [0, 0, 0])
        held[0] += 1
        held[1] += is_overdue
        held[2] += is_late and not is_overdue
    rows = []
    for stage in [s for s in stages if s not in vocab.CLOSED_STAGES]:
        n, value = counted.get(stage, (0, None))
        stepped, overdue, waiting = with_step.get(stage, [0, 0, 0])
        days = sampled.get(stage, (None, 0))[0]
        rows.append(
            {
                "stage": stage,
                "prospects": int(n),
                "value": 0 if value is None else float(value),
                "no_next_step": int(n) - stepped,
                "overdue": overdue,
                "stalled": late_in.get(stage, 0) - waiting,
                "waiting": waiting,
                "usual_days": None if days is None else round(days, 1),
                "usual_stays": sampled.get(stage, (None, 0))[1],
            }
        )
    return rows
