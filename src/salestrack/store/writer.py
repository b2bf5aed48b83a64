"""The store a capture writes through: stdlib SQLite (the lean path) or SQLAlchemy."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from salestrack.config import DbTarget

if TYPE_CHECKING:
    from salestrack.capture.capture import CaptureStore
    from salestrack.store.sql import Reader


@contextmanager
def capture_store(target: DbTarget) -> Iterator[CaptureStore]:
    """One write transaction on ``target``; commits when the block ends without an error."""
    if target.path is not None:
        from salestrack.store import lean

        with lean.write_transaction(lean.open_current(target)) as db:
            yield lean.LeanStore(db)
        return
    from salestrack.store.engine import session
    from salestrack.store.orm import OrmStore

    with session(target) as s:
        yield OrmStore(s)


def reader_for(store: CaptureStore) -> Reader:
    """A :class:`Reader` inside the store's own transaction (to read what it will change)."""
    from salestrack.store.lean import LeanStore
    from salestrack.store.sql import Reader

    if isinstance(store, LeanStore):
        return Reader(store.db, sqlite=True)
    return Reader(store.db.connection(), sqlite=False)  # type: ignore[attr-defined]
