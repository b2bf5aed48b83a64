"""The best time to call: hours ranked by a rate a small sample can't inflate, each with its
dials; outbound calls only; the rows every report counts, on SQLite and PostgreSQL.

NOW is Friday 20 November 2026, 15:00 in London (UTC+0).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from salestrack import config
from salestrack.store import bulk
from tests.conftest import NOW, Cli

LONDON = ZoneInfo("Europe/London")


def dials(
    target: str,
    pattern: list[tuple[datetime, int, int]],
    *,
    owner: str = "tester",
    direction: str = "outbound",
    name: str = "Dialled Ltd",
) -> None:
    """``count`` calls at each local time (a minute apart), ``connects`` of them reaching the
    decision maker, about a new prospect ``name``."""
    pid = uuid.uuid4()
    base = {"owner": owner, "created_at": NOW, "updated_at": NOW}
    prospect = {**base, "id": pid, "name": name, "name_key": name.lower(), "stage": "lead"}
    calls: list[dict[str, Any]] = []
    for at, count, connects in pattern:
        for i in range(count):
            hit = i < connects
            calls.append({**base, "id": uuid.uuid4(), "prospect_id": pid, "kind": "call",
                          "occurred_at": at.astimezone(UTC) + timedelta(minutes=i % 50),
                          "direction": direction,
                          "reached": "decision_maker" if hit else "nobody",
                          "outcome": "connected" if hit else "no_answer"})  # fmt: skip
    bulk.write(config.target_from(target), {"prospects": [prospect], "activities": calls})


def best(cli: Cli, *args: str) -> dict[str, Any]:
    brief: dict[str, Any] = json.loads(cli.ok(*args, "-f", "json").stdout)["best_time"]
    return brief


# The issue's hours: Wed 08:00 with 5 of 18 dials connecting (27.8%) and Thu 10:00 with 11 of
# 46 (23.9%). Wilson 95% low ends, z = 1.96, z^2 = 3.8415:
#   5/18: centre (0.2778 + 3.8415/36) / (1 + 3.8415/18) = 0.3845 / 1.2134 = 0.3169,
#         half (1.96 / 1.2134) * sqrt(0.2778 * 0.7222 / 18 + 3.8415 / 1296) = 0.1919: 0.1250
#   11/46: centre (0.2391 + 3.8415/92) / (1 + 3.8415/46) = 0.2809 / 1.0835 = 0.2592,
#          half (1.96 / 1.0835) * sqrt(0.2391 * 0.7609 / 46 + 3.8415 / 8464) = 0.1201: 0.1391
# so Thursday, with more dials behind a slightly lower rate, ranks first.
ISSUE = [
    (datetime(2026, 11, 11, 8, 5, tzinfo=LONDON), 18, 5),  # Wed 08:00-09:00
    (datetime(2026, 11, 12, 10, 5, tzinfo=LONDON), 46, 11),  # Thu 10:00-11:00
    (datetime(2026, 11, 9, 14, 5, tzinfo=LONDON), 40, 4),  # Mon 14:00: 10%, low end 4.0%
]


def test_hours_are_ranked_by_the_low_end_of_their_interval(cli: Cli, db_path: Path) -> None:
    cli.ok("prospect", "add", "Acme")
    dials(str(db_path), ISSUE)
    shown = best(cli, "intel", "Acme")
    assert shown["dials_sampled"] == 104 and shown["enough_history"] is True
    assert shown["hours"] == [
        {"weekday": "Thu", "hour": 10, "dials": 46, "connects": 11, "connect_rate": 0.2391,
         "connect_rate_low": 0.1391},
        {"weekday": "Wed", "hour": 8, "dials": 18, "connects": 5, "connect_rate": 0.2778,
         "connect_rate_low": 0.125},
        {"weekday": "Mon", "hour": 14, "dials": 40, "connects": 4, "connect_rate": 0.1,
         "connect_rate_low": 0.0396},
    ]  # fmt: skip
    text = cli.ok("intel", "Acme").stdout
    assert (
        "best time     Thu 10:00-11:00 24% (11/46 dials), Wed 08:00-09:00 28% (5/18 dials), "
        "Mon 14:00-15:00 10% (4/40 dials); now is a good time\n"
    ) in text


def test_inbound_calls_are_not_dials(cli: Cli, db_path: Path) -> None:
    cli.ok("prospect", "add", "Acme")
    dials(str(db_path), ISSUE)
    # 60 inbound calls on Monday at 09:00, every one a conversation: not a dial, not an hour
    dials(str(db_path), [(datetime(2026, 11, 16, 9, 5, tzinfo=LONDON), 60, 60)],
          direction="inbound", name="Caller Ltd")  # fmt: skip
    shown = best(cli, "intel", "Acme")
    assert shown["dials_sampled"] == 104
    assert [(h["weekday"], h["hour"]) for h in shown["hours"]] == [
        ("Thu", 10),
        ("Wed", 8),
        ("Mon", 14),
    ]


def test_a_database_written_under_another_rep_name_is_still_all_yours(
    cli: Cli, db_path: Path
) -> None:
    # the demo writes its rows as "me"; this user is SALESTRACK_REP=tester
    cli.ok("prospect", "add", "Acme")
    dials(str(db_path), ISSUE, owner="me")
    shown = best(cli, "intel", "Acme")
    assert shown["dials_sampled"] == 104 and shown["hours"][0]["weekday"] == "Thu"
    # baseline counts the same rows: the same rule for every report
    out = cli.ok("baseline", "--week", "2026-W46", "-f", "json").stdout
    counted = next(r for r in json.loads(out)["figures"] if r["figure"] == "dials")
    assert counted["value"] == 104


@pytest.mark.postgres
def test_on_a_team_database_each_rep_ranks_their_own_dials(
    cli: Cli, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_team import as_user

    monkeypatch.delenv("SALESTRACK_REP")
    cli.ok("--db", pg_url, "db", "upgrade")
    cli.ok("--db", pg_url, "db", "team-setup", "--rep", "alice", "--rep", "bob",
           "--manager", "carol", "--apply")  # fmt: skip
    # written by the administrator, who owns the tables, as each rep's rows
    dials(pg_url, ISSUE, owner="alice", name="Acme")
    dials(pg_url, [(datetime(2026, 11, 13, 16, 5, tzinfo=LONDON), 150, 90)], owner="bob",
          name="Acme")  # fmt: skip
    alice = best(cli, "--db", as_user(pg_url, "alice"), "intel", "Acme")
    assert alice["dials_sampled"] == 104
    assert [(h["weekday"], h["hour"], h["connects"]) for h in alice["hours"]] == [
        ("Thu", 10, 11), ("Wed", 8, 5), ("Mon", 14, 4)
    ]  # fmt: skip
    bob = best(cli, "--db", as_user(pg_url, "bob"), "intel", "Acme")
    assert bob["dials_sampled"] == 150
    assert [(h["weekday"], h["hour"], h["dials"]) for h in bob["hours"]] == [("Fri", 16, 150)]
