"""A team on a real PostgreSQL server: row-level security, the manager's view, concurrency."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.conftest import Cli

pytestmark = pytest.mark.postgres


def as_user(url: str, user: str) -> str:
    """The same database, connecting as ``user`` (the test cluster trusts local logins)."""
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{user}@{rest.split('@', 1)[1]}"


def plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture
def team(cli: Cli, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("SALESTRACK_REP")  # on a server, the database user owns the rows
    cli.ok("--db", pg_url, "db", "upgrade")
    cli.ok("--db", pg_url, "db", "team-setup", "--rep", "alice", "--rep", "bob",
           "--manager", "carol", "--apply")  # fmt: skip
    alice, bob = as_user(pg_url, "alice"), as_user(pg_url, "bob")
    for name in ("Acme", "Northwind", "Initech"):
        cli.ok("--db", alice, "log", "call", name, "--new", "-o", "connected", "-w", "a win")
    for name in ("Acme", "Globex"):
        cli.ok("--db", bob, "log", "call", name, "--new", "-o", "voicemail")
    return pg_url


def test_a_rep_sees_and_changes_only_their_own_rows_even_with_raw_sql(team: str) -> None:
    with psycopg.connect(plain(as_user(team, "bob")), autocommit=True) as bob:
        assert bob.execute("SELECT count(*) FROM activities").fetchone() == (2,)
        assert bob.execute("SELECT DISTINCT owner FROM prospects").fetchall() == [("bob",)]
        changed = bob.execute("UPDATE activities SET notes = 'mine now' WHERE owner = 'alice'")
        assert changed.rowcount == 0
        gone = bob.execute("DELETE FROM prospects WHERE owner = 'alice'")
        assert gone.rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            bob.execute(
                "INSERT INTO wins (id, owner, created_at, updated_at, prospect_id, text, "
                "source, won_at) SELECT gen_random_uuid(), 'alice', now(), now(), id, 'x', "
                "'explicit', now() FROM prospects LIMIT 1"
            )
    with psycopg.connect(plain(as_user(team, "alice")), autocommit=True) as alice:
        assert alice.execute("SELECT count(*) FROM activities").fetchone() == (3,)
        assert alice.execute(
            "SELECT count(*) FROM activities WHERE notes = 'mine now'"
        ).fetchone() == (0,)
    with psycopg.connect(plain(as_user(team, "carol")), autocommit=True) as carol:
        assert carol.execute("SELECT count(*) FROM activities").fetchone() == (5,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            carol.execute("UPDATE activities SET notes = 'x'")


def test_the_cli_works_within_each_reps_rows(cli: Cli, team: str) -> None:
    bob = as_user(team, "bob")
    listed = json.loads(cli.ok("--db", bob, "prospect", "list", "-f", "json").stdout)
    assert [p["name"] for p in listed] == ["Acme", "Globex"]
    assert "unknown prospect 'Initech'" in cli.fails("--db", bob, "intel", "Initech").stderr
    # both reps have an "Acme": names are unique per rep
    brief = json.loads(cli.ok("--db", bob, "intel", "acme", "-f", "json").stdout)
    assert brief["dials"] == 1
    cli.ok("--db", bob, "log", "call", "Acme", "-o", "busy", "--at", "1h ago")
    os.environ["SALESTRACK_REP"] = "alice"  # bob pretending to be alice is refused
    try:
        refused = cli.fails("--db", bob, "log", "call", "Globex", "-o", "busy")
    finally:
        del os.environ["SALESTRACK_REP"]
    # the server refuses it before row-level security would: alice's row on bob's prospect
    assert refused.stderr == (
        "error: that prospect is not yours: a row of activities can only point at your own "
        "prospects\n"
    )
    assert "Traceback" not in refused.stderr


def test_the_manager_sees_each_rep_against_their_usual_and_the_teams(cli: Cli, team: str) -> None:
    carol = as_user(team, "carol")
    doc = json.loads(cli.ok("--db", carol, "team", "baseline", "-f", "json").stdout)
    assert (doc["report"], doc["version"], doc["reps"]) == ("team baseline", 2, ["alice", "bob"])
    rows = doc["rows"]
    dials = {r["rep"]: (r["value"], r["n"]) for r in rows if r["figure"] == "dials"}
    assert dials == {"alice": (3, 3), "bob": (2, 2)}
    conversations = {
        r["rep"]: (r["value"], r["k"], r["n"], r["flag"])
        for r in rows
        if r["figure"] == "conversation rate"
    }
    # this week is all they have: no usual, so too few to say anything about either
    assert conversations == {"alice": (1.0, 3, 3, "too few"), "bob": (0.0, 0, 2, "too few")}
    assert {r["team_reps"] for r in rows} == {0}
    from salestrack.reports.team import COLUMNS

    assert all(list(r) == list(COLUMNS) for r in rows)  # the CSV's columns, in its order
    header = cli.ok("--db", carol, "team", "baseline", "-f", "csv").stdout.splitlines()[0]
    assert header == ",".join(COLUMNS)
    table = cli.ok("--db", carol, "team", "baseline", "-f", "table").stdout
    assert "100% (3/3)" in table and "0% (0/2)" in table
    assert "permission denied" in cli.fails("--db", carol, "log", "call", "Acme", "--new",
                                            "-o", "busy").stderr  # fmt: skip


def test_moving_a_solo_database_into_the_team(cli: Cli, team: str, tmp_path: Path) -> None:
    solo = tmp_path / "solo.db"
    os.environ["SALESTRACK_REP"] = "alice-laptop"
    try:
        cli.ok("--db", str(solo), "log", "call", "Umbrella", "--new", "-o", "connected")
        cli.ok("--db", str(solo), "log", "call", "Umbrella", "-o", "meeting-set")
    finally:
        del os.environ["SALESTRACK_REP"]
    alice = as_user(team, "alice")
    for entity in ("prospects", "activities", "stage-changes", "wins"):
        source = tmp_path / f"{entity}.csv"
        source.write_text(cli.ok("--db", str(solo), "export", entity).stdout, newline="")
        refused = cli.fails("--db", alice, "import", entity, str(source))
        assert "row-level security" in refused.stderr or "nothing was imported" in refused.stderr
        cli.ok("--db", alice, "import", entity, str(source), "--as-mine")
    mine = json.loads(cli.ok("--db", alice, "export", "activities", "-f", "json").stdout)
    assert sum(1 for a in mine if a["prospect"] == "Umbrella") == 2
    assert {a["owner"] for a in mine} == {"alice"}


WRITER = """
import sys
from salestrack.cli import app
from typer.testing import CliRunner
runner = CliRunner()
for i in range(int(sys.argv[2])):
    result = runner.invoke(app, ["log", "call", sys.argv[1], "--new", "-o", "connected"])
    if result.exit_code != 0:
        sys.stderr.write(result.stderr)
        sys.exit(1)
"""


@pytest.mark.slow
def test_eight_concurrent_writers_lose_nothing(cli: Cli, pg_url: str, tmp_path: Path) -> None:
    cli.ok("--db", pg_url, "db", "upgrade")
    env = {**os.environ, "SALESTRACK_DB": pg_url}
    env.pop("SALESTRACK_NOW", None)
    files = []
    for n in range(8):
        source = tmp_path / f"w{n}.csv"
        lines = [f"Writer {n},call,voicemail,2026-11-{1 + i % 19:02d} 10:{i % 60:02d},{i}"
                 for i in range(1000)]  # fmt: skip
        source.write_text("prospect,kind,outcome,occurred_at,notes\r\n" + "\r\n".join(lines))
        files.append(source)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "salestrack", "import", "activities", str(f)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ] + [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, f"Caller {n}", "25"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(8)
    ]
    errors = [p.communicate(timeout=600)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    with psycopg.connect(plain(pg_url), autocommit=True) as db:
        assert db.execute("SELECT count(*) FROM activities").fetchone() == (8 * 1000 + 8 * 25,)
        per = db.execute(
            "SELECT p.name, count(*) FROM activities a JOIN prospects p ON p.id = a.prospect_id "
            "GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert per == sorted([(f"Caller {n}", 25) for n in range(8)] +
                         [(f"Writer {n}", 1000) for n in range(8)])  # fmt: skip


REPS = ("alice", "bob", "dave")
HEADLINE_ORDER = (
    ("activity", "dials"),
    ("reach", "conversation rate"),
    ("reach", "meeting set rate"),
    ("wins", "wins per dial"),
    ("lag", "follow-up lag (median)"),
    ("conversion", "win rate (qualified deals)"),
)


def _team_of_demos(target: str) -> None:
    """Three reps' demos (different seeds) in one database."""
    from salestrack import config
    from salestrack.demo.generator import build_demo
    from tests.conftest import NOW

    for n, rep in enumerate(REPS):
        build_demo(config.target_from(target), now=NOW, weeks=10, dials_per_day=15, seed=20 + n,
                   owner=rep, mark=n == 0)  # fmt: skip


def _grouped_equals_each_reps_own(target: str) -> None:
    from salestrack import config, dates
    from salestrack.reports import baseline, team
    from salestrack.store.sql import read
    from tests.conftest import NOW

    tz = dates.local_tz()
    with read(config.target_from(target)) as r:
        for week in (None, "2026-W45"):  # this week so far, and a whole week before it
            args = {"chosen": week, "trailing": 6, "now": NOW, "tz": tz}
            many = baseline.build_many(r, **args, owners=[*REPS, "nobody"])
            headline = baseline.build_many(r, **args, owners=REPS, want=team.HEADLINE)
            own = {rep: baseline.build(r, **args, owner=rep) for rep in [*REPS, "nobody"]}
            for rep, report in own.items():
                assert many[rep].rows() == report.rows(), (rep, week)
                assert many[rep].week == report.week and many[rep].partial == report.partial
            # no activity: no trailing week, nothing but this week's zero
            assert [f.values for f in many["nobody"].figures[:4]] == [[None] * 6 + [0.0]] * 4
            # the reps differ, and each has lags and wins to get wrong
            calls = {rep: tuple(own[rep].rows()[0]["trend"]) for rep in REPS}
            assert len(set(calls.values())) == 3
            for rep in REPS:
                assert own[rep].worst_lags and own[rep].lost_reasons
                wanted = [f.row() for f in own[rep].figures if (f.section, f.name)
                          in team.HEADLINE]  # fmt: skip
                assert [f.row() for f in headline[rep].figures] == wanted
                assert len(wanted) == len(team.HEADLINE)
                assert any(f["value"] for f in wanted if f["figure"] == "follow-up lag (median)")
            found = team.team_baseline(r, **args)
            shown = {(row["rep"], row["figure"]): row for row in found.rows}
            assert shown == {
                (rep, f.name): {"rep": rep, **f.row(), "team_usual": shown[(rep, f.name)]
                                ["team_usual"], "team_reps": 3}
                for rep in REPS
                for f in own[rep].figures
                if (f.section, f.name) in team.HEADLINE
            }  # fmt: skip
            for _, name in team.HEADLINE:  # the median of the reps' usual values
                usuals = sorted(shown[(rep, name)]["usual"] for rep in REPS)
                assert {shown[(rep, name)]["team_usual"] for rep in REPS} == {usuals[1]}
            assert found.week == own["alice"].week.label


def test_the_grouped_baseline_gives_each_rep_their_own_figures_on_sqlite(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = str(tmp_path / "team.db")
    _team_of_demos(path)
    _grouped_equals_each_reps_own(path)


def test_the_grouped_baseline_gives_each_rep_their_own_figures_on_postgres(
    cli: Cli, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SALESTRACK_REP")
    cli.ok("--db", pg_url, "db", "upgrade")
    _team_of_demos(pg_url)
    _grouped_equals_each_reps_own(pg_url)
    # and the manager's table says what each rep's own baseline says, logged in as the rep
    cli.ok("--db", pg_url, "db", "team-setup", *[x for r in REPS for x in ("--rep", r)],
           "--manager", "carol", "--apply")  # fmt: skip
    rows = json.loads(
        cli.ok("--db", as_user(pg_url, "carol"), "team", "baseline", "-f", "json").stdout
    )["rows"]
    for rep in REPS:
        mine = json.loads(cli.ok("--db", as_user(pg_url, rep), "baseline", "-f", "json").stdout)
        theirs = {(r["section"], r["figure"]): r for r in mine["figures"]}
        line = [r for r in rows if r["rep"] == rep]
        assert [{k: v for k, v in r.items() if not k.startswith("team_") and k != "rep"}
                for r in line] == [theirs[key] for key in HEADLINE_ORDER]  # fmt: skip


def test_team_setup_refuses_roles_that_would_give_away_the_team(cli: Cli, pg_url: str) -> None:
    cli.ok("--db", pg_url, "db", "upgrade")
    with psycopg.connect(plain(pg_url), autocommit=True) as db:
        db.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ops') "
            "THEN CREATE ROLE ops LOGIN CREATEROLE; END IF; END $$"
        )
        before = db.execute("SELECT count(*) FROM pg_roles").fetchone()
    cases = [
        (["--rep", "salestrack_manager"], "--rep: 'salestrack_manager' is a reserved role name"),
        (["--rep", "admin"], "--rep: 'admin' is a reserved role name"),
        (["--rep", "pg_monitor"], "reserved role name"),
        (["--manager", "postgres"], "--manager: 'postgres' is a reserved role name"),
        (["--rep", "rep_a", "--manager", "rep_a"], "--manager: 'rep_a' is also given as --rep"),
        (["--rep", "ops"], "--rep: 'ops' is an existing system role with more rights"),
    ]
    for args, message in cases:
        result = cli.fails("--db", pg_url, "db", "team-setup", *args, "--apply")
        assert message in result.stderr, (args, result.stderr)
        assert result.stderr.count("\n") == 1
    with psycopg.connect(plain(pg_url), autocommit=True) as db:
        assert db.execute("SELECT count(*) FROM pg_roles").fetchone() == before  # nothing made
