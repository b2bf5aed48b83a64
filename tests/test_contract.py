"""The lean sqlite3 capture path writes exactly what the SQLAlchemy path writes.

The same capture, with the same ids and clock, goes through :class:`LeanStore` into one
file and through :class:`OrmStore` into another; every row of every table must be equal.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session

from salestrack import config
from salestrack.capture import capture
from salestrack.store import lean, migrate
from salestrack.store.engine import make_engine
from salestrack.store.orm import OrmStore
from tests.conftest import NOW, dump


def write_both(tmp_path: Path, requests: list[capture.CaptureRequest]) -> tuple[Path, Path]:
    paths = (tmp_path / "lean.db", tmp_path / "orm.db")
    for path in paths:
        migrate.upgrade(config.target_from(str(path)))
    counter = itertools.count(1)
    lean_ids = lambda: uuid.UUID(int=next(counter))  # noqa: E731
    db = lean.open_current(config.target_from(str(paths[0])))
    for n, request in enumerate(requests):
        now = NOW + timedelta(minutes=n)
        cap = capture.validate(request, now=now)
        db.execute("BEGIN IMMEDIATE")
        capture.record(lean.LeanStore(db), cap, owner="rep", now=now, new_id=lean_ids)
        db.execute("COMMIT")
    db.close()

    counter2 = itertools.count(1)
    orm_ids = lambda: uuid.UUID(int=next(counter2))  # noqa: E731
    engine = make_engine(config.target_from(str(paths[1])))
    for n, request in enumerate(requests):
        now = NOW + timedelta(minutes=n)
        cap = capture.validate(request, now=now)
        with Session(engine) as session:
            capture.record(OrmStore(session), cap, owner="rep", now=now, new_id=orm_ids)
            session.commit()
    engine.dispose()
    return paths


def test_same_capture_gives_identical_rows(tmp_path: Path) -> None:
    requests = [
        capture.CaptureRequest(
            kind="call", prospect="Acme Corp", outcome="gatekeeper", at="2h ago",
            duration="3m", contact="Sue", next_action="call back", due="tomorrow 9am",
            wins=["learned the gatekeeper's name"], intel=["gatekeeper: Sue", "pain: slow"],
        ),
        capture.CaptureRequest(
            kind="call", prospect="acme", outcome="connected", reached="decision maker",
            contact="Dana", note="budget ok", intel=["gatekeeper: Tom", "budget: 40k"],
            next_action="send deck", due="eow",
        ),
        capture.CaptureRequest(kind="email", prospect="Acme C", note="sent deck"),
        capture.CaptureRequest(kind="note", prospect="Beta Ltd", note="[bold]markup[/bold]"),
        capture.CaptureRequest(
            kind="meeting", prospect="Beta", outcome="held", direction="inbound"
        ),
    ]  # fmt: skip
    lean_path, orm_path = write_both(tmp_path, requests)
    lean_rows, orm_rows = dump(lean_path), dump(orm_path)
    assert lean_rows == orm_rows
    # and the comparison is not vacuous
    assert len(lean_rows["activities"]) == 5
    assert len(lean_rows["intel"]) == 4 and len(lean_rows["next_steps"]) == 2
    assert len(lean_rows["contacts"]) == 2 and len(lean_rows["prospects"]) == 2


def test_lean_rows_read_back_through_models(tmp_path: Path) -> None:
    """What the lean path stores is what SQLAlchemy reads: aware UTC times, UUIDs, bools."""
    from sqlmodel import select

    from salestrack.models import Activity, NextStep

    request = capture.CaptureRequest(
        kind="call", prospect="Acme", outcome="connected", at="2h ago",
        next_action="x", due="tomorrow 9am",
    )  # fmt: skip
    lean_path, _ = write_both(tmp_path, [request])
    engine = make_engine(config.target_from(str(lean_path)))
    with Session(engine) as session:
        a = session.exec(select(Activity)).one()
        assert a.occurred_at == NOW - timedelta(hours=2)
        assert a.occurred_at.tzinfo is not None
        assert a.id == uuid.UUID(int=3)  # prospect 1, stage change 2, activity 3
        step = session.exec(select(NextStep)).one()
        assert step.activity_id == a.id
    engine.dispose()
