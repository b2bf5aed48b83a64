"""The same commands against a real PostgreSQL server (the SQLAlchemy path)."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import Session, SQLModel, select

from salestrack import config
from salestrack.models import Activity, Intel, NextStep, Win
from salestrack.store import migrate, revision
from salestrack.store.engine import make_engine
from salestrack.store.fulltext import modelled
from tests.conftest import NOW, Cli

pytestmark = pytest.mark.postgres


def on_both(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, run: Callable[[], Any]
) -> tuple[Any, Any]:
    """``run`` on the test's SQLite file, then on the PostgreSQL database: both results."""
    lite = run()
    monkeypatch.setenv("SALESTRACK_DB", pg_url)
    return lite, run()


def test_migrations_on_a_fresh_server_match_the_models(pg_url: str) -> None:
    target = config.target_from(pg_url)
    done = migrate.upgrade(target)
    assert (done.from_revision, done.to_revision, done.backup) == (None, revision.HEAD, None)
    engine = make_engine(target)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": modelled}
        )
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()


def test_capture_and_prospects_on_postgres(cli: Cli, pg_url: str) -> None:
    out = cli.ok(
        "--db", pg_url, "log", "call", "Acme Corp", "-o", "gatekeeper", "--at", "2h ago",
        "-d", "3m", "-c", "Sue", "-i", "gatekeeper: Sue", "-w", "learned her name",
        "--next", "call back", "--due", "tomorrow 9am",
    ).stdout.strip()  # fmt: skip
    second = cli.ok("--db", pg_url, "log", "call", "acme", "-o", "connected").stdout.strip()
    engine = make_engine(config.target_from(pg_url))
    with Session(engine) as db:
        a = db.get(Activity, uuid.UUID(out))
        assert a is not None
        assert a.occurred_at == NOW.replace(hour=13)
        assert (a.outcome, a.reached, a.duration_s) == ("gatekeeper", "gatekeeper", 180)
        step = db.exec(select(NextStep)).one()
        assert step.done_by_activity_id == uuid.UUID(second)
        assert sorted(db.exec(select(Win.source, Win.text)).all()) == [
            ("explicit", "learned her name"),
            ("first_decision_maker", "first conversation with the decision maker"),
            ("first_gatekeeper", "first gatekeeper name: Sue"),
        ]
        assert db.exec(select(Intel.value)).all() == ["Sue"]
    engine.dispose()
    listing = list(csv.DictReader(io.StringIO(cli.ok("--db", pg_url, "prospect", "list").stdout)))
    assert [(r["name"], r["activities"]) for r in listing] == [("Acme Corp", "2")]
    shown = json.loads(cli.ok("--db", pg_url, "prospect", "show", "acme", "-f", "json").stdout)
    assert shown["activity_counts"] == {"call": 2}
    cli.ok("--db", pg_url, "edit", second[:8], "--outcome", "meeting set", "-d", "10m")
    undone = cli.ok("--db", pg_url, "undo")
    assert undone.stdout.strip() == second
    engine = make_engine(config.target_from(pg_url))
    with Session(engine) as db:
        reopened = db.exec(select(NextStep)).one()
        assert reopened.done_at is None
    engine.dispose()


def test_postgres_errors_are_clear_and_masked(cli: Cli, pg_url: str) -> None:
    cli.ok("--db", pg_url, "prospect", "add", "Acme Corp")
    assert "already exists" in cli.fails("--db", pg_url, "prospect", "add", "ACME corp").stderr
    bad = pg_url.replace("postgres@", "postgres:hunter2@").rsplit("/", 1)[0] + "/no_such_db"
    result = cli.fails("--db", bad, "prospect", "list")
    assert "hunter2" not in result.stderr and "***" in result.stderr
    assert result.stderr.count("\n") == 1


def test_brief_wins_and_queue_on_postgres(cli: Cli, pg_url: str) -> None:
    cli.ok("--db", pg_url, "log", "call", "Acme Corp", "-o", "gatekeeper", "--at", "2h ago",
           "-i", "gatekeeper: Sue", "-i", "availability: doesn't work Tuesdays",
           "--next", "call back", "--due", "tomorrow 9am")  # fmt: skip
    cli.ok("--db", pg_url, "intel", "acme", "--objective", "reach the CFO", "--add", "budget: 40k")
    brief = json.loads(cli.ok("--db", pg_url, "intel", "acme", "-f", "json").stdout)
    assert [f["kind"] for f in brief["intel"]] == ["availability", "gatekeeper", "budget"]
    assert brief["objective"] == "reach the CFO"
    assert brief["missing"] == ["decision maker"]
    assert brief["best_time"]["availability"] == "not Tue"
    assert brief["next_step"]["due_at"] == "2026-11-21T09:00:00+00:00"
    assert brief["wins"] == 2 and brief["dials"] == 1
    wins = json.loads(cli.ok("--db", pg_url, "wins", "--today", "-f", "json").stdout)
    assert [w["source"] for w in wins] == ["first_gatekeeper", "new_intel"]
    queue = json.loads(cli.ok("--db", pg_url, "next", "-f", "json").stdout)
    assert queue == []  # the next step is due tomorrow


def test_reports_give_the_same_figures_on_postgres_as_on_sqlite(
    cli: Cli, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_reports import fixture

    def run() -> list[str]:
        fixture(cli)
        cli.ok("log", "call", "acme", "-o", "connected", "--at", "2026-10-29 10:00")
        return [
            cli.ok("baseline", "--week", "2026-W44", "--weeks", "2", "-f", "json").stdout,
            cli.ok("pipeline", "-f", "json").stdout,
            cli.ok("pipeline", "--gaps", "-f", "json").stdout,
            cli.ok("next", "-f", "json").stdout,
        ]

    lite, server = on_both(pg_url, monkeypatch, run)
    assert lite == server
    assert '"decision maker rate"' in lite[0]


def test_export_import_between_sqlite_and_postgres(cli: Cli, pg_url: str, tmp_path: Path) -> None:
    from salestrack.demo import generator as demo
    from salestrack.interchange import entities

    lite = tmp_path / "lite.db"
    demo.build_demo(lite, now=NOW, weeks=1, dials_per_day=15, seed=2, owner="tester")
    first = {e: cli.ok("--db", str(lite), "export", e).stdout for e in entities.names()}
    for e, text in first.items():
        source = tmp_path / f"{e}.csv"
        source.write_text(text, newline="")
        cli.ok("--db", pg_url, "import", e, str(source))
    second = {e: cli.ok("--db", pg_url, "export", e).stdout for e in entities.names()}
    assert second == first
    again = cli.ok("--db", pg_url, "import", "activities", str(tmp_path / "activities.csv"))
    assert " 0 added, 0 updated," in again.stderr


def test_scorecard_and_report_card_on_postgres(
    cli: Cli, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_clients import fixture

    def run() -> tuple[dict[str, Any], str]:
        fixture(cli)
        card = json.loads(cli.ok("scorecard", "acme", "--quarter", "2026Q4", "-f", "json").stdout)
        card.pop("promise_list")  # ids differ between the two databases
        return card, cli.ok("crc", "report", "acme", "--months", "3", "-f", "json").stdout

    outputs = on_both(pg_url, monkeypatch, run)
    assert outputs[0] == outputs[1]
    assert outputs[1][0]["uptime"] == 0.4


def test_quality_reports_on_postgres(
    cli: Cli, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_quality import fixture, mix_fixture

    def run() -> tuple[str, str, str]:
        fixture(cli)
        mix_fixture(cli)
        split = cli.ok("quality", "--weeks", "4", "--by-segment", "-f", "json")
        return split.stdout, split.stderr, cli.ok("focus").stdout

    outputs = on_both(pg_url, monkeypatch, run)
    assert outputs[0] == outputs[1]


def test_each_prospects_soonest_step_is_the_same_on_postgres(
    cli: Cli, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rule's SQL (capture.steps) orders undated steps after dated ones on both servers."""
    from tests.test_today import soonest_steps, steps_fixture

    def run() -> tuple[list[dict[str, str]], list[str], str]:
        steps_fixture(cli, monkeypatch)
        shown = json.loads(cli.ok("prospect", "show", "Dated Ltd", "-f", "json").stdout)
        brief = json.loads(cli.ok("intel", "Dated Ltd", "-f", "json").stdout)
        order = [s["action"] for s in shown["next_steps"]]
        return soonest_steps(cli), order, brief["next_step"]["action"]

    lite, server = on_both(pg_url, monkeypatch, run)
    assert lite == server
    assert server[1] == ["wednesday's step", "thursday's step", "undated step"]
