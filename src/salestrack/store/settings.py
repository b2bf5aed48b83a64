"""Settings (one row per key, JSON or text values), read in one place."""

from __future__ import annotations

from salestrack import vocab
from salestrack.store.sql import Store


def setting(store: Store, key: str) -> str | None:
    """The stored value of ``key``, or None."""
    row = store.one("SELECT value FROM settings WHERE key = :k", k=key)
    return None if row is None else str(row[0])


def stages(store: Store) -> list[str]:
    """The configured stage names, in order (the default list when none is set)."""
    raw = setting(store, "stages")
    if raw:
        import json

        value = json.loads(raw)
        if value:
            return [str(s) for s in value]
    return list(vocab.DEFAULT_STAGES)
