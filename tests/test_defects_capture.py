"""Track everything, exactly: period bounds, edits that move an activity, backfilled
prospects, and next steps of closed deals."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from salestrack import dates
from tests.conftest import NOW, Cli

# NOW is Friday 20 November 2026, 15:00 in London (UTC+0).


# -- 6: a date alone as a period bound means the whole day --------------------------------


def test_a_bare_date_bound_is_the_whole_day() -> None:
    london = dates.local_tz()

    def bound(text: str, side: str) -> datetime:
        return dates.parse_bound(text, side=side, now=NOW, tz=london).astimezone(UTC)  # type: ignore[arg-type]

    assert bound("2026-10-31", "start") == datetime(2026, 10, 31, 0, 0, tzinfo=UTC)
    assert bound("2026-10-31", "end") == datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
    assert bound("yesterday", "start") == datetime(2026, 11, 19, 0, 0, tzinfo=UTC)
    assert bound("Nov 19", "end") == datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
    assert bound("wed", "end") == datetime(2026, 11, 19, 0, 0, tzinfo=UTC)
    # a summer day in London: 00:00 BST is 23:00 UTC the evening before
    assert bound("2026-10-01", "start") == datetime(2026, 9, 30, 23, 0, tzinfo=UTC)
    # an ISO week is the whole week
    assert bound("2026-W47", "end") == datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    # a time given is kept as typed, and so is a relative time
    assert bound("2026-10-31 17:00", "end") == datetime(2026, 10, 31, 17, 0, tzinfo=UTC)
    assert bound("2h ago", "start") == datetime(2026, 11, 20, 13, 0, tzinfo=UTC)
    # parse_when is unchanged: a date alone is still 09:00 (--at, --due)
    assert dates.parse_when("2026-10-31", now=NOW, tz=london).hour == 9
    assert dates.last_day(datetime(2026, 11, 1, 0, 0, tzinfo=UTC), london).isoformat() == (
        "2026-10-31"
    )


def test_scorecard_to_a_date_takes_in_that_whole_day(cli: Cli) -> None:
    cli.ok("log", "call", "Acme Corp", "-o", "connected", "--at", "2026-10-01 08:00")
    cli.ok("promise", "add", "acme", "send the plan", "--at", "2026-10-20 10:00",
           "--due", "2026-10-31 17:00")  # fmt: skip
    out = cli.ok("scorecard", "acme", "--from", "2026-10-01", "--to", "2026-10-31", "-f", "json")
    card = json.loads(out.stdout)
    assert [p["text"] for p in card["promise_list"]] == ["send the plan"]
    assert card["activity"] == {"call": 1}  # 08:00 on the first day counts too
    assert card["from"] == "2026-09-30T23:00:00+00:00"  # 00:00 BST
    assert card["to"] == "2026-11-01T00:00:00+00:00"
    assert card["period"] == "01 Oct 2026 to 31 Oct 2026"


def test_wins_since_a_date_take_in_its_morning(cli: Cli) -> None:
    cli.ok("log", "call", "Pine Clinic", "-o", "gatekeeper", "-i", "gatekeeper: Sue",
           "--at", "2026-11-19 08:30")  # fmt: skip
    out = cli.ok("wins", "--since", "2026-11-19", "-f", "json")
    assert [w["text"] for w in json.loads(out.stdout)] == ["first gatekeeper name: Sue"]
    assert out.stderr.startswith("1 win from 1 dial since Thu 19 Nov 00:00")


def test_export_since_and_until_a_date_take_in_the_whole_days(cli: Cli) -> None:
    cli.ok("log", "call", "Pine Clinic", "-o", "no-answer", "--at", "2026-11-18 17:30")
    cli.ok("log", "call", "pine", "-o", "no-answer", "--at", "2026-11-19 08:30")
    cli.ok("log", "call", "pine", "-o", "no-answer", "--at", "2026-11-20 08:00")

    def times(*args: str) -> list[str]:
        out = cli.ok("export", "activities", *args).stdout
        return [r["occurred_at"] for r in csv.DictReader(io.StringIO(out))]

    assert times("--since", "2026-11-19") == [
        "2026-11-19T08:30:00+00:00", "2026-11-20T08:00:00+00:00",
    ]  # fmt: skip
    assert times("--until", "2026-11-19") == [
        "2026-11-18T17:30:00+00:00", "2026-11-19T08:30:00+00:00",
    ]  # fmt: skip
    assert times("--since", "2026-11-19", "--until", "2026-11-19") == ["2026-11-19T08:30:00+00:00"]
    assert "--until: can't read 'Novembr'" in cli.fails("export", "activities", "--until",
                                                         "Novembr").stderr  # fmt: skip
