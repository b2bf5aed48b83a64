"""``import mail``: emails from an mbox file, a Maildir folder or ``.eml`` files as activities.

Read with the standard library's :mod:`mailbox` and :mod:`email` (its modern policy), one
message at a time: only a message's header block is read (and, with ``bodies``, the first
64 KB after it), so a huge attachment costs nothing and the mailbox is never all in memory.

Each message to or from a known contact or prospect (:mod:`salestrack.interchange.people`)
becomes an email activity, through the activity rule :func:`salestrack.rules.activity`:

* outbound when it is from one of your own addresses (the setting ``my_addresses``), else
  inbound (what is in your mailbox and not from you was sent to you, Bcc and lists too);
* outcome ``sent`` (``log email``'s default), or ``replied`` for a client's email that
  answers an earlier one (it has In-Reply-To or References);
* at the time of its Date header; the subject is the note (and the body's first lines with
  ``bodies``; nothing of the body is stored otherwise);
* in a thread (``thread_key``): the thread of the first message it refers to that is
  already imported (References, then In-Reply-To), else the first it refers to, else its own
  Message-ID;
* keyed ``mail:<Message-ID>`` (``source_key``): a message already imported, from this or any
  other mailbox, is "already there" and changes nothing;
* an outbound email completes the prospect's open next steps set before it, as ``log email``
  does (:func:`salestrack.capture.capture.close_steps`).

A broken message (no Date, headers that can't be parsed, unreadable) is skipped and counted
with its reason; a path that is not a mailbox at all raises :class:`NotAMailbox` before
anything is read into the database.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

from salestrack import rules
from salestrack.errors import InvalidInput, SalestrackError
from salestrack.interchange import people
from salestrack.store.sql import Store, uid

MAX_HEADER = 256 * 1024  # a header block longer than this is not a real message's
BODY_PEEK = 64 * 1024  # what --bodies reads of a body, at most
BODY_LINES = 5
BODY_CHARS = 500
MAX_SUBJECT = 1000
KEY_PREFIX = "mail:"
_ID = re.compile(r"<([^<>\s]+)>")
_FIELD = re.compile(rb"^[!-9;-~]+:")
_HEADERS = re.compile(rb"(?im)^(from|date|message-id|received|subject|to|return-path):")
NAMES = rules.Names(
    kind="kind", outcome="outcome", reached="reached", direction="direction",
    occurred_at="Date", duration_s="duration", notes="Subject", objective_met="objective",
    leave_out="leave {field} out",
)  # fmt: skip


class NotAMailbox(SalestrackError):
    """A path that is not an mbox file, a Maildir folder or ``.eml`` files (exit 1)."""


@dataclass(frozen=True)
class Message:
    key: str  # the source key: mail:<Message-ID>
    message_id: str | None
    date: datetime
    sender: tuple[tuple[str, str], ...]  # (display name, lower-case address)
    recipients: tuple[tuple[str, str], ...]  # To, then Cc
    subject: str | None
    references: tuple[str, ...]  # References, then In-Reply-To
    body: str | None = None


@dataclass(frozen=True)
class Broken:
    reason: str


@dataclass
class Planned:
    """One activity an import logs (or would log, on a dry run)."""

    occurred_at: datetime
    direction: str
    prospect: str
    contact: str | None
    subject: str | None


@dataclass
class Tally(people.Tally):
    logged: int = 0
    planned: list[Planned] = field(default_factory=list)

    def summary(self, what: str, *, dry_run: bool) -> str:
        verb = "would import" if dry_run else "imported"
        hint = (
            "\n(add a domain with: salestrack prospect edit NAME --domain acme.com, or "
            "import again with --new)"
        )
        return self.summary_of(
            f"{verb} {what}: {self.logged} logged", unmatched_as="correspondents", hint=hint,
            dry_run=dry_run,
        )  # fmt: skip


# -- finding the messages ------------------------------------------------------------------


@dataclass
class Source:
    """One mailbox: an mbox file, a Maildir (with its subfolders) or ``.eml`` files."""

    path: Path
    kind: str  # mbox, maildir, eml
    files: list[Path] = field(default_factory=list)  # the .eml files
    box: Any = None

    def count(self) -> int:
        if self.kind == "eml":
            return len(self.files)
        total = 0
        for box in self._boxes():
            try:
                total += len(box)
            except OSError:
                continue
        return total

    def _boxes(self) -> list[Any]:
        if self.kind == "mbox":
            return [self.box]
        found = [self.box]
        try:
            for name in self.box.list_folders():
                found.append(self.box.get_folder(name))
        except OSError:
            pass
        return found

    def items(self) -> Iterator[Callable[[], IO[bytes]] | Broken]:
        """Each message as a function that opens it, or why it can't be read."""
        if self.kind == "eml":
            for path in self.files:
                yield partial(_open, path)
            return
        for box in self._boxes():
            try:
                keys = list(box.iterkeys())
            except OSError as exc:
                yield Broken(f"unreadable folder ({_why(exc)})")
                continue
            for key in keys:
                yield partial(box.get_file, key)


def _open(path: Path) -> IO[bytes]:
    return path.open("rb")


def _why(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def find(paths: list[str]) -> list[Source]:
    """The mailboxes at ``paths``; :class:`NotAMailbox` for a path that is not one."""
    import mailbox

    found = []
    for typed in paths:
        path = Path(typed).expanduser()
        shown = _shown(typed)
        if path.is_dir():
            if (path / "cur").is_dir() or (path / "new").is_dir():
                maildir = mailbox.Maildir(str(path), factory=None, create=False)
                found.append(Source(path, "maildir", box=maildir))
                continue
            try:
                files = sorted(p for p in path.rglob("*.eml") if p.is_file())
            except OSError as exc:
                raise NotAMailbox(f"PATH: can't read '{shown}' ({_why(exc)})") from None
            if not files:
                raise NotAMailbox(
                    f"PATH: '{shown}' is a folder with no .eml files and not a Maildir "
                    "(cur/ and new/); give an mbox file, a Maildir or .eml files"
                )
            found.append(Source(path, "eml", files=files))
            continue
        try:
            with open(path, "rb") as f:
                start = f.read(4096)
        except OSError as exc:
            raise NotAMailbox(f"PATH: can't read '{shown}' ({_why(exc)})") from None
        head = start.lstrip(b"\r\n")
        if head.startswith(b"From "):
            box = mailbox.mbox(str(path), factory=None, create=False)
            found.append(Source(path, "mbox", box=box))
        elif _FIELD.match(head) and b"\x00" not in start and _HEADERS.search(start):
            found.append(Source(path, "eml", files=[path]))
        else:
            raise NotAMailbox(
                f"PATH: '{shown}' is not a mailbox (an mbox file, a Maildir folder or .eml "
                "files); nothing was imported"
            )
    return found


def _shown(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)


# -- reading one message -------------------------------------------------------------------


def _head(f: IO[bytes]) -> bytes | None:
    """The header block (without the blank line after it), or None when it never ends."""
    parts: list[bytes] = []
    size = 0
    while True:
        line = f.readline(MAX_HEADER)
        if not line or line in (b"\n", b"\r\n"):
            return b"".join(parts)
        size += len(line)
        if size > MAX_HEADER:
            return None
        parts.append(line)


def clean(text: str, limit: int) -> str | None:
    """Header or body text as it can be stored: undecodable bytes and control characters as
    spaces or U+FFFD, white space collapsed, at most ``limit`` characters."""
    out = []
    for ch in text:
        if "\ud800" <= ch <= "\udfff":
            out.append("\ufffd")
        elif ch == "\n" or ch.isprintable():
            out.append(ch)
        else:
            out.append(" ")
    lines = (" ".join(line.split()) for line in "".join(out).split("\n"))
    joined = "\n".join(line for line in lines if line)
    return joined[:limit] or None


def _ids(value: Any) -> list[str]:
    return [m[:900] for m in _ID.findall(str(value or ""))]


def _short(text: str) -> str:
    """An id short enough for a key (the source key and thread key hold 200 characters)."""
    if len(text) <= 190:
        return text
    return "#" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _addresses(raw: list[str]) -> tuple[tuple[str, str], ...]:
    from email.utils import getaddresses

    found = []
    for display, address in getaddresses(raw):
        address = address.strip().lower()
        if "@" in address and " " not in address:
            found.append((display, address))
    return tuple(found)


def _decoded(raw: str) -> str:
    """An RFC 2047 header value (``=?utf-8?q?...?=``) as text; the raw value when it has
    no encoded words or they can't be decoded."""
    if "=?" not in raw:
        return raw
    from email.header import decode_header, make_header

    try:
        return str(make_header(decode_header(raw)))
    except Exception:  # an unknown charset, a malformed encoded word
        return raw


_WANTED = {"from", "to", "cc", "date", "message-id", "references", "in-reply-to", "subject"}


def parse(head: bytes, peek: bytes | None) -> Message | Broken:
    """One message from its header block (and the start of its body).

    Parsed by the modern policy; the headers wanted are read as their raw values and
    decoded by :mod:`email.utils` (the policy's header objects cost ten times as much, for
    the same addresses and dates)."""
    from email import policy
    from email.parser import BytesParser
    from email.utils import parsedate_to_datetime

    try:
        data = head if peek is None else head + b"\n" + peek
        msg = BytesParser(policy=policy.default).parsebytes(data, headersonly=peek is None)
        raw: dict[str, list[str]] = {}
        for name, value in msg.raw_items():
            key = name.lower()
            if key in _WANTED:
                raw.setdefault(key, []).append(" ".join(str(value).split()))
        first = {k: v[0] for k, v in raw.items()}
        raw_date = first.get("date", "")
        if not raw_date.strip():
            return Broken("no Date")
        try:
            date = parsedate_to_datetime(raw_date)
        except (TypeError, ValueError, IndexError):
            return Broken("a Date that is not a date")
        date = date.replace(tzinfo=UTC) if date.tzinfo is None else date.astimezone(UTC)
        found = _ids(first.get("message-id"))
        message_id = found[0] if found else None
        refs = list(dict.fromkeys(_ids(first.get("references")) + _ids(first.get("in-reply-to"))))
        sender = _addresses(raw.get("from", []))
        recipients = _addresses([*raw.get("to", []), *raw.get("cc", [])])
        subject = clean(_decoded(first.get("subject", "")), MAX_SUBJECT)
        body = _body(msg) if peek is not None else None
    except Exception:  # the email package's parsers raise many kinds on broken input
        return Broken("headers that can't be read")
    if not sender:
        return Broken("no From address")
    if message_id is not None:
        key = KEY_PREFIX + _short(message_id)
    else:  # the same message gives the same key, so a re-import still changes nothing
        digest = hashlib.sha1(head, usedforsecurity=False).hexdigest()
        key = f"{KEY_PREFIX}#{digest}"
    return Message(
        key, message_id, date, sender, recipients, subject, tuple(refs), body
    )  # fmt: skip


def _body(msg: Any) -> str | None:
    """The first lines of the plain-text body, quoted lines left out."""
    try:
        part = msg.get_body(preferencelist=("plain",))
        text = part.get_content() if part is not None else None
    except Exception:  # an unknown charset, a part cut short by the peek
        return None
    if not isinstance(text, str):
        return None
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(">"):
            continue
        if line.startswith("On ") and line.endswith("wrote:"):
            break
        lines.append(line)
        if len(lines) == BODY_LINES:
            break
    return clean("\n".join(lines), BODY_CHARS)


def messages(sources: list[Source], *, bodies: bool) -> Iterator[Message | Broken]:
    """Every message of every source, one at a time."""
    for source in sources:
        for item in source.items():
            if isinstance(item, Broken):
                yield item
                continue
            try:
                with item() as f:
                    head = _head(f)
                    peek = f.read(BODY_PEEK) if bodies and head is not None else None
            except OSError as exc:
                yield Broken(f"unreadable ({_why(exc)})")
                continue
            except Exception:  # mailbox's own errors on a damaged folder
                yield Broken("unreadable")
                continue
            if not head:
                yield Broken("headers that can't be read" if head is None else "empty")
                continue
            yield parse(head, peek)


# -- writing -------------------------------------------------------------------------------


def _known(store: Store, owner: str) -> dict[str, str | None]:
    """The source keys of the emails already imported, with their threads."""
    found: dict[str, str | None] = {}
    for batch in store.stream(
        "SELECT source_key, thread_key FROM activities "
        "WHERE owner = :o AND source_key LIKE 'mail:%'",
        5000,
        o=owner,
    ):
        for key, thread in batch:
            found[str(key)] = None if thread is None else str(thread)
    return found


def thread_of(m: Message, known: dict[str, str | None]) -> str:
    """The thread ``m`` belongs to (see the module's docstring)."""
    for ref in m.references:
        thread = known.get(KEY_PREFIX + _short(ref))
        if thread:
            return thread
    if m.references:
        return _short(m.references[0])
    return _short(m.message_id) if m.message_id else m.key.removeprefix(KEY_PREFIX)


def run(store: Store, sources: list[Source], how: people.Run, *, bodies: bool) -> Tally:
    """Import the messages of ``sources``; the caller owns the (one) write transaction.
    ``how.plan`` keeps each activity logged in :attr:`Tally.planned` (for a dry run)."""
    from salestrack.capture.capture import close_steps

    since, until, now, owner, tick, new_id = (
        how.since, how.until, how.now, how.owner, how.tick, how.new_id
    )  # fmt: skip
    if not how.me:
        raise InvalidInput(
            "--me", "give your own address once (it is remembered), e.g. --me you@acme.com"
        )
    tally = Tally()
    matcher = people.Matcher(store, how)
    known = _known(store, owner)
    unmatched_keys: set[str] = set()
    # the prospects with an open next step: only their outbound emails can complete one
    waiting = {uid(p) for (p,) in store.rows(
        "SELECT DISTINCT prospect_id FROM next_steps WHERE done_at IS NULL")}  # fmt: skip
    batch = _Batch(store)
    for item in messages(sources, bodies=bodies):
        tick(1)
        if isinstance(item, Broken):
            tally.skipped[item.reason] += 1
            continue
        m = item
        if (since is not None and m.date < since) or (until is not None and m.date >= until):
            tally.skipped["outside --since/--until"] += 1
            continue
        if m.key in known:
            tally.already += 1
            continue
        if m.key in unmatched_keys:
            tally.skipped["duplicate"] += 1
            continue
        outbound = matcher.mine(m.sender[0][1])
        with_whom = m.recipients if outbound else m.sender
        if all(matcher.internal(a) for _, a in with_whom):
            unmatched_keys.add(m.key)
            tally.skipped["between your own addresses"] += 1
            continue
        match = matcher.match(with_whom, m.date)
        if match is None:
            unmatched_keys.add(m.key)
            tally.unmatched += 1
            continue
        note = m.subject
        if m.body:
            note = f"{m.subject or ''}\n{m.body}".strip()
        try:
            fields = rules.activity(
                kind="email", occurred_at=m.date, now=now,
                direction="outbound" if outbound else "inbound", notes=note, names=NAMES,
                outcome="replied" if m.references and not outbound else None,
            )  # fmt: skip
        except InvalidInput:
            unmatched_keys.add(m.key)
            tally.skipped["dated in the future"] += 1
            continue
        thread = thread_of(m, known)
        activity_id = new_id()
        batch.add(
            {
                "id": activity_id, "owner": owner, "created_at": now, "updated_at": now,
                "prospect_id": match.prospect_id, "contact_id": match.contact_id,
                "kind": fields.kind, "occurred_at": fields.occurred_at, "duration_s": None,
                "direction": fields.direction, "reached": None, "outcome": fields.outcome,
                "notes": fields.notes, "objective": None, "objective_met": None,
                "source_key": m.key, "thread_key": thread,
            },
        )  # fmt: skip
        known[m.key] = thread
        if outbound and match.prospect_id in waiting:
            tally.steps_closed += close_steps(
                store, match.prospect_id, activity_id, fields.occurred_at, now=now
            )
        tally.logged += 1
        if how.plan:
            tally.planned.append(
                Planned(fields.occurred_at, fields.direction, match.prospect, match.contact,
                        m.subject)
            )  # fmt: skip
    batch.flush()
    tally.unmatched_domains = matcher.unmatched
    tally.prospects_created = matcher.created.prospects
    tally.contacts_created = matcher.created.contacts
    return tally


class _Batch:
    """Activities written a thousand at a time (one statement, many rows)."""

    SIZE = 1000

    def __init__(self, store: Store) -> None:
        self.store = store
        self.rows: list[dict[str, Any]] = []

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append({k: self.store.value(v) for k, v in row.items()})
        if len(self.rows) >= self.SIZE:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        columns = list(self.rows[0])
        self.store.many(
            f"INSERT INTO activities ({', '.join(columns)}) "
            f"VALUES ({', '.join(':' + c for c in columns)})",
            self.rows,
        )
        self.rows = []


def remember(store: Store, typed: list[str], *, now: datetime) -> list[str]:
    """Add ``typed`` (``--me``, checked by the contacts' email rule) to the setting
    ``my_addresses``; returns every address now known as yours."""
    from salestrack.store import settings

    found = settings.my_addresses(store)
    added = [people.check_address(a) for a in typed]
    merged = list(dict.fromkeys([*found, *added]))
    if merged != found:
        settings.write(store, settings.MY_ADDRESSES, merged, now)
    return merged
