"""import mail: real mbox, Maildir and .eml files built with the standard library."""

from __future__ import annotations

import mailbox
import os
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.conftest import Cli, dump, rows

ME = "me@mycorp.com"


def message(
    frm: str,
    to: str,
    subject: str,
    date: str | None,
    mid: str | None,
    *,
    refs: str | None = None,
    body: str = "Hello,\nthe figures are attached.\n> quoted\nBest",
) -> EmailMessage:
    m = EmailMessage()
    m["From"] = frm
    m["To"] = to
    m["Subject"] = subject
    if date is not None:
        m["Date"] = date
    if mid is not None:
        m["Message-ID"] = mid
    if refs is not None:
        m["In-Reply-To"] = refs.split()[-1]
        m["References"] = refs
    m.set_content(body)
    return m


# the conversation with Acme (times in UTC after the zone)
SENT = message(
    f"Me <{ME}>",
    "Dana Lee <dana@acme.com>",
    "Proposal",
    "Mon, 16 Nov 2026 09:00:00 +0000",
    "<m1@mycorp.com>",
)
REPLY = message(
    "Dana Lee <dana@acme.com>",
    ME,
    "Re: Proposal",
    "Mon, 16 Nov 2026 11:30:00 +0000",
    "<m2@acme.com>",
    refs="<m1@mycorp.com>",
)
ANSWER = message(
    ME,
    "dana@acme.com",
    "Re: Proposal",
    "Tue, 17 Nov 2026 10:30:00 +0100",
    "<m3@mycorp.com>",
    refs="<m1@mycorp.com> <m2@acme.com>",
)
GLOBEX = message(
    "Bob <bob@globex.com>", ME, "Intro", "Wed, 18 Nov 2026 08:00:00 -0500", "<g1@globex.com>"
)
FRIEND = message("pal@gmail.com", ME, "Lunch?", "Wed, 18 Nov 2026 12:00:00 +0000", "<f1@gmail.com>")
UNDATED = message("dana@acme.com", ME, "No date", None, "<nodate@acme.com>")
INSIDE = message(
    "boss@mycorp.com", ME, "Internal", "Wed, 18 Nov 2026 12:00:00 +0000", "<i1@mycorp.com>"
)
NEWCO = message(
    "Ann Wu <ann@initech.com>",
    ME,
    "Saw your talk",
    "Thu, 19 Nov 2026 09:00:00 +0000",
    "<n1@initech.com>",
)


def write_mbox(path: Path, messages: list[EmailMessage], raw: tuple[bytes, ...] = ()) -> Path:
    box = mailbox.mbox(str(path))
    for m in messages:
        box.add(m)
    for r in raw:
        box.add(r)
    box.flush()
    box.close()
    return path


def write_maildir(path: Path, messages: list[EmailMessage]) -> Path:
    box = mailbox.Maildir(str(path))
    for m in messages:
        box.add(m)
    box.close()
    return path


# a subject in raw 8-bit latin-1 (not RFC 2047): bytes that are not UTF-8
BAD_BYTES = (
    b"From: dana@acme.com\nTo: me@mycorp.com\nSubject: Caf\xe9 menu\n"
    b"Date: Thu, 19 Nov 2026 10:00:00 +0000\nMessage-ID: <bad@acme.com>\n\nbody\n"
)


def setup(cli: Cli) -> None:
    cli.ok("prospect", "add", "Acme")
    cli.ok("contact", "add", "Acme", "Dana Lee", "--email", "Dana@Acme.com")
    cli.ok("prospect", "add", "Globex", "--domain", "https://www.Globex.com/")
    cli.ok(
        "log",
        "call",
        "Acme",
        "-o",
        "connected",
        "--at",
        "2026-11-13 10:00",
        "--next",
        "send proposal",
        "--due",
        "2026-11-16 17:00",
    )


def emails(db: Path) -> list[tuple[object, ...]]:
    return rows(
        db,
        "SELECT p.name, c.name, a.occurred_at, a.direction, a.outcome, a.notes, a.source_key, "
        "a.thread_key FROM activities a JOIN prospects p ON p.id = a.prospect_id "
        "LEFT JOIN contacts c ON c.id = a.contact_id WHERE a.kind = 'email' "
        "ORDER BY a.occurred_at",
    )


def test_mbox_import_logs_threads_completes_the_step_and_a_second_run_changes_nothing(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    setup(cli)
    inbox = write_mbox(
        tmp_path / "inbox.mbox",
        [SENT, REPLY, ANSWER, GLOBEX, FRIEND, UNDATED, INSIDE, NEWCO],
        (BAD_BYTES,),
    )
    out = cli.ok("import", "mail", str(inbox), "--me", ME)
    assert out.stderr.splitlines()[0] == (
        "imported mail: 5 logged, 0 already there, 2 unmatched, 2 skipped "
        "(1 between your own addresses, 1 no Date); 1 next step completed"
    )
    assert "unmatched correspondents by domain: gmail.com 1, initech.com 1" in out.stderr
    assert emails(db_path) == [
        (
            "Acme",
            "Dana Lee",
            "2026-11-16 09:00:00.000000",
            "outbound",
            "sent",
            "Proposal",
            "mail:m1@mycorp.com",
            "m1@mycorp.com",
        ),
        (
            "Acme",
            "Dana Lee",
            "2026-11-16 11:30:00.000000",
            "inbound",
            "replied",
            "Re: Proposal",
            "mail:m2@acme.com",
            "m1@mycorp.com",
        ),
        (
            "Acme",
            "Dana Lee",
            "2026-11-17 09:30:00.000000",
            "outbound",
            "sent",
            "Re: Proposal",
            "mail:m3@mycorp.com",
            "m1@mycorp.com",
        ),
        (
            "Globex",
            None,
            "2026-11-18 13:00:00.000000",
            "inbound",
            "sent",
            "Intro",
            "mail:g1@globex.com",
            "g1@globex.com",
        ),
        (
            "Acme",
            "Dana Lee",
            "2026-11-19 10:00:00.000000",
            "inbound",
            "sent",
            "Caf\ufffd menu",
            "mail:bad@acme.com",
            "bad@acme.com",
        ),
    ]
    # the outbound email of 16 Nov completed the step set by the call of 13 Nov
    assert rows(
        db_path,
        "SELECT n.action, n.done_at, a.source_key FROM next_steps n "
        "JOIN activities a ON a.id = n.done_by_activity_id",
    ) == [("send proposal", "2026-11-16 09:00:00.000000", "mail:m1@mycorp.com")]
    assert rows(db_path, "SELECT value FROM settings WHERE key = 'my_addresses'") == [
        ('["me@mycorp.com"]',)
    ]
    before = dump(db_path)
    again = cli.ok("import", "mail", str(inbox))  # --me remembered
    assert again.stderr.splitlines()[0] == (
        "imported mail: 0 logged, 5 already there, 2 unmatched, 2 skipped "
        "(1 between your own addresses, 1 no Date)"
    )
    assert dump(db_path) == before


def test_overlapping_maildir_and_eml_add_only_the_new_and_new_makes_company_prospects(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    setup(cli)
    write_mbox(tmp_path / "a.mbox", [SENT, REPLY])
    cli.ok("import", "mail", str(tmp_path / "a.mbox"), "--me", ME)
    maildir = write_maildir(tmp_path / "Maildir", [REPLY, FRIEND, NEWCO])
    write_maildir(tmp_path / "Maildir" / ".Sent", [ANSWER])  # a subfolder, Maildir++
    eml = tmp_path / "one.eml"
    eml.write_bytes(bytes(GLOBEX))
    out = cli.ok("import", "mail", str(maildir), str(eml), "--new")
    assert out.stderr.splitlines()[0] == (
        "imported mail: 3 logged, 1 already there, 1 unmatched, 0 skipped; "
        "new: 1 prospect, 2 contacts"
    )
    assert "gmail.com 1" in out.stderr
    assert rows(db_path, "SELECT name, domain, stage FROM prospects ORDER BY name") == [
        ("Acme", None, "lead"),
        ("Globex", "globex.com", "lead"),
        ("Initech", "initech.com", "lead"),
    ]
    assert rows(
        db_path,
        "SELECT p.name, c.name, c.email FROM contacts c JOIN prospects p ON p.id = c.prospect_id "
        "ORDER BY c.name",
    ) == [
        ("Initech", "Ann Wu", "ann@initech.com"),
        ("Globex", "Bob", "bob@globex.com"),
        ("Acme", "Dana Lee", "Dana@Acme.com"),
    ]
    assert [r[6] for r in emails(db_path)] == [
        "mail:m1@mycorp.com",
        "mail:m2@acme.com",
        "mail:m3@mycorp.com",
        "mail:g1@globex.com",
        "mail:n1@initech.com",
    ]


def test_bodies_keep_the_first_lines_only_when_asked(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    setup(cli)
    box = write_mbox(tmp_path / "a.mbox", [SENT])
    cli.ok("import", "mail", str(box), "--me", ME, "--bodies")
    assert [r[5] for r in emails(db_path)] == ["Proposal\nHello,\nthe figures are attached.\nBest"]


def test_dry_run_lists_what_would_be_logged_and_writes_nothing(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    setup(cli)
    box = write_mbox(tmp_path / "a.mbox", [SENT, GLOBEX])
    before = dump(db_path)
    out = cli.ok("import", "mail", str(box), "--me", ME, "--dry-run")
    assert out.stdout.splitlines() == [
        "Mon 16 Nov 09:00  -> Acme (Dana Lee): Proposal",
        "Wed 18 Nov 13:00  <- Globex: Intro",
    ]
    assert out.stderr.splitlines()[0].startswith("would import mail: 2 logged")
    assert dump(db_path) == before


def test_since_until_limit_the_range(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    setup(cli)
    box = write_mbox(tmp_path / "a.mbox", [SENT, REPLY, ANSWER, GLOBEX])
    out = cli.ok(
        "import", "mail", str(box), "--me", ME, "--since", "2026-11-17", "--until", "2026-11-17"
    )
    assert out.stderr.splitlines()[0] == (
        "imported mail: 1 logged, 0 already there, 0 unmatched, 3 skipped "
        "(3 outside --since/--until); 1 next step completed"
    )


def test_a_file_that_is_not_a_mailbox_is_one_line_and_changes_nothing(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    setup(cli)
    before = dump(db_path)
    bad = tmp_path / "notes.txt"
    bad.write_text("just some notes\n")
    out = cli.fails("import", "mail", str(bad), "--me", ME)
    assert out.stderr == (
        f"error: PATH: '{bad}' is not a mailbox (an mbox file, a Maildir folder or .eml "
        "files); nothing was imported\n"
    )
    assert cli.fails("import", "mail", str(tmp_path / "none.mbox"), "--me", ME).stderr == (
        f"error: PATH: can't read '{tmp_path / 'none.mbox'}' (no such file or directory)\n"
    )
    assert cli.fails("import", "mail", str(tmp_path), "--me", "not-an-address").stderr == (
        "error: --me: 'not-an-address' is not an email address; e.g. dana@acme.com\n"
    )
    assert dump(db_path) == before


def test_without_any_address_of_yours_it_asks_for_one(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    setup(cli)
    before = dump(db_path)
    box = write_mbox(tmp_path / "a.mbox", [SENT])
    out = cli.fails("import", "mail", str(box))
    assert out.stderr == (
        "error: --me: give your own address once (it is remembered), e.g. --me you@acme.com\n"
    )
    assert dump(db_path) == before


def test_huge_attachment_and_broken_headers_are_read_or_skipped(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    setup(cli)
    big = message(
        ME, "dana@acme.com", "Deck", "Thu, 19 Nov 2026 12:00:00 +0000", "<big@mycorp.com>"
    )
    big.add_attachment(
        b"\x00" * 5_000_000, maintype="application", subtype="octet-stream", filename="deck.bin"
    )
    garbage_date = (
        b"From: dana@acme.com\nTo: me@mycorp.com\nSubject: Odd\nDate: yesterday-ish\n"
        b"Message-ID: <odd@acme.com>\n\nbody\n"
    )
    box = write_mbox(tmp_path / "a.mbox", [big], (garbage_date, b"\n\n"))
    out = cli.ok("import", "mail", str(box), "--me", ME, "--bodies")
    assert out.stderr.splitlines()[0] == (
        "imported mail: 1 logged, 0 already there, 0 unmatched, 2 skipped "
        "(1 a Date that is not a date, 1 empty); 1 next step completed"
    )


def test_domain_is_one_rule_for_prospects(cli: Cli, db_path: Path) -> None:
    cli.ok("prospect", "add", "Acme", "--domain", "@ACME.com")
    assert rows(db_path, "SELECT domain FROM prospects") == [("acme.com",)]
    assert cli.fails("prospect", "add", "Other", "--domain", "acme.com").stderr == (
        "error: --domain: acme.com is already the domain of 'Acme'\n"
    )
    assert cli.fails("prospect", "edit", "Acme", "--domain", "not a domain").stderr == (
        "error: --domain: 'not a domain' is not a mail domain; write it as acme.com\n"
    )
    cli.ok("prospect", "edit", "Acme", "--domain", "")
    assert rows(db_path, "SELECT domain FROM prospects") == [(None,)]


@pytest.mark.postgres
def test_each_rep_imports_their_own_mail_on_postgresql(
    cli: Cli, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    monkeypatch.setenv("SALESTRACK_DB", pg_url)
    setup(cli)
    box = write_mbox(tmp_path / "a.mbox", [SENT, REPLY, ANSWER, GLOBEX])
    first = cli.ok("import", "mail", str(box), "--me", ME)
    assert first.stderr.splitlines()[0] == (
        "imported mail: 4 logged, 0 already there, 0 unmatched, 0 skipped; 1 next step completed"
    )
    again = cli.ok("import", "mail", str(box))
    assert again.stderr.splitlines()[0].startswith("imported mail: 0 logged, 4 already there")
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as conn:
        found = conn.execute(
            "SELECT source_key, thread_key, direction FROM activities WHERE kind = 'email' "
            "ORDER BY occurred_at"
        ).fetchall()
    assert found == [
        ("mail:m1@mycorp.com", "m1@mycorp.com", "outbound"),
        ("mail:m2@acme.com", "m1@mycorp.com", "inbound"),
        ("mail:m3@mycorp.com", "m1@mycorp.com", "outbound"),
        ("mail:g1@globex.com", "g1@globex.com", "inbound"),
    ]


# Globex writes twice before the answer: the wait runs from the first (18 Nov 13:00 UTC)
GLOBEX_AGAIN = message(
    "bob@globex.com", ME, "Re: Intro", "Wed, 18 Nov 2026 15:00:00 +0000", "<g2@globex.com>",
    refs="<g1@globex.com>",
)  # fmt: skip
GLOBEX_ANSWER = message(
    ME, "bob@globex.com", "Re: Intro", "Thu, 19 Nov 2026 13:00:00 +0000", "<g3@mycorp.com>",
    refs="<g1@globex.com> <g2@globex.com>",
)  # fmt: skip


def test_response_times_in_baseline_scorecard_and_report_card(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    import json

    setup(cli)
    box = write_mbox(
        tmp_path / "a.mbox", [GLOBEX_ANSWER, SENT, REPLY, ANSWER, GLOBEX, GLOBEX_AGAIN]
    )
    cli.ok("import", "mail", str(box), "--me", ME)
    # yours: Acme 16 Nov 11:30 -> 17 Nov 09:30 (22 h), Globex 18 Nov 13:00 -> 19 Nov 13:00
    # (24 h); the client's: Acme 16 Nov 09:00 -> 11:30 (2.5 h)
    doc = json.loads(cli.ok("baseline", "-f", "json").stdout)
    got = {f["figure"]: (f["unit"], f["value"], f["n"]) for f in doc["figures"]}
    assert got["your reply time (median)"] == ("hours", 23.0, 2)
    assert got["client reply time (median)"] == ("hours", 2.5, 1)
    assert doc["slowest_replies"] == [
        {"whose": "your reply time", "prospect": "Globex",
         "asked_at": "2026-11-18T13:00:00+00:00", "hours": 24.0},
        {"whose": "client reply time", "prospect": "Acme",
         "asked_at": "2026-11-16T09:00:00+00:00", "hours": 2.5},
    ]  # fmt: skip
    card = json.loads(cli.ok("scorecard", "Acme", "--quarter", "2026Q4", "-f", "json").stdout)
    one = {"whose": "your reply time", "n": 1, "median_hours": 22.0, "worst_hours": 22.0}
    theirs = {"whose": "client reply time", "n": 1, "median_hours": 2.5, "worst_hours": 2.5}
    assert card["response_times"] == {
        "yours": one, "theirs": theirs, "weeks": [{"week": "2026-W47", "yours": one,
                                                   "theirs": theirs}],
    }  # fmt: skip
    text = cli.ok("scorecard", "Acme", "--quarter", "2026Q4").stdout
    week = "| 2026-W47 | 22.0 h (worst 22.0 h, 1 answered) | 2.5 h (worst 2.5 h, 1 answered) |"
    assert week in text.splitlines()
    cli.ok("crc", "behaviours", "--set", "3")  # the candidate "Returns calls and emails promptly"
    cli.ok("crc", "rate", "Globex", "--month", "2026-11", "1=B")
    report = json.loads(cli.ok("crc", "report", "Globex", "--months", "1", "-f", "json").stdout)
    assert [(r["month"], r["b1"], r["reply_median_hours"], r["replies"]) for r in report] == [
        ("2026-11", "B", 24.0, 1)
    ]
    shown = cli.ok("crc", "report", "Globex", "--months", "1", "-f", "table")
    assert shown.stderr.splitlines()[-1] == (
        "your reply time by month: 2026-11 median 24.0 h, worst 24.0 h (1 answered) (reply "
        "time: beside 1, your median reply to the client's emails that month (how many "
        "answered))"
    )
    assert "24.0h (1)" in shown.stdout


def test_import_of_prospects_cleans_their_domain_by_the_same_rule(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    good = tmp_path / "p.csv"
    good.write_text("name,domain\nAcme,https://WWW.Acme.com/\n")
    cli.ok("import", "prospects", str(good))
    assert rows(db_path, "SELECT name, domain FROM prospects") == [("Acme", "acme.com")]
    before = dump(db_path)
    bad = tmp_path / "q.csv"
    bad.write_text("name,domain\nGlobex,not a domain\n")
    assert cli.fails("import", "prospects", str(bad)).stderr == (
        "error: 1 bad line; nothing was imported:\n"
        "  line 2: domain: 'not a domain' is not a mail domain; write it as acme.com\n"
    )
    assert dump(db_path) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_message_in_a_maildir_is_skipped_with_its_reason(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    setup(cli)
    maildir = write_maildir(tmp_path / "Maildir", [SENT, REPLY])
    locked = sorted((maildir / "new").iterdir())[0]
    locked.chmod(0)
    out = cli.ok("import", "mail", str(maildir), "--me", ME)
    assert out.stderr.splitlines()[0].startswith(
        "imported mail: 1 logged, 0 already there, 0 unmatched, 1 skipped (1 unreadable "
        "(permission denied))"
    )
