"""Keep your own score and the Customer Report Card, exactly: the form's month, comments,
behaviours that stay, promises kept before they were made, the scorecard's dates, and
months graded only in part."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

from tests.conftest import Cli, dump, rows

# NOW is Friday 20 November 2026, 15:00 in London.
ROOT = Path(__file__).resolve().parent.parent


def contoso(cli: Cli) -> None:
    cli.ok("prospect", "add", "Contoso")
    cli.ok("crc", "behaviours", "--set", "1", "--set", "2", "--set", "3")


def shares(cli: Cli) -> dict[str, float]:
    out = cli.ok("crc", "report", "contoso", "-f", "json").stdout
    return {r["month"]: r["share_a"] for r in json.loads(out)}


# -- 1: the form carries its month, and the rating uses it --------------------------------


def test_a_filled_form_grades_the_month_it_was_made_for(
    cli: Cli, tmp_path: Path, db_path: Path
) -> None:
    contoso(cli)
    cli.ok("crc", "rate", "contoso", "--month", "2026-10", "1=A", "2=A", "3=B")
    form = cli.ok("crc", "form", "contoso", "--month", "2026-11", "-f", "csv").stdout
    lines = form.splitlines()
    assert lines[0] == "month,behaviour,name,grade,comment"
    assert all(line.startswith("2026-11,") for line in lines[1:])
    filled = tmp_path / "form.csv"
    filled.write_text(
        "\r\n".join([lines[0], *(line.rstrip(",") + ",B,fine" for line in lines[1:])]) + "\r\n"
    )
    rated = cli.ok("crc", "rate", "contoso", "--file", str(filled))
    assert rated.stderr == "report card for Contoso, 2026-11: 1=B 2=B 3=B\n"
    assert shares(cli) == {"2026-10": 0.6667, "2026-11": 0.0}  # October's grades untouched
    assert rows(db_path, "SELECT count(*) FROM ratings WHERE superseded_at IS NOT NULL") == [(0,)]

    before = dump(db_path)
    clash = cli.fails("crc", "rate", "contoso", "--month", "2026-10", "--file", str(filled))
    assert clash.stderr == (
        "error: --month: the form grades 2026-11, not 2026-10; drop --month, or send a new "
        "form: salestrack crc form CLIENT --month 2026-10\n"
    )
    old = tmp_path / "old.csv"  # a form from before forms said their month
    old.write_text("behaviour,name,grade,comment\r\n1,x,A,\r\n")
    unnamed = cli.fails("crc", "rate", "contoso", "--file", str(old))
    assert "--file: the form does not say which month it grades; add --month" in unnamed.stderr
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("month,behaviour,grade\r\n2026-10,1,A\r\n2026-11,2,B\r\n")
    assert "more than one month (2026-10, 2026-11)" in (
        cli.fails("crc", "rate", "contoso", "--file", str(mixed)).stderr
    )
    assert dump(db_path) == before
    cli.ok("crc", "rate", "contoso", "--month", "2026-09", "--file", str(old))  # named: fine
    saved = tmp_path / "saved.csv"  # as a spreadsheet saves it: the month as a date
    saved.write_text("month,behaviour,name,grade,comment\r\n2026-08-01,1,x,D,\r\n")
    assert cli.ok("crc", "rate", "contoso", "--file", str(saved)).stderr.endswith("2026-08: 1=D\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("month,behaviour,grade\r\n2026-13,1,A\r\n")
    assert cli.fails("crc", "rate", "contoso", "--file", str(bad)).stderr == (
        "error: --file: line 2: '2026-13' is not a month; write it like 2026-11\n"
    )


def test_form_and_rate_default_to_the_same_month(cli: Cli, tmp_path: Path) -> None:
    contoso(cli)
    form = cli.ok("crc", "form", "contoso", "-f", "csv").stdout
    assert form.splitlines()[1].startswith("2026-10,1,")  # last month, as crc rate
    assert "How did we do in 2026-10?" in cli.ok("crc", "form", "contoso").stdout
    assert cli.ok("crc", "rate", "contoso", "1=A").stderr.startswith(
        "report card for Contoso, 2026-10:"
    )


# -- 2: comments are shown ---------------------------------------------------------------


def test_comments_show_in_the_report_and_the_scorecard(cli: Cli, tmp_path: Path) -> None:
    contoso(cli)
    cli.ok("crc", "rate", "contoso", "--month", "2026-10", "1=A", "2=B", "3=D:slow <b>replies</b>")
    table = cli.ok("crc", "report", "contoso", "-f", "table").stdout
    assert "comments\n  2026-10  3 D  slow <b>replies</b>\n" in table
    data = json.loads(cli.ok("crc", "report", "contoso", "-f", "json").stdout)
    assert data[0]["b3_comment"] == "slow <b>replies</b>" and data[0]["b1_comment"] is None
    text = cli.ok("scorecard", "contoso", "--quarter", "2026Q4").stdout
    assert "  - Returns calls and emails promptly (D): slow <b>replies</b>\n" in text
    page = tmp_path / "card.html"
    cli.ok("scorecard", "contoso", "--quarter", "2026Q4", "-f", "html", "--output", str(page))
    html = page.read_text()
    # beside the grade in the report card's grid, shown as typed
    assert (
        '<td class="grade-D"><span class="grade">D</span><br><small>&ldquo;slow '
        "&lt;b&gt;replies&lt;/b&gt;&rdquo;</small></td>" in html
    )
    card = json.loads(cli.ok("scorecard", "contoso", "--quarter", "2026Q4", "-f", "json").stdout)
    assert card["crc"][0]["comments"] == [
        {"behaviour": "Returns calls and emails promptly", "grade": "D",
         "comment": "slow <b>replies</b>"},
    ]  # fmt: skip


# -- 3: a behaviour that stays is the same row -------------------------------------------


def test_resetting_behaviours_keeps_those_that_stay(cli: Cli, db_path: Path) -> None:
    contoso(cli)
    ids = dict(rows(db_path, "SELECT position, id FROM behaviours"))
    cli.ok("crc", "rate", "contoso", "--month", "2026-10", "1=A", "2=B", "3=A")
    cli.ok("crc", "rate", "contoso", "--month", "2026-11", "1=A", "2=B", "3=A")
    again = cli.ok("crc", "behaviours", "--set", "1", "--set", "2", "--set", "10")
    assert again.stderr == "report card by default: 3 behaviours (2 kept, 1 new, 1 retired)\n"
    after = rows(db_path, "SELECT id, position, retired_at IS NULL FROM behaviours")
    assert (ids[1], 1, 1) in after and (ids[2], 2, 1) in after and (ids[3], 3, 0) in after
    assert len(after) == 4
    cli.ok("crc", "rate", "contoso", "--month", "2026-11", "1=B", "3=A")
    # November: 1=B (re-rated, the same behaviour), 2=B, "Acts like a business partner" A,
    # and the retired "Returns calls" A: four grades, each behaviour once
    assert shares(cli) == {"2026-10": 0.6667, "2026-11": 0.5}
    nov = json.loads(cli.ok("crc", "report", "contoso", "-f", "json").stdout)[1]
    assert nov["b1"] == "B" and nov["b1_dropped"] is True  # the drop is seen across the change
    assert nov["graded"] == 4
    # a behaviour moved on the card keeps its row too
    cli.ok("crc", "behaviours", "--set", "2", "--set", "1")
    moved = rows(db_path, "SELECT id, position FROM behaviours WHERE retired_at IS NULL")
    assert sorted(moved, key=lambda r: r[1]) == [(ids[2], 1), (ids[1], 2)]


# -- 4: a promise can't be kept before it was made ---------------------------------------


def test_a_promise_cannot_be_kept_before_it_was_made(cli: Cli, db_path: Path) -> None:
    cli.ok("prospect", "add", "Acme Corp")
    made = cli.ok("promise", "add", "acme", "send the plan", "--at", "2026-11-05 10:00",
                  "--due", "2026-11-10 17:00").stdout.strip()  # fmt: skip
    started = cli.ok("initiative", "add", "acme", "monthly review", "--at", "2026-11-05 10:00")
    before = dump(db_path)
    early = cli.fails("promise", "done", made[:8], "--at", "2026-11-01 10:00")
    assert early.stderr == (
        "error: --at: the promise was made on Thu 05 Nov 10:00; it can't be kept or broken "
        "before that\n"
    )
    assert "can't be kept or broken" in (
        cli.fails("promise", "broken", made[:8], "--at", "2026-11-04 10:00").stderr
    )
    assert "the initiative was started on Thu 05 Nov 10:00; it can't be done before that" in (
        cli.fails("initiative", "done", started.stdout.strip()[:8], "--at", "2026-11-02").stderr
    )
    assert dump(db_path) == before
    cli.ok("promise", "done", made[:8], "--at", "2026-11-05 10:00")  # the same minute is fine
    card = json.loads(cli.ok("scorecard", "acme", "-f", "json").stdout)
    assert card["kept_on_time"] == 1


# -- 5: the scorecard says when each promise was kept, with whole dates ------------------


def test_the_scorecard_dates_are_whole_and_say_when_promises_were_kept(
    cli: Cli, tmp_path: Path
) -> None:
    cli.ok("prospect", "add", "Acme Corp")
    p = cli.ok("promise", "add", "acme", "send the plan", "--at", "2026-10-01 10:00",
               "--due", "2026-10-05 17:00").stdout.strip()  # fmt: skip
    cli.ok("promise", "done", p[:8], "--at", "2026-10-05 12:00")
    cli.ok("promise", "add", "acme", "call back", "--at", "2026-11-18 10:00",
           "--due", "2026-11-27 17:00")  # fmt: skip
    i = cli.ok("initiative", "add", "acme", "training plan", "--at", "2026-11-01 10:00")
    cli.ok("initiative", "done", i.stdout.strip()[:8], "--at", "2026-11-15 10:00")
    text = cli.ok("scorecard", "acme", "--quarter", "2026Q4").stdout
    assert "Thu 01 Oct 2026 to Thu 31 Dec 2026 · printed Fri 20 Nov 2026 15:00\n" in text
    assert "| promise | made | due | kept or broken | state |" in text
    assert (
        "| send the plan | Thu 01 Oct 2026 10:00 | Mon 05 Oct 2026 17:00 "
        "| Mon 05 Oct 2026 12:00 | kept on time |" in text
    )
    assert "| call back | Wed 18 Nov 2026 10:00 | Fri 27 Nov 2026 17:00 |  | open |" in text
    assert "- training plan (done Sun 15 Nov 2026)\n" in text and "done, done" not in text
    page = tmp_path / "card.html"
    cli.ok("scorecard", "acme", "--quarter", "2026Q4", "-f", "html", "--output", str(page))
    html = page.read_text()
    assert "Thu 01 Oct 2026 to Thu 31 Dec 2026 · printed Fri 20 Nov 2026 15:00" in html
    assert "<td>Mon 05 Oct 2026 12:00</td><td>kept on time</td>" in html
    assert "training plan (done Sun 15 Nov 2026)" in html
    ranged = cli.ok(
        "scorecard", "acme", "--since", "2026-10-01 10:00", "--until", "2026-10-05 18:00"
    )
    assert "Thu 01 Oct 2026 10:00 to Mon 05 Oct 2026 18:00 · printed" in ranged.stdout


# -- honest numbers: a month graded in part says so -------------------------------------


def test_a_month_graded_in_part_says_how_much(cli: Cli, tmp_path: Path) -> None:
    cli.ok("prospect", "add", "Contoso")
    cli.ok("crc", "behaviours", *[x for n in range(1, 7) for x in ("--set", str(n))])
    cli.ok("crc", "rate", "contoso", "--month", "2026-10", *[f"{n}=A" for n in range(1, 7)])
    cli.ok("crc", "rate", "contoso", "--month", "2026-11", "1=A", "2=B")
    got = json.loads(cli.ok("crc", "report", "contoso", "-f", "json").stdout)
    assert [(r["month"], r["graded"], r["behaviours"], r["complete"]) for r in got] == [
        ("2026-10", 6, 6, True), ("2026-11", 2, 6, False),
    ]  # fmt: skip
    csv_text = cli.ok("crc", "report", "contoso", "-f", "csv").stdout
    assert csv_text.splitlines()[2].endswith(",2,6,false,0.5,,,0")  # then no reply measured
    table = cli.ok("crc", "report", "contoso", "-f", "table")
    assert re.search(r"2026-10 .*6 of 6 .*100%", table.stdout)
    assert re.search(r"2026-11 .*2 of 6 \* .*50%", table.stdout)
    assert "* not every behaviour graded that month" in table.stderr
    text = cli.ok("scorecard", "contoso", "--quarter", "2026Q4").stdout
    assert "- 2026-10: 100% A, 0 D (6 of 6 graded)\n" in text
    assert "- 2026-11: 50% A, 0 D (2 of 6 graded, incomplete)\n" in text
    page = tmp_path / "card.html"
    cli.ok("scorecard", "contoso", "--quarter", "2026Q4", "-f", "html", "--output", str(page))
    html = page.read_text()
    # the grid's count of grades per month, the part-graded month marked
    assert '<th scope="row">grades given</th><td>6 of 6</td><td>2 of 6 *</td></tr>' in html
    assert "* not every behaviour was graded that month." in html


# -- the README's client example runs as written on a fresh database ----------------------


def test_the_readme_client_example_runs_on_a_fresh_database(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    intro = readme.index("Keep your own score with clients")
    block = readme[readme.index("```console\n", intro) + 11 : readme.index("```\n", intro + 30)]
    assert "crc rate" in block and "scorecard" in block
    env = {**os.environ, "SALESTRACK_DB": str(tmp_path / "fresh.db")}
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "report card for Acme Corp, 2026-10: 1=A 2=B 3=D" in result.stderr
    assert (tmp_path / "form.csv").read_text().startswith("month,behaviour,name,grade,comment")
    assert ",slow replies,3,3,true," in result.stdout  # piped: CSV, 3 of 3 graded
    assert "<svg" in (tmp_path / "acme-q4.html").read_text()
