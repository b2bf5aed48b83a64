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
        "promises, successes, lessons, initiatives, behaviours, ratings, quality, tags, settings, "
        "or all (every entity and the settings in one JSON lines file).",
        show_default=False,
    ),
]


@contextmanager
def _progress(total: int | None, what: str) -> Any:
    """A progress bar on stderr when it is a terminal (with the time left when the total is
    known); otherwise a silent counter."""
    if not sys.stderr.isatty():
        yield lambda n: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from salestrack.output.console import stderr_console

    columns: list[Any] = [TextColumn(what), BarColumn(), MofNCompleteColumn()]
    if total is not None:
        columns.append(TimeRemainingColumn())
    with Progress(*columns, console=stderr_console(), transient=True) as bar:
        task = bar.add_task(what, total=total)
        yield lambda n: bar.advance(task, n)


def _rows_in(handle: Any, fmt: str) -> int | None:
    """About how many rows a file holds (its lines, less a CSV header), for the progress
    bar's total and time left; None for standard input, a JSON array, or off a terminal."""
    import os

    name = getattr(handle, "name", None)
    if not sys.stderr.isatty() or fmt == "json" or not isinstance(name, str):
        return None
    if not os.path.isfile(name):
        return None
    with open(name, "rb") as f:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
    return max(0, lines - (1 if fmt == "csv" else 0))


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
        typer.Option(
            "--since",
            metavar="WHEN",
            help="Rows from this time on (the entity's date; a date alone: from its 00:00).",
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            metavar="WHEN",
            help="Rows before this time (a date alone: through that day).",
        ),
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

    whole = entity.strip().lower()
    if whole in ("settings", "all"):
        _export_whole(whole, fmt.lower(), output)
        return
    chosen = entities.get(entity)
    fmt = fmt.lower()
    if fmt not in ("csv", "json", "jsonl", "ics"):
        raise UsageError(f"--format: unknown format '{fmt}'; use csv, json, jsonl or ics")
    if fmt == "ics" and chosen.name != "next-steps":
        raise UsageError("--format: ics is for next-steps (calendar events)")
    now = clock.now()
    filters = service.Filters()
    if since is not None:
        filters.since = capture.parse_bound("--since", since, now, "start")
    if until is not None:
        filters.until = capture.parse_bound("--until", until, now, "end")
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


def _export_whole(what: str, fmt: str, output: Path | None) -> None:
    from salestrack import config
    from salestrack.errors import UsageError
    from salestrack.interchange import entities
    from salestrack.interchange import export as service
    from salestrack.output.files import output_file
    from salestrack.store.sql import read

    if what == "all" and fmt not in ("csv", "jsonl"):  # csv: the option's default
        raise UsageError("--format: export all writes JSON lines (one file for every entity)")
    if what == "settings" and fmt not in ("csv", "json", "jsonl"):
        raise UsageError(f"--format: unknown format '{fmt}'; use csv, json or jsonl")
    with (
        read(config.resolve()) as r,
        output_file(output) as out,
        _progress(None, f"export {what}") as tick,
    ):
        if what == "all":
            chosen = [entities.get(name) for name in entities.names()]
            r.snapshot()  # every entity as of one moment, while others write
            service.write_all(out, r, chosen, tick)
        elif fmt == "csv":
            service.write_csv(out, service.SETTINGS_HEADER, service.settings_rows(r), tick)
        else:
            service.write_json(
                    out, service.SETTINGS_HEADER, service.settings_rows(r),
                    lines=fmt == "jsonl", tick=tick,
                )  # fmt: skip


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
            help="A shipped mapping for a CRM's export: hubspot, pipedrive, close or "
            "salesforce. See docs/import.md for which export each expects.",
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
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            metavar="NAME",
            help="The file's text encoding when it is not UTF-8 or UTF-16 with a byte-order "
            "mark, e.g. cp1252 or latin-1.",
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

    whole = entity.strip().lower()
    chosen: Any = whole if whole in ("settings", "all") else entities.get(entity)
    if whole == "all":
        fmt = "jsonl"
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
        except UnicodeDecodeError:
            raise UsageError(
                f"--map-file: '{map_file}' is not UTF-8 text; save it as UTF-8"
            ) from None
    if isinstance(chosen, str) and (crm or mapping or map_values or map_file or constants):
        raise UsageError(f"import {chosen} reads salestrack's own file: no --from or --map")
    shipped = None if crm is None else service.preset(crm, chosen)
    try:
        rules = service.Mapping.parse(
            mapping, map_values or [], saved, constants=constants, date_format=date_format,
            duration_unit=duration_unit, preset=shipped,
            preset_name=None if crm is None else f"{crm.strip().lower()}-{chosen.name}",
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
            owner=owner, as_mine=as_mine, encoding=encoding,
        )  # fmt: skip
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()
    say(result.summary(chosen if isinstance(chosen, str) else chosen.name, dry_run=dry_run))


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
    left_out: dict[str, int] = {}
    result: Any = None

    def go(store: Any) -> Any:
        nonlocal result
        rows = service.read(handle, fmt, kw["encoding"])
        if isinstance(entity, str):
            done = _import_whole(store, entity, rows, rules, errors, kw)
            _fail(errors)
            result = done
            if kw["dry_run"]:
                raise _DryRun
            return done
        stages = settings.stages(store)
        checked = service.validate(
            entity, rows, rules, tz=kw["tz"], now=kw["now"], owner=kw["owner"], errors=errors,
            as_mine=kw["as_mine"], stages=stages, unused=unused, left_out=left_out,
        )  # fmt: skip
        with _progress(_rows_in(handle, fmt), f"import {entity.name}") as tick:
            done = service.write(
                store, entity, checked, strict=kw["strict"],
                first_stage=stages[0], now=kw["now"], owner=kw["owner"],
                errors=errors, tick=tick,
            )  # fmt: skip
        _fail(errors)
        done.unused = unused
        done.left_out = left_out
        result = done
        if kw["dry_run"]:
            raise _DryRun
        return done

    with _no_new_file(target, keep=not kw["dry_run"]):
        try:
            with write(target) as store:  # one transaction: all rows or none
                result = go(store)
        except _DryRun:
            pass
    return result


def _fail(errors: list[str]) -> None:
    from salestrack.interchange import importer as service

    if errors:
        n = len(errors)
        many = n > service.MAX_ERRORS  # the list ends with "... and more"
        count = f"more than {service.MAX_ERRORS}" if many else str(n)
        count += " bad line" if n == 1 else " bad lines"
        from salestrack.output.console import visible

        listed = "\n  ".join(visible(e) for e in errors)  # file text can hold line breaks
        raise service.ImportFailed(f"{count}; nothing was imported:\n  {listed}")


def _import_whole(store: Any, what: str, rows: Any, rules: Any, errors: list[str], kw: Any) -> Any:
    """``import settings`` and ``import all`` (settings first, then every entity in order)."""
    from salestrack.interchange import entities
    from salestrack.interchange import importer as service
    from salestrack.store import settings

    total = service.Result()
    parts = [("settings", rows)] if what == "settings" else service.split_all(rows)
    for name, part in parts:
        if name == "settings":
            service.import_settings(store, part, now=kw["now"], errors=errors, result=total)
            continue
        entity = entities.get(name)
        stages = settings.stages(store)
        checked = service.validate(
            entity, part, rules, tz=kw["tz"], now=kw["now"], owner=kw["owner"], errors=errors,
            as_mine=kw["as_mine"], stages=stages,
        )  # fmt: skip
        with _progress(None, f"import {entity.name}") as tick:
            done = service.write(
                store, entity, checked, strict=kw["strict"], first_stage=stages[0],
                now=kw["now"], owner=kw["owner"], errors=errors, tick=tick,
            )  # fmt: skip
        for counted in ("added", "updated", "unchanged", "kept_newer", "prospects_created"):
            setattr(total, counted, getattr(total, counted) + getattr(done, counted))
    return total


@contextmanager
def _no_new_file(target: Any, *, keep: bool) -> Any:
    """A dry run, or an import that fails, leaves no database file it had to create."""
    path = target.path
    if path is None or path.exists():
        yield
        return
    made = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
    ok = False
    try:
        yield
        ok = True
    finally:
        if not (ok and keep):
            for extra in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{extra}").unlink(missing_ok=True)
            for folder in made:
                try:
                    folder.rmdir()
                except OSError:
                    break
