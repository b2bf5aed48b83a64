"""Validation written once: what an activity, a text and a duration must be.

``log`` (capture), ``edit`` (activities) and ``import`` all call these functions, so the same
bad value is refused the same way on every path, before anything is written. Each rule
returns the value normalised (choices resolved, defaults applied) or raises
:class:`~salestrack.errors.InvalidInput` naming the field and the fix.

The fields are named the way the path's user spells them: ``--outcome`` on the command line,
``outcome`` (the column) in an import; :class:`Names` holds the spellings and how to say
"take it away" on each path. Stdlib only, below the store: capture's hot path imports it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from salestrack import dates, vocab
from salestrack.errors import InvalidInput
from salestrack.names import refuse_undecodable

MAX_TEXT = 1_000_000  # a note can be long (a pasted email), but not unbounded
FUTURE_SLACK = timedelta(minutes=5)  # clocks differ a little; an activity is not planned


def clean_text(field: str, value: str | None) -> str | None:
    """Text as stored: stripped, empty as None, at most 1 MB, no NUL character."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_TEXT:
        raise InvalidInput(field, f"{len(value)} characters is too long; keep it under 1 MB")
    if "\x00" in value:  # PostgreSQL can't store one
        raise InvalidInput(field, "contains a NUL character; remove it")
    refuse_undecodable(field, value)
    return value


# NamedTuples here, not frozen dataclasses: capture's start-up (docs/architecture.md)
class Names(NamedTuple):
    """How one path names an activity's fields, and how its user leaves a value out."""

    kind: str
    outcome: str
    reached: str
    direction: str
    occurred_at: str
    duration_s: str
    notes: str
    objective_met: str
    leave_out: str  # "{field}" is replaced by the field's name

    def omit(self, field: str) -> str:
        return self.leave_out.format(field=field)


LOG = Names(
    kind="kind", outcome="--outcome", reached="--reached", direction="--direction",
    occurred_at="--at", duration_s="--duration", notes="--note", objective_met="--met",
    leave_out="leave {field} out",
)  # fmt: skip
EDIT = Names(
    kind="--kind", outcome="--outcome", reached="--reached", direction="--direction",
    occurred_at="--at", duration_s="--duration", notes="--note", objective_met="--kind",
    leave_out="clear it with {field} ''",
)  # fmt: skip
IMPORT = Names(
    kind="kind", outcome="outcome", reached="reached", direction="direction",
    occurred_at="occurred_at", duration_s="duration_s", notes="notes",
    objective_met="objective_met", leave_out="leave {field} empty",
)  # fmt: skip


def duration(seconds: int | None, names: Names = LOG) -> int | None:
    """A duration in whole seconds: above zero, or None for unknown."""
    if seconds is None:
        return None
    if seconds <= 0:
        raise InvalidInput(
            names.duration_s,
            f"{seconds} seconds is not a duration; give how long it took (above 0), "
            f"or {names.omit(names.duration_s)} for unknown",
        )
    return seconds


def parse_duration(text: str, names: Names = LOG) -> int:
    """Typed text such as ``5m`` or ``1:30`` in seconds (above zero, at most a day)."""
    try:
        return dates.parse_duration(text)
    except dates.DurationParseError as exc:
        raise InvalidInput(names.duration_s, str(exc)) from None


def score(field: str, value: int) -> int:
    """One conversation score (value, uncovered, openness, commitment): 1 to 5."""
    low, high = vocab.QUALITY_RANGE
    if not low <= value <= high:
        raise InvalidInput(field, f"{value} is out of range; scores run from {low} to {high}")
    return value


def _pick(field: str, value: str, choices: tuple[str, ...], what: str) -> str:
    """``value`` when stored as it is (the usual case on import), else :func:`vocab.choose`."""
    return value if value in choices else vocab.choose(field, value, choices, what=what)


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


class ActivityFields(NamedTuple):
    """An activity's own values, checked and normalised."""

    kind: str
    outcome: str | None
    reached: str | None
    direction: str
    occurred_at: datetime
    duration_s: int | None
    notes: str | None
    objective_met: bool | None


def activity(
    *,
    kind: str,
    occurred_at: datetime,
    now: datetime,
    outcome: str | None = None,
    reached: str | None = None,
    direction: str | None = None,
    duration_s: int | None = None,
    notes: str | None = None,
    objective_met: bool | None = None,
    names: Names = LOG,
    typed_at: str | None = None,
) -> ActivityFields:
    """The one check of an activity: each field valid, together consistent, defaults filled.

    * ``kind``, ``outcome`` (one of the kind's outcomes), ``reached`` and ``direction`` are
      resolved with :func:`vocab.choose` (any case, spaces or hyphens, a unique prefix);
    * a call needs an outcome; a note has none; an email, meeting or task without one gets
      :data:`vocab.DEFAULT_OUTCOME` (sent, held, done);
    * only calls and meetings reach someone; a call's ``reached`` defaults to what its
      outcome implies (:data:`vocab.REACHED_BY_OUTCOME`);
    * it happened: ``occurred_at`` is not later than ``now`` (give or take 5 minutes);
      the message quotes ``typed_at``, the time as the user wrote it, when given;
    * ``duration_s`` is above zero (or unknown), ``notes`` obey :func:`clean_text`;
    * only calls and meetings have an objective to meet or miss.
    """
    kind = _pick(names.kind, kind, vocab.KINDS, "activity kind")
    choices = vocab.OUTCOMES[kind]
    if outcome is not None:
        if not choices:
            raise InvalidInput(
                names.outcome, f"{_a(kind)} has no outcome; {names.omit(names.outcome)}"
            )
        outcome = _pick(names.outcome, outcome, choices, f"{kind} outcome")
    elif kind == "call":
        shown = ", ".join(o.replace("_", "-") for o in choices[:6])
        raise InvalidInput(
            names.outcome, f"a call needs an outcome; e.g. connected (or one of {shown}, ...)"
        )
    else:
        outcome = vocab.DEFAULT_OUTCOME.get(kind)
    if reached is not None:
        if kind not in vocab.TOUCHES:
            raise InvalidInput(
                names.reached,
                f"only calls and meetings reach someone, not {_a(kind)}; "
                + names.omit(names.reached),
            )
        reached = _pick(names.reached, reached, vocab.REACHED, "reached value")
    elif kind == "call" and outcome is not None:
        reached = vocab.REACHED_BY_OUTCOME.get(outcome)
    direction = _pick(names.direction, direction or "outbound", vocab.DIRECTIONS, "direction")
    if occurred_at > now + FUTURE_SLACK:
        said = (
            f"'{typed_at}'"
            if typed_at
            else f"{occurred_at.astimezone(now.tzinfo):%Y-%m-%d %H:%M %Z}"
        )
        raise InvalidInput(
            names.occurred_at,
            f"{said} is in the future; record what happened, and use a next step "
            "(--next/--due) for what is planned",
        )
    if objective_met is not None and kind not in vocab.TOUCHES:
        raise InvalidInput(
            names.objective_met, f"objectives are for calls and meetings, not {_a(kind)}"
        )
    return ActivityFields(
        kind=kind,
        outcome=outcome,
        reached=reached,
        direction=direction,
        occurred_at=occurred_at,
        duration_s=duration(duration_s, names),
        notes=clean_text(names.notes, notes),
        objective_met=objective_met,
    )
