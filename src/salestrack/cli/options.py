"""Option aliases shared by every command group (one place, like sqlite-utils' decorators)."""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from salestrack.cli.complete import complete_tag, prospect_name


def choice(
    field: str, choices: Callable[[], tuple[str, ...]], what: str, *, clears: bool = False
) -> dict[str, Any]:
    """``parser`` and ``autocompletion`` for an option that takes one of ``choices``.

    The typed value is read by the vocabulary's rule (exact, an alias such as ``vm``, or a
    unique start such as ``conn``); anything else is a usage error (exit code 2) naming the
    option and the choices. The shell completes the choices. With ``clears``, an empty value
    passes through (``edit --reached ''`` clears the field).
    """

    def parse(text: str) -> str:
        if clears and not text.strip():
            return ""
        from salestrack import vocab
        from salestrack.errors import InvalidInput, UsageError

        try:
            return vocab.choose(field, text, choices(), what=what)
        except InvalidInput as exc:
            raise UsageError(exc.message) from None

    def complete(incomplete: str) -> list[str]:
        from salestrack import vocab

        typed = vocab.canonical(incomplete)
        return [c.replace("_", "-") for c in choices() if c.startswith(typed)]

    return {"parser": parse, "autocompletion": complete}


#: The formats every command that prints data takes (``-f/--format``): a table on a
#: terminal, CSV when piped, JSON, JSON lines.
FORMATS = ("table", "csv", "json", "jsonl")
#: A command that makes a document (``scorecard``, ``coach``) takes these too: Markdown
#: (rendered on a terminal, raw when piped or asked for) and one HTML file.
DOCUMENT_FORMATS = (*FORMATS, "markdown", "html")


def format_option(
    formats: tuple[str, ...], help: str, *, default: str = "a table on a terminal, CSV when piped"
) -> Any:
    """``-f/--format FORMAT``, one of ``formats``; a bad choice is a usage error (exit 2)."""
    listed = ", ".join(formats[:-1]) + f" or {formats[-1]}"
    return typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help=f"{help or listed} (default: {default}).",
        show_default=False,
        **choice("--format", lambda: formats, "format"),
    )


FormatOpt = Annotated[str | None, format_option(FORMATS, "")]
DocumentFormatOpt = Annotated[
    str | None,
    format_option(
        DOCUMENT_FORMATS,
        "table, csv, json, jsonl, markdown or html",
        default="the page rendered on a terminal, Markdown when piped",
    ),
]
#: a page to open or print (review, team review): HTML, or the numbers it is drawn from
PageFormatOpt = Annotated[
    str | None,
    format_option(("html", "json"), "html or json", default="html: one standalone page"),
]
ScorecardFormatOpt = Annotated[
    str | None,
    format_option(
        (*DOCUMENT_FORMATS, "pdf"),
        "table, csv, json, jsonl, markdown, html or pdf",
        default="the page rendered on a terminal, Markdown when piped",
    ),
]
#: the week a report reviews (``baseline``, ``coach``, ``review``, ``team ...``)
WeekOpt = Annotated[
    str | None,
    typer.Option("--week", metavar="YYYY-WNN", help="The week to review (default: this week)."),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output", metavar="FILE", help="Write to this file instead of stdout.", show_default=False
    ),
]
NoteOpt = Annotated[
    str | None, typer.Option("--note", "-n", metavar="TEXT", help="Free text.", show_default=False)
]


def prospect_filter(help: str, metavar: str = "[PROSPECT]") -> Any:
    """An optional ``[PROSPECT]`` (or ``[CLIENT]``) naming one prospect; completes names."""
    return typer.Argument(
        metavar=metavar, help=help, click_type=prospect_name(), show_default=False
    )


def limit_option(help: str, *, low: int = 1) -> Any:
    """``-l/--limit N`` (``-n`` is ``--note`` everywhere)."""
    return typer.Option("--limit", "-l", metavar="N", min=low, help=help, show_default=False)


def sort_option(columns: tuple[str, ...], default: str) -> Any:
    """``--sort COLUMN`` over one list's ``columns`` (``-COLUMN``: descending), in place of
    the command's own order (``default``, said in the help). With ``--limit``, the first N
    in that order."""

    def parse(text: str) -> str:
        from salestrack import vocab
        from salestrack.errors import InvalidInput, UsageError

        descending = text.strip().startswith("-")
        try:
            found = vocab.choose("--sort", text.strip().lstrip("-"), columns, what="column")
        except InvalidInput as exc:
            raise UsageError(f"{exc.message} (-COLUMN sorts descending)") from None
        return ("-" if descending else "") + found

    def complete(incomplete: str) -> list[str]:
        sign = "-" if incomplete.startswith("-") else ""
        return [sign + c for c in columns if c.startswith(incomplete.lstrip("-"))]

    listed = ", ".join(columns)
    return typer.Option(
        "--sort",
        metavar="COLUMN",
        help=f"Order by {listed} (-COLUMN: descending; default: {default}).",
        show_default=False,
        parser=parse,
        autocompletion=complete,
    )


def since_option(
    help: str = "From this time on: tue, '2w ago', 2026-11-01 (a date alone: from its 00:00).",
) -> Any:
    """``--since WHEN``; the command reads it with ``capture.parse_bound`` (the one rule:
    a date alone is the whole day)."""
    return typer.Option("--since", metavar="WHEN", help=help, show_default=False)


def until_option(
    help: str = "Before this time: fri, 2026-11-30 (a date alone: through that day).",
) -> Any:
    return typer.Option("--until", metavar="WHEN", help=help, show_default=False)


def old_spelling(name: str, instead: str) -> Any:
    """A retired spelling of an option (``scorecard --from``), still read for a release and
    hidden from help; the command treats it as ``instead``."""
    return typer.Option(name, metavar="WHEN", hidden=True, help=f"Old spelling of {instead}.")


def period(
    since: str | None, until: str | None, *, now: Any, prefer: str = "past"
) -> tuple[Any, Any]:
    """``--since``/``--until`` as UTC instants (or None), by the one rule (a date alone is the
    whole day); an end before the start is a usage error."""
    from salestrack.capture.capture import parse_bound

    start = parse_bound("--since", since, now, "start", prefer) if since else None
    end = parse_bound("--until", until, now, "end", prefer) if until else None
    if start is not None and end is not None and end <= start:
        from salestrack.errors import UsageError

        raise UsageError("--until: must be after --since")
    return start, end


SinceOpt = Annotated[str | None, since_option()]
UntilOpt = Annotated[str | None, until_option()]
AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="WHEN",
        help="When it happened: 'yesterday 3pm', '2h ago', '2026-11-20 15:00'.",
    ),
]
ProspectArg = Annotated[
    str,
    typer.Argument(
        metavar="PROSPECT",
        help="Prospect name, or a unique start of it (case doesn't matter).",
        click_type=prospect_name(),
        show_default=False,
    ),
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Don't ask for confirmation.")]
TagsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        "-t",
        metavar="TAG",
        help="A tag, one word such as q4 or hot-lead (repeatable).",
        autocompletion=complete_tag,
    ),
]
TagOpt = Annotated[
    str | None,
    typer.Option(
        "--tag",
        "-t",
        metavar="TAG",
        help="Only those carrying this tag (an activity carries its prospect's tags too).",
        autocompletion=complete_tag,
    ),
]
UntagOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--untag",
        metavar="TAG",
        help="Take a tag off (repeatable).",
        autocompletion=complete_tag,
    ),
]
