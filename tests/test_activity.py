"""``activity list|show|rm`` through the CLI on a real SQLite file: exact rows, by day."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import Cli, dump, rows


def log(cli: Cli, *args: str) -> str:
    return cli.ok("log", *args).stdout.strip()


@pytest.fixture
def week(cli: Cli) -> dict[str, str]:
    """A week of work (today is Friday 20 November 2026, 15:00 in London)."""
    ids = {
        "mon": log(cli, "call", "Acme Corp", "--new", "-o", "gatekeeper", "--at", "mon 9:30",
                   "-c", "Sue", "-i", "gatekeeper: Sue", "-d", "2m", "--next", "call back",
                   "--due", "wed 9am"),
        "tue": log(cli, "email", "Beacon Ltd", "--new", "--at", "tue 11:00", "-n", "sent deck"),
        "thu": log(cli, "call", "Acme Corp", "-o", "connected", "--at", "thu 16:00",
                   "-n", "talked pricing", "--next", "send quote", "--due", "mon 10am",
                   "-w", "heard the budget", "-q", "4352"),
        "fri1": log(cli, "call", "Beacon Ltd", "-o", "voicemail", "--at", "9:15"),
        "fri2": log(cli, "meeting", "Acme Corp", "--at", "11:00", "-d", "45m", "-n", "demo"),
        "old": log(cli, "note", "Acme Corp", "--at", "2026-10-01 12:00", "-n", "met at expo"),
    }  # fmt: skip
    return ids


def test_today_on_a_terminal_is_grouped_by_day_with_the_days_count(
    cli: Cli, week: dict[str, str]
) -> None:
    out = cli.ok("activity", "list", "--today", "-f", "table").stdout
    lines = [line.rstrip() for line in out.splitlines() if line.strip()]
    assert lines[0] == "Fri 20 Nov 2026 · 2 activities: 1 call, 1 meeting"
    assert lines[1].split() == ["11:00", week["fri2"][:8], "meeting", "Acme", "Corp", "held",
                                "45m", "demo"]  # fmt: skip
    assert lines[2].split() == ["09:15", week["fri1"][:8], "call", "Beacon", "Ltd", "voicemail"]
    assert len(lines) == 3


def test_week_lists_days_newest_first(cli: Cli, week: dict[str, str]) -> None:
    out = cli.ok("activity", "list", "--week", "-f", "table").stdout
    headings = [line for line in out.splitlines() if " · " in line]
    assert headings == [
        "Fri 20 Nov 2026 · 2 activities: 1 call, 1 meeting",
        "Thu 19 Nov 2026 · 1 activity: 1 call",
        "Tue 17 Nov 2026 · 1 activity: 1 email",
        "Mon 16 Nov 2026 · 1 activity: 1 call",
    ]
    # a day's count is the whole day's, even when the limit cuts it
    cut = cli.ok("activity", "list", "--week", "-l", "1", "-f", "table").stdout
    assert "Fri 20 Nov 2026 · 2 activities: 1 call, 1 meeting" in cut
    assert "1 of 5 activities, newest first (--limit N for more)" in cut


def test_csv_has_the_exports_columns_and_exact_rows(cli: Cli, week: dict[str, str]) -> None:
    out = cli.ok("activity", "list", "Acme", "--since", "2026-11-16", "--kind", "call").stdout
    found = list(csv.DictReader(io.StringIO(out)))
    exported = cli.ok("export", "activities").stdout.splitlines()[0].split(",")
    header = out.splitlines()[0].split(",")
    assert [c for c in header if c not in ("contact", "tags")] == exported
    assert [(r["id"], r["kind"], r["outcome"], r["contact"], r["occurred_at"]) for r in found] == [
        (week["thu"], "call", "connected", "", "2026-11-19T16:00:00+00:00"),
        (week["mon"], "call", "gatekeeper", "Sue", "2026-11-16T09:30:00+00:00"),
    ]
    as_json = json.loads(cli.ok("activity", "list", "--outcome", "vm", "-f", "json").stdout)
    assert [(a["id"], a["prospect"], a["duration_s"]) for a in as_json] == [
        (week["fri1"], "Beacon Ltd", None)
    ]
    lines = cli.ok("activity", "list", "--until", "2026-10-02", "-f", "jsonl").stdout
    assert [json.loads(x)["notes"] for x in lines.splitlines()] == ["met at expo"]


def test_month_and_since_until(cli: Cli, week: dict[str, str]) -> None:
    month = json.loads(cli.ok("activity", "list", "--month", "-f", "json").stdout)
    assert [a["id"] for a in month] == [week[k] for k in ("fri2", "fri1", "thu", "tue", "mon")]
    window = json.loads(
        cli.ok("activity", "list", "--since", "tue", "--until", "thu", "-f", "json").stdout
    )
    # a date alone is the whole day, at either end: Thursday's call is in
    assert [a["id"] for a in window] == [week["thu"], week["tue"]]


def test_bad_windows_and_filters_are_one_line(cli: Cli, week: dict[str, str]) -> None:
    assert cli.fails("activity", "list", "--today", "--week", code=2).stderr == (
        "error: choose one of --today, --week, --month and --since/--until\n"
    )
    assert cli.fails("activity", "list", "--kind", "dance", code=2).stderr.startswith(
        "error: --kind: unknown activity kind 'dance'; use one of: call, email"
    )
    bad = cli.fails("activity", "list", "--outcome", "exploded").stderr
    assert bad.startswith("error: --outcome: unknown outcome 'exploded'; use one of: no answer")
    assert cli.fails("activity", "list", "--since", "someday").stderr.startswith(
        "error: --since: can't read 'someday'"
    )
    assert cli.fails("activity", "list", "Zeta").stderr == (
        "error: unknown prospect 'Zeta'; add it with: salestrack prospect add\n"
    )
    empty = cli("activity", "list", "--since", "2026-01-01", "--until", "2026-01-02", "-f", "table")
    assert (empty.exit_code, empty.stderr) == (0, "no activities in that period\n")


def test_show_has_everything_the_capture_wrote(cli: Cli, week: dict[str, str]) -> None:
    data = json.loads(cli.ok("activity", "show", week["thu"][:6], "-f", "json").stdout)
    assert (data["id"], data["kind"], data["prospect"], data["notes"]) == (
        week["thu"], "call", "Acme Corp", "talked pricing",
    )  # fmt: skip
    assert [w["text"] for w in data["wins"]] == [
        "first conversation with the decision maker", "heard the budget",
    ]  # fmt: skip
    assert [(s["action"], s["due_at"]) for s in data["next_steps"]] == [
        ("send quote", "2026-11-23T10:00:00+00:00")
    ]
    assert data["quality"] == {
        "value": 4, "uncovered": 3, "openness": 5, "commitment": 2, "uncovered_text": None,
    }  # fmt: skip
    first = json.loads(cli.ok("activity", "show", week["mon"], "-f", "json").stdout)
    assert [(i["kind"], i["value"]) for i in first["intel"]] == [("gatekeeper", "Sue")]
    assert first["contact"] == "Sue"
    text = cli.ok("activity", "show", week["thu"][:8]).stdout
    assert "quality" in text and "value 4, uncovered 3, openness 5, commitment 2" in text
    assert "next step set" in text and "send quote (due Mon 23 Nov 10:00)" in text


def test_unknown_and_ambiguous_ids(cli: Cli, db_path: Path, week: dict[str, str]) -> None:
    assert cli.fails("activity", "show", "zz").stderr == (
        "error: ID: 'zz' is not an activity id; ids are hex, e.g. 3f2a9c1b\n"
    )
    assert cli.fails("activity", "show", "abc").stderr == (  # hex, but too short to find
        "error: ID: 'abc' is too short; type 4 or more characters of the id\n"
    )
    unknown = "0000" if not any(i.startswith("0000") for i in week.values()) else "ffff"
    assert cli.fails("activity", "show", unknown).stderr == (
        f"error: no activity id starts with {unknown}; see: salestrack activity list\n"
    )
    db = __import__("sqlite3").connect(db_path)
    db.execute("UPDATE activities SET id = 'abcd' || substr(id, 5) WHERE kind IN ('note', 'email')")
    db.commit()
    db.close()
    ids = sorted(
        r[0][:12] for r in rows(db_path, "SELECT id FROM activities WHERE id LIKE 'abcd%'")
    )
    before = dump(db_path)
    refused = cli.fails("activity", "rm", "abcd", "--yes").stderr
    assert refused == f"error: 'abcd' starts 2 activity ids ({', '.join(ids)}); type more of it\n"
    assert dump(db_path) == before


def test_rm_removes_what_the_capture_wrote_as_undo_does(
    cli: Cli, db_path: Path, week: dict[str, str]
) -> None:
    thu = week["thu"].replace("-", "")
    before = dump(db_path)
    refused = cli.fails("activity", "rm", week["thu"][:8], code=2).stderr  # stdin is no terminal
    assert refused == (
        f"error: rm: removing call · Acme Corp · Thu 19 Nov 16:00 · id {thu[:8]} needs --yes "
        "when not at a terminal\n"
    )
    assert dump(db_path) == before
    done = cli.ok("activity", "rm", week["thu"][:8], "--yes")
    assert done.stdout.strip() == week["thu"]
    assert done.stderr == f"removed: call · Acme Corp · Thu 19 Nov 16:00 · id {thu[:8]}\n"
    assert rows(db_path, "SELECT count(*) FROM activities WHERE id = ?", thu) == [(0,)]
    for table in ("wins", "next_steps", "quality"):
        assert rows(db_path, f"SELECT count(*) FROM {table} WHERE activity_id = ?", thu) == [(0,)]
    # the step the call had completed (Monday's) goes to the next touch, Friday's meeting,
    # as undo hands it on (docs/data-model.md); the step the call set goes with it
    fri2 = week["fri2"].replace("-", "")
    assert rows(db_path, "SELECT action, done_by_activity_id FROM next_steps") == [
        ("call back", fri2)
    ]
    assert rows(db_path, "SELECT count(*) FROM activities") == [(5,)]
    # an activity that created its prospect takes the prospect with it
    only = log(cli, "call", "Zed Ltd", "--new", "-o", "busy", "--at", "14:00")
    gone = cli.ok("activity", "rm", only[:8], "-y").stderr
    assert gone.endswith("· removed new prospect Zed Ltd\n")
    assert rows(db_path, "SELECT count(*) FROM prospects WHERE name = 'Zed Ltd'") == [(0,)]
