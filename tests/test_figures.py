"""Each definition's Python test and its SQL agree, on every combination, on SQLite and on
PostgreSQL; and the words in docs/reports.md are the ones the definitions produce."""

from __future__ import annotations

import itertools
import random
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from salestrack import figures
from salestrack.store.sql import Store

DOCS = Path(__file__).resolve().parent.parent / "docs" / "reports.md"
DEFINED = [v for v in vars(figures).values() if isinstance(v, figures.Activities)]
# every (kind, direction, reached, outcome), an empty reached and outcome included
EVERY = list(
    itertools.product(
        figures.VALUES["kind"],
        figures.VALUES["direction"],
        (*figures.VALUES["reached"], None),
        (*figures.VALUES["outcome"], None),
    )
)


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    if request.param == "sqlite":
        connection = sqlite3.connect(":memory:")
        yield Store(connection, sqlite=True)
        connection.close()
        return
    import psycopg

    url = request.getfixturevalue("pg_url").replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as connection:
        yield Store(connection, sqlite=False)


def test_every_activity_definition_agrees_with_its_sql_on_every_combination(
    store: Store,
) -> None:
    store.execute(
        "CREATE TEMPORARY TABLE a (i integer, kind text, direction text, reached text, "
        "outcome text)"
    )
    for i, (kind, direction, reached, outcome) in enumerate(EVERY):
        store.execute(
            "INSERT INTO a VALUES (:i, :k, :d, :r, :o)",
            i=i, k=kind, d=direction, r=reached, o=outcome,
        )  # fmt: skip
    assert len(DEFINED) >= 11
    assert len({d.name for d in DEFINED}) == len(DEFINED)  # the reports tally them by name
    for definition in DEFINED:
        by_sql = {int(r[0]) for r in store.rows(f"SELECT i FROM a WHERE {definition.sql()}")}
        by_python = {
            i
            for i, (kind, direction, reached, outcome) in enumerate(EVERY)
            if definition.holds(kind=kind, direction=direction, reached=reached, outcome=outcome)
        }
        assert by_sql == by_python, definition.name
        assert by_python, definition.name  # each counts something
        counted = store.scalar(f"SELECT {definition.count_sql('a')} FROM a")
        assert int(counted) == len(by_python)


def test_the_definitions_say_what_the_docs_say() -> None:
    text = " ".join(DOCS.read_text().split())
    for definition in DEFINED:
        assert definition.describe() in text, definition.name
    assert figures.CONVERSATION.describe() == (
        "outbound calls that reached the decision maker with outcome connected, meeting set, "
        "referred or not interested"
    )
    assert figures.DIAL.describe() == "outbound calls"
    assert " ".join(figures.QualifiedDeal.words.split()) in text
    assert figures.Stay.words in text


def test_inbound_calls_are_not_dials_and_a_conversation_needs_the_decision_maker() -> None:
    def conversation(direction: str, reached: str | None, outcome: str) -> bool:
        return figures.CONVERSATION.holds(
            kind="call", direction=direction, reached=reached, outcome=outcome
        )

    assert conversation("outbound", "decision_maker", "not_interested")
    assert conversation("outbound", "decision_maker", "referred")
    assert not conversation("inbound", "decision_maker", "connected")
    assert not conversation("outbound", "gatekeeper", "connected")
    assert not conversation("outbound", "decision_maker", "callback")
    assert not figures.DIAL.holds(kind="call", direction="inbound", reached=None, outcome=None)
    assert figures.INBOUND_CALL.holds(kind="call", direction="inbound", reached=None, outcome=None)
    with pytest.raises(ValueError, match="not a outcome"):
        figures.DIAL.narrower("x", outcome=("conected",))


T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _histories() -> dict[int, list[figures.Change]]:
    """Hand-made stage histories, then random ones (ties of time included)."""
    h = lambda *steps: [(T0 + timedelta(hours=t), a, b) for t, a, b in steps]  # noqa: E731
    found = {
        0: h((0, None, "lead"), (5, "lead", "lost")),  # a lead disqualified
        1: h((0, None, "lead"), (5, "lead", "qualified"), (9, "qualified", "lost")),
        2: h((0, None, "lead"), (3, "lead", "won")),  # won straight from lead: qualified
        3: h((0, None, "qualified"), (2, "qualified", "lost")),  # created past the first
        4: h((0, None, "lead"), (1, "lead", "meeting"), (2, "meeting", "lead"),
             (4, "lead", "lost")),  # back to lead, then lost: it had got further
        5: h((0, "qualified", "lost"),),  # only the close was imported
        6: h((0, None, "lead"), (4, "lead", "qualified"), (4, "qualified", "proposal"),
             (7, "proposal", "lost")),  # two changes at one time
    }  # fmt: skip
    rng = random.Random(5)
    stages = ["lead", "qualified", "meeting", "proposal", "won", "lost"]
    for pid in range(7, 60):
        at, here, steps = 0, None, []
        for _ in range(rng.randint(1, 6)):
            at += rng.choice((0, 1, 3))
            to = rng.choice(stages)
            steps.append((at, here, to))
            here = to
        found[pid] = h(*steps)
    return found


def test_qualified_deals_and_stays_agree_with_their_sql(store: Store) -> None:
    store.execute(
        "CREATE TEMPORARY TABLE stage_changes (prospect_id integer, changed_at "
        f"{'text' if store.sqlite else 'timestamptz'}, from_stage text, to_stage text)"
    )
    histories = _histories()
    for pid, history in histories.items():
        for at, before, after in history:
            store.execute(
                "INSERT INTO stage_changes VALUES (:p, :at, :f, :t)",
                p=pid, at=at, f=before, t=after,
            )  # fmt: skip
    closes = store.rows(
        "SELECT c.prospect_id, c.changed_at, "
        f"CASE WHEN {figures.QualifiedDeal.sql('c')} THEN 1 ELSE 0 END FROM stage_changes c "
        "WHERE c.to_stage IN ('won', 'lost')",
        first_stage="lead",
    )
    from salestrack.store.sql import when_set

    by_sql = sorted((int(p), when_set(at), bool(q)) for p, at, q in closes)
    by_python = sorted(
        (pid, c[0], figures.QualifiedDeal.holds(history, c, "lead"))
        for pid, history in histories.items()
        for c in history
        if c[2] in ("won", "lost")
    )
    assert by_sql == by_python
    assert [q for p, _, q in by_python if p < 7] == [False, True, True, True, True, True, True]
    stays = store.rows(
        f"SELECT c.prospect_id, c.from_stage, {figures.Stay.entered_sql('c')}, c.changed_at "
        f"FROM stage_changes c WHERE {figures.Stay.ends_sql('c')}"
    )
    by_sql_stays = sorted(
        (int(p), s, when_set(a), when_set(b)) for p, s, a, b in stays if a is not None
    )
    by_python_stays = sorted(
        (pid, *stay) for pid, history in histories.items() for stay in figures.Stay.of(history)
    )
    assert by_sql_stays == by_python_stays
    # prospect 6: lead 0h-4h; qualified entered and left at 4h is no stay of its own (the
    # change before it is at 0h), so qualified runs 0h-4h too; proposal 4h-7h
    assert [s for s in by_python_stays if s[0] == 6] == [
        (6, "lead", T0, T0 + timedelta(hours=4)),
        (6, "proposal", T0 + timedelta(hours=4), T0 + timedelta(hours=7)),
        (6, "qualified", T0, T0 + timedelta(hours=4)),
    ]


def test_a_forward_move() -> None:
    stages = ["lead", "qualified", "meeting", "proposal", "won", "lost"]
    assert figures.forward(stages, "lead", "meeting")  # a skip is forward
    assert figures.forward(stages, "proposal", "won")
    assert not figures.forward(stages, "meeting", "lead")  # backward
    assert not figures.forward(stages, "meeting", "meeting")
    assert not figures.forward(stages, "proposal", "lost")
    assert not figures.forward(stages, None, "qualified")  # created there: not a move
    assert not figures.forward(stages, "retired", "won")  # a stage no longer configured
