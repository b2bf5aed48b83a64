"""Settings (one row per key, JSON or text values), read in one place."""

from __future__ import annotations

from typing import Any

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


#: The names a client document is signed with: setting key -> what it means.
NAMES = {
    "rep_name": "your name, as a client document is signed (the QBR scorecard)",
    "company_name": "your company's name, on a client document (the QBR scorecard)",
}


def name(reader: Store, key: str) -> str | None:
    """The name stored under ``key`` (one of :data:`NAMES`), or None when none is set."""
    if key not in NAMES:
        raise KeyError(key)
    value = setting(reader, key)
    return value or None


def set_name(store: Store, key: str, value: str | None, *, now: Any) -> str | None:
    """Store ``value`` under ``key`` (one of :data:`NAMES`) as the name rule cleans it
    (trimmed, single spaces, no control characters, at most 200 characters); None or an empty
    value clears it. Returns what is stored. A bad name raises InvalidInput naming the key."""
    from salestrack.names import clean_name

    if key not in NAMES:
        raise KeyError(key)
    if value is None or not value.strip():
        store.execute("DELETE FROM settings WHERE key = :k", k=key)
        return None
    cleaned = clean_name(key, value)
    store.upsert_setting(key, cleaned, now)
    return cleaned


MY_ADDRESSES = "my_addresses"  # a JSON list of the user's own email addresses


def my_addresses(store: Store) -> list[str]:
    """The user's own email addresses (setting ``my_addresses``: a JSON list of strings,
    kept lower-case), which tell an imported email sent from one received; [] when unset.

    A stored value that is not such a list is an error naming the setting and the fix."""
    raw = setting(store, MY_ADDRESSES)
    if raw is None:
        return []
    import json

    from salestrack.errors import InvalidInput

    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, list) or not all(isinstance(v, str) and "@" in v for v in value):
        raise InvalidInput(
            MY_ADDRESSES,
            "the setting is not a JSON list of email addresses; set it again with "
            "salestrack import mail PATH --me you@example.com",
        )
    return [v.strip().lower() for v in value]
