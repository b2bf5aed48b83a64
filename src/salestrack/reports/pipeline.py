"""The pipeline and its gaps.

A stage's usual duration is the median of the completed stays in it (see
:func:`salestrack.reports.baseline.stays`) that ended in the last :data:`USUAL_WEEKS`
weeks. A prospect is *stalled* when it has been in its stage longer than that and has no next
step in the future; *waiting* when it has been there as long but a next step is scheduled.
"""

from __future__ import annotations

import statistics
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from salestrack import vocab
from salestrack.reports import baseline
from salestrack.store import settings
from salestrack.store.sql import Store, uid, when

USUAL_WEEKS = 26
DAY = 86400.0


def usual_days(reader: Store, stages: list[str], *, now: datetime) -> dict[str, float | None]:
    window = [baseline.Week("usual", now - timedelta(weeks=USUAL_WEEKS), now)]
    stays = baseline.stays(reader, window)
    return {s: (statistics.median(stays[s][0]) if stays[s][0] else None) for s in stages}


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


_OPEN = "p.stage NOT IN ('won', 'lost')"
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


def gap_lines(
    reader: Store, *, now: datetime, limit: int | None = None
) -> tuple[list[Line], int, dict[str, float | None]]:
    """The open prospects with a gap, by name (the first ``limit``), how many there are in
    all, and each stage's usual days."""
    stages = settings.stages(reader)
    usual = usual_days(reader, stages, now=now)
    late, params = _late(usual, now)
    gap = f"(NOT {_HAS_STEP} OR {_OVERDUE} OR {late})"
    where = f"WHERE {_OPEN} AND {gap}"
    page = "" if limit is None else f" LIMIT {int(limit)}"
    rows = reader.rows(
        f"SELECT p.id, p.name, p.stage, p.value, p.stage_since FROM prospects p {where} "
        f"ORDER BY p.name_key{page}",
        now=now,
        **params,
    )
    total = len(rows)
    if limit is not None and total >= limit:
        total = int(reader.scalar(f"SELECT count(*) FROM prospects p {where}", now=now, **params))
    from salestrack.capture.prospects import open_steps

    steps = {pid: (step.action, step.due_at) for pid, step in open_steps(reader).items()}
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


def by_stage(reader: Store, *, now: datetime) -> list[dict[str, Any]]:
    """Prospects, value and gaps per open stage, counted by the database."""
    stages = settings.stages(reader)
    usual = usual_days(reader, stages, now=now)
    late, params = _late(usual, now)
    counted = {
        stage: (n, total, no_step, overdue, stalled, waiting)
        for stage, n, total, no_step, overdue, stalled, waiting in reader.rows(
            "SELECT p.stage, count(*), sum(p.value), "
            f"sum(CASE WHEN {_HAS_STEP} THEN 0 ELSE 1 END), "
            f"sum(CASE WHEN {_OVERDUE} THEN 1 ELSE 0 END), "
            f"sum(CASE WHEN {late} AND (NOT {_HAS_STEP} OR {_OVERDUE}) THEN 1 ELSE 0 END), "
            f"sum(CASE WHEN {late} AND {_HAS_STEP} AND NOT {_OVERDUE} THEN 1 ELSE 0 END) "
            f"FROM prospects p WHERE {_OPEN} GROUP BY p.stage",
            now=now,
            **params,
        )
    }
    rows = []
    for stage in [s for s in stages if s not in vocab.CLOSED_STAGES]:
        n, total, no_step, overdue, stalled, waiting = counted.get(stage, (0, None, 0, 0, 0, 0))
        days = usual.get(stage)
        rows.append(
            {
                "stage": stage,
                "prospects": int(n),
                "value": 0 if total is None else float(total),
                "no_next_step": int(no_step or 0),
                "overdue": int(overdue or 0),
                "stalled": int(stalled or 0),
                "waiting": int(waiting or 0),
                "usual_days": None if days is None else round(days, 1),
            }
        )
    return rows
