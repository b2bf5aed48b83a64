"""Render ``salestrack today`` (:class:`salestrack.intel.today.Today`): one screen, or JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from salestrack.intel.today import Figure, Section, Today


def as_json(t: Today) -> dict[str, Any]:
    from salestrack.output.render import plain

    def section(s: Section) -> dict[str, Any]:
        return {
            "count": s.total,
            "items": [{k: plain(v) for k, v in i.as_row().items()} for i in s.items],
        }

    return {
        "now": plain(t.now),
        "overdue": section(t.overdue),
        "due_today": section(t.due),
        "promises_this_week": section(t.promises),
        "call_next": [{k: plain(v) for k, v in c.as_row().items()} for c in t.queue],
        "so_far": [
            {"figure": f.name, "value": f.so_far, "usual": f.usual, "days": f.days}
            for f in t.figures
        ],
        "focus": t.focus,
    }


def _figure(f: Figure) -> str:
    usual = "" if f.usual is None else f" (usual {f.usual:g})"
    return f"{f.so_far} {f.name}{usual}"


def print_today(t: Today) -> None:
    """The screen: a line for the day, then one short section for each part."""
    from salestrack import dates
    from salestrack.output import show
    from salestrack.output.grouped import Section as Block
    from salestrack.output.grouped import print_sections
    from salestrack.output.render import Column, Table

    tz = dates.local_tz()
    local = t.now.astimezone(tz)
    steps = [
        Column("due_at", show=show.when, priority=0),
        Column("prospect", priority=0),
        Column("text", priority=1),
    ]
    today_steps = [
        Column("due_at", show=show.clock_time, priority=0),
        Column("prospect", priority=0),
        Column("text", priority=1),
    ]

    def block(title: str, section: Section, columns: list[Column], empty: str, rest: str) -> Block:
        more = section.total - len(section.items)
        rows = [i.as_row() for i in section.items]
        heading = f"{title} ({section.total})" if section.total else title
        tail = f"and {more} more: {rest}" if more > 0 else None
        return Block(heading, Table("", columns, rows), tail if rows else empty)

    blocks = [
        block("Overdue next steps", t.overdue, steps, "none: every next step is on time",
              "salestrack pipeline --gaps"),
        block("Due later today", t.due, today_steps, "nothing else booked today",
              "salestrack export next-steps --since today --until today"),
        block("Promises due this week", t.promises, steps, "none open this week",
              "salestrack promise list"),
    ]  # fmt: skip
    queue = [
        {"n": str(n), "name": c.name, "why": "; ".join(c.why)} for n, c in enumerate(t.queue, 1)
    ]
    columns = [Column("n", priority=0), Column("name", priority=0), Column("why")]
    empty = "nobody open to call (salestrack prospect add NAME)"
    blocks.append(Block("Call next", Table("", columns, queue), None if queue else empty))
    figures = " · ".join(_figure(f) for f in t.figures)
    days = max((f.days for f in t.figures), default=0)
    basis = (
        f"usual: the median by {local:%H:%M} on your last {days} working days"
        if days >= 3
        else "no usual yet: it needs three earlier days with dials"
    )
    blocks.append(Block("So far today", None, f"{figures}\n{basis}"))
    blocks.append(Block("Focus", None, t.focus or "none yet: score conversations with -q 4352"))
    print_sections(f"Today · {local:%a %d %b %Y %H:%M}", blocks)
