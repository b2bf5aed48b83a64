"""The baseline: every figure with its sample, flags only where the evidence holds, holes by
what they cost. Each number worked by hand from a small fixture.

Time zone Europe/London; now is Friday 20 November 2026 15:00 (tests/conftest.py). Weeks:
2026-W43 is Mon 19 Oct to Mon 26 Oct (169 hours: the clocks go back on the 25th), W44 from
26 Oct, W45 from 2 Nov, W46 from 9 Nov, W47 (this week, so far) from 16 Nov.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, dump
from tests.test_reports import fixture

_made = 0


def calls(
    cli: Cli, monday: str, dials: int, outcomes: dict[str, int] | None = None, **kw: str
) -> list[str]:
    """``dials`` calls on the Monday of a week, each to a new prospect, two minutes apart:
    first the ``outcomes`` asked for, the rest unanswered. Returns the prospects' names."""
    global _made
    rows, names = [], []
    chosen = dict(outcomes or {})
    chosen["no_answer"] = dials - sum(chosen.values())
    start = datetime.fromisoformat(f"{monday} 09:00")
    for outcome, n in chosen.items():
        for _ in range(n):
            _made += 1
            name = f"P{_made:04d}"
            at = start + timedelta(minutes=2 * len(rows))
            rows.append(
                f"{name},call,{kw.get('direction', 'outbound')},{outcome},{at:%Y-%m-%d %H:%M}"
            )
            names.append(name)
    head = "prospect,kind,direction,outcome,occurred_at\n"
    cli.ok("import", "activities", "-", input=head + "\n".join(rows) + "\n")
    return names


def moves(cli: Cli, *steps: tuple[str, str, str, str]) -> None:
    """Stage changes: (prospect, from, to, when)."""
    text = "prospect,from_stage,to_stage,changed_at\n" + "".join(
        f"{p},{a},{b},{at}\n" for p, a, b, at in steps
    )
    cli.ok("import", "stage-changes", "-", input=text)


def document(cli: Cli, *args: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(cli.ok("baseline", *args, "-f", "json").stdout)
    return found


def by_name(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["figure"]: f for f in doc["figures"]}


def sample(f: dict[str, Any]) -> tuple[Any, ...]:
    return (f["value"], f["k"], f["n"], f["usual"], f["usual_k"], f["usual_n"], f["flag"])


def test_week_boundaries_dst_and_the_first_week(cli: Cli) -> None:
    fixture(cli)
    doc = document(cli, "--week", "2026-W44", "--weeks", "2")
    # W42 has no activity: it is before the first, so not a zero week; the usual is W43's
    assert doc["trend_weeks"] == ["2026-W42", "2026-W43", "2026-W44"]
    assert (doc["trailing_weeks"], doc["from"], doc["to"], doc["provisional"]) == (
        1, "2026-W43", "2026-W43", True,
    )  # fmt: skip
    f = by_name(doc)
    dials = f["dials"]
    # W43 has four (00:30 on Monday 19 Oct local is 23:30 UTC on Sunday, and 23:30 on Sunday
    # 25 Oct is still W43 after the clocks went back); W44 has two
    assert dials["trend"] == [None, 4, 2]
    assert (dials["value"], dials["n"], dials["usual"], dials["usual_n"], dials["weeks"]) == (
        2, 2, 4.0, 4, 1,
    )  # fmt: skip
    # one week of 4: P(at most 0 of 0 + 4 in this week | 1/2) = 1/16 >= 2.5%, so down to 0;
    # up to 12: P(at least 12 of 16) = 2517/65536 = 3.8%, P(at least 13 of 17) = 2.45%
    assert (dials["low"], dials["high"], dials["flag"]) == (0, 12, "")
    # the reach ladder, k of n dials: W43 no answer, connected, gatekeeper, voicemail;
    # W44 meeting set, no answer. Two dials this week are too few to flag anything.
    assert sample(f["answered rate"]) == (0.5, 1, 2, 0.5, 2, 4, "too few")
    assert sample(f["decision maker rate"]) == (0.5, 1, 2, 0.25, 1, 4, "too few")
    assert sample(f["conversation rate"]) == (0.5, 1, 2, 0.25, 1, 4, "too few")
    assert sample(f["meeting set rate"]) == (0.5, 1, 2, 0.0, 0, 4, "too few")
    assert sample(f["gatekeeper rate"]) == (0.0, 0, 2, 0.25, 1, 4, "too few")
    assert f["answered rate"]["trend"] == [None, 0.5, 0.5]
    # one win: the first decision-maker conversation on 20 Oct
    assert f["wins"]["trend"] == [None, 1, 0]
    assert sample(f["wins per dial"]) == (0.0, 0, 2, 0.25, 1, 4, "too few")
    assert (f["inbound calls"]["value"], f["inbound calls"]["worse"]) == (0, "neutral")
    assert doc["holes"] == []


def test_follow_up_lag_stage_moves_and_time_in_stage(cli: Cli) -> None:
    fixture(cli)
    doc = document(cli, "--week", "2026-W44", "--weeks", "2")
    f = by_name(doc)
    lag = f["follow-up lag (median)"]
    # W43's follow-ups came after 33.5 h, 25 h and 109.5 h: median 33.5 h; W44's after 1 h
    # and 57.5 h: median 29.25 h. Two this week are under the minimum of five.
    assert lag["trend"] == [None, round(33.5 / 24, 4), round(29.25 / 24, 4)]
    assert (lag["n"], lag["usual_n"], lag["usual"], lag["flag"]) == (
        2, 3, round(33.5 / 24, 4), "too few",
    )  # fmt: skip
    assert (lag["low"], lag["high"]) == (round(25 / 24, 4), round(109.5 / 24, 4))
    steps = f["next step done after due (median)"]
    assert (steps["trend"], steps["n"], steps["flag"]) == ([None, None, None], 0, "")
    assert f["lead to qualified"]["trend"] == [None, 1.0, None]
    assert sample(f["qualified to meeting"]) == (1.0, 1, 1, None, 0, 0, "too few")
    # lead from 18 Oct 23:30Z to 20 Oct 09:30Z; qualified from then to 26 Oct 00:45Z
    assert f["days in lead (median)"]["trend"] == [None, round(34 / 24, 4), None]
    assert f["days in qualified (median)"]["value"] == round(135.25 / 24, 4)
    assert "overall" not in f  # no scores recorded, no quality figures
    assert [(s["prospect"], s["days"]) for s in doc["slowest_follow_ups"]] == [
        ("Acme Corp", round(57.5 / 24, 4)),
        ("Acme Corp", round(1 / 24, 4)),
    ]


def test_this_week_so_far_is_compared_with_the_same_part_of_other_weeks(cli: Cli) -> None:
    # Now is Friday 20 Nov 15:00: each trailing week is cut at Friday 15:00 too, and W45,
    # before the first call, is no week at all
    cli.ok("log", "call", "Acme Corp", "-o", "no-answer", "--at", "2026-11-13 14:00")
    cli.ok("log", "call", "acme", "-o", "no-answer", "--at", "2026-11-13 16:00")  # after
    cli.ok("log", "call", "acme", "-o", "no-answer", "--at", "2026-11-20 14:00")
    doc = document(cli, "--weeks", "2")
    assert doc["partial"] is True and doc["week"] == "2026-W47"
    assert by_name(doc)["dials"]["trend"] == [None, 1, 1]


def test_weeks_before_the_first_activity_are_not_zero_weeks(cli: Cli) -> None:
    # six weeks of 60 dials (W41 to W46), then 39 this week (a 35% drop), and --weeks 8
    for monday in ("2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26", "2026-11-02",
                   "2026-11-09"):  # fmt: skip
        calls(cli, monday, 60)
    calls(cli, "2026-11-16", 39)
    doc = document(cli, "--weeks", "8")
    assert (doc["trailing_weeks"], doc["from"], doc["provisional"]) == (6, "2026-W41", False)
    dials = by_name(doc)["dials"]
    assert dials["trend"] == [None, None, 60, 60, 60, 60, 60, 60, 39]
    # spread nothing (all 60); chance alone: given 360 before, this week's share of the total
    # is binomial with p = 1/7; 44 is the lowest count with P(at most) >= 2.5%
    assert (dials["usual"], dials["low"], dials["high"], dials["flag"]) == (60.0, 44, 77, "below")
    assert dials["alert"] is True and dials["evidence"] < 0.005
    from salestrack import stats

    assert stats.binom_cdf(43, 403, 1 / 7) < 0.025 <= stats.binom_cdf(44, 404, 1 / 7)
    # the week is still running (Friday 15:00): its hole says what the usual is of
    assert doc["partial"] is True
    hole = next(h for h in doc["holes"] if h["figure"] == "dials")
    assert hole["text"] == (
        "39 dials against your usual 60 by Fri 15:00 (44 to 77 is within the usual)"
    )


def test_a_usual_from_fewer_than_four_weeks_is_provisional(cli: Cli, monkeypatch: Any) -> None:
    calls(cli, "2026-11-02", 20, {"connected": 4})
    calls(cli, "2026-11-09", 20, {"connected": 4})
    calls(cli, "2026-11-16", 20, {"connected": 4})
    doc = document(cli)
    assert (doc["trailing_weeks"], doc["provisional"]) == (2, True)
    conversations = by_name(doc)["conversation rate"]
    assert sample(conversations) == (0.2, 4, 20, 0.2, 8, 40, "")
    assert conversations["provisional"] is True
    monkeypatch.setenv("COLUMNS", "80")
    table = cli.ok("baseline", "-f", "table").stdout
    assert "against 2026-W45 to W46 (2 weeks, provisional)" in table
    assert "20% (4/20)" in table and "~20% (8/40)" in table


def test_inbound_calls_are_not_dials(cli: Cli) -> None:
    # this week 20 dials with 3 conversations, and two inbound calls that connected: the
    # conversation rate stays 3 of 20 (15%), not 5 of 22 (23%)
    calls(cli, "2026-11-09", 20, {"connected": 3})
    calls(cli, "2026-11-16", 20, {"connected": 3})
    calls(cli, "2026-11-16", 2, {"connected": 2}, direction="inbound")
    f = by_name(document(cli))
    assert sample(f["conversation rate"])[:3] == (0.15, 3, 20)
    assert (f["dials"]["value"], f["inbound calls"]["value"]) == (20, 2)
    assert (f["inbound calls"]["usual"], f["inbound calls"]["worse"]) == (0.0, "neutral")
    assert sample(f["answered rate"])[:3] == (0.15, 3, 20)


def test_win_rate_counts_qualified_deals_and_leads_disqualified_apart(cli: Cli) -> None:
    names = calls(cli, "2026-11-02", 15)
    won, lost, leads = names[:2], names[2:5], names[5:]
    steps = [(p, "lead", "negotiation", "2026-11-03 10:00") for p in won]
    steps += [(p, "negotiation", "won", "2026-11-17 10:00") for p in won]
    steps += [(p, "lead", "qualified", "2026-11-03 10:00") for p in lost]
    steps += [(p, "qualified", "lost", "2026-11-17 11:00") for p in lost]
    steps += [(p, "lead", "lost", "2026-11-18 10:00") for p in leads]  # never qualified
    moves(cli, *steps)
    f = by_name(document(cli))
    # closed this week: 2 won and 3 lost after qualifying (2 of 5), and 10 leads disqualified
    assert sample(f["win rate (qualified deals)"])[:3] == (0.4, 2, 5)
    assert (f["leads disqualified"]["value"], f["leads disqualified"]["worse"]) == (10, "neutral")
    assert sample(f["negotiation to won"])[:3] == (1.0, 2, 2)
    assert sample(f["lead to qualified"])[:3] == (0.0, 0, 10)  # W47: the ten leads lost


def test_a_neutral_figure_is_flagged_but_never_marked_worse(cli: Cli) -> None:
    # the gatekeeper rate fell from 60 of 200 to 2 of 100 while the decision maker rate rose
    for monday in ("2026-11-02", "2026-11-09"):
        calls(cli, monday, 100, {"gatekeeper": 30, "connected": 10})
    calls(cli, "2026-11-16", 100, {"gatekeeper": 2, "connected": 38})
    doc = document(cli)
    f = by_name(doc)
    gatekeeper = f["gatekeeper rate"]
    assert sample(gatekeeper) == (0.02, 2, 100, 0.3, 60, 200, "below")
    assert (gatekeeper["worse"], gatekeeper["alert"]) == ("neutral", False)
    assert (f["decision maker rate"]["flag"], f["decision maker rate"]["alert"]) == ("above", False)
    assert [h["figure"] for h in doc["holes"]] == []
    table = cli.ok("baseline", "-f", "table").stdout
    line = next(x for x in table.splitlines() if x.strip().startswith("gatekeeper rate"))
    assert "▼" in line and "!" not in line


def holes_fixture(cli: Cli) -> None:
    """W44 and W45: 100 dials, 20 conversations; of 10 prospects leaving meeting, 7 went on to
    a proposal; one proposal went on to negotiation. W46: 100 dials, 5 conversations (and 15
    decision makers who asked for a call back: reached, no conversation); 3 of 12 went on to
    a proposal; 1 of 2 proposals went on to negotiation."""
    global _made
    _made = 0  # the same names each time (the PostgreSQL test runs it twice)
    plan = {"2026-10-26": ({"connected": 20}, 7, 10, 1, 1),
            "2026-11-02": ({"connected": 20}, 7, 10, 1, 1),
            "2026-11-09": ({"connected": 5, "callback": 15}, 3, 12, 1, 2)}  # fmt: skip
    for monday, (outcomes, ahead, meetings, onward, proposals) in plan.items():
        names = calls(cli, monday, 100, outcomes)
        day = datetime.fromisoformat(monday)
        tue, wed, thu = (f"{day + timedelta(days=d):%Y-%m-%d} 10:00" for d in (1, 2, 3))
        met, proposed = names[:meetings], names[meetings : meetings + proposals]
        steps = [(p, "lead", "meeting", tue) for p in met]
        steps += [(p, "meeting", "proposal" if i < ahead else "lost", wed)
                  for i, p in enumerate(met)]  # fmt: skip
        steps += [(p, "lead", "proposal", tue) for p in proposed]
        steps += [(p, "proposal", "negotiation" if i < onward else "lost", thu)
                  for i, p in enumerate(proposed)]  # fmt: skip
        moves(cli, *steps)


def test_holes_are_ranked_by_what_they_cost_and_state_their_numbers(cli: Cli) -> None:
    holes_fixture(cli)
    doc = document(cli, "--week", "2026-W46", "--weeks", "2")
    f = by_name(doc)
    # Fisher's exact test: 5 of 100 against 40 of 200 (p = 0.00025) and 3 of 12 against 14
    # of 20 (p = 0.017) are both under 2.5%
    assert sample(f["conversation rate"]) == (0.05, 5, 100, 0.2, 40, 200, "below")
    assert sample(f["meeting to proposal"]) == (0.25, 3, 12, 0.7, 14, 20, "below")
    assert sample(f["decision maker rate"])[-1] == ""  # 20 of 100, as usual
    # the 1-of-2 case stays quiet
    assert sample(f["proposal to negotiation"]) == (0.5, 1, 2, 1.0, 2, 2, "too few")
    # what each cost: (20% - 5%) x 100 dials = 15 conversations; (70% - 25%) x 12 = 5.4
    assert [(h["rank"], h["figure"], h["lost"]) for h in doc["holes"]] == [
        (1, "conversation rate", 15.0),
        (2, "meeting to proposal", 5.4),
    ]
    first, second = doc["holes"]
    assert first["text"] == (
        "5 of 100 dials became conversations, against your usual 40 of 200: about 15 fewer"
    )
    assert first["diagnosis"] == "reaching people but not talking: open with why you called"
    assert second["text"] == (
        "3 of 12 prospects leaving meeting went on to proposal or beyond, against your usual "
        "14 of 20: about 5 fewer"
    )
    assert (second["k"], second["n"], second["usual_k"], second["usual_n"]) == (3, 12, 14, 20)
    table = cli.ok("baseline", "--week", "2026-W46", "--weeks", "2", "-f", "table").stdout
    assert "Holes, by what they cost:\n  1. 5 of 100 dials became conversations" in table


def test_when_nothing_holds_up_it_says_so(cli: Cli) -> None:
    fixture(cli)
    table = cli.ok("baseline", "--week", "2026-W44", "--weeks", "2", "-f", "table").stdout
    assert "nothing holds up as a hole this week" in table
    assert "too few" in table and "50% (1/2)" in table and "25% (1/4)" in table


CONTRACT = {
    "section", "figure", "unit", "worse", "value", "k", "n", "usual", "usual_k", "usual_n",
    "weeks", "provisional", "low", "high", "flag", "alert", "test", "evidence", "trend",
}  # fmt: skip


def test_json_is_a_typed_versioned_contract_and_csv_has_the_same_rows(cli: Cli) -> None:
    holes_fixture(cli)
    args = ("--week", "2026-W46", "--weeks", "2")
    doc = document(cli, *args)
    assert (doc["report"], doc["version"]) == ("baseline", 2)
    assert set(doc) >= {"week", "partial", "trailing_weeks", "provisional", "figures", "holes",
                        "slowest_follow_ups", "lost_reasons", "mix", "trend_weeks"}  # fmt: skip
    for f in doc["figures"]:
        assert set(f) == CONTRACT, f["figure"]
        assert isinstance(f["trend"], list) and len(f["trend"]) == 3
        assert all(v is None or isinstance(v, int | float) for v in f["trend"])
        assert f["worse"] in ("lower", "higher", "neutral")
        assert f["flag"] in ("", "below", "above", "too few")
        assert isinstance(f["n"], int) and isinstance(f["usual_n"], int)
        assert f["evidence"] is None or 0 <= f["evidence"] <= 1
    assert {f["unit"] for f in doc["figures"]} == {"count", "rate", "days", "hours"}
    assert all(set(h) >= {"figure", "text", "lost", "k", "n", "usual_k", "usual_n"}
               for h in doc["holes"])  # fmt: skip
    assert doc["lost_reasons"] == [{"reason": "no reason given", "count": 16}]
    out = cli.ok("baseline", *args, "-f", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == list(next(iter(doc["figures"])))  # the same columns, in order
    assert [r["figure"] for r in rows] == [f["figure"] for f in doc["figures"]]
    conversation = next(r for r in rows if r["figure"] == "conversation rate")
    assert (conversation["k"], conversation["n"], conversation["usual_k"]) == ("5", "100", "40")
    assert (conversation["trend"], conversation["alert"]) == ("0.2 0.2 0.05", "true")
    lines = cli.ok("baseline", *args, "-f", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == doc["figures"]


def test_the_table_fits_80_columns_and_shows_the_samples(cli: Cli, monkeypatch: Any) -> None:
    holes_fixture(cli)
    for width in (80, 120):
        monkeypatch.setenv("COLUMNS", str(width))
        out = cli.ok("baseline", "--week", "2026-W46", "--weeks", "2", "-f", "table").stdout
        assert max(len(line) for line in out.splitlines()) <= width
        row = next(x for x in out.splitlines() if x.strip().startswith("conversation rate"))
        assert "5.0% (5/100)" in row and "~20% (40/200)" in row and "▼ !" in row
        assert ("trend" in out.splitlines()[2]) == (width == 120)


@pytest.mark.postgres
def test_the_same_figures_flags_and_holes_on_postgres(
    cli: Cli, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_postgres import on_both

    def run() -> tuple[str, str, str]:
        holes_fixture(cli)
        args = ("--week", "2026-W46", "--weeks", "2")
        return (
            cli.ok("baseline", *args, "-f", "json").stdout,
            cli.ok("baseline", *args, "-f", "csv").stdout,
            cli.ok("coach", *args).stdout,
        )

    lite, server = on_both(pg_url, monkeypatch, run)
    assert lite == server
    assert len(json.loads(lite[0])["holes"]) == 2


@pytest.mark.parametrize("command", [("baseline",), ("team", "baseline"), ("quality",),
                                     ("coach",)])  # fmt: skip
@pytest.mark.parametrize("bad", ["0", "-1", "100000", "abc", "\uff14", "8.5"])  # a fullwidth 4
def test_a_bad_number_of_weeks_is_one_line_naming_the_valid_values(
    cli: Cli, db_path: Path, command: tuple[str, ...], bad: str
) -> None:
    fixture(cli)
    before = dump(db_path)
    result = cli.fails(*command, "--weeks", bad, code=2)
    assert result.stderr.count("\n") == 1
    assert f"--weeks: '{bad}' is not a number of weeks; give 1 to 104" in result.stderr
    assert dump(db_path) == before


def replies_fixture(cli: Cli) -> None:
    rows = [
        "Replies Ltd,call,outbound,connected,2026-11-02 09:00",  # the first touch: no lag
        "Replies Ltd,email,inbound,replied,2026-11-02 15:00",  # they answer 6 h later
        "Replies Ltd,email,outbound,sent,2026-11-03 09:00",  # you, 18 h after their email
        "Replies Ltd,call,inbound,connected,2026-11-05 09:00",  # they call, 48 h after yours
        "Replies Ltd,call,outbound,connected,2026-11-06 15:00",  # you, 30 h after their call
    ]
    head = "prospect,kind,direction,outcome,occurred_at\n"
    cli.ok("import", "activities", "-", input=head + "\n".join(rows) + "\n")


def test_a_prospects_own_touch_is_a_touch_before_a_follow_up_not_a_follow_up(cli: Cli) -> None:
    """Your follow-ups are your touches; the client's email or call starts the clock for the
    next one but is not a follow-up of yours (how fast they answered is not your lag)."""
    replies_fixture(cli)
    doc = document(cli, "--week", "2026-W45", "--weeks", "1")
    lag = by_name(doc)["follow-up lag (median)"]
    assert (lag["value"], lag["n"]) == (round(24 / 24, 4), 2)  # the median of 18 h and 30 h
    assert [(s["prospect"], s["days"]) for s in doc["slowest_follow_ups"]] == [
        ("Replies Ltd", 1.25), ("Replies Ltd", 0.75)
    ]  # fmt: skip


def test_follow_ups_are_the_same_on_postgres(
    cli: Cli, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_postgres import on_both

    def run() -> str:
        replies_fixture(cli)
        return cli.ok("baseline", "--week", "2026-W45", "--weeks", "1", "-f", "json").stdout

    lite, server = on_both(pg_url, monkeypatch, run)
    assert lite == server
    assert by_name(json.loads(server))["follow-up lag (median)"]["n"] == 2


def test_a_count_hole_of_a_week_that_is_over_is_against_the_usual_week(cli: Cli) -> None:
    for monday in ("2026-09-28", "2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26",
                   "2026-11-02"):  # fmt: skip
        calls(cli, monday, 60)
    calls(cli, "2026-11-09", 39)
    doc = document(cli, "--week", "2026-W46", "--weeks", "6")
    assert doc["partial"] is False
    hole = next(h for h in doc["holes"] if h["figure"] == "dials")
    assert hole["text"] == "39 dials against your usual 60 a week (44 to 77 is within the usual)"
