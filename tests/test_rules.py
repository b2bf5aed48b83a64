"""One rule, once: the same bad activity is refused the same way by ``log``, ``edit`` and
``import``, on SQLite and PostgreSQL, and leaves the database as it was; the defaults ``log``
applies are applied by ``edit`` and ``import`` too."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, Result, dump, rows

AT = "2026-11-19T10:00:00+00:00"
LONG = "x" * 1_000_001


@dataclass(frozen=True)
class Case:
    """One bad input, as each path takes it, and the error line each must give."""

    name: str
    log: list[str]
    log_error: str
    edit: tuple[str, list[str]] | None  # (which seeded activity, the edit's options)
    edit_error: str | None
    row: Callable[[dict[str, str]], dict[str, str]]  # the import row, given the seeded ids
    import_error: str
    entity: str = "activities"
    extra: dict[str, Any] = field(default_factory=dict)
    log_code: int = 1  # 2 where the command line's parser reads the choice (a usage error)


def activity_row(**values: str) -> Callable[[dict[str, str]], dict[str, str]]:
    def make(ids: dict[str, str]) -> dict[str, str]:
        return {"prospect": "Acme", "occurred_at": AT, **values}

    return make


CASES = [
    Case(
        "reached on an email",
        ["log", "email", "Acme", "--reached", "gatekeeper"],  # log email has no --reached
        "No such option: --reached (see: salestrack log email -h)",
        ("email", ["--reached", "gatekeeper"]),
        "--reached: only calls and meetings reach someone, not an email; "
        "clear it with --reached ''",
        activity_row(kind="email", reached="gatekeeper"),
        "reached: only calls and meetings reach someone, not an email; leave reached empty",
        log_code=2,
    ),
    Case(
        "a call without an outcome",
        ["log", "call", "Acme"],
        "--outcome: a call needs an outcome; e.g. connected",
        ("call", ["--outcome", ""]),
        "--outcome: a call needs an outcome; e.g. connected",
        activity_row(kind="call", outcome=""),
        "outcome: a call needs an outcome; e.g. connected",
    ),
    Case(
        "an unknown outcome",
        ["log", "call", "Acme", "-o", "banana"],
        "--outcome: unknown call outcome 'banana'; use one of: no answer, busy",
        ("call", ["-o", "banana"]),
        "--outcome: unknown call outcome 'banana'; use one of: no answer, busy",
        activity_row(kind="call", outcome="banana"),
        "outcome: unknown call outcome 'banana'; use one of: no answer, busy",
        log_code=2,
    ),
    Case(
        "an outcome on a note",
        ["log", "note", "Acme", "-o", "sent"],  # log note has no --outcome
        "No such option: -o (see: salestrack log note -h)",
        ("note", ["-o", "sent"]),
        "--outcome: a note has no outcome; clear it with --outcome ''",
        activity_row(kind="note", outcome="sent"),
        "outcome: a note has no outcome; leave outcome empty",
        log_code=2,
    ),
    Case(
        "a time in the future",
        ["log", "call", "Acme", "-o", "connected", "--at", "2099-01-01"],
        "--at: '2099-01-01' is in the future; record what happened",
        ("call", ["--at", "2099-01-01"]),
        "--at: '2099-01-01' is in the future; record what happened",
        activity_row(kind="call", outcome="connected", occurred_at="2099-01-01T00:00:00+00:00"),
        "occurred_at: 2099-01-01 00:00 UTC is in the future; record what happened",
    ),
    Case(
        "a duration of zero",
        ["log", "call", "Acme", "-o", "connected", "-d", "0"],
        "--duration: duration '0' is zero; give how long it took, e.g. '5m'",
        ("call", ["-d", "0"]),
        "--duration: duration '0' is zero; give how long it took, e.g. '5m'",
        activity_row(kind="call", outcome="connected", duration_s="0"),
        "duration_s: 0 seconds is not a duration; give how long it took (above 0), "
        "or leave duration_s empty for unknown",
    ),
    Case(
        "a NUL in the notes",
        ["log", "note", "Acme", "--note", "a\x00b"],
        "--note: contains a NUL character; remove it",
        ("note", ["--note", "a\x00b"]),
        "--note: contains a NUL character; remove it",
        activity_row(kind="note", notes="a\x00b"),
        "notes: contains a NUL character; remove it",
    ),
    Case(
        "notes over 1 MB",
        ["log", "note", "Acme", "--note", LONG],
        "--note: 1000001 characters is too long; keep it under 1 MB",
        ("note", ["--note", LONG]),
        "--note: 1000001 characters is too long; keep it under 1 MB",
        activity_row(kind="note", notes=LONG),
        "notes: 1000001 characters is too long; keep it under 1 MB",
    ),
    Case(
        "an objective on an email",
        ["log", "email", "Acme", "--met"],  # log email has no --met
        "No such option: --met (Possible options: --at, --next, --tag) "
        "(see: salestrack log email -h)",
        None,
        None,
        activity_row(kind="email", objective_met="true"),
        "objective_met: objectives are for calls and meetings, not an email",
        log_code=2,
    ),
    Case(
        "a score out of range",
        ["log", "call", "Acme", "-o", "connected", "-q", "4362"],
        "--quality: 6 is out of range; scores run from 1 to 5",
        ("call", ["-q", "4362"]),
        "--quality: 6 is out of range; scores run from 1 to 5",
        lambda ids: {
            "activity_id": ids["call"],
            "value": "4",
            "uncovered": "3",
            "openness": "6",
            "commitment": "2",
        },
        "openness: 6 is out of range; scores run from 1 to 5",
        entity="quality",
    ),
    Case(
        "a control character in a new prospect's name",
        ["log", "call", "Ac\x01me Two", "--new", "-o", "connected"],
        "PROSPECT: the name contains control characters; type it plainly",
        None,
        None,
        lambda ids: {"prospect": "Ac\x01me Two", "kind": "note", "occurred_at": AT},
        "prospect: the name contains control characters; type it plainly",
    ),
]


def as_csv(row: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(list(row))
    writer.writerow(list(row.values()))
    return out.getvalue()


def seed(cli: Cli, db: list[str]) -> dict[str, str]:
    """A prospect with one call (meeting set: the decision maker implied), email and note."""
    return {
        "call": cli.ok(*db, "log", "call", "Acme", "--new", "-o", "meeting set").stdout.strip(),
        "email": cli.ok(*db, "log", "email", "Acme").stdout.strip(),
        "note": cli.ok(*db, "log", "note", "Acme", "--note", "first").stdout.strip(),
    }


def refused(result: Result, line: str, *, one_line: bool = True, code: int = 1) -> None:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert line in result.stderr, (line, result.stderr)
    if one_line:
        assert result.stderr.count("\n") == 1, result.stderr


def each_path(
    cli: Cli, db: list[str], case: Case, ids: dict[str, str], snapshot: Callable[[], Any]
) -> None:
    """The case through log, edit and import: each refused, nothing changed."""
    before = snapshot()
    refused(cli(*db, *case.log), "error: " + case.log_error, code=case.log_code)
    assert snapshot() == before
    if case.edit is not None:
        target, options = case.edit
        assert case.edit_error is not None
        refused(cli(*db, "edit", ids[target][:8], *options), "error: " + case.edit_error)
        assert snapshot() == before
    result = cli(*db, "import", case.entity, "-", input=as_csv(case.row(ids)))
    refused(result, "error: 1 bad line; nothing was imported:\n", one_line=False)
    assert f"  line 2: {case.import_error}" in result.stderr, result.stderr
    assert snapshot() == before


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_rule_refuses_the_same_input_on_every_path(
    cli: Cli, db_path: Path, case: Case
) -> None:
    ids = seed(cli, [])
    each_path(cli, [], case, ids, lambda: dump(db_path))


def pg_dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table on the server, like :func:`tests.conftest.dump`."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' ORDER BY table_name"
            )
        ]
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


@pytest.mark.postgres
def test_each_rule_refuses_the_same_input_on_postgres(cli: Cli, pg_url: str) -> None:
    db = ["--db", pg_url]
    ids = seed(cli, db)
    for case in CASES:
        each_path(cli, db, case, ids, lambda: pg_dump(pg_url))
    # the defaults too: an imported meeting is held, a connected call reached the decision maker
    body = (
        f"prospect,kind,outcome,occurred_at\r\nAcme,meeting,,{AT}\r\nAcme,call,connected,{AT}\r\n"
    )
    cli.ok(*db, "import", "activities", "-", input=body)
    import psycopg

    with psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        imported = conn.execute(
            "SELECT kind, outcome, reached, direction FROM activities "
            "WHERE occurred_at = %s ORDER BY kind",
            (datetime.fromisoformat(AT),),
        ).fetchall()
    assert imported == [
        ("call", "connected", "decision_maker", "outbound"),
        ("meeting", "held", None, "outbound"),
    ]


def stored(db_path: Path, ids: list[str]) -> list[tuple[object, ...]]:
    marks = ", ".join("?" for _ in ids)
    return rows(
        db_path,
        f"SELECT kind, outcome, reached, direction, duration_s, notes FROM activities "
        f"WHERE id IN ({marks}) ORDER BY kind, outcome",
        *[i.replace("-", "") for i in ids],
    )


def test_import_applies_the_defaults_log_applies(cli: Cli, db_path: Path) -> None:
    logged = [
        cli.ok("log", "meeting", "Acme", "--new", "--at", "2026-11-19 10:00").stdout.strip(),
        cli.ok("log", "call", "Acme", "-o", "connected", "--at", "2026-11-19 10:00").stdout,
        cli.ok("log", "email", "Acme", "--at", "2026-11-19 10:00").stdout.strip(),
        cli.ok("log", "task", "Acme", "--at", "2026-11-19 10:00").stdout.strip(),
        cli.ok("log", "call", "Acme", "-o", "vm", "--at", "2026-11-19 10:00").stdout.strip(),
    ]
    body = "".join(
        f"Acme,{kind},{outcome},{AT}\r\n"
        for kind, outcome in [("meeting", ""), ("call", "connected"), ("email", ""), ("task", ""),
                              ("call", "vm")]
    )  # fmt: skip
    cli.ok("import", "activities", "-", input="prospect,kind,outcome,occurred_at\r\n" + body)
    from_log = stored(db_path, [i.strip() for i in logged])
    assert from_log == [
        ("call", "connected", "decision_maker", "outbound", None, None),
        ("call", "voicemail", "voicemail", "outbound", None, None),
        ("email", "sent", None, "outbound", None, None),
        ("meeting", "held", None, "outbound", None, None),
        ("task", "done", None, "outbound", None, None),
    ]
    everything = rows(
        db_path,
        "SELECT kind, outcome, reached, direction, duration_s, notes FROM activities "
        "ORDER BY kind, outcome",
    )
    assert everything == sorted(from_log * 2, key=lambda r: (str(r[0]), str(r[1])))


def test_edit_checks_the_activity_as_it_will_be(cli: Cli, db_path: Path) -> None:
    ids = seed(cli, [])
    call = ids["call"][:8]
    before = dump(db_path)
    # a call that reached the decision maker can't become an email that reached someone ...
    refused(
        cli("edit", call, "--kind", "email"),
        "error: --reached: only calls and meetings reach someone, not an email; "
        "clear it with --reached ''",
    )
    assert dump(db_path) == before
    # ... unless reached is cleared with it; meeting set is an email outcome too
    cli.ok("edit", call, "--kind", "email", "--reached", "")
    assert stored(db_path, [ids["call"]]) == [
        ("email", "meeting_set", None, "outbound", None, None)
    ]
    # an email's outcome cleared is the default again, as log would store it
    cli.ok("edit", ids["email"][:8], "--outcome", "")
    assert stored(db_path, [ids["email"]])[0][:2] == ("email", "sent")


def test_edit_outcome_moves_the_implied_reached_but_keeps_a_given_one(
    cli: Cli, db_path: Path
) -> None:
    implied = cli.ok("log", "call", "Acme", "--new", "-o", "no answer").stdout.strip()
    given = cli.ok("log", "call", "Acme", "-o", "connected", "-r", "gatekeeper").stdout.strip()
    cli.ok("edit", implied[:8], "-o", "connected")
    cli.ok("edit", given[:8], "-o", "meeting set")
    found = rows(
        db_path,
        "SELECT id, outcome, reached FROM activities ORDER BY outcome",
    )
    assert [(r[1], r[2]) for r in found] == [
        ("connected", "decision_maker"),
        ("meeting_set", "gatekeeper"),
    ]
    assert found[0][0] == implied.replace("-", "")


def test_import_creates_a_prospect_as_log_does(cli: Cli, db_path: Path) -> None:
    cli.ok("log", "note", "Logged  Co", "--new", "--at", "2026-11-19 10:00")
    cli.ok(
        "import", "activities", "-",
        input=f"prospect,kind,occurred_at\r\n  Imported   Co ,note,{AT}\r\n",
    )  # fmt: skip
    prospects = rows(
        db_path,
        "SELECT name, name_key, owner, created_at, updated_at, company, segment, stage, value, "
        "notes, objective, objective_set_at FROM prospects ORDER BY name",
    )
    assert prospects == [
        ("Imported Co", "imported co", "tester", "2026-11-20 15:00:00.000000",
         "2026-11-20 15:00:00.000000", None, None, "lead", None, None, None, None),
        ("Logged Co", "logged co", "tester", "2026-11-20 15:00:00.000000",
         "2026-11-20 15:00:00.000000", None, None, "lead", None, None, None, None),
    ]  # fmt: skip
    changes = rows(
        db_path,
        "SELECT p.name, s.from_stage, s.to_stage, s.reason, s.activity_id FROM stage_changes s "
        "JOIN prospects p ON p.id = s.prospect_id ORDER BY p.name",
    )
    assert changes == [
        ("Imported Co", None, "lead", None, None),
        ("Logged Co", None, "lead", None, None),
    ]


def test_import_takes_the_first_configured_stage(cli: Cli, db_path: Path) -> None:
    cli.ok("stages", "cold", "warm", "won", "lost")
    cli.ok("import", "activities", "-", input=f"prospect,kind,occurred_at\r\nNewco,note,{AT}\r\n")
    assert rows(db_path, "SELECT name, stage FROM prospects") == [("Newco", "cold")]
    assert rows(db_path, "SELECT to_stage FROM stage_changes") == [("cold",)]


def _checks(sql: str) -> dict[str, str]:
    return dict(re.findall(r"CONSTRAINT (\w+) CHECK \((.*)\),?\s*$", sql, flags=re.M))


def test_check_constraints_from_vocab_are_the_migrated_ones(cli: Cli, db_path: Path) -> None:
    """The models build their CHECKs from vocab; the SQL must be what migration 0001 wrote,
    or a new migration would be needed."""
    from sqlalchemy import CheckConstraint
    from sqlmodel import SQLModel

    import salestrack.models  # noqa: F401 - the tables

    cli.ok("db", "upgrade")
    db = sqlite3.connect(db_path)
    try:
        migrated = {
            name: _checks(sql)
            for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE type='table'")
        }
    finally:
        db.close()
    modelled = {
        table.name: {
            str(c.name): str(c.sqltext) for c in table.constraints if isinstance(c, CheckConstraint)
        }
        for table in SQLModel.metadata.sorted_tables
    }
    assert {t: c for t, c in migrated.items() if c} == {t: c for t, c in modelled.items() if c}
    assert modelled["activities"]["ck_kind"] == (
        "kind IN ('call', 'email', 'meeting', 'task', 'note')"
    )
    assert modelled["quality"]["ck_quality_openness"] == "openness BETWEEN 1 AND 5"
    assert len([c for t in modelled.values() for c in t]) == 11


def test_an_imported_prospect_is_at_a_configured_stage(cli: Cli, db_path: Path) -> None:
    cli.ok("stages", "cold", "warm", "won", "lost")
    before = dump(db_path)
    result = cli("import", "prospects", "-", input="name,stage\r\nAcme,qualified\r\n")
    refused(result, "error: 1 bad line; nothing was imported:\n", one_line=False)
    assert (
        "  line 2: stage: unknown stage 'qualified'; use one of: cold, warm, won, lost "
        "(map it with --map-values 'stage:THEIRS=ours', or add the stage: salestrack stages ...)"
    ) in result.stderr
    assert dump(db_path) == before
    cli.ok("import", "prospects", "-", input="name,stage\r\nAcme,Warm\r\n")  # as the CLI types it
    assert rows(db_path, "SELECT name, stage FROM prospects") == [("Acme", "warm")]
