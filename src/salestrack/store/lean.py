"""The lean path: capture on SQLite with the standard library only.

Importing SQLAlchemy costs about 0.2 s, longer than the rest of a capture. So ``log`` on
SQLite opens the file with :mod:`sqlite3` and runs the few statements below. The schema is
still defined once, in :mod:`salestrack.models`: these statements write the same stored
forms SQLAlchemy writes (UUIDs as 32 hex digits, UTC times as ``YYYY-MM-DD HH:MM:SS.ffffff``,
booleans as 0/1), which ``tests/test_contract.py`` proves by writing the same capture both
ways and comparing every row.

Anything unusual (a missing file, an old schema) goes through :mod:`salestrack.store.migrate`
first, which does import SQLAlchemy, once.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from salestrack import clock, vocab
from salestrack.capture.capture import Fact
from salestrack.config import DbTarget
from salestrack.errors import DatabaseError
from salestrack.names import Ref
from salestrack.store import files
from salestrack.store.revision import HEAD

BUSY_TIMEOUT_MS = 10_000
_IDENT = re.compile(r"^[a-z_]+$")


def stored(value: Any) -> Any:
    """A Python value in the form SQLAlchemy stores it on SQLite."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return clock.db_text(value)
    if isinstance(value, bool):
        return int(value)
    return value


class LeanStore:
    """A :class:`salestrack.capture.capture.CaptureStore` over a stdlib connection."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection

    def prospect_exact(self, key: str) -> Ref | None:
        row = self.db.execute(
            "SELECT id, name FROM prospects WHERE name_key = ? LIMIT 1", (key,)
        ).fetchone()
        return Ref(uuid.UUID(row[0]), row[1]) if row else None

    def prospect_prefix(self, key: str) -> list[Ref]:
        rows = self.db.execute(
            "SELECT id, name FROM prospects WHERE name_key >= ? AND name_key < ? LIMIT 50",
            (key, key + "\U0010ffff"),
        ).fetchall()
        return [Ref(uuid.UUID(i), n) for i, n in rows]

    def prospect_names(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM prospects")]

    def contacts(self, prospect_id: uuid.UUID) -> list[Ref]:
        rows = self.db.execute(
            "SELECT id, name FROM contacts WHERE prospect_id = ?", (prospect_id.hex,)
        ).fetchall()
        return [Ref(uuid.UUID(i), n) for i, n in rows]

    def open_next_steps(self, prospect_id: uuid.UUID) -> list[tuple[uuid.UUID, datetime]]:
        rows = self.db.execute(
            "SELECT n.id, COALESCE(a.occurred_at, n.created_at) FROM next_steps n "
            "LEFT JOIN activities a ON a.id = n.activity_id "
            "WHERE n.prospect_id = ? AND n.done_at IS NULL",
            (prospect_id.hex,),
        ).fetchall()
        return [(uuid.UUID(i), clock.from_db_text(t)) for i, t in rows]

    def intel_facts(self, prospect_id: uuid.UUID) -> list[Fact]:
        rows = self.db.execute(
            "SELECT id, kind, value, learned_at, superseded_at IS NULL FROM intel "
            "WHERE prospect_id = ?",
            (prospect_id.hex,),
        ).fetchall()
        return [Fact(uuid.UUID(i), k, v, clock.from_db_text(t), bool(c)) for i, k, v, t, c in rows]

    def reached_before(self, prospect_id: uuid.UUID, reached: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM activities WHERE prospect_id = ? AND reached = ? LIMIT 1",
            (prospect_id.hex, reached),
        ).fetchone()
        return row is not None

    def objective(self, prospect_id: uuid.UUID) -> str | None:
        row = self.db.execute(
            "SELECT objective FROM prospects WHERE id = ?", (prospect_id.hex,)
        ).fetchone()
        return row[0] if row else None

    def first_stage(self) -> str:
        row = self.db.execute("SELECT value FROM settings WHERE key = 'stages'").fetchone()
        if row:
            import json

            stages = json.loads(row[0])
            if stages:
                return str(stages[0])
        return vocab.DEFAULT_STAGES[0]

    def insert(self, table: str, row: dict[str, Any]) -> None:
        assert _IDENT.match(table) and all(_IDENT.match(c) for c in row)
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.db.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",
            [stored(v) for v in row.values()],
        )

    def upsert_setting(self, key: str, value: str, now: datetime) -> None:
        self.db.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at",
            (key, value, clock.db_text(now)),
        )

    def update(self, table: str, row_id: uuid.UUID, changes: dict[str, Any]) -> None:
        assert _IDENT.match(table) and all(_IDENT.match(c) for c in changes)
        sets = ", ".join(f"{c} = ?" for c in changes)
        self.db.execute(
            f"UPDATE {table} SET {sets} WHERE id = ?",
            [*(stored(v) for v in changes.values()), row_id.hex],
        )


@contextmanager
def write_transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Take the write lock (BEGIN IMMEDIATE), commit only if all went well, then close ``db``."""
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    finally:
        db.close()


def connect(path: Path) -> sqlite3.Connection:
    """A stdlib connection with the same settings as the SQLAlchemy engine."""
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA synchronous=NORMAL")
    return db


def revision(db: sqlite3.Connection) -> str | None:
    try:
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return str(row[0]) if row else None


def open_current(target: DbTarget) -> sqlite3.Connection:
    """A connection to ``target`` at the current schema, migrating first if needed."""
    assert target.path is not None
    path = target.path
    if path.exists() and path.stat().st_size > 0:
        files.check_header(path)
        try:
            db = connect(path)
            if revision(db) == HEAD:
                return db
            db.close()
        except sqlite3.DatabaseError as exc:
            from salestrack.store.migrate import describe_driver_error

            raise DatabaseError(describe_driver_error(exc, target)) from None
    from salestrack.store.migrate import upgrade

    upgrade(target)
    return connect(path)
