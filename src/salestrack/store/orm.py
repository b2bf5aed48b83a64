"""The capture store over SQLAlchemy: used on PostgreSQL, and by the contract test."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, func, insert, select, update
from sqlmodel import Session

from salestrack import clock, vocab
from salestrack.capture.capture import Fact
from salestrack.models import TABLES, Activity, Contact, Intel, NextStep, Prospect, Setting, cols
from salestrack.names import Ref

P = cols(Prospect)
A = cols(Activity)
C = cols(Contact)
F = cols(Intel)
N = cols(NextStep)
ST = cols(Setting)


def table(name: str) -> Table:
    t = TABLES[name].__table__  # type: ignore[attr-defined]
    assert isinstance(t, Table)
    return t


class OrmStore:
    """A :class:`salestrack.capture.capture.CaptureStore` over a SQLModel session."""

    def __init__(self, session: Session) -> None:
        self.db = session

    def prospect_exact(self, key: str) -> Ref | None:
        row = self.db.execute(select(P.id, P.name).where(P.name_key == key).limit(1)).first()
        return Ref(row[0], row[1]) if row else None

    def prospect_prefix(self, key: str) -> list[Ref]:
        rows = self.db.execute(
            select(P.id, P.name)
            .where(and_(P.name_key >= key, P.name_key < key + "\U0010ffff"))
            .limit(50)
        ).all()
        return [Ref(i, n) for i, n in rows]

    def prospect_names(self) -> list[str]:
        return list(self.db.execute(select(P.name)).scalars())

    def contacts(self, prospect_id: uuid.UUID) -> list[Ref]:
        rows = self.db.execute(select(C.id, C.name).where(C.prospect_id == prospect_id)).all()
        return [Ref(i, n) for i, n in rows]

    def open_next_steps(self, prospect_id: uuid.UUID) -> list[tuple[uuid.UUID, datetime]]:
        rows = self.db.execute(
            select(N.id, N.created_at, A.occurred_at)
            .outerjoin(Activity, A.id == N.activity_id)
            .where(N.prospect_id == prospect_id, N.done_at.is_(None))
        ).all()
        return [(i, clock.to_utc(occurred or created)) for i, created, occurred in rows]

    def intel_facts(self, prospect_id: uuid.UUID) -> list[Fact]:
        rows = self.db.execute(
            select(F.id, F.kind, F.value, F.learned_at, F.superseded_at).where(
                F.prospect_id == prospect_id
            )
        ).all()
        return [Fact(i, k, v, clock.to_utc(t), s is None) for i, k, v, t, s in rows]

    def reached_before(self, prospect_id: uuid.UUID, reached: str) -> bool:
        row = self.db.execute(
            select(A.id).where(A.prospect_id == prospect_id, A.reached == reached).limit(1)
        ).first()
        return row is not None

    def objective(self, prospect_id: uuid.UUID) -> str | None:
        return self.db.execute(select(P.objective).where(P.id == prospect_id)).scalar()

    def first_stage(self) -> str:
        return stages(self.db)[0]

    def insert(self, name: str, row: dict[str, Any]) -> None:
        self.db.execute(insert(table(name)).values(**row))

    def upsert_setting(self, key: str, value: str, now: datetime) -> None:
        found = self.db.get(Setting, key)
        if found is None:
            self.db.add(Setting(key=key, value=value, updated_at=now))
        else:
            found.value, found.updated_at = value, now
            self.db.add(found)
        self.db.flush()

    def update(self, name: str, row_id: uuid.UUID, changes: dict[str, Any]) -> None:
        t = table(name)
        self.db.execute(update(t).where(t.c.id == row_id).values(**changes))


def stages(db: Session) -> list[str]:
    """The configured stage names, in order (the default list when none is set)."""
    raw = db.execute(select(ST.value).where(ST.key == "stages")).first()
    if raw:
        value = json.loads(raw[0])
        if value:
            return [str(s) for s in value]
    return list(vocab.DEFAULT_STAGES)


def count(db: Session, name: str) -> int:
    return int(db.execute(select(func.count()).select_from(table(name))).scalar_one())
