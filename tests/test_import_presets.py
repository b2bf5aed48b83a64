"""The shipped presets: each CRM's own export, built here from the columns and vocabularies
its documentation gives, imported in one command; the figures counted by hand from the rows.

- Pipedrive: the Activities, Organizations and Deals list exports ("Activity - Subject",
  "Activity - Type", "Activity - Due date", "Activity - Due time", "Activity - Duration" as
  HH:MM, "Activity - Done" as Done / To do, "Activity - Organization"; "Deal - Stage",
  "Deal - Status" Open / Won / Lost, "Deal - Won time", "Deal - Last stage change"), the
  default pipeline's stages (Qualified, Contact Made, Demo Scheduled, Proposal Made,
  Negotiations Started).
- Close: the Call fields (id, lead_id, date_created, duration in seconds, direction,
  disposition answered / no-answer / vm-answer / vm-left / busy / blocked / error /
  abandoned, note) and a lead export (id, display_name, status_label, date_created).
- Salesforce: Data Loader exports, headers in upper case as it writes them: Account (ID,
  NAME, CREATEDDATE), Task (ID, ACCOUNTID, SUBJECT, TASKSUBTYPE, STATUS, ACTIVITYDATE,
  COMPLETEDDATETIME, CALLDURATIONINSECONDS, CALLTYPE, CALLDISPOSITION, DESCRIPTION) and
  OpportunityHistory (ID, OPPORTUNITYID, OPPORTUNITY.ACCOUNTID, STAGENAME, CREATEDDATE) with
  the standard stages (Prospecting ... Closed Won, Closed Lost).
- HubSpot: the Companies and Deals index exports (Record ID, Company name, Lifecycle Stage,
  Create Date; Deal Name, Deal Stage, Associated Company, Date entered current stage).
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import Cli, dump, rows

BERLIN = ZoneInfo("Europe/Berlin")
ORGS = ["Acme Corp", "Northwind", "Globex", "Initech", "Umbrella", "Hooli"]


def as_csv(records: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


def write(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text(as_csv(records), encoding="utf-8", newline="")
    return path


def stored_utc(naive: datetime, zone: ZoneInfo | None) -> str:
    aware = naive.replace(tzinfo=zone) if zone else naive.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


# -- Pipedrive -----------------------------------------------------------------------------


def pipedrive_activities(n: int, seed: int = 3) -> list[dict[str, str]]:
    rng = random.Random(seed)
    start = datetime(2026, 9, 1, 8, 0)
    found = []
    for i in range(n):
        when = start + timedelta(hours=9 * i, minutes=rng.randrange(60))
        kind = rng.choice(["Call", "Call", "Call", "Meeting", "Email", "Task", "Deadline"])
        minutes = rng.randrange(0, 90) if kind in ("Call", "Meeting") else 0
        done = "To do" if i % 11 == 0 else "Done"
        found.append(
            {
                "Activity - ID": str(5000 + i),
                "Activity - Subject": f"{kind} {i}",
                "Activity - Type": kind,
                "Activity - Due date": when.strftime("%Y-%m-%d"),
                "Activity - Due time": when.strftime("%H:%M") if kind != "Deadline" else "",
                "Activity - Duration": f"{minutes // 60:02}:{minutes % 60:02}" if minutes else "",
                "Activity - Done": done,
                "Activity - Note": f"note {i}" if i % 4 == 0 else "",
                "Activity - Organization": ORGS[rng.randrange(len(ORGS))],
                "Activity - Person": "Jane Doe",
                "Activity - Assigned to user": "Sam Rep",
            }
        )
    return found


def test_pipedrive_activities_to_dos_organizations_and_deals(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    acts = pipedrive_activities(200)
    path = write(tmp_path / "activities.csv", acts)
    out = cli.ok("import", "activities", str(path), "--from", "pipedrive", "--tz", "Europe/Berlin")
    done = [a for a in acts if a["Activity - Done"] == "Done"]
    todo = [a for a in acts if a["Activity - Done"] == "To do"]
    assert out.stderr == (
        f"imported activities: {len(done)} added, 0 updated, 0 unchanged, 0 kept (stored row "
        f"newer); 6 new prospects; {len(todo)} rows left out (Activity - Done is 'To do'); "
        "not imported (no column for them): Activity - Person, Activity - Assigned to user\n"
        f"created the database {db_path}\n"  # the first write says where it made it
    )
    kinds = {"Call": "call", "Meeting": "meeting", "Email": "email", "Task": "task",
             "Deadline": "task"}  # fmt: skip
    assert dict(rows(db_path, "SELECT kind, COUNT(*) FROM activities GROUP BY kind")) == dict(
        Counter(kinds[a["Activity - Type"]] for a in done)
    )
    outcomes = {"call": "connected", "meeting": "held", "email": "sent", "task": "done"}
    assert dict(rows(db_path, "SELECT outcome, COUNT(*) FROM activities GROUP BY outcome")) == dict(
        Counter(outcomes[kinds[a["Activity - Type"]]] for a in done)
    )

    def seconds(hhmm: str) -> int | None:
        return int(hhmm[:2]) * 3600 + int(hhmm[3:]) * 60 if hhmm else None

    def when(a: dict[str, str]) -> str:
        text = a["Activity - Due date"] + (
            " " + a["Activity - Due time"] if a["Activity - Due time"] else ""
        )
        fmt = "%Y-%m-%d %H:%M" if a["Activity - Due time"] else "%Y-%m-%d"
        return stored_utc(datetime.strptime(text, fmt), BERLIN)

    got = rows(
        db_path,
        "SELECT a.source_key, p.name, a.occurred_at, a.duration_s, a.notes FROM activities a "
        "JOIN prospects p ON p.id = a.prospect_id ORDER BY CAST(a.source_key AS INTEGER)",
    )
    assert got == [
        (a["Activity - ID"], a["Activity - Organization"], when(a),
         seconds(a["Activity - Duration"]), a["Activity - Note"] or a["Activity - Subject"])
        for a in done
    ]  # fmt: skip

    steps = cli.ok(
        "import", "next-steps", str(path), "--from", "pipedrive", "--tz", "Europe/Berlin"
    )
    assert steps.stderr.startswith(f"imported next-steps: {len(todo)} added, 0 updated")
    assert f"{len(done)} rows left out (Activity - Done is 'Done')" in steps.stderr
    assert rows(db_path, "SELECT action, due_at FROM next_steps ORDER BY due_at") == [
        (a["Activity - Subject"], when(a)) for a in todo
    ]

    orgs = write(
        tmp_path / "organizations.csv",
        [
            {"Organization - ID": str(70 + i), "Organization - Name": name,
             "Organization - Owner": "Sam Rep", "Organization - Organization created":
             f"2026-0{i + 1}-02 10:00:00", "Organization - Address": "1 Main St"}
            for i, name in enumerate(ORGS)
        ],
    )  # fmt: skip
    out = cli.ok("import", "prospects", str(orgs), "--from", "pipedrive", "--tz", "Europe/Berlin")
    assert out.stderr.startswith("imported prospects: 0 added, 6 updated, 0 unchanged")
    first = rows(
        db_path,
        "SELECT p.name, min(s.changed_at) FROM stage_changes s JOIN prospects p "
        "ON p.id = s.prospect_id GROUP BY p.name ORDER BY p.name",
    )
    assert first == sorted(
        (name, stored_utc(datetime(2026, i + 1, 2, 10), BERLIN)) for i, name in enumerate(ORGS)
    )  # the first stage starts at the CRM's created date, before the first activity

    deals = write(
        tmp_path / "deals.csv",
        [
            {"Deal - ID": "1", "Deal - Title": "Acme deal", "Deal - Organization": "Acme Corp",
             "Deal - Stage": "Negotiations Started", "Deal - Status": "Won", "Deal - Value": "9000",
             "Deal - Won time": "2026-11-10 12:00:00", "Deal - Lost time": "",
             "Deal - Last stage change": "2026-11-01 09:00:00",
             "Deal - Deal created": "2026-09-01 09:00:00",
             "Deal - Lost reason": ""},
            {"Deal - ID": "2", "Deal - Title": "Globex deal", "Deal - Organization": "Globex",
             "Deal - Stage": "Demo Scheduled", "Deal - Status": "Open", "Deal - Value": "100",
             "Deal - Won time": "", "Deal - Lost time": "",
             "Deal - Last stage change": "2026-11-05 09:00:00",
             "Deal - Deal created": "2026-09-01 09:00:00",
             "Deal - Lost reason": ""},
            {"Deal - ID": "3", "Deal - Title": "Hooli deal", "Deal - Organization": "Hooli",
             "Deal - Stage": "Qualified", "Deal - Status": "Lost", "Deal - Value": "",
             "Deal - Won time": "", "Deal - Lost time": "2026-11-12 08:00:00",
             "Deal - Last stage change": "2026-10-01 09:00:00",
             "Deal - Deal created": "2026-09-01 09:00:00",
             "Deal - Lost reason": "Went with a competitor"},
        ],
    )  # fmt: skip
    out = cli.ok("import", "stage-changes", str(deals), "--from", "pipedrive", "--tz", "UTC")
    assert out.stderr == (
        "imported stage-changes: 3 added, 0 updated, 0 unchanged, 0 kept (stored row newer); "
        "3 prospects moved to their latest stage; not imported (no column for them): Deal - Value\n"
    )
    assert dict(rows(db_path, "SELECT name, stage FROM prospects")) == {
        "Acme Corp": "won", "Globex": "meeting", "Hooli": "lost", "Northwind": "lead",
        "Initech": "lead", "Umbrella": "lead",
    }  # fmt: skip
    assert rows(
        db_path,
        "SELECT s.from_stage, s.to_stage, s.changed_at, s.reason FROM stage_changes s "
        "JOIN prospects p ON p.id = s.prospect_id WHERE p.name = 'Hooli' ORDER BY s.changed_at",
    ) == [
        (None, "lead", stored_utc(datetime(2026, 1 + ORGS.index("Hooli"), 2, 10), BERLIN), None),
        ("lead", "lost", "2026-11-12 08:00:00.000000", "Went with a competitor"),
    ]
    assert rows(db_path, "SELECT stage_since FROM prospects WHERE name = 'Acme Corp'") == [
        ("2026-11-10 12:00:00.000000",)
    ]

    before = dump(db_path)
    for entity, file in (("activities", path), ("next-steps", path), ("prospects", orgs),
                         ("stage-changes", deals)):  # fmt: skip
        again = cli.ok("import", entity, str(file), "--from", "pipedrive", "--tz", "UTC"
                       if entity == "stage-changes" else "Europe/Berlin")  # fmt: skip
        assert " 0 added, 0 updated," in again.stderr, again.stderr
    assert dump(db_path) == before


# -- Close ---------------------------------------------------------------------------------

CLOSE_DISPOSITIONS = {
    "answered": "connected", "no-answer": "no_answer", "vm-answer": "voicemail",
    "vm-left": "voicemail", "busy": "busy", "blocked": "wrong_number", "error": "no_answer",
    "abandoned": "no_answer",
}  # fmt: skip


def test_close_leads_then_calls_found_by_lead_id(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    statuses = ["Potential", "Qualified", "Customer", "Bad Fit", "Potential", "Canceled"]
    leads = [
        {"id": f"lead_{i:04}abc", "display_name": name, "status_label": status,
         "description": "", "url": f"https://{i}.example", "date_created":
         f"2026-0{i + 1}-01T09:00:00.000000+00:00", "primary_contact_name": "Jo"}
        for i, (name, status) in enumerate(zip(ORGS, statuses, strict=True))
    ]  # fmt: skip
    lead_file = write(tmp_path / "leads.csv", leads)
    out = cli.ok("import", "prospects", str(lead_file), "--from", "close")
    assert out.stderr.startswith("imported prospects: 6 added, 0 updated")
    assert "not imported (no column for them): primary_contact_name" in out.stderr
    assert dict(rows(db_path, "SELECT name, stage FROM prospects")) == {
        "Acme Corp": "lead", "Northwind": "qualified", "Globex": "won", "Initech": "lost",
        "Umbrella": "lead", "Hooli": "lost",
    }  # fmt: skip
    assert rows(db_path, "SELECT COUNT(*) FROM stage_changes") == [(6,)]
    # the lead's url is its domain
    assert rows(db_path, "SELECT domain FROM prospects WHERE name = 'Globex'") == [("2.example",)]

    rng = random.Random(9)
    calls = []
    for i in range(150):
        disposition = rng.choice(list(CLOSE_DISPOSITIONS))
        calls.append(
            {"id": f"acti_{i:05}", "_type": "Call", "lead_id": leads[rng.randrange(6)]["id"],
             "date_created": (datetime(2026, 10, 1, tzinfo=UTC) + timedelta(hours=5 * i))
             .isoformat(timespec="microseconds"),
             "duration": str(rng.randrange(0, 600) if disposition == "answered" else 0),
             "direction": rng.choice(["outbound", "inbound"]), "disposition": disposition,
             "note": "", "user_name": "Sam Rep", "phone": "+15550100"}
        )  # fmt: skip
    call_file = tmp_path / "calls.json"  # Close's JSON export of the calls
    call_file.write_text(json.dumps(calls), encoding="utf-8")
    out = cli.ok("import", "activities", str(call_file), "--from", "close")
    assert out.stderr.startswith("imported activities: 150 added, 0 updated")
    assert "new prospects" not in out.stderr
    assert dict(rows(db_path, "SELECT outcome, COUNT(*) FROM activities GROUP BY outcome")) == dict(
        Counter(CLOSE_DISPOSITIONS[c["disposition"]] for c in calls)
    )
    assert rows(db_path, "SELECT SUM(duration_s), COUNT(duration_s) FROM activities") == [
        (sum(int(c["duration"]) for c in calls) or None,
         sum(1 for c in calls if c["duration"] != "0"))
    ]  # fmt: skip
    by_lead = Counter(
        next(ld["display_name"] for ld in leads if ld["id"] == c["lead_id"]) for c in calls
    )
    assert dict(
        rows(db_path, "SELECT p.name, COUNT(*) FROM activities a JOIN prospects p ON "
             "p.id = a.prospect_id GROUP BY p.name")
    ) == dict(by_lead)  # fmt: skip
    assert dict(rows(db_path, "SELECT direction, COUNT(*) FROM activities GROUP BY 1")) == dict(
        Counter(c["direction"] for c in calls)
    )
    again = cli.ok("import", "activities", str(call_file), "--from", "close")
    assert again.stderr.startswith("imported activities: 0 added, 0 updated, 150 unchanged")


# -- Salesforce ----------------------------------------------------------------------------


def test_salesforce_accounts_tasks_and_opportunity_history(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    accounts = [
        {"ID": f"001Hs00000{i:05}AAA", "NAME": name, "TYPE": "Prospect",
         "INDUSTRY": "Technology", "CREATEDDATE": f"2026-0{i + 1}-15T08:00:00.000Z"}
        for i, name in enumerate(ORGS)
    ]  # fmt: skip
    out = cli.ok("import", "prospects", str(write(tmp_path / "Account.csv", accounts)),
                 "--from", "salesforce")  # fmt: skip
    assert out.stderr.startswith("imported prospects: 6 added,")
    assert "not imported (no column for them): TYPE, INDUSTRY" in out.stderr

    rng = random.Random(4)
    dispositions = {
        "Left Voicemail": "voicemail",
        "No Answer": "no_answer",
        "Connected": "connected",
        "Meeting Scheduled": "meeting_set",
        "": "connected",
    }
    tasks = []
    for i in range(120):
        subtype = rng.choice(["Call", "Call", "Call", "Email", "Task"])
        status = "Not Started" if i % 10 == 0 else "Completed"
        when = datetime(2026, 10, 1, 9, tzinfo=UTC) + timedelta(hours=6 * i)
        tasks.append(
            {"ID": f"00THs0000{i:06}AAA", "ACCOUNTID": accounts[rng.randrange(6)]["ID"],
             "SUBJECT": f"{subtype} {i}", "TASKSUBTYPE": subtype, "STATUS": status,
             "ACTIVITYDATE": when.strftime("%Y-%m-%d"),
             "COMPLETEDDATETIME":
                 when.strftime("%Y-%m-%dT%H:%M:%S.000Z") if status == "Completed" else "",
             "CALLDURATIONINSECONDS": str(rng.randrange(1, 900)) if subtype == "Call" else "",
             "CALLTYPE": "Outbound" if subtype == "Call" else "",
             "CALLDISPOSITION": rng.choice(list(dispositions)) if subtype == "Call" else "",
             "DESCRIPTION": "", "PRIORITY": "Normal"}
        )  # fmt: skip
    task_file = write(tmp_path / "Task.csv", tasks)
    out = cli.ok("import", "activities", str(task_file), "--from", "salesforce")
    completed = [t for t in tasks if t["STATUS"] == "Completed"]
    assert out.stderr == (
        f"imported activities: {len(completed)} added, 0 updated, 0 unchanged, 0 kept (stored "
        f"row newer); {len(tasks) - len(completed)} rows left out (STATUS is 'Not Started'); "
        "not imported (no column for them): PRIORITY\n"
    )
    calls = [t for t in completed if t["TASKSUBTYPE"] == "Call"]
    assert dict(
        rows(db_path, "SELECT outcome, COUNT(*) FROM activities WHERE kind = 'call' GROUP BY 1")
    ) == dict(Counter(dispositions[t["CALLDISPOSITION"]] for t in calls))
    assert rows(db_path, "SELECT SUM(duration_s) FROM activities") == [
        (sum(int(t["CALLDURATIONINSECONDS"]) for t in calls),)
    ]
    assert rows(db_path, "SELECT occurred_at FROM activities ORDER BY occurred_at LIMIT 1") == [
        (datetime.strptime(completed[0]["COMPLETEDDATETIME"], "%Y-%m-%dT%H:%M:%S.000Z")
         .strftime("%Y-%m-%d %H:%M:%S.%f"),)
    ]  # fmt: skip
    assert rows(db_path, "SELECT COUNT(*) FROM prospects") == [(6,)]  # found by AccountId
    open_tasks = cli.ok("import", "next-steps", str(task_file), "--from", "salesforce")
    assert open_tasks.stderr.startswith(f"imported next-steps: {len(tasks) - len(completed)} added")

    history = []
    for n, (acct, stages) in enumerate([
        (0, ["Prospecting", "Qualification", "Proposal/Price Quote", "Closed Won"]),
        (1, ["Prospecting", "Needs Analysis", "Closed Lost"]),
        (2, ["Qualification", "Negotiation/Review"]),
    ]):  # fmt: skip
        for k, stage in enumerate(stages):
            history.append(
                {"ID": f"008Hs{n}{k:05}", "OPPORTUNITYID": f"006Hs{n:05}",
                 "OPPORTUNITY.ACCOUNTID": accounts[acct]["ID"], "STAGENAME": stage,
                 "AMOUNT": "5000", "CREATEDDATE": f"2026-11-{1 + 3 * k:02}T10:00:00.000Z"}
            )  # fmt: skip
    hist_file = write(tmp_path / "OpportunityHistory.csv", history)
    out = cli.ok("import", "stage-changes", str(hist_file), "--from", "salesforce")
    assert out.stderr.startswith("imported stage-changes: 9 added, 0 updated")
    assert "3 prospects moved to their latest stage" in out.stderr
    assert dict(rows(db_path, "SELECT name, stage FROM prospects WHERE stage != 'lead'")) == {
        "Acme Corp": "won",
        "Northwind": "lost",
        "Globex": "negotiation",
    }
    assert rows(
        db_path,
        "SELECT s.from_stage, s.to_stage FROM stage_changes s JOIN prospects p ON "
        "p.id = s.prospect_id WHERE p.name = 'Acme Corp' ORDER BY s.changed_at",
    ) == [(None, "lead"), ("lead", "lead"), ("lead", "qualified"), ("qualified", "proposal"),
          ("proposal", "won")]  # fmt: skip
    before = dump(db_path)
    assert (
        " 0 added, 0 updated, 9 unchanged"
        in cli.ok("import", "stage-changes", str(hist_file), "--from", "salesforce").stderr
    )
    assert (
        " 0 added, 0 updated, 108 unchanged"
        in cli.ok("import", "activities", str(task_file), "--from", "salesforce").stderr
    )
    assert dump(db_path) == before


# -- HubSpot companies and deals -------------------------------------------------------------


def test_hubspot_companies_and_deals_move_the_stage(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    companies = write(
        tmp_path / "companies.csv",
        [
            {"Record ID": "9001", "Company name": "Acme Corp",
             "Company Domain Name": "acme.example",
             "Lifecycle Stage": "Sales Qualified Lead", "Create Date": "2026-03-01 10:00",
             "Company owner": "Sam Rep"},
            {"Record ID": "9002", "Company name": "Globex", "Company Domain Name": "globex.example",
             "Lifecycle Stage": "Customer", "Create Date": "2026-04-01 10:00",
             "Company owner": "Sam Rep"},
        ],
    )  # fmt: skip
    cli.ok("log", "call", "Acme Corp", "--new", "-o", "voicemail")  # made before the CRM file
    out = cli.ok("import", "prospects", str(companies), "--from", "hubspot", "--tz", "UTC")
    assert out.stderr.startswith("imported prospects: 1 added, 1 updated, 0 unchanged")
    assert dict(rows(db_path, "SELECT name, stage FROM prospects")) == {
        "Acme Corp": "qualified",
        "Globex": "won",
    }
    assert rows(
        db_path,
        "SELECT s.from_stage, s.to_stage, s.changed_at FROM stage_changes s JOIN prospects p "
        "ON p.id = s.prospect_id WHERE p.name = 'Acme Corp' ORDER BY s.changed_at",
    ) == [(None, "lead", "2026-03-01 10:00:00.000000"),
          ("lead", "qualified", "2026-11-20 15:00:00.000000")]  # fmt: skip

    deals = tmp_path / "deals.csv"
    deals.write_text(
        "Record ID,Deal Name,Deal Stage,Associated Company,Date entered current stage,Amount\r\n"
        "1,Initech deal,Closed Won,Initech,2026-11-19 09:00,1200\r\n",
        newline="",
    )
    out = cli.ok("import", "stage-changes", str(deals), "--from", "hubspot", "--tz", "UTC")
    assert out.stderr == (
        "imported stage-changes: 1 added, 0 updated, 0 unchanged, 0 kept (stored row newer); "
        "1 new prospects; 1 prospects moved to their latest stage; not imported (no column "
        "for them): Amount\n"
    )
    assert rows(db_path, "SELECT stage, stage_since FROM prospects WHERE name = 'Initech'") == [
        ("won", "2026-11-19 09:00:00.000000")
    ]

    before = dump(db_path)
    odd = tmp_path / "odd.csv"
    odd.write_text(
        "Record ID,Deal Name,Deal Stage,Associated Company,Date entered current stage\r\n"
        "2,Globex,Verbal Yes,Globex,2026-11-19 09:00\r\n",
        newline="",
    )
    bad = cli.fails("import", "stage-changes", str(odd), "--from", "hubspot")
    assert bad.stderr == (
        "error: 1 bad line; nothing was imported:\n  line 2: to_stage: unknown stage "
        "'Verbal Yes'; use one of: lead, qualified, meeting, proposal, negotiation, won, lost "
        "(map it with --map-values 'to_stage:THEIRS=ours', or add the stage: salestrack "
        "stages ...)\n"
    )
    assert dump(db_path) == before
    mapped = cli.ok("import", "stage-changes", str(odd), "--from", "hubspot",
                    "--map-values", "to_stage:Verbal Yes=negotiation")  # fmt: skip
    assert mapped.stderr.startswith("imported stage-changes: 1 added")


# -- bad input ------------------------------------------------------------------------------


def test_another_crms_file_names_the_columns_expected_and_found(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    path = write(tmp_path / "pipedrive.csv", pipedrive_activities(3))
    cli.ok("log", "call", "Acme", "--new", "-o", "voicemail")
    before = dump(db_path)
    bad = cli.fails("import", "activities", str(path), "--from", "hubspot")
    assert bad.stderr.startswith(
        "error: FILE: this is not the export the hubspot-activities preset reads: it has none "
        "of the columns 'Associated Company', 'Associated Companies', 'Company name' (for "
        "prospect); its columns are 'Activity - ID', 'Activity - Subject',"
    )
    assert dump(db_path) == before


CAFE = "prospect,kind,outcome,occurred_at\r\nCaf\u00e9 Noir,call,busy,2026-11-18 09:00\r\n"


@pytest.mark.parametrize(
    ("data", "args", "message"),
    [
        (b"", [], "error: FILE: is empty; expected a header row and data rows\n"),
        (
            CAFE.encode("cp1252"),
            [],
            "error: FILE: is not UTF-8 text (byte 38); give its encoding, e.g. --encoding cp1252 "
            "(Excel on Windows) or --encoding latin-1, or save it as UTF-8\n",
        ),
        (
            "prospect,kind,outcome,occurred_at\r\nAcme,call,busy,2026-11-18 09:00\r\n".encode(
                "utf-16-le"
            ),
            [],
            "error: FILE: looks like UTF-16 text without a byte-order mark; add --encoding "
            "utf-16-le (or utf-16-be)\n",
        ),
        (
            b'prospect,kind,outcome,occurred_at,notes\r\nAcme,call,busy,2026-11-18 09:00,"cut',
            [],
            "error: FILE: line 2: the file ends inside a quoted value (is the file cut short?)\n",
        ),
        (
            b"a,b\r\n1,2\r\n",
            ["--encoding", "klingon"],
            "error: --encoding: unknown encoding 'klingon'; e.g. utf-8, utf-16, cp1252, latin-1\n",
        ),
    ],
)
def test_bad_files_are_one_line_and_change_nothing(
    cli: Cli, db_path: Path, tmp_path: Path, data: bytes, args: list[str], message: str
) -> None:
    cli.ok("log", "call", "Acme", "--new", "-o", "voicemail")
    before = dump(db_path)
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    assert cli.fails("import", "activities", str(path), *args).stderr == message
    assert dump(db_path) == before


def test_utf16_with_a_bom_and_a_named_encoding_are_read(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    body = "prospect,kind,outcome,occurred_at\r\nCaf\u00e9 Noir,call,busy,2026-11-18 09:00\r\n"
    utf16 = tmp_path / "excel.csv"
    utf16.write_bytes(body.encode("utf-16"))  # with its byte-order mark, as Excel writes it
    cli.ok("import", "activities", str(utf16))
    latin = tmp_path / "latin.csv"
    latin.write_bytes(body.replace("18 09", "18 10").encode("cp1252"))
    cli.ok("import", "activities", str(latin), "--encoding", "cp1252")
    assert rows(db_path, "SELECT name FROM prospects") == [("Caf\u00e9 Noir",)]
    assert rows(db_path, "SELECT COUNT(*) FROM activities") == [(2,)]


def test_a_dry_run_or_a_failed_import_leaves_no_database_file(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text("prospect,kind,outcome,occurred_at\r\nAcme,call,busy,2026-11-18 09:00\r\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("prospect,kind,outcome,occurred_at\r\nAcme,call,,2026-11-18 09:00\r\n")
    assert not db_path.exists()
    assert (
        "would import activities: 1 added"
        in cli.ok("import", "activities", str(good), "--dry-run").stderr
    )
    assert not db_path.exists() and not db_path.parent.exists()
    cli.fails("import", "activities", str(bad), "--dry-run")
    cli.fails("import", "activities", str(bad))
    assert not db_path.exists() and not db_path.parent.exists()
    cli.ok("import", "activities", str(good))
    assert rows(db_path, "SELECT COUNT(*) FROM activities") == [(1,)]


@pytest.mark.parametrize(
    "fmt",
    ["%m/%d/%Y %I:%M %p", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%m/%d/%Y, %I:%M %p", "%d.%m.%Y %H:%M:%S"],
)
def test_the_fast_date_formats_read_what_strptime_reads(fmt: str) -> None:
    from salestrack.interchange.importer import _time_parser

    parse = _time_parser(fmt)
    rng = random.Random(fmt)
    for _ in range(500):
        day = (rng.randrange(1990, 2030), rng.randrange(1, 13), rng.randrange(1, 29))
        t = datetime(*day, rng.randrange(24), rng.randrange(60), rng.randrange(60)).strftime(fmt)
        assert parse(t) == datetime.strptime(t, fmt)
    for bad in [
        "13/01/2026 10:00 AM",
        "2026-02-30",
        "10/05/2026 13:00 PM",
        "x",
        "31.04.2026 1:00:00",
    ]:
        try:
            expected: datetime | None = datetime.strptime(bad, fmt)
        except ValueError:
            expected = None
        try:
            got: datetime | None = parse(bad)
        except ValueError:
            got = None
        assert got == expected, bad


def test_a_company_is_matched_by_its_domain_whatever_it_is_called(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    # a prospect known by its domain (as import mail --new makes one), under another name
    cli.ok("prospect", "add", "Acme", "--domain", "acme.example")
    cli.ok("log", "call", "Acme", "-o", "voicemail")
    companies = write(
        tmp_path / "companies.csv",
        [
            {"Record ID": "9001", "Company name": "Acme Corporation",
             "Company Domain Name": "WWW.Acme.example", "Lifecycle Stage": "Lead",
             "Create Date": "2026-03-01 10:00"},
            {"Record ID": "9002", "Company name": "Globex", "Company Domain Name": "globex.example",
             "Lifecycle Stage": "Lead", "Create Date": "2026-04-01 10:00"},
        ],
    )  # fmt: skip
    out = cli.ok("import", "prospects", str(companies), "--from", "hubspot", "--tz", "UTC")
    assert out.stderr.startswith("imported prospects: 1 added, 1 updated, 0 unchanged")
    assert rows(
        db_path,
        "SELECT p.name, p.domain, count(a.id) FROM prospects p "
        "LEFT JOIN activities a ON a.prospect_id = p.id GROUP BY p.id ORDER BY p.name",
    ) == [("Acme Corporation", "acme.example", 1), ("Globex", "globex.example", 0)]
    again = cli.ok("import", "prospects", str(companies), "--from", "hubspot", "--tz", "UTC")
    assert again.stderr.startswith("imported prospects: 0 added, 0 updated, 2 unchanged")

    # one domain twice in a file is two rows for one prospect: refused, nothing imported
    before = dump(db_path)
    twice = write(
        tmp_path / "twice.csv",
        [
            {"Company name": "Initech", "Company Domain Name": "initech.example"},
            {"Company name": "Initech Ltd", "Company Domain Name": "initech.example"},
        ],
    )
    bad = cli.fails("import", "prospects", str(twice), "--from", "hubspot", "--tz", "UTC")
    assert bad.stderr == (
        "error: 1 bad line; nothing was imported:\n  line 3: domain initech.example appears "
        "twice in the file; keep one row (a domain is one prospect)\n"
    )
    assert dump(db_path) == before
