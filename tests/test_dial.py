"""A call block driven through a real pseudo-terminal, key by key."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import NOW, Cli, rows

pytestmark = pytest.mark.slow

NAMES = [f"Prospect {n:02d}" for n in range(10)]


class Terminal:
    """A process on a pseudo-terminal; ``expect`` waits for text, ``send`` types."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     close_fds=True)  # fmt: skip
        os.close(slave)
        self.seen = ""

    def expect(self, text: str, timeout: float = 30) -> str:
        end = time.monotonic() + timeout
        while text not in self.seen:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(
                    f"never saw {text!r}; the screen ends with:\n{self.seen[-800:]}"
                )
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096).decode(errors="replace")
                except OSError:
                    chunk = ""
                if not chunk and self.proc.poll() is not None:
                    raise AssertionError(f"the program ended before {text!r}:\n{self.seen[-800:]}")
                self.seen += chunk
        at = self.seen.index(text) + len(text)
        before, self.seen = self.seen[:at], self.seen[at:]
        return before

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def close(self) -> int:
        try:
            return self.proc.wait(timeout=30)
        finally:
            os.close(self.master)


def test_a_ten_prospect_block_through_the_real_terminal(cli: Cli, db_path: Path) -> None:
    for name in NAMES:  # each has a follow-up due yesterday, so all ten are in the queue
        cli.ok("log", "call", name, "--new", "-o", "voicemail", "--at", "2026-11-18 10:00",
               "--next", "call again", "--due", "2026-11-19 09:00")  # fmt: skip
    env = {**os.environ, "SALESTRACK_DB": str(db_path), "SALESTRACK_NOW": NOW.isoformat(),
           "TZ": "Europe/London", "NO_COLOR": "1", "COLUMNS": "120", "TERM": "xterm"}  # fmt: skip
    term = Terminal([sys.executable, "-m", "salestrack", "dial", "-l", "10"], env)
    # (key, intel, win, next step, due) for each prospect, in queue order
    plan = [
        ("n", "", "", "", None),
        ("v", "", "", "", None),
        ("g", "gatekeeper: Sue", "", "", None),
        ("c", "budget: 40k", "got the direct line", "send the deck", "tue 10am"),
        ("b", "", "", "", None),
        ("m", "", "", "demo with the CFO", "wed 11am"),
        ("x", "", "", "-", None),
        ("w", "", "", "", None),
        ("k", "", "", "call back", "mon 4pm"),
        ("r", "", "", "-", None),
    ]
    typed = []
    for key, intel, win, action, due in plan:
        screen = term.expect("outcome> ")
        header = screen.rsplit("[", 1)[1]
        typed.append((header.split("] ", 1)[1].split(" · ", 1)[0], key))
        term.send(key)
        term.expect("intel (kind: fact, Enter to skip)> ")
        term.send(intel + "\n")
        term.expect("win (Enter to skip)> ")
        term.send(win + "\n")
        term.expect("next step (")
        term.send(("" if action == "-" else action) + "\n")
        if action and action != "-":
            term.expect("due (e.g. tue 10am)> ")
            term.send(due + "\n")
        term.expect("block: ")
    term.expect("block over.")
    assert term.close() == 0
    assert sorted(n for n, _ in typed) == NAMES  # each prospect once

    outcomes = {"n": "no_answer", "v": "voicemail", "g": "gatekeeper", "c": "connected",
                "b": "busy", "m": "meeting_set", "x": "not_interested", "w": "wrong_number",
                "k": "callback", "r": "referred"}  # fmt: skip
    stored = rows(db_path, "SELECT p.name, a.outcome FROM activities a JOIN prospects p "
                           "ON p.id = a.prospect_id WHERE a.occurred_at > '2026-11-19' "
                           "ORDER BY p.name")  # fmt: skip
    assert stored == sorted((name, outcomes[key]) for name, key in typed)
    by_key = {key: name for name, key in typed}
    facts = rows(db_path, "SELECT p.name, i.kind, i.value FROM intel i JOIN prospects p "
                          "ON p.id = i.prospect_id ORDER BY i.kind")  # fmt: skip
    assert facts == [(by_key["c"], "budget", "40k"), (by_key["g"], "gatekeeper", "Sue")]
    # the cadence: unreached at Friday 15:00, tried again Monday morning at 09:30
    steps = dict(rows(db_path, "SELECT p.name, n.due_at FROM next_steps n JOIN prospects p "
                               "ON p.id = n.prospect_id WHERE n.done_at IS NULL"))  # fmt: skip
    for key in "nvgbw":
        assert steps[by_key[key]] == "2026-11-23 09:30:00.000000", key
    assert steps[by_key["c"]] == "2026-11-24 10:00:00.000000"
    assert steps[by_key["k"]] == "2026-11-23 16:00:00.000000"
    assert by_key["x"] not in steps and by_key["r"] not in steps


def test_quitting_keeps_every_confirmed_capture(cli: Cli, db_path: Path) -> None:
    for name in NAMES[:3]:
        cli.ok("log", "call", name, "--new", "-o", "voicemail", "--at", "2026-11-18 10:00",
               "--next", "call again", "--due", "2026-11-19 09:00")  # fmt: skip
    env = {**os.environ, "SALESTRACK_DB": str(db_path), "SALESTRACK_NOW": NOW.isoformat(),
           "TZ": "Europe/London", "TERM": "xterm"}  # fmt: skip
    term = Terminal([sys.executable, "-m", "salestrack", "dial"], env)
    term.expect("outcome> ")
    term.send("v")
    for _ in range(3):
        term.expect("> ")
        term.send("\n")
    term.expect("outcome> ")
    term.send("s")
    term.expect("outcome> ")
    term.send("q")
    term.expect("block over. block: 1 dial ·")
    assert term.close() == 0
    assert rows(db_path, "SELECT count(*) FROM activities WHERE occurred_at > '2026-11-19'") == [
        (1,)
    ]


def test_the_cadence_can_be_set(cli: Cli, db_path: Path) -> None:
    cli.ok("log", "call", "Acme", "--new", "-o", "voicemail", "--at", "2026-11-20 10:00",
           "--next", "call again", "--due", "2026-11-20 11:00")  # fmt: skip
    out = cli.ok("dial", "--cadence", "days=2,morning=10:15", input="v\n\n\n\nq\n")
    assert "cadence: retry after 2 business days, at 10:15 or 15:00" in out.stdout
    due = rows(db_path, "SELECT due_at FROM next_steps WHERE done_at IS NULL")
    assert due == [("2026-11-24 10:15:00.000000",)]  # Fri 15:00 (afternoon): Tue morning
    assert "days=0" in cli.fails("dial", "--cadence", "days=0").stderr


def test_the_queue_can_be_one_stage(cli: Cli, db_path: Path) -> None:
    for name, stage in (("Acme", "lead"), ("Beta", "qualified")):
        cli.ok("prospect", "add", name, "--stage", stage)
    out = cli.ok("dial", "--stage", "qual", input="q\n")
    assert "Beta" in out.stdout and "Acme" not in out.stdout
    bad = cli.fails("dial", "--stage", "nope")
    assert bad.stderr.startswith("error: --stage: unknown stage 'nope'; use one of: lead")
