"""The demo database: realistic, deterministic, consistent, and never written over real data."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import subprocess
from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, func, select

from salestrack import config, vocab
from salestrack.demo import generator as demo
from salestrack.models import Activity, Intel, Prospect, Rating
from salestrack.store.engine import make_engine
from tests.conftest import NOW, Cli, dump, rows

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, demo.Summary]:
    """Four weeks at 40 dials a day: big enough for the rules, quick to build."""
    path = tmp_path_factory.mktemp("demo") / "small.db"
    summary = demo.build_demo(path, now=NOW, weeks=4, dials_per_day=40, seed=3, owner="tester")
    return path, summary


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    def build(seed: int) -> dict[str, list[dict[str, object]]]:
        return demo.build_rows(now=NOW, weeks=2, dials_per_day=20, seed=seed, tz=LONDON).rows

    first, again, other = build(5), build(5), build(6)
    assert first == again
    assert first["activities"] != other["activities"]


def test_counts_match_what_was_written(small: tuple[Path, demo.Summary]) -> None:
    path, summary = small
    assert summary.counts == {
        table: rows(path, f"SELECT count(*) FROM {table}")[0][0] for table in summary.counts
    }
    calls = rows(path, "SELECT count(*) FROM activities WHERE kind = 'call'")[0][0]
    assert summary.calls == calls
    assert summary.first_day.isoformat() == "2026-10-26"  # the Monday four weeks back
    assert summary.last_day.isoformat() == "2026-11-20"


def test_about_the_asked_dials_a_day_on_weekdays_in_working_hours(
    small: tuple[Path, demo.Summary],
) -> None:
    path, summary = small
    per_day: Counter[str] = Counter()
    for (text,) in rows(path, "SELECT occurred_at FROM activities WHERE kind = 'call'"):
        local = datetime.fromisoformat(str(text)).replace(tzinfo=UTC).astimezone(LONDON)
        assert local.weekday() < 5, local
        if local.date() >= summary.first_day:  # the book of older clients is not dialling
            assert (8, 30) <= (local.hour, local.minute) < (17, 30), local
            assert not (12, 30) <= (local.hour, local.minute) < (13, 15), local
            per_day[local.date().isoformat()] += 1
    assert len(per_day) == 20
    average = sum(per_day.values()) / len(per_day)
    assert 30 <= average <= 46, per_day


def test_nothing_is_dated_after_now(small: tuple[Path, demo.Summary]) -> None:
    path, _ = small
    stamp = NOW.strftime("%Y-%m-%d %H:%M:%S.%f")
    checks = {
        "activities": "occurred_at",
        "stage_changes": "changed_at",
        "intel": "learned_at",
        "wins": "won_at",
        "promises": "made_at",
        "ratings": "rated_at",
        "next_steps": "done_at",
    }
    for table, column in checks.items():
        assert rows(path, f"SELECT count(*) FROM {table} WHERE {column} > ?", stamp)[0][0] == 0


def test_the_history_is_consistent(small: tuple[Path, demo.Summary]) -> None:
    path, _ = small
    assert rows(path, "PRAGMA foreign_key_check") == []
    assert rows(path, "PRAGMA integrity_check") == [("ok",)]
    # each prospect's stage is where its stage history ends, and the history is a chain
    history: dict[str, list[tuple[str | None, str]]] = {}
    for pid, before, after in rows(
        path, "SELECT prospect_id, from_stage, to_stage FROM stage_changes ORDER BY changed_at"
    ):
        history.setdefault(str(pid), []).append((before, after))  # type: ignore[arg-type]
    for pid, stage in rows(path, "SELECT id, stage FROM prospects"):
        chain = history[str(pid)]
        assert chain[0] == (None, "lead")
        assert chain[-1][1] == stage
        for (_, reached), (left, _) in pairwise(chain):
            assert reached == left
    # call outcomes are the product's words, and who was reached follows the outcome
    for outcome, reached in rows(
        path, "SELECT DISTINCT outcome, reached FROM activities WHERE kind = 'call'"
    ):
        assert outcome in vocab.OUTCOMES["call"]
        expected = vocab.REACHED_BY_OUTCOME[str(outcome)]
        assert reached == expected or (outcome, reached) == ("gatekeeper", "wrong_person")
    # a done next step was done by a later touch of the same prospect
    bad = rows(
        path,
        "SELECT count(*) FROM next_steps n JOIN activities a ON a.id = n.done_by_activity_id "
        "WHERE a.prospect_id != n.prospect_id OR n.done_at < n.created_at "
        "OR a.occurred_at != n.done_at",
    )
    assert bad == [(0,)]
    # a superseded fact points at a newer fact of the same kind
    bad = rows(
        path,
        "SELECT count(*) FROM intel o JOIN intel n ON n.id = o.superseded_by_id "
        "WHERE n.kind != o.kind OR n.learned_at < o.learned_at",
    )
    assert bad == [(0,)]
    kinds = {k for (k,) in rows(path, "SELECT DISTINCT kind FROM intel")}
    assert kinds <= set(vocab.INTEL_KINDS) and {"gatekeeper", "availability"} <= kinds


def test_it_holds_every_kind_of_record(small: tuple[Path, demo.Summary]) -> None:
    path, summary = small
    for table in ("contacts", "stage_changes", "next_steps", "intel", "wins", "promises",
                  "successes", "initiatives", "behaviours", "ratings", "quality"):  # fmt: skip
        assert summary.counts.get(table, 0) > 0, table
    stages = {s for (s,) in rows(path, "SELECT DISTINCT stage FROM prospects")}
    assert {"lead", "qualified", "won", "lost"} <= stages
    sources = {s for (s,) in rows(path, "SELECT DISTINCT source FROM wins")}
    assert {"explicit", "new_intel", "first_gatekeeper", "first_decision_maker"} <= sources
    assert rows(path, "SELECT count(*) FROM behaviours") == [(6,)]
    overdue = rows(
        path,
        "SELECT count(*) FROM next_steps WHERE done_at IS NULL AND due_at < ?",
        NOW.strftime("%Y-%m-%d %H:%M:%S.%f"),
    )[0][0]
    assert overdue > 0  # some follow-ups lag, as they do
    reach = dict(
        rows(path, "SELECT reached, count(*) FROM activities WHERE kind='call' GROUP BY 1")
    )
    calls = sum(int(n) for n in reach.values())  # type: ignore[call-overload]
    assert 0.04 < int(reach["decision_maker"]) / calls < 0.2  # type: ignore[call-overload]
    assert int(reach["nobody"]) / calls > 0.4  # type: ignore[call-overload]


def test_rows_read_back_through_the_models(small: tuple[Path, demo.Summary]) -> None:
    path, summary = small
    engine = make_engine(config.target_from(str(path)), write=False)
    with Session(engine) as db:
        assert db.exec(select(func.count()).select_from(Activity)).one() == summary.activities
        acme = db.exec(select(Prospect).where(Prospect.name == "Acme Ltd")).one()
        assert acme.stage == "won" and acme.owner == "tester"
        assert acme.created_at.tzinfo is not None
        grades = set(db.exec(select(Rating.grade)).all())
        assert grades <= {"A", "B", "D"} and "A" in grades
        fact = db.exec(select(Intel).where(Intel.superseded_at.is_not(None))).first()  # type: ignore[union-attr]
        assert fact is None or fact.superseded_by_id is not None
    engine.dispose()


def test_demo_command_writes_its_own_file_and_prints_the_path(cli: Cli, db_path: Path) -> None:
    target = db_path.parent / "demo" / "demo.db"
    result = cli.ok("demo", "--path", str(target), "--weeks", "2")
    assert result.stdout == f"{target}\n"
    assert "demo database written" in result.stderr and "--stage proposal" in result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not db_path.exists()  # the real database was not touched (not even created)
    assert demo.is_demo(target)
    busiest = result.stderr.split('prospect show "', 1)[1].split('"', 1)[0]
    shown = cli.ok("--db", str(target), "prospect", "show", busiest, "--format", "json")
    assert busiest in shown.stdout
    # every setting the demo wrote reads back by its key's rule, the signing names too
    found = {
        r["key"]: (r["source"], r["value"])
        for r in json.loads(cli.ok("--db", str(target), "config", "-f", "json").stdout)
    }
    assert found["rep_name"][0] != "not valid" and found["company_name"][0] != "not valid"
    assert {source for source, _ in found.values()} <= {"default", "set", "team"}, found


def test_default_path_is_in_the_data_folder_and_is_replaced(cli: Cli) -> None:
    first = Path(cli.ok("demo", "--weeks", "1", "--seed", "1").stdout.strip())
    assert first == config.demo_db_path()
    before = dump(first)
    again = Path(cli.ok("demo", "--weeks", "1", "--seed", "2").stdout.strip())
    assert again == first and dump(again) != before
    assert sorted(p.name for p in first.parent.iterdir()) == ["demo.db"]  # no temp files left


def test_demo_refuses_the_real_database_and_other_files(cli: Cli, db_path: Path) -> None:
    cli.ok("log", "call", "Acme", "--new", "-o", "connected")
    before = dump(db_path)
    refused = cli.fails("demo", "--path", str(db_path), code=2)
    assert "is your salestrack database" in refused.stderr and "--path" in refused.stderr
    assert dump(db_path) == before

    other = db_path.parent / "other.db"
    shutil.copy(db_path, other)
    theirs = cli.fails("demo", "--path", str(other))
    assert "not a salestrack demo" in theirs.stderr
    assert dump(other) == before

    notes = db_path.parent / "notes.txt"
    notes.write_text("call list\n")
    cli.fails("demo", "--path", str(notes))
    assert notes.read_text() == "call list\n"
    cli.fails("demo", "--path", str(db_path.parent), code=2)


def test_weeks_are_bounded(cli: Cli) -> None:
    assert "--weeks" in cli.fails("demo", "--weeks", "0", code=2).stderr


@pytest.mark.postgres
def test_demo_rows_on_postgres_read_the_same_as_on_sqlite(pg_url: str, tmp_path: Path) -> None:
    now = NOW - timedelta(days=1)
    lite = demo.build_demo(tmp_path / "d.db", now=now, weeks=1, dials_per_day=15, seed=9)
    server = demo.build_demo(config.target_from(pg_url), now=now, weeks=1, dials_per_day=15, seed=9)
    assert server.counts == lite.counts
    read = []
    for url in (f"sqlite:///{tmp_path / 'd.db'}", pg_url):
        engine = make_engine(config.target_from(url), write=False)
        with Session(engine) as db:
            read.append(
                [
                    (a.id, a.occurred_at, a.outcome, a.reached, a.duration_s)
                    for a in db.exec(select(Activity).order_by(Activity.id)).all()  # type: ignore[arg-type]
                ]
            )
        engine.dispose()
    assert read[0] == read[1] and len(read[0]) == lite.activities


@pytest.mark.slow
def test_readme_first_command_in_a_real_shell(tmp_path: Path) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    command = next(line for line in readme.splitlines() if line.startswith("pip install . && "))
    runnable = command.removeprefix("pip install . && ") + " --format csv"
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "share")}
    env.pop("SALESTRACK_NOW", None)
    result = subprocess.run(
        ["bash", "-c", runnable], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    figures = {(r["section"], r["figure"]): r for r in csv.DictReader(io.StringIO(result.stdout))}
    trend = figures[("activity", "dials")]["trend"].split()
    assert len(trend) == 9  # eight trailing weeks and this one
    assert all(int(n) >= 0 for n in trend)  # this week so far, and the same part of the others
    assert ("reach", "decision maker rate") in figures and ("quality", "overall") in figures


def test_demo_can_be_refreshed_while_it_is_the_database_in_use(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the README's: export SALESTRACK_DB="$(salestrack demo)", later salestrack demo again
    first = Path(cli.ok("demo", "--weeks", "1", "--seed", "1").stdout.strip())
    monkeypatch.setenv("SALESTRACK_DB", str(first))
    before = dump(first)
    assert Path(cli.ok("demo", "--weeks", "1", "--seed", "2").stdout.strip()) == first
    assert dump(first) != before
