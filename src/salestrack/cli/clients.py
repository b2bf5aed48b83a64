"""Keep your own score: promises, successes, lessons, initiatives, scorecards, report cards."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salestrack.cli.options import FormatOpt, ProspectArg, check_format

if TYPE_CHECKING:
    from datetime import datetime

ClientArg = ProspectArg
AtOpt = Annotated[
    str | None, typer.Option("--at", metavar="WHEN", help="When it happened (default now).")
]
IdArg = Annotated[str, typer.Argument(metavar="ID", help="The id, or a unique start of it.")]


def _now_at(at: str | None) -> tuple[Any, Any]:
    from salestrack import clock
    from salestrack.capture import capture

    now = clock.now()
    return now, (capture.parse_time("--at", at, now, "past", None) if at else now)


def _client(store: Any, typed: str) -> Any:
    from salestrack import names
    from salestrack.domain import Ref
    from salestrack.store import lookup

    found = lookup.match_prospect(store, typed)
    if not isinstance(found, Ref):
        raise names.not_found(
            typed, found, what="client", hint=" (clients are prospects: salestrack prospect add)"
        )
    return found


def _text(field: str, value: str) -> str:
    from salestrack.capture import capture

    cleaned = capture._text(field, value)
    if cleaned is None:
        from salestrack.errors import InvalidInput

        raise InvalidInput(field, "is empty; say what it is")
    return cleaned


def _add(table: str, client: str, values: dict[str, Any], now: datetime) -> Any:
    """Insert one row for ``client``; returns (client name, id)."""
    import uuid

    from salestrack import config
    from salestrack.store.sql import write

    row_id = uuid.uuid4()
    with write(config.resolve()) as store:
        ref = _client(store, client)
        row = {"id": row_id, "owner": config.rep(), "created_at": now, "updated_at": now}
        store.insert(table, {**row, "prospect_id": ref.id, **values})
    return ref.name, row_id


# -- promises --------------------------------------------------------------------------------

promise_app = typer.Typer(
    help="Promises made to clients: add, mark kept or broken, list.",
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
)


@promise_app.command("add")
def promise_add(
    client: ClientArg,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What you promised.")],
    due: Annotated[
        str | None, typer.Option("--due", metavar="WHEN", help="When it is due: 'fri 5pm'.")
    ] = None,
    at: AtOpt = None,
) -> None:
    """Record a promise made to a client."""
    from salestrack.capture import capture
    from salestrack.output.console import emit, say
    from salestrack.output.show import when

    now, made = _now_at(at)
    due_at = capture.parse_time("--due", due, now, "future", None) if due else None
    values = {"text": _text("TEXT", text), "made_at": made, "due_at": due_at, "status": "open"}
    name, row_id = _add("promises", client, values, now)
    say(f"promise to {name}: {text}" + (f" · due {when(due_at)}" if due_at else ""))
    emit(str(row_id))


def _resolve_promise(typed: str, status: str, at: str | None, note: str | None) -> None:
    from salestrack import config
    from salestrack.clients import clients
    from salestrack.errors import Conflict
    from salestrack.output.console import say
    from salestrack.store.sql import when, write

    now, at_time = _now_at(at)
    with write(config.resolve()) as store:
        row_id, line = clients.find_row(
            store, "promises", typed, "promise", ("text", "due_at", "status")
        )
        if line["status"] != "open":
            raise Conflict(f"that promise is already {line['status']}; nothing changed")
        changes: dict[str, Any] = {"status": status, "resolved_at": at_time, "updated_at": now}
        if note:
            changes["notes"] = note
        store.update("promises", row_id, changes)
    due = when(line["due_at"])
    state = status
    if status == "kept":
        state = "kept on time" if due is None or at_time <= due else "kept late"
    say(f"promise {row_id.hex[:8]} {state}: {line['text']}")


@promise_app.command("done")
def promise_done(
    promise: IdArg, at: AtOpt = None, note: Annotated[str | None, typer.Option("--note")] = None
) -> None:
    """Mark a promise kept (on time if no later than its due time)."""
    _resolve_promise(promise, "kept", at, note)


@promise_app.command("broken")
def promise_broken(
    promise: IdArg, at: AtOpt = None, note: Annotated[str | None, typer.Option("--note")] = None
) -> None:
    """Mark a promise broken (then write down the lesson: salestrack lesson add)."""
    _resolve_promise(promise, "broken", at, note)


@promise_app.command("list")
def promise_list(
    client: Annotated[str | None, typer.Argument(metavar="[CLIENT]", show_default=False)] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only promises not yet kept.")] = False,
    fmt: FormatOpt = None,
) -> None:
    """Promises, soonest due first, with their state (kept on time, late, broken, overdue)."""
    from salestrack import clock, config
    from salestrack.clients import clients
    from salestrack.output.render import Column, Table, render
    from salestrack.output.show import short_id, when
    from salestrack.store import lookup
    from salestrack.store.sql import read

    fmt = check_format(fmt)
    now = clock.now()
    with read(config.resolve()) as r:
        pid = lookup.find_prospect(r, client).id if client else None
        found = clients.promises(r, prospect_id=pid)
    rows = [p.as_row(now) for p in found if not open_only or p.status == "open"]
    render(
        Table(
            title="Promises",
            columns=[
                Column("id", show=short_id),
                Column("client"),
                Column("text", "promise"),
                Column("made_at", "made", show=when),
                Column("due_at", "due", show=when),
                Column("state"),
                Column("resolved_at", "resolved", show=when),
            ],
            rows=rows,
            empty="no promises yet: salestrack promise add CLIENT 'send the plan' --due fri",
        ),
        fmt,
    )


# -- successes, lessons, initiatives ---------------------------------------------------------

success_app = typer.Typer(
    help="Successes delivered to clients.", no_args_is_help=True, rich_markup_mode=None,
    add_completion=False,
)  # fmt: skip


@success_app.command("add")
def success_add(
    client: ClientArg,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What was delivered.")],
    at: AtOpt = None,
) -> None:
    """Record a success delivered to a client."""
    from salestrack.output.console import emit, say

    now, delivered = _now_at(at)
    values = {"text": _text("TEXT", text), "delivered_at": delivered}
    name, row_id = _add("successes", client, values, now)
    say(f"success for {name}: {text}")
    emit(str(row_id))


lesson_app = typer.Typer(
    help="Lessons learned from failures, and what changes.", no_args_is_help=True,
    rich_markup_mode=None, add_completion=False,
)  # fmt: skip


@lesson_app.command("add")
def lesson_add(
    client: ClientArg,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What went wrong.")],
    change: Annotated[
        str | None, typer.Option("--change", metavar="TEXT", help="What you do differently now.")
    ] = None,
    at: AtOpt = None,
) -> None:
    """Record a lesson learned from a failure with a client."""
    from salestrack.output.console import emit, say

    now, learned = _now_at(at)
    values = {"text": _text("TEXT", text), "change": change, "learned_at": learned}
    name, row_id = _add("lessons", client, values, now)
    say(f"lesson with {name}: {text}" + (f" → {change}" if change else ""))
    emit(str(row_id))


initiative_app = typer.Typer(
    help="Improvement initiatives for clients.", no_args_is_help=True, rich_markup_mode=None,
    add_completion=False,
)  # fmt: skip


@initiative_app.command("add")
def initiative_add(
    client: ClientArg,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The improvement.")],
    at: AtOpt = None,
) -> None:
    """Start an improvement initiative for a client."""
    from salestrack.output.console import emit, say

    now, started = _now_at(at)
    values = {"text": _text("TEXT", text), "status": "open", "started_at": started}
    name, row_id = _add("initiatives", client, values, now)
    say(f"initiative for {name}: {text}")
    emit(str(row_id))


@initiative_app.command("done")
def initiative_done(initiative: IdArg, at: AtOpt = None) -> None:
    """Mark an initiative done."""
    from salestrack import config
    from salestrack.clients import clients
    from salestrack.errors import Conflict
    from salestrack.output.console import say
    from salestrack.store.sql import write

    now, at_time = _now_at(at)
    with write(config.resolve()) as store:
        row_id, row = clients.find_row(
            store, "initiatives", initiative, "initiative", ("text", "status")
        )
        if row["status"] != "open":
            raise Conflict(f"that initiative is already {row['status']}; nothing changed")
        changes = {"status": "done", "done_at": at_time, "updated_at": now}
        store.update("initiatives", row_id, changes)
    say(f"initiative {row_id.hex[:8]} done: {row['text']}")


# -- the scorecard ---------------------------------------------------------------------------


def scorecard(
    client: ClientArg,
    quarter: Annotated[
        str | None, typer.Option("--quarter", metavar="YYYYQn", help="e.g. 2026Q4 (default: now).")
    ] = None,
    start: Annotated[str | None, typer.Option("--from", metavar="WHEN")] = None,
    end: Annotated[str | None, typer.Option("--to", metavar="WHEN")] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", metavar="FORMAT", help="markdown (default), html or json."),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
) -> None:
    """A client's scorecard for a quarter, to bring to the business review.

    Promises kept and kept on time, an uptime figure, successes, lessons, initiatives, the
    activity and the Customer Report Card; as Markdown, one HTML file, or JSON.
    """
    import json

    from salestrack import clock, config, dates
    from salestrack.capture import capture
    from salestrack.clients import clients
    from salestrack.errors import UsageError
    from salestrack.output import documents
    from salestrack.output.render import plain
    from salestrack.store.sql import read

    chosen = (fmt or "markdown").lower()
    if chosen not in ("markdown", "md", "html", "json"):
        raise UsageError(f"--format: unknown format '{fmt}'; use markdown, html or json")
    if quarter and (start or end):
        raise UsageError("give --quarter or --from/--to, not both")
    now, tz = clock.now(), dates.local_tz()
    first = capture.parse_time("--from", start, now, "past", None) if start else None
    last = capture.parse_time("--to", end, now, "past", None) if end else None
    s, e, label = clients.period(quarter, first, last, now=now, tz=tz)
    with read(config.resolve()) as r:
        card = clients.scorecard(r, client, start=s, end=e, label=label)
    figures = card.figures(now)
    if chosen == "json":
        data = {
            "client": card.client,
            "period": label,
            "from": plain(s),
            "to": plain(e),
            **figures,
            "promise_list": [
                {k: plain(v) for k, v in p.as_row(now).items()} for p in card.promises
            ],
            "success_list": [{k: plain(v) for k, v in x.items()} for x in card.successes],
            "lesson_list": [{k: plain(v) for k, v in x.items()} for x in card.lessons],
            "initiative_list": [{k: plain(v) for k, v in x.items()} for x in card.initiatives],
            "activity": card.activity,
            "last_touch": plain(card.last_touch),
            "crc": card.crc,
        }
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    elif chosen == "html":
        text = documents.scorecard_html(card, figures, now)
    else:
        text = documents.scorecard_markdown(card, figures, now)
    from salestrack.output.files import output_file

    with output_file(output) as out:
        out.write(text)
    if output is not None:
        from salestrack.output.console import say

        say(f"wrote {output}")


# -- the Customer Report Card ----------------------------------------------------------------

crc_app = typer.Typer(
    help="The Customer Report Card: up to six behaviours, graded A, B or D each month.",
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
)


@crc_app.command("behaviours")
def crc_behaviours(
    client: Annotated[
        str | None,
        typer.Argument(
            metavar="[CLIENT]", help="A client (default: the default set).", show_default=False
        ),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="N|TEXT",
            help="Replace the set (repeatable, at most six): a candidate's number or your own "
            "words. Old behaviours are retired, their ratings kept.",
        ),
    ] = None,
    candidates: Annotated[
        bool, typer.Option("--candidates", help="List the twelve candidate behaviours.")
    ] = False,
) -> None:
    """Show or set the behaviours a client (or every client, by default) grades."""
    import uuid

    from salestrack import clock, config
    from salestrack.clients import crc
    from salestrack.output.console import emit, say
    from salestrack.store.sql import write

    if candidates:
        for n, text in enumerate(crc.CANDIDATES, 1):
            emit(f"{n:2d}  {text}")
        return
    now = clock.now()
    with write(config.resolve()) as store:
        ref = _client(store, client) if client else None
        reader = store
        current, own = crc.behaviours(reader, ref.id if ref else None)
        if set_:
            chosen = crc.choose_behaviours(set_)
            if own or ref is None:  # a client moving off the default set retires nothing
                for b in current:
                    store.update("behaviours", b.id, {"retired_at": now, "updated_at": now})
            for position, text in enumerate(chosen, 1):
                store.insert(
                    "behaviours",
                    {"id": uuid.uuid4(), "owner": config.rep(), "created_at": now,
                     "updated_at": now, "prospect_id": ref.id if ref else None, "name": text,
                     "position": position, "retired_at": None},
                )  # fmt: skip
            whose = f"for {ref.name}" if ref else "by default"
            say(f"report card {whose}: {len(chosen)} behaviours")
            current, own = crc.behaviours(reader, ref.id if ref else None)
    if not current:
        say("no behaviours yet: salestrack crc behaviours --set 1 --set 3 ... (--candidates)")
        return
    if ref is not None and not own:
        say(f"{ref.name} uses the default set")
    for b in current:
        emit(f"{b.position}  {b.name}")


@crc_app.command("rate")
def crc_rate(
    client: ClientArg,
    grades: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[N=GRADE[:COMMENT]]...",
            help="Grades by behaviour number or name start, e.g. 1=A 2=B '3=D:slow replies'.",
            show_default=False,
        ),
    ] = None,
    month: Annotated[
        str | None, typer.Option("--month", metavar="YYYY-MM", help="Default: last month.")
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", help="A filled-in form (CSV from crc form -f csv)."),
    ] = None,
) -> None:
    """Record the client's grades for a month; re-rating replaces a grade, keeping history."""
    import csv
    import uuid

    from salestrack import clock, config, dates
    from salestrack.clients import crc
    from salestrack.errors import InvalidInput, UsageError
    from salestrack.output.console import say
    from salestrack.store.sql import write

    now = clock.now()
    today = now.astimezone(dates.local_tz()).date()
    label = crc.check_month(month, today=today) if month else crc.previous_month(today)
    pairs: list[tuple[str, str, str | None]] = []
    for spec in grades or []:
        which, sep, rest = spec.partition("=")
        if not sep:
            raise InvalidInput("GRADES", f"'{spec}': write behaviour=grade, e.g. 1=A")
        grade, _, remark = rest.partition(":")
        pairs.append((which, grade, remark.strip() or None))
    if file is not None:
        try:
            with file.open(encoding="utf-8-sig", newline="") as handle:
                for n, row in enumerate(csv.DictReader(handle), 2):
                    if not (row.get("grade") or "").strip():
                        continue
                    which = (row.get("behaviour") or row.get("name") or "").strip()
                    if not which:
                        raise InvalidInput("--file", f"line {n}: no behaviour number or name")
                    pairs.append((which, row["grade"], (row.get("comment") or "").strip() or None))
        except OSError as exc:
            raise UsageError(f"--file: can't read '{file}' ({exc.strerror})") from None
    if not pairs:
        raise UsageError("give grades (1=A 2=B ...) or --file with a filled-in form")
    with write(config.resolve()) as store:
        ref = _client(store, client)
        reader = store
        current, _ = crc.behaviours(reader, ref.id)
        if not current:
            raise InvalidInput(
                "CLIENT", "no behaviours to grade; set them: salestrack crc behaviours --set 1 ..."
            )
        done = []
        for which, grade_text, comment in pairs:
            b = crc.pick(current, which)
            grade = crc.check_grade(grade_text)
            for (old_id,) in reader.rows(
                "SELECT id FROM ratings WHERE prospect_id = :p AND behaviour_id = :b "
                "AND month = :m AND superseded_at IS NULL",
                p=ref.id, b=b.id, m=label,
            ):  # fmt: skip
                from salestrack.store.sql import uid

                store.update("ratings", uid(old_id), {"superseded_at": now, "updated_at": now})
            store.insert(
                "ratings",
                {"id": uuid.uuid4(), "owner": config.rep(), "created_at": now, "updated_at": now,
                 "prospect_id": ref.id, "behaviour_id": b.id, "month": label, "grade": grade,
                 "comment": comment, "rated_at": now, "superseded_at": None},
            )  # fmt: skip
            done.append(f"{b.position}={grade}")
    say(f"report card for {ref.name}, {label}: {' '.join(done)}")


@crc_app.command("report")
def crc_report(
    client: ClientArg,
    months: Annotated[int, typer.Option("--months", min=1, max=36, help="How many months.")] = 6,
    fmt: FormatOpt = None,
) -> None:
    """Months by behaviours with the grades, the share of A, and drops (▼) marked."""
    from salestrack import clock, config, dates
    from salestrack.clients import crc
    from salestrack.output.console import say
    from salestrack.output.render import Column, Table, render

    fmt = check_format(fmt)
    from salestrack.store import lookup
    from salestrack.store.sql import read

    today = clock.now().astimezone(dates.local_tz()).date()
    wanted = crc.last_months(today, months)

    with read(config.resolve()) as r:
        ref = lookup.find_prospect(r, client)
        g = crc.grid(r, ref.id, wanted)
    rows = [row for row in g.rows() if row["share_a"] is not None]
    columns = [Column("month")]
    for b in g.behaviours:
        key = f"b{b.position}"
        columns.append(Column(key, f"{b.position}", justify="center"))
        columns.append(Column(f"{key}_dropped", show=lambda v: "▼" if v else ""))
    columns.append(Column("share_a", "share of A", justify="right",
                          show=lambda v: "" if v is None else f"{v:.0%}"))  # fmt: skip
    render(
        Table(
            title=f"Report card: {ref.name}",
            columns=columns,
            rows=rows,
            empty=f"no grades in the last {months} months: salestrack crc rate {ref.name} 1=A ...",
        ),
        fmt,
    )
    from salestrack.output.render import choose_format

    if choose_format(fmt) == "table":
        for b in g.behaviours:
            say(f"  {b.position}  {b.name}")


@crc_app.command("form")
def crc_form(
    client: ClientArg,
    month: Annotated[str | None, typer.Option("--month", metavar="YYYY-MM")] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="markdown, html or csv.")
    ] = "markdown",
) -> None:
    """A form for the client to fill in (send it; read a filled CSV back with crc rate --file)."""
    import sys

    from salestrack import clock, config, dates
    from salestrack.clients import crc
    from salestrack.errors import UsageError
    from salestrack.output import documents
    from salestrack.store import lookup
    from salestrack.store.sql import read

    chosen = {"md": "markdown"}.get(fmt.lower(), fmt.lower())
    if chosen not in ("markdown", "html", "csv"):
        raise UsageError(f"--format: unknown format '{fmt}'; use markdown, html or csv")
    today = clock.now().astimezone(dates.local_tz()).date()
    label = crc.check_month(month, today=today) if month else f"{today:%Y-%m}"
    with read(config.resolve()) as r:
        ref = lookup.find_prospect(r, client)
        current, _ = crc.behaviours(r, ref.id)
    sys.stdout.write(
        documents.crc_form(ref.name, label, [(b.position, b.name) for b in current], chosen)
    )
