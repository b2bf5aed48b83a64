"""A prospect's open next steps and the soonest of them: one rule for every reader.

The soonest open step is the one due first; a step with no due time comes after every dated
one, the oldest first. ``prospect list``, ``pipeline --gaps``, ``next`` and ``today`` all
name a prospect's next step by it. Kept apart from :mod:`salestrack.capture.prospects` so
that the call queue reads it without that module's import (about 14 ms).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from salestrack.store.sql import Store, uid, when


@dataclass
class Step:
    id: uuid.UUID
    prospect_id: uuid.UUID
    action: str
    due_at: datetime | None
    created_at: datetime


#: the prospects with an open step due by ``:due_by`` or undated: those whose soonest step
#: can be (a superset: an undated step comes after every dated one)
DUE_BY = (
    "SELECT prospect_id FROM next_steps WHERE done_at IS NULL "
    "AND (due_at IS NULL OR due_at <= :due_by)"
)


def open_steps(
    store: Store, prospect_id: uuid.UUID | None = None, *, due_by: datetime | None = None
) -> dict[uuid.UUID, Step]:
    """The soonest open next step of each prospect (of one, with ``prospect_id``); with
    ``due_by``, only of the prospects whose soonest step is due by then or undated (the
    call queue's), reading no other prospect's steps."""
    sql = "SELECT id, prospect_id, action, due_at, created_at FROM next_steps WHERE done_at IS NULL"
    params: dict[str, Any] = {}
    if prospect_id is not None:
        sql += " AND prospect_id = :p"
        params["p"] = prospect_id
    if due_by is not None:
        sql += f" AND prospect_id IN ({DUE_BY})"
        params["due_by"] = due_by
    result: dict[uuid.UUID, Step] = {}
    for sid, pid, action, due, created in store.rows(sql, **params):
        step = Step(uid(sid), uid(pid), action, when(due), when(created) or undated())
        held = result.get(step.prospect_id)
        if held is None or _due_key(step) < _due_key(held):
            result[step.prospect_id] = step
    if due_by is not None:
        return {p: s for p, s in result.items() if s.due_at is None or s.due_at <= due_by}
    return result


def _due_key(step: Step) -> tuple[int, datetime]:
    if step.due_at is None:
        return (1, step.created_at)
    return (0, step.due_at)


def undated() -> datetime:
    """The time given to a stored time that is missing (a row written by hand): now."""
    from salestrack import clock

    return clock.now()
