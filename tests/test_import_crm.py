"""Importing a CRM's own export: source keys, prospects by name, and the mapping options.

The files are built here from the columns the CRMs document for their exports (a HubSpot
calls export: Activity date in US form, Call outcome, Call duration as HH:mm:ss, the
associated company), and the expected figures are counted from the same rows by hand.
"""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import Cli, dump, rows

NEW_YORK = ZoneInfo("America/New_York")
COMPANIES = [
    "Acme Corp", "Northwind", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay",
    "Stark Industries", "Wayne Enterprises", "Soylent",
]  # fmt: skip
DISPOSITIONS = {  # HubSpot's default call outcomes -> ours
    "Busy": "busy",
    "Connected": "connected",
    "Left live message": "gatekeeper",
    "Left voicemail": "voicemail",
    "No answer": "no_answer",
    "Wrong number": "wrong_number",
}
HUBSPOT = [
    "--map", "Activity date=occurred_at,Call outcome=outcome,Call duration=duration_s,"
    "Associated Company=prospect,Call notes=notes,Activity assigned to=",
    "--map-values", "outcome:Left live message=gatekeeper,Left voicemail=voicemail",
    "--map-values", "duration_s:0=",
    "--set", "kind=call",
    "--date-format", "%m/%d/%Y %I:%M %p",
    "--tz", "America/New_York",
]  # fmt: skip


def hubspot_calls(n: int, seed: int = 15) -> list[dict[str, str]]:
    """``n`` calls as HubSpot's calls export writes them, oldest first."""
    rng = random.Random(seed)
    start = datetime(2026, 9, 1, 8, 0)
    found = []
    for i in range(n):
        when = start + timedelta(hours=7 * i, minutes=rng.randrange(0, 60))
        seconds = 0 if i % 17 == 0 else rng.randrange(5, 1800)
        found.append(
            {
                "Activity date": when.strftime("%m/%d/%Y %I:%M %p"),
                "Call outcome": rng.choice(list(DISPOSITIONS)),
                "Call duration": f"{seconds // 3600:02}:{seconds // 60 % 60:02}:{seconds % 60:02}",
                "Associated Company": COMPANIES[rng.randrange(len(COMPANIES))],
                "Call notes": f"call {i}" if i % 3 else "",
                "Activity assigned to": "rep@example.com",
            }
        )
    return found


def as_csv(records: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


def utc_text(us_date: str) -> str:
    """How SQLite holds a New York time written as 10/05/2026 09:00 AM."""
    naive = datetime.strptime(us_date, "%m/%d/%Y %I:%M %p")
    return naive.replace(tzinfo=NEW_YORK).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def seconds(hms: str) -> int | None:
    h, m, s = (int(p) for p in hms.split(":"))
    return h * 3600 + m * 60 + s or None


@pytest.fixture
def calls_file(tmp_path: Path) -> Path:
    path = tmp_path / "hubspot-calls.csv"
    path.write_text(as_csv(hubspot_calls(240)), encoding="utf-8", newline="")
    return path


def test_a_hubspot_calls_export_imports_and_a_second_run_changes_nothing(
    cli: Cli, db_path: Path, calls_file: Path, tmp_path: Path
) -> None:
    calls = hubspot_calls(240)
    dry = cli.ok("import", "activities", str(calls_file), *HUBSPOT, "--dry-run")
    assert dry.stderr.startswith("would import activities: 240 added, 0 updated, 0 unchanged,")
    assert "10 new prospects" in dry.stderr
    real = cli.ok("import", "activities", str(calls_file), *HUBSPOT)
    assert real.stderr.startswith("imported activities: 240 added, 0 updated, 0 unchanged,")

    by_outcome = Counter(DISPOSITIONS[c["Call outcome"]] for c in calls)
    stored = rows(db_path, "SELECT outcome, COUNT(*) FROM activities GROUP BY outcome")
    assert dict(stored) == dict(by_outcome)
    durations = [seconds(c["Call duration"]) for c in calls]
    assert rows(db_path, "SELECT COUNT(*), SUM(duration_s) FROM activities") == [
        (240, sum(d for d in durations if d))
    ]
    assert rows(db_path, "SELECT COUNT(*) FROM activities WHERE duration_s IS NULL") == [
        (durations.count(None),)
    ]  # 00:00:00 mapped to empty: unknown, not refused
    got = rows(
        db_path,
        "SELECT p.name, a.kind, a.occurred_at, a.duration_s, a.notes, a.reached "
        "FROM activities a JOIN prospects p ON p.id = a.prospect_id ORDER BY a.occurred_at",
    )
    reached = {
        "busy": "nobody", "connected": "decision_maker", "gatekeeper": "gatekeeper",
        "voicemail": "voicemail", "no_answer": "nobody", "wrong_number": "nobody",
    }  # fmt: skip
    assert got == [
        (
            c["Associated Company"], "call", utc_text(c["Activity date"]),
            seconds(c["Call duration"]), c["Call notes"] or None,
            reached[DISPOSITIONS[c["Call outcome"]]],
        )
        for c in calls
    ]  # fmt: skip
    assert got[0][2] == "2026-09-01 12:" + got[0][2][14:]  # 08:xx in New York (EDT) is 12:xx UTC

    before = dump(db_path)
    again_dry = cli.ok("import", "activities", str(calls_file), *HUBSPOT, "--dry-run")
    assert again_dry.stderr.startswith("would import activities: 0 added, 0 updated, 240 unchanged")
    again = cli.ok("import", "activities", str(calls_file), *HUBSPOT)
    assert again.stderr.startswith("imported activities: 0 added, 0 updated, 240 unchanged")
    assert "new prospects" not in again.stderr
    assert dump(db_path) == before

    longer = tmp_path / "longer.csv"
    longer.write_text(as_csv(hubspot_calls(260)), encoding="utf-8", newline="")
    more = cli.ok("import", "activities", str(longer), *HUBSPOT)
    assert more.stderr.startswith("imported activities: 20 added, 0 updated, 240 unchanged")
    assert rows(db_path, "SELECT COUNT(*) FROM activities") == [(260,)]


def test_identical_rows_are_each_kept_and_still_re_import_as_a_no_op(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    row = "Acme Corp,call,No answer,2026-11-18T09:00:00+00:00\r\n"
    path = tmp_path / "twice.csv"
    path.write_text("prospect,kind,outcome,occurred_at\r\n" + row * 2, newline="")
    assert " 2 added," in cli.ok("import", "activities", str(path)).stderr
    assert " 0 added, 0 updated, 2 unchanged," in cli.ok("import", "activities", str(path)).stderr
    keys = [r[0] for r in rows(db_path, "SELECT source_key FROM activities ORDER BY source_key")]
    assert len(keys) == 2 and keys[0].startswith("fp:") and keys[1] == keys[0] + ":2"


def test_a_crm_id_is_the_source_key_and_a_changed_row_is_updated(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    head = "Call ID,Company,Outcome,Date,Notes\r\n"
    first = head + (
        "9001,Acme Corp,Connected,2026-11-18 09:00,first\r\n9002,Globex,Busy,2026-11-18 10:00,\r\n"
    )
    path = tmp_path / "calls.csv"
    path.write_text(first, newline="")
    spec = ("--map", "Call ID=id,Company=prospect,Outcome=outcome,Date=occurred_at,Notes=notes",
            "--set", "kind=call")  # fmt: skip
    assert " 2 added," in cli.ok("import", "activities", str(path), *spec).stderr
    assert rows(db_path, "SELECT source_key, notes FROM activities ORDER BY source_key") == [
        ("9001", "first"),
        ("9002", None),
    ]
    ids = rows(db_path, "SELECT id, created_at FROM activities ORDER BY source_key")
    path.write_text(first.replace(",first", ",changed in the CRM"), newline="")
    again = cli.ok("import", "activities", str(path), *spec)
    assert again.stderr.startswith("imported activities: 0 added, 1 updated, 1 unchanged")
    assert rows(db_path, "SELECT id, created_at FROM activities ORDER BY source_key") == ids
    assert rows(db_path, "SELECT notes FROM activities WHERE source_key = '9001'") == [
        ("changed in the CRM",)
    ]


def test_prospects_match_by_name_whatever_the_order(
    cli: Cli, db_path: Path, calls_file: Path, tmp_path: Path
) -> None:
    calls = hubspot_calls(240)
    cli.ok("import", "activities", str(calls_file), *HUBSPOT)
    first = {}
    for c in calls:
        when = utc_text(c["Activity date"])
        first[c["Associated Company"]] = min(first.get(c["Associated Company"], when), when)
    starts = rows(
        db_path,
        "SELECT p.name, s.to_stage, s.changed_at FROM stage_changes s "
        "JOIN prospects p ON p.id = s.prospect_id ORDER BY p.name",
    )
    assert starts == [(name, "lead", first[name]) for name in sorted(first)]

    companies = tmp_path / "hubspot-companies.csv"
    companies.write_text(
        "Record ID,Company name,Company Domain Name,Lifecycle Stage\r\n"
        + "".join(f"{100 + i},{name.upper()},x{i}.example,Lead\r\n" for i, name in
                  enumerate(COMPANIES[:4]))
        + "200,Brand New Co,new.example,Lead\r\n",
        newline="",
    )  # fmt: skip
    spec = ("--map", "Record ID=id,Company name=name,Company Domain Name=,Lifecycle Stage=stage")
    ids = rows(db_path, "SELECT name_key, id FROM prospects ORDER BY name_key")
    out = cli.ok("import", "prospects", str(companies), *spec)
    assert out.stderr.startswith("imported prospects: 1 added, 4 updated, 0 unchanged")
    assert rows(db_path, "SELECT COUNT(*) FROM prospects") == [(11,)]
    after = dict(rows(db_path, "SELECT name_key, source_key FROM prospects"))
    assert [after[n.casefold()] for n in COMPANIES[:4]] == ["100", "101", "102", "103"]
    assert after["brand new co"] == "200" and after["hooli"] is None
    kept = rows(db_path, "SELECT name_key, id FROM prospects WHERE source_key IS NOT '200'")
    assert sorted(kept) == ids  # the same prospects, renamed as the CRM spells them
    assert rows(db_path, "SELECT name FROM prospects WHERE source_key = '100'") == [("ACME CORP",)]
    again = cli.ok("import", "prospects", str(companies), *spec)
    assert again.stderr.startswith("imported prospects: 0 added, 0 updated, 5 unchanged")
    # and the calls again: still linked to the same prospects, nothing added
    calls_again = cli.ok("import", "activities", str(calls_file), *HUBSPOT)
    assert calls_again.stderr.startswith("imported activities: 0 added, 0 updated, 240 unchanged")


def test_durations_in_milliseconds_and_clock_forms(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "api.csv"
    path.write_text(
        "company,disposition,timestamp,hs_call_duration\r\n"
        "Acme,Connected,2026-11-18T09:00:00Z,125400\r\n"
        "Acme,Busy,2026-11-18T10:00:00Z,400\r\n"
        "Acme,No answer,2026-11-18T11:00:00Z,0\r\n",
        newline="",
    )
    cli.ok("import", "activities", str(path), "--set", "kind=call", "--duration-unit", "ms",
           "--map", "COMPANY=prospect,Disposition=outcome,TIMESTAMP=occurred_at,"
           "hs_call_duration=duration_s", "--map-values", "duration_s:0=")  # fmt: skip
    assert rows(db_path, "SELECT duration_s FROM activities ORDER BY occurred_at") == [
        (125,),  # 125.4 s
        (1,),  # under a second is still a call that lasted
        (None,),
    ]
    clock = tmp_path / "clock.csv"
    clock.write_text(
        "prospect,outcome,occurred_at,duration_s\r\n"
        "Acme,connected,2026-11-19T09:00:00Z,01:02:03\r\n"
        "Acme,connected,2026-11-19T10:00:00Z,01:30\r\n"
        "Acme,connected,2026-11-19T11:00:00Z,75\r\n",
        newline="",
    )
    cli.ok("import", "activities", str(clock), "--set", "kind=call")
    assert rows(
        db_path, "SELECT duration_s FROM activities WHERE occurred_at > '2026-11-19' ORDER BY 1"
    ) == [(75,), (3723,), (5400,)]  # HH:MM:SS, HH:MM, seconds


@pytest.mark.parametrize(
    ("args", "body", "message"),
    [
        (
            ["--map", "Outcome=outcome,Duration=duration_s"],
            "prospect,kind,Outcome,occurred_at\r\nAcme,call,busy,2026-11-18T09:00:00Z\r\n",
            "error: --map: the file has no column 'Duration'; its columns are 'prospect', "
            "'kind', 'Outcome', 'occurred_at'\n",
        ),
        (
            ["--map-values", "duration_s:0="],
            "prospect,kind,outcome,occurred_at\r\nAcme,call,busy,2026-11-18T09:00:00Z\r\n",
            "error: --map-values: the file has no column 'duration_s'; its columns are "
            "'prospect', 'kind', 'outcome', 'occurred_at'\n",
        ),
        (
            [],
            "prospect,outcome,occurred_at\r\nAcme,No answer,2026-11-18T09:00:00Z\r\n",
            "error: FILE: the file has no kind column: add --set kind=call or map one\n",
        ),
        (
            ["--set", "kind=call"],
            "outcome,occurred_at\r\nbusy,2026-11-18T09:00:00Z\r\n",
            "error: FILE: the file has no prospect column: map the column naming the prospect "
            "(e.g. --map 'Company=prospect') or add --set prospect=NAME\n",
        ),
        (
            ["--set", "kind=call", "--date-format", "%m/%d/%Y %I:%M %p"],
            "prospect,outcome,occurred_at\r\nAcme,busy,10/05/2026 09:00 AM\r\n"
            "Acme,busy,2026-10-05 09:00\r\n",
            "error: 1 bad line; nothing was imported:\n  line 3: occurred_at: '2026-10-05 09:00' "
            "does not match --date-format '%m/%d/%Y %I:%M %p'\n",
        ),
        (
            ["--set", "kind=call"],
            "prospect,outcome,occurred_at,duration_s\r\nAcme,busy,2026-11-18T09:00:00Z,0\r\n",
            "error: 1 bad line; nothing was imported:\n  line 2: duration_s: 0 seconds is not a "
            "duration; give how long it took (above 0), or leave duration_s empty for unknown\n",
        ),
        (
            ["--set", "kind=call"],
            "prospect,outcome,occurred_at,duration_s\r\nAcme,busy,2026-11-18T09:00:00Z,5 min\r\n",
            "error: 1 bad line; nothing was imported:\n  line 2: duration_s: '5 min' is not a "
            "duration; write seconds, HH:MM:SS or HH:MM (or --duration-unit ms for "
            "milliseconds)\n",
        ),
        (  # a typo in a value map would map nothing, without a word
            [
                "--set",
                "kind=call",
                "--map",
                "Call outcome=outcome",
                "--map-values",
                "Call outcome:Left voicemale=voicemail,No answer=no_answer",
            ],
            "prospect,Call outcome,occurred_at\r\nAcme,Left voicemail,2026-11-18T09:00:00Z\r\n"
            "Acme,NO ANSWER,2026-11-18T10:00:00Z\r\nAcme,Busy,2026-11-18T11:00:00Z\r\n",
            "error: --map-values: no row has 'Left voicemale' in column 'Call outcome'; its "
            "values are 'busy', 'left voicemail', 'no answer' (case aside); fix the value or "
            "drop it\n",
        ),
        (  # and a value map on our own column name, for a duration
            ["--set", "kind=call", "--map-values", "duration_s:1=,0="],
            "prospect,outcome,occurred_at,duration_s\r\nAcme,busy,2026-11-18T09:00:00Z,0\r\n",
            "error: --map-values: no row has '1' in column 'duration_s'; its values are '0' "
            "(case aside); fix the value or drop it\n",
        ),
    ],
)
def test_a_mapping_the_file_does_not_fit_is_one_line_and_changes_nothing(
    cli: Cli, db_path: Path, tmp_path: Path, args: list[str], body: str, message: str
) -> None:
    cli.ok("log", "call", "Acme", "--new", "-o", "voicemail")
    before = dump(db_path)
    path = tmp_path / "bad.csv"
    path.write_text(body, newline="")
    assert cli.fails("import", "activities", str(path), *args).stderr == message
    assert dump(db_path) == before


def test_an_unknown_zone_or_unit_is_a_usage_error(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("prospect,kind,outcome,occurred_at\r\nA,call,busy,2026-11-18 09:00\r\n")
    zone = cli.fails("import", "activities", str(path), "--tz", "Mars/Olympus", code=2)
    assert zone.stderr == (
        "error: --tz: unknown time zone 'Mars/Olympus'; use a name such as Europe/London or UTC\n"
    )
    unit = cli.fails("import", "activities", str(path), "--duration-unit", "h")
    assert unit.stderr == "error: --duration-unit: unknown unit 'h'; use s, ms or min\n"
    assert not db_path.exists() or rows(db_path, "SELECT COUNT(*) FROM activities") == [(0,)]


def test_source_keys_on_postgres(cli: Cli, pg_url: str, calls_file: Path) -> None:
    first = cli.ok("--db", pg_url, "import", "activities", str(calls_file), *HUBSPOT)
    assert first.stderr.startswith("imported activities: 240 added, 0 updated, 0 unchanged")
    again = cli.ok("--db", pg_url, "import", "activities", str(calls_file), *HUBSPOT)
    assert again.stderr.startswith("imported activities: 0 added, 0 updated, 240 unchanged")
    out = cli.ok("--db", pg_url, "export", "activities", "-f", "csv").stdout
    listed = list(csv.DictReader(io.StringIO(out)))
    assert len(listed) == 240 and all(r["source_key"].startswith("fp:") for r in listed)
    calls = hubspot_calls(240)
    assert Counter(r["outcome"] for r in listed) == Counter(
        DISPOSITIONS[c["Call outcome"]] for c in calls
    )


def test_the_hubspot_preset_reads_its_calls_export_in_one_command(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    calls = hubspot_calls(240)
    for c in calls:  # the calls index export has these too; no column of ours holds them
        c["Call title"] = "Discovery"
    path = tmp_path / "hubspot-calls.csv"
    path.write_text(as_csv(calls), encoding="utf-8", newline="")
    out = cli.ok("import", "activities", str(path), "--from", "HubSpot", "--tz", "America/New_York")
    assert out.stderr == (
        "imported activities: 240 added, 0 updated, 0 unchanged, 0 kept (stored row newer); "
        "10 new prospects; not imported (no column for them): Activity assigned to, Call title\n"
        f"created the database {db_path}\n"  # the first write says where it made it
    )
    stored = rows(db_path, "SELECT outcome, COUNT(*) FROM activities GROUP BY outcome")
    assert dict(stored) == dict(Counter(DISPOSITIONS[c["Call outcome"]] for c in calls))
    durations = [seconds(c["Call duration"]) for c in calls]
    assert rows(db_path, "SELECT SUM(duration_s), COUNT(duration_s) FROM activities") == [
        (sum(d for d in durations if d), len([d for d in durations if d]))
    ]
    first = rows(db_path, "SELECT occurred_at FROM activities ORDER BY occurred_at LIMIT 1")
    assert first == [(utc_text(calls[0]["Activity date"]),)]
    again = cli.ok(
        "import", "activities", str(path), "--from", "hubspot", "--tz", "America/New_York"
    )
    assert again.stderr.startswith("imported activities: 0 added, 0 updated, 240 unchanged")

    api = tmp_path / "api.csv"  # the calls API's property names: ms durations, ISO times
    api.write_text(
        "hs_object_id,hs_timestamp,hs_call_disposition,hs_call_duration,hs_call_direction,"
        "hs_call_body,Associated Company\r\n"
        "512,2026-11-18T10:30:00.000Z,Connected,1800000,OUTBOUND,Discussed needs,Acme Corp\r\n",
        newline="",
    )
    cli.ok("import", "activities", str(api), "--from", "hubspot")
    assert rows(
        db_path,
        "SELECT source_key, occurred_at, outcome, duration_s, direction, notes FROM activities "
        "WHERE source_key = '512'",
    ) == [("512", "2026-11-18 10:30:00.000000", "connected", 1800, "outbound", "Discussed needs")]


def test_an_unknown_preset_names_the_ones_there_are(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("a\r\n1\r\n")
    bad = cli.fails("import", "activities", str(path), "--from", "zoho")
    assert bad.stderr == (
        "error: --from: no preset 'zoho' for activities; the presets for activities are: "
        "close, hubspot, pipedrive, salesforce\n"
    )
    wins = cli.fails("import", "wins", str(path), "--from", "hubspot")
    assert wins.stderr == (
        "error: --from: no preset 'hubspot' for wins; presets are for activities, next-steps, "
        "prospects, stage-changes\n"
    )


def test_the_baseline_over_an_imported_export_equals_a_count_by_hand(
    cli: Cli, calls_file: Path
) -> None:
    """The week's dials, answered dials and conversations, and the trailing weeks they are
    held against, counted from the file's own rows (New York times, read in London)."""
    import json

    cli.ok("import", "activities", str(calls_file), *HUBSPOT)
    london = ZoneInfo("Europe/London")
    reached = {"Connected": "decision_maker", "Left live message": "gatekeeper"}
    per_week: Counter[tuple[int, int]] = Counter()
    answered: Counter[tuple[int, int]] = Counter()
    talked: Counter[tuple[int, int]] = Counter()
    for c in hubspot_calls(240):
        naive = datetime.strptime(c["Activity date"], "%m/%d/%Y %I:%M %p")
        week = tuple(naive.replace(tzinfo=NEW_YORK).astimezone(london).isocalendar())[:2]
        per_week[week] += 1
        answered[week] += c["Call outcome"] in reached
        talked[week] += c["Call outcome"] == "Connected"
    report = json.loads(
        cli.ok("baseline", "--week", "2026-W41", "--weeks", "4", "-f", "json").stdout
    )
    figures = {f["figure"]: f for f in report["figures"]}
    trailing = [(2026, w) for w in (37, 38, 39, 40)]
    this = (2026, 41)
    assert figures["dials"]["value"] == per_week[this] > 0
    assert figures["dials"]["usual_n"] == sum(per_week[w] for w in trailing)
    assert (figures["answered rate"]["k"], figures["answered rate"]["n"]) == (
        answered[this],
        per_week[this],
    )
    assert (figures["answered rate"]["usual_k"], figures["answered rate"]["usual_n"]) == (
        sum(answered[w] for w in trailing),
        sum(per_week[w] for w in trailing),
    )
    assert (figures["conversation rate"]["k"], figures["conversation rate"]["n"]) == (
        talked[this],
        per_week[this],
    )
