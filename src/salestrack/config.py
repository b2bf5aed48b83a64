"""Which database: ``--db`` > ``SALESTRACK_DB`` > a SQLite file in the user data directory.

A value is either a file path or a SQLAlchemy URL (``postgresql+psycopg://...``,
``sqlite:///path``). Credentials in URLs are masked wherever a URL is shown.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import NamedTuple

_URL_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
# In free text (a driver's error message): user:secret@ up to the last @ of the word.
_CREDENTIALS_RE = re.compile(r"(://[^:/@\s]*):\S*@")
# password=... as a URL query parameter (up to & or #) or a libpq keyword (quoted or a word).
_PASSWORD_RE = re.compile(r"(?i)(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&#]+)")


# NamedTuples here, not frozen dataclasses: capture's start-up (docs/architecture.md)
class DbTarget(NamedTuple):
    """Where the data lives: a SQLite file (``path`` set) or a server URL."""

    url: str
    path: Path | None

    @property
    def is_sqlite(self) -> bool:
        return self.path is not None

    @property
    def display(self) -> str:
        """The file path, or the URL with any password masked."""
        return str(self.path) if self.path is not None else mask_url(self.url)

    def mask(self, text: str) -> str:
        """A driver's message about this database with the password gone, even where the
        driver quotes a piece of it (libpq: 'unexpected spaces found in "s3c ret"')."""
        masked = mask_url(text.replace(self.url, self.display))
        for secret in _passwords(self.url):
            for piece in sorted({secret, *secret.split()}, key=len, reverse=True):
                if len(piece) >= 3:
                    masked = masked.replace(piece, "***")
        return masked


def _credentials(url: str) -> tuple[str, str, str, str] | None:
    """A URL's (scheme, user, password, what follows the ``@``) when its user info holds a
    password: the user info runs to the last ``@`` before the query, so the password may
    hold ``@``, ``/`` or spaces."""
    if not _URL_RE.match(url):
        return None
    scheme, _, rest = url.partition("://")
    at = rest.split("?", 1)[0].split("#", 1)[0].rfind("@")
    if at <= 0 or ":" not in rest[:at]:
        return None
    user, _, password = rest[:at].partition(":")
    return scheme, user, password, rest[at + 1 :]


def _passwords(url: str) -> list[str]:
    """The passwords written in ``url`` (user info and query), as typed."""
    found = [m.group(2).strip("'") for m in _PASSWORD_RE.finditer(url)]
    userinfo = _credentials(url)
    if userinfo is not None:
        found.append(userinfo[2])
    return [f for f in found if f]


def mask_url(text: str) -> str:
    """``text`` with every password it holds replaced by ``***``.

    ``text`` is a URL or a message that contains one. A password can sit in the user info
    (``user:secret@host``, where the secret may hold ``@`` or spaces), in the query
    (``?password=secret``) or in a libpq keyword string (``password='a b' host=x``).
    Hand-written rather than through :func:`urllib.parse.urlsplit`, which takes the first
    ``@`` of ``u:s3c@ret@host`` as the end of the password.
    """
    masked = _PASSWORD_RE.sub(r"\1***", text)
    if _URL_RE.match(masked) and "\n" not in masked:  # one URL: spaces, @ and / allowed
        userinfo = _credentials(masked)
        if userinfo is not None:
            scheme, user, _, host = userinfo
            return f"{scheme}://{user}:***@{host}"
        return masked
    return _CREDENTIALS_RE.sub(r"\1:***@", masked)


class App(NamedTuple):
    """The run state of one invocation, made from the root command's options (``--db``) and
    handed to everything the command calls through :func:`running`; nothing is kept in a
    module global, so two invocations in one process (tests, a shell) never see each other's."""

    db: str | None = None
    pager: bool = True  # long tables on a terminal go through $PAGER (off: --no-pager)


_APP: ContextVar[App | None] = ContextVar("salestrack_app", default=None)
_NO_APP = App()


@contextmanager
def running(app: App) -> Iterator[App]:
    """Make ``app`` the current invocation's state for the duration of the block."""
    token = _APP.set(app)
    try:
        yield app
    finally:
        _APP.reset(token)


def current() -> App:
    """The current invocation's state (defaults outside a command)."""
    return _APP.get() or _NO_APP


def data_dir() -> Path:
    """The per-user data directory (platformdirs), e.g. ~/.local/share/salestrack."""
    from platformdirs import user_data_path

    return user_data_path("salestrack", appauthor=False)


def default_db_path() -> Path:
    return data_dir() / "salestrack.db"


def demo_db_path() -> Path:
    return data_dir() / "demo.db"


def target_from(value: str) -> DbTarget:
    """Interpret a ``--db`` / ``SALESTRACK_DB`` value."""
    value = value.strip()
    if _URL_RE.match(value):
        if value.startswith("sqlite:"):
            raw = value.split(":///", 1)[1] if ":///" in value else ""
            if not raw or raw == ":memory:":
                from salestrack.errors import UsageError

                raise UsageError(
                    f"--db: '{mask_url(value)}' names no file; give a path such as "
                    "sqlite:///home/me/sales.db or just /home/me/sales.db"
                )
            path = Path(raw).expanduser().absolute()
            return DbTarget(url=f"sqlite:///{path}", path=path)
        return DbTarget(url=value, path=None)
    path = Path(value).expanduser().absolute()
    return DbTarget(url=f"sqlite:///{path}", path=path)


def resolve() -> DbTarget:
    """The database chosen for this invocation."""
    value = current().db or os.environ.get("SALESTRACK_DB")
    if value:
        return target_from(value)
    path = default_db_path()
    return DbTarget(url=f"sqlite:///{path}", path=path)


def source() -> str:
    """Which rule chose the database, for ``db path`` and ``db status``."""
    if current().db:
        return "--db"
    if os.environ.get("SALESTRACK_DB"):
        return "SALESTRACK_DB"
    return "default"


def whose_rows() -> str | None:
    """Whose rows a report counts: the one rule every report (baseline, coach, plan, the
    brief's best time to call) follows. ``None`` means every row the database shows this
    user, never a filter by rep name:

    * a solo SQLite file is one person's, so all its rows are theirs, whatever rep name they
      were written under (a demo's ``me``, an older ``SALESTRACK_REP``, another laptop);
    * on a team's PostgreSQL database, row-level security (``db team-setup``) already shows a
      rep only their own rows and a manager every rep's (``team baseline`` splits them).

    A report that took an owner from :func:`rep` instead would count nothing on a database
    written under another name ("not enough calls yet (0 of 100)") while the baseline of
    the same database counted every row."""
    return None


def rep() -> str:
    """Who owns the rows written by this user: ``SALESTRACK_REP``; on a server, the database
    user (row-level security checks that rows are the connected user's); else the login
    name."""
    name = os.environ.get("SALESTRACK_REP")
    if name:
        return name.strip()
    target = resolve()
    if target.path is None:
        from urllib.parse import unquote, urlsplit

        user = urlsplit(target.url).username
        if user:
            return unquote(user)
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "me"
