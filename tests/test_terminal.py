"""Tables at 80 and 120 columns: the fitting rule worked by hand, then the real command in a
real pseudo-terminal (a pty with its window size set), the way a person sees it."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from salestrack.output.render import Column, fit

from .conftest import Cli

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def test_fit_keeps_everything_that_fits() -> None:
    cols = [Column("name"), Column("value", justify="right")]
    cells = [["Acme Ltd", "8,600"], ["Beacon Foods & Co", "24,000"]]
    # name 17, value 6; the rules and padding cost 3 a column and 1: 17 + 6 + 7 = 30
    assert fit(cols, cells, 30) == ([0, 1], [17, 6])


def test_fit_cuts_long_text_never_numbers() -> None:
    cols = [Column("why", priority=2), Column("value", justify="right")]
    cells = [["x" * 60, "11,737,000"]]
    # 40 columns: 40 - 7 = 33 cells; value keeps its 10, why gets the other 23
    assert fit(cols, cells, 40) == ([0, 1], [23, 10])


def test_fit_drops_the_least_important_then_the_rightmost() -> None:
    cols = [
        Column("name", priority=0),
        Column("a", justify="right", priority=2),
        Column("b", justify="right", priority=2),
        Column("c", justify="right", priority=1),
    ]
    cells = [["Acme", "1000", "2000", "3000"]]
    # all four: 4 + 4 + 4 + 4 + 13 = 29; at 25, b goes (priority 2, the rightmost of a and b):
    # 4 + 4 + 4 + 10 = 22 fits
    assert fit(cols, cells, 29)[0] == [0, 1, 2, 3]
    assert fit(cols, cells, 25)[0] == [0, 1, 3]
    assert fit(cols, cells, 21)[0] == [0, 3]  # then a: 4 + 4 + 7 = 15


def test_fit_leaves_out_empty_columns() -> None:
    cols = [Column("name"), Column("company"), Column("stage")]
    assert fit(cols, [["Acme", "", "lead"], ["Beacon", None or "", "won"]], 80)[0] == [0, 2]


def test_fit_shares_between_names_before_the_rest() -> None:
    cols = [Column("prospect", priority=0), Column("text", priority=0), Column("note")]
    cells = [["p" * 30, "t" * 60, "n" * 40]]
    # 80 - 10 = 70; note keeps its floor of 10; the two names share 60: 30 and 30
    assert fit(cols, cells, 80) == ([0, 1, 2], [30, 30, 10])


def _in_pty(args: list[str], columns: int, env: dict[str, str]) -> str:
    """Run the installed entry point with a pty as stdout and return what the screen got."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 200, columns, 0, 0))
    run_env = {k: v for k, v in env.items() if k not in ("COLUMNS", "LINES")}
    script = Path(sys.executable).with_name("salestrack")
    proc = subprocess.Popen(
        [str(script), *args], stdin=slave, stdout=slave, stderr=slave, env=run_env
    )
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=30)
    os.close(master)
    return ANSI.sub("", b"".join(chunks).decode()).replace("\r\n", "\n")


@pytest.fixture
def long_names(cli: Cli) -> None:
    names = [
        "Northwind Construction Group Holdings",
        "Harbourside Pharmacy Holdings & Partners",
        "Kestrel Brewing",
    ]
    for n, name in enumerate(names):
        cli.ok("prospect", "add", name, "--value", str(1_234_567 * (n + 1)), "--stage", "lead")
        step = ["--next", "send the one-page proposal"] if n < 2 else []
        cli.ok("log", "call", name, "-o", "connected", *step)  # Kestrel: no next step, a gap


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize(
    "command", [["next"], ["pipeline"], ["pipeline", "--gaps"], ["prospect", "list"]]
)
def test_tables_fit_the_terminal(long_names: None, columns: int, command: list[str]) -> None:
    screen = _in_pty(["--no-pager", *command], columns, dict(os.environ))
    lines = [line for line in screen.splitlines() if line.strip()]
    assert lines, screen
    assert max(len(line) for line in lines) <= columns, screen
    rows = [line for line in lines if line.startswith("│")]
    body = "\n".join(rows)
    if command == ["pipeline"]:
        assert "7,407,402" in body, screen  # the lead stage's total, whole
    elif command == ["pipeline", "--gaps"]:
        assert len(rows) == 1 and "Kestrel Brewing" in body, screen
        assert "3,703,701" in body and "no next step" in body, screen
    else:
        assert len(rows) == 3, screen  # one line a prospect: nothing wraps
        assert "Kestrel Brewing" in body  # short names whole
        assert "Northwind Construction" in body  # long ones keep their start
    if command == ["prospect", "list"]:
        for money in ("1,234,567", "2,469,134", "3,703,701"):  # money is never cut
            assert money in body, screen


def test_a_pipe_gets_csv_and_a_terminal_gets_a_table(long_names: None) -> None:
    screen = _in_pty(["--no-pager", "prospect", "list"], 80, dict(os.environ))
    assert "┃ name" in screen
    piped = subprocess.run(
        [str(Path(sys.executable).with_name("salestrack")), "prospect", "list"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert piped.stdout.startswith("id,name,")


def test_long_output_goes_through_the_pager(long_names: None, tmp_path: Path) -> None:
    seen = tmp_path / "paged.txt"
    env = dict(os.environ, PAGER=f"cat > {seen}")
    small = _in_pty(["prospect", "list"], 80, env)
    assert not seen.exists() and "Kestrel Brewing" in small  # it fits: no pager
    # a window 5 lines tall: the table is longer, so it goes to $PAGER
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 5, 80, 0, 0))
    script = Path(sys.executable).with_name("salestrack")
    env.pop("COLUMNS", None)
    proc = subprocess.run(
        [str(script), "prospect", "list"], stdin=slave, stdout=slave, stderr=slave, env=env
    )
    os.close(slave)
    os.close(master)
    assert proc.returncode == 0
    assert "Kestrel Brewing" in seen.read_text()
    seen.unlink()
    proc = subprocess.run(
        [str(script), "--no-pager", "prospect", "list"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env,
    )
    assert not seen.exists()  # piped: never paged


def test_control_characters_in_messages_are_shown_not_obeyed(cli: Cli) -> None:
    cli.ok("db", "upgrade")  # an empty database (a read never creates one)
    title = "x\x1b]0;PWNED\x07"
    result = cli.fails("prospect", "show", title)
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "x\\x1b]0;PWNED\\x07" in result.stderr
    assert result.stderr.count("\n") == 1  # one line, whatever was typed
    split = cli.fails("prospect", "show", "two\nlines")
    assert split.stderr.count("\n") == 1 and "two\\nlines" in split.stderr


def test_control_characters_in_a_usage_error_are_shown() -> None:
    script = Path(sys.executable).with_name("salestrack")
    result = subprocess.run([str(script), "lo\x1bg"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "\x1b" not in result.stderr and "'lo\\x1bg'" in result.stderr


def test_a_table_cell_cannot_reach_the_terminal() -> None:
    from salestrack.output.console import visible

    assert visible("a\x1b[2Jb\x9bc\x7f") == "a\\x1b[2Jb\\x9bc\\x7f"
    assert visible("one\ntwo\tthree", lines=True) == "one\ntwo\\tthree"


def test_bash_completes_a_name_with_spaces_so_enter_runs_it(cli: Cli, db_path: Path) -> None:
    """Drive bash's own completion: source the script, complete, then run the line."""
    for name in ("Kestrel Brewing Holdings", "Kestrel Print & Co", "Acme Ltd"):
        cli.ok("prospect", "add", name)
    script = Path(sys.executable).with_name("salestrack")
    bin_dir = script.parent
    program = f"""
        export PATH={bin_dir}:$PATH
        eval "$(_SALESTRACK_COMPLETE=source_bash salestrack)"
        complete_line() {{  # what readline does on TAB: the words so far, the one being typed
            COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
            _salestrack_completion salestrack
            printf '%s\\n' "${{COMPREPLY[@]}}"
        }}
        echo "== escaped"; complete_line salestrack prospect show 'kestrel\\ br'
        echo "== amp"; complete_line salestrack prospect show 'Kestrel\\ P'
        echo "== quoted"; complete_line salestrack prospect show '"Kestrel Br'
        COMP_WORDS=(salestrack prospect show 'kestrel\\ br'); COMP_CWORD=3
        _salestrack_completion salestrack
        echo "== run"; eval "salestrack prospect show ${{COMPREPLY[0]}} -f json" | grep "\"name\""
    """
    out = subprocess.run(["bash", "--norc", "-c", program], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    parts = dict(
        (block.split("\n", 1)[0], block.split("\n", 1)[1].strip())
        for block in out.stdout.split("== ")[1:]
    )
    assert parts["escaped"] == "Kestrel\\ Brewing\\ Holdings"  # another case, and escaped
    assert parts["amp"] == "Kestrel\\ Print\\ \\&\\ Co"
    assert parts["quoted"] == "Kestrel Brewing Holdings"  # inside a quote: as it is
    assert '"Kestrel Brewing Holdings"' in parts["run"], out.stderr


@pytest.mark.parametrize("command", [["next"], ["prospect", "list"], ["pipeline"], ["wins"]])
def test_csv_says_what_json_says(long_names: None, cli: Cli, command: list[str]) -> None:
    import csv
    import io
    import json

    as_json = json.loads(cli.ok(*command, "-f", "json").stdout)
    as_csv = list(csv.DictReader(io.StringIO(cli.ok(*command, "-f", "csv").stdout)))
    assert as_json and len(as_csv) == len(as_json)
    for from_json, from_csv in zip(as_json, as_csv, strict=True):
        assert list(from_json) == list(from_csv)
        for key, value in from_json.items():
            expected = "" if value is None else value if isinstance(value, str) else None
            if expected is None:
                expected = json.dumps(value)  # true/false, 8600.0: as JSON writes them
            assert from_csv[key] == expected, (command, key)


def test_an_argument_that_is_not_utf8_is_named_not_a_crash(db_path: Path) -> None:
    script = str(Path(sys.executable).with_name("salestrack"))
    for args in ([b"prospect", b"show", b"Ac\xffme"], [b"log", b"call", b"Acme", b"-n", b"\xfe"]):
        result = subprocess.run([script, *args], capture_output=True)
        assert result.returncode == 2, result.stderr
        err = result.stderr.decode()
        assert err.startswith("error: argument ") and "not UTF-8" in err
        assert "unexpected" not in err and err.count("\n") == 1
    assert not db_path.exists()  # refused before any command ran


def test_the_text_rule_refuses_undecodable_text_on_every_path() -> None:
    from salestrack.errors import InvalidInput
    from salestrack.names import clean_name
    from salestrack.rules import clean_text

    for rule in (clean_name, clean_text):
        with pytest.raises(InvalidInput, match="not UTF-8"):
            rule("name", "Ac\udcffme")
    with pytest.raises(InvalidInput, match="control characters"):
        clean_name("name", "Acme\x9b")  # a C1 control (CSI) too


def test_json_never_holds_nan_or_infinity() -> None:
    import json

    from salestrack.output.render import Table, csv_cell, to_json, to_jsonl

    table = Table("t", [Column("a"), Column("b"), Column("c")])
    table.rows = [{"a": float("nan"), "b": float("inf"), "c": 1.5}]
    assert json.loads(to_json(table)) == [{"a": None, "b": None, "c": 1.5}]
    assert "NaN" not in to_jsonl(table) and "Infinity" not in to_jsonl(table)
    assert [csv_cell(v) for v in table.rows[0].values()] == ["", "", "1.5"]


def test_stage_values_complete_from_the_database(cli: Cli) -> None:
    cli.ok("stages", "lead", "qualified", "demo booked", "won", "lost")
    script = str(Path(sys.executable).with_name("salestrack"))

    def complete(words: str, cword: int) -> list[str]:
        env = dict(os.environ, _SALESTRACK_COMPLETE="complete_bash", COMP_WORDS=words)
        env["COMP_CWORD"] = str(cword)
        out = subprocess.run([script], env=env, capture_output=True, text=True)
        return out.stdout.split()

    assert complete("salestrack prospect list --stage q", 4) == ["qualified"]
    assert complete("salestrack prospect list --stage De", 4) == ["demo_booked"]  # any case
    assert complete("salestrack dial --stage w", 3) == ["won"]


def test_import_of_a_file_shows_a_bar_with_its_total(tmp_path: Path) -> None:
    source = tmp_path / "calls.csv"
    lines = ["prospect,kind,outcome,occurred_at"]
    lines += [f"P{i},call,busy,2026-11-{1 + i % 19:02d}T10:00:00Z" for i in range(500)]
    source.write_text("\r\n".join(lines) + "\r\n")
    screen = _in_pty(["import", "activities", str(source)], 120, dict(os.environ))
    assert "/500" in screen, screen  # the bar counts to the file's rows
    assert "500 added" in screen


def test_hanging_lines_break_at_spaces_only() -> None:
    from salestrack.output.show import hanging

    text = "spends 23,900 a year; renews 2026-03-01 with a well-known vendor"
    assert hanging("intel", text, indent=8, width=30) == [
        "intel   spends 23,900 a year;",
        "        renews 2026-03-01 with",
        "        a well-known vendor",
    ]
    assert hanging("intel", text, indent=8, width=None) == ["intel   " + text]


def test_the_brief_wraps_under_its_text_and_keeps_numbers_whole(cli: Cli) -> None:
    note = (
        "They spend 23,900 a year on the current vendor and the contract renews in March; "
        "the CFO signs anything above 10,000"
    )
    cli.ok("log", "call", "Acme Corp", "--new", "-o", "connected", "-n", note, "--at", "10:00")
    screen = _in_pty(["intel", "acme"], 60, dict(os.environ))
    lines = screen.splitlines()
    assert max(len(line) for line in lines) <= 60, screen
    start = next(i for i, line in enumerate(lines) if line.startswith("last touches  "))
    told = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith(" " * 14):
            break
        told.append(line)
    assert len(told) >= 3, screen  # wrapped, every further line under the text
    joined = " ".join(line[14:] for line in told)
    assert "23,900" in joined and "10,000" in joined and note in joined, screen
    assert cli.ok("intel", "acme").stdout.count(note) == 1  # piped: not wrapped


def test_demo_and_db_upgrade_show_progress_only_on_a_terminal(tmp_path: Path, cli: Cli) -> None:
    path = tmp_path / "demo.db"
    screen = _in_pty(["demo", "--weeks", "2", "--path", str(path)], 120, dict(os.environ))
    assert "demo: 2 weeks" in screen and "/11" in screen, screen  # 10 working days, the write
    assert "demo database written" in screen
    piped = cli.ok("demo", "--weeks", "1", "--path", str(tmp_path / "quiet.db"))
    assert "demo:" not in piped.stderr and "━" not in piped.stderr


def test_db_upgrade_of_an_old_file_shows_its_backup_copy(tmp_path: Path) -> None:
    import sqlite3

    old = tmp_path / "old.db"
    db = sqlite3.connect(old)
    db.executescript((Path(__file__).parent / "fixtures" / "rev0001.sql").read_text())
    db.close()
    screen = _in_pty(["--db", str(old), "db", "upgrade"], 120, dict(os.environ))
    assert "db upgrade: backup copy (pages)" in screen, screen
    assert f"upgraded {old}: 0001" in screen and "backup at" in screen, screen
