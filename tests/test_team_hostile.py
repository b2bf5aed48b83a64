"""A team's server under attack from one of its reps, on a real PostgreSQL server: settings
are each rep's own (team-wide ones the manager's), no row can point at another rep's row,
and eight reps writing at once with an export and a dump running lose and leak nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.conftest import Cli, _pg_bin
from tests.test_team import as_user, plain

pytestmark = pytest.mark.postgres


@pytest.fixture
def team(cli: Cli, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("SALESTRACK_REP")  # on a server, the database user owns the rows
    cli.ok("--db", pg_url, "stages", "lead", "qualified", "proposal", "won", "lost")  # team's
    cli.ok("--db", pg_url, "db", "team-setup", "--rep", "rep_a", "--rep", "rep_b",
           "--manager", "boss", "--apply")  # fmt: skip
    rep_a = as_user(pg_url, "rep_a")
    cli.ok("--db", rep_a, "log", "call", "Acme", "--new", "-o", "connected", "-q", "4352",
           "--next", "send deck", "--due", "2026-11-19 10:00")  # fmt: skip
    cli.ok("--db", rep_a, "prospect", "stage", "Acme", "qualified")
    cli.ok("--db", rep_a, "focus", "openness")
    cli.ok("--db", as_user(pg_url, "rep_b"), "log", "call", "Globex", "--new", "-o", "busy")
    return pg_url


def test_settings_are_each_reps_own_and_the_stages_the_managers(cli: Cli, team: str) -> None:
    rep_a, rep_b, boss = (as_user(team, u) for u in ("rep_a", "rep_b", "boss"))
    with psycopg.connect(plain(rep_b), autocommit=True) as db:
        changed = db.execute(
            "UPDATE settings SET value = 'not json' "
            "WHERE key IN ('stages', 'checklist', 'next_weights', 'cadence', 'focus')"
        )
        assert changed.rowcount == 0
        assert db.execute("DELETE FROM settings").rowcount == 0
        for owner, key in (("", "stages"), ("rep_a", "focus"), ("rep_b", "stages")):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                db.execute(
                    "INSERT INTO settings (key, value, updated_at, owner) "
                    "VALUES (%s, '[1,2,3]', now(), %s)",
                    (key, owner),
                )
        # rep_b's own focus is theirs to set, and is nobody else's
        db.execute(
            "INSERT INTO settings (key, value, updated_at, owner) "
            "VALUES ('focus', 'not json', now(), 'rep_b')"
        )
        seen = db.execute("SELECT owner, key FROM settings ORDER BY 1, 2").fetchall()
        assert seen == [("", "stages"), ("rep_b", "focus")]
    # rep_a's commands still work, with rep_a's focus and the team's stages
    assert cli.ok("--db", rep_a, "focus").stdout.startswith("openness (you chose it)")
    pipeline = json.loads(cli.ok("--db", rep_a, "pipeline", "-f", "json").stdout)
    assert [(s["stage"], s["prospects"]) for s in pipeline] == [
        ("lead", 0),
        ("qualified", 1),
        ("proposal", 0),
    ]
    ranked = json.loads(cli.ok("--db", rep_a, "next", "-f", "json").stdout)
    assert [r["name"] for r in ranked] == ["Acme"]
    # rep_b's bad value is one line for rep_b alone
    assert cli.fails("--db", rep_b, "focus").stderr == (
        "error: the setting focus in the database is not valid (not JSON (Expecting value)); "
        "put it back to its default with: salestrack config reset focus\n"
    )
    cli.ok("--db", rep_b, "config", "reset", "focus")
    assert cli.ok("--db", rep_b, "config", "focus").stdout == "{}\n"
    # a bad team value of a personal key (written by the administrator) is one line too,
    # and a rep's reset gives them the default as their own value
    with psycopg.connect(plain(team), autocommit=True) as db:
        db.execute(
            "INSERT INTO settings (key, value, updated_at, owner) "
            "VALUES ('cadence', '[', now(), '')"
        )
    assert cli.fails("--db", rep_b, "config", "cadence").stderr.startswith(
        "error: the setting cadence in the database is not valid (not JSON"
    )
    cli.ok("--db", rep_b, "config", "reset", "cadence")
    assert cli.ok("--db", rep_b, "config", "cadence").stdout == (
        '{"days": 1, "morning": "09:30", "afternoon": "15:00"}\n'
    )
    with psycopg.connect(plain(team), autocommit=True) as db:
        db.execute("DELETE FROM settings WHERE key = 'cadence'")
    # only the manager changes the stages; every rep reads them
    refused = cli.fails("--db", rep_b, "stages", "lead", "won", "lost").stderr
    assert refused == (
        "error: only a manager (or the administrator) changes a team-wide setting such as the "
        "stages; your own settings are yours to change\n"
    )
    assert cli.fails("--db", rep_b, "config", "reset", "stages").stderr == (
        "error: stages is a team-wide setting; only a manager (or the administrator) changes it\n"
    )
    cli.ok("--db", boss, "config", "set", "stages", "lead,qualified,proposal,demo,won,lost")
    assert cli.ok("--db", rep_b, "stages").stdout == "lead\nqualified\nproposal\ndemo\nwon\nlost\n"
    # next --set is each rep's own too
    cli.ok("--db", rep_b, "next", "--set", "overdue=50")
    assert json.loads(cli.ok("--db", rep_a, "config", "next_weights").stdout)["overdue"] == 10
    assert json.loads(cli.ok("--db", rep_b, "config", "next_weights").stdout)["overdue"] == 50


def _ids(url: str) -> dict[str, str]:
    with psycopg.connect(plain(url), autocommit=True) as db:
        found = db.execute(
            "SELECT a.id, a.prospect_id FROM activities a JOIN prospects p ON p.id = a.prospect_id "
            "WHERE p.name = 'Acme'"
        ).fetchone()
    assert found is not None
    return {"activity": str(found[0]), "prospect": str(found[1])}


def test_no_row_can_point_at_another_reps_row(
    cli: Cli, team: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rep_a, rep_b = as_user(team, "rep_a"), as_user(team, "rep_b")
    ids = _ids(rep_a)
    with psycopg.connect(plain(rep_a), autocommit=True) as db:
        db.execute("DELETE FROM quality")  # rep_a's call is not scored yet
    before = _count_all(team)
    # through the CLI's import: a quality score and a win on rep_a's activity
    quality = tmp_path / "quality.jsonl"
    quality.write_text(json.dumps({"activity_id": ids["activity"], "value": 1, "uncovered": 1,
                                   "openness": 1, "commitment": 1}) + "\n")  # fmt: skip
    err = cli.fails("--db", rep_b, "import", "quality", str(quality), "-f", "jsonl").stderr
    assert err == (  # an import lists its bad lines, one each
        "error: 1 bad line; nothing was imported:\n  lines 1-1: the database refused a row "
        "(that activity is not yours: a row of quality can only point at your own activities)\n"
    )
    wins = tmp_path / "wins.jsonl"
    wins.write_text(
        json.dumps(
            {
                "prospect_id": ids["prospect"],
                "text": "mine now",
                "source": "explicit",
                "won_at": "2026-11-20T10:00:00+00:00",
            }
        )
        + "\n"
    )
    err = cli.fails("--db", rep_b, "import", "wins", str(wins), "-f", "jsonl").stderr
    assert err == (  # rep_b's import can't even see the prospect
        "error: 1 bad line; nothing was imported:\n"
        f"  line 1: prospect_id: no prospect {ids['prospect']}; import the prospects first\n"
    )
    # through raw SQL: every table with a reference to an owned row
    attempts = {
        "activity": [
            "INSERT INTO quality (id, owner, created_at, updated_at, activity_id, value, "
            "uncovered, openness, commitment) VALUES (gen_random_uuid(), 'rep_b', now(), now(), "
            "%(activity)s, 1, 1, 1, 1)",
        ],
        "prospect": [
            "INSERT INTO wins (id, owner, created_at, updated_at, prospect_id, text, source, "
            "won_at) VALUES (gen_random_uuid(), 'rep_b', now(), now(), %(prospect)s, 'x', "
            "'explicit', now())",
            "INSERT INTO intel (id, owner, created_at, updated_at, prospect_id, kind, value, "
            "learned_at) VALUES (gen_random_uuid(), 'rep_b', now(), now(), %(prospect)s, "
            "'budget', 'x', now())",
            "INSERT INTO next_steps (id, owner, created_at, updated_at, prospect_id, action) "
            "VALUES (gen_random_uuid(), 'rep_b', now(), now(), %(prospect)s, 'x')",
            "INSERT INTO behaviours (id, owner, created_at, updated_at, prospect_id, name, "
            "position) VALUES (gen_random_uuid(), 'rep_b', now(), now(), %(prospect)s, 'x', 1)",
            "UPDATE prospects SET name = name",  # harmless: rep_b's own rows only
        ],
    }
    with psycopg.connect(plain(rep_b), autocommit=True) as db:
        for word, statements in attempts.items():
            for sql in statements:
                if sql.startswith("UPDATE"):
                    db.execute(sql)
                    continue
                with pytest.raises(psycopg.errors.InsufficientPrivilege) as refused:
                    db.execute(sql, ids)
                assert str(refused.value).startswith(f"that {word} is not yours: a row of "), sql
        # moving one's own activity onto another rep's prospect is refused the same way
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="prospect is not yours"):
            db.execute("UPDATE activities SET prospect_id = %(prospect)s", ids)
    assert _count_all(team) == before
    # rep_a can still score their own call
    cli.ok("--db", rep_a, "edit", ids["activity"][:8], "-q", "4352")
    with psycopg.connect(plain(team), autocommit=True) as db:
        assert db.execute("SELECT owner, value FROM quality").fetchall() == [("rep_a", 4)]
    # and a second score of it names the rule it breaks, on the server too
    assert cli.fails("--db", rep_a, "import", "quality", str(quality), "-f", "jsonl").stderr == (
        "error: 1 bad line; nothing was imported:\n  lines 1-1: the database refused a row "
        "(that activity already has its quality score; change it with: salestrack edit ID -q)\n"
    )


def _count_all(url: str) -> dict[str, int]:
    from salestrack.store.schema import TABLES

    with psycopg.connect(plain(url), autocommit=True) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # type: ignore[index]


WRITER = """
import sys
from salestrack.cli import app
for n in range(int(sys.argv[2])):
    try:
        new = ["--new"] if n < 5 else []
        app(["log", "call", sys.argv[1] + " " + str(n % 5), *new, "-o", "connected", "-q",
             "4352", "-w", "a win", "--next", "call back", "--due", "mon"], prog_name="salestrack")
    except SystemExit as exc:
        if exc.code:
            raise
"""


def test_eight_reps_writing_at_once_with_an_export_and_a_dump(
    cli: Cli, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SALESTRACK_REP")
    reps = [f"rep_{n}" for n in range(8)]
    cli.ok("--db", pg_url, "db", "upgrade")
    cli.ok("--db", pg_url, "db", "team-setup", *[a for r in reps for a in ("--rep", r)],
           "--manager", "boss", "--apply")  # fmt: skip
    per = 30
    env = {k: v for k, v in os.environ.items() if k != "SALESTRACK_REP"}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, f"Lead of {rep}", str(per)],
            env={**env, "SALESTRACK_DB": as_user(pg_url, rep)},
            stderr=subprocess.PIPE,
            text=True,
        )
        for rep in reps
    ]
    exports, dumps = [], []
    pg_dump = _pg_bin()
    while any(w.poll() is None for w in writers):
        out = tmp_path / f"all-{len(exports)}.jsonl"
        exported = subprocess.run(
            [sys.executable, "-m", "salestrack", "export", "all", "--output", str(out)],
            env={**env, "SALESTRACK_DB": as_user(pg_url, "boss")},
            capture_output=True,
            text=True,
        )
        exports.append((exported.returncode, exported.stderr, out))
        if pg_dump is not None:
            dumped = subprocess.run(
                [str(pg_dump / "pg_dump"), "-d", plain(pg_url), "-f", str(tmp_path / "d.sql")],
                capture_output=True,
                text=True,
            )
            dumps.append((dumped.returncode, dumped.stderr))
    errors = [w.communicate(timeout=600)[1] for w in writers]
    assert all(w.returncode == 0 for w in writers), errors
    assert exports and all(code == 0 for code, _, _ in exports), exports
    assert all(code == 0 for code, _ in dumps), dumps
    # every export is one consistent snapshot: each activity's quality and win came with it
    for _, _, out in exports:
        lines = [json.loads(line) for line in out.read_text().splitlines()[1:]]
        kinds = [x["entity"] for x in lines]
        assert kinds.count("quality") == kinds.count("activities"), out
    # nothing lost, and no rep sees another's rows
    for rep in reps:
        with psycopg.connect(plain(as_user(pg_url, rep)), autocommit=True) as db:
            counts = {
                t: db.execute(f"SELECT count(*), count(DISTINCT owner) FROM {t}").fetchone()
                for t in ("activities", "quality", "prospects", "next_steps")
            }
            owners = db.execute("SELECT DISTINCT owner FROM activities").fetchall()
        assert counts == {"activities": (per, 1), "quality": (per, 1), "prospects": (5, 1),
                          "next_steps": (per, 1)}, rep  # fmt: skip
        assert owners == [(rep,)]
    with psycopg.connect(plain(pg_url), autocommit=True) as db:
        total = db.execute("SELECT owner, count(*) FROM activities GROUP BY 1 ORDER BY 1")
        assert total.fetchall() == [(rep, per) for rep in reps]


def test_upgrading_a_team_to_settings_per_rep(
    cli: Cli, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A team set up before revision 0012 (settings shared, reps writing them): after the
    upgrade its values are the team's, reps can't change them, and each rep's own go beside."""
    from alembic import command

    from salestrack import config
    from salestrack.store import migrate
    from salestrack.store.engine import make_engine

    monkeypatch.delenv("SALESTRACK_REP")
    engine = make_engine(config.target_from(pg_url))
    with engine.begin() as connection:
        command.upgrade(migrate.alembic_config(connection), "0009")
    engine.dispose()
    with psycopg.connect(plain(pg_url), autocommit=True) as db:
        for statement in (
            *(
                f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{r}') "
                f"THEN CREATE ROLE {r} NOLOGIN; END IF; END $$"
                for r in ("salestrack_rep", "salestrack_manager")
            ),  # the roles are the server's: another test may have made them
            "DROP ROLE IF EXISTS rep_x",
            "CREATE ROLE rep_x LOGIN IN ROLE salestrack_rep",
            "GRANT USAGE ON SCHEMA public TO salestrack_rep",
            "GRANT SELECT ON ALL TABLES IN SCHEMA public TO salestrack_rep",
            "GRANT INSERT, UPDATE ON settings TO salestrack_rep",  # as team-setup did
            "INSERT INTO settings (key, value, updated_at) VALUES "
            '(\'stages\', \'["lead", "demo", "won", "lost"]\', now()), '
            "('focus', '{\"dimension\": \"value\"}', now())",
        ):
            db.execute(statement)
    cli.ok("--db", pg_url, "db", "upgrade")
    rep_x = as_user(pg_url, "rep_x")
    with psycopg.connect(plain(rep_x), autocommit=True) as db:
        assert db.execute("UPDATE settings SET value = 'x'").rowcount == 0
        assert db.execute("SELECT key, owner FROM settings ORDER BY 1").fetchall() == [
            ("focus", ""), ("stages", "")
        ]  # fmt: skip
    assert cli.ok("--db", rep_x, "stages").stdout == "lead\ndemo\nwon\nlost\n"
    shown = cli.ok("--db", rep_x, "config", "focus")
    assert (shown.stdout, shown.stderr) == (
        '{"dimension": "value"}\n',
        "focus (the team value): The day's quality focus; none set means your weakest "
        "dimension (focus).\n",
    )
    cli.ok("--db", rep_x, "config", "set", "focus", '{"dimension": "openness"}')
    assert cli.ok("--db", rep_x, "config", "focus").stdout == '{"dimension": "openness"}\n'
    with psycopg.connect(plain(pg_url), autocommit=True) as db:
        assert db.execute(
            "SELECT owner, value FROM settings WHERE key = 'focus' ORDER BY 1"
        ).fetchall() == [("", '{"dimension": "value"}'), ("rep_x", '{"dimension": "openness"}')]
        db.execute("DROP OWNED BY rep_x")
        db.execute("DROP ROLE rep_x")
