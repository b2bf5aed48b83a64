"""``salestrack today``: the morning screen."""

from typing import Annotated

import typer

from salestrack.cli.options import FormatOpt


def today(
    queue: Annotated[
        int, typer.Option("--next", "-n", min=0, help="How many of the call queue to show.")
    ] = 3,
    fmt: FormatOpt = None,
) -> None:
    """The day on one screen: next steps due, bookings, promises, who to call, the score so far.

    Overdue next steps and those due later today (the calls and meetings booked), promises
    due this week, the top of the call queue (salestrack next), today's dials,
    conversations and wins against your usual by this time of day, and today's focus.

    Example: salestrack today   (or salestrack today -f json for a status bar)
    """
    from salestrack import clock, config, dates
    from salestrack.intel import today as service
    from salestrack.store.sql import read

    if fmt in ("csv", "jsonl"):
        from salestrack.errors import UsageError

        raise UsageError("--format: today is one screen; use json for scripts")
    with read(config.resolve()) as r:
        found = service.build(r, now=clock.now(), tz=dates.local_tz(), queue=queue)
    if fmt == "json":
        import json

        from salestrack.output.today import as_json

        print(json.dumps(as_json(found), ensure_ascii=False, indent=2))
        return
    from salestrack.output.today import print_today

    print_today(found)
