"""SQLModel tables: the one definition of the schema.

Every row has a stable UUID primary key (lossless import and merging between machines), an
``owner`` (the rep who wrote it, from ``SALESTRACK_REP`` or the login name) and
``created_at``/``updated_at`` in UTC. Times are written as UTC and read back aware.

Changing anything here needs a new Alembic revision in ``store/migrations/versions``; a test
compares the migrated schema with these models.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Dialect, Index, UniqueConstraint, text
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from salestrack import clock, vocab
from salestrack.store.sql import when


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes: ``timestamptz`` on PostgreSQL, UTC text on SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; attach a time zone")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return when(value)


def _now() -> datetime:
    return clock.now()


def _in(column: str, values: tuple[str, ...]) -> str:
    """``kind IN ('call', ...)``: a column held to one of vocab's lists."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def _score(column: str) -> CheckConstraint:
    """``value BETWEEN 1 AND 5``: a conversation score held to :data:`vocab.QUALITY_RANGE`."""
    low, high = vocab.QUALITY_RANGE
    return CheckConstraint(f"{column} BETWEEN {low} AND {high}", f"ck_quality_{column}")


def _source(table: str) -> Index:
    """Where an imported row came from: unique per owner, only over rows that have one."""
    where = text("source_key IS NOT NULL")
    return Index(
        f"uq_{table}_source", "owner", "source_key", unique=True,
        sqlite_where=where, postgresql_where=where,
    )  # fmt: skip


SOURCE_KEY_LENGTH = 200
# every activity but a note is a touch (a partial index over the touches alone)
_TOUCHES: dict[str, Any] = {
    "sqlite_where": text("kind <> 'note'"),
    "postgresql_where": text("kind <> 'note'"),
}


class Row(SQLModel):
    """Columns every table has."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    owner: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class Prospect(Row, table=True):
    """A company or person being sold to; a client once won."""

    __tablename__ = "prospects"
    __table_args__ = (
        UniqueConstraint("owner", "name_key", name="uq_prospects_owner_name"),
        _source("prospects"),
        Index("ix_prospects_stage", "stage", "stage_since", "value"),  # the open stages
        Index(
            "uq_prospects_domain",
            "owner",
            "domain",
            unique=True,
            sqlite_where=text("domain IS NOT NULL"),
            postgresql_where=text("domain IS NOT NULL"),
        ),
    )

    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200, index=True)  # casefolded name, for lookups
    company: str | None = Field(default=None, max_length=200)
    segment: str | None = Field(default=None, max_length=50)  # ideal-customer tier
    stage: str = Field(max_length=50)
    value: float | None = None
    notes: str | None = None
    objective: str | None = None  # the aim set for the next call
    objective_set_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # derived: the latest of its stage changes, kept by a trigger (revision 0006); not exported
    stage_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    source_key: str | None = Field(default=None, max_length=SOURCE_KEY_LENGTH)
    domain: str | None = Field(default=None, max_length=253)  # acme.com: its mail (0010)


class Contact(Row, table=True):
    """A person at a prospect: gatekeeper, decision maker, champion..."""

    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_prospect", "prospect_id"), _source("contacts"))

    prospect_id: uuid.UUID = Field(foreign_key="prospects.id", ondelete="CASCADE")
    name: str = Field(max_length=200)
    role: str | None = Field(default=None, max_length=50)
    title: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=50)
    notes: str | None = None
    source_key: str | None = Field(default=None, max_length=SOURCE_KEY_LENGTH)


# ix_activities_time: the export order (occurred_at, id), then every column the baseline reads
# from the activities of its window, so that window is read from the index alone (0014)
WINDOW_COLUMNS = ("occurred_at", "id", "kind", "direction", "reached", "outcome", "thread_key",
                  "prospect_id")  # fmt: skip


class Activity(Row, table=True):
    """A call, email, meeting, task or note."""

    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_prospect_time", "prospect_id", "occurred_at"),
        Index("ix_activities_time", *WINDOW_COLUMNS),
        Index("ix_activities_created", "created_at"),
        Index("ix_activities_owner_time", "owner", "occurred_at"),  # a rep's window (RLS)
        Index("ix_activities_contact", "contact_id"),
        Index("ix_activities_thread", "thread_key"),  # an email's thread (response times)
        # a prospect's touches (not notes): the touch before a follow-up, one index look-up
        Index("ix_activities_touches", "prospect_id", "occurred_at", "kind", **_TOUCHES),
        _source("activities"),
        CheckConstraint(_in("kind", vocab.KINDS), "ck_kind"),
        CheckConstraint(_in("direction", vocab.DIRECTIONS), "ck_direction"),
        CheckConstraint("reached IS NULL OR " + _in("reached", vocab.REACHED), "ck_reached"),
        CheckConstraint("duration_s IS NULL OR duration_s > 0", "ck_duration"),
    )

    prospect_id: uuid.UUID = Field(foreign_key="prospects.id", ondelete="CASCADE")
    contact_id: uuid.UUID | None = Field(
        default=None, foreign_key="contacts.id", ondelete="SET NULL"
    )
    kind: str = Field(max_length=10)
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    duration_s: int | None = None
    direction: str = Field(default="outbound", max_length=10)
    reached: str | None = Field(default=None, max_length=20)
    outcome: str | None = Field(default=None, max_length=30)
    notes: str | None = None
    objective: str | None = None  # the objective that stood when this call was made
    objective_met: bool | None = None
    source_key: str | None = Field(default=None, max_length=SOURCE_KEY_LENGTH)
    thread_key: str | None = Field(default=None, max_length=SOURCE_KEY_LENGTH)  # imported mail


class StageChange(Row, table=True):
    """A prospect moving between stages: the history step durations come from."""

    __tablename__ = "stage_changes"
    __table_args__ = (
        Index("ix_stage_changes_prospect_time", "prospect_id", "changed_at"),
        # a stay read from the index alone (revision 0009; 0002 indexed changed_at only)
        Index("ix_stage_changes_time", "changed_at", "prospect_id", "from_stage"),
        Index("ix_stage_changes_owner_time", "owner", "changed_at"),
        Index("ix_stage_changes_activity", "activity_id"),
        _source("stage_changes"),
    )

    prospect_id: uuid.UUID = Field(foreign_key="prospects.id", ondelete="CASCADE")
    from_stage: str | None = Field(default=None, max_length=50)
    to_stage: str = Field(max_length=50)
    changed_at: datetime = Field(sa_type=UTCDateTime)
    reason: str | None = None  # e.g. why a deal was lost
    activity_id: uuid.UUID | None = Field(
        default=None, foreign_key="activities.id", ondelete="SET NULL"
    )
    source_key: str | None = Field(default=None, max_length=SOURCE_KEY_LENGTH)


class NextStep(Row, table=True):
    """An action promised to oneself, with a due time; done when the next touch happens."""

    __tablename__ = "next_steps"
    __table_args__ = (
        Index("ix_next_steps_prospect", "prospect_id", "done_at"),
        Index("ix_next_steps_done", "done_at"),
        Index("ix_next_steps_open_due", "done_at", "due_at"),  # open steps by due (today)
        Index("ix_next_steps_due", "due_at"),
        Index("ix_next_steps_owner_done", "owner", "done_at"),
        Index("ix_next_steps_activity", "activity_id"),
        Index("ix_next_steps_done_by", "done_by_activity_id"),
        _source("next_steps"),
    )

    prospect_id: uuid.UUID = Field(foreign_key="prospects.id", ondelete="CASCADE")
    activity_id: uuid.UUID | None = Field(
        default=None, foreign_key="activities.id", ondelete="CASCADE"
    )
    action: str
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_by_activity_id: uuid.UUID | None = None
    source_key: str | None = Field(default=None, max_length=SOURCE_KEY_LENGTH)


class Intel(Row, table=True):
    """A fact learned about a prospect or contact."""

    __tablename__ = "intel"
    __table_args__ = (
        Index("ix_intel_prospect_kind", "prospect_id", "kind"),
        Index("ix_intel_activity", "activity_id"),
    )

    prospect_id: uuid.UUID = Field(foreign_key="prospects.id", ondelete="CASCADE")
    contact_id: uuid.UUID | None = Field(
        default=None, foreign_key="contacts.id", ondelete="SET NULL"
    )
    activity_id: uuid.UUID | None = Field(
        default=None, foreign_key="activities.id", ondelete="CASCADE"
    )
    kind: str = Field(max_length=30)
    value: str
    learned_at: datetime = Field(sa_type=UTCDateTime)
    review_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    superseded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    superseded_by_id: uuid.UUID | None = None


class Win(Row, table=True):
    """A small win: progress that a closed deal alone would hide."""

    __tablename__ = "wins"
    __table_args__ = (
        Index("ix_wins_time", "won_at"),
        Index("ix_wins_owner_time", "owner", "won_at"),
        Index("ix_wins_activity", "activity_id"),
        Index("ix_wins_prospect", "prospect_id"),  # a prospect's wins (the brief)
    )

    prospect_id: uuid.UUID = Field(foreign_key="prospects.id", ondelete="CASCADE")
    activity_id: uuid.UUID | None = Field(
        default=None, foreign_key="activities.id", ondelete="CASCADE"
    )
    text: str
    source: str = Field(default="explicit", max_length=30)  # explicit, new_intel, first_*
    won_at: datetime = Field(sa_type=UTCDateTime)


class Promise(Row, table=True):
    """A promise made to a client: kept (on time or late) or broken."""

    __tablename__ = "promises"
    __table_args__ = (
        Index("ix_promises_prospect", "prospect_id"),
        Index("ix_promises_open_due", "status", "due_at"),  # open promises by due (today)
        CheckConstraint(_in("status", vocab.PROMISE_STATUSES), "ck_promise_status"),
    )

    prospect_id: uuid.UUID = Field(foreign_key="prospects.id", ondelete="CASCADE")
    text: str
    made_at: datetime = Field(sa_type=UTCDateTime)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(default="open", max_length=10)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    notes: str | None = None


class Success(Row, table=True):
    """A success delivered to a client."""

    __tablename__ = "successes"

    prospect_id: uuid.UUID = Field(foreign_key="prospects.id", ondelete="CASCADE", index=True)
    text: str
    delivered_at: datetime = Field(sa_type=UTCDateTime)


class Lesson(Row, table=True):
    """A lesson learned from a failure, with what changes because of it."""

    __tablename__ = "lessons"

    prospect_id: uuid.UUID | None = Field(
        default=None, foreign_key="prospects.id", ondelete="CASCADE", index=True
    )
    text: str
    change: str | None = None
    learned_at: datetime = Field(sa_type=UTCDateTime)


class Initiative(Row, table=True):
    """An improvement initiative for a client."""

    __tablename__ = "initiatives"
    __table_args__ = (
        CheckConstraint(_in("status", vocab.INITIATIVE_STATUSES), "ck_initiative_status"),
    )

    prospect_id: uuid.UUID | None = Field(
        default=None, foreign_key="prospects.id", ondelete="CASCADE", index=True
    )
    text: str
    status: str = Field(default="open", max_length=10)
    started_at: datetime = Field(sa_type=UTCDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Behaviour(Row, table=True):
    """A relationship behaviour on a Customer Report Card (at most six per client)."""

    __tablename__ = "behaviours"

    prospect_id: uuid.UUID | None = Field(  # None: the default set
        default=None, foreign_key="prospects.id", ondelete="CASCADE", index=True
    )
    name: str = Field(max_length=200)
    position: int = 0
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Rating(Row, table=True):
    """A CRC grade (A, B or D) for one behaviour in one month; re-rating keeps history."""

    __tablename__ = "ratings"
    __table_args__ = (
        Index("ix_ratings_prospect_month", "prospect_id", "month"),
        CheckConstraint(_in("grade", vocab.GRADES), "ck_grade"),
    )

    prospect_id: uuid.UUID = Field(foreign_key="prospects.id", ondelete="CASCADE")
    behaviour_id: uuid.UUID = Field(foreign_key="behaviours.id", ondelete="CASCADE")
    month: str = Field(max_length=7)  # YYYY-MM
    grade: str = Field(max_length=1)
    comment: str | None = None
    rated_at: datetime = Field(sa_type=UTCDateTime)
    superseded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Quality(Row, table=True):
    """The four conversation scores (1 to 5) for one activity."""

    __tablename__ = "quality"
    __table_args__ = (
        *(_score(dim) for dim in vocab.QUALITY_DIMENSIONS),
        Index("ix_quality_time", "activity_at"),  # a window's scores: one range
    )

    activity_id: uuid.UUID = Field(foreign_key="activities.id", ondelete="CASCADE", unique=True)
    value: int
    uncovered: int
    openness: int
    commitment: int
    uncovered_text: str | None = None
    # derived: the activity's occurred_at, kept by triggers (revision 0015); not exported
    activity_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Tag(Row, table=True):
    """A tag on a prospect (``activity_id`` empty) or on one of its activities."""

    __tablename__ = "tags"
    __table_args__ = (
        Index("ix_tags_owner_name", "owner", "name"),  # a rep's tags (RLS), completion
        Index("ix_tags_name", "name", "prospect_id"),  # a filter: the rows carrying a tag
        Index("ix_tags_prospect", "prospect_id", "name"),
        Index("ix_tags_activity", "activity_id"),
    )

    prospect_id: uuid.UUID = Field(foreign_key="prospects.id", ondelete="CASCADE")
    activity_id: uuid.UUID | None = Field(
        default=None, foreign_key="activities.id", ondelete="CASCADE"
    )
    name: str = Field(max_length=50)


class View(Row, table=True):
    """A saved filter: a name for a list command and its options (``view save``)."""

    __tablename__ = "views"
    __table_args__ = (UniqueConstraint("owner", "name", name="uq_views_owner_name"),)

    name: str = Field(max_length=50)
    command: str  # the saved arguments, a JSON list: ["prospect", "list", "--tag", "q4"]


class Setting(SQLModel, table=True):
    """Settings as JSON text, one row per owner and key (store/settings.py is the registry):
    a personal key's row belongs to its rep, a team-wide key's to ``''`` (revision 0010)."""

    __tablename__ = "settings"

    key: str = Field(primary_key=True, max_length=100)
    value: str
    updated_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    owner: str = Field(primary_key=True, max_length=100)


class RowCount(SQLModel, table=True):
    """Derived: how many rows each table holds, kept by triggers on SQLite (revision 0009)
    so ``db status`` need not count a million rows; not data, never exported. Empty on a
    server, where ``db status`` counts."""

    __tablename__ = "row_counts"

    table_name: str = Field(primary_key=True, max_length=64)
    n: int


# Table name -> model, in an order that satisfies foreign keys when inserting.
TABLES: dict[str, type[SQLModel]] = {
    "prospects": Prospect,
    "contacts": Contact,
    "activities": Activity,
    "stage_changes": StageChange,
    "next_steps": NextStep,
    "intel": Intel,
    "wins": Win,
    "promises": Promise,
    "successes": Success,
    "lessons": Lesson,
    "initiatives": Initiative,
    "behaviours": Behaviour,
    "ratings": Rating,
    "quality": Quality,
    "tags": Tag,
    "views": View,
    "settings": Setting,
}


def cols(model: type[SQLModel]) -> Any:
    """The typed SQLAlchemy columns of a table model, for queries: ``cols(Prospect).name``."""
    return model.__table__.c  # type: ignore[attr-defined]
