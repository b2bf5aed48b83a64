"""Scorecards and the Customer Report Card, from a fixture quarter (2026Q4) counted by hand."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

from tests.conftest import Cli, dump, rows

# NOW is Friday 20 November 2026, 15:00 in London.


def promise(cli: Cli, made: str, due: str | None, text: str) -> str:
    args = ["promise", "add", "acme", text, "--at", made]
    if due:
        args += ["--due", due]
    return cli.ok(*args).stdout.strip()


def fixture(cli: Cli) -> dict[str, str]:
    cli.ok("log", "call", "Acme Corp", "-o", "connected", "--at", "2026-09-15 10:00")
    ids = {
        "p1": promise(cli, "2026-10-01 10:00", "2026-10-05 17:00", "send the plan"),
        "p2": promise(cli, "2026-10-10 10:00", "2026-10-12 17:00", "fix the invoice"),
        "p3": promise(cli, "2026-10-20 10:00", "2026-10-23 17:00", "book the training"),
        "p4": promise(cli, "2026-11-02 10:00", "2026-11-10 17:00", "send the usage report"),
        "p5": promise(cli, "2026-11-18 10:00", "2026-11-27 17:00", "introduce support"),
        "p6": promise(cli, "2026-09-20 10:00", "2026-09-25 17:00", "send the pilot notes"),
        "p7": promise(cli, "2026-11-03 10:00", None, "call their CFO"),
    }
    cli.ok("promise", "done", ids["p1"][:8], "--at", "2026-10-05 12:00")  # on time
    cli.ok("promise", "done", ids["p2"][:8], "--at", "2026-10-14 10:00")  # late
    cli.ok("promise", "broken", ids["p3"][:8], "--at", "2026-10-26 09:00")
    cli.ok("promise", "done", ids["p6"][:8], "--at", "2026-09-24 10:00")  # before the quarter
    cli.ok("promise", "done", ids["p7"][:8], "--at", "2026-11-04 10:00")  # no due: on time
    cli.ok("success", "add", "acme", "went live", "--at", "2026-10-30 10:00")
    cli.ok("success", "add", "acme", "pilot signed", "--at", "2026-09-30 10:00")
    cli.ok("lesson", "add", "acme", "missed the training date", "--change", "diary reminders",
           "--at", "2026-10-27 10:00")  # fmt: skip
    cli.ok("initiative", "add", "acme", "monthly review", "--at", "2026-10-02 10:00")
    training = cli.ok("initiative", "add", "acme", "training plan", "--at", "2026-11-01 10:00")
    cli.ok("initiative", "done", training.stdout.strip()[:8], "--at", "2026-11-15 10:00")
    cli.ok("log", "call", "acme", "-o", "connected", "--at", "2026-10-05 11:00")
    cli.ok("log", "email", "acme", "--at", "2026-11-12 09:00")
    cli.ok("crc", "behaviours", "--set", "1", "--set", "3", "--set", "Knows our market")
    cli.ok("crc", "rate", "acme", "--month", "2026-10", "1=A", "2=B", "3=A")
    cli.ok("crc", "rate", "acme", "--month", "2026-11", "1=B", "Returns=B", "3=A:spot on")
    cli.ok("crc", "rate", "acme", "--month", "2026-10", "2=D:slow in the launch week")
    return ids


def test_scorecard_figures_for_a_quarter(cli: Cli) -> None:
    fixture(cli)
    card = json.loads(cli.ok("scorecard", "acme", "--quarter", "2026Q4", "-f", "json").stdout)
    # due in the quarter: p1 on time, p2 late, p3 broken, p4 overdue, p5 open; p7 (no due,
    # made in the quarter) kept on time; p6 was due in September.
    assert {k: card[k] for k in ("promises", "kept", "kept_on_time", "kept_late", "broken",
                                 "open", "overdue")} == {
        "promises": 6, "kept": 3, "kept_on_time": 2, "kept_late": 1, "broken": 1, "open": 1,
        "overdue": 1,
    }  # fmt: skip
    assert card["kept_rate"] == 0.75  # 3 / (3 + 1)
    assert card["on_time_rate"] == 0.6667  # 2 / 3
    assert card["uptime"] == 0.4  # 2 on time / 5 come due (kept, broken, overdue)
    assert [s["text"] for s in card["success_list"]] == ["went live"]
    assert card["lesson_list"][0]["change"] == "diary reminders"
    assert [(i["text"], i["status"]) for i in card["initiative_list"]] == [
        ("monthly review", "open"), ("training plan", "done"),
    ]  # fmt: skip
    assert card["activity"] == {"call": 1, "email": 1}
    assert card["last_touch"] == "2026-11-12T09:00:00+00:00"
    assert card["crc"] == [
        {"month": "2026-10", "ratings": 3, "behaviours": 3, "complete": True, "share_a": 0.6667,
         "d": 1, "comments": [{"behaviour": "Returns calls and emails promptly", "grade": "D",
                               "comment": "slow in the launch week"}]},
        {"month": "2026-11", "ratings": 3, "behaviours": 3, "complete": True, "share_a": 0.3333,
         "d": 0, "comments": [{"behaviour": "Knows our market", "grade": "A",
                               "comment": "spot on"}]},
    ]  # fmt: skip
    text = cli.ok("scorecard", "acme", "--quarter", "2026Q4").stdout
    assert "Promises kept: **75%** · on time: **67%** · uptime: **40.00%**" in text
    assert (
        "| fix the invoice | Sat 10 Oct 2026 10:00 | Mon 12 Oct 2026 17:00 "
        "| Wed 14 Oct 2026 10:00 | kept late |" in text
    )


def test_scorecard_html_is_one_standalone_document(cli: Cli, tmp_path: Path) -> None:
    fixture(cli)
    target = tmp_path / "card.html"
    cli.ok("scorecard", "acme", "--quarter", "2026Q4", "-f", "html", "--output", str(target))
    html = target.read_text()
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html

    class Checker(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.open: list[str] = []
            self.external: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag not in ("meta", "br", "rect", "img", "link"):
                self.open.append(tag)
            self.external += [v or "" for k, v in attrs if k in ("src", "href")]

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.external += [v or "" for k, v in attrs if k in ("src", "href")]

        def handle_endtag(self, tag: str) -> None:
            assert self.open and self.open[-1] == tag, (tag, self.open[-3:])
            self.open.pop()

    checker = Checker()
    checker.feed(html)
    assert checker.open == [] and checker.external == []
    assert "<title>Scorecard: Acme Corp, 2026Q4</title>" in html


def test_report_card_grid_drops_and_history(cli: Cli, db_path: Path) -> None:
    fixture(cli)
    out = cli.ok("crc", "report", "acme", "--months", "3", "-f", "json").stdout
    assert json.loads(out) == [
        {"month": "2026-10", "b1": "A", "b1_dropped": False, "b1_comment": None, "b2": "D",
         "b2_dropped": False, "b2_comment": "slow in the launch week", "b3": "A",
         "b3_dropped": False, "b3_comment": None, "graded": 3, "behaviours": 3, "complete": True,
         "share_a": 0.6667, "reply_median_hours": None, "reply_worst_hours": None,
         "replies": 0},
        {"month": "2026-11", "b1": "B", "b1_dropped": True, "b1_comment": None, "b2": "B",
         "b2_dropped": False, "b2_comment": None, "b3": "A", "b3_dropped": False,
         "b3_comment": "spot on", "graded": 3, "behaviours": 3, "complete": True,
         "share_a": 0.3333, "reply_median_hours": None, "reply_worst_hours": None,
         "replies": 0},
    ]  # fmt: skip
    history = rows(db_path, "SELECT grade, superseded_at IS NOT NULL FROM ratings "
                            "WHERE month = '2026-10' ORDER BY rated_at, grade")  # fmt: skip
    assert sorted(history) == [("A", 0), ("A", 0), ("B", 1), ("D", 0)]
    form = cli.ok("crc", "form", "acme", "--month", "2026-11", "-f", "csv").stdout
    assert form.splitlines()[1] == "2026-11,1,Listens actively and asks clarifying questions,,"


def test_filled_form_is_read_back(cli: Cli, tmp_path: Path, db_path: Path) -> None:
    fixture(cli)
    filled = tmp_path / "filled.csv"
    filled.write_text("behaviour,name,grade,comment\r\n1,x,a,great\r\n2,x,,\r\n3,x,D,late\r\n")
    cli.ok("crc", "rate", "acme", "--month", "2026-09", "--file", str(filled))
    got = rows(db_path, "SELECT grade, comment FROM ratings WHERE month = '2026-09' ORDER BY grade")
    assert got == [("A", "great"), ("D", "late")]


def test_bad_input_changes_nothing(cli: Cli, db_path: Path) -> None:
    ids = fixture(cli)
    before = dump(db_path)
    assert "already kept" in cli.fails("promise", "done", ids["p1"][:8]).stderr
    assert (
        "has not started yet"
        in cli.fails("crc", "rate", "acme", "--month", "2026-12", "1=A").stderr
    )
    assert (
        "not a grade; use A (exceeds), B (meets) or D (below)"
        in cli.fails("crc", "rate", "acme", "--month", "2026-10", "1=C").stderr
    )
    seven = cli.fails("crc", "behaviours", *[x for n in range(1, 8) for x in ("--set", str(n))])
    assert "at most 6" in seven.stderr
    assert "unknown prospect 'Nobody'" in cli.fails("scorecard", "Nobody").stderr
    assert "unknown client 'Nobody' (clients are prospects: salestrack prospect add)" in (
        cli.fails("promise", "add", "Nobody", "send the plan").stderr
    )
    assert "not a quarter" in cli.fails("scorecard", "acme", "--quarter", "Q5").stderr
    assert "no promise id starts with" in cli.fails("promise", "done", "abcdef12").stderr
    assert dump(db_path) == before


def test_scorecard_html_renders_in_a_real_browser(cli: Cli, tmp_path: Path) -> None:
    import os
    import shutil
    import subprocess

    import pytest

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if os.environ.get("SALESTRACK_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (SALESTRACK_REQUIRE_BROWSER) but not installed")
        pytest.skip("Chromium not installed; apt-get install chromium")
    fixture(cli)
    page = tmp_path / "card.html"
    cli.ok("scorecard", "acme", "--quarter", "2026Q4", "-f", "html", "--output", str(page))
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
         page.as_uri()],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-500:]
    dom = result.stdout
    assert "<title>Scorecard: Acme Corp, 2026Q4</title>" in dom
    assert "<svg" in dom and "kept late" in dom and "40.00%" in dom


def test_each_client_command_says_exactly_what_it_did(cli: Cli, db_path: Path) -> None:
    cli.ok("log", "call", "Acme Corp", "-o", "connected", "--at", "2026-11-02 10:00")
    made = cli.ok("promise", "add", "acme", "send the plan", "--due", "2026-11-23 17:00")
    pid = made.stdout.strip()
    assert made.stderr == "promise to Acme Corp: send the plan · due Mon 23 Nov 17:00\n"
    assert rows(db_path, "SELECT text, status FROM promises") == [("send the plan", "open")]
    done = cli.ok("promise", "done", pid[:6], "--note", "sent by email")
    assert done.stderr == f"promise {pid.replace('-', '')[:8]} kept on time: send the plan\n"
    assert rows(db_path, "SELECT status, notes FROM promises") == [("kept", "sent by email")]
    late = cli.ok("promise", "add", "acme", "call back", "--due", "2026-11-19 09:00",
                  "--at", "2026-11-18 09:00").stdout.strip()  # fmt: skip
    assert cli.ok("promise", "broken", late[:8]).stderr.endswith(" broken: call back\n")
    assert "already broken; nothing changed" in cli.fails("promise", "done", late[:8]).stderr
    assert (
        cli.ok("success", "add", "acme", "went live").stderr == "success for Acme Corp: went live\n"
    )
    lesson = cli.ok("lesson", "add", "acme", "late reply", "--change", "same-day answers")
    assert lesson.stderr == "lesson with Acme Corp: late reply → same-day answers\n"
    started = cli.ok("initiative", "add", "acme", "monthly review")
    assert started.stderr == "initiative for Acme Corp: monthly review\n"
    iid = started.stdout.strip()
    finished = cli.ok("initiative", "done", iid[:8]).stderr
    assert finished == f"initiative {iid.replace('-', '')[:8]} done: monthly review\n"
    assert "already done; nothing changed" in cli.fails("initiative", "done", iid[:8]).stderr
    assert (
        "error: TEXT: is empty; say what it is" in cli.fails("success", "add", "acme", " ").stderr
    )
    default = cli.ok("crc", "behaviours", "--set", "1", "--set", "Knows our market")
    assert default.stderr == "report card by default: 2 behaviours\n"
    assert (
        default.stdout == "1  Listens actively and asks clarifying questions\n2  Knows our market\n"
    )
    shown = cli.ok("crc", "behaviours", "acme")
    assert shown.stderr == "Acme Corp uses the default set\n"
    assert shown.stdout == default.stdout
    own = cli.ok("crc", "behaviours", "acme", "--set", "3")
    assert own.stderr == "report card for Acme Corp: 1 behaviours\n"
    assert own.stdout == "1  Returns calls and emails promptly\n"
    got = rows(db_path, "SELECT name, prospect_id IS NULL, retired_at IS NULL FROM behaviours "
                        "ORDER BY prospect_id IS NULL, position")  # fmt: skip
    assert got == [("Returns calls and emails promptly", 0, 1),
                   ("Listens actively and asks clarifying questions", 1, 1),
                   ("Knows our market", 1, 1)]  # fmt: skip
    rated = cli.ok("crc", "rate", "acme", "1=B:slow at first")
    assert rated.stderr == "report card for Acme Corp, 2026-10: 1=B\n"
    again = cli.ok("crc", "rate", "acme", "returns=A")
    assert again.stderr == "report card for Acme Corp, 2026-10: 1=A\n"
    history = rows(db_path, "SELECT grade, comment, superseded_at IS NULL FROM ratings "
                            "ORDER BY superseded_at IS NULL")  # fmt: skip
    assert history == [("B", "slow at first", 0), ("A", None, 1)]
    usage = cli.fails("crc", "rate", "acme", code=2)
    assert usage.stderr == "error: give grades (1=A 2=B ...) or --file with a filled-in form\n"
    assert "'1A': write behaviour=grade" in cli.fails("crc", "rate", "acme", "1A").stderr
