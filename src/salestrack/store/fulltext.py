"""The full-text index behind ``salestrack search``: what it covers and how a query is spelt.

On SQLite the index is an FTS5 table, ``search_index`` (contentless: it keeps the words,
not the text), with ``search_docs`` saying which row each of its documents is; triggers on
every table it covers keep both current, so capture, edit, import and the bulk path need no
code of their own. On PostgreSQL each covered table has a GIN index on the ``tsvector`` of
its text (an expression index: the server keeps it current on every write, and row-level
security applies to a search as to any read), over the text with its accents folded away as
SQLite's tokenizer does (:func:`pg_vector`). Both are created by revision 0008; the server's
indexes were made again over the folded text by revision 0010.

:data:`SOURCES` lists the covered tables. The text expressions must be the ones the
migration indexed (on PostgreSQL an expression index is used only for the same expression);
``tests/test_search.py`` checks that the server's plans use them.

What was typed never reaches FTS5 or ``to_tsquery`` as syntax: it is split into words
(letters and digits, as both tokenizers split), each matched as a word or the start of one,
and all of them must match (a phrase in double quotes must match in that order).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from salestrack.errors import InvalidInput


@dataclass(frozen=True)
class Source:
    table: str
    kind: str  # the hit's kind as --kind names it; "" for activities (their own kind)
    text: str  # the SQL of the searched text, over the table's columns
    prospect: str  # the prospect id column ("id" for a prospect itself)
    at: str  # the SQL of the hit's date
    where: str  # which rows are indexed ("" for all)


SOURCES = (
    Source("prospects", "prospect",
           "name || ' ' || coalesce(company, '') || ' ' || coalesce(notes, '')",
           "id", "created_at", ""),
    Source("contacts", "contact",
           "name || ' ' || coalesce(title, '') || ' ' || coalesce(email, '') || ' ' || "
           "coalesce(notes, '')", "prospect_id", "created_at", ""),
    Source("activities", "", "notes", "prospect_id", "occurred_at", "notes IS NOT NULL"),
    Source("intel", "intel", "replace(kind, '_', ' ') || ' ' || value", "prospect_id",
           "learned_at", ""),
    Source("next_steps", "next_step", "action", "prospect_id", "coalesce(due_at, created_at)",
           ""),
    Source("promises", "promise", "text || ' ' || coalesce(notes, '')", "prospect_id",
           "made_at", ""),
    Source("lessons", "lesson", "text || ' ' || coalesce(change, '')", "prospect_id",
           "learned_at", ""),
    Source("successes", "success", "text", "prospect_id", "delivered_at", ""),
)  # fmt: skip

#: Every kind of hit ``search --kind`` can name: the activity kinds and the other sources.
ACTIVITY_KINDS = ("call", "email", "meeting", "task", "note")
KINDS = ("prospect", "contact", *ACTIVITY_KINDS, "intel", "next_step", "promise", "lesson",
         "success")  # fmt: skip

#: Schema objects of the index that the models do not describe (a virtual table and its
#: shadow tables on SQLite): left out when the migrated schema is compared with the models.
PREFIX = "search_"

MAX_WORDS = 16
_WORD = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r'"([^"]*)"')


def modelled(name: str | None, type_: str, parent_names: object = None) -> bool:
    """Alembic's ``include_name``: False for the index's own objects."""
    return not (name or "").startswith(PREFIX)


def terms(typed: str) -> list[tuple[str, ...]]:
    """The words of a search, in groups: a quoted phrase is one group, any other word its own.

    Raises :class:`InvalidInput` naming the search when nothing in it can be searched for.
    """
    groups: list[tuple[str, ...]] = []
    rest = typed
    for phrase in _PHRASE.findall(typed):
        words = tuple(w.casefold() for w in _WORD.findall(phrase))
        if words:
            groups.append(words)
        rest = rest.replace(f'"{phrase}"', " ", 1)
    groups += [(w.casefold(),) for w in _WORD.findall(rest)]
    if not groups:
        shown = typed.strip()
        if not shown:
            raise InvalidInput("TEXT", "the search is empty; type a word, a name or a fact")
        raise InvalidInput(
            "TEXT",
            f"'{shown}' has no words to search for; search for letters or digits, e.g. "
            "salestrack search gatekeeper",
        )
    if len(groups) > MAX_WORDS:
        raise InvalidInput("TEXT", f"give at most {MAX_WORDS} words")
    return groups


def fts5_query(groups: list[tuple[str, ...]]) -> str:
    """The FTS5 query for :func:`terms`: each word quoted (so nothing in it is syntax) and
    matched by its start; a phrase's words in order."""

    def group(words: tuple[str, ...]) -> str:
        if len(words) == 1:
            return f'"{words[0]}"*'
        return '"' + " ".join(words[:-1]) + " " + words[-1] + '"*'

    return " AND ".join(group(g) for g in groups)


def pg_vector(text: str) -> str:
    """The server's words of ``text``, as its search indexes hold them (revision 0010):
    accents folded away (``salestrack_fold``), then the ``simple`` configuration."""
    return f"to_tsvector('simple'::regconfig, salestrack_fold({text}))"


def pg_query(param: str) -> str:
    """The server's query for a :func:`tsquery` text in ``param``, folded like the words."""
    return f"to_tsquery('simple'::regconfig, salestrack_fold({param}))"


def tsquery(groups: list[tuple[str, ...]]) -> str:
    """The ``to_tsquery('simple', ...)`` text for :func:`terms`: words are letters and
    digits only, so nothing in it is syntax but what is written here."""

    def group(words: tuple[str, ...]) -> str:
        return " <-> ".join(f"{w}:*" if n == len(words) - 1 else w for n, w in enumerate(words))

    return " & ".join(f"({group(g)})" for g in groups)
