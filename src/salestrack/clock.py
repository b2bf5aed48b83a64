"""The one source of "now". Stored times are UTC; shown times are local (TZ honoured).

Tests freeze time with ``SALESTRACK_NOW`` (an ISO-8601 instant with offset), in-process and
in subprocesses alike.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime


def now() -> datetime:
    """The current instant, aware, in UTC."""
    env = os.environ.get("SALESTRACK_NOW")
    if env:
        value = datetime.fromisoformat(env.replace("Z", "+00:00"))
        if value.tzinfo is None:
            raise ValueError("SALESTRACK_NOW needs a UTC offset, e.g. 2026-11-20T14:00:00+00:00")
        return value.astimezone(UTC)
    return datetime.now(UTC)


def to_utc(value: datetime) -> datetime:
    """An aware UTC datetime; naive values are taken to be UTC already (as stored)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def db_text(value: datetime) -> str:
    """The exact text SQLite stores for a timestamp (UTC, microseconds, no offset), as
    SQLAlchemy writes it (a four-digit year)."""
    return to_utc(value).isoformat(sep=" ", timespec="microseconds")[:26]


def from_db_text(text: str) -> datetime:
    """Read a stored SQLite timestamp back as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def iso_from_db_text(text: str) -> str:
    """``from_db_text(text).isoformat()``, by slicing the fixed-width stored text (export
    turns a million of them)."""
    micro = "" if text.endswith(".000000") else text[19:26]
    return f"{text[:10]}T{text[11:19]}{micro}+00:00"
