"""Shell completion of prospect names, straight from SQLite (no SQLAlchemy, never fails)."""

from __future__ import annotations

import typer


def complete_prospect(ctx: typer.Context, incomplete: str) -> list[str]:
    try:
        import sqlite3

        from salestrack import config
        from salestrack.names import key

        with config.running(config.App(db=ctx.find_root().params.get("db"))):
            target = config.resolve()
        if target.path is None or not target.path.exists():
            return []
        uri = f"file:{target.path}?mode=ro"
        db = sqlite3.connect(uri, uri=True, timeout=1)
        try:
            prefix = key(incomplete)
            rows = db.execute(
                "SELECT name FROM prospects WHERE name_key >= ? AND name_key < ? "
                "ORDER BY name_key LIMIT 200",
                (prefix, prefix + "\U0010ffff"),
            ).fetchall()
        finally:
            db.close()
        return [r[0] for r in rows]
    except Exception:  # completion must never break the shell
        return []
