"""The qualification checklist: what should be known about a prospect by each stage.

An item is an intel kind that must have a current fact once the prospect has reached the
item's stage. The default is BANT (need is the ``pain`` kind) plus the gatekeeper, the
decision maker and availability; ``meddic`` swaps BANT for MEDDIC. A custom list is saved in
the database's settings (key ``checklist``) as ``[{"kind": ..., "stage": ...}, ...]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from salestrack import vocab
from salestrack.errors import InvalidInput

if TYPE_CHECKING:
    from datetime import datetime

    from salestrack.store.sql import Store

SETTING = "checklist"


@dataclass(frozen=True)
class Item:
    kind: str  # an intel kind
    stage: str  # needed from this stage on

    @property
    def label(self) -> str:
        return "need" if self.kind == "pain" else self.kind.replace("_", " ")


PRESETS: dict[str, tuple[Item, ...]] = {
    name: tuple(Item(kind, stage) for kind, stage in items)
    for name, items in vocab.CHECKLISTS.items()
}


def load(reader: Store) -> tuple[Item, ...]:
    """The checklist in use (the BANT preset when none is set), checked by its rule."""
    from salestrack.store import settings

    return tuple(Item(d["kind"], d["stage"]) for d in settings.value(reader, SETTING))


def current(reader: Store) -> tuple[list[str], tuple[Item, ...]]:
    """The pipeline stages and the checklist in use."""
    from salestrack.store import settings

    return settings.stages(reader), load(reader)


def save(store: Store, items: tuple[Item, ...], *, now: datetime) -> None:
    from salestrack.store import settings

    settings.write(store, SETTING, [{"kind": i.kind, "stage": i.stage} for i in items], now)


def parse(specs: list[str], stages: list[str]) -> tuple[Item, ...]:
    """``["budget@qualified", "competitor"]`` -> items; a bare kind is needed from the start."""
    items: list[Item] = []
    for spec in specs:
        kind_text, _, stage_text = spec.partition("@")
        kind = vocab.choose("ITEM", kind_text, vocab.INTEL_KINDS, what="intel kind")
        stage = stages[0]
        if stage_text.strip():
            stage = vocab.choose("ITEM", stage_text, tuple(stages), what="stage")
        if any(i.kind == kind for i in items):
            raise InvalidInput("ITEM", f"'{kind}' is listed twice; list each kind once")
        items.append(Item(kind, stage))
    if not items:
        raise InvalidInput("ITEM", "give at least one, e.g. budget@qualified")
    return tuple(items)


def missing(items: tuple[Item, ...], stage: str, stages: list[str], known: set[str]) -> list[Item]:
    """The items still unknown at ``stage`` (none once a deal is closed)."""
    if stage in vocab.CLOSED_STAGES:
        return []
    here = stages.index(stage) if stage in stages else 0

    def due(item: Item) -> bool:
        return (stages.index(item.stage) if item.stage in stages else 0) <= here

    return [i for i in items if due(i) and i.kind not in known]
