"""``export`` and ``import``: the data, for shell scripts and other tools."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from salestrack.cli.options import OutputOpt, TagOpt, format_option, since_option, until_option

#: What export writes, and import reads.
EXPORT_FORMATS = ("csv", "json", "jsonl", "ics")
IMPORT_FORMATS = ("csv", "json", "jsonl")

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


def _progress(total: int | None, what: str) -> Any:
    """A bar on stderr when it is a terminal (``output.console.progress``)."""
    from salestrack.output.console import progress

    return progress(what, total)


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
        format_option(
            EXPORT_FORMATS,
            "csv, json, jsonl, or ics for next-steps (calendar events)",
            default="csv",
        ),
    ] = "csv",
    output: OutputOpt = None,
    since: Annotated[
        str | None,
        since_option("Rows from this time on (the entity's date; a date alone: from its 00:00)."),
    ] = None,
    until: Annotated[
        str | None, until_option("Rows before this time (a date alone: through that day).")
    ] = None,
    prospect: Annotated[
        str | None, typer.Option("--prospect", metavar="NAME", help="Only this prospect's rows.")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", "-k", metavar="KIND", help="Only this kind (activities, intel)."),
    ] = None,
    tag: TagOpt = None,
) -> None:
    """Write every row of an entity as CSV, JSON or JSON lines (ics for next steps).

    Columns are documented in docs/export.md. CSV cells that a spreadsheet would run as a
    formula get a leading apostrophe, which import removes again.

    Example: salestrack export activities --since 2026-10-01 -f jsonl --output oct.jsonl
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
        format_option(
            IMPORT_FORMATS, "", default="from the file's extension (.ndjson: jsonl); csv for stdin"
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
            metavar="FILE",
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

    Emails and meetings from your own mail and calendar files: salestrack import mail
    PATH... and salestrack import calendar FILE (see their -h).

    Example: salestrack import activities calls.csv --from hubspot --dry-run
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
    fmt = {"ndjson": "jsonl"}.get(fmt, fmt)
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


# -- import mail, import calendar ------------------------------------------------------------

_SUMMARY = "Read rows from CSV, JSON or JSON lines: validated, all or nothing, safe to re-run."


class ImportGroup(typer.core.TyperGroup):
    """``import ENTITY FILE`` (the rows of one entity) and its subcommands ``import mail``
    and ``import calendar``: a first argument that is not a subcommand is an entity."""

    def _entity(self) -> Any:
        single = typer.Typer(rich_markup_mode=None, add_completion=False)
        single.command("import")(import_)
        return typer.main.get_command(single)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] in self.commands:
            ctx.meta["salestrack.import.sub"] = True
            ctx._protected_args, ctx.args = args[:1], args[1:]
            return args[1:]
        ctx.meta["salestrack.import.rows"] = list(args)
        return []

    def invoke(self, ctx: Any) -> Any:
        args = ctx.meta.pop("salestrack.import.rows", None)
        if args is None:
            return super().invoke(ctx)
        command = self._entity()
        with command.make_context(ctx.info_name, args, parent=ctx.parent) as sub:
            return command.invoke(sub)

    # the help and docs of `import` are those of `import ENTITY FILE`, with the subcommands
    def get_params(self, ctx: Any) -> list[Any]:
        if ctx.meta.get("salestrack.import.sub"):  # a subcommand's path: import mail
            return list(super().get_params(ctx))
        return list(self._entity().get_params(ctx))

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return list(self._entity().collect_usage_pieces(ctx))


import_app = typer.Typer(
    cls=ImportGroup,
    help=_SUMMARY + "\n\nAlso: import mail PATH... and import calendar FILE (see their -h).",
    short_help=_SUMMARY,
    rich_markup_mode=None,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="WHEN",
        help="Only what happened from this time on (a date alone: from its 00:00).",
    ),
]
UntilOpt = Annotated[
    str | None,
    typer.Option("--until", metavar="WHEN", help="Only what happened before this time."),
]
NewOpt = Annotated[
    bool,
    typer.Option(
        "--new",
        help="Add a prospect for each unknown company domain and a contact for each unknown "
        "address (never for free-mail domains or your own).",
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Show what would be logged; write nothing.")
]
MeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--me",
        metavar="ADDRESS",
        help="One of your own addresses (repeatable; remembered for next time): what is from "
        "it is outbound.",
    ),
]


@import_app.command("mail")
def import_mail(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH...",
            help="mbox files, Maildir folders (with their subfolders), .eml files or folders "
            "of them.",
            show_default=False,
        ),
    ],
    me: MeOpt = None,
    bodies: Annotated[
        bool,
        typer.Option(
            "--bodies", help="Keep the first lines of each body in the note (default: subject)."
        ),
    ] = False,
    new: NewOpt = False,
    since: SinceOpt = None,
    until: UntilOpt = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Log the emails to and from your contacts and prospects, from your own mail files.

    Each message to or from a contact (by address) or a prospect (by its domain, or its
    contacts') becomes an email: outbound when from one of your addresses, at its Date, the
    subject as the note, in its thread. Safe to re-run: a Message-ID already imported, from
    any mailbox, changes nothing. An email you sent completes the open next step, as log
    email does. Nothing leaves your machine; bodies are stored only with --bodies.

    Example: salestrack import mail ~/Mail/Sent.mbox ~/Mail/INBOX --me dana@mycorp.com
    """
    from salestrack.interchange import mail, people

    for typed in me or []:
        people.check_address(typed)
    sources = mail.find(paths)

    def go(store: Any, how: people.Run) -> Any:
        return mail.run(store, sources, how, bodies=bodies)

    total = sum(s.count() for s in sources) if sys.stderr.isatty() else None
    tally = _run_files(go, me or [], new, since, until, dry_run, total, "import mail")
    if dry_run:
        _show_planned(tally.planned)
    from salestrack.output.console import say

    say(tally.summary("mail", dry_run=dry_run))


@import_app.command("calendar")
def import_calendar(
    file: Annotated[
        str,
        typer.Argument(metavar="FILE", help="An iCalendar file (.ics).", show_default=False),
    ],
    me: MeOpt = None,
    new: NewOpt = False,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="WHEN",
            help="Events from this time on (default: a year ago; a date alone: its 00:00).",
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until", metavar="WHEN", help="Events before this time (default: 90 days ahead)."
        ),
    ] = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Log the meetings with your contacts and prospects from a calendar file (.ics).

    An event with an attendee at a contact or prospect becomes a meeting held (from start
    to end) once it has ended, unless cancelled; one still to come is a next step, due at
    its start. Recurring events are expanded (moved and cancelled occurrences, time zones).
    Safe to re-run: by UID and RECURRENCE-ID, a moved or cancelled event updates its meeting.

    Example: salestrack import calendar ~/Downloads/work.ics --me dana@mycorp.com
    """
    from salestrack import dates
    from salestrack.interchange import calendar, people

    for typed in me or []:
        people.check_address(typed)
    cal = calendar.load(file)

    def go(store: Any, how: people.Run) -> Any:
        return calendar.run(store, cal, how, tz=dates.local_tz())

    tally = _run_files(go, me or [], new, since, until, dry_run, None, "import calendar")
    from salestrack.output.console import emit, say, visible
    from salestrack.output.show import when

    for at, what, prospect, summary in sorted(tally.planned):
        emit(visible(f"{when(at)}  meeting {what} · {prospect}: {summary or ''}".rstrip(": ")))

    say(tally.summary("calendar", dry_run=dry_run))


def _run_files(go: Any, me: list[str], new: bool, since: str | None, until: str | None,
               dry_run: bool, total: int | None, what: str) -> Any:  # fmt: skip
    """Run ``go(store, how)`` in one write transaction (rolled back on a dry run), ``how``
    holding your addresses (``me`` added to the remembered ones), ``--new``, the times."""
    from salestrack import clock, config
    from salestrack.capture import capture
    from salestrack.interchange import mail, people
    from salestrack.store import settings
    from salestrack.store.sql import write

    now = clock.now()
    start = capture.parse_bound("--since", since, now, "start") if since else None
    end = capture.parse_bound("--until", until, now, "end", "future") if until else None
    target = config.resolve()
    result: Any = None
    with _no_new_file(target, keep=not dry_run):
        try:
            with write(target) as store, _progress(total, what) as tick:
                how = people.Run(
                    me=mail.remember(store, me, now=now), create=new, since=start, until=end,
                    now=now, owner=config.rep(), first_stage=settings.stages(store)[0],
                    plan=dry_run, tick=tick,
                )  # fmt: skip
                result = go(store, how)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
    return result


def _show_planned(planned: list[Any]) -> None:
    from salestrack.output.console import emit, visible
    from salestrack.output.show import when

    for p in planned:
        who = p.prospect + (f" ({p.contact})" if p.contact else "")
        arrow = "->" if p.direction == "outbound" else "<-"
        emit(visible(f"{when(p.occurred_at)}  {arrow} {who}: {p.subject or ''}".rstrip(": ")))
