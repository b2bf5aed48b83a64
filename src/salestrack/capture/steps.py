"""A prospect's open next steps and the soonest of them: one rule for every reader.

The soonest open step is the one due first; a step with no due time comes after every dated
one, the oldest first. ``prospect list``, ``pipeline --gaps``, ``next`` and ``today`` all
name a prospect's next step by it. Kept apart from :mod:`salestrack.capture.prospects` so
that the call queue reads it without that module's import (about 14 ms).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, NamedTuple

from salestrack.store.sql import Store, uid, when


# NamedTuples, not dataclasses: the daily commands' start-up (docs/architecture.md)
class Step(NamedTuple):
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

#: The rule: a prospect's open steps, soonest first. Dated ones by due time, then undated
#: ones oldest first (a step without a creation time, written by hand, last); ties by id, so
#: every reader names the same step. ``(x IS NULL)`` sorts false first on both databases.
SOONEST_FIRST = "(due_at IS NULL), due_at, (created_at IS NULL), created_at, id"


def soonest(where: str = "", *, due_by: bool = False) -> str:
    """SQL giving each prospect's soonest open step (``id, prospect_id, action, due_at,
    created_at``) among the open steps that ``where`` (SQL joined with AND) keeps. With
    ``due_by``, only the prospects whose soonest step is due by ``:due_by`` or undated (the
    call queue's): only the steps of the prospects :data:`DUE_BY` selects are ranked."""
    if due_by:
        where += f" AND prospect_id IN ({DUE_BY})"
    sql = (
        "SELECT id, prospect_id, action, due_at, created_at FROM ("
        "SELECT id, prospect_id, action, due_at, created_at, row_number() OVER "
        f"(PARTITION BY prospect_id ORDER BY {SOONEST_FIRST}) AS place "
        f"FROM next_steps WHERE done_at IS NULL{where}) ranked WHERE place = 1"
    )
    return sql + " AND (due_at IS NULL OR due_at <= :due_by)" if due_by else sql


def open_steps(
    store: Store, prospect_id: uuid.UUID | None = None, *, due_by: datetime | None = None
) -> dict[uuid.UUID, Step]:
    """The soonest open next step of each prospect (of one, with ``prospect_id``); with
    ``due_by``, only of the prospects whose soonest step is due by then or undated (the
    call queue's), reading no other prospect's steps."""
    params: dict[str, Any] = {}
    among = ""
    if prospect_id is not None:
        among = " AND prospect_id = :p"
        params["p"] = prospect_id
    if due_by is not None:
        params["due_by"] = due_by
    return {
        uid(pid): Step(uid(sid), uid(pid), action, when(due), when(created) or undated())
        for sid, pid, action, due, created in store.rows(
            soonest(among, due_by=due_by is not None), **params
        )
    }


def undated() -> datetime:
    """The time given to a stored time that is missing (a row written by hand): now."""
    from salestrack import clock

    return clock.now()
