"""The product's words as data: activity kinds, outcomes, who was reached, roles, intel kinds.

Stored values are snake_case; users may type them with spaces, hyphens, any case, or a unique
prefix ("meet" -> meeting_set). Cheap to import: used by the capture hot path.
"""

from __future__ import annotations

from salestrack.errors import InvalidInput

KINDS = ("call", "email", "meeting", "task", "note")
TOUCHES = ("call", "meeting")  # the kinds that reach someone, have an objective and a quality

# Outcomes each kind of activity can have. A call's outcomes form the reach ladder.
OUTCOMES: dict[str, tuple[str, ...]] = {
    "call": (
        "no_answer",
        "busy",
        "voicemail",
        "wrong_number",
        "gatekeeper",
        "connected",
        "meeting_set",
        "callback",
        "not_interested",
        "referred",
    ),
    "email": ("sent", "replied", "bounced", "meeting_set", "not_interested", "referred"),
    "meeting": ("held", "no_show", "rescheduled", "cancelled", "meeting_set", "not_interested"),
    "task": ("done", "open"),
    "note": (),
}

# Who picked up. Ordered from nobody to the decision maker (the reach ladder's rungs).
REACHED = ("nobody", "voicemail", "gatekeeper", "wrong_person", "decision_maker")

# When --reached is not given on a call, the outcome implies it.
REACHED_BY_OUTCOME = {
    "no_answer": "nobody",
    "busy": "nobody",
    "wrong_number": "nobody",
    "voicemail": "voicemail",
    "gatekeeper": "gatekeeper",
    "connected": "decision_maker",
    "meeting_set": "decision_maker",
    "callback": "decision_maker",
    "not_interested": "decision_maker",
    "referred": "decision_maker",
}

DEFAULT_OUTCOME = {"email": "sent", "meeting": "held", "task": "done"}

DIRECTIONS = ("outbound", "inbound")

ROLES = ("gatekeeper", "decision_maker", "champion", "influencer", "user", "other")

INTEL_KINDS = (
    "gatekeeper",
    "decision_maker",
    "availability",
    "pain",
    "budget",
    "authority",
    "timeline",
    "competitor",
    "personal",
    "other",
    # MEDDIC's own (the checklist can ask for them)
    "metrics",
    "economic_buyer",
    "decision_criteria",
    "decision_process",
    "champion",
)
# A newer fact of one of these kinds supersedes the older one (history is kept).
SINGLE_VALUED_INTEL = (
    "gatekeeper",
    "decision_maker",
    "budget",
    "authority",
    "timeline",
    "economic_buyer",
    "champion",
)

# The qualification checklists shipped: (intel kind, needed from this stage on). BANT (need
# is the ``pain`` kind) plus who to reach; MEDDIC swaps BANT for its own kinds.
_REACH = (("gatekeeper", "lead"), ("decision_maker", "lead"), ("availability", "lead"))
CHECKLISTS: dict[str, tuple[tuple[str, str], ...]] = {
    "bant": (
        *_REACH,
        ("budget", "qualified"),
        ("authority", "qualified"),
        ("pain", "qualified"),
        ("timeline", "qualified"),
    ),
    "meddic": (
        *_REACH,
        ("metrics", "qualified"),
        ("economic_buyer", "qualified"),
        ("decision_criteria", "meeting"),
        ("decision_process", "meeting"),
        ("pain", "qualified"),
        ("champion", "meeting"),
    ),
}

DEFAULT_STAGES = ("lead", "qualified", "meeting", "proposal", "negotiation", "won", "lost")
CLOSED_STAGES = ("won", "lost")

GRADES = ("A", "B", "D")

PROMISE_STATUSES = ("open", "kept", "broken")
INITIATIVE_STATUSES = ("open", "done")

QUALITY_DIMENSIONS = ("value", "uncovered", "openness", "commitment")
QUALITY_RANGE = (1, 5)  # each conversation score, lowest and highest


# Short forms for the keyboard: `-o vm`, `-r dm`.
ALIASES = {
    "na": "no_answer",
    "noanswer": "no_answer",
    "vm": "voicemail",
    "gk": "gatekeeper",
    "dm": "decision_maker",
    "wn": "wrong_number",
    "wp": "wrong_person",
    "ms": "meeting_set",
    "cb": "callback",
    "ni": "not_interested",
    "eb": "economic_buyer",
    "need": "pain",
}


def canonical(text: str) -> str:
    """``'Meeting Set'``, ``'meeting-set'`` and ``'meeting_set'`` all become ``meeting_set``."""
    return "_".join(text.strip().lower().replace("-", " ").replace("_", " ").split())


def choose(field: str, text: str, choices: tuple[str, ...], *, what: str = "value") -> str:
    """The one choice ``text`` names (exactly or by unique prefix), or an error listing them."""
    key = canonical(text)
    if key in choices:
        return key
    if ALIASES.get(key) in choices:
        return ALIASES[key]
    matches = [c for c in choices if c.startswith(key)] if key else []
    if len(matches) == 1:
        return matches[0]
    shown = ", ".join(c.replace("_", " ") for c in choices)
    if len(matches) > 1:
        names = ", ".join(m.replace("_", " ") for m in matches)
        raise InvalidInput(field, f"'{text}' could be {names}; type more of it")
    raise InvalidInput(field, f"unknown {what} '{text}'; use one of: {shown}")
