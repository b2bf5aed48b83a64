"""``next`` reads only the groups of prospects that can reach the top: the same ranking as
scoring every open prospect (a limit above their count reads every group)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from salestrack.demo import generator as demo
from tests.conftest import NOW, Cli

EVERYONE = "100000"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rank") / "demo.db"
    demo.build_demo(path, now=NOW, weeks=6, dials_per_day=40, seed=5, owner="tester")
    return path


def _ranked(cli: Cli, limit: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(cli.ok("next", "-l", limit, "-f", "csv").stdout)))


@pytest.mark.parametrize(
    ("weights", "at"),
    [
        ([], NOW.isoformat()),
        ([], "2026-11-20T22:30:00+00:00"),  # after hours: nobody without facts is available
        (["no_next_step=40"], NOW.isoformat()),  # the groups without a step lead
        # groups a stale day apart: a bound a little too low would drop some of the top
        (["no_next_step=40", "segment_a=0.5", "segment_b=0.25", "stage=0.1"], NOW.isoformat()),
        (["stale_day=-1", "unavailable=5"], NOW.isoformat()),  # no bound from stale days
        (["stage=6", "segment_a=0", "segment_b=9", "overdue=0"], "2026-11-22T10:00:00+00:00"),
    ],
)
def test_the_top_is_the_top_of_everyone(
    cli: Cli, db_path: Path, built: Path, monkeypatch: pytest.MonkeyPatch,
    weights: list[str], at: str,
) -> None:  # fmt: skip
    db_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built, db_path)
    monkeypatch.setenv("SALESTRACK_NOW", at)
    for spec in weights:
        cli.ok("next", "--set", spec, "-l", "1")
    everyone = _ranked(cli, EVERYONE)
    assert len(everyone) > 100
    # limits across the whole list, so some fall inside a group and some at its end
    for limit in (1, 7, 40, *range(61, len(everyone), 89)):
        assert _ranked(cli, str(limit)) == everyone[:limit]
    scores = [float(r["score"]) for r in everyone]
    assert scores == sorted(scores, reverse=True)
    if weights[:1] == ["no_next_step=40"]:
        assert everyone[0]["next_step"] == "" and "no next step" in everyone[0]["why"]
