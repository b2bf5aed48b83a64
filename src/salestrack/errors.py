"""One exception tree. The CLI turns each into a one-line message on stderr and an exit code.

Messages are whole sentences a salesperson can act on: they name the field or thing that is
wrong and say how to fix it. Tracebacks never reach the user.
"""

from __future__ import annotations


class SalestrackError(Exception):
    """Base of every error the user is meant to see. ``exit_code`` 1 unless a usage error."""

    exit_code = 1
    #: A message of several lines (an import's list of bad lines); any other message is shown
    #: on one line, its line breaks written out as ``\n``.
    multiline = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(SalestrackError):
    """The command line itself is wrong (exit code 2)."""

    exit_code = 2


class InvalidInput(SalestrackError):
    """A value given by the user can't be used; the message names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class NotFound(SalestrackError):
    """An unknown prospect, contact or id."""


class Ambiguous(SalestrackError):
    """A name or id prefix that matches more than one thing."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


class DatabaseError(SalestrackError):
    """The database can't be opened, written or understood."""


class SchemaTooNew(DatabaseError):
    """The database was written by a newer salestrack."""


class Conflict(SalestrackError):
    """The change would contradict what is stored (a duplicate name, a closed step...)."""
