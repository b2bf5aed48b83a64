"""Keep your own score and the Customer Report Card, exactly."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli, dump

# NOW is Friday 20 November 2026, 15:00 in London.
ROOT = Path(__file__).resolve().parent.parent


def contoso(cli: Cli) -> None:
    cli.ok("prospect", "add", "Contoso")
    cli.ok("crc", "behaviours", "--set", "1", "--set", "2", "--set", "3")


def shares(cli: Cli) -> dict[str, float]:
    out = cli.ok("crc", "report", "contoso", "-f", "json").stdout
    return {r["month"]: r["share_a"] for r in json.loads(out)}


# -- 4: a promise can't be kept before it was made ---------------------------------------


def test_a_promise_cannot_be_kept_before_it_was_made(cli: Cli, db_path: Path) -> None:
    cli.ok("prospect", "add", "Acme Corp")
    made = cli.ok("promise", "add", "acme", "send the plan", "--at", "2026-11-05 10:00",
                  "--due", "2026-11-10 17:00").stdout.strip()  # fmt: skip
    started = cli.ok("initiative", "add", "acme", "monthly review", "--at", "2026-11-05 10:00")
    before = dump(db_path)
    early = cli.fails("promise", "done", made[:8], "--at", "2026-11-01 10:00")
    assert early.stderr == (
        "error: --at: the promise was made on Thu 05 Nov 10:00; it can't be kept or broken "
        "before that\n"
    )
    assert "can't be kept or broken" in (
        cli.fails("promise", "broken", made[:8], "--at", "2026-11-04 10:00").stderr
    )
    assert "the initiative was started on Thu 05 Nov 10:00; it can't be done before that" in (
        cli.fails("initiative", "done", started.stdout.strip()[:8], "--at", "2026-11-02").stderr
    )
    assert dump(db_path) == before
    cli.ok("promise", "done", made[:8], "--at", "2026-11-05 10:00")  # the same minute is fine
    card = json.loads(cli.ok("scorecard", "acme", "-f", "json").stdout)
    assert card["kept_on_time"] == 1
