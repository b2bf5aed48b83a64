"""Pictures: the terminal charts, the weekly review page, the team review and the QBR
scorecard. Each picture's numbers are held equal to the JSON of the report it draws, and the
fixtures' numbers are worked by hand.

NOW is Friday 20 November 2026, 15:00 in London (tests/conftest.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NOW, Cli, dump
from tests.test_baseline import holes_fixture
from tests.test_clients import fixture as client_fixture

VOID = {"meta", "br", "img", "link", "hr", "input"}


class Page(HTMLParser):
    """An HTML page read back: its tags balance, nothing is fetched, and each chart's
    drawn series (``data-series``) with their values."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.open: list[str] = []
        self.external: list[str] = []
        self.charts: list[dict[str, Any]] = []
        self.scripts = 0
        self.feed(html)
        self.close()

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        got = dict(attrs)
        self.external += [v or "" for k, v in attrs if k in ("src", "href")]
        if tag == "script":
            self.scripts += 1
        if tag == "svg":
            self.charts.append({"series": [], "labelled": got.get("aria-labelledby")})
        if "data-series" in got and self.charts:
            self.charts[-1]["series"].append((tag, got["data-series"], got))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self.open[-2:] == ["svg", "title"] and self.charts:
            self.charts[-1]["title"] = data

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, (tag, self.open[-3:])
        self.open.pop()

    def chart(self, title: str) -> dict[str, Any]:
        found = [c for c in self.charts if c.get("title") == title]
        assert len(found) == 1, (title, [c.get("title") for c in self.charts])
        return found[0]


def values(chart: dict[str, Any], series: str) -> list[float | None]:
    out: list[float | None] = []
    for _, name, attrs in chart["series"]:
        if name == series:
            v = attrs["data-value"]
            out.append(None if v == "none" else float(v))
    return out


def standalone(html: str) -> Page:
    assert html.startswith('<!DOCTYPE html>\n<html lang="en">')
    page = Page(html)
    assert page.open == [] and page.external == [] and page.scripts == 0
    assert all(c["labelled"] and c.get("title") for c in page.charts)  # a text alternative
    assert "@media print" in html and "size: A4" in html
    return page


def chromium(tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Headless Chromium on ``page`` (skipped without it, failed under
    SALESTRACK_REQUIRE_BROWSER, as tests/test_clients.py does)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if os.environ.get("SALESTRACK_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (SALESTRACK_REQUIRE_BROWSER) but not installed")
        pytest.skip("Chromium not installed; apt-get install chromium")
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", *args, page.as_uri()],
        capture_output=True, text=True, timeout=90,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-500:]
    return result


# -- the terminal ----------------------------------------------------------------------------


def test_pipeline_draws_the_funnel_with_the_numbers_of_its_json(cli: Cli) -> None:
    cli.ok("prospect", "add", "Acme Corp", "--value", "40000")
    cli.ok("prospect", "add", "Beta Ltd", "--value", "10000")
    cli.ok("prospect", "add", "Gamma", "--stage", "qualified", "--value", "25000")
    cli.ok("prospect", "add", "Delta", "--stage", "proposal", "--value", "80000")
    stages = json.loads(cli.ok("pipeline", "-f", "json").stdout)
    assert [(r["stage"], r["prospects"], r["value"]) for r in stages] == [
        ("lead", 2, 50000.0), ("qualified", 1, 25000.0), ("meeting", 0, 0.0),
        ("proposal", 1, 80000.0), ("negotiation", 0, 0.0),
    ]  # fmt: skip
    out = cli.ok("pipeline", "-f", "table").stdout
    funnel = out[out.index("Funnel:") :].splitlines()[2:]
    drawn = [re.fullmatch(r"(\w+) +([█▉▊▋▌▍▎▏]*) +([\d,]+) +([█▉▊▋▌▍▎▏]*) +([\d,]+)", x)
             for x in funnel]  # fmt: skip
    assert all(drawn), funnel
    got = [(m[1], int(m[3]), float(m[5].replace(",", ""))) for m in drawn if m]
    assert got == [(r["stage"], r["prospects"], r["value"]) for r in stages]
    # the bars are to scale: 2 prospects is the full bar, 1 half of it (to an eighth)
    widths = {m[1]: len(m[2]) for m in drawn if m}
    assert widths["lead"] == 2 * widths["qualified"] and widths["meeting"] == 0
    assert "Funnel" not in cli.ok("pipeline", "-f", "csv").stdout  # never in CSV or JSON


def test_baseline_chart_draws_one_figures_weeks_with_its_band(cli: Cli) -> None:
    holes_fixture(cli)
    doc = json.loads(cli.ok("baseline", "--week", "2026-W46", "--weeks", "2", "-f", "json").stdout)
    f = next(x for x in doc["figures"] if x["figure"] == "conversation rate")
    # Wilson's 95% interval of 40 of 200: 15.05% to 26.09%
    assert (f["trend"], f["low"], f["high"]) == ([0.2, 0.2, 0.05], 0.1505, 0.2609)
    out = cli.ok("baseline", "--week", "2026-W46", "--weeks", "2", "--chart", "conv", "-f",
                 "table").stdout  # fmt: skip
    lines = out.splitlines()
    assert lines[0] == "conversation rate, 2026-W46 against 2026-W44 to W45"
    assert lines[1].startswith("26% ┤")  # the top of the scale: the band's high end, 26.1%
    assert lines[-2].split() == ["W44", "W45", "W46"]
    assert lines[-1] == (
        "this week 5.0% (5/100) · usual 20% (40/200) · usual range 15-26% (░) · ▼ !"
    )
    # 20% of a 26.09% scale of 8 rows is 6.13 rows: W44's column is full for 6 rows and an
    # eighth of the 7th; the band (15.05% to 26.09%) shades the top four rows behind it
    columns = [line[5:] for line in lines[1:9]]
    assert [c[0] for c in columns] == ["░", "▁", "█", "█", "█", "█", "█", "█"]
    # W46's 5% is 1.53 rows: one full, then ▄ (an eighth short of half: 4.27 eighths, the
    # glyph below the next one up); the cells above it are the band's or blank
    w46 = [(c + " " * 20)[10] for c in columns]
    assert w46 == ["░", "░", "░", "░", " ", " ", "▄", "█"]
    unknown = cli.fails("baseline", "--chart", "conversion")
    assert unknown.stderr.startswith("error: --chart: no figure 'conversion'; use one of: dials,")
    assert cli.fails("baseline", "--chart", "meeting").stderr == (
        "error: --chart: 'meeting' could be meetings, meetings held, meeting set rate, "
        "meeting to proposal; type more of it\n"
    )
    assert "--chart: draws on a terminal" in cli.fails("baseline", "--chart", "dials", "-f",
                                                       "json", code=2).stderr  # fmt: skip


def test_chart_figures_complete_from_the_databases_stages(cli: Cli) -> None:
    from salestrack.cli.complete import complete_figure

    class Root:
        def __init__(self) -> None:
            self.params: dict[str, Any] = {"db": None}

    class Ctx:
        def find_root(self) -> Root:
            return Root()

    cli.ok("prospect", "add", "Acme Corp")
    assert complete_figure(Ctx(), "days in q") == ["days in qualified (median)"]  # type: ignore[arg-type]
    assert complete_figure(Ctx(), "Win") == ["wins", "wins per dial", "win rate (qualified deals)"]  # type: ignore[arg-type]


def test_quality_wins_and_the_report_card_show_their_trends(cli: Cli) -> None:
    # two scored conversations this week (overall 3.5 and 2.5), one last week (4.0)
    cli.ok("log", "call", "Acme Corp", "--new", "-o", "connected", "-q", "4343",
           "--at", "2026-11-17 10:00", "-w", "learned the budget")  # fmt: skip
    cli.ok("log", "call", "Beta Ltd", "--new", "-o", "connected", "-q", "2233",
           "--at", "2026-11-18 10:00")  # fmt: skip
    cli.ok("log", "call", "Gamma", "--new", "-o", "connected", "-q", "4444",
           "--at", "2026-11-10 10:00", "-w", "got the direct line")  # fmt: skip
    doc = json.loads(cli.ok("quality", "-f", "json").stdout)
    last = doc["weeks"][-1]
    assert (last["week"], last["conversations"], last["overall"]) == ("2026-W47", 2, 3.0)
    out = cli.ok("quality", "-f", "table").stdout
    assert "  overall    █▁  3.00 (2 scored this week)" in out  # W46 4.0 high, W47 3.0 low
    assert "  value      █▁  3.00 (2 scored this week)" in out  # (4 + 2) / 2 = 3.00
    base = json.loads(cli.ok("baseline", "-f", "json").stdout)
    wins = next(f for f in base["figures"] if f["figure"] == "wins")
    per = next(f for f in base["figures"] if f["figure"] == "wins per dial")
    # a win of your own and a first decision-maker conversation for each connected call:
    # W46 Gamma's 2; W47 Acme's 2 and Beta's first decision-maker conversation
    assert (wins["trend"][-2:], per["k"], per["n"]) == ([2, 3], 3, 2)
    out = cli.ok("wins", "-f", "table").stdout
    assert "Wins by week, 2026-W46 to W47" in out
    assert "wins per dial" in out and "this week 150% (3/2), usual 200% (2/1)" in out
    assert "Wins by week" not in cli.ok("wins", "-f", "json").stdout
    cli.ok("crc", "behaviours", "acme", "--set", "1", "--set", "2")
    cli.ok("crc", "rate", "acme", "--month", "2026-09", "1=A", "2=A")
    cli.ok("crc", "rate", "acme", "--month", "2026-10", "1=A", "2=D")
    grid = json.loads(cli.ok("crc", "report", "acme", "--months", "3", "-f", "json").stdout)
    assert [(r["month"], r["share_a"]) for r in grid] == [("2026-09", 1.0), ("2026-10", 0.5)]
    out = cli.ok("crc", "report", "acme", "--months", "3", "-f", "table").stdout
    trend = out[out.index("Trend: share of A by month") :].splitlines()
    assert trend[2].endswith("100% (2 of 2 A)") and trend[3].endswith(" 50% (1 of 2 A)")
    from salestrack.output.charts import EIGHTHS

    def eighths(bar: str) -> int:
        return 8 * bar.count("█") + sum(EIGHTHS.index(c) for c in bar if c in EIGHTHS[1:])

    full, half = (eighths(x.split()[1]) for x in trend[2:4])
    assert full == 2 * half  # a scale of 0 to 100%, to an eighth of a cell


def test_charts_fit_80_columns(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    holes_fixture(cli)
    for args in (("pipeline",), ("baseline", "--week", "2026-W46", "--chart", "dials"),
                 ("wins",)):  # fmt: skip
        out = cli.ok(*args, "-f", "table").stdout
        assert max(len(x) for x in out.splitlines()) <= 80, args


# -- the weekly review -----------------------------------------------------------------------


def review_fixture(cli: Cli) -> None:
    """holes_fixture (W44 to W46, P0001 to P0300), and three follow-ups in W46 by email:
    P0001 15 days 1 hour after its W44 call, P0201 six hours after its call, P0202 two days
    after; one deal lost for a reason with markup in it."""
    holes_fixture(cli)
    cli.ok("log", "email", "P0001", "--at", "2026-11-10 10:00")
    cli.ok("log", "email", "P0201", "--at", "2026-11-09 15:00")
    cli.ok("log", "email", "P0202", "--at", "2026-11-11 09:02")
    cli.ok("prospect", "stage", "P0250", "lost", "--reason", "<b>price</b> & timing",
           "--at", "2026-11-12 10:00")  # fmt: skip


def test_the_review_page_draws_the_numbers_of_the_reports_json(cli: Cli, tmp_path: Path) -> None:
    review_fixture(cli)
    week = ("--week", "2026-W46", "--weeks", "2")
    base = json.loads(cli.ok("baseline", *week, "-f", "json").stdout)
    by = {f["figure"]: f for f in base["figures"]}
    doc = json.loads(cli.ok("review", *week, "-f", "json").stdout)
    assert (doc["report"], doc["version"], doc["week"]) == ("review", 1, "2026-W46")
    assert doc["baseline"] == base  # the review's numbers are the baseline's, as it writes them
    assert doc["pipeline"] == json.loads(cli.ok("pipeline", "-f", "json").stdout)
    # the lags by hand: 0.25 days, 2.0 days, 15.04 days this week; none before (first touches)
    lags = doc["follow_up_lags"]
    assert [(b["bucket"], b["this_week"], b["share"], b["usual"]) for b in lags] == [
        ("under a day", 1, 0.3333, 0), ("1 to 3 days", 1, 0.3333, 0), ("3 to 7 days", 0, 0.0, 0),
        ("1 to 2 weeks", 0, 0.0, 0), ("2 weeks or more", 1, 0.3333, 0),
    ]  # fmt: skip
    assert by["follow-up lag (median)"]["n"] == 3 and by["follow-up lag (median)"]["value"] == 2.0
    target = tmp_path / "week.html"
    done = cli.ok("review", *week, "--output", str(target))
    assert done.stdout == "" and done.stderr == f"wrote {target}\n"
    html = target.read_text()
    page = standalone(html)
    assert "<title>Weekly review: 2026-W46</title>" in html
    assert "Mon 09 Nov 2026 to Sun 15 Nov 2026, against 2026-W44 to W45" in html
    # each headline figure's weeks, its band and this week, as the JSON has them
    from salestrack.reports.team import HEADLINE

    for _, name in HEADLINE:
        f, chart = by[name], page.chart(f"{name}: week by week")
        drawn = {s: a for _, s, a in chart["series"]}
        weeks = drawn["weeks"]["data-values"].split(",")
        assert [None if v == "none" else float(v) for v in weeks] == f["trend"]
        assert values(chart, "this week") == ([] if f["value"] is None else [f["value"]])
        if f["low"] is not None:
            band = drawn["usual range"]
            assert (float(band["data-low"]), float(band["data-high"])) == (f["low"], f["high"])
    conv = by["conversation rate"]
    assert (conv["value"], conv["k"], conv["n"], conv["usual"]) == (0.05, 5, 100, 0.2)
    # the funnel: every step's rate this week and usual
    reach = page.chart("Reach per dial: this week against the usual")
    names = ["answered rate", "decision maker rate", "conversation rate", "meeting set rate"]
    assert values(reach, "this week") == [by[n]["value"] for n in names]
    assert values(reach, "usual") == [by[n]["usual"] for n in names]
    steps = page.chart("Stage to stage: this week against the usual")
    names = ["lead to qualified", "qualified to meeting", "meeting to proposal",
             "proposal to negotiation", "negotiation to won",
             "win rate (qualified deals)"]  # fmt: skip
    assert values(steps, "this week") == [by[n]["value"] for n in names]
    stays = page.chart("Median days in each stage")
    stages = ("lead", "qualified", "meeting", "proposal", "negotiation")
    assert values(stays, "this week") == [by[f"days in {s} (median)"]["value"] for s in stages]
    lags = page.chart("Follow-ups by how long they waited")
    assert values(lags, "this week") == [b["share"] for b in doc["follow_up_lags"]]
    lost = page.chart("Why deals were lost")
    assert values(lost, "deals lost") == [float(r["count"]) for r in base["lost_reasons"]]
    assert "&lt;b&gt;price&lt;/b&gt; &amp; timing" in html and "<b>price</b>" not in html
    # the holes, with their numbers and evidence
    for hole in base["holes"]:
        assert hole["text"] in html
    assert "5 of 100 dials became conversations, against your usual 40 of 200" in html
    assert f"p = {conv['evidence']:.2g} (fisher)" in html
    assert "No conversation scored in these weeks." in html
    assert len(page.charts) == 13  # 6 headline, 2 funnel, stages, lags, wins, lost, pipeline
    # in a real browser: every chart drawn, with its series
    result = chromium(tmp_path, target, "--dump-dom")
    dom = Page(result.stdout)
    assert [len(c["series"]) for c in dom.charts] == [len(c["series"]) for c in page.charts]
    assert all(c["series"] for c in dom.charts)
    kinds = {s for _, s, _ in dom.chart("dials: week by week")["series"]}
    assert kinds == {"usual range", "weeks", "this week"}
    shot = tmp_path / "week.png"
    chromium(tmp_path, target, f"--screenshot={shot}", "--window-size=1000,2400")
    assert shot.stat().st_size > 20_000  # a page of charts, not a blank one


def test_a_bad_review_changes_nothing_and_says_so_in_one_line(cli: Cli, db_path: Path) -> None:
    review_fixture(cli)
    before = dump(db_path)
    assert cli.fails("review", "-f", "pdf", code=2).stderr == (
        "error: --format: unknown format 'pdf'; use one of: html, json\n"
    )
    assert cli.fails("review", "--week", "2026-W60").stderr.startswith("error: --week: ")
    assert dump(db_path) == before


# -- the team review (PostgreSQL) ------------------------------------------------------------


@pytest.mark.postgres
def test_the_team_review_shows_each_rep_beside_their_usual_and_the_teams(
    cli: Cli, pg_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tests.test_team import as_user

    monkeypatch.delenv("SALESTRACK_REP")
    cli.ok("--db", pg_url, "db", "upgrade")
    cli.ok("--db", pg_url, "db", "team-setup", "--rep", "alice", "--rep", "bob",
           "--manager", "carol", "--apply")  # fmt: skip
    alice, bob, carol = (as_user(pg_url, u) for u in ("alice", "bob", "carol"))
    # last week one dial each; this week alice 3, bob 2
    cli.ok("--db", alice, "log", "call", "Acme", "--new", "-o", "connected",
           "--at", "2026-11-10 10:00")  # fmt: skip
    cli.ok("--db", bob, "log", "call", "Globex", "--new", "-o", "voicemail",
           "--at", "2026-11-11 10:00")  # fmt: skip
    for name in ("Acme", "Northwind", "Initech"):
        cli.ok("--db", alice, "log", "call", name, "--new", "-o", "connected")
    for name in ("Globex", "Umbrella <i>Ltd</i>"):
        cli.ok("--db", bob, "log", "call", name, "--new", "-o", "voicemail")
    doc = json.loads(cli.ok("--db", carol, "team", "baseline", "-f", "json").stdout)
    dials = [r for r in doc["rows"] if r["figure"] == "dials"]
    assert [(r["rep"], r["value"], r["usual"], r["team_usual"], r["team_reps"]) for r in dials] == [
        ("alice", 3, 1.0, 1.0, 2), ("bob", 2, 1.0, 1.0, 2),
    ]  # fmt: skip
    assert json.loads(cli.ok("--db", carol, "team", "review", "-f", "json").stdout) == doc
    target = tmp_path / "team.html"
    cli.ok("--db", carol, "team", "review", "--output", str(target))
    html = target.read_text()
    page = standalone(html)
    from salestrack.reports.team import HEADLINE

    assert len(page.charts) == len(HEADLINE)
    for _, name in HEADLINE:
        rows = [r for r in doc["rows"] if r["figure"] == name]
        chart = page.chart(f"{name}: each rep this week")
        assert values(chart, "this week") == [r["value"] for r in rows]
        assert values(chart, "their usual") == [r["usual"] for r in rows if r["usual"] is not None]
        assert values(chart, "team usual") == (
            [] if rows[0]["team_usual"] is None else [rows[0]["team_usual"]]
        )
    chromium(tmp_path, target, "--dump-dom")


# -- the QBR scorecard -----------------------------------------------------------------------


def sign(rep: str | None, company: str | None) -> None:
    from salestrack import config
    from salestrack.store import settings
    from salestrack.store.sql import write

    with write(config.resolve()) as store:
        settings.set_name(store, "rep_name", rep, now=NOW)
        settings.set_name(store, "company_name", company, now=NOW)


def test_the_qbr_scorecard_tells_the_quarter_against_the_one_before(
    cli: Cli, tmp_path: Path
) -> None:
    client_fixture(cli)
    cli.ok("crc", "rate", "acme", "--month", "2026-11", "3=A:<b>spot</b> on")
    sign("  Sam   Carter ", "Brightline <Office> Systems")
    card = json.loads(cli.ok("scorecard", "acme", "--quarter", "2026Q4", "-f", "json").stdout)
    assert (card["rep_name"], card["company_name"]) == ("Sam Carter", "Brightline <Office> Systems")
    # Q4: October A, D, A and November B, B, A: 3 A of 6 grades
    assert (card["share_a"], card["grades"]) == (0.5, 6)
    # Q3: p6 (due 25 Sep) kept on 24 Sep; "pilot signed" on 30 Sep; no grades
    before = card["previous"]
    assert (before["period"], before["promises"], before["kept"], before["kept_on_time"],
            before["uptime"], before["successes"], before["share_a"]) == (
        "2026Q3", 1, 1, 1, 1.0, 1, None,
    )  # fmt: skip
    assert before["change"]["uptime"] == -0.6  # 40% against 100%
    assert card["uptime_text"] == (
        "Uptime 40.00%: of the 5 promises that came due by Fri 20 Nov 2026, 2 were kept by "
        "the date promised; 1 kept late, 1 broken, 1 still open past its due date count "
        "against it (1 more not due yet)."
    )
    assert [(r["month"], r["b2"], r["b2_comment"]) for r in card["grid"]] == [
        ("2026-10", "D", "slow in the launch week"), ("2026-11", "B", None),
    ]  # fmt: skip
    target = tmp_path / "qbr.html"
    cli.ok("scorecard", "acme", "--quarter", "2026Q4", "-f", "html", "--output", str(target))
    html = target.read_text()
    page = standalone(html)
    assert "prepared by Sam Carter, Brightline &lt;Office&gt; Systems" in html
    assert "Thu 01 Oct 2026 to Thu 31 Dec 2026 · printed Fri 20 Nov 2026 15:00" in html
    assert card["uptime_text"] in html
    compare = page.chart("2026Q4 against 2026Q3")
    assert values(compare, "2026Q4") == [0.75, 0.6667, 0.4, 0.5]
    assert values(compare, "2026Q3") == [1.0, 1.0, 1.0, None]
    assert (card["kept_rate"], card["on_time_rate"], card["uptime"]) == (0.75, 0.6667, 0.4)
    # the grid: a coloured cell per grade, the comment beside it, escaped
    assert (
        '<td class="grade-D"><span class="grade">D</span><br><small>&ldquo;slow in the launch '
        "week&rdquo;</small></td>" in html
    )
    assert "&ldquo;&lt;b&gt;spot&lt;/b&gt; on&rdquo;" in html and "<b>spot</b>" not in html
    assert '<tr><th scope="row">grades given</th><td>3 of 3</td><td>3 of 3</td></tr>' in html
    assert "67% (2 A, 0 B, 1 D)" in html and "33% (1 A, 2 B, 0 D)" in html
    assert "<b>Fri 30 Oct 2026</b>: Success delivered: went live" in html
    assert "<b>Mon 26 Oct 2026</b>: Promise broken: book the training" in html
    # two sheets of A4 when printed
    pdf = tmp_path / "qbr.pdf"
    chromium(tmp_path, target, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert pages == 2, pages


def test_names_are_validated_by_the_name_rule_and_a_bad_one_changes_nothing(
    cli: Cli, db_path: Path
) -> None:
    from salestrack import config
    from salestrack.errors import InvalidInput
    from salestrack.store import settings
    from salestrack.store.sql import read, write

    client_fixture(cli)
    sign("Sam Carter", None)
    before = dump(db_path)
    with pytest.raises(InvalidInput) as bad, write(config.resolve()) as store:
        settings.set_name(store, "company_name", "Bright\x1b[2Jline", now=NOW)
    assert bad.value.field == "company_name" and "control characters" in bad.value.message
    with pytest.raises(InvalidInput), write(config.resolve()) as store:
        settings.set_name(store, "rep_name", "x" * 201, now=NOW)
    assert dump(db_path) == before
    with read(config.resolve()) as r:
        assert (settings.name(r, "rep_name"), settings.name(r, "company_name")) == (
            "Sam Carter", None,
        )  # fmt: skip
    sign(None, None)  # cleared
    md = cli.ok("scorecard", "acme", "--quarter", "2026Q4").stdout
    assert "prepared by" not in md and "Uptime 40.00%: of the 5 promises" in md


def test_the_demo_signs_its_scorecards(cli: Cli, tmp_path: Path) -> None:
    from salestrack.demo.generator import DEMO_COMPANY, DEMO_REP_NAME

    path = tmp_path / "demo.db"
    cli.ok("demo", "--path", str(path), "--weeks", "2")
    from tests.conftest import rows

    got = dict(rows(path, "SELECT key, value FROM settings WHERE key LIKE '%_name'"))
    # stored as the settings registry stores every value: JSON text
    assert got == {"rep_name": f'"{DEMO_REP_NAME}"', "company_name": f'"{DEMO_COMPANY}"'}
    # and read back by it, as the scorecard reads them
    shown = cli.ok("--db", str(path), "config", "rep_name").stdout
    assert DEMO_REP_NAME in shown


def test_the_scorecard_as_a_pdf_of_two_pages_without_a_browser(cli: Cli, tmp_path: Path) -> None:
    client_fixture(cli)
    assert cli.fails("scorecard", "acme", "-f", "pdf", code=2).stderr == (
        "error: --format pdf: give --output FILE (a PDF is not for the terminal)\n"
    )
    target = tmp_path / "q4.pdf"
    done = cli.ok("scorecard", "acme", "--quarter", "2026Q4", "-f", "pdf", "--output", str(target))
    assert done.stderr == f"wrote {target}\n"
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    # the same page laid out by the same library: two sheets of A4
    import weasyprint  # type: ignore[import-untyped]

    html = cli.ok("scorecard", "acme", "--quarter", "2026Q4", "-f", "html").stdout
    pages = weasyprint.HTML(string=html).render().pages
    assert len(pages) == 2
    assert {(round(p.width * 25.4 / 96), round(p.height * 25.4 / 96)) for p in pages} == {
        (210, 297)
    }


def test_the_review_pipeline_draws_prospects_and_value_each_to_its_own_scale(
    cli: Cli, tmp_path: Path
) -> None:
    """Two units in one chart: a few prospects beside a value in millions must not draw
    the prospects as bars 0 wide."""
    review_fixture(cli)
    open_ = [r["name"] for r in json.loads(cli.ok("prospect", "list", "-f", "json").stdout)
             if r["stage"] not in ("won", "lost")]  # fmt: skip
    cli.ok("prospect", "edit", open_[0], "--value", "2500000")
    target = tmp_path / "review.html"
    cli.ok("review", "--week", "2026-W46", "--weeks", "2", "--output", str(target))
    page = Page(target.read_text())
    stages = json.loads(cli.ok("pipeline", "-f", "json").stdout)
    funnel = page.chart("Open prospects and their value, by stage")
    for series in ("prospects", "value"):
        widths = [float(a["width"]) for _, s, a in funnel["series"] if s == series]
        counts = [float(r[series]) for r in stages]
        full = 350.0  # the room of a full bar (640 - 170 - 120), for each series' largest
        assert widths == [round(full * c / max(counts), 1) for c in counts], (series, widths)
