"""``team``: the manager's view of a team database on PostgreSQL."""

from __future__ import annotations

from typing import Annotated

import typer

from salestrack.cli.options import FormatOpt

app = typer.Typer(
    help="A team on PostgreSQL: each rep against their own usual and the team's.",
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
)


@app.command("baseline")
def baseline(
    weeks: Annotated[int, typer.Option("--weeks", min=2, max=104)] = 8,
    week: Annotated[str | None, typer.Option("--week", metavar="YYYY-Www")] = None,
    fmt: FormatOpt = None,
) -> None:
    """Each rep's headline figures this week, against their own usual and the team's."""
    from salestrack import clock, config, dates
    from salestrack.output.render import Column, Table, choose_format, render
    from salestrack.reports import team
    from salestrack.reports.baseline import show
    from salestrack.store.sql import read

    now, tz = clock.now(), dates.local_tz()
    with read(config.resolve()) as r:
        label, rows = team.team_baseline(r, chosen=week, trailing=weeks, now=now, tz=tz)
    if choose_format(fmt) == "table":  # figures in their units on screen, raw for scripts
        rows = [
            {**row, **{k: show(row[k], row["unit"]) for k in ("value", "usual", "team_usual")}}
            for row in rows
        ]
    table = Table(
        title=f"Team baseline: {label}",
        columns=[
            Column("rep"),
            Column("figure"),
            Column("value", "this week", justify="right"),
            Column("usual", "their usual", justify="right"),
            Column("team_usual", "team usual", justify="right"),
            Column("flag"),
            Column("unit"),
        ],
        rows=rows,
        empty="no activity in the period (as a manager you read every rep's rows)",
    )
    render(table, fmt)
