"""Documents to bring to a client: the scorecard and the report-card form, as Markdown or as
one self-contained HTML file (inline CSS and an inline SVG chart; no scripts, no links)."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from salestrack import dates


def _pct(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value * 100:.{digits}f}%"


def choose(requested: str | None) -> str:
    """The format of a document: as asked, else rendered for a person on a terminal
    ("table") and raw Markdown when piped."""
    if requested:
        return requested
    from salestrack.output.console import stdout_is_terminal

    return "table" if stdout_is_terminal() else "markdown"


def show_markdown(text: str, chosen: str, *, title: str) -> str | None:
    """A Markdown document as ``chosen`` asks: rendered through Rich's Markdown (paged when
    long) for "table", the text itself for "markdown", one HTML page for "html". Returns
    the text to write, or None when it was rendered to the terminal."""
    if chosen == "html":
        return markdown_html(text, title)
    if chosen != "table":
        return text
    from rich.markdown import Markdown

    from salestrack.output.console import page, stdout_console

    page(stdout_console(), Markdown(text, hyperlinks=False))
    return None


def markdown_html(text: str, title: str) -> str:
    """The Markdown salestrack writes (headings, lists, check boxes, pipe tables, ``**bold**``)
    as one self-contained HTML page; every text escaped."""
    import re

    def inline(part: str) -> str:
        return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escape(part))

    body: list[str] = []
    listing = ""  # "ul" or "ol" while a list is open
    table: list[list[str]] = []

    def close() -> None:
        nonlocal listing
        if listing:
            body.append(f"</{listing}>")
            listing = ""
        if table:
            head, *rest = table
            body.append("<table><thead><tr>" + "".join(f"<th>{inline(c)}</th>" for c in head))
            body.append("</tr></thead><tbody>")
            body.extend(
                "<tr>" + "".join(f"<td>{inline(c)}</td>" for c in row) + "</tr>" for row in rest
            )
            body.append("</tbody></table>")
            table.clear()

    for line in text.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(set(c) <= set("-: ") for c in cells):
                table.append(cells)
            continue
        bullet = re.match(r"^(- |\d+\. )(\[ \] )?(.*)$", line)
        kind = "" if bullet is None else ("ul" if bullet.group(1) == "- " else "ol")
        if kind != listing or not line.strip() or line.startswith("#"):
            close()
        if bullet is not None:
            if not listing:
                body.append(f"<{kind}>")
                listing = kind
            box = "&#9744; " if bullet.group(2) else ""
            body.append(f"<li>{box}{inline(bullet.group(3))}</li>")
        elif heading := re.match(r"^(#{1,3}) (.*)$", line):
            n = len(heading.group(1))
            body.append(f"<h{n}>{inline(heading.group(2))}</h{n}>")
        elif line.strip():
            body.append(f"<p>{inline(line)}</p>")
    close()
    from salestrack.output.pages import page

    return page(title, "\n".join(body))


# A document is kept and read later, so every date in it carries its year.
def when(value: datetime | None) -> str:
    """``Mon 12 Oct 2026 17:00`` in the local zone ("" for none)."""
    return "" if value is None else value.astimezone(dates.local_tz()).strftime("%a %d %b %Y %H:%M")


def day(value: datetime | None) -> str:
    """``Mon 12 Oct 2026`` in the local zone ("" for none)."""
    return "" if value is None else value.astimezone(dates.local_tz()).strftime("%a %d %b %Y")


def period(start: datetime, end: datetime) -> str:
    """The days a period takes in (``Thu 01 Oct 2026 to Thu 31 Dec 2026``), or its times when
    it does not run from midnight to midnight."""
    tz = dates.local_tz()
    if start.astimezone(tz).time() == end.astimezone(tz).time() == datetime.min.time():
        last = dates.last_day(end, tz)
        return f"{day(start)} to {last:%a %d %b %Y}"
    return f"{when(start)} to {when(end)}"


def _resolved(p: Any) -> str:
    """When a promise was kept or broken ("" while open)."""
    return when(p.resolved_at) if p.status in ("kept", "broken") else ""


def _initiative(i: dict[str, Any]) -> str:
    return f"done {day(i['done_at'])}" if i["status"] == "done" and i["done_at"] else i["status"]


def _graded(c: dict[str, Any]) -> str:
    """``2 of 6 graded, incomplete``: how much of the month's card the client graded."""
    return f"{c['ratings']} of {c['behaviours']} graded" + ("" if c["complete"] else ", incomplete")


def scorecard_markdown(qbr: Any, figures: dict[str, Any], now: datetime) -> str:
    card = qbr.card
    signed = ", ".join(x for x in (qbr.rep, qbr.company) if x)
    lines = [
        f"# Scorecard: {card.client}, {card.label}",
        "",
        f"{period(card.start, card.end)} · printed {when(now)}"
        + (f" · prepared by {signed}" if signed else ""),
        "",
        f"Promises kept: **{_pct(figures['kept_rate'])}** · on time: "
        f"**{_pct(figures['on_time_rate'])}** · uptime: **{_pct(figures['uptime'], 2)}**",
        "",
        f"{figures['promises']} {'promise' if figures['promises'] == 1 else 'promises'} due in "
        f"the period: {figures['kept_on_time']} kept on "
        f"time, {figures['kept_late']} kept late, {figures['broken']} broken, "
        f"{figures['overdue']} overdue, {figures['open']} open.",
        "",
        uptime_line(figures, now),
        "",
        "## Promises",
        "",
        "| promise | made | due | kept or broken | state |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {p.text} | {when(p.made_at)} | {when(p.due_at)} | {_resolved(p)} | {p.state(now)} |"
        for p in card.promises
    ] or ["| none | | | | |"]
    lines += ["", "## Successes delivered", ""]
    lines += [f"- {day(s['delivered_at'])}: {s['text']}" for s in card.successes] or ["- none"]
    lines += ["", "## Lessons learned", ""]
    lines += [
        f"- {day(x['learned_at'])}: {x['text']}" + (f" → {x['change']}" if x["change"] else "")
        for x in card.lessons
    ] or ["- none"]
    lines += ["", "## Improvement initiatives", ""]
    lines += [f"- {i['text']} ({_initiative(i)})" for i in card.initiatives] or ["- none"]
    lines += ["", "## Customer Report Card", ""]
    for c in card.crc:
        lines.append(f"- {c['month']}: {_pct(c['share_a'])} A, {c['d']} D ({_graded(c)})")
        lines += [f"  - {x['behaviour']} ({x['grade']}): {x['comment']}" for x in c["comments"]]
    if not card.crc:
        lines.append("- no ratings in the period")
    from salestrack.output.show import count

    touches = ", ".join(count(n, k) for k, n in card.activity.items()) or "none"
    lines += ["", "## Activity", "", f"{touches}; last touch {when(card.last_touch) or '-'}."]
    lines += ["", "## Response time", "", *reply_lines(card.replies)]
    return "\n".join(lines) + "\n"


def _wait(t: dict[str, Any]) -> str:
    """``2.5 h (worst 22.0 h, 3 answered)``; ``-`` when nothing was answered."""
    if not t["n"]:
        return "-"
    return f"{t['median_hours']:.1f} h (worst {t['worst_hours']:.1f} h, {t['n']} answered)"


def reply_lines(replies: dict[str, Any]) -> list[str]:
    """The scorecard's response times in Markdown: the period's, then week by week."""
    if not replies or not (replies["yours"]["n"] or replies["theirs"]["n"]):
        return ["- no emails answered in the period (import mail to measure it)"]
    lines = [
        f"Your replies: median {_wait(replies['yours'])} · the client's: median "
        f"{_wait(replies['theirs'])}.",
        "",
        "| week | your replies (median) | the client's (median) |",
        "| --- | --- | --- |",
    ]
    lines += [
        f"| {w['week']} | {_wait(w['yours'])} | {_wait(w['theirs'])} |" for w in replies["weeks"]
    ]
    return lines


def scorecard_json(
    qbr: Any, figures: dict[str, Any], now: datetime, *, label: str, start: Any, end: Any
) -> str:
    """The scorecard as one JSON document (``scorecard -f json``)."""
    import json

    from salestrack.clients.clients import grades
    from salestrack.output.render import plain

    card = qbr.card
    a, n = grades(card)
    before = {k: plain(v) for k, v in qbr.document(now).items()}
    data = {
        "client": card.client,
        "rep_name": qbr.rep,
        "company_name": qbr.company,
        "period": label,
        "from": plain(start),
        "to": plain(end),
        **figures,
        "share_a": round(a / n, 4) if n else None,
        "grades": n,
        "uptime_text": uptime_line(figures, now),
        "promise_list": [{k: plain(v) for k, v in p.as_row(now).items()} for p in card.promises],
        "success_list": [{k: plain(v) for k, v in x.items()} for x in card.successes],
        "lesson_list": [{k: plain(v) for k, v in x.items()} for x in card.lessons],
        "initiative_list": [{k: plain(v) for k, v in x.items()} for x in card.initiatives],
        "activity": card.activity,
        "last_touch": plain(card.last_touch),
        "crc": card.crc,
        "grid": [] if card.grid is None else [r for r in card.grid.rows() if r["graded"]],
        "behaviours": []
        if card.grid is None
        else [{"position": b.position, "name": b.name} for b in card.grid.behaviours],
        "previous": before,
        "response_times": card.replies,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def scorecard_csv(card: Any, figures: dict[str, Any], *, label: str, start: Any, end: Any) -> str:
    """The scorecard's figures as one CSV row (the lists are in -f json)."""
    from salestrack.output.render import Column, Table, to_csv

    row = {"client": card.client, "period": label, "from": start, "to": end, **figures}
    return to_csv(Table("", [Column(k) for k in row], [row]))


def _t(text: object) -> str:
    """User text as typed in a page: control characters written out, markup escaped."""
    from salestrack.output.console import visible

    return escape(visible(str(text)))


def uptime_line(figures: dict[str, Any], now: datetime) -> str:
    """Uptime in one line: what it counts, from the period's own numbers."""
    due = figures["kept"] + figures["broken"] + figures["overdue"]
    if not due:
        return "Uptime: no promise has come due yet in the period, so there is nothing to count."
    against = [
        f"{n} {what}"
        for n, what in (
            (figures["kept_late"], "kept late"),
            (figures["broken"], "broken"),
            (figures["overdue"], "still open past its due date"),
        )
        if n
    ]
    text = (
        f"Uptime {_pct(figures['uptime'], 2)}: of the {due} promise{'s' if due != 1 else ''} "
        f"that came due by {day(now)}, {figures['kept_on_time']} "
        f"{'was' if figures['kept_on_time'] == 1 else 'were'} kept by the date promised"
    )
    if against:
        text += "; " + ", ".join(against) + " count against it"
    if figures["open"]:
        text += f" ({figures['open']} more not due yet)"
    return text + "."


def _story(card: Any, figures: dict[str, Any], now: datetime) -> str:
    """The quarter told in a few sentences, then its events in the order they happened."""
    said = []
    resolved = figures["kept"] + figures["broken"]
    if figures["promises"]:
        said.append(
            f"{figures['promises']} promise{'s' if figures['promises'] != 1 else ''} came due "
            f"this period (or were made without a due date); we kept {figures['kept']} of the "
            f"{resolved} settled so far, {figures['kept_on_time']} of them on time."
        )
    if card.successes:
        names = "; ".join(_t(x["text"]) for x in card.successes)
        said.append(
            f"{len(card.successes)} success{'es' if len(card.successes) != 1 else ''} "
            f"delivered: {names}."
        )
    if card.lessons:
        said.append(
            "What we learned: "
            + "; ".join(
                _t(x["text"]) + (f", so we changed: {_t(x['change'])}" if x["change"] else "")
                for x in card.lessons
            )
            + "."
        )
    if card.initiatives:
        done = [i for i in card.initiatives if i["status"] == "done"]
        going = [i for i in card.initiatives if i["status"] != "done"]
        parts = []

        def listed(items: list[dict[str, Any]]) -> str:
            return "; ".join(f"{_t(i['text'])} ({escape(_initiative(i))})" for i in items)

        if done:
            parts.append("done: " + listed(done))
        if going:
            parts.append("under way: " + listed(going))
        said.append("Improvement initiatives " + ", ".join(parts) + ".")
    events: list[tuple[datetime, str]] = []
    events += [(x["delivered_at"], f"Success delivered: {_t(x['text'])}") for x in card.successes]
    events += [
        (x["learned_at"], f"Lesson learned: {_t(x['text'])}"
         + (f" &rarr; {_t(x['change'])}" if x["change"] else ""))
        for x in card.lessons
    ]  # fmt: skip
    for i in card.initiatives:
        if i["started_at"] and i["started_at"] >= card.start:
            events.append((i["started_at"], f"Initiative started: {_t(i['text'])}"))
        if i["status"] == "done" and i["done_at"]:
            events.append((i["done_at"], f"Initiative done: {_t(i['text'])}"))
    for p in card.promises:
        if p.status == "broken" and p.resolved_at:
            events.append((p.resolved_at, f"Promise broken: {_t(p.text)}"))
    events = [e for e in events if e[0] is not None]
    events.sort(key=lambda e: e[0])
    story = "<p>" + " ".join(said) + "</p>" if said else '<p class="muted">Nothing recorded.</p>'
    if events:
        story += (
            '<ul class="timeline">'
            + "".join(f"<li><b>{day(at)}</b>: {text}</li>" for at, text in events)
            + "</ul>"
        )
    return story


def _compare(qbr: Any, figures: dict[str, Any], then: dict[str, Any]) -> str:
    """This period against the previous one: a table and the rates as pairs of bars."""
    from salestrack.clients.clients import grades, share_a
    from salestrack.output import svg

    a_now, n_now = grades(qbr.card)
    a_then, n_then = grades(qbr.before)
    rows = [
        ("promises kept", figures["kept_rate"], then["kept_rate"],
         f"{figures['kept']} of {figures['kept'] + figures['broken']}",
         f"{then['kept']} of {then['kept'] + then['broken']}", 0),
        ("kept on time", figures["on_time_rate"], then["on_time_rate"],
         f"{figures['kept_on_time']} of {figures['kept']}",
         f"{then['kept_on_time']} of {then['kept']}", 0),
        ("uptime", figures["uptime"], then["uptime"],
         f"{figures['kept_on_time']} of {figures['kept'] + figures['broken'] + figures['overdue']}",
         f"{then['kept_on_time']} of {then['kept'] + then['broken'] + then['overdue']}", 2),
        ("report card: share of A", share_a(qbr.card), share_a(qbr.before),
         f"{a_now} of {n_now} grades", f"{a_then} of {n_then} grades", 0),
    ]  # fmt: skip
    counts = [
        ("successes delivered", figures["successes"], then["successes"]),
        ("lessons learned", figures["lessons"], then["lessons"]),
        ("initiatives done", figures["initiatives_done"], then["initiatives_done"]),
    ]
    this_label, was = escape(qbr.card.label), escape(qbr.before.label)
    table = (
        f'<table class="compact"><thead><tr><th scope="col"></th>'
        f'<th scope="col" class="n">{this_label}</th>'
        f'<th scope="col" class="n">{was}</th></tr></thead><tbody>'
        + "".join(
            f'<tr><th scope="row">{name}</th><td class="n">{v}</td><td class="n">{w}</td></tr>'
            for name, v, w in counts
        )
        + "</tbody></table>"
    )
    labels = [r[0] for r in rows]
    desc = "; ".join(
        f"{name}: {_pct(v, d)} ({k}) in {qbr.card.label}, {_pct(w, d)} ({j}) in {qbr.before.label}"
        for name, v, w, k, j, d in rows
    )
    chart = svg.bars(
        f"{qbr.card.label} against {qbr.before.label}",
        desc,
        labels,
        [
            svg.Bars(qbr.card.label, [r[1] for r in rows],
                     [f"{_pct(r[1], r[5])} ({r[3]})" for r in rows], top=1.0),
            svg.Bars(qbr.before.label, [r[2] for r in rows],
                     [f"{_pct(r[2], r[5])} ({r[4]})" for r in rows], top=1.0),
        ],
        label_width=160,
        row=16,
    )  # fmt: skip
    return chart + table


def _grid(card: Any) -> str:
    """The report card: behaviours by month, each grade coloured with its comment beside it,
    and each month's count of grades and share of A."""
    g = card.grid
    months = [m for m in (g.months if g else []) if g.graded(m)]
    if not months:
        return '<p class="muted">No report-card grades in the period.</p>'
    head = "".join(f'<th scope="col">{escape(m)}</th>' for m in months)
    body = ""
    for b in g.behaviours:
        cells = ""
        for m in months:
            got = g.grades.get((m, b.id))
            if got is None:
                cells += '<td class="muted">-</td>'
                continue
            grade, comment = got
            drop = " &#9660;" if g.dropped(m, b) else ""
            said = f"<br><small>&ldquo;{_t(comment)}&rdquo;</small>" if comment else ""
            cells += (
                f'<td class="grade-{escape(grade)}"><span class="grade">{escape(grade)}{drop}'
                f"</span>{said}</td>"
            )
        body += f'<tr><th scope="row">{_t(b.name)}</th>{cells}</tr>'
    counted = "".join(
        f"<td>{g.graded(m)} of {g.card(m)}{'' if g.complete(m) else ' *'}</td>" for m in months
    )
    shares = "".join(
        f"<td>{_pct(g.share_a(m))} ({g.count(m, 'A')} A, {g.count(m, 'B')} B, "
        f"{g.count(m, 'D')} D)</td>"
        for m in months
    )
    note = (
        '<p class="muted">* not every behaviour was graded that month.</p>'
        if not all(g.complete(m) for m in months)
        else ""
    )
    return (
        '<table class="crc"><thead><tr><th scope="col">behaviour</th>'
        f"{head}</tr></thead><tbody>{body}</tbody><tfoot>"
        f'<tr><th scope="row">grades given</th>{counted}</tr>'
        f'<tr><th scope="row">share of A</th>{shares}</tr></tfoot></table>'
        '<p class="muted">A: exceeds what the client expects; B: meets it; D: below it. '
        "&#9660;: lower than the month before.</p>" + note
    )


def scorecard_html(qbr: Any, figures: dict[str, Any], now: datetime) -> str:
    """The scorecard for a quarterly business review, one standalone page for two sheets of
    A4: who and when, the promises' figures with uptime explained, this period against the
    previous one, the quarter's story; then the promises and the report-card grid."""
    from salestrack.output.pages import page

    card = qbr.card
    then = qbr.before.figures(now)
    signed = ", ".join(_t(x) for x in (qbr.rep, qbr.company) if x)
    title = f"Scorecard: {card.client}, {card.label}"
    promises = (
        "".join(
            f"<tr><td>{_t(p.text)}</td><td>{when(p.made_at)}</td><td>{when(p.due_at)}</td>"
            f"<td>{_resolved(p)}</td><td>{escape(p.state(now))}</td></tr>"
            for p in card.promises
        )
        or '<tr><td class="muted" colspan="5">none</td></tr>'
    )
    from salestrack.output.show import count

    touches = ", ".join(count(n, k) for k, n in card.activity.items()) or "none"
    kpis = [
        ("promises kept", _pct(figures["kept_rate"]),
         f"{figures['kept']} of {figures['kept'] + figures['broken']} settled"),
        ("on time", _pct(figures["on_time_rate"]),
         f"{figures['kept_on_time']} of {figures['kept']} kept"),
        ("uptime", _pct(figures["uptime"], 2), "kept on time of those come due"),
        ("successes", str(figures["successes"]), "delivered"),
    ]  # fmt: skip
    body = f"""<header>
<h1>{_t(title)}</h1>
<p class="lead">For <b>{_t(card.client)}</b>{" · prepared by " + signed if signed else ""}</p>
<p class="muted">{period(card.start, card.end)} · printed {when(now)}</p>
</header>
<section aria-labelledby="s-kpi"><h2 id="s-kpi">Promises and uptime</h2>
<div class="kpis">{
        "".join(
            f'<div class="kpi">{k}<b>{v}</b><small>{escape(s)}</small></div>' for k, v, s in kpis
        )
    }</div>
<p>{escape(uptime_line(figures, now))}</p></section>
<section aria-labelledby="s-cmp"><h2 id="s-cmp">This period against the one before
({escape(qbr.before.label)})</h2>{_compare(qbr, figures, then)}</section>
<section aria-labelledby="s-story"><h2 id="s-story">The quarter's story</h2>
{_story(card, figures, now)}</section>
<div class="page-break"></div>
<section aria-labelledby="s-promises"><h2 id="s-promises">Every promise</h2>
<table><thead><tr><th scope="col">promise</th><th scope="col">made</th><th scope="col">due</th>
<th scope="col">kept or broken</th><th scope="col">state</th></tr></thead>
<tbody>{promises}</tbody></table></section>
<section aria-labelledby="s-crc"><h2 id="s-crc">Customer Report Card</h2>{_grid(card)}</section>
<section aria-labelledby="s-act"><h2 id="s-act">Activity</h2>
<p>{escape(touches)}; last touch {when(card.last_touch) or "-"}.</p></section>"""
    return page(title, body, extra_css=_QBR_CSS)


def pdf(html: str) -> bytes:
    """The page as a PDF, by WeasyPrint (no browser; imported here only, ~0.6 s). It needs
    Pango from the system; without it (or without the package), one line says what to do."""
    from salestrack.errors import SalestrackError

    try:
        from weasyprint import HTML  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except (ImportError, OSError) as exc:
        raise SalestrackError(
            f"--format pdf needs WeasyPrint and the Pango library ({type(exc).__name__}): "
            "pip install 'salestrack[pdf]' (Debian: apt-get install libpango-1.0-0), or write "
            "-f html and print it to PDF from a browser"
        ) from None
    data: bytes = HTML(string=html).write_pdf()
    return data


_QBR_CSS = """
table.crc td { min-width: 5.5em; } table.crc td small { color: #3a4255; font-weight: normal; }
table.crc tfoot td, table.crc tfoot th { font-size: 0.9em; color: #3a4255; }
ul.timeline { padding-left: 1.2em; } ul.timeline li { margin: 0.05em 0; }
table.compact td, table.compact th { padding: 0.15em 0.5em; }
@media print { body { font-size: 10pt; } h2 { margin-top: 1em; } }
"""


def crc_form(client: str, month: str, names: list[tuple[int, str]], fmt: str) -> str:
    """A report-card form for the client to fill in (markdown, html or csv)."""
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["month", "behaviour", "name", "grade", "comment"])
        for position, name in names:
            writer.writerow([month, position, name, "", ""])
        return out.getvalue()
    intro = (
        f"How did we do in {month}? For each line, mark A (exceeds what you expect), "
        "B (meets it) or D (below it), and add a comment if you like."
    )
    if fmt == "html":
        body = "".join(
            f"<tr><td>{p}</td><td>{escape(n)}</td><td>A &#9744; B &#9744; D &#9744;</td>"
            "<td style='width:40%'></td></tr>"
            for p, n in names
        )
        from salestrack.output.pages import page

        return page(
            f"Report card: {client}, {month}",
            f"<h1>Report card: {escape(client)}, {month}</h1>\n<p>{escape(intro)}</p>\n"
            "<table><thead><tr><th>#</th><th>behaviour</th><th>grade</th><th>comment</th></tr>"
            f"</thead>\n<tbody>{body}</tbody></table>",
        )
    lines = [f"# Report card: {client}, {month}", "", intro, ""]
    lines += ["| # | behaviour | grade (A / B / D) | comment |", "| --- | --- | --- | --- |"]
    lines += [f"| {p} | {n} | | |" for p, n in names]
    return "\n".join(lines) + "\n"
