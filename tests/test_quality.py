"""Conversation quality, the predictive split, the daily focus, segments: counted by hand."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.conftest import Cli, dump, rows

# NOW is Friday 20 November 2026, 15:00 in London (UTC+0).


def conversation(cli: Cli, name: str, segment: str, at: str, scores: str, **kw: str) -> None:
    cli.ok("log", "call", name, "--new", "-o", kw.get("outcome", "connected"), "--at", at,
           "-q", scores)  # fmt: skip
    cli.ok("prospect", "edit", name, "--segment", segment)


def fixture(cli: Cli) -> None:
    conversation(cli, "Alpha", "A", "2026-10-26 10:00", "5554")  # high (4.75), moves on
    cli.ok("prospect", "stage", "alpha", "qualified", "--at", "2026-10-30 10:00")
    conversation(cli, "Beta", "B", "2026-10-27 10:00", "4443")  # high (3.75), stays
    conversation(cli, "Gamma", "B", "2026-10-28 10:00", "2232")  # low (2.25), moves too late
    cli.ok("prospect", "stage", "gamma", "qualified", "--at", "2026-11-20 10:00")
    conversation(cli, "Delta", "A", "2026-10-29 10:00", "3332")  # low (2.75), lost
    cli.ok("prospect", "stage", "delta", "lost", "--at", "2026-11-01 10:00")
    conversation(cli, "Epsilon", "B", "2026-11-16 10:00", "5555")  # too recent for the split


def report(cli: Cli, *args: str) -> list[dict[str, str]]:
    out = cli.ok("quality", "--weeks", "4", "-f", "csv", *args).stdout
    return list(csv.DictReader(io.StringIO(out)))


def test_scores_are_recorded_inline_and_afterwards(cli: Cli, db_path: Path) -> None:
    out = cli.ok("log", "call", "Acme", "--new", "-o", "connected",
                 "-q", "value=4,uncovered=3,openness=5,commitment=2",
                 "--uncovered", "two CRMs")  # fmt: skip
    assert "quality 4/3/5/2" in out.stderr
    call = cli.ok("log", "call", "Acme", "-o", "connected").stdout.strip()
    cli.ok("edit", call[:8], "--quality", "v2 u2 o3 c4")
    cli.ok("edit", call[:8], "--uncovered", "renewal in March")
    assert rows(
        db_path, "SELECT value, uncovered, openness, commitment, uncovered_text FROM quality "
        "ORDER BY created_at, value DESC",
    ) == [(4, 3, 5, 2, "two CRMs"), (2, 2, 3, 4, "renewal in March")]  # fmt: skip
    before = dump(db_path)
    assert (
        "out of range" in cli.fails("log", "call", "Acme", "-o", "connected", "-q", "4362").stderr
    )
    assert (
        "no score for commitment"
        in cli.fails(
            "log", "call", "Acme", "-o", "connected", "-q", "value=4,uncovered=3,openness=5"
        ).stderr
    )
    assert "not on emails" in cli.fails("log", "email", "Acme", "-q", "4444").stderr
    assert (
        "goes with --quality"
        in cli.fails("log", "call", "Acme", "-o", "busy", "--uncovered", "x").stderr
    )
    assert dump(db_path) == before


def test_weekly_averages_and_the_predictive_split(cli: Cli) -> None:
    fixture(cli)
    got = report(cli)
    weeks = {r["week"]: r for r in got if r["section"] == "week"}
    assert list(weeks) == ["2026-W44", "2026-W45", "2026-W46", "2026-W47"]
    w44 = weeks["2026-W44"]
    got44 = [w44[k] for k in ("conversations", "value", "uncovered", "openness", "commitment",
                              "overall")]  # fmt: skip
    assert got44 == ["4", "3.5", "3.5", "3.75", "2.75", "3.375"]
    assert weeks["2026-W45"]["conversations"] == "0" and weeks["2026-W45"]["value"] == ""
    assert weeks["2026-W47"]["overall"] == "5.0"
    split = {(r["segment"], r["group"]): (r["conversations"], r["advanced"], r["share"])
             for r in got if r["section"] == "progress"}  # fmt: skip
    assert split == {("all", "high"): ("2", "1", "0.5"), ("all", "low"): ("2", "0", "0.0")}
    by = report(cli, "--by-segment")
    split = {(r["segment"], r["group"]): (r["conversations"], r["advanced"])
             for r in by if r["section"] == "progress"}  # fmt: skip
    assert split == {
        ("all", "high"): ("2", "1"), ("all", "low"): ("2", "0"),
        ("A", "high"): ("1", "1"), ("A", "low"): ("1", "0"),
        ("B", "high"): ("1", "0"), ("B", "low"): ("1", "0"),
    }  # fmt: skip
    w44_b = next(r for r in by if r["week"] == "2026-W44" and r["segment"] == "B")
    assert (w44_b["conversations"], w44_b["value"]) == ("2", "3.0")  # Beta 4, Gamma 2
    text = cli.ok("quality", "--weeks", "4", "-f", "csv")
    assert "high-quality conversations: 1 of 2 moved a stage forward within 14 days (50%)" in (
        text.stderr
    )


def test_focus_is_the_weakest_or_the_chosen_point(cli: Cli) -> None:
    assert "no focus yet" in cli.ok("focus").stderr
    fixture(cli)
    # only Epsilon (all fives) in the last 7 days: a tie, the first dimension wins
    assert cli.ok("focus").stdout.startswith("value (your weakest over the last 7 days, 5.0 of 5)")
    cli.ok("log", "call", "Epsilon", "-o", "connected", "--at", "2026-11-19 10:00", "-q", "5524")
    assert cli.ok("focus").stdout.startswith("openness (your weakest over the last 7 days, 3.5")
    chosen = cli.ok("focus", "commit").stdout
    assert chosen.startswith("commitment (you chose it): end every conversation")
    brief = json.loads(cli.ok("intel", "epsilon", "-f", "json").stdout)
    assert brief["focus"].startswith("commitment (you chose it)")
    assert "focus         commitment (you chose it)" in cli.ok("intel", "epsilon").stdout
    assert cli.ok("focus", "--clear").stdout.startswith("openness")
    assert "unknown dimension 'speed'" in cli.fails("focus", "speed").stderr


def mix_fixture(cli: Cli) -> None:
    """Good quality every week; meetings came from segment A, this week only B was called."""
    for name, day in (("A1", "2026-11-03"), ("A2", "2026-11-04"), ("A3", "2026-11-10"),
                      ("A4", "2026-11-11")):  # fmt: skip
        conversation(cli, name, "A", f"{day} 10:00", "4444", outcome="meeting-set")
    for name, day in (("B1", "2026-11-17"), ("B2", "2026-11-18")):
        conversation(cli, name, "B", f"{day} 10:00", "4444")


def test_segment_mix_is_named_when_quality_is_good_but_results_thin(cli: Cli) -> None:
    mix_fixture(cli)
    out = cli.ok("quality", "--weeks", "3", "-f", "csv")
    assert (
        "quality is at or above your usual but meetings set fell to 0% (usual 100%): the "
        "segment mix is the likelier cause: 0% of this week's conversations were with segment A "
        "prospects against your usual 100%"
    ) in out.stderr


def test_baseline_split_by_segment(cli: Cli) -> None:
    mix_fixture(cli)

    def calls(*args: str) -> str:
        out = cli.ok("baseline", "--week", "2026-W47", "--weeks", "2", "-f", "csv", *args).stdout
        found = {(r["section"], r["figure"]): r for r in csv.DictReader(io.StringIO(out))}
        return found[("activity", "calls")]["trend"]

    assert calls() == "2 2 2"
    assert calls("--segment", "A") == "2 2 0"
    assert calls("--segment", "B") == "0 0 2"


def test_coach_page(cli: Cli) -> None:
    mix_fixture(cli)
    cli.ok("focus", "openness")
    page = cli.ok("coach", "--week", "2026-W47", "--weeks", "2").stdout
    assert page.startswith("# Coaching: 2026-W47")
    assert "| meeting set rate | 0% | 100% | 100% - 100% | worse |" in page
    assert "- openness (you chose it):" in page
    assert "2 wins from 2 dials 2026-W47" in page  # first decision-maker conversations
    assert "## Holes" in page and "the funnel step that loses most: meeting set rate" in page
