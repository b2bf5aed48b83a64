"""The Customer Report Card: at most six behaviours, graded A, B or D each month.

A client uses its own behaviours when it has any, else the default set (behaviours with no
client). Changing a set keeps each behaviour that stays (the same row, moved to its new
place) and retires only those left out (``retired_at``), so past ratings keep their meaning
and a drop is seen across the change. Re-rating a behaviour for a month supersedes the
earlier grade, which is kept as history (``superseded_at``).

A behaviour is the same behaviour wherever its name is (case aside): in a client's own set
and in the default set, and before and after a set changed. A month's grades are counted
once per behaviour, and a month is *complete* when every behaviour on the card it was graded
on has a grade (the card as it stood when the month's last grade was given).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from salestrack.clients.refs import client
from salestrack.errors import InvalidInput
from salestrack.names import clean_name
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

    @property
    def key(self) -> str:
        """What makes two behaviours the same: the name, case and spacing aside."""
        return name_key(self.name)


def name_key(name: str) -> str:
    return " ".join(name.removesuffix(RETIRED).casefold().split())


RETIRED = " (retired)"


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


def default_month(today: date) -> str:
    """The month a report card grades when none is given (``crc rate``, ``crc form``): the
    month just ended, the last one a client can judge whole."""
    return previous_month(today)


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


def _number(text: str) -> bool:
    """Digits as typed on a keyboard (``str.isdigit`` also takes ``²``, which int() refuses)."""
    return text.isascii() and text.isdigit()


def choose_behaviours(texts: list[str]) -> list[str]:
    """``["1", "3", "Knows our market"]``: candidates by number, or free text."""
    chosen: list[str] = []
    for text in texts:
        text = text.strip()
        if _number(text):
            n = int(text) if len(text) <= 3 else 0
            if not 1 <= n <= len(CANDIDATES):
                raise InvalidInput(
                    "BEHAVIOUR", f"{text[:6]} is not a candidate; pick 1 to 12 (--list)"
                )
            text = CANDIDATES[n - 1]
        if not text:
            continue
        text = clean_name("BEHAVIOUR", text)
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
    if _number(text):
        for b in found:
            if len(text) <= 3 and b.position == int(text):
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
    cards: dict[str, int] = field(default_factory=dict)  # month -> behaviours on its card

    def graded(self, month: str) -> int:
        return sum(m == month for (m, _) in self.grades)

    def card(self, month: str) -> int:
        """How many behaviours the month's card had (never fewer than were graded)."""
        return max(self.cards.get(month, len(self.current())), self.graded(month))

    def complete(self, month: str) -> bool:
        return self.graded(month) >= self.card(month)

    def current(self) -> list[Behaviour]:
        return [b for b in self.behaviours if not b.name.endswith(RETIRED)]

    def count(self, month: str, grade: str) -> int:
        """How many of the month's grades are ``grade``."""
        return sum(m == month and g == grade for (m, _), (g, _) in self.grades.items())

    def share_a(self, month: str) -> float | None:
        got = self.graded(month)
        return self.count(month, "A") / got if got else None

    def comments(self, month: str) -> list[tuple[Behaviour, str, str]]:
        """The month's comments: (behaviour, grade, comment), in the card's order."""
        return [
            (b, g[0], g[1])
            for b in self.behaviours
            if (g := self.grades.get((month, b.id))) is not None and g[1]
        ]

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
                row[f"b{b.position}_comment"] = g[1] if g else None
            row["graded"] = self.graded(month)
            row["behaviours"] = self.card(month)
            row["complete"] = self.complete(month)
            share = self.share_a(month)
            row["share_a"] = None if share is None else round(share, 4)
            out.append(row)
        return out


@dataclass(frozen=True)
class _Set:
    """Every behaviour a client's card has had: its own (``own``) and the default set's."""

    rows: list[tuple[uuid.UUID, str, int, bool, datetime | None, datetime | None]]

    def size_at(self, at: datetime) -> int | None:
        """How many behaviours were on the card at ``at`` (own set first), None if none."""

        def live(own: bool) -> int:
            return sum(
                1
                for _, _, _, o, made, gone in self.rows
                if o == own and (made is None or made <= at) and (gone is None or gone > at)
            )

        return live(True) or live(False) or None


def _every_behaviour(reader: Store, prospect_id: uuid.UUID) -> _Set:
    return _Set(
        [
            (uid(i), str(n), int(p), o is not None, when(c), when(r))
            for i, n, p, o, c, r in reader.rows(
                "SELECT id, name, position, prospect_id, created_at, retired_at FROM behaviours "
                "WHERE prospect_id = :id OR prospect_id IS NULL",
                id=prospect_id,
            )
        ]
    )


def grid(reader: Store, prospect_id: uuid.UUID, months: list[str]) -> Grid:
    """The months by the card's behaviours; grades of a behaviour no longer on the card show
    after the current ones, marked retired, unless a current one has its name (then they
    are its grades: the same behaviour)."""
    found, _ = behaviours(reader, prospect_id)
    every = _every_behaviour(reader, prospect_id)
    by_id = {i: (n, p) for i, n, p, _, _, _ in every.rows}
    current = {b.key: b for b in found}
    grades: dict[tuple[str, uuid.UUID], tuple[str, str | None]] = {}
    latest: dict[tuple[str, uuid.UUID], datetime] = {}
    last_rated: dict[str, datetime] = {}
    extra: dict[str, Behaviour] = {}
    if months:
        marks = ", ".join(f":m{i}" for i in range(len(months)))
        for month, bid, grade, comment, rated in reader.rows(
            "SELECT month, behaviour_id, grade, comment, rated_at FROM ratings "
            f"WHERE prospect_id = :id AND superseded_at IS NULL AND month IN ({marks})",
            id=prospect_id,
            **{f"m{i}": m for i, m in enumerate(months)},
        ):
            bid, at = uid(bid), when(rated) or datetime.min.replace(tzinfo=UTC)
            name, position = by_id.get(bid, ("?", 0))
            key = name_key(name)
            b = current.get(key)
            if b is None:
                b = extra.setdefault(key, Behaviour(bid, f"{name}{RETIRED}", 10 + position))
            cell = (month, b.id)
            if cell not in latest or at >= latest[cell]:  # one grade per behaviour a month
                grades[cell], latest[cell] = (grade, comment), at
            if month not in last_rated or at > last_rated[month]:
                last_rated[month] = at
    found += sorted(extra.values(), key=lambda b: b.position)
    cards = {m: size for m, at in last_rated.items() if (size := every.size_at(at)) is not None}
    return Grid(found, months, grades, cards)


def summary(reader: Store, prospect_id: uuid.UUID, months: list[str]) -> list[dict[str, Any]]:
    """Per month rated: how many grades of how many behaviours on the card (``complete`` when
    every one was graded), the share of A, how many D, and the comments."""
    return summarise(grid(reader, prospect_id, months), months)


def summarise(g: Grid, months: list[str]) -> list[dict[str, Any]]:
    """:func:`summary` of a grid already read."""
    out = []
    for month in months:
        got = [grade for (m, _), (grade, _) in g.grades.items() if m == month]
        if got:
            out.append(
                {
                    "month": month,
                    "ratings": len(got),
                    "behaviours": g.card(month),
                    "complete": g.complete(month),
                    "share_a": round(got.count("A") / len(got), 4),
                    "d": got.count("D"),
                    "comments": [
                        {"behaviour": b.name, "grade": grade, "comment": text}
                        for b, grade, text in g.comments(month)
                    ],
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
    kept: int = 0  # of those, how many were on the card already (the same rows)
    retired: int = 0  # how many left the card


@dataclass(frozen=True)
class Rated:
    client: str
    month: str
    grades: list[str]  # "1=A", in the order given


@dataclass(frozen=True)
class Report:
    client: str
    grid: Grid
    # your reply time in the client's email threads by month (reports/replies.py), and the
    # behaviour it measures, when the card has one (see :func:`prompt_behaviour`)
    replies: dict[str, Any] = field(default_factory=dict)
    prompt: Behaviour | None = None


@dataclass(frozen=True)
class Form:
    client: str
    behaviours: list[Behaviour]


def set_behaviours(
    store: Store, typed: str | None, texts: list[str] | None, *, owner: str, now: datetime
) -> BehaviourSet:
    """Show, or with ``texts`` replace, the behaviours of a client or of the default set.

    A behaviour that stays on the card (the same name, case aside) stays the same row, moved
    to its new position; those left out are retired (their ratings are kept); the new ones
    are added. A client moving off the default set retires nothing.
    """
    ref = client(store, typed) if typed else None
    pid = ref.id if ref else None
    current, own = behaviours(store, pid)
    if not texts:
        return BehaviourSet(ref.name if ref else None, current, own)
    chosen = choose_behaviours(texts)
    staying = {b.key: b for b in current} if own or ref is None else {}
    wanted = {name_key(t) for t in chosen}
    retired = [b for b in staying.values() if b.key not in wanted]
    for b in retired:
        store.update("behaviours", b.id, {"retired_at": now, "updated_at": now})
    kept = 0
    for position, text in enumerate(chosen, 1):
        old = staying.get(name_key(text))
        if old is not None:
            kept += 1
            if (old.position, old.name) != (position, text):
                store.update(
                    "behaviours", old.id, {"position": position, "name": text, "updated_at": now}
                )
            continue
        store.insert(
            "behaviours",
            {"id": uuid.uuid4(), "owner": owner, "created_at": now, "updated_at": now,
             "prospect_id": pid, "name": text, "position": position, "retired_at": None},
        )  # fmt: skip
    current, own = behaviours(store, pid)
    return BehaviourSet(ref.name if ref else None, current, own, len(chosen), kept, len(retired))


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


@dataclass(frozen=True)
class FilledForm:
    """A filled-in form read back: its graded lines and the month it says it grades."""

    pairs: list[Pair]
    month: str | None  # None: a form without a month column (written before forms had one)


def read_form(path: Path, *, today: date) -> FilledForm:
    """The graded lines of a filled-in form (CSV from ``crc form -f csv``) and its month."""
    import csv

    from salestrack.errors import UsageError

    pairs: list[Pair] = []
    months: set[str] = set()
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            for n, row in enumerate(reader, 2):
                month = (row.get("month") or "").strip()
                if month:
                    months.add(_form_month(month, n, today))
                if not (row.get("grade") or "").strip():
                    continue
                which = (row.get("behaviour") or row.get("name") or "").strip()
                if not which:
                    raise InvalidInput("--file", f"line {n}: no behaviour number or name")
                pairs.append((which, row["grade"], (row.get("comment") or "").strip() or None))
            has_month = "month" in (reader.fieldnames or [])
    except OSError as exc:
        raise UsageError(f"--file: can't read '{path}' ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InvalidInput("--file", f"'{path}' is not UTF-8 text; save the form as CSV") from None
    if len(months) > 1:
        raise InvalidInput(
            "--file", f"the form grades more than one month ({', '.join(sorted(months))}); "
            "rate one month a form",
        )  # fmt: skip
    if has_month and not months:
        raise InvalidInput("--file", "the form's month column is empty; write it like 2026-11")
    return FilledForm(pairs, months.pop() if months else None)


def _form_month(text: str, line: int, today: date) -> str:
    """A form's month cell: ``2026-11``, or a date in it (``2026-11-01``, as a spreadsheet
    may save it)."""
    if len(text) == 10 and text[7] == "-" and text[8:].isdigit():
        text = text[:7]
    try:
        return check_month(text, today=today)
    except InvalidInput as exc:
        reason = exc.message.removeprefix(f"{exc.field}: ")
        raise InvalidInput("--file", f"line {line}: {reason}") from None


def rating_month(typed: str | None, form: FilledForm | None, *, today: date) -> str:
    """The month grades go to: ``--month``, else the form's own month, else the default.

    A ``--month`` that differs from the form's month is refused, and so is a form that does
    not say its month with no ``--month``: grades never land in a month nobody named.
    """
    month = check_month(typed, today=today) if typed else None
    if form is not None and form.month is not None:
        if month is not None and month != form.month:
            raise InvalidInput(
                "--month",
                f"the form grades {form.month}, not {month}; "
                f"drop --month, or send a new form: salestrack crc form CLIENT --month {month}",
            )
        return form.month
    if form is not None and month is None:
        raise InvalidInput(
            "--file", "the form does not say which month it grades; add --month YYYY-MM"
        )
    return month or default_month(today)


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
        for old_id, name in store.rows(
            "SELECT r.id, b.name FROM ratings r JOIN behaviours b ON b.id = r.behaviour_id "
            "WHERE r.prospect_id = :p AND r.month = :m AND r.superseded_at IS NULL",
            p=ref.id, m=month,
        ):  # fmt: skip
            if name_key(name) == b.key:  # this behaviour, or one of its name off the card
                store.update("ratings", uid(old_id), {"superseded_at": now, "updated_at": now})
        store.insert(
            "ratings",
            {"id": uuid.uuid4(), "owner": owner, "created_at": now, "updated_at": now,
             "prospect_id": ref.id, "behaviour_id": b.id, "month": month, "grade": grade,
             "comment": comment, "rated_at": now, "superseded_at": None},
        )  # fmt: skip
        done.append(f"{b.position}={grade}")
    return Rated(ref.name, month, done)


def prompt_behaviour(found: list[Behaviour]) -> Behaviour | None:
    """The behaviour the measured reply time stands beside: "Returns calls and emails
    promptly" (any wording with "promptly" in it)."""
    return next((b for b in found if "promptly" in b.key), None)


def monthly_replies(store: Store, prospect_id: uuid.UUID, months: list[str]) -> dict[str, Any]:
    """Your reply time to the client (median, worst, how many answered) in each of
    ``months`` (your local months) that had an answer."""
    from salestrack import dates
    from salestrack.figures import ResponseTime
    from salestrack.reports import replies

    if not months:
        return {}
    tz = dates.local_tz()

    def start(month: str) -> datetime:
        year, number = (int(x) for x in month.split("-"))
        return datetime(year, number, 1, tzinfo=tz)

    last = start(months[-1])
    end = datetime(last.year + last.month // 12, last.month % 12 + 1, 1, tzinfo=tz)
    by_month: dict[str, list[Any]] = {}
    for a in replies.answers(store, start=start(months[0]), end=end, prospect_id=prospect_id):
        by_month.setdefault(f"{a.answered_at.astimezone(tz):%Y-%m}", []).append(a)
    return {
        m: replies.times(found, ResponseTime.YOURS)
        for m, found in sorted(by_month.items())
        if m in months
    }


def report(store: Store, typed: str, months: list[str]) -> Report:
    """The client's grades for ``months``: a grid of months by behaviours, with your
    measured reply time beside "returns calls and emails promptly"."""
    from salestrack.store import lookup

    ref = lookup.find_prospect(store, typed)
    g = grid(store, ref.id, months)
    return Report(
        ref.name, g, monthly_replies(store, ref.id, months), prompt_behaviour(g.behaviours)
    )


def form(store: Store, typed: str) -> Form:
    """What a blank form for the client lists: the behaviours it grades."""
    from salestrack.store import lookup

    ref = lookup.find_prospect(store, typed)
    current, _ = behaviours(store, ref.id)
    return Form(ref.name, current)
