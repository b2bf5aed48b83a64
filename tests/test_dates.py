"""Tests for salestrack.dates: every accepted form, DST edges, errors and properties."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salestrack import dates
from salestrack.dates import (
    DateParseError,
    DurationParseError,
    format_duration,
    humanize_delta,
    local_tz,
    parse_duration,
    parse_iso_week,
    parse_when,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
# Friday 2026-11-20 15:00 in Berlin (CET, +01:00).
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=BERLIN)


def when(text: str, prefer: str = "past", now: datetime = NOW, tz: ZoneInfo = BERLIN) -> str:
    """The result as an ISO string: the offset makes DST folds and gaps explicit."""
    result = parse_when(text, now=now, prefer=prefer, tz=tz)  # type: ignore[arg-type]
    assert result.tzinfo is tz
    return result.isoformat()


# ----------------------------------------------------------------------------- parse_when


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", "2026-11-20T15:00:00+01:00"),
        ("NOW", "2026-11-20T15:00:00+01:00"),
        ("today", "2026-11-20T09:00:00+01:00"),
        ("yesterday", "2026-11-19T09:00:00+01:00"),
        ("tomorrow", "2026-11-21T09:00:00+01:00"),
        ("tmrw", "2026-11-21T09:00:00+01:00"),
        ("yesterday 3pm", "2026-11-19T15:00:00+01:00"),
        ("tomorrow 9:00", "2026-11-21T09:00:00+01:00"),
        ("tomorrow at 9:30am", "2026-11-21T09:30:00+01:00"),
        ("today 15:45", "2026-11-20T15:45:00+01:00"),
        ("  Tomorrow   AT 9AM  ", "2026-11-21T09:00:00+01:00"),
        ("today 12am", "2026-11-20T00:00:00+01:00"),
        ("today 12pm", "2026-11-20T12:00:00+01:00"),
        ("today noon", "2026-11-20T12:00:00+01:00"),
        ("3pm yesterday", "2026-11-19T15:00:00+01:00"),
        ("15:00", "2026-11-20T15:00:00+01:00"),
        ("15:00:30", "2026-11-20T15:00:30+01:00"),
        ("3pm", "2026-11-20T15:00:00+01:00"),
        ("3:30pm", "2026-11-20T15:30:00+01:00"),
        ("3:30 p.m.", "2026-11-20T15:30:00+01:00"),
        ("9am", "2026-11-20T09:00:00+01:00"),
        ("at 9am", "2026-11-20T09:00:00+01:00"),
        ("noon", "2026-11-20T12:00:00+01:00"),
        ("0:30", "2026-11-20T00:30:00+01:00"),
        ("2h ago", "2026-11-20T13:00:00+01:00"),
        ("30m ago", "2026-11-20T14:30:00+01:00"),
        ("90s ago", "2026-11-20T14:58:30+01:00"),
        ("45 secs ago", "2026-11-20T14:59:15+01:00"),
        ("3 days ago", "2026-11-17T15:00:00+01:00"),
        ("1w ago", "2026-11-13T15:00:00+01:00"),
        ("2 weeks ago", "2026-11-06T15:00:00+01:00"),
        ("1 wk ago", "2026-11-13T15:00:00+01:00"),
        ("in 3 days", "2026-11-23T15:00:00+01:00"),
        ("in 2h", "2026-11-20T17:00:00+01:00"),
        ("in 30 minutes", "2026-11-20T15:30:00+01:00"),
        ("in 1 hr", "2026-11-20T16:00:00+01:00"),
        ("in 2 hrs", "2026-11-20T17:00:00+01:00"),
        ("in 5 mins", "2026-11-20T15:05:00+01:00"),
        ("in 1 day", "2026-11-21T15:00:00+01:00"),
        ("+3d", "2026-11-23T15:00:00+01:00"),
        ("-2h", "2026-11-20T13:00:00+01:00"),
        ("+ 1w", "2026-11-27T15:00:00+01:00"),
        ("1.5h ago", "2026-11-20T13:30:00+01:00"),
        ("1h30m ago", "2026-11-20T13:30:00+01:00"),
        ("1 day 2 hours ago", "2026-11-19T13:00:00+01:00"),
        ("an hour ago", "2026-11-20T14:00:00+01:00"),
        ("a day ago", "2026-11-19T15:00:00+01:00"),
        ("2h AGO", "2026-11-20T13:00:00+01:00"),
        ("eod", "2026-11-20T17:00:00+01:00"),
        ("eow", "2026-11-20T17:00:00+01:00"),
        ("eom", "2026-11-30T17:00:00+01:00"),
        ("sow", "2026-11-16T00:00:00+01:00"),
        ("som", "2026-11-01T00:00:00+01:00"),
        ("EOD", "2026-11-20T17:00:00+01:00"),
        ("2026-11-20", "2026-11-20T09:00:00+01:00"),
        ("2026-11-20 15:00", "2026-11-20T15:00:00+01:00"),
        ("2026-11-20T15:00", "2026-11-20T15:00:00+01:00"),
        ("2026-11-20t15:00", "2026-11-20T15:00:00+01:00"),
        ("2026-11-20T15:00:30", "2026-11-20T15:00:30+01:00"),
        ("2026-11-20T15:00:30.250", "2026-11-20T15:00:30.250000+01:00"),
        ("2026-11-20T15:00Z", "2026-11-20T16:00:00+01:00"),
        ("2026-11-20T15:00:30Z", "2026-11-20T16:00:30+01:00"),
        ("2026-11-20T15:00+01:00", "2026-11-20T15:00:00+01:00"),
        ("2026-11-20T15:00-05:00", "2026-11-20T21:00:00+01:00"),
        ("2026-11-20T15:00+0530", "2026-11-20T10:30:00+01:00"),
        ("2026-11-20 15:00 UTC", "2026-11-20T16:00:00+01:00"),
        ("2026-11-20 3pm", "2026-11-20T15:00:00+01:00"),
        ("2026-11-20 at 3pm", "2026-11-20T15:00:00+01:00"),
        ("2026-7-4", "2026-07-04T09:00:00+02:00"),
        ("2026-W18", "2026-04-27T00:00:00+02:00"),
        ("2026-w18", "2026-04-27T00:00:00+02:00"),
        ("2026W01", "2025-12-29T00:00:00+01:00"),
        # dateutil fallback
        ("Nov 20 3pm", "2026-11-20T15:00:00+01:00"),
        ("20 Nov 2026", "2026-11-20T09:00:00+01:00"),
        ("Nov 20", "2026-11-20T09:00:00+01:00"),
        ("November 18 2026 10:15", "2026-11-18T10:15:00+01:00"),
        ("Nov 20 3pm +0000", "2026-11-20T16:00:00+01:00"),
        ("fri nov 20 3pm", "2026-11-20T15:00:00+01:00"),
    ],
)
def test_parse_when_forms(text: str, expected: str) -> None:
    assert when(text) == expected


@pytest.mark.parametrize(
    ("text", "past", "future"),
    [
        # NOW is a Friday: a bare "fri" is today when looking back, next week when ahead.
        ("fri", "2026-11-20T09:00:00+01:00", "2026-11-27T09:00:00+01:00"),
        ("friday", "2026-11-20T09:00:00+01:00", "2026-11-27T09:00:00+01:00"),
        ("fri 2pm", "2026-11-20T14:00:00+01:00", "2026-11-27T14:00:00+01:00"),
        ("2pm fri", "2026-11-20T14:00:00+01:00", "2026-11-27T14:00:00+01:00"),
        ("mon", "2026-11-16T09:00:00+01:00", "2026-11-23T09:00:00+01:00"),
        ("monday", "2026-11-16T09:00:00+01:00", "2026-11-23T09:00:00+01:00"),
        ("tue", "2026-11-17T09:00:00+01:00", "2026-11-24T09:00:00+01:00"),
        ("tues", "2026-11-17T09:00:00+01:00", "2026-11-24T09:00:00+01:00"),
        ("tuesday", "2026-11-17T09:00:00+01:00", "2026-11-24T09:00:00+01:00"),
        ("wed", "2026-11-18T09:00:00+01:00", "2026-11-25T09:00:00+01:00"),
        ("wednesday", "2026-11-18T09:00:00+01:00", "2026-11-25T09:00:00+01:00"),
        ("thu", "2026-11-19T09:00:00+01:00", "2026-11-26T09:00:00+01:00"),
        ("thurs", "2026-11-19T09:00:00+01:00", "2026-11-26T09:00:00+01:00"),
        ("thursday", "2026-11-19T09:00:00+01:00", "2026-11-26T09:00:00+01:00"),
        ("sat", "2026-11-14T09:00:00+01:00", "2026-11-21T09:00:00+01:00"),
        ("saturday", "2026-11-14T09:00:00+01:00", "2026-11-21T09:00:00+01:00"),
        ("sun", "2026-11-15T09:00:00+01:00", "2026-11-22T09:00:00+01:00"),
        ("Sunday 10am", "2026-11-15T10:00:00+01:00", "2026-11-22T10:00:00+01:00"),
        # last/next ignore prefer and never mean today.
        ("last fri", "2026-11-13T09:00:00+01:00", "2026-11-13T09:00:00+01:00"),
        ("next fri", "2026-11-27T09:00:00+01:00", "2026-11-27T09:00:00+01:00"),
        ("last mon", "2026-11-16T09:00:00+01:00", "2026-11-16T09:00:00+01:00"),
        ("next mon", "2026-11-23T09:00:00+01:00", "2026-11-23T09:00:00+01:00"),
        ("last thu 4pm", "2026-11-19T16:00:00+01:00", "2026-11-19T16:00:00+01:00"),
        ("next sat at 10:30am", "2026-11-21T10:30:00+01:00", "2026-11-21T10:30:00+01:00"),
        # Forms that don't depend on prefer.
        ("today", "2026-11-20T09:00:00+01:00", "2026-11-20T09:00:00+01:00"),
        ("2h ago", "2026-11-20T13:00:00+01:00", "2026-11-20T13:00:00+01:00"),
        # A year-less dateutil date moves to the preferred side of today.
        ("dec 1", "2025-12-01T09:00:00+01:00", "2026-12-01T09:00:00+01:00"),
        ("oct 1 10am", "2026-10-01T10:00:00+02:00", "2027-10-01T10:00:00+02:00"),
        ("Nov 20", "2026-11-20T09:00:00+01:00", "2026-11-20T09:00:00+01:00"),
        ("dec 1 2026", "2026-12-01T09:00:00+01:00", "2026-12-01T09:00:00+01:00"),
    ],
)
def test_prefer(text: str, past: str, future: str) -> None:
    assert when(text, "past") == past
    assert when(text, "future") == future


def test_weekday_midweek() -> None:
    wednesday = datetime(2026, 11, 18, 11, 0, tzinfo=BERLIN)
    assert when("fri", "past", wednesday) == "2026-11-13T09:00:00+01:00"
    assert when("fri", "future", wednesday) == "2026-11-20T09:00:00+01:00"
    assert when("next fri", "past", wednesday) == "2026-11-20T09:00:00+01:00"
    assert when("last fri", "future", wednesday) == "2026-11-13T09:00:00+01:00"
    assert when("wed", "past", wednesday) == "2026-11-18T09:00:00+01:00"
    assert when("wed", "future", wednesday) == "2026-11-25T09:00:00+01:00"


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 16, 8, 0, tzinfo=BERLIN), "2026-11-20T17:00:00+01:00"),  # Monday
        (datetime(2026, 11, 20, 17, 0, tzinfo=BERLIN), "2026-11-20T17:00:00+01:00"),  # on time
        (datetime(2026, 11, 20, 17, 1, tzinfo=BERLIN), "2026-11-27T17:00:00+01:00"),  # past it
        (datetime(2026, 11, 21, 10, 0, tzinfo=BERLIN), "2026-11-27T17:00:00+01:00"),  # Saturday
        (datetime(2026, 11, 22, 23, 0, tzinfo=BERLIN), "2026-11-27T17:00:00+01:00"),  # Sunday
    ],
)
def test_eow(now: datetime, expected: str) -> None:
    assert when("eow", now=now) == expected


def test_anchors_in_other_months() -> None:
    feb = datetime(2028, 2, 10, 12, 0, tzinfo=BERLIN)  # a leap year
    assert when("eom", now=feb) == "2028-02-29T17:00:00+01:00"
    assert when("som", now=feb) == "2028-02-01T00:00:00+01:00"
    dec = datetime(2026, 12, 31, 23, 0, tzinfo=BERLIN)
    assert when("eom", now=dec) == "2026-12-31T17:00:00+01:00"
    assert when("sow", now=dec) == "2026-12-28T00:00:00+01:00"
    assert when("tomorrow", now=dec) == "2027-01-01T09:00:00+01:00"


def test_now_in_another_zone_is_converted() -> None:
    # 23:30 UTC on Nov 20 is already Nov 21 in Berlin: "today" is the local day.
    late_utc = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    assert when("now", now=late_utc) == "2026-11-21T00:30:00+01:00"
    assert when("today", now=late_utc) == "2026-11-21T09:00:00+01:00"
    assert when("2h ago", now=late_utc) == "2026-11-20T22:30:00+01:00"


def test_relative_keeps_microseconds() -> None:
    now = NOW.replace(microsecond=123456)
    assert when("1s ago", now=now) == "2026-11-20T14:59:59.123456+01:00"
    assert when("in 1 day", now=now) == "2026-11-21T15:00:00.123456+01:00"
    assert when("0.5s ago", now=now) == "2026-11-20T14:59:59.623456+01:00"


def test_fixed_offset_tz() -> None:
    plus2 = timezone(timedelta(hours=2))
    result = parse_when("tomorrow 9am", now=NOW, tz=plus2)
    assert result == datetime(2026, 11, 21, 9, 0, tzinfo=plus2)
    assert result.tzinfo is plus2


# ----------------------------------------------------------------------------- DST edges

# Berlin springs forward on 2026-03-29: 02:00 CET becomes 03:00 CEST.
BERLIN_AFTER_SPRING = datetime(2026, 3, 29, 4, 0, tzinfo=BERLIN)  # 02:00 UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", "2026-03-29T04:00:00+02:00"),
        ("2h ago", "2026-03-29T01:00:00+01:00"),  # exactly two real hours
        ("3h ago", "2026-03-29T00:00:00+01:00"),
        ("120m ago", "2026-03-29T01:00:00+01:00"),
        ("1 day ago", "2026-03-28T04:00:00+01:00"),  # calendar day: same wall clock
        ("1w ago", "2026-03-22T04:00:00+01:00"),
        ("yesterday 3pm", "2026-03-28T15:00:00+01:00"),
        ("today", "2026-03-29T09:00:00+02:00"),
        ("today 1:30", "2026-03-29T01:30:00+01:00"),
        ("today 2:30", "2026-03-29T03:30:00+02:00"),  # in the gap: moves on by an hour
        ("2026-03-29 02:30", "2026-03-29T03:30:00+02:00"),
        ("2026-03-29T00:30Z", "2026-03-29T01:30:00+01:00"),
        ("2026-03-29T01:30Z", "2026-03-29T03:30:00+02:00"),
        ("sow", "2026-03-23T00:00:00+01:00"),
        ("som", "2026-03-01T00:00:00+01:00"),
        ("eom", "2026-03-31T17:00:00+02:00"),
        ("sun", "2026-03-29T09:00:00+02:00"),
        ("last sat", "2026-03-28T09:00:00+01:00"),
    ],
)
def test_berlin_spring_forward(text: str, expected: str) -> None:
    assert when(text, now=BERLIN_AFTER_SPRING) == expected


def test_berlin_day_across_spring_forward() -> None:
    before = datetime(2026, 3, 28, 12, 0, tzinfo=BERLIN)
    after = parse_when("in 1 day", now=before, tz=BERLIN)
    assert after.isoformat() == "2026-03-29T12:00:00+02:00"
    # A calendar day of 23 real hours (same-zone subtraction would ignore DST).
    assert after.astimezone(UTC) - before.astimezone(UTC) == timedelta(hours=23)
    in_24h = parse_when("in 24h", now=before, tz=BERLIN)
    assert in_24h.isoformat() == "2026-03-29T13:00:00+02:00"
    assert in_24h.astimezone(UTC) - before.astimezone(UTC) == timedelta(hours=24)


# New York falls back on 2026-11-01: 02:00 EDT becomes 01:00 EST, so 01:xx happens twice.
NY_AFTER_FALL = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)  # 03:00 EST


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", "2026-11-01T03:00:00-05:00"),
        ("1h ago", "2026-11-01T02:00:00-05:00"),
        ("2h ago", "2026-11-01T01:00:00-05:00"),  # second 01:00 (EST)
        ("3h ago", "2026-11-01T01:00:00-04:00"),  # first 01:00 (EDT)
        ("4h ago", "2026-11-01T00:00:00-04:00"),
        ("-90m", "2026-11-01T01:30:00-05:00"),
        ("1 day ago", "2026-10-31T03:00:00-04:00"),
        ("today", "2026-11-01T09:00:00-05:00"),
        ("today 1:30", "2026-11-01T01:30:00-04:00"),  # ambiguous: first occurrence
        ("2026-11-01 01:30", "2026-11-01T01:30:00-04:00"),
        ("2026-11-01T06:30Z", "2026-11-01T01:30:00-05:00"),
        ("2026-11-01T05:30Z", "2026-11-01T01:30:00-04:00"),
        ("yesterday 9pm", "2026-10-31T21:00:00-04:00"),
        ("tomorrow", "2026-11-02T09:00:00-05:00"),
        ("sun", "2026-11-01T09:00:00-05:00"),
        ("sat", "2026-10-31T09:00:00-04:00"),
        ("som", "2026-11-01T00:00:00-04:00"),
        ("eod", "2026-11-01T17:00:00-05:00"),
    ],
)
def test_new_york_fall_back(text: str, expected: str) -> None:
    assert when(text, now=NY_AFTER_FALL, tz=NEW_YORK) == expected


def test_new_york_hours_across_fall_back() -> None:
    before = datetime(2026, 11, 1, 0, 30, tzinfo=NEW_YORK)  # EDT
    assert when("in 1h", now=before, tz=NEW_YORK) == "2026-11-01T01:30:00-04:00"
    assert when("in 2h", now=before, tz=NEW_YORK) == "2026-11-01T01:30:00-05:00"
    assert when("in 3h", now=before, tz=NEW_YORK) == "2026-11-01T02:30:00-05:00"
    assert when("in 1 day", now=before, tz=NEW_YORK) == "2026-11-02T00:30:00-05:00"
    in_day = parse_when("in 1 day", now=before, tz=NEW_YORK)
    assert in_day.astimezone(UTC) - before.astimezone(UTC) == timedelta(hours=25)


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "text",
    [
        "tomorow",
        "25:00",
        "24:00",
        "13pm",
        "0am",
        "3:60",
        "12:30:61",
        "2026-13-01",
        "2026-00-10",
        "2026-02-30",
        "2026-04-31",
        "2026-11-20 25:00",
        "2026-11-20 13pm",
        "2026-11-20T15:00+25:00",
        "2026-11-20 whenever",
        "0000-01-01",
        "2026-W54",
        "2027-W53",
        "2026-W00",
        "3 days",
        "2h",
        "in 2h ago",
        "+2h ago",
        "1.5 days ago",
        "2 months ago",
        "today blah",
        "tomorrow 25:00",
        "fri 13pm",
        "mon 9",
        "tomorrow 15",
        "Nov 20 13pm",
        "Nov 20 0am",
        "Nov 20 25:00",
        "2026/13/01",
        "next today",
        "5",
        "-2",
        "feb 30",
        "Nov 20 3pm PST",
        "in 99999999999 days",
        "banana",
        "???",
        "ago",
    ],
)
def test_bad_dates(text: str) -> None:
    with pytest.raises(DateParseError) as info:
        parse_when(text, now=NOW, tz=BERLIN)
    assert f"'{text}'" in str(info.value)


def test_error_messages() -> None:
    def message(text: str) -> str:
        with pytest.raises(DateParseError) as info:
            parse_when(text, now=NOW, tz=BERLIN)
        return str(info.value)

    assert message("tomorow") == (
        "can't read 'tomorow' as a date; try 'tomorrow 9am', 'mon', '2h ago', 'in 3 days' "
        "or '2026-11-20 15:00'"
    )
    assert "hours run 0-23" in message("25:00")
    assert "1-12" in message("13pm")
    assert "no month 13" in message("2026-13-01")
    assert "February 2026" in message("2026-02-30")
    assert "'3 days ago' or 'in 3 days'" in message("3 days")
    assert "2027 has no week 53" in message("2027-W53")
    assert "'blah' isn't a time" in message("today blah")
    assert "time zone" in message("Nov 20 3pm PST")
    assert "day is out of range for month" in message("feb 30")
    assert "'13pm' isn't a time" in message("Nov 20 13pm")
    assert "'9' isn't a time; try 'mon 3pm'" in message("mon 9")
    assert message("   tomorow  ").startswith("can't read 'tomorow' as a date")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-02-29", "February 2026 has days 1-28, not 29"),
        ("2100-02-29", "February 2100 has days 1-28, not 29"),  # a century: not a leap year
        ("2028-02-30", "February 2028 has days 1-29, not 30"),
        ("2026-04-31", "April 2026 has days 1-30, not 31"),
        ("2026-12-32", "December 2026 has days 1-31, not 32"),
        ("2026-1-0", "January 2026 has days 1-31, not 0"),
        ("2026-13-01", "there is no month 13; months run 1-12"),
        ("0000-02-30", "year 0 is out of range"),
    ],
)
def test_bad_day_of_month_messages(text: str, reason: str) -> None:
    with pytest.raises(DateParseError) as info:
        parse_when(text, now=NOW, tz=BERLIN)
    assert str(info.value) == f"can't read '{text}' as a date: {reason}"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # datetime.fromisoformat reads these three as 15:00, 15:00 and +06:00
        ("2026-11-20T15", "'15' isn't a time; try '2026-11-20 15:00'"),
        ("2026-11-20T1500", "'1500' isn't a time; try '2026-11-20 15:00'"),
        ("2026-11-20T15:00+05:60", "'+05:60' isn't a UTC offset; write it like '+01:00'"),
        ("2026-11-20T15:00-24", "'-24' isn't a UTC offset; write it like '+01:00'"),
    ],
)
def test_iso_text_fromisoformat_would_take(text: str, reason: str) -> None:
    with pytest.raises(DateParseError) as info:
        parse_when(text, now=NOW, tz=BERLIN)
    assert str(info.value) == f"can't read '{text}' as a date: {reason}"


def test_iso_offsets_in_every_form() -> None:
    assert when("2026-11-20T15:00+05") == "2026-11-20T11:00:00+01:00"
    assert when("2026-11-20T15:00-0930") == "2026-11-21T01:30:00+01:00"
    assert when("2026-11-20T15:00 +23:59") == "2026-11-19T16:01:00+01:00"
    assert when("2026-11-20 3pm utc") == "2026-11-20T16:00:00+01:00"
    assert when("2026-11-20T15:00:30.5z") == "2026-11-20T16:00:30.500000+01:00"


def test_month_ends() -> None:
    assert when("2028-02-29") == "2028-02-29T09:00:00+01:00"
    assert when("2000-02-29 10:00") == "2000-02-29T10:00:00+01:00"
    assert when("2026-12-31T23:59Z") == "2027-01-01T00:59:00+01:00"
    feb = datetime(2027, 2, 3, 12, 0, tzinfo=BERLIN)  # not a leap year
    assert when("eom", now=feb) == "2027-02-28T17:00:00+01:00"
    april = datetime(2026, 4, 30, 18, 0, tzinfo=BERLIN)
    assert when("eom", now=april) == "2026-04-30T17:00:00+02:00"


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_date(text: str) -> None:
    with pytest.raises(DateParseError, match="no date given"):
        parse_when(text, now=NOW, tz=BERLIN)


def test_long_input_is_rejected_and_quoted_short() -> None:
    with pytest.raises(DateParseError) as info:
        parse_when("x" * 500, now=NOW, tz=BERLIN)
    assert len(str(info.value)) < 120


def test_date_errors_are_value_errors() -> None:
    assert issubclass(DateParseError, ValueError)
    assert issubclass(DurationParseError, ValueError)


def test_programming_errors() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_when("now", now=datetime(2026, 11, 20, 15, 0), tz=BERLIN)
    with pytest.raises(ValueError, match="prefer"):
        parse_when("now", now=NOW, prefer="sideways", tz=BERLIN)  # type: ignore[arg-type]


def test_out_of_range_dates() -> None:
    end = datetime(9999, 12, 31, 12, 0, tzinfo=UTC)
    for text in ("in 3 days", "tomorrow", "next mon", "in 2w", "9999-12-31T23:00-05:00"):
        with pytest.raises(DateParseError):
            parse_when(text, now=end, tz=BERLIN)
    start = datetime(1, 1, 1, 12, 0, tzinfo=UTC)
    for text in ("3 days ago", "yesterday", "last fri", "0001-01-01 00:30"):
        with pytest.raises(DateParseError):
            parse_when(text, now=start, tz=BERLIN)


# ----------------------------------------------------------------------------- local_tz


def test_local_tz_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    assert local_tz() == ZoneInfo("America/New_York")
    result = parse_when("today 10am", now=NY_AFTER_FALL)  # no tz: the local zone
    assert result.isoformat() == "2026-11-01T10:00:00-05:00"
    monkeypatch.setenv("TZ", ":Europe/Berlin")
    assert local_tz() == BERLIN


@pytest.mark.parametrize("value", ["Not/AZone", "", "../../etc/passwd", "/etc/localtime", "Europe"])
def test_local_tz_ignores_bad_env(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("TZ", value)
    zone = local_tz()
    assert datetime(2026, 11, 20, tzinfo=zone).utcoffset() is not None


def test_local_tz_without_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TZ", raising=False)
    zone = local_tz()
    assert datetime(2026, 11, 20, tzinfo=zone).utcoffset() is not None
    if os.path.islink("/etc/localtime"):
        key = os.readlink("/etc/localtime").rpartition("zoneinfo/")[2]
        assert zone == ZoneInfo(key)


# ----------------------------------------------------------------------------- ISO weeks


def test_parse_iso_week() -> None:
    start, end = parse_iso_week("2026-W18", BERLIN)
    assert start.isoformat() == "2026-04-27T00:00:00+02:00"
    assert end.isoformat() == "2026-05-04T00:00:00+02:00"
    assert start.tzinfo is BERLIN and end.tzinfo is BERLIN


def test_parse_iso_week_across_dst() -> None:
    start, end = parse_iso_week("2026-W13", BERLIN)  # contains 2026-03-29
    assert start.isoformat() == "2026-03-23T00:00:00+01:00"
    assert end.isoformat() == "2026-03-30T00:00:00+02:00"
    # Same-zone subtraction ignores DST, so measure real time in UTC.
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(days=7, hours=-1)


def test_parse_iso_week_year_edges() -> None:
    start, end = parse_iso_week(" 2026-w53 ", BERLIN)
    assert start.isoformat() == "2026-12-28T00:00:00+01:00"
    assert end.isoformat() == "2027-01-04T00:00:00+01:00"
    start, _ = parse_iso_week("2027-W01", NEW_YORK)
    assert start.isoformat() == "2027-01-04T00:00:00-05:00"


@pytest.mark.parametrize(
    "text", ["2027-W53", "2026-W0", "2026-W54", "2026-18", "", "W18", "9999-W52"]
)
def test_bad_iso_weeks(text: str) -> None:
    with pytest.raises(DateParseError):
        parse_iso_week(text, BERLIN)


# ----------------------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("5m", 300),
        ("1h30m", 5400),
        ("1h 30m", 5400),
        ("1h30", 5400),
        ("1m30", 90),
        ("1.5h", 5400),
        ("2 min", 120),
        ("45 sec", 45),
        ("45 secs", 45),
        ("10 seconds", 10),
        ("1 minute", 60),
        ("3 hours", 10800),
        ("2 hrs", 7200),
        ("1 hour 15 minutes", 4500),
        ("1h and 15m", 4500),
        ("an hour", 3600),
        ("1:30", 90),
        ("0:45", 45),
        ("90:00", 5400),
        ("1:02:03", 3723),
        ("5", 300),
        ("0.5", 30),
        (".5m", 30),
        ("1.25s", 1),
        ("1.5s", 2),  # half rounds up
        ("2.5s", 3),
        ("0.5s", 1),
        ("24h", 86400),
        ("1d", 86400),
        ("1h59m59s", 7199),
        ("  5M  ", 300),
    ],
)
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "no duration given"),
        ("  ", "no duration given"),
        ("5x", "try '90s', '5m' or '1h30m'"),
        ("0", "is zero"),
        ("0m", "is zero"),
        ("0:00", "is zero"),
        ("0.4s", "shorter than a second"),
        ("-5m", "negative"),
        ("30h", "did you mean '30m'?"),
        ("25h", "did you mean '25m'?"),
        ("2000h", "at most 24h"),
        ("2d", "longer than a day"),
        ("1w", "longer than a day"),
        ("24h1s", "longer than a day"),
        ("25:00:00", "longer than a day"),
        ("1441", "longer than a day"),
        ("30m 1h", "try '90s'"),
        ("5m 5m", "try '90s'"),
        ("1s30", "try '90s'"),
        ("1:60", "try '90s'"),
        ("1:5", "try '90s'"),
        ("h", "try '90s'"),
        ("5 m s", "try '90s'"),
        ("five minutes", "try '90s'"),
        ("1e3s", "try '90s'"),
        ("9" * 200, "try '90s'"),
    ],
)
def test_bad_durations(text: str, fragment: str) -> None:
    with pytest.raises(DurationParseError) as info:
        parse_duration(text)
    message = str(info.value)
    assert fragment in message
    if text.strip() and len(text) < 40:
        assert f"'{text.strip()}'" in message


def test_duration_messages() -> None:
    with pytest.raises(DurationParseError) as info:
        parse_duration("5x")
    assert str(info.value) == "can't read '5x' as a duration; try '90s', '5m' or '1h30m'"
    with pytest.raises(DurationParseError) as info:
        parse_duration("30h")
    assert str(info.value) == "duration '30h' is longer than a day; did you mean '30m'?"


# ----------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (1, "1s"),
        (45, "45s"),
        (60, "1m"),
        (90, "1m30s"),
        (3600, "1h"),
        (3601, "1h1s"),
        (3661, "1h1m1s"),
        (5400, "1h30m"),
        (86400, "24h"),
        (-90, "-1m30s"),
    ],
)
def test_format_duration(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(0), "just now"),
        (timedelta(seconds=-59), "just now"),
        (timedelta(seconds=30), "just now"),
        (timedelta(seconds=-60), "1m ago"),
        (timedelta(minutes=-5), "5m ago"),
        (timedelta(minutes=-59, seconds=-59), "59m ago"),
        (timedelta(hours=-3), "3h ago"),
        (timedelta(hours=-23, minutes=-59), "23h ago"),
        (timedelta(days=-2), "2d ago"),
        (timedelta(days=-6, hours=-23), "6d ago"),
        (timedelta(days=-7), "1w ago"),
        (timedelta(days=-21), "3w ago"),
        (timedelta(days=-59), "8w ago"),
        (timedelta(days=-90), "3mo ago"),
        (timedelta(days=-400), "1y ago"),
        (timedelta(minutes=5), "in 5m"),
        (timedelta(hours=3), "in 3h"),
        (timedelta(days=2), "in 2d"),
        (timedelta(days=2, hours=5), "in 2d"),
        (timedelta(days=14), "in 2w"),
    ],
)
def test_humanize_delta(delta: timedelta, text: str) -> None:
    assert humanize_delta(NOW + delta, NOW) == text


def test_humanize_delta_is_zone_independent() -> None:
    then = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)  # 14:00 in Berlin
    assert humanize_delta(then, NOW) == "1h ago"
    assert humanize_delta(NOW, then) == "in 1h"


# ----------------------------------------------------------------------------- properties

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_FRAGMENTS = [
    "now",
    "today",
    "tomorrow",
    "yesterday",
    "last",
    "next",
    "fri",
    "monday",
    "tues",
    "at",
    "on",
    "in",
    "ago",
    "+",
    "-",
    "3",
    "15",
    "25",
    "2026",
    "2026-11-20",
    "2026-02-30",
    "T",
    "15:00",
    "9:30",
    "3pm",
    "13pm",
    "am",
    "h",
    "m",
    "s",
    "d",
    "w",
    "days",
    "min",
    "1.5",
    ".",
    ":",
    "Z",
    "+01:00",
    "W18",
    "2026-W53",
    "eod",
    "eow",
    "eom",
    "sow",
    "som",
    "noon",
    "Nov",
    "20",
    "UTC",
    "PST",
    ",",
    "and",
    "a",
    "an",
    "hour",
    "0",
    "99999999999",
    "9999",
    "0001",
]
_phrases = st.lists(st.sampled_from(_FRAGMENTS), max_size=5).map(" ".join)
_glued = st.lists(st.sampled_from(_FRAGMENTS), max_size=4).map("".join)


@FAST
@given(text=st.text(max_size=30) | _phrases | _glued, future=st.booleans())
def test_parse_when_only_raises_date_errors(text: str, future: bool) -> None:
    try:
        result = parse_when(text, now=NOW, prefer="future" if future else "past", tz=BERLIN)
    except DateParseError as exc:
        assert str(exc)
    else:
        assert result.tzinfo is BERLIN


@FAST
@given(
    text=st.text(max_size=30) | _phrases | _glued,
    now=st.datetimes(timezones=st.just(UTC)),
)
def test_parse_when_any_now(text: str, now: datetime) -> None:
    with contextlib.suppress(DateParseError):
        parse_when(text, now=now, tz=NEW_YORK)


@FAST
@given(text=st.text(max_size=30) | _phrases | _glued)
def test_parse_duration_only_raises_duration_errors(text: str) -> None:
    try:
        seconds = parse_duration(text)
    except DurationParseError as exc:
        assert str(exc)
    else:
        assert 1 <= seconds <= 86400


@settings(max_examples=300, deadline=None)
@given(seconds=st.integers(min_value=1, max_value=86400))
def test_format_parse_round_trip(seconds: int) -> None:
    text = format_duration(seconds)
    assert parse_duration(text) == seconds
    assert format_duration(parse_duration(text)) == text


@settings(max_examples=100, deadline=None)
@given(
    seconds=st.integers(min_value=1, max_value=7 * 86400),
    now=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
)
def test_hours_ago_is_exact_real_time(seconds: int, now: datetime) -> None:
    result = parse_when(f"{seconds}s ago", now=now, tz=BERLIN)
    assert now - result == timedelta(seconds=seconds)  # aware subtraction: real time
    assert parse_when(f"in {seconds}s", now=now, tz=NEW_YORK) - now == timedelta(seconds=seconds)


# ----------------------------------------------------------------------------- import cost


def test_import_is_stdlib_only() -> None:
    src = str(Path(dates.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    code = (
        "import sys, salestrack.dates\n"
        "heavy = [m for m in ('dateutil', 'sqlalchemy', 'pydantic', 'typer', 'rich')"
        " if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


@given(st.datetimes(timezones=st.just(UTC)) | st.datetimes(timezones=st.just(UTC)).map(
    lambda d: d.replace(microsecond=0)))  # fmt: skip
def test_stored_time_as_iso_text(at: datetime) -> None:
    from salestrack import clock

    stored = clock.db_text(at)
    assert clock.iso_from_db_text(stored) == clock.from_db_text(stored).isoformat()
