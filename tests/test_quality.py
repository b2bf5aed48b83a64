"""Conversation quality, the predictive split, the daily focus, segments: counted by hand."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

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
    # log email has no -q; edit still refuses scores on an email by the rule
    assert "No such option: -q" in cli.fails("log", "email", "Acme", "-q", "4444", code=2).stderr
    assert (
        "goes with --quality"
        in cli.fails("log", "call", "Acme", "-o", "busy", "--uncovered", "x").stderr
    )
    assert dump(db_path) == before


def test_weekly_averages_and_the_predictive_split(cli: Cli) -> None:
    fixture(cli)
    got = report(cli)
    weeks = {r["week"]: r for r in got if r["section"] == "week"}
    # --weeks 4: W43 to W47, but the history starts in W44, so W43 is no week at all
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
    # 1 of 2 against 0 of 2 is no evidence that quality predicts anything yet
    assert (
        "high-quality conversations: 1 of 2 moved a stage forward within 14 days; "
        "low-quality: 0 of 2: too few to tell (at least 5 of each)"
    ) in text.stderr
    doc = json.loads(cli.ok("quality", "--weeks", "4", "-f", "json").stdout)
    assert (doc["report"], doc["version"], doc["week"]) == ("quality", 2, "2026-W47")
    assert doc["prediction"] == {
        "high": {"conversations": 2, "advanced": 1},
        "low": {"conversations": 2, "advanced": 0},
        "finding": "too few",
        "test": "fisher",
        "evidence": None,
    }
    assert [w["week"] for w in doc["weeks"]] == list(weeks)
    assert doc["weeks"][0]["conversations"] == 4 and doc["mix"] is None


def test_quality_predicts_progress_only_with_evidence(cli: Cli) -> None:
    # ten high-quality conversations, eight moved on; ten low ones, one moved on: by Fisher's
    # exact test, P(at least 8 of the 9 advances among the 10 high | no difference)
    # = (C(9,8) C(11,2) + C(9,9) C(11,1)) / C(20,10) = (495 + 11) / 184756 = 0.27%
    for n in range(20):
        high = n < 10
        name = f"Q{n:02d}"
        conversation(cli, name, "A", f"2026-10-{26 + n % 4} {9 + n // 4}:00",
                     "4444" if high else "2222")  # fmt: skip
        if (high and n < 8) or n == 10:
            cli.ok("prospect", "stage", name, "qualified", "--at", "2026-11-02 10:00")
    doc = json.loads(cli.ok("quality", "--weeks", "4", "-f", "json").stdout)
    assert doc["prediction"]["finding"] == "predicts"
    assert doc["prediction"]["evidence"] == pytest.approx((495 + 11) / 184756, rel=1e-2)
    assert "quality predicts progress here" in cli.ok("quality", "-f", "csv").stderr


def test_focus_is_the_weakest_or_the_chosen_point(cli: Cli) -> None:
    cli.ok("db", "upgrade")  # an empty database (a read never creates one)
    assert "no focus yet" in cli.ok("focus").stderr
    fixture(cli)
    # only Epsilon (all fives) in the last 7 days: a tie, the first dimension wins
    assert cli.ok("focus").stdout.startswith(
        "value (your weakest over the last 7 days, 5.00 of 5 over 1 scored conversation)"
    )
    cli.ok("log", "call", "Epsilon", "-o", "connected", "--at", "2026-11-19 10:00", "-q", "5524")
    assert cli.ok("focus").stdout.startswith(
        "openness (your weakest over the last 7 days, 3.50 of 5 over 2 scored conversations)"
    )
    chosen = cli.ok("focus", "commit").stdout
    assert chosen.startswith("commitment (you chose it): end every conversation")
    brief = json.loads(cli.ok("intel", "epsilon", "-f", "json").stdout)
    assert brief["focus"].startswith("commitment (you chose it)")
    assert "focus         commitment (you chose it)" in cli.ok("intel", "epsilon").stdout
    assert cli.ok("focus", "--clear").stdout.startswith("openness")
    assert "unknown dimension 'speed'" in cli.fails("focus", "speed").stderr


def mix_fixture(cli: Cli, this_week: str = "B", scores: str = "4444") -> None:
    """W45 and W46: ten conversations each with segment A prospects, five of them set a
    meeting. This week (W47) ten conversations, none set a meeting, with segment
    ``this_week``'s prospects. The same quality every week (``scores``)."""
    names = [f"A{n:02d}" for n in range(1, 21)] + [f"{this_week}9{n}" for n in range(10)]
    segments = ["A"] * 20 + [this_week] * 10
    cli.ok("import", "prospects", "-", input="name,segment\n" + "".join(
        f"{n},{s}\n" for n, s in zip(names, segments, strict=True)))  # fmt: skip
    for i, name in enumerate(names):
        monday = ("2026-11-02", "2026-11-09", "2026-11-16")[i // 10]
        outcome = "meeting-set" if i < 20 and i % 2 == 0 else "connected"
        cli.ok("log", "call", name, "-o", outcome, "--at", f"{monday} {9 + i % 10}:00",
               "-q", scores)  # fmt: skip


SEGMENT_DIAGNOSIS = (
    "the segment mix is the likelier cause: 0 of 10 scored conversations were with segment A "
    "prospects, against your usual 20 of 20"
)


def test_segment_mix_is_named_when_quality_is_good_but_results_thin(cli: Cli) -> None:
    mix_fixture(cli)
    # meetings set: 0 of 10 dials against 10 of 20, P = C(20,10)/C(30,10) = 0.6%, below; the
    # quality 4.00 over 10 against 4.00 over 20: as usual; segment A: 0 of 10 against 20 of 20
    out = cli.ok("quality", "--weeks", "3", "-f", "csv")
    assert (
        "quality is at or above your usual (4.00 over 10 scored conversations, usual 4.00) but "
        "meetings set fell to 0 of 10 dials against your usual 10 of 20: " + SEGMENT_DIAGNOSIS
    ) in out.stderr
    mix = json.loads(cli.ok("quality", "--weeks", "3", "-f", "json").stdout)["mix"]
    assert mix["cause"] == "segment"
    assert mix["meetings_set"] == {"k": 0, "n": 10, "usual_k": 10, "usual_n": 20,
                                   "evidence": round(184756 / 30045015, 5)}  # fmt: skip
    assert (mix["segment_share"]["k"], mix["segment_share"]["usual_k"]) == (0, 20)
    # the baseline's holes give the same diagnosis
    doc = json.loads(cli.ok("baseline", "-f", "json").stdout)
    meeting = next(h for h in doc["holes"] if h["figure"] == "meeting set rate")
    assert meeting["diagnosis"] == SEGMENT_DIAGNOSIS
    assert (
        meeting["text"] == "0 of 10 dials set a meeting, against your usual 10 of 20: about 5 fewer"
    )
    assert doc["holes"][0]["figure"] == "segment A share"  # 10 fewer, the bigger cost


def test_the_pitch_not_the_segment_when_the_mix_is_as_usual(cli: Cli) -> None:
    mix_fixture(cli, this_week="A")
    out = cli.ok("quality", "--weeks", "3", "-f", "csv").stderr
    assert (
        "the segment mix is as usual (10 of 10 scored conversations with segment A against "
        "your usual 20 of 20), so look at the pitch and the ask, not at who you call"
    ) in out


def test_baseline_split_by_segment(cli: Cli) -> None:
    mix_fixture(cli)

    def dials(*args: str) -> list[int | None]:
        doc = json.loads(cli.ok("baseline", "--weeks", "2", "-f", "json", *args).stdout)
        return next(f["trend"] for f in doc["figures"] if f["figure"] == "dials")

    assert dials() == [10, 10, 10]
    assert dials("--segment", "A") == [10, 10, 0]
    assert dials("--segment", "B") == [None, None, 10]  # B's history starts this week


def test_coach_uses_the_same_diagnosis_and_writes_numbers_and_plurals_right(cli: Cli) -> None:
    mix_fixture(cli)
    cli.ok("focus", "openness")
    page = cli.ok("coach", "--week", "2026-W47", "--weeks", "2").stdout
    assert page.startswith("# Coaching: 2026-W47 (so far)")
    assert "| meeting set rate | 0% (0/10) | 50% (10/20) | 30-70% | worse |" in page
    assert "- openness (you chose it):" in page
    assert "10 wins from 10 dials: 10 first decision-maker conversations" in page
    holes = page.split("## Holes, by what they cost")[1].split("##")[0]
    first = holes.strip().splitlines()[0]
    assert first.startswith("1. 0 of 10 scored conversations were with segment A prospects")
    assert (
        f"2. 0 of 10 dials set a meeting, against your usual 10 of 20: about 5 fewer; "
        f"{SEGMENT_DIAGNOSIS}" in holes
    )
    assert "ask for the meeting" not in page


def test_coach_shows_scores_as_quality_does_and_counts_in_the_singular(cli: Cli) -> None:
    conversation(cli, "Solo", "A", "2026-11-17 10:00", "5444")  # overall 4.25
    page = cli.ok("coach", "--weeks", "2").stdout
    assert "- overall: 4.25 over 1 scored conversation (usual - over 0)" in page
    assert "1 win from 1 dial: 1 first decision-maker conversation" in page
    assert "| dials | 1 |" in page
    rows = report(cli)
    assert next(r for r in rows if r["week"] == "2026-W47")["overall"] == "4.25"
    assert "4.25" in cli.ok("quality", "-f", "table").stdout


@pytest.mark.postgres
def test_the_segment_mix_and_the_coaching_page_on_postgres(
    cli: Cli, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_postgres import on_both

    def run() -> tuple[str, str, str]:
        mix_fixture(cli)
        return (
            cli.ok("quality", "--weeks", "3", "-f", "json").stdout,
            cli.ok("baseline", "-f", "json").stdout,
            cli.ok("coach", "--weeks", "2").stdout,
        )

    lite, server = on_both(pg_url, monkeypatch, run)
    assert lite == server
    assert json.loads(lite[0])["mix"]["cause"] == "segment"


def moved_score(cli: Cli) -> list[list[tuple[str, str]]]:
    """A conversation scored on Tuesday of W46, then moved to Tuesday of W47 by ``edit
    --at``, then scored again: each time, the weeks the quality report puts it in."""
    ident = cli.ok("log", "call", "Mover", "--new", "-o", "connected", "--at",
                   "2026-11-10 10:00", "-q", "5443").stdout.strip()  # fmt: skip

    def weeks() -> list[tuple[str, str]]:
        return [(r["week"], r["overall"]) for r in report(cli) if r["conversations"] != "0"]

    seen = [weeks()]
    cli.ok("edit", ident[:8], "--at", "2026-11-17 10:00")
    seen.append(weeks())
    cli.ok("edit", ident[:8], "-q", "2222")
    seen.append(weeks())
    return seen


def test_a_score_follows_its_conversation_when_it_moves(cli: Cli) -> None:
    """A score is read by its conversation's time (kept on the score by a trigger): moving
    the call moves the score to the other week, and a new score stays with it."""
    assert moved_score(cli) == [[("2026-W46", "4.0")], [("2026-W47", "4.0")],
                                [("2026-W47", "2.0")]]  # fmt: skip


def test_a_score_follows_its_conversation_on_postgres(
    cli: Cli, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_postgres import on_both

    lite, server = on_both(pg_url, monkeypatch, lambda: moved_score(cli))
    assert lite == server
