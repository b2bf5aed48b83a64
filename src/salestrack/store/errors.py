"""Driver errors (sqlite3, psycopg) as one-line :class:`DatabaseError` messages, URLs masked."""

from __future__ import annotations

import sys

from salestrack.config import DbTarget
from salestrack.errors import DatabaseError


class translate_errors:
    """Turn driver errors into one-line :class:`DatabaseError` messages (URLs masked)."""

    def __init__(self, target: DbTarget) -> None:
        self.target = target

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: BaseException | None, _tb: object) -> None:
        if exc is None or not is_driver_error(exc):
            return
        raise DatabaseError(describe_driver_error(exc, self.target)) from None


def is_driver_error(exc: BaseException) -> bool:
    """An error raised by a database driver (never imports a driver to find out)."""
    for module, name in (
        ("sqlite3", "Error"),
        ("psycopg", "Error"),
        ("sqlalchemy.exc", "DBAPIError"),
    ):
        found = sys.modules.get(module)
        if found is not None and isinstance(exc, getattr(found, name)):
            return True
    return False


def describe_driver_error(exc: BaseException, target: DbTarget) -> str:
    """A user-facing sentence for a database driver error."""
    original = getattr(exc, "orig", None) or exc
    text = (str(original).strip().splitlines() or [type(original).__name__])[0]
    text = target.mask(text)
    lowered = text.lower()
    where = target.display
    if " is not yours: " in text:  # the server's own rule (revision 0010's triggers)
        return text
    if "row-level security" in lowered and '"settings"' in text:
        return (
            "only a manager (or the administrator) changes a team-wide setting such as the "
            "stages; your own settings are yours to change"
        )
    if "locked" in lowered or "busy" in lowered:
        return f"the database '{where}' is busy (another salestrack is writing); try again"
    if "not a database" in lowered or "malformed" in lowered:
        return (
            f"'{where}' is not a readable salestrack database ({text}); "
            "point --db at another file or restore a backup"
        )
    if lowered.startswith("permission denied for "):  # a role without the right to write
        return (
            f"the database '{where}' is read-only for this user ({text}); ask its "
            "administrator for the rights, or use another --db"
        )
    if "readonly" in lowered or "read-only" in lowered:
        return f"the database '{where}' is read-only; fix its permissions or use another --db"
    if "unable to open" in lowered:
        return f"can't open the database '{where}' ({text}); check the path and permissions"
    if "disk" in lowered and "full" in lowered:
        return f"the disk holding '{where}' is full; free some space and try again"
    return f"database error on '{where}': {text}"
