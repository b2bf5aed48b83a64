"""The one store writes what :mod:`salestrack.models` describes, on SQLite and PostgreSQL.

A capture is written through :class:`salestrack.store.sql.Store` (stdlib sqlite3, or
psycopg); every table is then read back through the SQLModel models (SQLAlchemy), which
must understand every value (aware UTC times, UUIDs, booleans), and every stored value must
be exactly what SQLAlchemy itself writes for that value.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from salestrack import config
from salestrack.capture import capture
from salestrack.models import TABLES, Activity, NextStep
from salestrack.store import migrate, sql
from salestrack.store.engine import make_engine
from tests.conftest import NOW, dump

REQUESTS = [
    capture.CaptureRequest(
        kind="call", prospect="Acme Corp", outcome="gatekeeper", at="2h ago",
        duration="3m", contact="Sue", next_action="call back", due="tomorrow 9am",
        wins=["learned the gatekeeper's name"], intel=["gatekeeper: Sue", "pain: slow"],
    ),
    capture.CaptureRequest(
        kind="call", prospect="acme", outcome="connected", reached="decision maker",
        contact="Dana", note="budget ok", intel=["gatekeeper: Tom", "budget: 40k"],
        next_action="send deck", due="eow", quality="4352",
    ),
    capture.CaptureRequest(kind="email", prospect="Acme C", note="sent deck 100% 'quoted' :x"),
    capture.CaptureRequest(kind="note", prospect="Beta Ltd", note="[bold]markup[/bold]"),
    capture.CaptureRequest(kind="meeting", prospect="Beta", outcome="held", direction="inbound"),
]  # fmt: skip


def write_captures(target: config.DbTarget) -> None:
    migrate.upgrade(target)
    counter = itertools.count(1)
    for n, request in enumerate(REQUESTS):
        now = NOW + timedelta(minutes=n)
        cap = capture.validate(request, now=now)
        with sql.write(target) as store:
            capture.record(
                store, cap, owner="rep", now=now, new_id=lambda: uuid.UUID(int=next(counter))
            )


def read_through_models(target: config.DbTarget) -> dict[str, list[object]]:
    engine = make_engine(target)
    try:
        with Session(engine) as session:
            return {
                name: list(session.exec(select(model)).all())  # type: ignore[call-overload]
                for name, model in TABLES.items()
            }
    finally:
        engine.dispose()


def test_captures_read_back_through_the_models(tmp_path: Path) -> None:
    target = config.target_from(str(tmp_path / "store.db"))
    write_captures(target)
    found = read_through_models(target)
    counts = {name: len(rows) for name, rows in found.items() if rows}
    # intel: the four typed and Dana, reached as the decision maker; wins: one per subject
    # (the typed "gatekeeper's name" is the first-gatekeeper win)
    assert counts == {
        "prospects": 2, "contacts": 2, "activities": 5, "stage_changes": 2, "next_steps": 2,
        "intel": 5, "wins": 5, "quality": 1,
    }  # fmt: skip
    first = next(a for a in found["activities"] if isinstance(a, Activity) and a.duration_s)
    assert first.occurred_at == NOW - timedelta(hours=2)
    assert first.occurred_at.tzinfo is not None
    assert first.id == uuid.UUID(int=4)  # prospect 1, stage change 2, contact 3, activity 4
    step = next(s for s in found["next_steps"] if isinstance(s, NextStep) and s.done_at)
    assert step.done_by_activity_id is not None and step.done_at.tzinfo is not None


def test_stored_forms_equal_what_sqlalchemy_writes(tmp_path: Path) -> None:
    """Every row the store wrote, written again by SQLAlchemy into an empty database, gives
    byte-for-byte the same stored values."""
    ours = config.target_from(str(tmp_path / "store.db"))
    write_captures(ours)
    theirs = config.target_from(str(tmp_path / "orm.db"))
    migrate.upgrade(theirs)
    rows = read_through_models(ours)
    engine = make_engine(theirs)
    try:
        with engine.begin() as connection:
            for name, model in TABLES.items():
                table = model.__table__  # type: ignore[attr-defined]
                values = [r.model_dump() for r in rows[name]]  # type: ignore[attr-defined]
                if values:
                    connection.execute(table.insert(), values)
    finally:
        engine.dispose()
    assert tmp_path.joinpath("store.db").exists()
    ours_rows, theirs_rows = dump(tmp_path / "store.db"), dump(tmp_path / "orm.db")
    # the search index numbers its documents in the order rows were written: the same
    # documents, whatever their numbers
    docs = [sorted(r[1:] for r in found.pop("search_docs")) for found in (ours_rows, theirs_rows)]
    assert docs[0] == docs[1] and len(docs[0]) > 5
    words = [
        sorted(t for t, _, _ in found.pop("search_index")) for found in (ours_rows, theirs_rows)
    ]
    assert words[0] == words[1] and "gatekeeper" in words[0]
    assert ours_rows == theirs_rows
    assert len(ours_rows["activities"]) == 5  # not vacuous


@pytest.mark.postgres
def test_captures_on_postgres_read_back_through_the_models(pg_url: str) -> None:
    target = config.target_from(pg_url)
    write_captures(target)
    found = read_through_models(target)
    assert len(found["activities"]) == 5 and len(found["intel"]) == 5
    times = sorted(a.occurred_at for a in found["activities"])  # type: ignore[attr-defined]
    assert times[0] == NOW - timedelta(hours=2) and times[0].tzinfo is not None
    with sql.read(target) as store:
        stored = store.one("SELECT id, occurred_at, objective_met FROM activities LIMIT 1")
    assert stored is not None
    assert isinstance(stored[0], uuid.UUID) and isinstance(stored[1], datetime)


def test_named_parameters_become_pyformat_outside_quotes() -> None:
    assert sql.pyformat("SELECT a::text FROM t WHERE x = :x AND y LIKE '%:y%'") == (
        "SELECT a::text FROM t WHERE x = %(x)s AND y LIKE '%%:y%%'"
    )
    assert sql.pyformat("SELECT to_char(t, 'HH24:MI') || :a, 'it''s :b' % 2") == (
        "SELECT to_char(t, 'HH24:MI') || %(a)s, 'it''s :b' %% 2"
    )


def test_stored_forms() -> None:
    when = datetime(2026, 11, 20, 15, 0, 1, 5, tzinfo=UTC)
    assert sql.stored(uuid.UUID(int=1)) == "00000000000000000000000000000001"
    assert sql.stored(when) == "2026-11-20 15:00:01.000005"
    assert sql.stored(True) == 1 and sql.stored(None) is None and sql.stored(2.5) == 2.5
