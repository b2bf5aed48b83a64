"""docs/cli.md is generated from the command tree; this fails when it is stale."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_current() -> None:
    spec = importlib.util.spec_from_file_location("cli_docs", ROOT / "scripts" / "cli_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.generate()
    current = (ROOT / "docs" / "cli.md").read_text()
    assert current == expected, "docs/cli.md is stale: run python scripts/cli_docs.py"
    for command in ("salestrack log call", "salestrack prospect add", "salestrack db backup"):
        assert f"## `{command}`" in current


def test_export_column_contract_is_current() -> None:
    spec = importlib.util.spec_from_file_location(
        "export_docs", ROOT / "scripts" / "export_docs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = (ROOT / "docs" / "export.md").read_text()
    assert current == module.render(current), "docs/export.md is stale: run scripts/export_docs.py"
    assert "### activities" in current and "`occurred_at` (time" in current
