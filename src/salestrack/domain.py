"""Value types every layer passes around (the store returns them; the jobs use them)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Ref:
    """A row found by name."""

    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class Fact:
    """An intel fact as capture needs it."""

    id: uuid.UUID
    kind: str
    value: str
    learned_at: datetime
    current: bool
