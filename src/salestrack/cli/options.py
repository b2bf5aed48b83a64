"""Option aliases shared by every command group (one place, like sqlite-utils' decorators)."""

from typing import Annotated

import typer

from salestrack.cli.complete import complete_prospect

FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table, csv, json or jsonl (default: a table on a terminal, CSV when piped).",
        case_sensitive=False,
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
        autocompletion=complete_prospect,
        show_default=False,
    ),
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Don't ask for confirmation.")]


def check_format(value: str | None) -> str | None:
    from salestrack.errors import UsageError
    from salestrack.output.render import FORMATS

    if value is None:
        return None
    value = value.lower()
    if value not in FORMATS:
        raise UsageError(f"--format: unknown format '{value}'; use one of {', '.join(FORMATS)}")
    return value
