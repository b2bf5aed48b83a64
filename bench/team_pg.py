"""A team at scale on PostgreSQL: baseline as one rep under row-level security, and the
manager's team baseline over every rep.

    python bench/bench.py --pg URL          # with the rest: 100 reps, about 10M activities
    python bench/bench.py --pg-quick URL    # with the rest: 10 reps, about 180k activities
    python bench/team_pg.py URL [--quick]   # this part alone

URL is a superuser's URL of an empty database (postgresql+psycopg://postgres@host:port/db).

The build: a few distinct reps come from the demo generator (different seeds) and go in
through the bulk path (``COPY``), two processes at a time; every other rep is a copy of one
of them made by the server (``INSERT ... SELECT``): every UUID re-derived from the old one
and the rep's name (so references still match), ``owner`` the new rep, and every time moved
by a few minutes per rep. Then ``ANALYZE``, ``db team-setup --apply`` with the reps and one
manager, and the timings, as whole processes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import NOW, Measure, Row, measure

MANAGER = "boss"


@dataclass(frozen=True)
class Team:
    reps: int
    distinct: int  # reps made by the generator; the others are copies of these
    weeks: int
    dials_per_day: int


FULL = Team(reps=100, distinct=4, weeks=294, dials_per_day=60)
QUICK = Team(reps=10, distinct=2, weeks=52, dials_per_day=60)
BUDGETS = {"baseline": 0.5, "team": 3.0}


def rep(n: int) -> str:
    return f"rep{n}"


def as_user(url: str, user: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{user}@{rest.split('@', 1)[1]}"


def _generate(url: str, team: Team) -> int:
    """The distinct reps through the demo generator and the bulk path, two at a time."""
    code = (
        "import sys; from datetime import datetime; from salestrack import config; "
        "from salestrack.demo.generator import build_demo\n"
        "r = int(sys.argv[2])\n"
        f"s = build_demo(config.target_from(sys.argv[1]), now=datetime.fromisoformat("
        f"'{NOW.isoformat()}'), weeks={team.weeks}, dials_per_day={team.dials_per_day}, "
        "seed=50 + r, owner=f'rep{r}', mark=r == 1)\n"
        "print(s.activities)"
    )
    total, running = 0, []
    for r in range(1, team.distinct + 1):
        running.append(
            subprocess.Popen(
                [sys.executable, "-c", code, url, str(r)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
        if len(running) == 2 or r == team.distinct:
            for proc in running:
                out, err = proc.communicate()
                if proc.returncode != 0:
                    raise SystemExit(f"building the team database failed:\n{err[-2000:]}")
                total += int(out)
            running = []
    return total


def _copy_sql(table: str, columns: list[tuple[str, str]]) -> str:
    """INSERT ... SELECT making reps ``%(first)s`` to ``%(last)s`` in ``table``, each a copy
    of one of the first ``%(distinct)s`` reps."""
    picks = []
    for name, kind in columns:
        if kind == "uuid":
            picks.append(f"md5({name}::text || 'rep' || n)::uuid")
        elif kind == "time":
            picks.append(f"{name} + n * interval '1 minute'")
        elif name == "owner":
            picks.append("'rep' || n")
        else:
            picks.append(name)
    names = ", ".join(n for n, _ in columns)
    return (
        f"INSERT INTO {table} ({names}) SELECT {', '.join(picks)} FROM {table} "
        "JOIN generate_series(%(first)s::int, %(last)s::int) AS n "
        "ON owner = 'rep' || ((n - 1) %% %(distinct)s::int + 1)"
    )


def _copy_reps(url: str, team: Team) -> None:
    """Every rep after the distinct ones, copied by the server from one of them: one
    INSERT per table, with the secondary indexes dropped before and built again after."""
    import psycopg

    from salestrack.store import bulk, schema

    statements = [_copy_sql(t, [(c, _kind(t, c)) for c in bulk.columns(t)]) for t in schema.TABLES]
    params = {"first": team.distinct + 1, "last": team.reps, "distinct": team.distinct}
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as conn:
        # the copies' references hold by construction: no foreign-key triggers per row
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET maintenance_work_mem = '1GB'")
        indexes = conn.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
            "AND i.indexname LIKE 'ix_%%' AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname)"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f"DROP INDEX {name}")
        for sql in statements:
            conn.execute(sql, params)
        for _, definition in indexes:
            conn.execute(definition)


def _kind(table: str, column: str) -> str:
    from salestrack.store import schema

    for c in schema.columns(table):
        if c.name == column:
            return c.kind
    if column in ("stage_since", "activity_at"):  # derived times: shifted with their rows'
        return "time"
    return "text"  # prospects.name_key


def build(url: str, team: Team) -> tuple[int, dict[str, float]]:
    """The team database; returns its activity count and the seconds of each step."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    steps: dict[str, float] = {}
    started = time.perf_counter()
    _generate(url, team)
    steps["generate and COPY"] = time.perf_counter() - started
    started = time.perf_counter()
    _copy_reps(url, team)
    steps["server copies"] = time.perf_counter() - started
    started = time.perf_counter()
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        row = conn.execute("SELECT count(*) FROM activities").fetchone()
    steps["VACUUM ANALYZE"] = time.perf_counter() - started
    assert row is not None
    return int(row[0]), steps


def run(
    url: str, exe: str, env: dict[str, str], *, quick: bool, runs: int, reuse: bool = False
) -> list[Row]:
    """Build the team database at ``url`` (unless ``reuse``: built before) and measure; the
    rows for bench.py's table."""
    import psycopg

    team = QUICK if quick else FULL
    on_pg = {**env, "SALESTRACK_DB": url, "SALESTRACK_NOW": NOW.isoformat()}
    on_pg.pop("SALESTRACK_REP", None)
    subprocess.run([exe, "db", "upgrade"], env=on_pg, check=True, capture_output=True)
    began = time.perf_counter()
    if reuse:
        plain = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(plain) as conn:
            found = conn.execute("SELECT count(*) FROM activities").fetchone()
        n, steps = int(found[0]) if found else 0, {"reused": 0.0}
    else:
        n, steps = build(url, team)
    took = time.perf_counter() - began
    reps = [x for r in range(1, team.reps + 1) for x in ("--rep", rep(r))]
    subprocess.run([exe, "db", "team-setup", *reps, "--manager", MANAGER, "--apply"],
                   env=on_pg, check=True, capture_output=True)  # fmt: skip
    detail = ", ".join(f"{k} {v:.0f} s" for k, v in steps.items())
    print(
        f"- team database: {team.reps} reps ({team.distinct} generated, {team.weeks} weeks at "
        f"{team.dials_per_day} dials a day), {n:,} activities, built in {took:.0f} s ({detail})"
    )
    week = f"{NOW.isocalendar().year}-W{NOW.isocalendar().week:02d}"
    found = measure(
        {
            "baseline": ([exe, "baseline", "--week", week, "--format", "csv"],
                         {**on_pg, "SALESTRACK_DB": as_user(url, rep(1))}),
            "team": ([exe, "team", "baseline", "--week", week, "--format", "csv"],
                     {**on_pg, "SALESTRACK_DB": as_user(url, MANAGER)}),
            "floor": ([sys.executable, "-c", "import typer, psycopg"], env),
        },
        runs,
    )  # fmt: skip
    return [
        Row("team: rep baseline", f"baseline as rep1 under row-level security ({n:,} in all)",
            found["baseline"], f"a fixed {BUDGETS['baseline']} s",
            Measure(BUDGETS["baseline"], 0), 1.0),
        Row("team: manager", f"team baseline as the manager, {team.reps} reps",
            found["team"], f"a fixed {BUDGETS['team']} s", Measure(BUDGETS["team"], 0), 1.0),
        Row("team: floor", "python -c 'import typer, psycopg' (how loaded the machine is)",
            found["floor"], "a fixed 0.5 s", Measure(BUDGETS["baseline"], 0), None),
    ]  # fmt: skip


def explain(url: str, user: str, *, team: bool, lines: int) -> None:
    """Print the plan (EXPLAIN ANALYZE, BUFFERS) of every query of ``baseline`` (or of
    ``team baseline``, every rep at once) as ``user``: the report runs once, and each query is
    explained just before it runs."""
    from datetime import timedelta

    from salestrack import config, dates
    from salestrack.reports import baseline
    from salestrack.store import sql

    week = f"{NOW.isocalendar().year}-W{NOW.isocalendar().week:02d}"
    shown: set[str] = set()
    plain_rows = sql.Store.rows

    def rows(self: sql.Store, text: str, **params: Any) -> list[tuple[Any, ...]]:
        with self.connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql.pyformat(text), params)
            plan = [r[0] for r in cursor.fetchall()]
        head = " ".join(text.split())
        if head not in shown:
            shown.add(head)
            head = head[:110]
            print(f"\n-- {head}...")
            print("\n".join(plan[:lines] + [p for p in plan[lines:] if "Time:" in p]))
        return plain_rows(self, text, **params)

    sql.Store.rows = rows  # type: ignore[method-assign]
    tz = dates.local_tz()
    with sql.read(config.target_from(as_user(url, user))) as store:
        args: dict[str, Any] = {"chosen": week, "trailing": 8, "now": NOW + timedelta(0), "tz": tz}
        if team:
            from salestrack.reports import team as teams

            teams.team_baseline(store, **args)
        else:
            baseline.build(store, **args)


def main() -> int:
    import os
    import shutil

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="a superuser's URL of an empty PostgreSQL database")
    parser.add_argument("--quick", action="store_true", help="a small team (a few minutes)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command")
    parser.add_argument(
        "--explain", metavar="USER", help="no build: the plans of baseline's queries as USER"
    )
    parser.add_argument("--as-manager", action="store_true", help="with --explain: team baseline")
    parser.add_argument("--lines", type=int, default=14, help="with --explain: plan lines")
    parser.add_argument("--reuse", action="store_true", help="measure a team built before")
    args = parser.parse_args()
    if args.explain:
        explain(args.url, args.explain, team=args.as_manager, lines=args.lines)
        return 0
    # the script beside this Python, as bench.py starts it (a version manager's shim would
    # add its own start-up to every run)
    beside = Path(sys.executable).with_name("salestrack")
    exe = str(beside) if beside.exists() else shutil.which("salestrack")
    if exe is None:
        raise SystemExit("salestrack is not installed: pip install -e .")
    env: dict[str, Any] = {**os.environ, "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    rows = run(args.url, exe, env, quick=args.quick, runs=args.runs, reuse=args.reuse)
    print("| what | command | median | peak RSS | reference | ratio | result |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(
            f"| {r.name} | `{r.command}` | {r.measured.median_s * 1000:.0f} ms | "
            f"{r.measured.peak_kib / 1024:.0f} MiB | {r.reference_name} | {r.ratio:.2f}x | "
            f"{r.verdict} |"
        )
    return 1 if any(r.verdict == "FAIL" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
