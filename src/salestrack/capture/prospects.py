"""Prospects: add, find by name, list, show, edit, move between stages, remove."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlmodel import Session

from salestrack import names, vocab
from salestrack.errors import Conflict, InvalidInput
from salestrack.models import (
    Activity,
    Contact,
    Intel,
    NextStep,
    Prospect,
    Setting,
    StageChange,
    cols,
)
from salestrack.store.orm import OrmStore, stages

P = cols(Prospect)
A = cols(Activity)
C = cols(Contact)
F = cols(Intel)
N = cols(NextStep)
S = cols(StageChange)

MAX_SEGMENT = 50


def find(db: Session, typed: str) -> Prospect:
    """The prospect ``typed`` names (exact, then unique prefix), or a clear error."""
    store = OrmStore(db)
    found = names.resolve(
        typed,
        exact=store.prospect_exact,
        prefix=store.prospect_prefix,
        everyone=store.prospect_names,
    )
    if not isinstance(found, names.Ref):
        raise names.not_found(typed, found)
    prospect = db.get(Prospect, found.id)
    assert prospect is not None
    return prospect


def check_stage(db: Session, typed: str, field_name: str = "STAGE") -> str:
    return vocab.choose(field_name, typed, tuple(stages(db)), what="stage")


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


def add(
    db: Session,
    name: str,
    *,
    owner: str,
    now: datetime,
    company: str | None = None,
    segment: str | None = None,
    stage: str | None = None,
    value: float | None = None,
    notes: str | None = None,
) -> Prospect:
    name = names.clean_name("NAME", name)
    existing = OrmStore(db).prospect_exact(names.key(name))
    if existing is not None:
        raise Conflict(f"prospect '{existing.name}' already exists; see: salestrack prospect show")
    chosen = check_stage(db, stage, "--stage") if stage else stages(db)[0]
    prospect = Prospect(
        owner=owner,
        created_at=now,
        updated_at=now,
        name=name,
        name_key=names.key(name),
        company=(company or "").strip() or None,
        segment=check_segment(segment),
        stage=chosen,
        value=check_value(value),
        notes=(notes or "").strip() or None,
    )
    db.add(prospect)
    db.add(
        StageChange(
            owner=owner,
            created_at=now,
            updated_at=now,
            prospect_id=prospect.id,
            from_stage=None,
            to_stage=chosen,
            changed_at=now,
        )
    )
    db.flush()
    return prospect


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


def listing(
    db: Session, *, stage: str | None = None, segment: str | None = None
) -> list[ProspectLine]:
    since = (
        select(S.prospect_id, func.max(S.changed_at).label("since"))
        .group_by(S.prospect_id)
        .subquery()
    )
    touches = (
        select(
            A.prospect_id,
            func.count().label("n"),
            func.max(A.occurred_at).label("last"),
        )
        .group_by(A.prospect_id)
        .subquery()
    )
    query = (
        select(
            P.id,
            P.name,
            P.company,
            P.segment,
            P.stage,
            P.value,
            since.c.since,
            touches.c.n,
            touches.c.last,
        )
        .outerjoin(since, since.c.prospect_id == P.id)
        .outerjoin(touches, touches.c.prospect_id == P.id)
        .order_by(P.name_key)
    )
    if stage:
        query = query.where(P.stage == check_stage(db, stage, "--stage"))
    if segment:
        query = query.where(P.segment == segment)
    rows = db.execute(query).all()
    steps = _open_steps(db)
    lines = []
    for pid, name, company, segment_, stage_, value, stage_since, count, last in rows:
        step = steps.get(pid)
        lines.append(
            ProspectLine(
                id=pid,
                name=name,
                company=company,
                segment=segment_,
                stage=stage_,
                value=value,
                stage_since=_aware(stage_since),
                activities=count or 0,
                last_touch=_aware(last),
                next_step=step.action if step else None,
                due_at=step.due_at if step else None,
            )
        )
    return lines


def _aware(value: Any) -> datetime | None:
    from salestrack.store.sql import when

    return when(value)


def _open_steps(db: Session, prospect_id: uuid.UUID | None = None) -> dict[uuid.UUID, NextStep]:
    """The soonest-due open next step of each prospect."""
    query = select(NextStep).where(N.done_at.is_(None))
    if prospect_id is not None:
        query = query.where(N.prospect_id == prospect_id)
    result: dict[uuid.UUID, NextStep] = {}
    for step in db.execute(query).scalars():
        held = result.get(step.prospect_id)
        if held is None or _due_key(step) < _due_key(held):
            result[step.prospect_id] = step
    return result


def _due_key(step: NextStep) -> tuple[int, datetime]:
    if step.due_at is None:
        return (1, step.created_at)
    return (0, step.due_at)


@dataclass
class ProspectDetail:
    prospect: Prospect
    stage_since: datetime | None
    contacts: list[Contact]
    history: list[StageChange]
    next_steps: list[NextStep]
    intel: list[Intel]
    recent: list[Activity]
    counts: dict[str, int] = field(default_factory=dict)


def detail(db: Session, typed: str, *, recent: int = 5) -> ProspectDetail:
    prospect = find(db, typed)
    pid = prospect.id
    history = list(
        db.execute(select(StageChange).where(S.prospect_id == pid).order_by(S.changed_at)).scalars()
    )
    contacts = list(
        db.execute(select(Contact).where(C.prospect_id == pid).order_by(C.name)).scalars()
    )
    steps = list(
        db.execute(
            select(NextStep).where(N.prospect_id == pid, N.done_at.is_(None)).order_by(N.due_at)
        ).scalars()
    )
    intel = list(
        db.execute(
            select(Intel)
            .where(F.prospect_id == pid, F.superseded_at.is_(None))
            .order_by(F.learned_at)
        ).scalars()
    )
    last = list(
        db.execute(
            select(Activity)
            .where(A.prospect_id == pid)
            .order_by(A.occurred_at.desc())
            .limit(recent)
        ).scalars()
    )
    counts = dict(
        db.execute(select(A.kind, func.count()).where(A.prospect_id == pid).group_by(A.kind)).all()
    )
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
    db: Session,
    typed: str,
    *,
    now: datetime,
    name: str | None = None,
    company: str | None = None,
    segment: str | None = None,
    value: float | None = None,
    notes: str | None = None,
) -> tuple[Prospect, list[str]]:
    """Change the given fields ('' clears an optional one). Returns the fields changed."""
    prospect = find(db, typed)
    changed: list[str] = []
    if name is not None:
        name = names.clean_name("--name", name)
        other = OrmStore(db).prospect_exact(names.key(name))
        if other is not None and other.id != prospect.id:
            raise Conflict(f"--name: another prospect is already called '{other.name}'")
        if name != prospect.name:
            prospect.name, prospect.name_key = name, names.key(name)
            changed.append("name")
    updates: dict[str, Any] = {}
    if company is not None:
        updates["company"] = company.strip() or None
    if segment is not None:
        updates["segment"] = check_segment(segment)
    if value is not None:
        updates["value"] = check_value(value) or None
    if notes is not None:
        updates["notes"] = notes.strip() or None
    for key, new in updates.items():
        if getattr(prospect, key) != new:
            setattr(prospect, key, new)
            changed.append(key)
    if changed:
        prospect.updated_at = now
        db.add(prospect)
        db.flush()
    return prospect, changed


def move(
    db: Session,
    typed: str,
    stage: str,
    *,
    owner: str,
    now: datetime,
    at: datetime | None = None,
    reason: str | None = None,
) -> StageChange:
    """Move a prospect to ``stage``, recording the change in the history."""
    prospect = find(db, typed)
    chosen = check_stage(db, stage)
    if chosen == prospect.stage:
        raise Conflict(f"{prospect.name} is already at stage '{chosen}'")
    when = at or now
    last = db.execute(
        select(func.max(S.changed_at)).where(S.prospect_id == prospect.id)
    ).scalar_one()
    last_at = _aware(last)
    if last_at is not None and when < last_at:
        from salestrack.output.show import when as show_when

        raise InvalidInput(
            "--at",
            f"{prospect.name} last changed stage on {show_when(last_at)}; "
            "a stage change can't be dated before that",
        )
    change = StageChange(
        owner=owner,
        created_at=now,
        updated_at=now,
        prospect_id=prospect.id,
        from_stage=prospect.stage,
        to_stage=chosen,
        changed_at=when,
        reason=(reason or "").strip() or None,
    )
    prospect.stage = chosen
    prospect.updated_at = now
    db.add(prospect)
    db.add(change)
    db.flush()
    return change


def remove(db: Session, typed: str) -> tuple[str, dict[str, int]]:
    """Delete a prospect and everything recorded about it. Returns what was deleted."""
    from salestrack.models import TABLES

    prospect = find(db, typed)
    counts: dict[str, int] = {}
    for table_name, model in TABLES.items():
        if table_name in ("prospects", "settings"):
            continue
        column = cols(model).get("prospect_id")
        if column is None:
            continue
        n = db.execute(select(func.count()).where(column == prospect.id)).scalar_one()
        if n:
            counts[table_name] = int(n)
    name = prospect.name
    db.execute(delete(Prospect).where(P.id == prospect.id))
    return name, counts


def set_stages(db: Session, wanted: list[str], *, now: datetime) -> list[str]:
    """Configure the stage names, in order; ``won`` and ``lost`` must be among them."""
    cleaned = [vocab.canonical(s) for s in wanted if s.strip()]
    if len(set(cleaned)) != len(cleaned):
        raise InvalidInput("STAGES", "a stage is named twice; list each once")
    missing = [s for s in vocab.CLOSED_STAGES if s not in cleaned]
    if missing:
        raise InvalidInput("STAGES", f"keep {' and '.join(missing)} in the list (they close deals)")
    if len(cleaned) < 3:
        raise InvalidInput("STAGES", "give at least one open stage before won and lost")
    in_use = db.execute(select(P.stage, func.count()).group_by(P.stage)).all()
    orphaned = [f"{s} ({n})" for s, n in in_use if s not in cleaned]
    if orphaned:
        raise Conflict(
            "prospects are still at " + ", ".join(orphaned) + "; move them first "
            "(salestrack prospect stage NAME STAGE) or keep those stages"
        )
    setting = db.get(Setting, "stages") or Setting(key="stages", value="[]")
    setting.value = json.dumps(cleaned)
    setting.updated_at = now
    db.add(setting)
    db.flush()
    return cleaned
