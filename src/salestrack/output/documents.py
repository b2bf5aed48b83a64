"""Documents to bring to a client: the scorecard and the report-card form, as Markdown or as
one self-contained HTML file (inline CSS and an inline SVG chart; no scripts, no links)."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from salestrack import dates


def _pct(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value * 100:.{digits}f} %"


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


def scorecard_markdown(card: Any, figures: dict[str, Any], now: datetime) -> str:
    lines = [
        f"# Scorecard: {card.client}, {card.label}",
        "",
        f"{period(card.start, card.end)} · printed {when(now)}",
        "",
        f"Promises kept: **{_pct(figures['kept_rate'])}** · on time: "
        f"**{_pct(figures['on_time_rate'])}** · uptime: **{_pct(figures['uptime'], 2)}**",
        "",
        f"{figures['promises']} {'promise' if figures['promises'] == 1 else 'promises'} due in "
        f"the period: {figures['kept_on_time']} kept on "
        f"time, {figures['kept_late']} kept late, {figures['broken']} broken, "
        f"{figures['overdue']} overdue, {figures['open']} open.",
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
    touches = ", ".join(f"{n} {k}s" for k, n in card.activity.items()) or "none"
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


_CSS = """
body { font: 14px/1.45 -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 2em;
  color: #1d2330; max-width: 56em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
.kpis { display: flex; gap: 1.2em; margin: 1em 0; }
.kpi { border: 1px solid #ccd3e0; border-radius: 6px; padding: 0.6em 1em; }
.kpi b { display: block; font-size: 1.5em; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #e3e7ef; padding: 0.3em 0.5em; text-align: left; }
.muted { color: #6b7385; }
.part { fill: #a9bfe9; }
@media print { body { margin: 0; } }
"""


def _bars(values: list[tuple[str, float | None, str, bool]]) -> str:
    """An inline SVG bar chart of shares (0 to 1): per bar its label, share, how much was
    graded ("2 of 6") and whether that was all; a partly graded month is a pale bar."""
    width, height, gap = 48, 120, 14
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{len(values) * (width + gap) + gap}" '
        f'height="{height + 54}" role="img" aria-label="share of A grades by month">'
    ]
    for i, (label, value, graded, complete) in enumerate(values):
        x = gap + i * (width + gap)
        h = round((value or 0) * height)
        look = 'fill="#3b6fd8"' if complete else 'class="part" fill="#a9bfe9"'
        parts.append(
            f'<rect x="{x}" y="{height - h + 10}" width="{width}" height="{h}" {look}/>'
            f'<text x="{x + width / 2}" y="{height + 28}" font-size="11" '
            f'text-anchor="middle">{escape(label)}</text>'
            f'<text x="{x + width / 2}" y="{height + 44}" font-size="10" '
            f'text-anchor="middle" fill="{"#6b7385" if complete else "#b3261e"}">'
            f"{escape(graded)}</text>"
            f'<text x="{x + width / 2}" y="{height - h + 6}" font-size="11" '
            f'text-anchor="middle">{_pct(value)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def scorecard_json(
    card: Any, figures: dict[str, Any], now: datetime, *, label: str, start: Any, end: Any
) -> str:
    """The scorecard as one JSON document (``scorecard -f json``)."""
    import json

    from salestrack.output.render import plain

    data = {
        "client": card.client,
        "period": label,
        "from": plain(start),
        "to": plain(end),
        **figures,
        "promise_list": [{k: plain(v) for k, v in p.as_row(now).items()} for p in card.promises],
        "success_list": [{k: plain(v) for k, v in x.items()} for x in card.successes],
        "lesson_list": [{k: plain(v) for k, v in x.items()} for x in card.lessons],
        "initiative_list": [{k: plain(v) for k, v in x.items()} for x in card.initiatives],
        "activity": card.activity,
        "last_touch": plain(card.last_touch),
        "crc": card.crc,
        "response_times": card.replies,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def scorecard_html(card: Any, figures: dict[str, Any], now: datetime) -> str:
    def rows(items: list[str]) -> str:
        return "".join(items) or '<tr><td class="muted" colspan="5">none</td></tr>'

    promises = rows(
        [
            f"<tr><td>{escape(p.text)}</td><td>{when(p.made_at)}</td><td>{when(p.due_at)}</td>"
            f"<td>{_resolved(p)}</td><td>{escape(p.state(now))}</td></tr>"
            for p in card.promises
        ]
    )

    def items(entries: list[str]) -> str:
        return "".join(f"<li>{e}</li>" for e in entries) or '<li class="muted">none</li>'

    successes = items([f"{day(s['delivered_at'])}: {escape(s['text'])}" for s in card.successes])
    lessons = items(
        [
            f"{day(x['learned_at'])}: {escape(x['text'])}"
            + (f" &rarr; {escape(x['change'])}" if x["change"] else "")
            for x in card.lessons
        ]
    )
    initiatives = items(
        [f"{escape(i['text'])} ({escape(_initiative(i))})" for i in card.initiatives]
    )
    if card.crc:
        chart = _bars(
            [
                (c["month"], c["share_a"], f"{c['ratings']} of {c['behaviours']}", c["complete"])
                for c in card.crc
            ]
        )
        if not all(c["complete"] for c in card.crc):
            chart += (
                '<p class="muted">Pale bars: months the client did not grade every behaviour; '
                "their share of A rests on fewer grades.</p>"
            )
        said = [
            f"{escape(c['month'])}, {escape(x['behaviour'])} ({escape(x['grade'])}): "
            f"{escape(x['comment'])}"
            for c in card.crc
            for x in c["comments"]
        ]
        if said:
            chart += "<h3>The client's comments</h3><ul>" + items(said) + "</ul>"
    else:
        chart = '<p class="muted">No report-card ratings in the period.</p>'
    touches = ", ".join(f"{n} {k}s" for k, n in card.activity.items()) or "none"
    title = f"Scorecard: {card.client}, {card.label}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{escape(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>{escape(title)}</h1>
<p class="muted">{period(card.start, card.end)} · printed {when(now)}</p>
<div class="kpis">
<div class="kpi">promises kept<b>{_pct(figures["kept_rate"])}</b></div>
<div class="kpi">on time<b>{_pct(figures["on_time_rate"])}</b></div>
<div class="kpi">uptime<b>{_pct(figures["uptime"], 2)}</b></div>
<div class="kpi">successes<b>{figures["successes"]}</b></div>
</div>
<h2>Promises</h2>
<table><thead><tr><th>promise</th><th>made</th><th>due</th><th>kept or broken</th>
<th>state</th></tr></thead>
<tbody>{promises}</tbody></table>
<h2>Successes delivered</h2><ul>{successes}</ul>
<h2>Lessons learned</h2><ul>{lessons}</ul>
<h2>Improvement initiatives</h2><ul>{initiatives}</ul>
<h2>Customer Report Card: share of A grades</h2>
{chart}
<h2>Activity</h2><p>{escape(touches)}; last touch {when(card.last_touch) or "-"}.</p>
</body>
</html>
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
        return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Report card: {escape(client)}, {month}</title>
<style>{_CSS}</style></head>
<body>
<h1>Report card: {escape(client)}, {month}</h1>
<p>{escape(intro)}</p>
<table><thead><tr><th>#</th><th>behaviour</th><th>grade</th><th>comment</th></tr></thead>
<tbody>{body}</tbody></table>
</body>
</html>
"""
    lines = [f"# Report card: {client}, {month}", "", intro, ""]
    lines += ["| # | behaviour | grade (A / B / D) | comment |", "| --- | --- | --- | --- |"]
    lines += [f"| {p} | {n} | | |" for p, n in names]
    return "\n".join(lines) + "\n"
