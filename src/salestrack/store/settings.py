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
