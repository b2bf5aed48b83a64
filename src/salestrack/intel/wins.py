"""Small wins over a period, and how many came per dial. Stdlib only (a Store)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from salestrack import figures
from salestrack.store.sql import Store, when

SOURCES = {
    "explicit": "yours",
    "new_intel": "new intel",
    "first_gatekeeper": "first gatekeeper name",
    "first_decision_maker": "first decision-maker conversation",
}
#: The labels for more than one ("new intel" and "yours" stay as they are).
PLURALS = {
    "first_gatekeeper": "first gatekeeper names",
    "first_decision_maker": "first decision-maker conversations",
}


@dataclass
class WinsReport:
    start: datetime
    end: datetime
    label: str
    rows: list[dict[str, Any]]
    dials: int

    @property
    def per_dial(self) -> float | None:
        return len(self.rows) / self.dials if self.dials else None

    def summary(self) -> str:
        by = Counter(r["source"] for r in self.rows)
        kinds = ", ".join(
            f"{n} {PLURALS.get(s, SOURCES.get(s, s)) if n != 1 else SOURCES.get(s, s)}"
            for s, n in by.most_common()
        )
        rate = f" ({self.per_dial:.2f} per dial)" if self.per_dial is not None else ""
        noun = "win" if len(self.rows) == 1 else "wins"
        dials = "dial" if self.dials == 1 else "dials"
        text = f"{len(self.rows)} {noun} from {self.dials} {dials} {self.label}{rate}"
        return text + (f": {kinds}" if kinds else "")


def period(choice: str, *, now: datetime, tz: tzinfo) -> tuple[datetime, str]:
    """The start of ``today`` or ``week`` (Monday 00:00) in local time."""
    local = now.astimezone(tz)
    midnight = datetime.combine(local.date(), datetime.min.time(), tz)
    if choice == "today":
        return midnight, "today"
    return midnight - timedelta(days=local.weekday()), "this week"


def report(reader: Store, *, start: datetime, end: datetime, label: str) -> WinsReport:
    rows = [
        {"won_at": when(w), "prospect": p, "text": t, "source": s}
        for w, p, t, s in reader.rows(
            "SELECT w.won_at, p.name, w.text, w.source FROM wins w "
            "JOIN prospects p ON p.id = w.prospect_id "
            "WHERE w.won_at >= :start AND w.won_at <= :end ORDER BY w.won_at, p.name",
            start=start,
            end=end,
        )
    ]
    dials = reader.one(
        f"SELECT count(*) FROM activities WHERE {figures.DIAL.sql()} "
        "AND occurred_at >= :start AND occurred_at <= :end",
        start=start,
        end=end,
    )
    return WinsReport(start, end, label, rows, int(dials[0]) if dials else 0)
