"""``salestrack search TEXT``: find a name or a fact again."""

from typing import Annotated

import typer

from salestrack.cli.options import (
    FormatOpt,
    limit_option,
    period,
    since_option,
    sort_option,
    until_option,
)


def _kinds(incomplete: str) -> list[str]:
    from salestrack import vocab
    from salestrack.store.fulltext import KINDS

    typed = vocab.canonical(incomplete)
    return [k.replace("_", "-") for k in KINDS if k.startswith(typed)]


def search(
    text: Annotated[
        str,
        typer.Argument(
            metavar="TEXT",
            help='Words to find (each, or the start of each); "a phrase" in quotes.',
            show_default=False,
        ),
    ],
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            "-k",
            metavar="KIND",
            help="Only hits of this kind (repeatable): prospect, contact, call, email, meeting, "
            "task, note, intel, next-step, promise, lesson, success.",
            autocompletion=_kinds,
        ),
    ] = None,
    since: Annotated[
        str | None, since_option("Only hits dated from then on: '2w ago' (a date: its 00:00).")
    ] = None,
    until: Annotated[
        str | None, until_option("Only hits dated before then (a date alone: through that day).")
    ] = None,
    limit: Annotated[int, limit_option("At most N hits.")] = 20,
    sort: Annotated[
        str | None,
        sort_option(
            ("score", "at", "prospect", "kind", "source"),
            "best first; the N best are chosen by relevance either way",
        ),
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """Search names, notes, intel, next steps, promises, lessons and successes, best first.

    Each hit says its prospect, its date and where it came from (call notes, intel:
    gatekeeper, a promise...). Words match by their start and in any case or accent; all of
    them must match.

    Example: salestrack search "budget" --kind intel --since 3m ago
    """
    from salestrack import clock, config
    from salestrack.intel import search as service
    from salestrack.output import show
    from salestrack.output.render import Column, Table, choose_format, render, sorted_rows
    from salestrack.store.sql import read

    now = clock.now()
    start, end = period(since, until, now=now)
    chosen = service.kinds(kind)
    with read(config.resolve()) as r:
        hits = service.search(r, text, kinds=chosen, since=start, until=end, limit=limit)
    rows = [h.as_row() for h in hits]
    if sort:
        rows = sorted_rows(rows, sort)
    columns = ["id", "kind", "source", "prospect_id", "prospect", "at", "text", "score"]
    if choose_format(fmt) != "table":
        render(Table("", [Column(c) for c in columns], rows), fmt)
        return
    for row in rows:
        row["text"] = service.snippet(row["text"], text)
    table = Table(
        title=f"Search: {text.strip()}",
        columns=[
            Column("at", "date", show=show.day, priority=0),
            Column("prospect", priority=0),
            Column("source", "where", priority=2),
            Column("text", "found", priority=0),
            Column("id", show=lambda v: v.hex[:8], priority=4),
        ],
        rows=rows,
        caption=f"{len(rows)} best hits (--limit N for more)" if len(rows) == limit else None,
        empty=f"nothing matches '{text.strip()}'",
    )
    render(table, "table")
