"""salestrack's benchmark: whole-process timings and peak memory against references.

    python bench/bench.py            # full run: 10k and 1M-activity databases (about 5 min)
    python bench/bench.py --quick    # CI mode: small databases; checks scaling and imports
    python bench/bench.py --pg URL   # and a team of 100 reps on PostgreSQL (bench/team_pg.py)

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
from datetime import UTC, datetime, timedelta
from pathlib import Path

from salestrack.demo.generator import ACTIVE_WEEKS

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "pydantic", "rich")
NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
FLOOR = "python -c 'import typer, sqlite3'"
MEMORY_MIB = 60  # the peak RSS budget of an interactive command
# database size -> (weeks of history, dials a day) for the demo generator, all at the same
# daily rate. A report's window (9 weeks) holds the prospecting of those weeks and the
# touches of the clients won in the two years before (the demo hands a client over after
# ACTIVE_WEEKS): 10k activities have no clients yet, so their window holds a quarter less
# than 1M's. "2y" has two years of clients behind its window, as 1M has, so the baseline's
# window holds as much in both and only the length of the history differs.
SIZES = {"2k": (2, 240), "10k": (9, 240), "2y": (ACTIVE_WEEKS + 9, 240), "1M": (735, 240)}


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
    memory_mib: float | None = None  # the allowed peak RSS; None: shown only

    @property
    def ratio(self) -> float:
        return self.measured.median_s / self.reference.median_s

    @property
    def over_memory(self) -> bool:
        return self.memory_mib is not None and self.measured.peak_kib > self.memory_mib * 1024

    @property
    def verdict(self) -> str:
        if self.budget is None and self.memory_mib is None:
            return "info"
        slow = self.budget is not None and self.ratio > self.budget
        return "FAIL" if slow or self.over_memory else "pass"


class _Measured(dict[str, Measure]):
    """Measures by name; a name not measured (``--only``) reads as nothing measured."""

    def __missing__(self, key: str) -> Measure:
        return Measure(float("nan"), 0)


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """Wall time, peak RSS (KiB) and exit code of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, int(usage.ru_maxrss), os.waitstatus_to_exitcode(status)


Command = tuple[list[str], dict[str, str]]


def run_checked(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    elapsed, peak, code = run_once(argv, env)
    if code != 0:
        result = subprocess.run(argv, env=env, capture_output=True, text=True)
        raise SystemExit(f"command failed ({code}): {' '.join(argv)}\n{result.stderr}")
    return elapsed, peak


def measure(
    commands: dict[str, Command], runs: int, before: dict[str, Command] | None = None
) -> dict[str, Measure]:
    """Time each command ``runs`` times, taking turns, so drift hits them all alike.

    ``before`` names an untimed command to run just before each run of a timed one: what
    makes a command that changes the database repeatable (see ``undo`` and ``edit``).
    """
    before = before or {}
    if set(commands) <= {"floor"}:  # nothing to compare with the floor (--only)
        return {}

    def prepare(name: str) -> None:
        if name in before:
            run_checked(*before[name])

    for name, (argv, env) in commands.items():  # warm-up, and a check that each command works
        prepare(name)
        run_checked(argv, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, list[int]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (argv, env) in commands.items():
            prepare(name)
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


def count_activities(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM activities").fetchone()[0])


def known_activity(path: Path, prospect: str) -> str:
    """The start of the id of ``prospect``'s first activity, as a user would type it."""
    import sqlite3

    with sqlite3.connect(path) as db:
        row = db.execute(
            "SELECT a.id FROM activities a JOIN prospects p ON p.id = a.prospect_id "
            "WHERE p.name = ? ORDER BY a.occurred_at LIMIT 1",
            (prospect,),
        ).fetchone()
    return str(row[0]).replace("-", "")[:8]


def watson_add(env: dict[str, str], work: Path) -> Command | None:
    """``watson add`` (td-watson, a Python time tracker) in a throwaway folder, if installed."""
    beside = Path(sys.executable).with_name("watson")
    exe = str(beside) if beside.exists() else shutil.which("watson")
    if exe is None:
        return None
    folder = work / "watson"
    folder.mkdir(exist_ok=True)
    return [exe, "add", "-f", "10:00", "-t", "10:30", "acme"], {**env, "WATSON_DIR": str(folder)}


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
            "export": ([exe, "export", "activities", "--output", str(out)], on_db),
            "shell": (["sh", "-c", f"{shell} -csv -header '{db}' 'select * from activities' > "
                       f"'{shell_out}'"], env),
        },
        runs,
    )  # fmt: skip
    # the import target: the same prospects and contacts, no activities yet
    base = work / "import-base.db"
    for entity in ("prospects", "contacts"):
        dump = work / f"{entity}.csv"
        subprocess.run([exe, "export", entity, "--output", str(dump)], env=on_db, check=True)
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


MAIL_MESSAGES = {"quick": 2_000, "full": 50_000}
CALENDAR_EVENTS = {"quick": 500, "full": 5_000}
MAIL_PROSPECTS = 500
ME = "me@mycorp.example"


def write_mailbox(path: Path, n: int) -> None:
    """An mbox of ``n`` messages, streamed to disk: threads of one to five messages between
    you and a contact of one of the prospects (one in ten with a stranger at a free-mail
    domain), a few with a 200 KB attachment, spread over the last year."""
    import random

    rng = random.Random(19)
    start = NOW - timedelta(days=365)
    written = 0
    with open(path, "wb") as f:
        while written < n:
            p = rng.randrange(MAIL_PROSPECTS)
            them = f"c{p}@p{p}.example" if rng.random() > 0.1 else f"x{written}@gmail.com"
            at = start + timedelta(seconds=rng.randrange(360 * 86400))
            root = f"<t{written}@mycorp.example>"
            refs: list[str] = []
            for k in range(min(rng.randint(1, 5), n - written)):
                mine = k % 2 == 0
                mid = root if k == 0 else f"<t{written}.{k}@x.example>"
                frm, to = (ME, them) if mine else (them, ME)
                head = (
                    f"From {frm} {at:%a %b %d %H:%M:%S %Y}\nFrom: {frm}\nTo: {to}\n"
                    f"Subject: {'Re: ' if k else ''}order {written}\n"
                    f"Date: {at:%a, %d %b %Y %H:%M:%S +0000}\nMessage-ID: {mid}\n"
                )
                if refs:
                    head += f"In-Reply-To: {refs[-1]}\nReferences: {' '.join(refs)}\n"
                body = "Hello,\n" + "the numbers for this week are attached.\n" * 20
                if written % 997 == 0:
                    body += "\n" + ("QUJD" * 19 + "\n") * 2700  # about 200 KB
                f.write((head + "MIME-Version: 1.0\nContent-Type: text/plain\n\n" + body
                         + "\n").encode())  # fmt: skip
                refs.append(mid)
                written += 1
                at += timedelta(hours=rng.randint(1, 48))


def write_calendar(path: Path, n: int) -> None:
    """An iCalendar file of about ``n`` occurrences: one event in five a weekly series of
    ten (one moved, one cancelled), the rest single meetings, in two time zones."""
    import random

    rng = random.Random(5)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//salestrack bench//EN"]
    count, i = 0, 0
    start = NOW - timedelta(days=300)
    while count < n:
        p = rng.randrange(MAIL_PROSPECTS)
        at = start + timedelta(hours=rng.randrange(300 * 24))
        zone = "Europe/London" if i % 2 else "America/New_York"
        stamp = f"{at:%Y%m%dT%H%M%S}"
        event = [
            "BEGIN:VEVENT", f"UID:e{i}@bench", f"DTSTART;TZID={zone}:{stamp}",
            f"DTEND;TZID={zone}:{at + timedelta(minutes=30):%Y%m%dT%H%M%S}",
            f"SUMMARY:meeting {i}", f"ORGANIZER:mailto:{ME}", f"ATTENDEE:mailto:c{p}@p{p}.example",
        ]  # fmt: skip
        if i % 5 == 0 and n - count >= 10:
            event.append("RRULE:FREQ=WEEKLY;COUNT=10")
            lines += [*event, "END:VEVENT"]
            moved = at + timedelta(days=7)
            lines += [
                "BEGIN:VEVENT", f"UID:e{i}@bench", f"RECURRENCE-ID;TZID={zone}:"
                f"{moved:%Y%m%dT%H%M%S}", f"DTSTART;TZID={zone}:"
                f"{moved + timedelta(hours=2):%Y%m%dT%H%M%S}", f"DTEND;TZID={zone}:"
                f"{moved + timedelta(hours=3):%Y%m%dT%H%M%S}", "SUMMARY:moved",
                f"ATTENDEE:mailto:c{p}@p{p}.example", "END:VEVENT",
                "BEGIN:VEVENT", f"UID:e{i}@bench", f"RECURRENCE-ID;TZID={zone}:"
                f"{at + timedelta(days=14):%Y%m%dT%H%M%S}", f"DTSTART;TZID={zone}:"
                f"{at + timedelta(days=14):%Y%m%dT%H%M%S}", "STATUS:CANCELLED", "END:VEVENT",
            ]  # fmt: skip
            count += 10
        else:
            lines += [*event, "END:VEVENT"]
            count += 1
        i += 1
    lines.append("END:VCALENDAR")
    path.write_text("\r\n".join(lines) + "\r\n")


def measure_mail(
    exe: str, env: dict[str, str], work: Path, runs: int, size: str
) -> tuple[Measure, Measure]:
    """``import mail`` of a generated mailbox and ``import calendar`` of a generated
    calendar, each into a fresh copy of a database of the prospects and their contacts."""
    base = work / "mail-base.db"
    prospects, contacts = work / "mail-p.csv", work / "mail-c.csv"
    every = range(MAIL_PROSPECTS)
    prospects.write_text("name,domain\n" + "".join(f"Prospect {p},p{p}.example\n" for p in every))
    contacts.write_text(
        "prospect,name,email\n"
        + "".join(f"Prospect {p},Contact {p},c{p}@p{p}.example\n" for p in every)
    )
    on_base = {**env, "SALESTRACK_DB": str(base)}
    for entity, csv in (("prospects", prospects), ("contacts", contacts)):
        subprocess.run([exe, "import", entity, str(csv)], env=on_base, check=True,
                       capture_output=True)  # fmt: skip
    mbox, ics = work / "bench.mbox", work / "bench.ics"
    write_mailbox(mbox, MAIL_MESSAGES[size])
    write_calendar(ics, CALENDAR_EVENTS[size])
    found = {}
    for what, argv in (
        ("mail", [exe, "import", "mail", str(mbox), "--me", ME]),
        ("calendar", [exe, "import", "calendar", str(ics), "--me", ME, "--since", "2025-11-01"]),
    ):
        times, peaks = [], []
        for _ in range(runs):
            copy = work / f"mail-{what}.db"
            shutil.copyfile(base, copy)
            elapsed, peak = run_checked(argv, {**env, "SALESTRACK_DB": str(copy)})
            times.append(elapsed)
            peaks.append(peak)
            copy.unlink()
        found[what] = Measure(statistics.median(times), max(peaks))
    return found["mail"], found["calendar"]


PRESET_ROWS = {"quick": 5_000, "full": 100_000}
HUBSPOT_OUTCOMES = ("Busy", "Connected", "Left live message", "Left voicemail", "No answer",
                    "Wrong number")  # fmt: skip


def write_hubspot_calls(path: Path, n: int) -> None:
    """``n`` calls as HubSpot's calls export writes them (US dates, HH:mm:ss durations, the
    associated company by name), ten minutes apart and all in the past, over 2,000 companies."""
    import csv
    import random

    rng = random.Random(15)
    start = datetime(2024, 12, 1, 8, 0)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["Activity date", "Call outcome", "Call duration", "Associated Company",
                         "Call notes", "Activity assigned to"])  # fmt: skip
        for i in range(n):
            at = start + timedelta(minutes=10 * i + rng.randrange(0, 9))
            s = 0 if i % 17 == 0 else rng.randrange(5, 1800)
            writer.writerow([
                at.strftime("%m/%d/%Y %I:%M %p"), rng.choice(HUBSPOT_OUTCOMES),
                f"{s // 3600:02}:{s // 60 % 60:02}:{s % 60:02}", f"Company {rng.randrange(2000)}",
                f"call {i}" if i % 3 else "", "rep@example.com",
            ])  # fmt: skip


def measure_preset(exe: str, env: dict[str, str], work: Path, runs: int, size: str) -> Measure:
    """``import activities --from hubspot`` of a generated calls export into an empty
    database (its prospects made by the import)."""
    calls = work / "hubspot-calls.csv"
    write_hubspot_calls(calls, PRESET_ROWS[size])
    argv = [exe, "import", "activities", str(calls), "--from", "hubspot", "--tz",
            "America/New_York"]  # fmt: skip
    times, peaks = [], []
    for _ in range(runs):
        target = work / "preset.db"
        subprocess.run([exe, "db", "upgrade"], env={**env, "SALESTRACK_DB": str(target)},
                       check=True, capture_output=True)  # fmt: skip
        elapsed, peak = run_checked(argv, {**env, "SALESTRACK_DB": str(target)})
        times.append(elapsed)
        peaks.append(peak)
        target.unlink()
    return Measure(statistics.median(times), max(peaks))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small databases, few runs (CI)")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per command")
    parser.add_argument(
        "--pg",
        metavar="URL",
        help="also build a team of 100 reps (about 10M activities) in this empty PostgreSQL "
        "database (a superuser URL) and measure a rep's baseline and the manager's team "
        "baseline (bench/team_pg.py); about 10 minutes more",
    )
    parser.add_argument(
        "--pg-quick",
        metavar="URL",
        help="the same with a team of 10 reps (about 180k activities); about a minute more",
    )
    parser.add_argument(
        "--only",
        metavar="ROWS",
        help="measure only these rows, by name, comma-separated (e.g. 'pipeline,next,db "
        "status'); the floor is always measured. For iterating: no import checks, and a "
        "failure does not fail the run",
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        type=Path,
        help="build the databases in DIR and keep them; a later run with the same DIR reuses "
        "them (for iterating: the timed commands add a few activities each run)",
    )
    args = parser.parse_args()
    only = None if args.only is None else {n.strip() for n in args.only.split(",") if n.strip()}

    def wanted(*names: str) -> bool:
        return only is None or any(n in only for n in names)

    runs = args.runs or (5 if args.quick else 15)
    small_size, big_size = ("2k", "10k") if args.quick else ("10k", "1M")
    # the script beside this Python, like the floor's interpreter: a version manager's shim
    # (pyenv's is a shell script) would add its own start-up to every salestrack run
    beside = Path(sys.executable).with_name("salestrack")
    exe = str(beside) if beside.exists() else shutil.which("salestrack")
    if exe is None:
        raise SystemExit("salestrack is not installed: pip install -e .")

    began = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="salestrack-bench-"))
    try:
        keep = args.keep or work
        keep.mkdir(parents=True, exist_ok=True)
        small, big = keep / f"{small_size}.db", keep / f"{big_size}.db"
        started = time.perf_counter()

        def sized(db: Path, size: str) -> int:
            return count_activities(db) if db.exists() else build(db, size)

        n_small, n_big = sized(small, small_size), sized(big, big_size)
        # the baseline's comparison of history alone (full runs: --quick checks no report)
        steady = None if args.quick or not wanted("baseline scaling") else keep / "2y.db"
        n_steady = sized(steady, "2y") if steady is not None else 0
        built = time.perf_counter() - started
        env = {**os.environ, "NO_COLOR": "1"}
        env.pop("SALESTRACK_NOW", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # real users have cached bytecode
        on_big = {**env, "SALESTRACK_DB": str(big)}
        on_small = {**env, "SALESTRACK_DB": str(small)}
        # reports and lists read at the databases' own now, so their windows hold the demo's
        # data; captures (and the undo of one) happen at the real time, after all of it
        at_now = {"SALESTRACK_NOW": NOW.isoformat()}
        reading, reading_small = {**on_big, **at_now}, {**on_small, **at_now}
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

        # measured beside capture, when installed
        watson = watson_add(env, work) if wanted("capture vs watson") else None
        capturing = wanted("capture", "capture scaling", "capture vs watson")
        briefing = wanted("intel", "intel scaling")
        m = measure(
            {
                "floor": ([sys.executable, "-c", "import typer, sqlite3"], env),
                **({"watson": watson} if watson else {}),
                **({"capture": ([exe, *log], on_big)} if capturing else {}),
                **({"capture small": ([exe, *log], on_small)} if capturing else {}),
                **({"help": ([exe, "--help"], on_big)} if wanted("--help") else {}),
                **({"completion": ([exe], completing)} if wanted("completion") else {}),
                **({"intel": ([exe, "intel", name], reading)} if briefing else {}),
                **({"intel small": ([exe, "intel", name], reading_small)} if briefing else {}),
            },
            runs,
        )
        reports = measure(
            {
                "baseline": ([exe, "baseline", "--format", "csv"], reading),
                **(
                    {
                        "baseline steady": (
                            [exe, "baseline", "--format", "csv"],
                            {**env, **at_now, "SALESTRACK_DB": str(steady)},
                        )
                    }
                    if steady is not None
                    else {}
                ),
            }
            if wanted("baseline", "baseline scaling")
            else {},
            max(3, runs // 3),
        )
        listing = measure(
            {
                k: v
                for k, v in {
                    "list": ([exe, "prospect", "list", "--format", "csv"], reading),
                    "gaps": ([exe, "pipeline", "--gaps", "--format", "csv"], reading),
                }.items()
                if wanted({"list": "prospect list (all)", "gaps": "pipeline --gaps (all)"}[k])
            },
            max(3, runs // 3),
        )
        # the commands typed between calls, each within 2x of the floor. Two change the
        # database, so each timed run is preceded by an untimed step that makes it repeatable:
        # `edit` sets the duration of one old activity (found by the start of its id, as a
        # user types it) after an untimed edit set it to something else, so every timed run
        # writes; `undo` removes the call an untimed `log call` wrote just before it, so it
        # measures finding the latest capture and deleting it with what it wrote on a 1M
        # database, not the capture too
        activity = known_activity(big, name)
        by = (NOW + timedelta(weeks=4)).date().isoformat()
        interactive_cmds: dict[str, list[str]] = {
            "edit": ["edit", activity, "-d", "4m"],
            "undo": ["undo"],
            "next": ["next"],
            "pipeline": ["pipeline"],
            "pipeline --gaps --limit 50": ["pipeline", "--gaps", "--limit", "50"],
            "prospect list --limit 50": ["prospect", "list", "--limit", "50"],
            "prospect show": ["prospect", "show", name],
            "stages": ["stages"],
            "db status": ["db", "status"],
            "wins": ["wins"],
            "scorecard": ["scorecard", name],
            "crc report": ["crc", "report", name],
            "activity list --today": ["activity", "list", "--today"],
            "today": ["today"],
            "search": ["search", "budget"],
            "contact list": ["contact", "list"],
        }
        heavier_cmds: dict[str, list[str]] = {
            "baseline": ["baseline"],
            "quality": ["quality"],
            "plan": ["plan", "--deals", "3", "--by", by],
        }
        interactive_cmds = {k: v for k, v in interactive_cmds.items() if wanted(k)}
        heavier_cmds = {k: v for k, v in heavier_cmds.items() if wanted(k)}
        interactive = measure(
            {
                "floor": ([sys.executable, "-c", "import typer, sqlite3"], env),
                **{
                    k: ([exe, *v], on_big if k == "undo" else reading)
                    for k, v in interactive_cmds.items()
                },
            },
            runs,
            before={
                "edit": ([exe, "edit", activity, "-d", "5m"], reading),
                "undo": ([exe, "log", "call", name, "-o", "voicemail"], on_big),
            },
        )
        heavier = measure(
            {
                "floor": ([sys.executable, "-c", "import typer, sqlite3"], env),
                **{k: ([exe, *v], reading) for k, v in heavier_cmds.items()},
            },
            max(3, runs // 3),
        )
        # 1M-row imports take a minute each: two timed runs in the full mode
        interchange = (
            measure_interchange(exe, env, big, work, 2 if not args.quick else 3)
            if wanted("export", "export memory", "import", "import memory")
            else None
        )
        mailed = (
            measure_mail(exe, env, work, 1 if not args.quick else 2,
                         "quick" if args.quick else "full")
            if wanted("import mail", "import calendar")
            else None
        )  # fmt: skip
        preset = (
            measure_preset(exe, env, work, 1 if not args.quick else 2,
                           "quick" if args.quick else "full")
            if wanted("import preset")
            else None
        )  # fmt: skip
        have = {**m, **{f"reports {k}": v for k, v in reports.items()}, **listing}
        # with --only, the rows below whose measures were skipped are left out
        m, reports, listing = _Measured(m), _Measured(reports), _Measured(listing)
        floor = m["floor"]
        needs = {
            "capture": ["capture"], "--help": ["help"], "completion": ["completion"],
            "capture scaling": ["capture", "capture small"], "intel": ["intel"],
            "intel scaling": ["intel", "intel small"], "baseline": ["reports baseline"],
            "baseline scaling": ["reports baseline", "reports baseline steady"],
            "prospect list (all)": ["list"], "pipeline --gaps (all)": ["gaps"],
        }  # fmt: skip
        rows = [
            Row("capture", f"salestrack log call '{name}' --outcome connected -d 4m",
                m["capture"], FLOOR, floor, 1.5, MEMORY_MIB),
            Row("--help", "salestrack --help", m["help"], FLOOR, floor, 1.3),
            Row("completion", f"salestrack log call {typed}<TAB>", m["completion"],
                FLOOR, floor, 1.3),
            Row("capture scaling", f"capture on {n_big:,} activities", m["capture"],
                f"the same on {n_small:,}", m["capture small"], 1.2),
            Row("intel", f"salestrack intel '{name}'", m["intel"], FLOOR, floor, 2.0,
                MEMORY_MIB),
            Row("intel scaling", f"intel on {n_big:,} activities", m["intel"],
                f"the same on {n_small:,}", m["intel small"], 1.2),
            Row("baseline", "salestrack baseline --format csv", reports["baseline"],
                "a fixed 1.0 s", Measure(1.0, 0), 1.0),
            Row("baseline scaling", f"baseline on {n_big:,} activities", reports["baseline"],
                f"the same on {n_steady:,} (2 years, as full a window)",
                reports["baseline steady"], 1.3),
            Row("prospect list (all)", "salestrack prospect list --format csv", listing["list"],
                FLOOR, floor, None),
            Row("pipeline --gaps (all)", "salestrack pipeline --gaps --format csv",
                listing["gaps"], FLOOR, floor, None),
        ]  # fmt: skip
        rows = [r for r in rows if all(k in have for k in needs.get(r.name, []))]
        if watson:
            rows.append(Row("capture vs watson", "capture against a Python time tracker's add",
                            m["capture"], "watson add -f 10:00 -t 10:30 acme",
                            m["watson"], 1.0))  # fmt: skip
        shown = {"edit": f"salestrack edit {activity} -d 4m", "prospect show":
                 f"salestrack prospect show '{name}'", "scorecard": f"salestrack scorecard "
                 f"'{name}'", "crc report": f"salestrack crc report '{name}'"}  # fmt: skip
        for group, budget, found in (
            (interactive_cmds, 2.0, interactive),
            (heavier_cmds, 4.0, heavier),
        ):
            for what, argv in group.items():
                if what not in found:
                    continue
                command = shown.get(what, "salestrack " + " ".join(argv))
                rows.append(Row(what, command, found[what], FLOOR, found["floor"], budget,
                                MEMORY_MIB))  # fmt: skip
        if args.pg or args.pg_quick:
            import team_pg

            rows += team_pg.run(
                args.pg or args.pg_quick, exe, env, quick=not args.pg, runs=max(3, runs // 3)
            )
        if interchange is not None:
            export, shell_export, imported, shell_import = interchange
            rows += [
                Row("export", f"salestrack export activities --output a.csv ({n_big:,} rows)",
                    export, "sqlite3 -csv -header DB 'select * from activities'",
                    shell_export, None if args.quick else 3.0),
                Row("export memory", "peak RSS of the export (MiB against 200)", Measure(
                    export.peak_kib / 1024 / 200, export.peak_kib), "200 MiB",
                    Measure(1.0, 0), 1.0),
                Row("import", f"salestrack import activities a.csv ({n_big:,} rows)",
                    imported, "sqlite3 DB '.import --csv --skip 1 a.csv activities'",
                    shell_import, None if args.quick else 2.0),
                Row("import memory", "peak RSS of the import (MiB against 200)", Measure(
                    imported.peak_kib / 1024 / 200, imported.peak_kib), "200 MiB",
                    Measure(1.0, 0), 1.0),
            ]  # fmt: skip
        if mailed is not None:
            mail, cal = mailed
            size = "quick" if args.quick else "full"
            rows += [
                Row("import mail", f"salestrack import mail bench.mbox "
                    f"({MAIL_MESSAGES[size]:,} messages)", mail, "a fixed 30 s",
                    Measure(30.0, 0), 1.0, 150),
                Row("import calendar", f"salestrack import calendar bench.ics "
                    f"(~{CALENDAR_EVENTS[size]:,} events)", cal, "a fixed 10 s",
                    Measure(10.0, 0), 1.0, 150),
            ]  # fmt: skip
        if preset is not None:
            size = "quick" if args.quick else "full"
            rows.append(
                Row("import preset", f"salestrack import activities calls.csv --from hubspot "
                    f"({PRESET_ROWS[size]:,} rows)", preset, "a fixed 30 s",
                    Measure(30.0, 0), 1.0, 200)
            )  # fmt: skip
        heavy = (
            {
                "--help": imported_heavy(["--help"], on_big),
                "log call": imported_heavy(log, on_big),
                "completion": imported_heavy([], completing),
                "intel": imported_heavy(["intel", name], on_big),
            }
            if only is None
            else {}
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"# salestrack benchmark ({'quick' if args.quick else 'full'})\n")
    print(f"- machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"- Python {platform.python_version()}, salestrack from {exe}")
    steadily = f", {n_steady:,} (two years: the baseline's scaling)" if n_steady else ""
    print(f"- databases: {n_small:,} and {n_big:,} activities{steadily}, built in {built:.1f} s")
    print(f"- {runs} timed runs per command after a warm-up; medians; largest peak RSS")
    print(f"- the whole run took {time.perf_counter() - began:.0f} s\n")
    head = ("what", "command", "median", "peak RSS", "reference", "ref. median", "ratio", "budget")
    print("| " + " | ".join((*head, "result")) + " |")
    print("|" + " --- |" * (len(head) + 1))
    for r in rows:
        budget = f"≤ {r.budget:.1f}x" if r.budget else "-"
        if r.memory_mib is not None:
            budget += f", ≤ {r.memory_mib:.0f} MiB"
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
        for r in (r for r in rows if r.verdict == "FAIL"):
            why = [f"{r.ratio:.2f}x > {r.budget}x"] if r.budget and r.ratio > r.budget else []
            if r.over_memory:
                why.append(f"{r.measured.peak_kib / 1024:.0f} MiB > {r.memory_mib:.0f} MiB")
            failures.append(f"{r.name}: {', '.join(why)}")
    if failures:
        print("\nFAILED: " + "; ".join(failures))
        return 1 if only is None else 0
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
