"""search on PostgreSQL ignores accents, as on SQLite

SQLite's index (revision 0008) reads words with ``remove_diacritics 2``: *muller* finds
*Müller*. PostgreSQL's ``simple`` configuration kept the accents, so the same search found
nothing on a team server. Here the server gets ``salestrack_fold(text)``: the text with each
Latin letter that carries accents (Latin-1, Latin Extended-A and B, Latin Extended
Additional) written as its base letter, the letters Unicode's compatibility decomposition
(NFKD) gives with its combining marks left out, which is what SQLite's tokenizer does
(checked letter by letter: the same for all but ten rare letters whose decomposition is a
letter with a stroke or a ligature, Ǡ ǡ Ǣ ǣ Ǯ ǯ Ǽ ǽ Ǿ ǿ, which SQLite keeps). Letters with no
decomposition (ø, ł, ß, æ) stay as they are on both.

It is a ``translate`` over a fixed list, declared IMMUTABLE so that an index can hold it
(the ``unaccent`` extension is not: its dictionary can change, and installing an extension
needs rights a team's server may not give). The list is computed here, once, and written
into the function: the function does not change when Python's Unicode tables do.

Each search index is made again over the folded text (``search_<table>``); the search reads
with the same expression, so the server uses the index.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 18:00:00
"""

import unicodedata
from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The tables and texts of revision 0008's indexes (as written there).
TEXTS = {
    "prospects": "name || ' ' || coalesce(company, '') || ' ' || coalesce(notes, '')",
    "contacts": "name || ' ' || coalesce(title, '') || ' ' || coalesce(email, '') || ' ' || "
    "coalesce(notes, '')",
    "activities": "notes",
    "intel": "replace(kind, '_', ' ') || ' ' || value",
    "next_steps": "action",
    "promises": "text || ' ' || coalesce(notes, '')",
    "lessons": "text || ' ' || coalesce(change, '')",
    "successes": "text",
}
_BLOCKS = (range(0xC0, 0x250), range(0x1E00, 0x1F00))


def _letters() -> tuple[str, str]:
    """The accented letters and their base letters, in the same order."""
    accented, plain = [], []
    for block in _BLOCKS:
        for point in block:
            letter = chr(point)
            base = "".join(
                c for c in unicodedata.normalize("NFKD", letter) if not unicodedata.combining(c)
            )
            if len(base) == 1 and base != letter:
                accented.append(letter)
                plain.append(base)
    return "".join(accented), "".join(plain)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    accented, plain = _letters()
    op.execute(
        "CREATE OR REPLACE FUNCTION salestrack_fold(text) RETURNS text "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
        f"AS $fold$SELECT translate($1, '{accented}', '{plain}')$fold$"
    )
    for table, text in TEXTS.items():
        op.execute(f"DROP INDEX IF EXISTS search_{table}")
        op.execute(
            f"CREATE INDEX search_{table} ON {table} "
            f"USING gin (to_tsvector('simple'::regconfig, salestrack_fold({text})))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, text in TEXTS.items():
        op.execute(f"DROP INDEX IF EXISTS search_{table}")
        op.execute(
            f"CREATE INDEX search_{table} ON {table} "
            f"USING gin (to_tsvector('simple'::regconfig, {text}))"
        )
    op.execute("DROP FUNCTION IF EXISTS salestrack_fold(text)")
