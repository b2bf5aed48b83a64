"""``undo`` removes the last capture and everything it wrote; ``edit ID`` corrects one."""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.conftest import Cli, dump, rows


def test_undo_restores_the_database_exactly(cli: Cli, db_path: Path) -> None:
    cli.ok("log", "call", "Acme Corp", "-o", "gatekeeper", "--at", "2 days ago",
           "-i", "gatekeeper: Sue", "--next", "call back", "--due", "yesterday 9am")  # fmt: skip
    before = dump(db_path)
    out = cli.ok("log", "call", "acme", "-o", "connected", "-c", "Dana", "-i", "gatekeeper: Tom",
                 "-w", "reached the CFO", "--next", "send deck", "--due", "mon")  # fmt: skip
    logged = out.stdout.strip()
    assert dump(db_path) != before
    undone = cli.ok("undo")
    assert undone.stdout.strip() == logged
    assert undone.stderr.startswith("undone: call · Acme Corp · ")
    assert "removed new contact Dana" in undone.stderr
    assert "reopened 1 next step" in undone.stderr
    assert dump(db_path) == before


def test_undo_removes_a_prospect_the_capture_created(cli: Cli, db_path: Path) -> None:
    cli.ok("prospect", "add", "Beta Ltd")
    before = dump(db_path)
    cli.ok("log", "email", "Orchid Dental", "-n", "intro")
    undone = cli.ok("undo")
    assert "removed new prospect Orchid Dental" in undone.stderr
    assert dump(db_path) == before


def test_undo_with_nothing_logged(cli: Cli) -> None:
    assert cli.fails("undo").stderr == ("error: nothing to undo: no activity has been logged yet\n")


def test_edit_by_id_prefix(cli: Cli, db_path: Path) -> None:
    cli.ok("prospect", "add", "Beta Ltd")
    logged = cli.ok("log", "call", "Acme Corp", "-o", "voicemail", "-c", "Sue").stdout.strip()
    ident = uuid.UUID(logged).hex
    result = cli.ok("edit", ident[:6], "-o", "connected", "-r", "dm", "-d", "4m",
                    "--at", "1h ago", "-n", "fixed")  # fmt: skip
    assert result.stderr.startswith(f"edited call {ident[:8]} (Acme Corp): ")
    assert rows(
        db_path,
        "SELECT outcome, reached, duration_s, occurred_at, notes FROM activities WHERE id = ?",
        ident,
    ) == [("connected", "decision_maker", 240, "2026-11-20 14:00:00.000000", "fixed")]
    cli.ok("edit", logged, "--prospect", "beta", "-n", "")
    moved = (
        "SELECT p.name, a.notes, a.contact_id FROM activities a "
        "JOIN prospects p ON p.id = a.prospect_id"
    )
    assert rows(db_path, moved) == [("Beta Ltd", None, None)]
    before = dump(db_path)
    bad = cli.fails("edit", ident[:8], "-o", "sent").stderr
    assert bad.startswith("error: --outcome: unknown call outcome 'sent'; use one of: no")
    assert cli.fails("edit", "zz", "-o", "busy").stderr.startswith("error: ID: 'zz' is not")
    assert cli.fails("edit", "0000", "-o", "busy").stderr.startswith(
        "error: no activity id starts with 0000"
    )
    assert dump(db_path) == before
