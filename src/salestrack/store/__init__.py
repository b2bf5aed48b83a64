"""Engine, sessions, queries and migrations. Two ways in:

* :mod:`salestrack.store.engine` / :mod:`salestrack.store.migrate`: SQLAlchemy + Alembic, for
  every database (reports, migrations, PostgreSQL).
* :mod:`salestrack.store.lean`: stdlib ``sqlite3`` for the hot capture path on SQLite only,
  proven against the models by a contract test.
"""
