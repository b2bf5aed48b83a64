"""Option aliases shared by every command group (one place, like sqlite-utils' decorators)."""

from collections.abc import Callable
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


def _formats() -> tuple[str, ...]:
    from salestrack.output.render import FORMATS

    return FORMATS


FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table, csv, json or jsonl (default: a table on a terminal, CSV when piped).",
        **choice("--format", _formats, "format"),
    ),
]
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
