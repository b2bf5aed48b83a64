"""Render the pre-call brief (:class:`salestrack.intel.brief.Brief`): text and JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salestrack.intel.brief import DAY_NAMES

if TYPE_CHECKING:
    from datetime import datetime

    from salestrack.intel.brief import Brief


def as_json(b: Brief) -> dict[str, Any]:
    """The brief as the JSON document ``intel -f json`` prints."""
    from salestrack.output.render import plain

    def clean(d: dict[str, Any]) -> dict[str, Any]:
        return {k: plain(v) for k, v in d.items()}

    bt = b.best_time
    return {
        "id": str(b.id),
        "name": b.name,
        "company": b.company,
        "segment": b.segment,
        "stage": b.stage,
        "value": plain(b.value),
        "stage_since": plain(b.stage_since),
        "contacts": [clean(c) for c in b.contacts],
        "ask_for": _ask_for(b),
        "intel": [clean(f) for f in b.facts],
        "missing": b.missing,
        "checklist": b.checklist,
        "objective": b.objective,
        "objective_set_at": plain(b.objective_set_at),
        "best_time": {
            "enough_history": bt.enough,
            "dials_sampled": bt.dials,
            "hours": [
                {
                    "weekday": DAY_NAMES[s.weekday],
                    "hour": s.hour,
                    "dials": s.dials,
                    "connects": s.connects,
                    "connect_rate": round(s.rate, 4),
                    "connect_rate_low": round(s.low, 4),
                }
                for s in bt.slots
            ],
            "availability": bt.availability,
            "available_now": bt.available_now,
            "away_until": bt.away_until.isoformat() if bt.away_until else None,
            "not_understood": bt.not_understood,
        },
        "open_promises": [clean(p) for p in b.promises],
        "next_step": clean(b.next_step) if b.next_step else None,
        "last_touches": [clean(t.__dict__) for t in b.touches],
        "wins": b.wins,
        "dials": b.dials,
        "focus": b.focus,
    }


def as_text(b: Brief, *, now: datetime, width: int | None = None) -> str:
    """The brief as one screen of text: a headline, then one labelled section a line; with
    ``width`` (a terminal's), long lines wrap with their text indented under itself."""
    from salestrack.output import show

    head = [b.name, b.stage]
    if b.stage_since is not None:
        head[-1] += f" for {show.ago(b.stage_since).removesuffix(' ago')}"
        head[-1] += f" (since {show.when(b.stage_since)})"
    if b.segment:
        head.append(f"segment {b.segment}")
    if b.value is not None:
        head.append(f"{b.value:,.0f}")
    lines = show.hanging("", " · ".join(head), indent=0, width=width)
    if len(lines) > 1:  # the headline's further lines under its start, two in
        lines = [lines[0], *show.hanging("", " ".join(lines[1:]), indent=2, width=width)]

    def section(label: str, items: list[str]) -> None:
        first = True
        for item in items or ["-"]:
            lines.extend(show.hanging(label if first else "", item, indent=14, width=width))
            first = False

    section(
        "contacts",
        [
            c["name"]
            + (
                f" ({', '.join(x for x in (show.word(c['role']), c['title']) if x)})"
                if c["role"] or c["title"]
                else ""
            )
            for c in b.contacts
        ],
    )
    asked = _ask_for(b)
    if asked is not None and asked["phone"] is not None:
        section("ask for", [_ask_line(asked)])
    section(
        "intel",
        [
            f"{show.word(f['kind'])}: {f['value']}"
            + (f" (from {f['contact']})" if f["contact"] and f["contact"] not in f["value"] else "")
            + f" · {show.when(f['learned_at'])}"
            for f in b.facts
        ],
    )
    section("missing", [", ".join(b.missing) if b.missing else "nothing on the checklist"])
    section("objective", [b.objective or "none set (salestrack intel NAME --objective ...)"])
    if b.focus:
        section("focus", [b.focus])
    section("best time", [b.best_time.advice()])
    section(
        "promises",
        [
            p["text"] + (f" (due {show.when(p['due_at'])})" if p["due_at"] else "")
            for p in b.promises
        ]
        or ["none open"],
    )
    if b.next_step is None:
        section("next step", ["none: set one when you log the call (--next, --due)"])
    else:
        due = b.next_step["due_at"]
        late = f", overdue {show.ago(due).removesuffix(' ago')}" if due and due < now else ""
        tail = f" (due {show.when(due)}{late})" if due else ""
        section("next step", [f"{b.next_step['action']}{tail}"])
    touches = []
    for t in b.touches:
        what = " ".join(x for x in (t.kind, show.word(t.outcome)) if x)
        if t.reached and t.reached not in ("nobody", t.outcome):
            what += f", reached {show.word(t.reached)}"
        if t.contact:
            what += f" with {t.contact}"
        if t.notes:
            what += f": {t.notes}"
        touches.append(f"{show.when(t.occurred_at)}  {what}")
    section("last touches", touches or ["none yet"])
    section("wins", [f"{b.wins} from {show.count(b.dials, 'dial')}"])
    return "\n".join(lines) + "\n"


def _ask_for(b: Brief) -> dict[str, Any] | None:
    """Who to ask for, and the number to dial (theirs, or another contact's)."""
    if b.ask_for is None:
        return None
    person, dial = b.ask_for
    return {
        "name": person["name"],
        "role": person["role"],
        "phone": dial["phone"] if dial else None,
        "phone_of": dial["name"] if dial else None,
    }


def _ask_line(found: dict[str, Any]) -> str:
    """``Dana Ruiz (decision maker) · +44 20 7946 0000``, or the number known at the
    prospect with whose it is."""
    from salestrack.output import show

    role = f" ({show.word(found['role'])})" if found["role"] else ""
    line = f"{found['name']}{role} · {found['phone']}"
    if found["phone_of"] != found["name"]:
        line += f" ({found['phone_of']}'s number)"
    return line
