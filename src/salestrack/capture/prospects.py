"""Prospects: add, find by name, list, show, edit, move between stages, remove."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from salestrack import names, rules, vocab
from salestrack.capture.steps import SOONEST_FIRST, Step, open_steps, undated
from salestrack.errors import Conflict, InvalidInput
from salestrack.store import lookup, settings
from salestrack.store.sql import Store, uid, when, within

MAX_SEGMENT = 50


@dataclass
class Prospect:
    """A prospect's own columns (the derived ``name_key`` left out)."""

    id: uuid.UUID
    owner: str
    created_at: datetime
    updated_at: datetime
    name: str
    company: str | None
    segment: str | None
    stage: str
    value: float | None
    notes: str | None
    objective: str | None
    objective_set_at: datetime | None
    domain: str | None = None

    def as_row(self) -> dict[str, Any]:
        return dict(self.__dict__)


_PROSPECT_COLUMNS = ", ".join(f.name for f in fields(Prospect))


def _prospect(row: tuple[Any, ...]) -> Prospect:
    (pid, owner, created, updated, name, company, segment, stage, value, notes, objective,
     objective_at, domain) = row  # fmt: skip
    return Prospect(
        uid(pid), owner, when(created) or undated(), when(updated) or undated(), name, company,
        segment, stage, value, notes, objective, when(objective_at), domain,
    )  # fmt: skip


def get(store: Store, prospect_id: uuid.UUID) -> Prospect:
    row = store.one(f"SELECT {_PROSPECT_COLUMNS} FROM prospects WHERE id = :p", p=prospect_id)
    if row is None:
        from salestrack.errors import NotFound

        raise NotFound(f"no prospect has the id {prospect_id}")
    return _prospect(row)


def find(store: Store, typed: str) -> Prospect:
    """The prospect ``typed`` names (exact, then unique prefix), or a clear error."""
    return get(store, lookup.find_prospect(store, typed).id)


def check_stage(store: Store, typed: str, field_name: str = "STAGE") -> str:
    return vocab.choose(field_name, typed, tuple(settings.stages(store)), what="stage")


def check_segment(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > MAX_SEGMENT:
        raise InvalidInput("--segment", f"keep it under {MAX_SEGMENT} characters (e.g. A, B, C)")
    return value or None


def check_value(value: float | None) -> float | None:
    if value is not None and (value < 0 or value != value or value in (float("inf"),)):
        raise InvalidInput("--value", "must be a positive amount, e.g. 25000")
    return value


def check_domain(
    store: Store, typed: str | None, field_name: str = "--domain", same: Any = None
) -> str | None:
    """A mail domain by :func:`names.clean_domain`, not another prospect's already."""
    domain = names.clean_domain(field_name, typed)
    if domain is not None:
        other = store.one("SELECT id, name FROM prospects WHERE domain = :d", d=domain)
        if other is not None and uid(other[0]) != same:
            raise Conflict(f"{field_name}: {domain} is already the domain of '{other[1]}'")
    return domain


def create(
    store: Store,
    name: str,
    *,
    owner: str,
    now: datetime,
    stage: str,
    since: datetime,
    new_id: Any = uuid.uuid4,
    company: str | None = None,
    segment: str | None = None,
    value: float | None = None,
    notes: str | None = None,
    domain: str | None = None,
) -> uuid.UUID:
    """Write a new prospect at ``stage`` and its first stage change (at ``since``).

    The one way a prospect is created: by ``prospect add``, by a capture that names a new
    prospect, and by an import. ``name`` must already be clean (:func:`names.clean_name`).
    """
    pid = new_id()
    base = {"owner": owner, "created_at": now, "updated_at": now}
    store.insert(
        "prospects",
        {
            "id": pid, **base, "name": name, "name_key": names.key(name), "company": company,
            "segment": segment, "stage": stage, "value": value, "notes": notes,
            "objective": None, "objective_set_at": None,
            **({"domain": domain} if domain is not None else {}),
        },
    )  # fmt: skip
    store.insert(
        "stage_changes",
        {
            "id": new_id(), **base, "prospect_id": pid, "from_stage": None, "to_stage": stage,
            "changed_at": since, "reason": None, "activity_id": None,
        },
    )  # fmt: skip
    return pid  # type: ignore[no-any-return]


def add(
    store: Store,
    name: str,
    *,
    owner: str,
    now: datetime,
    company: str | None = None,
    segment: str | None = None,
    stage: str | None = None,
    value: float | None = None,
    notes: str | None = None,
    since: datetime | None = None,
    domain: str | None = None,
) -> Prospect:
    """Add a prospect at ``stage`` (the first by default) as of ``since`` (default ``now``):
    backfilled history can then be dated from ``since`` on."""
    name = names.clean_name("NAME", name)
    existing = lookup.prospect_exact(store, names.key(name))
    if existing is not None:
        raise Conflict(f"prospect '{existing.name}' already exists; see: salestrack prospect show")
    chosen = check_stage(store, stage, "--stage") if stage else settings.stages(store)[0]
    if since is not None and since > now + rules.FUTURE_SLACK:
        raise InvalidInput(
            "--at", "that is in the future; give when it became a prospect (default now)"
        )
    pid = create(
        store, name, owner=owner, now=now, stage=chosen, since=since or now,
        company=rules.clean_text("--company", company), segment=check_segment(segment),
        value=check_value(value), notes=rules.clean_text("--note", notes),
        domain=check_domain(store, domain),
    )  # fmt: skip
    return get(store, pid)


@dataclass
class ProspectLine:
    """One row of ``prospect list``."""

    id: uuid.UUID
    name: str
    company: str | None
    segment: str | None
    stage: str
    value: float | None
    stage_since: datetime | None
    activities: int
    last_touch: datetime | None
    next_step: str | None
    due_at: datetime | None

    def as_row(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _listing_filter(
    store: Store,
    stage: str | None,
    segment: str | None,
    tag: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {}
    where = within("p.created_at", since, until, params)
    if tag:
        from salestrack.capture import tags

        params["tag"] = tags.known(store, tag)
        where.append(tags.prospect_filter("p.id", ":tag"))
    if stage:
        where.append("p.stage = :stage")
        params["stage"] = check_stage(store, stage, "--stage")
    if segment:
        where.append("p.segment = :segment")
        params["segment"] = segment
    return (" WHERE " + " AND ".join(where) if where else ""), params


def listing(
    store: Store,
    *,
    stage: str | None = None,
    segment: str | None = None,
    limit: int | None = None,
    tag: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[ProspectLine]:
    """Prospects by name; with ``limit``, the first ``limit`` of them; with ``since`` or
    ``until``, those that became prospects in that period.

    With a limit only those prospects' activities are read (through the indexes on
    ``prospect_id``); without one, all of them once, grouped. The time in stage is the
    prospect's own ``stage_since`` (kept by a trigger on the stage changes).
    """
    where, params = _listing_filter(store, stage, segment, tag, since, until)
    if limit is None:
        rows = store.rows(
            "SELECT p.id, p.name, p.company, p.segment, p.stage, p.value, p.stage_since, t.n, "
            "t.last FROM prospects p "
            "LEFT JOIN (SELECT prospect_id, count(*) AS n, max(occurred_at) AS last "
            "FROM activities GROUP BY prospect_id) t ON t.prospect_id = p.id"
            + where
            + " ORDER BY p.name_key",
            **params,
        )
        steps = open_steps(store)
    else:
        rows = store.rows(
            "SELECT p.id, p.name, p.company, p.segment, p.stage, p.value, p.stage_since, "
            "(SELECT count(*) FROM activities WHERE prospect_id = p.id), "
            "(SELECT max(occurred_at) FROM activities WHERE prospect_id = p.id) "
            "FROM prospects p" + where + " ORDER BY p.name_key LIMIT :limit",
            **params,
            limit=limit,
        )
        steps = {}
        for row in rows:
            steps.update(open_steps(store, uid(row[0])))
    lines = []
    for pid, name, company, segment_, stage_, value, stage_since, count, last in rows:
        step = steps.get(uid(pid))
        lines.append(
            ProspectLine(
                id=uid(pid),
                name=name,
                company=company,
                segment=segment_,
                stage=stage_,
                value=value,
                stage_since=when(stage_since),
                activities=count or 0,
                last_touch=when(last),
                next_step=step.action if step else None,
                due_at=step.due_at if step else None,
            )
        )
    return lines


def listed_count(
    store: Store,
    *,
    stage: str | None = None,
    segment: str | None = None,
    tag: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> int:
    """How many prospects :func:`listing` would give without a limit."""
    where, params = _listing_filter(store, stage, segment, tag, since, until)
    return int(store.scalar("SELECT count(*) FROM prospects p" + where, **params) or 0)


@dataclass
class ContactLine:
    id: uuid.UUID
    name: str
    role: str | None
    title: str | None


@dataclass
class StageLine:
    from_stage: str | None
    to_stage: str
    changed_at: datetime
    reason: str | None


@dataclass
class FactLine:
    kind: str
    value: str
    learned_at: datetime


@dataclass
class TouchLine:
    id: uuid.UUID
    kind: str
    occurred_at: datetime
    outcome: str | None
    reached: str | None
    notes: str | None


@dataclass
class ProspectDetail:
    prospect: Prospect
    stage_since: datetime | None
    contacts: list[ContactLine]
    history: list[StageLine]
    next_steps: list[Step]
    intel: list[FactLine]
    recent: list[TouchLine]
    counts: dict[str, int] = field(default_factory=dict)


def detail(store: Store, typed: str, *, recent: int = 5) -> ProspectDetail:
    prospect = find(store, typed)
    pid = prospect.id
    history = [
        StageLine(f, t, when(at) or undated(), r)
        for f, t, at, r in store.rows(
            "SELECT from_stage, to_stage, changed_at, reason FROM stage_changes "
            "WHERE prospect_id = :p ORDER BY changed_at",
            p=pid,
        )
    ]
    contacts = [
        ContactLine(uid(i), n, r, t)
        for i, n, r, t in store.rows(
            "SELECT id, name, role, title FROM contacts WHERE prospect_id = :p ORDER BY name",
            p=pid,
        )
    ]
    steps = [
        Step(uid(i), pid, a, when(d), when(c) or undated())
        for i, a, d, c in store.rows(
            "SELECT id, action, due_at, created_at FROM next_steps "
            f"WHERE prospect_id = :p AND done_at IS NULL ORDER BY {SOONEST_FIRST}",
            p=pid,
        )
    ]
    intel = [
        FactLine(k, v, when(at) or undated())
        for k, v, at in store.rows(
            "SELECT kind, value, learned_at FROM intel "
            "WHERE prospect_id = :p AND superseded_at IS NULL ORDER BY learned_at",
            p=pid,
        )
    ]
    last = [
        TouchLine(uid(i), k, when(at) or undated(), o, r, n)
        for i, k, at, o, r, n in store.rows(
            "SELECT id, kind, occurred_at, outcome, reached, notes FROM activities "
            "WHERE prospect_id = :p ORDER BY occurred_at DESC LIMIT :n",
            p=pid,
            n=recent,
        )
    ]
    counts = {
        str(k): int(n)
        for k, n in store.rows(
            "SELECT kind, count(*) FROM activities WHERE prospect_id = :p GROUP BY kind", p=pid
        )
    }
    return ProspectDetail(
        prospect=prospect,
        stage_since=history[-1].changed_at if history else None,
        contacts=contacts,
        history=history,
        next_steps=steps,
        intel=intel,
        recent=last,
        counts=counts,
    )


def edit(
    store: Store,
    typed: str,
    *,
    now: datetime,
    name: str | None = None,
    company: str | None = None,
    segment: str | None = None,
    value: float | None = None,
    notes: str | None = None,
    domain: str | None = None,
) -> tuple[Prospect, list[str]]:
    """Change the given fields ('' clears an optional one). Returns the fields changed."""
    prospect = find(store, typed)
    updates: dict[str, Any] = {}
    if name is not None:
        name = names.clean_name("--name", name)
        other = lookup.prospect_exact(store, names.key(name))
        if other is not None and other.id != prospect.id:
            raise Conflict(f"--name: another prospect is already called '{other.name}'")
        if name != prospect.name:
            updates["name"] = name
    if company is not None:
        updates["company"] = rules.clean_text("--company", company)
    if segment is not None:
        updates["segment"] = check_segment(segment)
    if value is not None:
        updates["value"] = check_value(value) or None
    if notes is not None:
        updates["notes"] = rules.clean_text("--note", notes)
    if domain is not None:
        updates["domain"] = check_domain(store, domain, same=prospect.id)
    changed = [k for k, new in updates.items() if getattr(prospect, k) != new]
    if changed:
        writes = {k: updates[k] for k in changed}
        if "name" in writes:
            writes["name_key"] = names.key(writes["name"])
        store.update("prospects", prospect.id, {**writes, "updated_at": now})
        for k in changed:
            setattr(prospect, k, updates[k])
        prospect.updated_at = now
    return prospect, changed


@dataclass
class StageMove:
    prospect: str
    from_stage: str
    to_stage: str
    changed_at: datetime
    steps_closed: int = 0  # open next steps closed because the deal was won or lost


def move(
    store: Store,
    typed: str,
    stage: str,
    *,
    owner: str,
    now: datetime,
    at: datetime | None = None,
    reason: str | None = None,
) -> StageMove:
    """Move a prospect to ``stage``, recording the change in the history.

    Won and lost close the deal, and with it the prospect's open next steps: each is closed
    (``done_at``) at the time of the move, or when it was set if that is later, with no
    activity to its name, so no list shows it as work still to do. Steps set afterwards (a
    client's follow-up) are open as usual; moving the prospect back opens none of them again.
    """
    prospect = find(store, typed)
    chosen = check_stage(store, stage)
    if chosen == prospect.stage:
        raise Conflict(f"{prospect.name} is already at stage '{chosen}'")
    moved_at = at or now
    last_at = when(
        store.scalar(
            "SELECT max(changed_at) FROM stage_changes WHERE prospect_id = :p", p=prospect.id
        )
    )
    if last_at is not None and moved_at < last_at:
        from salestrack.output.show import when as show_when

        raise InvalidInput(
            "--at",
            f"{prospect.name} last changed stage on {show_when(last_at)}; "
            "a stage change can't be dated before that",
        )
    store.update("prospects", prospect.id, {"stage": chosen, "updated_at": now})
    store.insert(
        "stage_changes",
        {
            "id": uuid.uuid4(), "owner": owner, "created_at": now, "updated_at": now,
            "prospect_id": prospect.id, "from_stage": prospect.stage, "to_stage": chosen,
            "changed_at": moved_at, "reason": rules.clean_text("--reason", reason),
            "activity_id": None,
        },
    )  # fmt: skip
    closed = 0
    if chosen in vocab.CLOSED_STAGES:
        for step_id, set_at in store.rows(
            "SELECT n.id, COALESCE(a.occurred_at, n.created_at) FROM next_steps n "
            "LEFT JOIN activities a ON a.id = n.activity_id "
            "WHERE n.prospect_id = :p AND n.done_at IS NULL",
            p=prospect.id,
        ):
            began = when(set_at)
            done_at = began if began is not None and began > moved_at else moved_at
            store.update("next_steps", uid(step_id), {"done_at": done_at, "updated_at": now})
            closed += 1
    return StageMove(prospect.name, prospect.stage, chosen, moved_at, closed)


def remove(store: Store, typed: str) -> tuple[str, dict[str, int]]:
    """Delete a prospect and everything recorded about it. Returns what was deleted."""
    from salestrack.store import schema

    prospect = find(store, typed)
    counts: dict[str, int] = {}
    for table in schema.prospect_tables():
        n = int(store.scalar(f"SELECT count(*) FROM {table} WHERE prospect_id = :p", p=prospect.id))
        if n:
            counts[table] = n
    store.execute("DELETE FROM prospects WHERE id = :p", p=prospect.id)
    return prospect.name, counts


def set_stages(store: Store, wanted: list[str], *, now: datetime) -> list[str]:
    """Configure the stage names, in order; ``won`` and ``lost`` must be among them."""
    cleaned = settings.check("stages", [vocab.canonical(s) for s in wanted if s.strip()], "STAGES")
    check_in_use(store, cleaned)
    return list(settings.write(store, "stages", cleaned, now))


def check_in_use(store: Store, stages: list[str]) -> None:
    """Refuse a stage list that leaves prospects at a stage no longer in it."""
    in_use = store.rows("SELECT stage, count(*) FROM prospects GROUP BY stage")
    orphaned = [f"{s} ({n})" for s, n in in_use if s not in stages]
    if orphaned:
        raise Conflict(
            "prospects are still at " + ", ".join(orphaned) + "; move them first "
            "(salestrack prospect stage NAME STAGE) or keep those stages"
        )
