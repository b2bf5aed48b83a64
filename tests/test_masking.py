"""Private by default: passwords never printed, whatever form the database URL takes, and
every folder a new database needs created 0700."""

from __future__ import annotations

from pathlib import Path

import pytest

from salestrack.config import mask_url

from .conftest import Cli

FORMS = [
    ("postgresql+psycopg://u:s3cret@host/db", "postgresql+psycopg://u:***@host/db"),
    ("postgresql+psycopg://u:s3c@ret@host/db", "postgresql+psycopg://u:***@host/db"),
    ("postgresql+psycopg://u:s3c ret@host:5432/db", "postgresql+psycopg://u:***@host:5432/db"),
    ("postgresql+psycopg://u:a/b@host/db", "postgresql+psycopg://u:***@host/db"),
    ("postgresql+psycopg://u:p%40ss@host/db", "postgresql+psycopg://u:***@host/db"),
    ("postgresql+psycopg://u:@host/db", "postgresql+psycopg://u:***@host/db"),
    ("postgresql+psycopg://u@host/db", "postgresql+psycopg://u@host/db"),
    (
        "postgresql+psycopg://host/db?user=u&password=s3cret",
        "postgresql+psycopg://host/db?user=u&password=***",
    ),
    (
        "postgresql+psycopg:///x?host=/tmp&user=u&PASSWORD=s3cret&sslmode=require",
        "postgresql+psycopg:///x?host=/tmp&user=u&PASSWORD=***&sslmode=require",
    ),
    ("host=x user=u password=s3cret dbname=d", "host=x user=u password=*** dbname=d"),
    ("host=x password='a b\\' c' dbname=d", "host=x password=*** dbname=d"),
    (
        'connection to "h" failed: postgresql://u:x@y@h/db refused',
        'connection to "h" failed: postgresql://u:***@h/db refused',
    ),
]


@pytest.mark.parametrize(("url", "shown"), FORMS)
def test_every_form_is_masked(url: str, shown: str) -> None:
    assert mask_url(url) == shown
    for secret in ("s3cret", "s3c", "ret", "a b", "p%40ss", "x@y"):
        if secret in url.split("@")[0] or f"password={secret}" in url:
            assert secret not in mask_url(url).replace("***", "")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://host:1/db?user=u&password=s3cret",
        "postgresql+psycopg://u:s3c@ret@127.0.0.1:1/db",
        "postgresql+psycopg://u:s3c ret@127.0.0.1:1/db",
    ],
)
def test_db_path_and_errors_never_show_the_password(cli: Cli, url: str) -> None:
    shown = cli.ok("--db", url, "db", "path").stdout
    assert "s3c" not in shown and "ret@" not in shown and "***" in shown
    failed = cli("--db", url, "stages")  # nothing listens on port 1: a connection error
    assert failed.exit_code == 1
    assert "s3c" not in failed.stderr and "Traceback" not in failed.stderr


def test_every_new_folder_on_the_way_is_private(cli: Cli, tmp_path: Path) -> None:
    import stat

    deep = tmp_path / "a" / "b" / "c" / "sales.db"
    cli.ok("--db", str(deep), "prospect", "add", "Acme Ltd")
    for level in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert stat.S_IMODE(level.stat().st_mode) == 0o700, level
    assert stat.S_IMODE(deep.stat().st_mode) == 0o600
