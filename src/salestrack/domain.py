"""Value types every layer passes around (the store returns them; the jobs use them)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import NamedTuple


# NamedTuples here, not frozen dataclasses: capture's start-up (docs/architecture.md)
class Ref(NamedTuple):
    """A row found by name."""

    id: uuid.UUID
    name: str


class Fact(NamedTuple):
    """An intel fact as capture needs it."""

    id: uuid.UUID
    kind: str
    value: str
    learned_at: datetime
    current: bool
