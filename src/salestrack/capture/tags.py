"""Tags on prospects and activities: ``--tag/-t`` on ``prospect add|edit``, ``log`` and
``edit``, and ``--tag`` as a filter on the lists. Stdlib only (log is the hot path).

A tag is one word: letters, digits and ``- _ : . /``, at most 50 characters, stored in lower
case without a leading ``#`` (``#Q4`` is ``q4``). An activity carries its own tags and those
of its prospect, so ``activity list --tag q4`` shows the activities tagged q4 and every
activity of a prospect tagged q4.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from salestrack import names
from salestrack.errors import InvalidInput, NotFound
from salestrack.store.sql import Store, uid

MAX_TAG = 50
_TAG = re.compile(r"^[^\W_][\w:./-]*$")


def clean(field: str, typed: str) -> str:
    """A tag as stored, or :class:`InvalidInput` naming ``field`` and the fix."""
    tag = typed.strip().lstrip("#").casefold()
    if not tag:
        raise InvalidInput(field, "the tag is empty; give a word such as q4 or hot-lead")
    if len(tag) > MAX_TAG:
        raise InvalidInput(field, f"the tag is {len(tag)} characters; keep it to {MAX_TAG}")
    if not _TAG.match(tag):
        raise InvalidInput(
            field,
            f"'{typed.strip()}' is not a tag; use one word of letters, digits and - _ : . / "
            "(e.g. q4, hot-lead)",
        )
    return tag


def clean_all(field: str, typed: Iterable[str]) -> list[str]:
    """Each tag cleaned, in the order given, each once."""
    return list(dict.fromkeys(clean(field, t) for t in typed))


def all_names(store: Store) -> list[str]:
    """Every tag in use, sorted."""
    return [str(r[0]) for r in store.rows("SELECT DISTINCT name FROM tags ORDER BY name")]


def known(store: Store, typed: str, field: str = "--tag") -> str:
    """A tag a filter names: it must be in use, or the error says so and suggests the
    nearest (a typo in a filter would otherwise show nothing and look like an answer)."""
    tag = clean(field, typed)
    if store.one("SELECT 1 FROM tags WHERE name = :t LIMIT 1", t=tag) is not None:
        return tag
    close = nearest(tag, all_names(store))
    hint = (
        "; did you mean " + ", ".join(f"'{c}'" for c in close) + "?"
        if close
        else "; no prospect or activity carries it (add one with --tag)"
    )
    raise NotFound(f"{field}: unknown tag '{tag}'{hint}")


def nearest(typed: str, everyone: list[str]) -> list[str]:
    """The words in ``everyone`` closest to ``typed`` (as names are matched), else those one
    letter away (short words are too short for the names' rule)."""
    return (
        names.suggestions(typed, everyone, limit=3)
        or [w for w in everyone if _one_off(typed, w)][:3]
    )


def _one_off(a: str, b: str) -> bool:
    """One letter changed, added or dropped (``q5`` for ``q4``): a typo in a short tag."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def activity_filter(alias: str, param: str) -> str:
    """SQL: the activity ``alias`` carries the tag ``param`` (itself or through its prospect)."""
    return (
        f"({alias}.id IN (SELECT activity_id FROM tags WHERE name = {param}) OR "
        f"{alias}.prospect_id IN (SELECT prospect_id FROM tags WHERE name = {param} "
        "AND activity_id IS NULL))"
    )


def prospect_filter(column: str, param: str) -> str:
    """SQL: the prospect id ``column`` is of a prospect tagged ``param``."""
    return (
        f"{column} IN (SELECT prospect_id FROM tags WHERE name = {param} AND activity_id IS NULL)"
    )


def _marks(prefix: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    return ", ".join(f":{prefix}{n}" for n in range(len(values))), {
        f"{prefix}{n}": v for n, v in enumerate(values)
    }


def of_prospects(store: Store, prospect_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """The tags of each prospect (its own, not its activities')."""
    found: dict[uuid.UUID, list[str]] = {}
    ids = list(dict.fromkeys(prospect_ids))
    for start in range(0, len(ids), 500):
        marks, params = _marks("p", ids[start : start + 500])
        for pid, name in store.rows(
            f"SELECT prospect_id, name FROM tags WHERE activity_id IS NULL AND prospect_id IN "
            f"({marks}) ORDER BY name",
            **params,
        ):
            found.setdefault(uid(pid), []).append(str(name))
    return found


def of_activities(
    store: Store, pairs: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> dict[uuid.UUID, list[str]]:
    """The tags each (activity id, prospect id) carries: its own, then its prospect's."""
    own: dict[uuid.UUID, list[str]] = {}
    ids = [a for a, _ in pairs]
    for start in range(0, len(ids), 500):
        marks, params = _marks("a", ids[start : start + 500])
        for aid, name in store.rows(
            f"SELECT activity_id, name FROM tags WHERE activity_id IN ({marks}) ORDER BY name",
            **params,
        ):
            own.setdefault(uid(aid), []).append(str(name))
    inherited = of_prospects(store, [p for _, p in pairs])
    return {
        a: list(dict.fromkeys([*own.get(a, []), *inherited.get(p, [])]))
        for a, p in pairs
        if a in own or p in inherited
    }


def add(
    store: Store,
    wanted: Sequence[str],
    *,
    prospect_id: uuid.UUID,
    activity_id: uuid.UUID | None,
    owner: str,
    now: datetime,
) -> list[str]:
    """Put the (clean) tags on a prospect, or on an activity; returns the ones added."""
    if activity_id is None:
        held = store.rows(
            "SELECT name FROM tags WHERE prospect_id = :p AND activity_id IS NULL", p=prospect_id
        )
    else:
        held = store.rows("SELECT name FROM tags WHERE activity_id = :a", a=activity_id)
    have = {str(r[0]) for r in held}
    added = [t for t in wanted if t not in have]
    for tag in added:
        store.insert(
            "tags",
            {
                "id": uuid.uuid4(), "owner": owner, "created_at": now, "updated_at": now,
                "prospect_id": prospect_id, "activity_id": activity_id, "name": tag,
            },
        )  # fmt: skip
    return added


def remove(
    store: Store,
    unwanted: Sequence[str],
    *,
    prospect_id: uuid.UUID,
    activity_id: uuid.UUID | None,
    field: str = "--untag",
) -> list[str]:
    """Take the tags off a prospect or an activity; one it does not carry is an error."""
    removed = []
    for tag in unwanted:
        if activity_id is None:
            n = store.execute(
                "DELETE FROM tags WHERE prospect_id = :p AND activity_id IS NULL AND name = :t",
                p=prospect_id,
                t=tag,
            )
        else:
            n = store.execute(
                "DELETE FROM tags WHERE activity_id = :a AND name = :t", a=activity_id, t=tag
            )
        if not n:
            what = "the prospect" if activity_id is None else "the activity"
            raise InvalidInput(field, f"{what} has no tag '{tag}'")
        removed.append(tag)
    return removed
