"""Keep your own score: promises, successes, lessons, initiatives, scorecards, report cards."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from salestrack.cli.options import (
    FormatOpt,
    NoteOpt,
    OutputOpt,
    ProspectArg,
    ScorecardFormatOpt,
    format_option,
    old_spelling,
    period,
    prospect_filter,
    since_option,
    until_option,
)

#: The report-card form is a document to send: it has no table.
FORM_FORMATS = ("markdown", "html", "csv")

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
    """Record a promise made to a client.

    Example: salestrack promise add Acme 'send the revised plan' --due 'fri 5pm'
    """
    from salestrack import config
    from salestrack.capture import capture
    from salestrack.clients import clients
    from salestrack.output.console import emit, say
    from salestrack.output.show import when
    from salestrack.store.sql import write

    now, made = _now_at(at)
    due_at = capture.parse_time("--due", due, now, "future", None) if due else None
    with write(config.resolve()) as store:
        added = clients.add_promise(
            store, client, text, made_at=made, due_at=due_at, owner=config.rep(), now=now
        )
    say(f"promise to {added.client}: {text}" + (f" · due {when(due_at)}" if due_at else ""))
    emit(str(added.id))


def _resolve_promise(typed: str, status: str, at: str | None, note: str | None) -> None:
    from salestrack import config
    from salestrack.clients import clients
    from salestrack.output.console import say
    from salestrack.store.sql import write

    now, at_time = _now_at(at)
    with write(config.resolve()) as store:
        done = clients.resolve_promise(store, typed, status, at=at_time, now=now, note=note)
    say(f"promise {done.id.hex[:8]} {done.state}: {done.text}")


@promise_app.command("done")
def promise_done(promise: IdArg, at: AtOpt = None, note: NoteOpt = None) -> None:
    """Mark a promise kept (on time if no later than its due time).

    Example: salestrack promise done 3f2a9c1b --note 'sent with the figures'
    """
    _resolve_promise(promise, "kept", at, note)


@promise_app.command("broken")
def promise_broken(promise: IdArg, at: AtOpt = None, note: NoteOpt = None) -> None:
    """Mark a promise broken (then write down the lesson: salestrack lesson add).

    Example: salestrack promise broken 3f2a9c1b --note 'the data was late'
    """
    _resolve_promise(promise, "broken", at, note)


@promise_app.command("list")
def promise_list(
    client: Annotated[
        str | None,
        prospect_filter(
            "Only this client's promises (a name or a unique start of it).", "[CLIENT]"
        ),
    ] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only promises not yet kept.")] = False,
    since: Annotated[
        str | None,
        since_option("Only promises due (or made, with no due time) from then on: 2026-10-01."),
    ] = None,
    until: Annotated[
        str | None, until_option("Only those due before then (a date alone: through that day).")
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """Promises, soonest due first, with their state (kept on time, late, broken, overdue).

    Example: salestrack promise list Acme --open --since 2026-10-01
    """
    from salestrack import clock, config
    from salestrack.clients import clients
    from salestrack.output.render import Column, Table, render
    from salestrack.output.show import short_id, when
    from salestrack.store.sql import read

    now = clock.now()
    start, end = period(since, until, now=now)
    with read(config.resolve()) as r:
        found = clients.list_promises(r, client, since=start, until=end)
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
    """Record a success delivered to a client.

    Example: salestrack success add Acme 'cut their onboarding from 6 weeks to 2'
    """
    from salestrack import config
    from salestrack.clients import clients
    from salestrack.output.console import emit, say
    from salestrack.store.sql import write

    now, delivered = _now_at(at)
    with write(config.resolve()) as store:
        added = clients.add_success(
            store, client, text, delivered_at=delivered, owner=config.rep(), now=now
        )
    say(f"success for {added.client}: {text}")
    emit(str(added.id))


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
    """Record a lesson learned from a failure with a client.

    Example: salestrack lesson add Acme 'missed the renewal date' --change 'renewals in my calendar'
    """
    from salestrack import config
    from salestrack.clients import clients
    from salestrack.output.console import emit, say
    from salestrack.store.sql import write

    now, learned = _now_at(at)
    with write(config.resolve()) as store:
        added = clients.add_lesson(
            store, client, text, change=change, learned_at=learned, owner=config.rep(), now=now
        )
    say(f"lesson with {added.client}: {text}" + (f" → {change}" if change else ""))
    emit(str(added.id))


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
    """Start an improvement initiative for a client.

    Example: salestrack initiative add Acme 'monthly usage report'
    """
    from salestrack import config
    from salestrack.clients import clients
    from salestrack.output.console import emit, say
    from salestrack.store.sql import write

    now, started = _now_at(at)
    with write(config.resolve()) as store:
        added = clients.add_initiative(
            store, client, text, started_at=started, owner=config.rep(), now=now
        )
    say(f"initiative for {added.client}: {text}")
    emit(str(added.id))


@initiative_app.command("done")
def initiative_done(initiative: IdArg, at: AtOpt = None) -> None:
    """Mark an initiative done.

    Example: salestrack initiative done 3f2a9c1b
    """
    from salestrack import config
    from salestrack.clients import clients
    from salestrack.output.console import say
    from salestrack.store.sql import write

    now, at_time = _now_at(at)
    with write(config.resolve()) as store:
        done = clients.finish_initiative(store, initiative, at=at_time, now=now)
    say(f"initiative {done.id.hex[:8]} done: {done.text}")


# -- the scorecard ---------------------------------------------------------------------------


def scorecard(
    client: ClientArg,
    quarter: Annotated[
        str | None, typer.Option("--quarter", metavar="YYYYQN", help="e.g. 2026Q4 (default: now).")
    ] = None,
    since: Annotated[
        str | None, since_option("Start of the period instead of a quarter: 2026-10-01.")
    ] = None,
    until: Annotated[
        str | None, until_option("End of the period (a date alone: all that day).")
    ] = None,
    old_from: Annotated[str | None, old_spelling("--from", "--since")] = None,
    old_to: Annotated[str | None, old_spelling("--to", "--until")] = None,
    fmt: ScorecardFormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """A client's scorecard for a quarter, to bring to the business review.

    Promises kept and kept on time, uptime explained, this quarter against the one before,
    successes, lessons and initiatives as the quarter's story, the report-card grid; signed
    with the settings rep_name and company_name. Rendered on a terminal, Markdown when piped
    or with -f markdown, one HTML page for two sheets of A4 with -f html, a PDF of it with
    -f pdf (needs --output), the figures with -f csv, json or jsonl.

    Example: salestrack scorecard Acme --quarter 2026Q4 -f html --output acme-q4.html
    """
    from salestrack import clock, config, dates
    from salestrack.clients import clients
    from salestrack.errors import UsageError
    from salestrack.output import documents
    from salestrack.store.sql import read

    if (since and old_from) or (until and old_to):
        raise UsageError("--since: give --since/--until (--from/--to are their old spelling)")
    since, until = since or old_from, until or old_to
    chosen = fmt or ("markdown" if output is not None else documents.choose(None))
    if chosen == "pdf" and output is None:
        raise UsageError("--format pdf: give --output FILE (a PDF is not for the terminal)")
    if quarter and (since or until):
        raise UsageError("give --quarter or --since/--until, not both")
    now, tz = clock.now(), dates.local_tz()
    first, last = period(since, until, now=now)
    s, e, label = clients.period(quarter, first, last, now=now, tz=tz)
    with read(config.resolve()) as r:
        qbr = clients.qbr(r, client, start=s, end=e, label=label, tz=tz)
    figures = qbr.card.figures(now)
    if chosen in ("json", "jsonl"):
        text = documents.scorecard_json(qbr, figures, now, label=label, start=s, end=e)
        if chosen == "jsonl":
            import json

            text = json.dumps(json.loads(text), ensure_ascii=False) + "\n"
    elif chosen == "csv":
        text = documents.scorecard_csv(qbr.card, figures, label=label, start=s, end=e)
    elif chosen in ("html", "pdf"):
        text = documents.scorecard_html(qbr, figures, now)
    else:
        markdown = documents.scorecard_markdown(qbr, figures, now)
        title = f"Scorecard: {qbr.card.client}, {qbr.card.label}"
        if chosen == "table" and output is None:
            documents.show_markdown(markdown, "table", title=title)
            return
        text = markdown
    from salestrack.output.files import output_file

    if chosen == "pdf":
        data = documents.pdf(text)
        with output_file(output, binary=True) as raw:
            raw.write(data)
    else:
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
        str | None, prospect_filter("A client (default: the default set).", "[CLIENT]")
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
    fmt: FormatOpt = None,
) -> None:
    """Show or set the behaviours a client (or every client, by default) grades.

    Example: salestrack crc behaviours Acme --set 1 --set 3 --set 'knows our roadmap'
    """
    from salestrack import clock, config
    from salestrack.clients import crc
    from salestrack.output.console import emit, say
    from salestrack.output.render import Column, Table, render
    from salestrack.store.sql import read, write

    table = fmt not in ("csv", "json", "jsonl")  # numbered lines, for a person and a script
    if candidates:
        if not table:
            rows = [{"position": n, "behaviour": t} for n, t in enumerate(crc.CANDIDATES, 1)]
            render(Table("Candidates", [Column("position"), Column("behaviour")], rows), fmt)
            return
        for n, text in enumerate(crc.CANDIDATES, 1):
            emit(f"{n:2d}  {text}")
        return
    opened = write if set_ else read  # only a change writes (and may create the database)
    with opened(config.resolve()) as store:
        found = crc.set_behaviours(store, client, set_, owner=config.rep(), now=clock.now())
    if not table:
        rows = [
            {
                "client": found.client,
                "position": b.position,
                "behaviour": b.name,
                "own": found.own,
            }
            for b in found.current
        ]
        columns = [Column(c) for c in ("client", "position", "behaviour", "own")]
        render(Table("Behaviours", columns, rows), fmt)
        return
    if found.chosen is not None:
        whose = f"for {found.client}" if found.client else "by default"
        changes = f" ({found.kept} kept, {found.chosen - found.kept} new, {found.retired} retired)"
        say(
            f"report card {whose}: {found.chosen} behaviours"
            + (changes if found.kept or found.retired else "")
        )
    if not found.current:
        say("no behaviours yet: salestrack crc behaviours --set 1 --set 3 ... (--candidates)")
        return
    if found.client is not None and not found.own:
        say(f"{found.client} uses the default set")
    for b in found.current:
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
        str | None,
        typer.Option(
            "--month", metavar="YYYY-MM", help="Default: the form's month, else last month."
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            metavar="FILE",
            help="A filled-in form (CSV from crc form -f csv; its month).",
        ),
    ] = None,
) -> None:
    """Record the client's grades for a month; re-rating replaces a grade, keeping history.

    Example: salestrack crc rate Acme 1=A 2=B '3=D:slow replies' --month 2026-10
    """
    from salestrack import clock, config, dates
    from salestrack.clients import crc
    from salestrack.errors import UsageError
    from salestrack.output.console import say
    from salestrack.store.sql import write

    now = clock.now()
    today = now.astimezone(dates.local_tz()).date()
    pairs = crc.parse_grades(grades or [])
    form = crc.read_form(file, today=today) if file is not None else None
    label = crc.rating_month(month, form, today=today)
    if form is not None:
        pairs += form.pairs
    if not pairs:
        raise UsageError("give grades (1=A 2=B ...) or --file with a filled-in form")
    with write(config.resolve()) as store:
        rated = crc.rate(store, client, pairs, month=label, owner=config.rep(), now=now)
    say(f"report card for {rated.client}, {rated.month}: {' '.join(rated.grades)}")


@crc_app.command("report")
def crc_report(
    client: ClientArg,
    months: Annotated[
        int, typer.Option("--months", metavar="N", min=1, max=36, help="How many months, 1 to 36.")
    ] = 6,
    fmt: FormatOpt = None,
) -> None:
    """Months by behaviours with the grades, the share of A, and drops (▼) marked.

    Example: salestrack crc report Acme --months 12
    """
    from salestrack import clock, config, dates
    from salestrack.clients import crc
    from salestrack.output.console import say
    from salestrack.output.render import Column, Table, render
    from salestrack.store.sql import read

    today = clock.now().astimezone(dates.local_tz()).date()
    wanted = crc.last_months(today, months)
    with read(config.resolve()) as r:
        found = crc.report(r, client, wanted)
    g = found.grid
    rows = [row for row in g.rows() if row["share_a"] is not None]
    from salestrack.output.render import choose_format

    table = choose_format(fmt) == "table"
    for row in rows:  # the measurement beside the grade: your reply time that month
        t = found.replies.get(row["month"])
        row["reply_median_hours"] = None if t is None else round(t.median, 2)
        row["reply_worst_hours"] = None if t is None else round(t.worst, 2)
        row["replies"] = 0 if t is None else t.n
        row["reply"] = "" if t is None else f"{t.median:.1f}h ({t.n})"
    columns = [Column("month")]
    for b in g.behaviours:
        key = f"b{b.position}"
        if table:  # one narrow cell a behaviour: the grade, ▼ when it dropped
            columns.append(Column(key, f"{b.position}", justify="center"))
            for row in rows:
                row[key] = (row[key] or "") + (" ▼" if row[f"{key}_dropped"] else "")
            if found.prompt is not None and b.id == found.prompt.id:
                columns.append(Column("reply", "reply time", justify="right"))
        else:  # comments are listed under the table
            columns += [Column(key), Column(f"{key}_dropped"), Column(f"{key}_comment")]
    if table:
        for row in rows:
            row["graded"] = f"{row['graded']} of {row['behaviours']}" + (
                "" if row["complete"] else " *"
            )
        columns.append(Column("graded", justify="right"))
    else:
        columns += [Column("graded"), Column("behaviours"), Column("complete")]
    columns.append(Column("share_a", "share of A", justify="right",
                          show=lambda v: "" if v is None else f"{v:.0%}"))  # fmt: skip
    if not table:  # added after the card's own columns, so theirs keep their places
        columns += [Column("reply_median_hours"), Column("reply_worst_hours"), Column("replies")]
    render(
        Table(
            title=f"Report card: {found.client}",
            columns=columns,
            rows=rows,
            empty=f"no grades in the last {months} months: "
            f"salestrack crc rate {found.client} 1=A ...",
        ),
        fmt,
    )
    if table and rows:
        from salestrack.output.console import emit

        said = [(row["month"], c) for row in rows for c in g.comments(row["month"])]
        if said:
            emit("comments")
            for month_label, (b, grade, text) in said:
                emit(f"  {month_label}  {b.position} {grade}  {text}")
        if not all(row["complete"] for row in rows):
            say("* not every behaviour graded that month: its share of A rests on fewer grades")
        for b in g.behaviours:
            say(f"  {b.position}  {b.name}")
        from salestrack.output import charts
        from salestrack.output.console import stdout_console
        from salestrack.output.reports import crc_trend_lines

        console = stdout_console()
        console.print("Trend: share of A by month", style="bold")
        graded = [(m, g.count(m, "A"), g.graded(m)) for m in (row["month"] for row in rows)]
        console.print(charts.styled(crc_trend_lines(graded, charts.width_of(console))))
    if table and found.replies:
        from salestrack.reports.replies import describe

        measured = "; ".join(f"{m} {describe(t)}" for m, t in found.replies.items())
        beside = (
            f"reply time: beside {found.prompt.position}, your median reply to the client's "
            "emails that month (how many answered)"
            if found.prompt is not None and rows
            else "no behaviour on the card is about replying promptly"
        )
        say(f"your reply time by month: {measured} ({beside})")


@crc_app.command("form")
def crc_form(
    client: ClientArg,
    month: Annotated[
        str | None,
        typer.Option("--month", metavar="YYYY-MM", help="The month it grades (default: last)."),
    ] = None,
    fmt: Annotated[
        str, format_option(FORM_FORMATS, "markdown, html or csv", default="markdown")
    ] = "markdown",
) -> None:
    """A form for the client to fill in (send it; read a filled CSV back with crc rate --file).

    The form says which month it grades (the CSV in a month column), and crc rate --file
    records the grades in that month.

    Example: salestrack crc form Acme -f html > acme-form.html
    """
    import sys

    from salestrack import clock, config, dates
    from salestrack.clients import crc
    from salestrack.output import documents
    from salestrack.store.sql import read

    chosen = fmt
    today = clock.now().astimezone(dates.local_tz()).date()
    label = crc.check_month(month, today=today) if month else crc.default_month(today)
    with read(config.resolve()) as r:
        found = crc.form(r, client)
    lines = [(b.position, b.name) for b in found.behaviours]
    sys.stdout.write(documents.crc_form(found.client, label, lines, chosen))
