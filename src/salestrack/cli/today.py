"""``salestrack today``: the morning screen."""

from typing import Annotated

import typer

from salestrack.cli.options import FormatOpt


def today(
    queue: Annotated[
        int,
        typer.Option(
            "--next", metavar="N", min=0, help="How many of the call queue to show (0: none)."
        ),
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

    with read(config.resolve()) as r:
        found = service.build(r, now=clock.now(), tz=dates.local_tz(), queue=queue)
    if fmt in ("csv", "json", "jsonl"):  # one screen for a person otherwise, piped too
        from salestrack.output.render import render_record
        from salestrack.output.today import as_json

        render_record(as_json(found), fmt)
        return
    from salestrack.output.today import print_today

    print_today(found)
