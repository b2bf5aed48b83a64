"""The bulk path on a real PostgreSQL server: COPY, one transaction for the whole batch."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import psycopg
import pytest

from salestrack import config
from salestrack.errors import DatabaseError
from salestrack.store import bulk

pytestmark = pytest.mark.postgres

AT = datetime(2026, 11, 20, 14, 30, 15, 250000, tzinfo=UTC)


def _batch() -> dict[str, list[dict[str, object]]]:
    pid, aid, cid = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    base = {"owner": "alice", "created_at": AT, "updated_at": AT}
    return {
        "prospects": [
            {"id": pid, **base, "name": "Acme Corp", "name_key": "acme corp", "stage": "lead",
             "value": 12500.5, "notes": "tab\there, new\nline, back\\slash"},
        ],
        "contacts": [{"id": cid, **base, "prospect_id": pid, "name": "Sue", "role": "gatekeeper"}],
        "activities": [
            {"id": aid, **base, "prospect_id": pid, "contact_id": cid, "kind": "call",
             # another offset: stored as the same instant
             "occurred_at": AT.astimezone(timezone(timedelta(hours=-5))), "duration_s": 180,
             "direction": "outbound", "reached": "gatekeeper", "outcome": "gatekeeper",
             "objective_met": False},
        ],
        "quality": [
            {"id": uuid.uuid4(), **base, "activity_id": aid, "value": 4, "uncovered": 3,
             "openness": 5, "commitment": 1},
        ],
        "settings": [{"key": "demo", "value": '{"seed": 1}', "updated_at": AT}],
    }  # fmt: skip


def _read(url: str, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return conn.execute(sql).fetchall()


def test_copy_writes_every_row_as_given(pg_url: str) -> None:
    batch = _batch()
    counts = bulk.write(config.target_from(pg_url), batch)
    assert counts == {"prospects": 1, "contacts": 1, "activities": 1, "quality": 1, "settings": 1}
    p, a, q = batch["prospects"][0], batch["activities"][0], batch["quality"][0]
    assert _read(
        pg_url,
        "SELECT id, owner, name, name_key, company, stage, value, notes, created_at FROM prospects",
    ) == [(p["id"], "alice", "Acme Corp", "acme corp", None, "lead", 12500.5, p["notes"], AT)]
    assert _read(
        pg_url,
        "SELECT id, prospect_id, contact_id, occurred_at, duration_s, reached, objective_met, "
        "notes FROM activities",
    ) == [(a["id"], p["id"], batch["contacts"][0]["id"], AT, 180, "gatekeeper", False, None)]
    assert _read(pg_url, "SELECT id, activity_id, value, commitment FROM quality") == [
        (q["id"], a["id"], 4, 1)
    ]
    assert _read(pg_url, "SELECT key, value, updated_at FROM settings WHERE key = 'demo'") == [
        ("demo", '{"seed": 1}', AT)
    ]


def test_a_failing_batch_writes_nothing(pg_url: str) -> None:
    batch = _batch()
    batch["quality"][0]["value"] = 9  # the check constraint fails in the last COPY but one
    with pytest.raises(DatabaseError, match="ck_quality_value"):
        bulk.write(config.target_from(pg_url), batch)
    counted = _read(
        pg_url,
        "SELECT (SELECT count(*) FROM prospects), (SELECT count(*) FROM contacts), "
        "(SELECT count(*) FROM activities), (SELECT count(*) FROM quality), "
        "(SELECT count(*) FROM settings WHERE key = 'demo')",
    )
    assert counted == [(0, 0, 0, 0, 0)]


def test_a_naive_time_is_refused_and_nothing_is_written(pg_url: str) -> None:
    batch = _batch()
    batch["activities"][0]["occurred_at"] = datetime(2026, 11, 20, 14, 30)
    with pytest.raises(DatabaseError, match=r"activities.occurred_at: naive datetime"):
        bulk.write(config.target_from(pg_url), batch)
    assert _read(pg_url, "SELECT count(*) FROM prospects") == [(0,)]


def test_an_unknown_table_is_refused(pg_url: str) -> None:
    with pytest.raises(DatabaseError, match="no such table: calls"):
        bulk.write(config.target_from(pg_url), {"calls": [{"id": 1}]})
