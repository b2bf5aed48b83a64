"""The Customer Report Card: at most six behaviours, graded A, B or D each month.

A client uses its own behaviours when it has any, else the default set (behaviours with no
client). Changing a set retires the old behaviours (``retired_at``), so past ratings keep
their meaning. Re-rating a behaviour for a month supersedes the earlier grade, which is kept
as history (``superseded_at``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from salestrack.clients.refs import client
from salestrack.errors import InvalidInput
from salestrack.store.sql import Store, uid, when

MAX_BEHAVIOURS = 6
GRADES = ("A", "B", "D")
CANDIDATES = (
    "Listens actively and asks clarifying questions",
    "Is genuinely interested in my problems",
    "Returns calls and emails promptly",
    "Takes time to know me personally",
    "Never breaks a promise",
    "Speaks plain language, not jargon",
    "Helps solve problems in my organisation",
    "Proactively sends useful information",
    "Says sorry when they get it wrong",
    "Acts like a business partner",
    "Is my champion inside their company",
    "Recovers from service blunders fast",
)
_RANK = {"A": 3, "B": 2, "D": 1}


@dataclass(frozen=True)
class Behaviour:
    id: uuid.UUID
    name: str
    position: int


def months_between(start: datetime, end: datetime) -> list[str]:
    """The months (YYYY-MM) a period touches, in order."""
    months = []
    year, month = start.year, start.month
    last = (end.year, end.month) if end.day > 1 or end.hour or end.minute else _before(end)
    while (year, month) <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _before(day: date) -> tuple[int, int]:
    """The (year, month) before ``day``'s month."""
    return (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)


def last_months(today: date, n: int) -> list[str]:
    """The ``n`` months (YYYY-MM) up to and including ``today``'s, oldest first."""
    found = [f"{today.year:04d}-{today.month:02d}"]
    year, month = today.year, today.month
    while len(found) < n:
        year, month = _before(date(year, month, 1))
        found.append(f"{year:04d}-{month:02d}")
    return found[::-1]


def previous_month(today: date) -> str:
    year, month = _before(today)
    return f"{year:04d}-{month:02d}"


def check_month(text: str, *, today: date) -> str:
    text = text.strip()
    try:
        year, month = int(text[:4]), int(text[5:7])
        valid = len(text) == 7 and text[4] == "-" and 1 <= month <= 12
    except ValueError:
        valid = False
    if not valid:
        raise InvalidInput("--month", f"'{text}' is not a month; write it like 2026-11")
    if (year, month) > (today.year, today.month):
        raise InvalidInput("--month", f"{text} has not started yet; rate a month once it has")
    return text


def behaviours(reader: Store, prospect_id: uuid.UUID | None) -> tuple[list[Behaviour], bool]:
    """The client's behaviours (or the default set), and whether they are the client's own."""
    own = []
    if prospect_id is not None:
        own = reader.rows(
            "SELECT id, name, position FROM behaviours WHERE prospect_id = :id "
            "AND retired_at IS NULL ORDER BY position",
            id=prospect_id,
        )
    if own:
        return [Behaviour(uid(i), n, int(p)) for i, n, p in own], True
    rows = reader.rows(
        "SELECT id, name, position FROM behaviours WHERE prospect_id IS NULL "
        "AND retired_at IS NULL ORDER BY position"
    )
    return [Behaviour(uid(i), n, int(p)) for i, n, p in rows], False


def choose_behaviours(texts: list[str]) -> list[str]:
    """``["1", "3", "Knows our market"]``: candidates by number, or free text."""
    chosen: list[str] = []
    for text in texts:
        text = text.strip()
        if text.isdigit():
            n = int(text)
            if not 1 <= n <= len(CANDIDATES):
                raise InvalidInput("BEHAVIOUR", f"{n} is not a candidate; pick 1 to 12 (--list)")
            text = CANDIDATES[n - 1]
        if not text:
            continue
        if text.casefold() in (c.casefold() for c in chosen):
            raise InvalidInput("BEHAVIOUR", f"'{text}' is listed twice")
        chosen.append(text)
    if not chosen:
        raise InvalidInput("BEHAVIOUR", "give at least one behaviour")
    if len(chosen) > MAX_BEHAVIOURS:
        raise InvalidInput(
            "BEHAVIOUR",
            f"{len(chosen)} behaviours; a report card keeps at most {MAX_BEHAVIOURS}, "
            "so pick the six that matter most to this client",
        )
    return chosen


def pick(found: list[Behaviour], typed: str) -> Behaviour:
    """A behaviour by its position (1-6) or the start of its name."""
    text = typed.strip()
    if text.isdigit():
        for b in found:
            if b.position == int(text):
                return b
        raise InvalidInput("BEHAVIOUR", f"no behaviour {text}; the card has 1 to {len(found)}")
    matches = [b for b in found if b.name.casefold().startswith(text.casefold())]
    if len(matches) == 1:
        return matches[0]
    listed = "; ".join(f"{b.position} {b.name}" for b in found)
    if matches:
        raise InvalidInput("BEHAVIOUR", f"'{typed}' fits {len(matches)} behaviours: {listed}")
    raise InvalidInput("BEHAVIOUR", f"no behaviour '{typed}' on this card: {listed}")


def check_grade(text: str) -> str:
    grade = text.strip().upper()
    if grade not in GRADES:
        raise InvalidInput(
            "GRADE", f"'{text}' is not a grade; use A (exceeds), B (meets) or D (below)"
        )
    return grade


@dataclass
class Grid:
    behaviours: list[Behaviour]
    months: list[str]
    grades: dict[tuple[str, uuid.UUID], tuple[str, str | None]]  # (month, behaviour) -> grade

    def share_a(self, month: str) -> float | None:
        got = [g for (m, _), (g, _) in self.grades.items() if m == month]
        return sum(g == "A" for g in got) / len(got) if got else None

    def dropped(self, month: str, b: Behaviour) -> bool:
        i = self.months.index(month)
        if i == 0:
            return False
        now_g = self.grades.get((month, b.id))
        before = self.grades.get((self.months[i - 1], b.id))
        return bool(now_g and before and _RANK[now_g[0]] < _RANK[before[0]])

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for month in self.months:
            row: dict[str, Any] = {"month": month}
            for b in self.behaviours:
                g = self.grades.get((month, b.id))
                row[f"b{b.position}"] = g[0] if g else None
                row[f"b{b.position}_dropped"] = self.dropped(month, b)
            share = self.share_a(month)
            row["share_a"] = None if share is None else round(share, 4)
            out.append(row)
        return out


def grid(reader: Store, prospect_id: uuid.UUID, months: list[str]) -> Grid:
    found, _ = behaviours(reader, prospect_id)
    grades: dict[tuple[str, uuid.UUID], tuple[str, str | None]] = {}
    if months:
        marks = ", ".join(f":m{i}" for i in range(len(months)))
        for month, bid, grade, comment in reader.rows(
            "SELECT month, behaviour_id, grade, comment FROM ratings WHERE prospect_id = :id "
            f"AND superseded_at IS NULL AND month IN ({marks})",
            id=prospect_id,
            **{f"m{i}": m for i, m in enumerate(months)},
        ):
            grades[(month, uid(bid))] = (grade, comment)
    ids = {b.id for b in found}
    # ratings of retired behaviours still show, after the current ones
    extra = {bid for (_, bid) in grades if bid not in ids}
    if extra:
        marks = ", ".join(f":b{i}" for i in range(len(extra)))
        for i, n, p in reader.rows(
            f"SELECT id, name, position FROM behaviours WHERE id IN ({marks}) ORDER BY position",
            **{f"b{i}": b for i, b in enumerate(extra)},
        ):
            found.append(Behaviour(uid(i), f"{n} (retired)", 10 + int(p)))
    return Grid(found, months, grades)


def summary(reader: Store, prospect_id: uuid.UUID, months: list[str]) -> list[dict[str, Any]]:
    """Per month rated: how many grades, the share of A, and how many D."""
    g = grid(reader, prospect_id, months)
    out = []
    for month in months:
        got = [grade for (m, _), (grade, _) in g.grades.items() if m == month]
        if got:
            out.append(
                {
                    "month": month,
                    "ratings": len(got),
                    "share_a": round(got.count("A") / len(got), 4),
                    "d": got.count("D"),
                }
            )
    return out


def last_rated(reader: Store, prospect_id: uuid.UUID) -> datetime | None:
    row = reader.one(
        "SELECT max(rated_at) FROM ratings WHERE prospect_id = :id AND superseded_at IS NULL",
        id=prospect_id,
    )
    return when(row[0]) if row else None


# -- the commands' use cases: each takes a Store inside the caller's transaction ------------

Pair = tuple[str, str, str | None]  # (behaviour number or name start, grade, comment)


@dataclass(frozen=True)
class BehaviourSet:
    """The behaviours a client (or, with no client, the default set) is graded on."""

    client: str | None
    current: list[Behaviour]
    own: bool  # the client's own set, not the default one
    chosen: int | None = None  # how many were just set (None: nothing changed)


@dataclass(frozen=True)
class Rated:
    client: str
    month: str
    grades: list[str]  # "1=A", in the order given


@dataclass(frozen=True)
class Report:
    client: str
    grid: Grid


@dataclass(frozen=True)
class Form:
    client: str
    behaviours: list[Behaviour]


def set_behaviours(
    store: Store, typed: str | None, texts: list[str] | None, *, owner: str, now: datetime
) -> BehaviourSet:
    """Show, or with ``texts`` replace, the behaviours of a client or of the default set.

    Replacing a set retires the old behaviours (their ratings are kept); a client moving off
    the default set retires nothing.
    """
    ref = client(store, typed) if typed else None
    pid = ref.id if ref else None
    current, own = behaviours(store, pid)
    if not texts:
        return BehaviourSet(ref.name if ref else None, current, own)
    chosen = choose_behaviours(texts)
    if own or ref is None:
        for b in current:
            store.update("behaviours", b.id, {"retired_at": now, "updated_at": now})
    for position, text in enumerate(chosen, 1):
        store.insert(
            "behaviours",
            {"id": uuid.uuid4(), "owner": owner, "created_at": now, "updated_at": now,
             "prospect_id": pid, "name": text, "position": position, "retired_at": None},
        )  # fmt: skip
    current, own = behaviours(store, pid)
    return BehaviourSet(ref.name if ref else None, current, own, len(chosen))


def parse_grades(specs: list[str]) -> list[Pair]:
    """``["1=A", "3=D:slow replies"]`` -> ``[("1", "A", None), ("3", "D", "slow replies")]``."""
    pairs: list[Pair] = []
    for spec in specs:
        which, sep, rest = spec.partition("=")
        if not sep:
            raise InvalidInput("GRADES", f"'{spec}': write behaviour=grade, e.g. 1=A")
        grade, _, remark = rest.partition(":")
        pairs.append((which, grade, remark.strip() or None))
    return pairs


def read_form(path: Path) -> list[Pair]:
    """The graded lines of a filled-in form (CSV from ``crc form -f csv``)."""
    import csv

    from salestrack.errors import UsageError

    pairs: list[Pair] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for n, row in enumerate(csv.DictReader(handle), 2):
                if not (row.get("grade") or "").strip():
                    continue
                which = (row.get("behaviour") or row.get("name") or "").strip()
                if not which:
                    raise InvalidInput("--file", f"line {n}: no behaviour number or name")
                pairs.append((which, row["grade"], (row.get("comment") or "").strip() or None))
    except OSError as exc:
        raise UsageError(f"--file: can't read '{path}' ({exc.strerror})") from None
    return pairs


def rate(
    store: Store, typed: str, pairs: list[Pair], *, month: str, owner: str, now: datetime
) -> Rated:
    """Record grades for ``month``; a grade already given that month is superseded (kept)."""
    ref = client(store, typed)
    current, _ = behaviours(store, ref.id)
    if not current:
        raise InvalidInput(
            "CLIENT", "no behaviours to grade; set them: salestrack crc behaviours --set 1 ..."
        )
    done = []
    for which, grade_text, comment in pairs:
        b = pick(current, which)
        grade = check_grade(grade_text)
        for (old_id,) in store.rows(
            "SELECT id FROM ratings WHERE prospect_id = :p AND behaviour_id = :b "
            "AND month = :m AND superseded_at IS NULL",
            p=ref.id, b=b.id, m=month,
        ):  # fmt: skip
            store.update("ratings", uid(old_id), {"superseded_at": now, "updated_at": now})
        store.insert(
            "ratings",
            {"id": uuid.uuid4(), "owner": owner, "created_at": now, "updated_at": now,
             "prospect_id": ref.id, "behaviour_id": b.id, "month": month, "grade": grade,
             "comment": comment, "rated_at": now, "superseded_at": None},
        )  # fmt: skip
        done.append(f"{b.position}={grade}")
    return Rated(ref.name, month, done)


def report(store: Store, typed: str, months: list[str]) -> Report:
    """The client's grades for ``months``: a grid of months by behaviours."""
    from salestrack.store import lookup

    ref = lookup.find_prospect(store, typed)
    return Report(ref.name, grid(store, ref.id, months))


def form(store: Store, typed: str) -> Form:
    """What a blank form for the client lists: the behaviours it grades."""
    from salestrack.store import lookup

    ref = lookup.find_prospect(store, typed)
    current, _ = behaviours(store, ref.id)
    return Form(ref.name, current)
