"""What each figure counts, written once, as data.

A definition of activities (:class:`Activities`) is a list of conditions on an activity's
columns ``kind``, ``direction``, ``reached`` and ``outcome``: each listed column's value must
be one of the listed values. From that one piece of data come :meth:`Activities.holds` (Python:
a call just logged in a call block, a row of a grouped count), :meth:`Activities.sql` (the
condition in a report's SQL) and :meth:`Activities.describe` (the words docs/reports.md uses),
so none of them can say something the others don't. ``tests/test_figures.py`` runs the Python
test and the SQL over every combination of values, on SQLite and on PostgreSQL.

A qualified deal and a stay in a stage are about stage history; they are defined here the same
way, each with its Python test and its SQL side by side.

The catalogue at the end lists the baseline's figures built from these definitions, with the
direction in which each is worse (or that it is neutral).

Imports only the vocabulary: the capture path loads it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import NamedTuple

from salestrack import vocab

COLUMNS = ("kind", "direction", "reached", "outcome")
#: Every value each column can hold (``reached`` and ``outcome`` can also be empty).
VALUES: dict[str, tuple[str, ...]] = {
    "kind": vocab.KINDS,
    "direction": vocab.DIRECTIONS,
    "reached": vocab.REACHED,
    "outcome": tuple(dict.fromkeys(o for outcomes in vocab.OUTCOMES.values() for o in outcomes)),
}
_WORD = re.compile(r"^[a-z_]+$")  # a stored value: safe to write into SQL as a literal
_WHO = {
    "nobody": "nobody",
    "voicemail": "voicemail",
    "gatekeeper": "a gatekeeper",
    "wrong_person": "the wrong person",
    "decision_maker": "the decision maker",
}


def _either(words: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


@dataclass(frozen=True)
class Activities:
    """The activities a figure counts: each column in ``where`` holds one of its values."""

    name: str
    where: tuple[tuple[str, tuple[str, ...]], ...]

    def __post_init__(self) -> None:
        for column, values in self.where:
            if column not in COLUMNS or not values:
                raise ValueError(f"{self.name}: a condition on {column!r} needs values")
            for value in values:
                if value not in VALUES[column] or not _WORD.match(value):
                    raise ValueError(f"{self.name}: {value!r} is not a {column}")

    def narrower(self, name: str, **more: tuple[str, ...]) -> Activities:
        """These activities, limited further by ``more`` conditions."""
        return replace(self, name=name, where=(*self.where, *more.items()))

    def holds(
        self, *, kind: str, direction: str | None, reached: str | None, outcome: str | None
    ) -> bool:
        """Whether an activity with these values is counted."""
        row = {"kind": kind, "direction": direction, "reached": reached, "outcome": outcome}
        return all(row[column] in values for column, values in self.where)

    def sql(self, alias: str = "") -> str:
        """The SQL condition (an empty column is NULL, which matches no value)."""
        prefix = f"{alias}." if alias else ""
        return " AND ".join(
            f"{prefix}{column} IN ({', '.join(repr(v) for v in values)})"
            for column, values in self.where
        )

    def count_sql(self, alias: str = "") -> str:
        """An SQL aggregate counting these activities among a query's rows."""
        return f"sum(CASE WHEN {self.sql(alias)} THEN 1 ELSE 0 END)"

    def describe(self) -> str:
        """The definition in words: ``outbound calls that reached the decision maker ...``."""
        found = dict(self.where)
        kinds = [f"{k}s" for k in found.get("kind", ("activitie",))]
        words = ", ".join(found.get("direction", ()))
        text = f"{words} {_either(kinds)}" if words else _either(kinds)
        if "reached" in found:
            text += f" that reached {_either([_WHO[r] for r in found['reached']])}"
        if "outcome" in found:
            text += f" with outcome {_either([o.replace('_', ' ') for o in found['outcome']])}"
        return text


DIAL = Activities("dial", (("kind", ("call",)), ("direction", ("outbound",))))
INBOUND_CALL = Activities("inbound call", (("kind", ("call",)), ("direction", ("inbound",))))
ANSWERED = DIAL.narrower("answered", reached=("gatekeeper", "wrong_person", "decision_maker"))
GATEKEEPER = DIAL.narrower("gatekeeper", reached=("gatekeeper",))
DECISION_MAKER = DIAL.narrower("decision maker", reached=("decision_maker",))
CONVERSATION = DECISION_MAKER.narrower(
    "conversation", outcome=("connected", "meeting_set", "referred", "not_interested")
)
MEETING_SET = DIAL.narrower("meeting set", outcome=("meeting_set",))
#: emails sent: a received one (logged with --inbound, or imported from a mailbox) is not the
#: rep's own work, as an inbound call is not a dial
EMAIL = Activities("email", (("kind", ("email",)), ("direction", ("outbound",))))
MEETING = Activities("meeting", (("kind", ("meeting",)),))
MEETING_HELD = MEETING.narrower("meeting held", outcome=("held",))
TASK = Activities("task", (("kind", ("task",)),))


# -- stage history ---------------------------------------------------------------------------

Change = tuple[datetime, str | None, str]  # changed_at, from_stage (None when created), to_stage


def forward(stages: Sequence[str], before: str | None, after: str) -> bool:
    """A move forward: to a later stage than the one left, and not to lost (a move out of
    nowhere, a prospect's creation, is not a move)."""
    place = {stage: i for i, stage in enumerate(stages)}
    if before is None or after == "lost":
        return False
    return place.get(after, -1) > place.get(before, len(stages))


class QualifiedDeal:
    """A deal closed (moved to won or lost) is *qualified* when its prospect had reached a stage
    after the first by the time it closed (a won deal always has); a lead closed as lost
    without ever getting past the first stage is a *lead disqualified*."""

    words = (
        "a deal closed (won or lost) whose prospect had reached a stage after the first by "
        "then (a won deal always has); a lead closed as lost without getting past the first "
        "stage is a lead disqualified"
    )

    @staticmethod
    def holds(history: Sequence[Change], close: Change, first: str) -> bool:
        """Whether ``close`` (one of the prospect's ``history``) closed a qualified deal."""
        seen = [c for c in history if c[0] <= close[0]]
        return any(s is not None and s not in (first, "lost") for c in seen for s in c[1:])

    @staticmethod
    def sql(close: str) -> str:
        """True for a close (the stage change aliased ``close``) of a qualified deal; the first
        stage is the parameter ``:first_stage``."""
        return (
            "EXISTS (SELECT 1 FROM stage_changes e WHERE e.prospect_id = "
            f"{close}.prospect_id AND e.changed_at <= {close}.changed_at AND "
            "(e.to_stage NOT IN (:first_stage, 'lost') "
            "OR e.from_stage NOT IN (:first_stage, 'lost')))"
        )


class Stay:
    """A stay in a stage runs from the prospect's stage change before it to the change that
    leaves the stage, whatever that change is (forward, a skip, backward or lost); the stage is
    the one left. A skipped stage has no stay; a backward move starts a new stay of the earlier
    stage; the current, unfinished stay is not one."""

    words = (
        "from the prospect's previous stage change to the change that leaves the stage "
        "(forward, a skip, backward or lost)"
    )

    @staticmethod
    def of(history: Sequence[Change]) -> list[tuple[str, datetime, datetime]]:
        """(stage, entered, left) for each completed stay in one prospect's ``history``."""
        found = []
        for at, before, _ in history:
            earlier = [c[0] for c in history if c[0] < at]
            if before is not None and earlier:
                found.append((before, max(earlier), at))
        return found

    @staticmethod
    def entered_sql(change: str) -> str:
        """When the stay that the stage change aliased ``change`` ends began (NULL: none)."""
        return (
            f"(SELECT max(p.changed_at) FROM stage_changes p WHERE p.prospect_id = "
            f"{change}.prospect_id AND p.changed_at < {change}.changed_at)"
        )

    @staticmethod
    def ends_sql(change: str) -> str:
        """True for a stage change that ends a stay (it left a stage)."""
        return f"{change}.from_stage IS NOT NULL"


# -- the catalogue ---------------------------------------------------------------------------

LOWER, HIGHER, NEUTRAL = "lower", "higher", "neutral"  # which way a figure is worse


# NamedTuples, not dataclasses: the reports' start-up (docs/architecture.md)
class Count(NamedTuple):
    """A weekly count of activities."""

    figure: str
    of: Activities
    worse: str


class Rate(NamedTuple):
    """``of`` per ``per``, with the words a hole uses: "31 of 209 dials became conversations"."""

    figure: str
    of: Activities
    per: Activities
    worse: str
    did: str


COUNTS = (
    Count("dials", DIAL, LOWER),
    Count("inbound calls", INBOUND_CALL, NEUTRAL),
    Count("emails", EMAIL, LOWER),
    Count("meetings", MEETING, LOWER),
    Count("tasks", TASK, NEUTRAL),
    Count("meetings held", MEETING_HELD, LOWER),
)
REACH = (
    Rate("answered rate", ANSWERED, DIAL, LOWER, "were answered"),
    Rate("gatekeeper rate", GATEKEEPER, DIAL, NEUTRAL, "reached a gatekeeper"),
    Rate("decision maker rate", DECISION_MAKER, DIAL, LOWER, "reached the decision maker"),
    Rate("conversation rate", CONVERSATION, DIAL, LOWER, "became conversations"),
    Rate("meeting set rate", MEETING_SET, DIAL, LOWER, "set a meeting"),
)


# -- response time -----------------------------------------------------------------------------


class ResponseTime:
    """How long an email waits for its answer. In one thread (imported mail's ``thread_key``),
    taken in time order, an email is answered by the first email after it from the other
    side; several in a row from one side wait from the first of them (the writer has been
    waiting since then). An inbound email answered by yours is *your reply time*; yours
    answered by the client's is the *client reply time*. The sample is the emails answered;
    one not answered yet is in no sample (it may still be)."""

    YOURS, THEIRS = "your reply time", "client reply time"
    words = (
        "in one email thread, from an email (the first of several in a row from one side) "
        "to the first email after it from the other side; yours answering theirs is your "
        "reply time, theirs answering yours the client's; emails not answered yet are left out"
    )

    @staticmethod
    def answers(
        thread: Sequence[tuple[datetime, str]],
    ) -> list[tuple[str, datetime, datetime]]:
        """(whose reply: :attr:`YOURS` or :attr:`THEIRS`, asked at, answered at) for each
        answer in one thread of (time, direction) emails."""
        found = []
        waiting: tuple[datetime, str] | None = None
        for at, direction in sorted(thread):
            if waiting is not None and direction == waiting[1]:
                continue
            if waiting is not None:
                whose = ResponseTime.YOURS if direction == "outbound" else ResponseTime.THEIRS
                found.append((whose, waiting[0], at))
            waiting = (at, direction)
        return found
