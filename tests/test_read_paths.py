"""The faster read paths give what the plain ones gave: the pipeline's totals against testing
every open prospect, its usual days against the baseline's stays, the gaps' count against the
whole list; and the indexes that make them fast are the ones the queries use."""

from __future__ import annotations

import sqlite3
import statistics
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from salestrack import config
from salestrack.demo import generator as demo
from salestrack.reports import baseline, pipeline
from salestrack.store import settings
from salestrack.store.sql import Store, read, stored
from tests.conftest import NOW

WHEN = [NOW, NOW - timedelta(weeks=3), NOW + timedelta(days=10)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reads") / "demo.db"
    demo.build_demo(path, now=NOW, weeks=8, dials_per_day=40, seed=7, owner="tester")
    return path


@pytest.fixture
def store(built: Path) -> Iterator[Store]:
    with read(config.target_from(str(built))) as found:
        yield found


def _every_prospect(reader: Store, now: datetime) -> list[dict[str, Any]]:
    """The pipeline's totals as they were first counted: every open prospect tested for
    every gap in one query."""
    stages = settings.stages(reader)
    sampled = pipeline.usual_stays(reader, stages, now=now)
    late, params = pipeline._late(pipeline.late_after(reader, stages, now=now), now)
    has = "p.id IN (SELECT prospect_id FROM next_steps WHERE done_at IS NULL)"
    overdue = "p.id IN (SELECT prospect_id FROM next_steps WHERE done_at IS NULL AND due_at < :now)"
    table = "prospects p NOT INDEXED" if reader.sqlite else "prospects p"  # as before 0009
    counted = {
        row[0]: row[1:]
        for row in reader.rows(
            "SELECT p.stage, count(*), sum(p.value), "
            f"sum(CASE WHEN {has} THEN 0 ELSE 1 END), "
            f"sum(CASE WHEN {overdue} THEN 1 ELSE 0 END), "
            f"sum(CASE WHEN {late} AND (NOT {has} OR {overdue}) THEN 1 ELSE 0 END), "
            f"sum(CASE WHEN {late} AND {has} AND NOT {overdue} THEN 1 ELSE 0 END) "
            f"FROM {table} WHERE p.stage NOT IN ('won', 'lost') GROUP BY p.stage",
            now=now,
            **params,
        )
    }
    rows = []
    for stage in [s for s in stages if s not in ("won", "lost")]:
        n, total, no_step, late_due, stalled, waiting = counted.get(stage, (0, None, 0, 0, 0, 0))
        days, stays = sampled.get(stage, (None, 0))
        rows.append(
            {
                "stage": stage,
                "prospects": int(n),
                "value": 0 if total is None else float(total),
                "no_next_step": int(no_step or 0),
                "overdue": int(late_due or 0),
                "stalled": int(stalled or 0),
                "waiting": int(waiting or 0),
                "usual_days": None if days is None else round(days, 1),
                "usual_stays": stays,
            }
        )
    return rows


@pytest.mark.parametrize("now", WHEN)
def test_pipeline_totals_are_those_of_testing_every_prospect(store: Store, now: datetime) -> None:
    found = pipeline.by_stage(store, now=now)
    assert found == _every_prospect(store, now)
    assert sum(r["stalled"] + r["waiting"] for r in found) > 0  # the late ones are counted


def test_sums_of_values_in_cents_are_added_in_table_order(built: Path, tmp_path: Path) -> None:
    """Values with cents make a sum depend on its order: then the sums are those of the
    table order, as they always were."""
    path = tmp_path / "cents.db"
    path.write_bytes(built.read_bytes())
    db = sqlite3.connect(path)
    db.execute("UPDATE prospects SET value = value + 0.1 * (rowid % 7) + 1e-3 * (rowid % 3)")
    db.commit()
    db.close()
    with read(config.target_from(str(path))) as reader:
        found = pipeline.by_stage(reader, now=NOW)
        assert found == _every_prospect(reader, NOW)
        shuffled = reader.rows(
            "SELECT p.stage, sum(p.value) FROM prospects p INDEXED BY ix_prospects_stage "
            "WHERE p.stage NOT IN ('won', 'lost') GROUP BY p.stage"
        )
    by_index = {stage: float(total) for stage, total in shuffled}
    assert any(by_index[r["stage"]] != r["value"] for r in found if r["prospects"])


@pytest.mark.parametrize("now", WHEN)
def test_usual_days_are_the_median_of_the_baselines_stays(store: Store, now: datetime) -> None:
    stages = settings.stages(store)
    window = [baseline.Week("usual", now - timedelta(weeks=pipeline.USUAL_WEEKS), now)]
    stays = baseline.stays(store, window)
    expected = {s: statistics.median(stays[s][0]) if stays[s][0] else None for s in stages}
    assert pipeline.usual_days(store, stages, now=now) == expected
    assert any(v is not None for v in expected.values())


@pytest.mark.parametrize("now", WHEN)
def test_the_count_of_gaps_is_the_length_of_the_whole_list(store: Store, now: datetime) -> None:
    every, total, _ = pipeline.gap_lines(store, now=now)
    page, counted, _ = pipeline.gap_lines(store, now=now, limit=5)
    assert total == counted == len(every) > 5
    assert [line.as_row() for line in page] == [line.as_row() for line in every[:5]]


def test_the_totals_on_postgres_are_those_of_testing_every_prospect(pg_url: str) -> None:
    target = config.target_from(pg_url)
    demo.build_demo(target, now=NOW, weeks=4, dials_per_day=30, seed=7, owner="tester")
    with read(target) as reader:
        for now in WHEN:
            assert pipeline.by_stage(reader, now=now) == _every_prospect(reader, now)
            every, total, _ = pipeline.gap_lines(reader, now=now)
            assert pipeline.gap_lines(reader, now=now, limit=3)[1] == total == len(every)


def _plan(path: Path, sql: str, **params: Any) -> str:
    db = sqlite3.connect(path)
    try:
        return " / ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql, params))
    finally:
        db.close()


def test_the_reads_use_their_indexes(built: Path) -> None:
    # the brief's count of a prospect's wins (revision 0009: it was a scan of every win)
    assert "ix_wins_prospect" in _plan(
        built, "SELECT count(*) FROM wins WHERE prospect_id = :p", p="x"
    )
    # the pipeline's late prospects of a stage: a range of the index, no row read
    late = "SELECT count(*) FROM prospects p WHERE p.stage = :s AND p.stage_since < :t"
    assert "COVERING INDEX ix_prospects_stage" in _plan(built, late, s="lead", t="2026")
    # the baseline's look back to the touch before the window: the touches' own index
    back = (
        "SELECT max(b.occurred_at) FROM activities b WHERE b.prospect_id = :p "
        "AND b.occurred_at < :s AND b.kind != 'note'"
    )
    assert "COVERING INDEX ix_activities_touches" in _plan(built, back, p="x", s="2026")
    # a stay, the change that ended it and the one before: from the index alone
    stay = (
        "SELECT c.from_stage, (SELECT max(p.changed_at) FROM stage_changes p "
        "WHERE p.prospect_id = c.prospect_id AND p.changed_at < c.changed_at), c.changed_at "
        "FROM stage_changes c WHERE c.changed_at >= :s AND c.changed_at < :e "
        "AND c.from_stage IS NOT NULL"
    )
    assert _plan(built, stay, s="2026", e="2027").count("COVERING INDEX") == 2
    assert _plan(built, pipeline._open_count()).count("COVERING INDEX ix_prospects_stage") == 3


def test_the_baseline_reads_its_window_of_activities_from_the_time_index(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # revision 0014: the activity counts and the follow-up lags' touches read no activity
    # row, only ix_activities_time (the window's rows lie scattered over a long history's
    # table); revision 0015: the scored conversations are one range of ix_quality_time
    ran: list[tuple[str, dict[str, Any]]] = []
    rows = Store.rows

    def kept(self: Store, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        ran.append((sql, params))
        return rows(self, sql, **params)

    monkeypatch.setattr(Store, "rows", kept)
    with read(config.target_from(str(built))) as reader:
        baseline.build(reader, chosen=None, trailing=8, now=NOW, tz=NOW.tzinfo or UTC)
    # the counts and the lags; the scored conversations by their own time (revision 0015)
    for mark, index in (("count(thread_key)", "COVERING INDEX ix_activities_time"),
                        ("LAG(occurred_at)", "COVERING INDEX ix_activities_time"),
                        ("FROM quality q", "SEARCH q USING INDEX ix_quality_time")):  # fmt: skip
        sql, params = next((sql, p) for sql, p in ran if mark in sql)
        plan = _plan(built, sql, **{k: stored(v) for k, v in params.items()})
        assert index in plan, plan
