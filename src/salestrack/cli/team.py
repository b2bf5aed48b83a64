"""``team``: the manager's view of a team database on PostgreSQL."""

from __future__ import annotations

import typer

from salestrack.cli.options import FormatOpt, OutputOpt, PageFormatOpt, WeekOpt
from salestrack.cli.reports import TrailingOpt

app = typer.Typer(
    help="A team on PostgreSQL: each rep against their own usual and the team's.",
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
)


@app.command("baseline")
def baseline(
    weeks: TrailingOpt = 8,
    week: WeekOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Each rep's headline figures this week, against their own usual and the team's.

    Example: salestrack team baseline --week 2026-W46
    """
    from salestrack import clock, config, dates
    from salestrack.output import reports as shown
    from salestrack.output.render import choose_format
    from salestrack.reports import team
    from salestrack.store.sql import read

    chosen = choose_format(fmt)
    now, tz = clock.now(), dates.local_tz()
    with read(config.resolve()) as r:
        found = team.team_baseline(r, chosen=week, trailing=weeks, now=now, tz=tz)
    if chosen == "json":
        shown.write_json(found.document())
    elif chosen != "table":
        shown.write_rows(found.rows, team.COLUMNS, chosen)
    else:
        shown.print_team(found)


@app.command("review")
def review(
    weeks: TrailingOpt = 8,
    week: WeekOpt = None,
    output: OutputOpt = None,
    fmt: PageFormatOpt = None,
) -> None:
    """The team's week as one page: each rep beside their own usual and the team's.

    The numbers are team baseline's. Example: salestrack team review --output team.html
    """
    from salestrack import clock, config, dates
    from salestrack.reports import team
    from salestrack.store.sql import read

    chosen = fmt or "html"
    now, tz = clock.now(), dates.local_tz()
    with read(config.resolve()) as r:
        found = team.team_baseline(r, chosen=week, trailing=weeks, now=now, tz=tz)
    from salestrack.cli.reports import write_page
    from salestrack.output.review import team_review_html

    write_page(chosen, found.document, lambda: team_review_html(found, now), output)
