"""Write tests/fixtures/rev0001.sql: a database made by schema revision 0001, one of every
kind of row (from a tiny demo), as SQL text. Run it once per schema revision that changes
the schema (``python scripts/make_upgrade_fixture.py 0001``); tests/test_reliability.py
upgrades each fixture to the newest revision and checks every row.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def main(rev: str) -> None:
    from alembic import command

    from salestrack import config
    from salestrack.demo import generator as demo
    from salestrack.models import TABLES
    from salestrack.store import lean, migrate
    from salestrack.store.engine import make_engine

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "old.db"
        engine = make_engine(config.target_from(str(path)))
        with engine.begin() as connection:
            command.upgrade(migrate.alembic_config(connection), rev)
        engine.dispose()
        built = demo.build_rows(
            now=datetime(2026, 11, 20, 15, tzinfo=UTC), weeks=1, dials_per_day=6, seed=5,
            owner="fixture", tz=ZoneInfo("Europe/London"),
        )  # fmt: skip
        db = sqlite3.connect(path)
        for table in TABLES:
            rows = built.rows.get(table, [])
            if not rows:
                raise SystemExit(f"the demo wrote no {table}; choose another seed")
            columns = [c.name for c in TABLES[table].__table__.columns]  # type: ignore[attr-defined]
            db.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                f"({', '.join('?' for _ in columns)})",
                [[lean.stored(r.get(c)) for c in columns] for r in rows],
            )
        db.commit()
        FIXTURES.mkdir(exist_ok=True)
        target = FIXTURES / f"rev{rev}.sql"
        target.write_text("\n".join(db.iterdump()) + "\n", encoding="utf-8")
        db.close()
    sys.stdout.write(f"wrote {target}\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "0001")
