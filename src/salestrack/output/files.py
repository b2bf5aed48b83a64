"""Where a command's output goes: stdout, or a private file written whole."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def output_file(path: Path | None, *, binary: bool = False) -> Iterator[Any]:
    """stdout, or ``path`` (mode 0600) written to a temporary name and renamed when the
    block ends without an error, so a failed command never leaves half a file. ``binary``:
    a file of bytes (stdout's buffer without a path)."""
    if path is None:
        yield sys.stdout.buffer if binary else sys.stdout
        return
    import os

    from salestrack.errors import UsageError

    if path.is_dir():
        raise UsageError(f"--output: '{path}' is a folder; give a file name")
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise UsageError(f"--output: can't write '{path}' ({exc.strerror})") from None
    try:
        if binary:
            with open(fd, "wb") as raw:
                yield raw
        else:
            with open(fd, "w", encoding="utf-8", newline="") as handle:
                yield handle
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
