"""import calendar: real .ics files built with icalendar (a series across a DST change, a
moved and a cancelled occurrence, EXDATE, several time zones)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from tests.conftest import Cli, dump, rows

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
ME = "me@mycorp.com"


def event(
    uid: str, summary: str, start: object, end: object | None, *who: str, **extra: object
) -> Event:
    e = Event()
    e.add("uid", uid)
    e.add("summary", summary)
    if start is not None:
        e.add("dtstart", start)
    if end is not None:
        e.add("dtend", end)
    e.add("organizer", f"mailto:{ME}")
    for address in who:
        e.add("attendee", f"mailto:{address}")
    for name, value in extra.items():
        e.add(name.replace("_", "-"), value)
    return e


def london(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def calendar(path: Path, *, moved_16: bool = False, cancel_later: bool = False) -> Path:
    cal = Calendar()
    cal.add("prodid", "-//salestrack tests//EN")
    cal.add("version", "2.0")
    # weekly from Mon 19 Oct 10:00 London (BST, 09:00 UTC) across the change to GMT on 25 Oct
    exdates = [london(9, 11, 10)] + ([london(23, 11, 10)] if cancel_later else [])
    series = event("sync-1", "Weekly sync", london(19, 10, 10), london(19, 10, 10, 30),
                   "dana@acme.com", rrule={"freq": "weekly", "count": 6})  # fmt: skip
    series.add("exdate", exdates)
    cal.add_component(series)
    moved = event("sync-1", "Weekly sync (moved)", london(27, 10, 14), london(27, 10, 15),
                  "dana@acme.com", recurrence_id=london(26, 10, 10))  # fmt: skip
    cal.add_component(moved)
    cancelled = event("sync-1", "Weekly sync", london(2, 11, 10), london(2, 11, 10, 30),
                      "dana@acme.com", recurrence_id=london(2, 11, 10),
                      status="CANCELLED")  # fmt: skip
    cal.add_component(cancelled)
    if moved_16:
        cal.add_component(
            event("sync-1", "Weekly sync", london(17, 11, 11), london(17, 11, 11, 30),
                  "dana@acme.com", recurrence_id=london(16, 11, 10))
        )  # fmt: skip
    ny = event("ny-1", "Call", datetime(2026, 11, 18, 14, tzinfo=NEW_YORK),
               datetime(2026, 11, 18, 14, 45, tzinfo=NEW_YORK), "bob@globex.com",
               **({"status": "CANCELLED"} if cancel_later else {}))  # fmt: skip
    cal.add_component(ny)
    cal.add_component(event("broken-1", "No start", None, None, "dana@acme.com"))
    cal.add_component(event("day-1", "Offsite", date(2026, 11, 10), date(2026, 11, 11),
                            "dana@acme.com"))  # fmt: skip
    cal.add_component(event("pal-1", "Lunch", london(12, 11, 12), london(12, 11, 13),
                            "pal@gmail.com"))  # fmt: skip
    path.write_bytes(cal.to_ical())
    return path


def setup(cli: Cli) -> None:
    cli.ok("prospect", "add", "Acme")
    cli.ok("contact", "add", "Acme", "Dana Lee", "--email", "dana@acme.com")
    cli.ok("prospect", "add", "Globex", "--domain", "globex.com")
    cli.ok(
        "log", "call", "Acme", "-o", "connected", "--at", "2026-11-13 10:00",
        "--next", "send proposal", "--due", "2026-11-16 17:00",
    )  # fmt: skip


def meetings(db: Path) -> list[tuple[object, ...]]:
    return rows(
        db,
        "SELECT p.name, c.name, a.occurred_at, a.duration_s, a.outcome, a.notes, a.source_key "
        "FROM activities a JOIN prospects p ON p.id = a.prospect_id "
        "LEFT JOIN contacts c ON c.id = a.contact_id WHERE a.kind = 'meeting' "
        "ORDER BY a.occurred_at",
    )


def steps(db: Path) -> list[tuple[object, ...]]:
    return rows(
        db,
        "SELECT n.action, n.due_at, n.done_at, n.source_key FROM next_steps n ORDER BY n.action",
    )


def test_a_series_becomes_meetings_held_and_set_and_a_reimport_updates_them(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    setup(cli)
    ics = calendar(tmp_path / "work.ics")
    out = cli.ok("import", "calendar", str(ics), "--me", ME)
    assert out.stderr.splitlines()[0] == (
        "imported calendar: 4 meetings held, 1 set (as next steps), 0 updated, 0 cancelled, "
        "0 already there, 1 unmatched, 3 skipped (1 all-day, 1 cancelled, 1 no start); "
        "1 next step completed"
    )
    assert "unmatched attendees by domain: gmail.com 1" in out.stderr
    assert meetings(db_path) == [
        ("Acme", "Dana Lee", "2026-10-19 09:00:00.000000", 1800, "held", "Weekly sync",
         "ics:sync-1/20261019T090000Z"),
        ("Acme", "Dana Lee", "2026-10-27 14:00:00.000000", 3600, "held", "Weekly sync (moved)",
         "ics:sync-1/20261026T100000Z"),
        ("Acme", "Dana Lee", "2026-11-16 10:00:00.000000", 1800, "held", "Weekly sync",
         "ics:sync-1/20261116T100000Z"),
        ("Globex", None, "2026-11-18 19:00:00.000000", 2700, "held", "Call", "ics:ny-1"),
    ]  # fmt: skip
    assert steps(db_path) == [
        ("meeting: Weekly sync", "2026-11-23 10:00:00.000000", None,
         "ics:sync-1/20261123T100000Z"),
        ("send proposal", "2026-11-16 17:00:00.000000", "2026-11-16 10:00:00.000000", None),
    ]  # fmt: skip

    before = dump(db_path)
    again = cli.ok("import", "calendar", str(ics))
    assert again.stderr.splitlines()[0] == (
        "imported calendar: 0 meetings held, 0 set (as next steps), 0 updated, 0 cancelled, "
        "5 already there, 1 unmatched, 3 skipped (1 all-day, 1 cancelled, 1 no start)"
    )
    assert dump(db_path) == before

    # the 16 Nov occurrence moved to 17 Nov 11:00; 23 Nov left out (EXDATE); the call cancelled
    changed = calendar(tmp_path / "work2.ics", moved_16=True, cancel_later=True)
    third = cli.ok("import", "calendar", str(changed))
    assert third.stderr.splitlines()[0] == (
        "imported calendar: 0 meetings held, 0 set (as next steps), 1 updated, 2 cancelled, "
        "2 already there, 1 unmatched, 3 skipped (1 all-day, 1 cancelled, 1 no start)"
    )
    assert meetings(db_path)[2:] == [
        ("Acme", "Dana Lee", "2026-11-17 11:00:00.000000", 1800, "held", "Weekly sync",
         "ics:sync-1/20261116T100000Z"),
        ("Globex", None, "2026-11-18 19:00:00.000000", 2700, "cancelled", "Call", "ics:ny-1"),
    ]  # fmt: skip
    assert steps(db_path) == [
        ("send proposal", "2026-11-16 17:00:00.000000", "2026-11-17 11:00:00.000000", None),
    ]


def test_a_file_that_is_not_icalendar_is_one_line_and_changes_nothing(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    setup(cli)
    before = dump(db_path)
    bad = tmp_path / "x.ics"
    bad.write_text("From someone\nnot a calendar\n")
    assert cli.fails("import", "calendar", str(bad), "--me", ME).stderr == (
        f"error: FILE: '{bad}' is not an iCalendar file (.ics); nothing was imported\n"
    )
    broken = tmp_path / "broken.ics"
    broken.write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:garbage\n")
    assert cli.fails("import", "calendar", str(broken), "--me", ME).stderr == (
        f"error: FILE: '{broken}' is not a readable iCalendar file; nothing was imported\n"
    )
    assert dump(db_path) == before


def test_dry_run_writes_nothing(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    setup(cli)
    before = dump(db_path)
    out = cli.ok("import", "calendar", str(calendar(tmp_path / "w.ics")), "--me", ME, "--dry-run")
    assert out.stderr.splitlines()[0].startswith("would import calendar: 4 meetings held, 1 set")
    assert [line.split("  ", 1)[1] for line in out.stdout.splitlines()] == [
        "meeting held · Acme: Weekly sync", "meeting held · Acme: Weekly sync (moved)",
        "meeting held · Acme: Weekly sync", "meeting held · Globex: Call",
        "meeting set · Acme: Weekly sync",
    ]  # fmt: skip
    assert dump(db_path) == before


@pytest.mark.postgres
def test_calendar_import_on_postgresql_is_idempotent(
    cli: Cli, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    monkeypatch.setenv("SALESTRACK_DB", pg_url)
    setup(cli)
    ics = calendar(tmp_path / "work.ics")
    first = cli.ok("import", "calendar", str(ics), "--me", ME)
    assert first.stderr.splitlines()[0].startswith("imported calendar: 4 meetings held, 1 set")
    again = cli.ok("import", "calendar", str(ics))
    assert "5 already there" in again.stderr.splitlines()[0]
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as conn:
        held = conn.execute(
            "SELECT source_key, duration_s FROM activities WHERE kind = 'meeting' "
            "ORDER BY occurred_at"
        ).fetchall()
    assert held == [
        ("ics:sync-1/20261019T090000Z", 1800), ("ics:sync-1/20261026T100000Z", 3600),
        ("ics:sync-1/20261116T100000Z", 1800), ("ics:ny-1", 2700),
    ]  # fmt: skip
