"""``salestrack dial``: a call block in the terminal, one key per outcome.

Each capture is written (and committed) before the next prospect shows, so quitting or a
crash loses nothing already confirmed. On a terminal, outcome keys act at once; when stdin
is not a terminal (a script), each key is a line.
"""

from __future__ import annotations

import sys
import time
from typing import Annotated, Any

import typer

from salestrack.cli.complete import stage_name
from salestrack.cli.options import limit_option


class Keys:
    """Single keys on a terminal; lines otherwise. Prompts are lines either way."""

    def __init__(self) -> None:
        self.terminal = sys.stdin.isatty()

    def key(self, prompt: str) -> str:
        if not self.terminal:
            sys.stdout.write(prompt)
            sys.stdout.flush()
            line = sys.stdin.readline()
            if not line:
                return "q"
            sys.stdout.write("\n")
            return (line.strip() or " ")[0].lower()
        import termios
        import tty

        fd = sys.stdin.fileno()
        saved = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd)  # before the prompt, so a key typed at once is not held back
            sys.stdout.write(prompt)
            sys.stdout.flush()
            ch = sys.stdin.read(1)
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        sys.stdout.write(ch + "\n")
        return ch.lower() if ch != "\x03" else "q"

    def line(self, prompt: str) -> str:
        sys.stdout.write(prompt)
        sys.stdout.flush()
        text = sys.stdin.readline()
        if not self.terminal:
            sys.stdout.write("\n")
        return text.strip()


def dial(
    ctx: typer.Context,
    limit: Annotated[int, limit_option("Prospects in the block.")] = 10,
    stage: Annotated[
        str | None,
        typer.Option("--stage", metavar="STAGE", help="Only this stage.", click_type=stage_name()),
    ] = None,
    segment: Annotated[
        str | None, typer.Option("--segment", metavar="TIER", help="Only this segment (A, B...).")
    ] = None,
    cadence: Annotated[
        str | None,
        typer.Option(
            "--cadence",
            metavar="RULE",
            help="Set and keep the retry rule, e.g. 'days=2,morning=10:00,afternoon=16:00'.",
        ),
    ] = None,
    view: Annotated[
        str | None,
        typer.Option(
            "--view",
            metavar="NAME",
            help="Call the prospects of a saved prospect list view, in its order.",
        ),
    ] = None,
) -> None:
    """A call block: the next prospects one by one, brief on screen, one key per outcome.

    Keys: n no answer, b busy, v voicemail, w wrong number, g gatekeeper, c connected,
    m meeting set, k callback, x not interested, r referred; s skip, p back, q quit.
    Then intel, a win and the next step (Enter skips; after an unreached attempt the
    cadence books the next try).

    Example: salestrack dial --limit 20 --stage qualified
    """
    from salestrack import clock, config, dates
    from salestrack.capture import dial as service
    from salestrack.cli.log import confirmation
    from salestrack.intel import brief
    from salestrack.output import brief as shown
    from salestrack.output.console import text_width
    from salestrack.store.sql import read

    target, tz = config.resolve(), dates.local_tz()
    if cadence is not None:
        from salestrack.store.sql import write

        with write(target) as store:
            rule = service.set_cadence(store, cadence, now=clock.now())
        sys.stdout.write(f"cadence: retry after {rule['days']} business days, at "
                         f"{rule['morning']} or {rule['afternoon']}\n")  # fmt: skip
    chosen: list[str] | None = None
    if view is not None:
        if stage is not None or segment is not None:
            from salestrack.errors import UsageError

            raise UsageError("--view: the view says which prospects; leave out --stage/--segment")
        from salestrack.cli.view import prospects_of

        chosen = prospects_of(ctx, view, limit)
    with read(target) as r:
        if stage is not None:
            from salestrack.capture.prospects import check_stage

            stage = check_stage(r, stage, "--stage")
        names = (
            chosen
            if chosen is not None
            else service.queue(r, now=clock.now(), tz=tz, limit=limit, stage=stage, segment=segment)
        )
        rule = service.cadence(r)
        tally = service.Tally(usual=service.usual_rates(r, now=clock.now()))
    if not names:
        sys.stdout.write("nobody to call in this block (salestrack next shows the queue)\n")
        return
    keys = Keys()
    width = text_width()
    menu = "  ".join(f"{k} {v.replace('_', ' ')}" for k, v in service.KEYS.items())
    sys.stdout.write(
        f"Call block: {len(names)} prospects. Keys: {menu} · s skip · p back · q quit\n"
    )
    i = 0
    try:
        while i < len(names):
            name = names[i]
            with read(target) as r:
                b = brief.build(r, name, now=clock.now(), tz=tz, owner=config.whose_rows())
            screen = shown.as_text(b, now=clock.now(), width=width)
            sys.stdout.write(f"\n[{i + 1}/{len(names)}] " + screen)
            started = time.monotonic()
            key = keys.key("outcome> ")
            if key == "q":
                break
            if key == "s":
                i += 1
                continue
            if key == "p":
                i = max(0, i - 1)
                continue
            if key not in service.KEYS:
                sys.stdout.write("  that key does nothing here; see the keys above\n")
                continue
            outcome = service.KEYS[key]
            seconds = max(1, round(time.monotonic() - started))
            saved = _capture(keys, name, outcome, seconds, rule, tz=tz)
            if saved is None:
                continue
            _said(confirmation(saved), width)
            tally.add(outcome, saved.reached, saved.wins)
            _said(tally.line(), width)
            i += 1
    except (KeyboardInterrupt, EOFError):
        pass
    sys.stdout.write(f"\nblock over. {tally.line()}\n")


def _said(text: str, width: int | None) -> None:
    """A line of the block, two in, wrapped with its further lines under its text."""
    from salestrack.output.show import hanging

    sys.stdout.write("\n".join(hanging("", text, indent=2, width=width)) + "\n")


def _capture(
    keys: Keys, name: str, outcome: str, seconds: int, rule: dict[str, Any], *, tz: Any
) -> Any:
    """Ask for intel, a win and the next step; write the call. None when it was refused."""
    from salestrack import clock
    from salestrack.capture import capture
    from salestrack.capture import dial as service
    from salestrack.cli.log import record
    from salestrack.errors import SalestrackError

    intel = keys.line("  intel (kind: fact, Enter to skip)> ")
    win = keys.line("  win (Enter to skip)> ")
    unreached = outcome in service.UNREACHED
    hint = "Enter: try again by the cadence" if unreached else "Enter: none"
    action = keys.line(f"  next step ({hint})> ")
    due = keys.line("  due (e.g. tue 10am)> ") if action else None
    now = clock.now()
    if not action and unreached:
        action, due = "call again", service.next_attempt(now, rule, tz).isoformat()
    request = capture.CaptureRequest(
        kind="call", prospect=name, outcome=outcome, duration=f"{seconds}s",
        intel=[intel] if intel else [], wins=[win] if win else [],
        next_action=action or None, due=due or None,
    )  # fmt: skip
    try:
        return record(request, now=now)
    except SalestrackError as exc:
        sys.stdout.write(f"  not saved: {exc.message}; try this prospect again\n")
        return None
