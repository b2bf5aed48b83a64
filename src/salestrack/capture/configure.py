"""``salestrack config``: every setting of the registry (store/settings.py), shown, set and
put back to its default, each checked by its key's rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from salestrack.errors import Conflict, InvalidInput
from salestrack.store import settings
from salestrack.store.sql import Store


@dataclass
class Entry:
    key: str
    value: Any  # the value in use (the default's when none is stored)
    source: str  # "set" (this user's own value), "team" (the team's), "default" or "not valid"
    scope: str  # personal or team
    meaning: str
    shape: str
    problem: str | None = None  # why a stored value is not valid

    def row(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "value": None if self.problem else self.value,
            "source": self.source,
            "scope": self.scope,
            "meaning": self.meaning,
        }


def settable() -> list[str]:
    """The keys a person sets, in the registry's order."""
    return [k for k, v in settings.REGISTRY.items() if not v.internal]


def entry(reader: Store, name: str) -> Entry:
    """One key as it is in use; a stored value without its shape is noted, not raised."""
    found = settings.key(name)
    if found.internal:
        raise InvalidInput("KEY", f"{found.name} is kept by salestrack itself; use one of "
                           + ", ".join(settable()))  # fmt: skip
    row = settings.stored(reader, found.name)
    base = {"scope": found.scope, "meaning": found.meaning, "shape": found.shape}
    if row is None:
        return Entry(found.name, found.fallback(), "default", **base)
    text, owner, _ = row
    try:
        value = settings.read_text(found, text)
    except settings.BadSetting as exc:
        return Entry(found.name, None, "not valid", problem=exc.message, **base)
    own = owner != settings.TEAM_OWNER or found.scope == settings.TEAM or reader.sqlite
    return Entry(found.name, value, "set" if own else "team", **base)


def listing(reader: Store) -> list[Entry]:
    return [entry(reader, k) for k in settable()]


def change(store: Store, name: str, text: str, *, now: datetime) -> Any:
    """Store ``text`` (JSON, or the natural form of a list or a name) as key ``name``."""
    found = settings.key(name)
    if found.internal:
        raise InvalidInput("KEY", f"{found.name} is kept by salestrack itself")
    wanted = settings.parse(found.name, text)
    if found.name == "stages":
        from salestrack.capture import prospects

        return prospects.set_stages(store, wanted, now=now)
    if found.name == "checklist":
        stages = settings.stages(store)
        for item in wanted:
            if item["stage"] not in stages:
                raise InvalidInput(
                    "checklist", f"'{item['stage']}' is not a stage; use {', '.join(stages)}"
                )
    return settings.write(store, found.name, wanted, now)


def reset(store: Store, name: str, *, now: datetime) -> Entry:
    """Put key ``name`` back to its default (on a server: the team's value, when the team
    has one and it is valid; when it is not, the rep's own row holds the default); returns
    the key as it now is."""
    found = settings.key(name)
    if found.internal:
        raise InvalidInput("KEY", f"{found.name} is kept by salestrack itself")
    if found.name == "stages":
        from salestrack.capture import prospects

        prospects.check_in_use(store, settings.REGISTRY["stages"].fallback())
    gone = settings.reset(store, found.name)
    if not gone and found.scope == settings.TEAM and settings.stored(store, found.name):
        raise Conflict(
            f"{found.name} is a team-wide setting; only a manager (or the administrator) changes it"
        )
    now_in_use = entry(store, found.name)
    if now_in_use.problem and found.scope == settings.PERSONAL:  # the team's row is bad
        settings.write(store, found.name, found.fallback(), now)
        now_in_use = entry(store, found.name)
    return now_in_use
