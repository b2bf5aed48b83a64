"""``salestrack search TEXT``: find a name or a fact again, ranked, with where it came from.

Through the full-text index of :mod:`salestrack.store.fulltext` (FTS5's BM25 on SQLite,
``ts_rank`` on PostgreSQL), the best matches first and the most recent first among equals.
Only the hits shown are read back from their tables. Stdlib only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from salestrack import vocab
from salestrack.store import fulltext
from salestrack.store.sql import Store, uid, when, within

# how each kind of row is shown: where it came from, and its text (SQL over its columns)
_SHOWN = {
    "prospects": ("'prospect'",
                  "name || coalesce(' · ' || company, '') || coalesce(' · ' || notes, '')"),
    "contacts": ("'contact'",
                 "name || coalesce(' · ' || title, '') || coalesce(' · ' || email, '') || "
                 "coalesce(' · ' || notes, '')"),
    "activities": ("kind || ' notes'", "notes"),
    "intel": ("'intel: ' || replace(kind, '_', ' ')", "value"),
    "next_steps": ("'next step'", "action"),
    "promises": ("'promise'", "text || coalesce(' · ' || notes, '')"),
    "lessons": ("'lesson'", "text || coalesce(' · ' || change, '')"),
    "successes": ("'success'", "text"),
}  # fmt: skip
RANKED = 2000  # the most recent matches that are ranked (written on SQLite, dated on a server)
_TABLE = {s.kind: s.table for s in fulltext.SOURCES if s.kind} | {
    k: "activities" for k in fulltext.ACTIVITY_KINDS
}


@dataclass
class Hit:
    id: uuid.UUID
    kind: str  # prospect, contact, call..., intel, next_step, promise, lesson, success
    source: str  # where it came from, in words: "call notes", "intel: gatekeeper"
    prospect_id: uuid.UUID | None
    prospect: str | None
    at: datetime | None
    text: str
    score: float

    def as_row(self) -> dict[str, Any]:
        return dict(self.__dict__)


def kinds(typed: list[str] | None) -> list[str]:
    """The kinds ``--kind`` names (each a kind or a unique start: ``next`` is next_step)."""
    return [vocab.choose("--kind", k, fulltext.KINDS, what="kind") for k in typed or []]


def search(
    store: Store,
    typed: str,
    *,
    kinds: list[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 20,
) -> list[Hit]:
    groups = fulltext.terms(typed)
    found = (
        _sqlite(store, groups, kinds, since, until, limit)
        if store.sqlite
        else _server(store, groups, kinds, since, until, limit)
    )
    return _read_back(store, found)


Found = list[tuple[str, Any, float]]  # (table, row id, score), best first


def _sqlite(
    store: Store,
    groups: list[tuple[str, ...]],
    wanted: list[str] | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
) -> Found:
    where = ["search_index MATCH :q"]
    params: dict[str, Any] = {"q": fulltext.fts5_query(groups), "n": limit}
    if wanted:
        where.append(f"d.kind IN ({', '.join(f':k{n}' for n in range(len(wanted)))})")
        params.update({f"k{n}": k for n, k in enumerate(wanted)})
    where += within("d.at", since, until, params)
    # ranked among the latest RANKED matches (documents are numbered as written): a word in
    # most rows ("call") would otherwise be scored in all of them; FTS5 walks its list of
    # documents backwards and stops
    rows = store.rows(
        "SELECT kind, row_id, score FROM (SELECT d.kind, d.row_id, d.at, "
        "bm25(search_index) AS score FROM search_index "
        "JOIN search_docs d ON d.doc = search_index.rowid WHERE "
        + " AND ".join(where)
        + f" ORDER BY search_index.rowid DESC LIMIT {RANKED}) "
        "ORDER BY score, at DESC, kind LIMIT :n",
        **params,
    )
    return [(_TABLE[k], r, -float(s)) for k, r, s in rows]


def _server(
    store: Store,
    groups: list[tuple[str, ...]],
    wanted: list[str] | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
) -> Found:
    parts = []
    params: dict[str, Any] = {"q": fulltext.tsquery(groups), "n": limit}
    query = fulltext.pg_query(":q")
    for source in fulltext.SOURCES:
        if source.kind:
            if wanted and source.kind not in wanted:
                continue
            kind_filter = ""
        else:  # activities: their own kinds
            chosen = [k for k in wanted or fulltext.ACTIVITY_KINDS if k in fulltext.ACTIVITY_KINDS]
            if not chosen:
                continue
            kind_filter = " AND kind IN (" + ", ".join(f"'{k}'" for k in chosen) + ")"
        vector = fulltext.pg_vector(source.text)
        window = "".join(f" AND {w}" for w in within(source.at, since, until, params))
        # each source's latest RANKED matches (by date), as SQLite ranks its latest: a word
        # in most rows ("call") is scored in 2,000 of them, not in a million
        parts.append(
            f"(SELECT '{source.table}' AS t, id, {source.at} AS at, {vector} AS v "
            f"FROM {source.table} WHERE {vector} @@ {query}{kind_filter}{window} "
            f"ORDER BY at DESC LIMIT {RANKED})"
        )
    if not parts:
        return []
    rows = store.rows(
        "SELECT t, id, at, ts_rank(v, "
        + query
        + ") AS score FROM (SELECT * FROM ("
        + " UNION ALL ".join(parts)
        + f") found ORDER BY at DESC LIMIT {RANKED}) latest "
        "ORDER BY score DESC, at DESC, t LIMIT :n",
        **params,
    )
    return [(t, i, float(s)) for t, i, _, s in rows]


def _read_back(store: Store, found: Found) -> list[Hit]:
    """Each hit's row, read by id from its table (a handful of lookups)."""
    by_table: dict[str, list[Any]] = {}
    for table, row_id, _ in found:
        by_table.setdefault(table, []).append(row_id)
    rows: dict[str, tuple[Any, ...]] = {}
    for table, ids in by_table.items():
        source = next(s for s in fulltext.SOURCES if s.table == table)
        where, text = _SHOWN[table]
        kind = "kind" if table == "activities" else f"'{source.kind}'"
        marks = ", ".join(f":i{n}" for n in range(len(ids)))
        for row in store.rows(
            f"SELECT id, {kind}, {where}, {source.prospect}, {source.at}, {text} FROM {table} "
            f"WHERE id IN ({marks})",
            **{f"i{n}": uid(i) for n, i in enumerate(ids)},
        ):
            rows[uid(row[0]).hex] = row
    prospect_ids = {uid(r[3]) for r in rows.values() if r[3] is not None}
    names: dict[uuid.UUID, str] = {}
    if prospect_ids:
        marks = ", ".join(f":p{n}" for n in range(len(prospect_ids)))
        names = {
            uid(i): str(n)
            for i, n in store.rows(
                f"SELECT id, name FROM prospects WHERE id IN ({marks})",
                **{f"p{n}": p for n, p in enumerate(prospect_ids)},
            )
        }
    hits = []
    for _, row_id, score in found:
        shown = rows.get(uid(row_id).hex)
        if shown is None:  # pragma: no cover - the index and the table are one transaction
            continue
        ident, kind, where, pid, at, text = shown
        prospect_id = None if pid is None else uid(pid)
        hits.append(
            Hit(
                id=uid(ident), kind=str(kind), source=str(where), prospect_id=prospect_id,
                prospect=names.get(prospect_id) if prospect_id else None, at=when(at),
                text=str(text or ""), score=round(score, 6),
            )
        )  # fmt: skip
    return hits


def snippet(text: str, typed: str, width: int = 60) -> str:
    """``text`` from a little before its first match, so the match shows in a narrow cell."""
    try:
        groups = fulltext.terms(typed)
    except Exception:  # pragma: no cover - the search itself has checked it
        return text
    folded = text.casefold()
    at = min((i for g in groups if (i := folded.find(g[0])) >= 0), default=-1)
    if at <= width // 3:
        return text
    start = text.rfind(" ", 0, at - width // 6)
    return "…" + text[start + 1 if start >= 0 else at - width // 6 :]
