"""Saved views: a name for a list command and its options (Close's smart views, Taskwarrior's
contexts). ``view save NAME -- prospect list --stage proposal --tag q4``, then ``view NAME``.

A view keeps the arguments as typed (a JSON list); they are checked when saved and read again
each time it runs, so a view always means what its command means today. Stdlib only.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from salestrack.errors import Conflict, InvalidInput, NotFound, UsageError
from salestrack.store.sql import Store

#: The commands a view can name: reading ones, that list or report.
SAVABLE = (
    ("prospect", "list"), ("activity", "list"), ("contact", "list"), ("search",), ("next",),
    ("today",), ("pipeline",), ("baseline",), ("wins",), ("quality",),
)  # fmt: skip
#: Words that are ``view``'s own subcommands, so can't name a view.
RESERVED = ("save", "list", "rm", "run", "show")
MAX_NAME = 50


def check_name(typed: str) -> str:
    """A view's name: one word (as a tag is), not one of ``view``'s own commands."""
    from salestrack.capture import tags

    name = tags.clean("NAME", typed)
    if name in RESERVED:
        raise InvalidInput("NAME", f"'{name}' is a view command; call the view something else")
    return name


def command_of(argv: list[str]) -> tuple[str, ...]:
    """The command path a view's arguments start with (``('prospect', 'list')``), or a usage
    error naming the commands a view can be."""
    if any(a == "--db" or a.startswith("--db=") for a in argv):
        raise UsageError("view save: a view can't name --db; it belongs to its database")
    for path in SAVABLE:
        if tuple(argv[: len(path)]) == path:
            return path
    shown = " ".join(argv[:2]) or "nothing"
    allowed = ", ".join(" ".join(p) for p in SAVABLE)
    raise UsageError(f"view save: '{shown}' can't be saved as a view; a view is one of: {allowed}")


def save(
    store: Store, name: str, argv: list[str], *, owner: str, now: datetime, force: bool = False
) -> bool:
    """Keep ``argv`` as the view ``name``; True when it replaced one (needs ``force``)."""
    found = store.one("SELECT id FROM views WHERE name = :n", n=name)
    text = json.dumps(argv, ensure_ascii=False)
    if found is not None:
        if not force:
            raise Conflict(f"a view called '{name}' exists; add --force to replace it")
        store.execute(
            "UPDATE views SET command = :c, updated_at = :now WHERE name = :n",
            c=text,
            now=now,
            n=name,
        )
        return True
    store.insert(
        "views",
        {
            "id": uuid.uuid4(), "owner": owner, "created_at": now, "updated_at": now,
            "name": name, "command": text,
        },
    )  # fmt: skip
    return False


def all_views(store: Store) -> list[tuple[str, list[str]]]:
    return [
        (str(n), json.loads(c))
        for n, c in store.rows("SELECT name, command FROM views ORDER BY name")
    ]


def get(store: Store, typed: str) -> tuple[str, list[str]]:
    """The view called ``typed`` (exactly, or a unique start), or a clear error."""
    name = typed.strip().casefold()
    found = dict(all_views(store))
    if name in found:
        return name, found[name]
    starts = [n for n in found if n.startswith(name)] if name else []
    if len(starts) == 1:
        return starts[0], found[starts[0]]
    if len(starts) > 1:
        raise NotFound(f"'{typed}' could be the view {', '.join(starts)}; type more of it")
    from salestrack.capture import tags

    close = tags.nearest(name, list(found))
    hint = (
        "; did you mean " + ", ".join(f"'{c}'" for c in close) + "?"
        if close
        else "; see: salestrack view list"
    )
    raise NotFound(f"no view called '{typed}'{hint}")


def remove(store: Store, typed: str) -> str:
    name, _ = get(store, typed)
    store.execute("DELETE FROM views WHERE name = :n", n=name)
    return name


def check_values(store: Store, params: dict[str, object]) -> None:
    """The values of a view's options that name something in the database (a stage, a tag,
    a prospect) must name something there now, as its command will check when run."""
    from salestrack.capture import prospects, tags
    from salestrack.store import lookup

    if isinstance(params.get("stage"), str):
        prospects.check_stage(store, str(params["stage"]), "--stage")
    if isinstance(params.get("tag"), str):
        tags.known(store, str(params["tag"]))
    if isinstance(params.get("prospect"), str):
        lookup.find_prospect(store, str(params["prospect"]))
