"""CSV on SQLite, made by SQLite itself, in parallel parts on a big database.

Python's per-value work is what makes a million rows slow, so on SQLite a row comes back as a
few byte strings that are CSV already: SQLite renders the times, booleans, numbers and text
(made spreadsheet-safe, then quoted exactly where the csv module would quote it) and joins
them with printf. Python adds the UUIDs' dashes (two C calls a value), the prospect's name
(all names are read once, beforehand) and floats (repr, as the csv module writes them),
mapping C functions over each column of a batch. The bytes are those of
:func:`salestrack.interchange.export.rows` written by the csv module, which tests check.

A long export runs in several processes: SQLite's work for a row is most of the time, and one
process can use only one core. The rows are cut into parts of equal size by their sort keys;
this process writes the first part while each other part is written to a private temporary
file by a process of its own, and those files are appended in order. So that every part reads
the same data, as one query would, the write lock is held until every part's query has begun
(in WAL mode a query reads the data as it was when it began): a fraction of a second, which a
capture made meanwhile waits out.
"""

from __future__ import annotations

import gc
import itertools
import json
import os
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import IO, Any, cast

from salestrack.errors import DatabaseError, SalestrackError
from salestrack.interchange.entities import Entity
from salestrack.interchange.export import (
    BATCH,
    FORMULA_START,
    Filters,
    Part,
    count,
    select,
    sort_keys,
)
from salestrack.store.schema import Column
from salestrack.store.sql import Store

_CODES = ", ".join(str(ord(ch)) for ch in (*FORMULA_START, "'"))
_NEEDS_QUOTES = "'*[,\"\r\n]*'"  # a GLOB pattern: a comma, a quote or a line break anywhere
_uuid_parts = struct.Struct("8s4s4s4s12s").unpack
_dash = b"-".join


def _dashed(raw: bytes) -> bytes:
    return _dash(_uuid_parts(raw))


class _Dashed(dict[bytes | None, bytes]):
    """Stored UUID -> its exported form then ``after``, remembered up to a bound; ``none``
    for NULL."""

    LIMIT = 200_000

    def __init__(self, *, none: bytes, after: bytes) -> None:
        super().__init__()
        self.none, self.after = none, after

    def __missing__(self, raw: bytes | None) -> bytes:
        value = self.none if raw is None else _dashed(raw) + self.after
        if len(self) < self.LIMIT:
            self[raw] = value
        return value

    def render(self, column: Iterable[bytes | None]) -> Iterator[bytes]:
        return map(self.__getitem__, column)


def _sql_field(c: Column, col: str) -> str:
    """SQL for the CSV field of the stored column ``col`` (NULL for an empty field)."""
    if c.kind == "time":
        return f"replace(replace({col}, ' ', 'T'), '.000000', '') || '+00:00'"
    if c.kind == "bool":
        return f"CASE {col} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END"
    if c.kind != "text":
        return col
    first, second = f"unicode({col})", f"unicode(substr({col}, 2))"
    safe = (
        f"(CASE WHEN {first} IN ({_CODES}) AND ({first} <> 39 OR {second} IN ({_CODES})) "
        f"THEN '''' || {col} ELSE {col} END)"
    )
    quoted = f"""'"' || replace({safe}, '"', '""') || '"'"""
    return (  # every character that can start a formula is below "A" (65)
        f"CASE WHEN {col} IS NULL THEN NULL "
        f"WHEN {first} >= 65 AND NOT {col} GLOB {_NEEDS_QUOTES} THEN {col} "
        f"WHEN {safe} GLOB {_NEEDS_QUOTES} THEN {quoted} ELSE {safe} END"
    )


def _floats(column: Iterable[float | None]) -> Iterator[bytes]:
    return (b"" if v is None else repr(v).encode() for v in column)


def _whole_uuids(column: Iterable[bytes]) -> Iterator[bytes]:
    return map(_dash, map(_uuid_parts, column))


Render = Callable[[Iterable[Any]], Iterable[bytes]]


def csv_lines(
    reader: Store, entity: Entity, filters: Filters, part: Part = (None, None)
) -> Generator[list[bytes]]:
    """The CSV lines of the exported rows in batches, made by SQLite (see above). Close it
    (``contextlib.closing``) before the reader: it holds a read transaction."""
    selects: list[str] = []
    renders: list[Render | None] = []  # None: SQLite's printf made the fields
    fields: list[str] = []

    def close_fields() -> None:
        if fields:
            formats = ",".join(["%s"] * len(fields))
            selects.append(f"printf('{formats}', {', '.join(fields)})")
            renders.append(None)
            fields.clear()

    names = _Dashed(none=b",", after=b",")  # prospect_id and prospect: two fields
    for c in entity.columns:
        if c.kind not in ("uuid", "float"):
            fields.append(_sql_field(c, f"t.{c.name}"))
            continue
        close_fields()
        selects.append(f"t.{c.name}")
        if c.name == "prospect_id":
            renders.append(names.render)
        elif c.kind == "float":
            renders.append(_floats)
        elif c.nullable:
            renders.append(_Dashed(none=b"", after=b"").render)
        else:
            renders.append(_whole_uuids)
    close_fields()
    sql, params = select(entity, filters, selects, names=False, part=part)
    db = reader.connection
    saved, db.text_factory = db.text_factory, bytes
    collecting = gc.isenabled()
    gc.disable()  # the batches hold no cycles; collecting after each costs a quarter
    db.execute("BEGIN")  # the names and the rows from one snapshot of the data
    try:
        if entity.has_prospect:
            known = f"SELECT id, {_sql_field(Column('name', 'text', False), 'name')} FROM prospects"
            one = {} if filters.prospect_id is None else {"pid": filters.prospect_id}
            for raw, name in reader.rows(known + (" WHERE id = :pid" if one else ""), **one):
                names[raw] = _dashed(raw) + b"," + name
        batches = reader.stream(sql, BATCH, **params)
        try:
            for batch in batches:
                columns = zip(*batch, strict=True)
                parts = [c if r is None else r(c) for r, c in zip(renders, columns, strict=True)]
                yield list(map(b",".join, zip(*parts, strict=True)))
        finally:
            batches.close()  # and with it the query, before the transaction ends
    finally:
        db.execute("COMMIT")
        db.text_factory = saved
        if collecting:
            gc.enable()


def _write_lines(
    binary: IO[bytes], data: Iterator[list[bytes]], tick: Callable[[int], None]
) -> int:
    n = 0
    for lines in data:
        lines.append(b"")  # so the join ends the last line too
        binary.write(b"\r\n".join(lines))
        n += len(lines) - 1
        tick(len(lines) - 1)
    return n


PART_ROWS = 150_000  # fewer rows than this per part: one process is as quick
MAX_PARTS = 4


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _keys_select(entity: Entity, filters: Filters) -> tuple[str, dict[str, Any]]:
    """The SELECT of only the sort keys of the rows that pass ``filters``, in order."""
    return select(entity, filters, [", ".join(f"t.{k}" for k in sort_keys(entity))], names=False)


def _parts_wanted(reader: Store, entity: Entity, filters: Filters) -> int:
    """How many parts to cut the rows into: one, unless the sort keys are never NULL (a NULL
    would fall between parts), the order is an index scan (so a part's first rows come at
    once, not after sorting it all) and there are rows enough for more than one core."""
    never_null = {c.name for c in entity.columns if not c.nullable}
    if not set(sort_keys(entity)) <= never_null or _cores() < 2:
        return 1
    sql, params = _keys_select(entity, filters)
    plan = reader.rows(f"EXPLAIN QUERY PLAN {sql}", **params)
    if any("TEMP B-TREE" in str(row[-1]) for row in plan):
        return 1
    return max(1, min(_cores(), MAX_PARTS, count(reader, entity, filters) // PART_ROWS))


def _cuts(reader: Store, entity: Entity, filters: Filters, wanted: int) -> list[Part]:
    """The parts, cut by the sort keys into equal numbers of rows. Read with the write lock
    held, so that no commit can move a cut (which could make parts overlap)."""
    total = count(reader, entity, filters)
    wanted = max(1, min(wanted, total // PART_ROWS))
    sql, params = _keys_select(entity, filters)
    cuts: list[list[Any] | None] = [None]
    for i in range(1, wanted):
        found = reader.one(f"{sql} LIMIT 1 OFFSET {total * i // wanted}", **params)
        if found is None:  # the rows can't change while the lock is held
            raise DatabaseError("the rows changed while the export was planned; run it again")
        cuts.append(list(found))
    cuts.append(None)
    return [(cuts[i], cuts[i + 1]) for i in range(wanted)]


def _write_lock(path: Path) -> sqlite3.Connection | None:
    """A connection holding the database's write lock, or None when it can't be had within
    a second (a read-only file, another long writer)."""
    lock = sqlite3.connect(path, timeout=1.0, isolation_level=None)
    try:
        lock.execute("BEGIN IMMEDIATE")
    except sqlite3.Error:
        lock.close()
        return None
    return lock


def _begun(lines: Iterator[list[bytes]]) -> Iterator[list[bytes]]:
    """``lines`` with its snapshot of the data taken already (its first batch read)."""
    first = next(lines, None)
    return lines if first is None else itertools.chain([first], lines)


def write_csv(
    out: IO[str],
    reader: Store,
    path: Path,
    entity: Entity,
    filters: Filters,
    tick: Callable[[int], None],
) -> int:
    """Write the header and the rows as UTF-8 CSV to ``out`` (see above)."""
    out.flush()
    binary: IO[bytes] = out.buffer  # type: ignore[attr-defined]
    binary.write(",".join(entity.header()).encode() + b"\r\n")
    wanted = _parts_wanted(reader, entity, filters)
    lock = _write_lock(path) if wanted > 1 else None
    if lock is None:
        with closing(csv_lines(reader, entity, filters)) as lines:
            return _write_lines(binary, lines, tick)
    workers: list[tuple[subprocess.Popen[bytes], Path]] = []
    stopping = _stop_cleanly()
    try:
        first, *others = _cuts(reader, entity, filters, wanted)
        for part in others:
            workers.append(_start_part(path, entity, filters, part))
        return _write_parts(binary, csv_lines(reader, entity, filters, first), lock, workers, tick)
    finally:
        lock.close()
        for worker, name in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
            for pipe in (worker.stdout, worker.stderr):
                if pipe is not None:
                    pipe.close()
            name.unlink(missing_ok=True)
        stopping()


def _stop_cleanly() -> Callable[[], None]:
    """Until the returned function is called, SIGTERM ends the export through its cleanup
    (the other processes stopped, their files removed) rather than on the spot."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous)

    return restore


def _write_parts(
    binary: IO[bytes],
    first: Generator[list[bytes]],
    lock: sqlite3.Connection,
    workers: list[tuple[subprocess.Popen[bytes], Path]],
    tick: Callable[[int], None],
) -> int:
    """Our part's lines, then the other processes' files, in order."""
    with closing(first):
        lines = _begun(first)
        for worker, _ in workers:
            # its query has begun (or it failed: see below)
            cast("IO[bytes]", worker.stdout).readline()
        lock.close()  # no commit came between the parts' snapshots; writers may go on
        n = _write_lines(binary, lines, tick)
    for worker, name in workers:
        written, problem = worker.communicate()
        if worker.returncode != 0:
            last = problem.decode(errors="replace").strip().splitlines()[-1:] or ["killed"]
            raise DatabaseError(f"export: a part of the export failed: {last[0]}")
        with name.open("rb") as part_file:
            shutil.copyfileobj(part_file, binary, 1 << 20)
        n += int(written)
        tick(int(written))
    return n


def _start_part(
    path: Path, entity: Entity, filters: Filters, part: Part
) -> tuple[subprocess.Popen[bytes], Path]:
    """A process writing ``part`` to a private temporary file (see :func:`write_part`)."""
    handle, name = tempfile.mkstemp(prefix="salestrack-export-", suffix=".csv")
    os.close(handle)
    spec_path = Path(name)
    spec = {
        "db": str(path), "entity": entity.name, "part": part, "output": name,
        "since": filters.since and filters.since.isoformat(),
        "until": filters.until and filters.until.isoformat(),
        "prospect": filters.prospect_id and filters.prospect_id.hex, "kind": filters.kind,
        "tag": filters.tag,
    }  # fmt: skip
    code = (
        "import sys; from salestrack.interchange.sqlite_csv import write_part; "
        "write_part(sys.argv[1])"
    )
    try:
        worker = subprocess.Popen(
            # -P: not the current folder first on the import path (a stray json.py there)
            [sys.executable, "-P", "-c", code, json.dumps(spec)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            bufsize=0,  # unbuffered: readline() must not read on past its line
        )  # fmt: skip
    except OSError:
        spec_path.unlink()
        raise
    return worker, spec_path


def write_part(spec_text: str) -> None:
    """The work of a process started by :func:`_start_part`: one part's lines to its file.
    Says on stdout when its query has begun, and the number of rows at the end."""
    from salestrack import config
    from salestrack.interchange import entities
    from salestrack.store.sql import read

    spec = json.loads(spec_text)
    filters = Filters(
        since=spec["since"] and datetime.fromisoformat(spec["since"]),
        until=spec["until"] and datetime.fromisoformat(spec["until"]),
        prospect_id=spec["prospect"] and uuid.UUID(spec["prospect"]),
        kind=spec["kind"],
        tag=spec.get("tag"),
    )
    entity = entities.get(spec["entity"])
    parent = os.getppid()

    def still_wanted(n: int) -> None:
        if os.getppid() != parent:  # the export was stopped without us: leave nothing
            raise SystemExit(1)

    try:
        with (
            read(config.target_from(spec["db"])) as r,
            open(spec["output"], "wb") as out,
            closing(csv_lines(r, entity, filters, tuple(spec["part"]))) as lines,
        ):
            begun = _begun(lines)
            print("begun", flush=True)
            n = _write_lines(out, begun, still_wanted)
    except SalestrackError as exc:
        sys.stderr.write(f"{exc}\n")
        raise SystemExit(1) from None
    except SystemExit:
        Path(spec["output"]).unlink(missing_ok=True)
        raise
    print(n)
