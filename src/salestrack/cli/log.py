"""``salestrack log call|email|meeting|task|note PROSPECT``: capture right after it happens.

The hot path: on SQLite this imports neither SQLAlchemy nor Rich.
"""

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, ClassVar

import typer

from salestrack import vocab
from salestrack.cli.lazy import Lazy, LazyGroup
from salestrack.cli.options import AtOpt, NoteOpt, ProspectArg, TagsOpt, choice

if TYPE_CHECKING:
    from datetime import datetime

    from salestrack.capture.capture import CaptureRequest, CaptureResult


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


class LogGroup(LazyGroup):
    """``log``: only the kind that was typed gets built."""

    lazy: ClassVar[dict[str, Lazy]] = {
        kind: Lazy("salestrack.cli.log", kind, f"Log {_a(kind)}.") for kind in vocab.KINDS
    }


app = typer.Typer(
    cls=LogGroup,
    help="Log a call, email, meeting, task or note right after it happens.",
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
)


@app.callback()
def log() -> None:
    """Log a call, email, meeting, task or note right after it happens."""


_EXAMPLES = {
    "call": "salestrack log call Acme --outcome gatekeeper --intel 'gatekeeper: Sue' "
    "--win \"learned the gatekeeper's name\" --next 'call back' --due 'tue 10am'",
    "email": "salestrack log email Acme --note 'sent the case study' --next 'follow up' --due eow",
    "meeting": "salestrack log meeting Acme --outcome held --duration 45m --contact 'Dana Ruiz'",
    "task": "salestrack log task Acme --note 'researched their Q3 numbers'",
    "note": "salestrack log note Acme --note 'expanding to Leeds next year'",
}


def _outcome_help(kind: str) -> str:
    outcomes = vocab.OUTCOMES[kind]
    if not outcomes:
        return "Notes have no outcome."
    shown = ", ".join(o.replace("_", "-") for o in outcomes)
    default = vocab.DEFAULT_OUTCOME.get(kind)
    tail = " Required." if kind == "call" else f" Default: {default}." if default else ""
    return f"What it led to: {shown}.{tail}"


def _make(kind: str) -> Callable[..., None]:
    # notes have no outcome and only calls and meetings reach someone: capture says so
    outcome_choice = (
        choice("--outcome", lambda: vocab.OUTCOMES[kind], f"{kind} outcome")
        if vocab.OUTCOMES[kind]
        else {}
    )
    reached_choice = (
        choice("--reached", lambda: vocab.REACHED, "reached value")
        if kind in ("call", "meeting")
        else {}
    )

    def command(
        prospect: ProspectArg,
        outcome: Annotated[
            str | None,
            typer.Option(
                "--outcome", "-o", metavar="OUTCOME", help=_outcome_help(kind), **outcome_choice
            ),
        ] = None,
        reached: Annotated[
            str | None,
            typer.Option(
                "--reached",
                "-r",
                metavar="WHO",
                help="Who picked up: nobody, voicemail, gatekeeper, wrong-person, "
                "decision-maker. Calls default to what the outcome implies.",
                **reached_choice,
            ),
        ] = None,
        at: AtOpt = None,
        duration: Annotated[
            str | None,
            typer.Option("--duration", "-d", metavar="DURATION", help="How long: 90s, 5m, 1h30m."),
        ] = None,
        note: NoteOpt = None,
        contact: Annotated[
            str | None,
            typer.Option(
                "--contact", "-c", metavar="NAME", help="Who you dealt with (created if new)."
            ),
        ] = None,
        next_action: Annotated[
            str | None, typer.Option("--next", metavar="ACTION", help="The next step to take.")
        ] = None,
        due: Annotated[
            str | None,
            typer.Option(
                "--due",
                metavar="WHEN",
                help="When the next step is due: 'tomorrow 9am', 'fri', 'eow'.",
            ),
        ] = None,
        win: Annotated[
            list[str] | None,
            typer.Option("--win", "-w", metavar="TEXT", help="A small win (repeatable)."),
        ] = None,
        intel: Annotated[
            list[str] | None,
            typer.Option(
                "--intel",
                "-i",
                metavar="KIND: FACT",
                help="A fact learned, 'kind: value' (repeatable). Kinds: "
                + ", ".join(k.replace("_", " ") for k in vocab.INTEL_KINDS)
                + ".",
            ),
        ] = None,
        inbound: Annotated[
            bool, typer.Option("--inbound", help="They contacted you (default: outbound).")
        ] = False,
        new: Annotated[
            bool,
            typer.Option(
                "--new",
                help="Add the prospect (and the contact) as typed, even if the name resembles "
                "another.",
            ),
        ] = False,
        quality: Annotated[
            str | None,
            typer.Option(
                "--quality",
                "-q",
                metavar="SCORES",
                help="The conversation's four scores 1-5: value=4,uncovered=3,openness=5,"
                "commitment=2, or in that order 4352.",
            ),
        ] = None,
        uncovered: Annotated[
            str | None,
            typer.Option("--uncovered", metavar="TEXT", help="What the conversation uncovered."),
        ] = None,
        met: Annotated[
            bool | None,
            typer.Option(
                "--met/--missed",
                help="Whether the call met the objective set with 'salestrack intel "
                "PROSPECT --objective'. --met clears the objective; --missed keeps it.",
                show_default=False,
            ),
        ] = None,
        tag: TagsOpt = None,
    ) -> None:
        from salestrack.capture.capture import CaptureRequest

        request = CaptureRequest(
            kind=kind,
            prospect=prospect,
            outcome=outcome,
            reached=reached,
            at=at,
            duration=duration,
            note=note,
            contact=contact,
            next_action=next_action,
            due=due,
            wins=list(win or []),
            intel=list(intel or []),
            direction="inbound" if inbound else "outbound",
            new=new,
            objective_met=met,
            quality=quality,
            uncovered=uncovered,
            tags=list(tag or []),
        )
        run_capture(request)

    command.__doc__ = f"Log {_a(kind)}.\n\nExample: {_EXAMPLES[kind]}"
    command.__name__ = f"log_{kind}"
    # only what applies to the kind is offered: a note has no outcome, and only calls and
    # meetings reach someone, meet an objective and get the four quality scores
    left_out = set() if vocab.OUTCOMES[kind] else {"outcome"}
    if kind not in vocab.TOUCHES:
        left_out |= {"reached", "quality", "uncovered", "met"}
    whole = inspect.signature(command)
    kept = [p for name, p in whole.parameters.items() if name not in left_out]
    command.__signature__ = whole.replace(parameters=kept)  # type: ignore[attr-defined]
    return command


call = _make("call")
email = _make("email")
meeting = _make("meeting")
task = _make("task")
note = _make("note")


def record(request: "CaptureRequest", *, now: "datetime | None" = None) -> "CaptureResult":
    """Validate one capture and write it in its own transaction (log, dial)."""
    from salestrack import clock, config
    from salestrack.capture import capture
    from salestrack.store.sql import write

    now = now or clock.now()
    cap = capture.validate(request, now=now)
    with write(config.resolve()) as store:
        return capture.record(store, cap, owner=config.rep(), now=now)


def run_capture(request: "CaptureRequest") -> None:
    """Validate, write in one transaction, then confirm on stderr and print the id."""
    from salestrack.output.console import emit, say

    result = record(request)
    say(confirmation(result))
    for warning in result.warnings:
        say(f"note: {warning}")
    emit(str(result.activity_id))


def confirmation(result: "CaptureResult") -> str:
    """One line: what was logged, for whom, and what it set in motion."""
    from salestrack.output import show

    created = " (new prospect)" if result.prospect_created else ""
    parts = [f"logged {result.kind}", result.prospect + created]
    if result.outcome:
        outcome = show.word(result.outcome)
        if result.reached and result.reached not in (result.outcome, "nobody"):
            outcome += f", reached {show.word(result.reached)}"
        parts.append(outcome)
    if result.contact:
        new_contact = " (new contact)" if result.contact_created else ""
        parts.append(f"with {result.contact}{new_contact}")
    if result.duration_s:
        parts.append(show.duration(result.duration_s))
    if result.steps_closed:
        parts.append(f"{result.steps_closed} next step done")
    if result.next_action:
        due = f" due {show.when(result.due_at)}" if result.due_at else ""
        parts.append(f"next: {result.next_action}{due}")
    if result.objective is not None:
        state = {True: "met", False: "missed", None: "not marked; --met or --missed"}
        parts.append(f"objective {state[result.objective_met]}")
    if result.quality is not None:
        parts.append("quality " + "/".join(map(str, result.quality)))
    if result.wins:
        parts.append(show.count(result.wins, "win"))
    if result.intel:
        parts.append(f"{result.intel} intel")
    if result.tags:
        parts.append("tagged " + " ".join(result.tags))
    parts.append(f"id {show.short_id(result.activity_id)}")
    return " · ".join(parts)
