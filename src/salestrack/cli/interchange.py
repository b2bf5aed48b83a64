"""``export`` and ``import``: the data, for shell scripts and other tools."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from salestrack.cli.options import TagOpt

EntityArg = Annotated[
    str,
    typer.Argument(
        metavar="ENTITY",
        help="prospects, contacts, activities, stage-changes, next-steps, intel, wins, "
        "promises, successes, lessons, initiatives, behaviours, ratings, quality or tags.",
        show_default=False,
    ),
]


@contextmanager
def _progress(total: int | None, what: str) -> Any:
    """A progress bar on stderr when it is a terminal; otherwise a silent counter."""
    if not sys.stderr.isatty():
        yield lambda n: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from salestrack.output.console import stderr_console

    columns = (TextColumn(what), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=stderr_console(), transient=True) as bar:
        task = bar.add_task(what, total=total)
        yield lambda n: bar.advance(task, n)


def export(
    entity: EntityArg,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="csv (default), json, jsonl, or ics for next-steps (calendar events).",
        ),
    ] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to a file instead of stdout.")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="WHEN", help="Rows from this time on (the entity's date)."),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="WHEN", help="Rows before this time.")
    ] = None,
    prospect: Annotated[
        str | None, typer.Option("--prospect", metavar="NAME", help="Only this prospect's rows.")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", metavar="KIND", help="Only this kind (activities, intel)."),
    ] = None,
    tag: TagOpt = None,
) -> None:
    """Write every row of an entity as CSV, JSON or JSON lines (ics for next steps).

    Columns are documented in docs/export.md. CSV cells that a spreadsheet would run as a
    formula get a leading apostrophe, which import removes again.
    """
    from salestrack import clock, config, vocab
    from salestrack.capture import capture
    from salestrack.errors import UsageError
    from salestrack.interchange import entities, sqlite_csv
    from salestrack.interchange import export as service
    from salestrack.output.files import output_file
    from salestrack.store import lookup
    from salestrack.store.sql import read

    chosen = entities.get(entity)
    fmt = fmt.lower()
    if fmt not in ("csv", "json", "jsonl", "ics"):
        raise UsageError(f"--format: unknown format '{fmt}'; use csv, json, jsonl or ics")
    if fmt == "ics" and chosen.name != "next-steps":
        raise UsageError("--format: ics is for next-steps (calendar events)")
    now = clock.now()
    filters = service.Filters()
    if since is not None:
        filters.since = capture.parse_time("--since", since, now, "past", None)
    if until is not None:
        filters.until = capture.parse_time("--until", until, now, "past", None)
    service.check_filters(chosen, filters, kind=kind is not None)
    if kind is not None:
        choices = vocab.KINDS if chosen.table == "activities" else vocab.INTEL_KINDS
        filters.kind = vocab.choose("--kind", kind, choices, what="kind")
    if prospect is not None:
        service.check_filters(chosen, filters, prospect=True)
    target = config.resolve()
    with read(target) as r:
        if prospect is not None:
            filters.prospect_id = lookup.find_prospect(r, prospect).id
        if tag is not None:
            from salestrack.capture import tags

            filters.tag = tags.known(r, tag)
            service.check_filters(chosen, filters)
        with output_file(output) as out:
            if fmt == "ics":
                service.write_ics(out, r, filters)
                return
            total = service.count(r, chosen, filters) if sys.stderr.isatty() else None
            with _progress(total, f"export {chosen.name}") as tick:
                if fmt == "csv" and target.path is not None:
                    sqlite_csv.write_csv(out, r, target.path, chosen, filters, tick)
                    return
                header = chosen.header()
                data = service.rows(r, chosen, filters, csv_text=fmt == "csv")
                if fmt == "csv":
                    service.write_csv(out, header, data, tick)
                else:
                    service.write_json(out, header, data, lines=fmt == "jsonl", tick=tick)


def import_(
    entity: EntityArg,
    source: Annotated[
        str, typer.Argument(metavar="FILE|-", help="The file to read, or - for stdin.")
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="csv, json or jsonl (default: from the file's extension; csv for stdin).",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and report; write nothing.")
    ] = False,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Refuse rows naming an unknown prospect (default: add it)."),
    ] = False,
    mapping: Annotated[
        str | None,
        typer.Option(
            "--map",
            metavar="THEIRS=OURS,...",
            help="Rename another tool's columns, e.g. 'Call outcome=outcome,Date=occurred_at'; "
            "'Notes 2=' drops a column.",
        ),
    ] = None,
    map_values: Annotated[
        list[str] | None,
        typer.Option(
            "--map-values",
            metavar="COLUMN:THEIRS=OURS,...",
            help="Translate values, e.g. 'outcome:Left message=voicemail,Spoke=connected'.",
        ),
    ] = None,
    as_mine: Annotated[
        bool,
        typer.Option(
            "--as-mine",
            help="Make every row yours (SALESTRACK_REP, or your database user on a server): "
            "for moving your own data into a team database.",
        ),
    ] = False,
    map_file: Annotated[
        Path | None,
        typer.Option(
            "--map-file",
            help='A saved mapping: {"columns": {...}, "values": {"outcome": {...}}} (JSON).',
        ),
    ] = None,
    crm: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="CRM",
            help="A shipped mapping for a CRM's export: hubspot (activities). "
            "See docs/export.md for which export each expects.",
        ),
    ] = None,
    constants: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="COLUMN=VALUE",
            help="Give a column one value on every row, e.g. --set kind=call.",
        ),
    ] = None,
    date_format: Annotated[
        str | None,
        typer.Option(
            "--date-format",
            metavar="FORMAT",
            help="How the file writes times (strptime), e.g. '%m/%d/%Y %I:%M %p'.",
        ),
    ] = None,
    zone: Annotated[
        str | None,
        typer.Option(
            "--tz",
            metavar="ZONE",
            help="The time zone of times without an offset, e.g. America/New_York "
            "(default: yours).",
        ),
    ] = None,
    duration_unit: Annotated[
        str | None,
        typer.Option(
            "--duration-unit",
            metavar="UNIT",
            help="What a bare number of duration_s counts: s (default), ms or min. "
            "HH:MM:SS and HH:MM are read as such.",
        ),
    ] = None,
) -> None:
    """Read rows from CSV, JSON or JSON lines: validated, all or nothing, safe to re-run.

    A row whose id exists is updated when its updated_at is newer and skipped when the same,
    so importing a file twice changes nothing. A row without an id (another tool's file)
    keeps a source key, that tool's own id or a fingerprint of its values, so a second run
    changes nothing there either; prospects match by name. Rows may name their prospect by
    name. See docs/export.md for --map, --set, --date-format, --tz and --duration-unit.
    """
    from salestrack import clock, config, dates
    from salestrack.errors import UsageError
    from salestrack.interchange import entities
    from salestrack.interchange import importer as service
    from salestrack.output.console import say

    chosen = entities.get(entity)
    if fmt is None:
        suffix = Path(source).suffix.lower().lstrip(".") if source != "-" else ""
        fmt = suffix if suffix in ("csv", "json", "jsonl", "ndjson") else "csv"
    fmt = {"ndjson": "jsonl"}.get(fmt.lower(), fmt.lower())
    if fmt not in ("csv", "json", "jsonl"):
        raise UsageError(f"--format: unknown format '{fmt}'; use csv, json or jsonl")
    saved = None
    if map_file is not None:
        try:
            saved = map_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--map-file: can't read '{map_file}' ({exc.strerror})") from None
    shipped = None if crm is None else service.preset(crm, chosen)
    try:
        rules = service.Mapping.parse(
            mapping, map_values or [], saved, constants=constants, date_format=date_format,
            duration_unit=duration_unit, preset=shipped,
        )  # fmt: skip
    except ValueError as exc:
        raise UsageError(f"--map-file: not a JSON mapping ({exc})") from None
    if source == "-":
        handle = sys.stdin.buffer
    else:
        try:
            handle = open(source, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise UsageError(f"FILE: can't read '{source}' ({exc.strerror})") from None
    now, owner = clock.now(), config.rep()
    tz = dates.local_tz() if zone is None else _zone(zone)
    try:
        result = _run_import(
            chosen, handle, fmt, rules, strict=strict, dry_run=dry_run, now=now, tz=tz,
            owner=owner, as_mine=as_mine,
        )  # fmt: skip
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()
    say(result.summary(chosen.name, dry_run=dry_run))


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from salestrack.errors import UsageError

    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"--tz: unknown time zone '{name}'; use a name such as Europe/London or UTC"
        ) from None


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def _run_import(entity: Any, handle: Any, fmt: str, rules: Any, **kw: Any) -> Any:
    from salestrack import config
    from salestrack.interchange import importer as service
    from salestrack.store import settings
    from salestrack.store.sql import write

    target = config.resolve()
    errors: list[str] = []
    unused: list[str] = []
    result: Any = None

    def go(store: Any) -> Any:
        nonlocal result
        rows = service.read(handle, fmt)
        stages = settings.stages(store)
        checked = service.validate(
            entity, rows, rules, tz=kw["tz"], now=kw["now"], owner=kw["owner"], errors=errors,
            as_mine=kw["as_mine"], stages=stages, unused=unused,
        )  # fmt: skip
        with _progress(None, f"import {entity.name}") as tick:
            done = service.write(
                store, entity, checked, strict=kw["strict"],
                first_stage=stages[0], now=kw["now"], owner=kw["owner"],
                errors=errors, tick=tick,
            )  # fmt: skip
        if errors:
            n = len(errors)
            many = n > service.MAX_ERRORS  # the list ends with "... and more"
            count = f"more than {service.MAX_ERRORS}" if many else str(n)
            count += " bad line" if n == 1 else " bad lines"
            from salestrack.output.console import visible

            listed = "\n  ".join(visible(e) for e in errors)  # file text can hold line breaks
            raise service.ImportFailed(f"{count}; nothing was imported:\n  {listed}")
        done.unused = unused
        result = done
        if kw["dry_run"]:
            raise _DryRun
        return done

    try:
        with write(target) as store:  # one transaction: all rows or none
            result = go(store)
    except _DryRun:
        pass
    return result
