"""salestrack's benchmark: whole-process timings and peak memory against references.

    python bench/bench.py            # full run: 10k and 1M-activity databases (about 5 min)
    python bench/bench.py --quick    # CI mode: small databases; checks scaling and imports

Every command runs as a real process, once to warm up and then several times; the median wall
time and the largest peak resident memory are shown next to a reference measured in the same
run, with the ratio and a pass or fail against the budget. The databases are written by the
demo generator (the project's bulk path) under a temporary folder, removed afterwards.

Absolute times are noise on a shared machine, so --quick never fails on them: it fails when
capture slows down with the size of the database or when a hot path imports SQLAlchemy.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "pydantic", "rich")
NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
FLOOR = "python -c 'import typer, sqlite3'"
# database size -> (weeks of history, dials a day) for the demo generator. The same daily
# rate everywhere, so a report's window holds as much in a small database as in a big one
# and only the length of the history differs.
SIZES = {"2k": (2, 240), "10k": (9, 240), "1M": (735, 240)}


@dataclass
class Measure:
    median_s: float
    peak_kib: int


@dataclass
class Row:
    name: str
    command: str
    measured: Measure
    reference_name: str
    reference: Measure
    budget: float | None  # the allowed ratio to the reference; None: shown only

    @property
    def ratio(self) -> float:
        return self.measured.median_s / self.reference.median_s

    @property
    def verdict(self) -> str:
        if self.budget is None:
            return "info"
        return "pass" if self.ratio <= self.budget else "FAIL"


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """Wall time, peak RSS (KiB) and exit code of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, int(usage.ru_maxrss), os.waitstatus_to_exitcode(status)


Command = tuple[list[str], dict[str, str]]


def measure(commands: dict[str, Command], runs: int) -> dict[str, Measure]:
    """Time each command ``runs`` times, taking turns, so drift hits them all alike."""
    for argv, env in commands.values():  # warm-up, and a check that each command works
        _, _, code = run_once(argv, env)
        if code != 0:
            result = subprocess.run(argv, env=env, capture_output=True, text=True)
            raise SystemExit(f"command failed ({code}): {' '.join(argv)}\n{result.stderr}")
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, list[int]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (argv, env) in commands.items():
            elapsed, peak, _ = run_once(argv, env)
            times[name].append(elapsed)
            peaks[name].append(peak)
    return {n: Measure(statistics.median(times[n]), max(peaks[n])) for n in commands}


def imported_heavy(args: list[str], env: dict[str, str]) -> set[str]:
    """The heavy packages ``salestrack ARGS`` imports (python -X importtime)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "salestrack", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    found = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            top = line.rsplit("|", 1)[1].strip().split(".")[0]
            if top in HEAVY:
                found.add(top)
    return found


def build(path: Path, size: str) -> int:
    """Write a demo database of about ``size`` activities; returns the exact count.

    In a child process, so this process stays small: a child's peak RSS counts the memory it
    was forked with.
    """
    weeks, dials = SIZES[size]
    code = (
        "import sys; from datetime import datetime; "
        "from pathlib import Path; from salestrack.demo.generator import build_demo; "
        f"s = build_demo(Path(sys.argv[1]), now=datetime.fromisoformat('{NOW.isoformat()}'), "
        f"weeks={weeks}, dials_per_day={dials}, seed=11); print(s.activities)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"building the {size} database failed:\n{done.stderr}")
    return int(done.stdout)


def measure_interchange(
    exe: str, env: dict[str, str], db: Path, work: Path, runs: int
) -> tuple[Measure, Measure, Measure, Measure] | None:
    """Export and import of every activity against the sqlite3 shell, on fresh copies."""
    shell = shutil.which("sqlite3")
    if shell is None:
        print(
            "- export/import: skipped, no sqlite3 shell to compare with (apt-get install sqlite3)"
        )
        return None
    on_db = {**env, "SALESTRACK_DB": str(db)}
    out, shell_out = work / "a.csv", work / "a-shell.csv"
    exported = measure(
        {
            "export": ([exe, "export", "activities", "-o", str(out)], on_db),
            "shell": (["sh", "-c", f"{shell} -csv -header '{db}' 'select * from activities' > "
                       f"'{shell_out}'"], env),
        },
        runs,
    )  # fmt: skip
    # the import target: the same prospects and contacts, no activities yet
    base = work / "import-base.db"
    for entity in ("prospects", "contacts"):
        dump = work / f"{entity}.csv"
        subprocess.run([exe, "export", entity, "-o", str(dump)], env=on_db, check=True)
        subprocess.run([exe, "import", entity, str(dump)], env={**env, "SALESTRACK_DB": str(base)},
                       check=True, capture_output=True)  # fmt: skip
    times: dict[str, list[float]] = {"import": [], "shell": []}
    peaks: dict[str, list[int]] = {"import": [], "shell": []}
    for _ in range(runs):
        for what in ("import", "shell"):
            copy = work / f"import-{what}.db"
            shutil.copyfile(base, copy)
            if what == "import":
                argv = [exe, "import", "activities", str(out)]
                run_env = {**env, "SALESTRACK_DB": str(copy)}
            else:
                # the shell's own export, in its own (stored) form
                # the shell writes NULL as '', which the partial source-key index (rows
                # with a key only; none here) would take as duplicates: leave it out
                argv = [shell, str(copy), "DROP INDEX uq_activities_source",
                        f".import --csv --skip 1 {shell_out} activities"]  # fmt: skip
                run_env = env
            elapsed, peak, code = run_once(argv, run_env)
            if code != 0:
                raise SystemExit(f"{what} failed ({code}): {' '.join(argv)}")
            times[what].append(elapsed)
            peaks[what].append(peak)
            copy.unlink()
    done = {w: Measure(statistics.median(times[w]), max(peaks[w])) for w in times}
    return exported["export"], exported["shell"], done["import"], done["shell"]


def measure_team(
    url: str, exe: str, env: dict[str, str], size: str, runs: int
) -> tuple[Measure, int]:
    """8 reps' demos in one PostgreSQL database, row-level security on, baseline as rep1."""
    weeks, dials = SIZES[size]
    code = (
        "import sys; from datetime import datetime; from salestrack import config; "
        "from salestrack.demo.generator import build_demo\n"
        "n = 0\n"
        "for r in range(8):\n"
        f"    n += build_demo(config.target_from(sys.argv[1]), now=datetime.fromisoformat("
        f"'{NOW.isoformat()}'), weeks={weeks}, dials_per_day={max(1, dials // 8)}, "
        "seed=50 + r, owner=f'rep{r + 1}', mark=r == 0).activities\n"
        "print(n)"
    )
    on_pg = {**env, "SALESTRACK_DB": url}
    on_pg.pop("SALESTRACK_REP", None)
    subprocess.run([exe, "db", "upgrade"], env=on_pg, check=True, capture_output=True)
    built = subprocess.run([sys.executable, "-c", code, url], env=on_pg, capture_output=True,
                           text=True, check=False)  # fmt: skip
    if built.returncode != 0:
        raise SystemExit(f"building the team database failed:\n{built.stderr[-2000:]}")
    reps = [x for r in range(8) for x in ("--rep", f"rep{r + 1}")]
    subprocess.run([exe, "db", "team-setup", *reps, "--apply"], env=on_pg, check=True,
                   capture_output=True)  # fmt: skip
    scheme, rest = url.split("://", 1)
    as_rep = {**on_pg, "SALESTRACK_DB": f"{scheme}://rep1@{rest.split('@', 1)[1]}"}
    week = f"{NOW.isocalendar().year}-W{NOW.isocalendar().week:02d}"
    found = measure({"team": ([exe, "baseline", "--week", week, "--format", "csv"], as_rep)}, runs)
    return found["team"], int(built.stdout.strip() or 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small databases, few runs (CI)")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per command")
    parser.add_argument(
        "--pg",
        metavar="URL",
        help="also measure baseline for one rep on a team database on this PostgreSQL "
        "server (an empty database; a superuser URL); about 4 minutes more",
    )
    args = parser.parse_args()
    runs = args.runs or (5 if args.quick else 15)
    small_size, big_size = ("2k", "10k") if args.quick else ("10k", "1M")
    exe = shutil.which("salestrack")
    if exe is None:
        raise SystemExit("salestrack is not installed: pip install -e .")

    began = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="salestrack-bench-"))
    try:
        small, big = work / "small.db", work / "big.db"
        started = time.perf_counter()
        n_small, n_big = build(small, small_size), build(big, big_size)
        built = time.perf_counter() - started
        env = {**os.environ, "NO_COLOR": "1"}
        env.pop("SALESTRACK_NOW", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # real users have cached bytecode
        on_big = {**env, "SALESTRACK_DB": str(big)}
        on_small = {**env, "SALESTRACK_DB": str(small)}
        name = "Acme Ltd"  # every demo database has this client
        # each timed capture adds a call; that is what a day of use does too
        log = ["log", "call", name, "--outcome", "connected", "-d", "4m"]
        typed = name[:2]
        completing = {
            **on_big,
            "_SALESTRACK_COMPLETE": "complete_bash",
            "COMP_WORDS": f"salestrack log call {typed}",
            "COMP_CWORD": "3",
        }

        m = measure(
            {
                "floor": ([sys.executable, "-c", "import typer, sqlite3"], env),
                "capture": ([exe, *log], on_big),
                "capture small": ([exe, *log], on_small),
                "help": ([exe, "--help"], on_big),
                "completion": ([exe], completing),
                "intel": ([exe, "intel", name], on_big),
                "intel small": ([exe, "intel", name], on_small),
            },
            runs,
        )
        reports = measure(
            {
                "baseline": ([exe, "baseline", "--format", "csv"], on_big),
                "baseline small": ([exe, "baseline", "--format", "csv"], on_small),
                "pipeline": ([exe, "pipeline", "--format", "csv"], on_big),
                "next": ([exe, "next", "--format", "csv"], on_big),
            },
            max(3, runs // 3),
        )
        listing = measure(
            {"list": ([exe, "prospect", "list", "--format", "csv"], on_big)}, max(3, runs // 3)
        )
        # 1M-row imports take a minute each: two timed runs in the full mode
        interchange = measure_interchange(exe, env, big, work, 2 if not args.quick else 3)
        floor = m["floor"]
        rows = [
            Row("capture", f"salestrack log call '{name}' --outcome connected -d 4m",
                m["capture"], FLOOR, floor, 1.5),
            Row("--help", "salestrack --help", m["help"], FLOOR, floor, 1.3),
            Row("completion", f"salestrack log call {typed}<TAB>", m["completion"],
                FLOOR, floor, 1.3),
            Row("capture scaling", f"capture on {n_big:,} activities", m["capture"],
                f"the same on {n_small:,}", m["capture small"], 1.2),
            Row("intel", f"salestrack intel '{name}'", m["intel"], "a fixed 300 ms",
                Measure(0.3, 0), 1.0),
            Row("intel scaling", f"intel on {n_big:,} activities", m["intel"],
                f"the same on {n_small:,}", m["intel small"], 1.2),
            Row("baseline", "salestrack baseline --format csv", reports["baseline"],
                "a fixed 1.0 s", Measure(1.0, 0), 1.0),
            Row("baseline scaling", f"baseline on {n_big:,} activities", reports["baseline"],
                f"the same on {n_small:,}", reports["baseline small"],
                None if args.quick else 1.3),
            Row("pipeline", "salestrack pipeline --format csv", reports["pipeline"],
                FLOOR, floor, None),
            Row("next", "salestrack next --format csv", reports["next"], FLOOR, floor, None),
            Row("prospect list", "salestrack prospect list --format csv", listing["list"],
                FLOOR, floor, None),
        ]  # fmt: skip
        if args.pg:
            team, team_n = measure_team(
                args.pg, exe, env, small_size if args.quick else big_size, max(3, runs // 3)
            )
            rows.append(
                Row("team baseline", f"baseline as one of 8 reps, team database of {team_n:,}",
                    team, "a fixed 1.5 s", Measure(1.5, 0), 1.0)
            )  # fmt: skip
        if interchange is not None:
            export, shell_export, imported, shell_import = interchange
            rows += [
                Row("export", f"salestrack export activities -o a.csv ({n_big:,} rows)",
                    export, "sqlite3 -csv -header DB 'select * from activities'",
                    shell_export, None if args.quick else 3.0),
                Row("export memory", "peak RSS of the export (MiB against 200)", Measure(
                    export.peak_kib / 1024 / 200, export.peak_kib), "200 MiB",
                    Measure(1.0, 0), 1.0),
                Row("import", f"salestrack import activities a.csv ({n_big:,} rows)",
                    imported, "sqlite3 DB '.import --csv --skip 1 a.csv activities'",
                    shell_import, None if args.quick else 4.0),
                Row("import memory", "peak RSS of the import (MiB against 200)", Measure(
                    imported.peak_kib / 1024 / 200, imported.peak_kib), "200 MiB",
                    Measure(1.0, 0), 1.0),
            ]  # fmt: skip
        heavy = {
            "--help": imported_heavy(["--help"], on_big),
            "log call": imported_heavy(log, on_big),
            "completion": imported_heavy([], completing),
            "intel": imported_heavy(["intel", name], on_big),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"# salestrack benchmark ({'quick' if args.quick else 'full'})\n")
    print(f"- machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"- Python {platform.python_version()}, salestrack from {exe}")
    print(f"- databases: {n_small:,} and {n_big:,} activities, built in {built:.1f} s")
    print(f"- {runs} timed runs per command after a warm-up; medians; largest peak RSS")
    print(f"- the whole run took {time.perf_counter() - began:.0f} s\n")
    head = ("what", "command", "median", "peak RSS", "reference", "ref. median", "ratio", "budget")
    print("| " + " | ".join((*head, "result")) + " |")
    print("|" + " --- |" * (len(head) + 1))
    for r in rows:
        budget = f"≤ {r.budget:.1f}x" if r.budget else "-"
        print(
            f"| {r.name} | `{r.command}` | {r.measured.median_s * 1000:.0f} ms | "
            f"{r.measured.peak_kib / 1024:.0f} MiB | {r.reference_name} | "
            f"{r.reference.median_s * 1000:.0f} ms | {r.ratio:.2f}x | {budget} | {r.verdict} |"
        )
    print()
    failures = []
    for what, found in heavy.items():
        print(f"- heavy imports on {what}: {', '.join(sorted(found)) or 'none'}")
        if found:
            failures.append(f"{what} imports {', '.join(sorted(found))}")
    if args.quick:
        # reports read a window the small quick database does not fill: not comparable here
        for scaling in (r for r in rows if r.name in ("capture scaling", "intel scaling")):
            if scaling.ratio > 1.5:
                failures.append(
                    f"{scaling.name}: slower on the larger database ({scaling.ratio:.2f}x)"
                )
    else:
        failures += [f"{r.name}: {r.ratio:.2f}x > {r.budget}x" for r in rows if r.verdict == "FAIL"]
    if failures:
        print("\nFAILED: " + "; ".join(failures))
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
