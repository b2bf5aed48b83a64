"""The one data path. Nothing here imports from a layer above it.

* :mod:`salestrack.store.sql`: the :class:`Store` every command reads and writes through,
  portable SQL with ``:named`` parameters over sqlite3 or psycopg 3;
  :func:`~salestrack.store.sql.read` and :func:`~salestrack.store.sql.write` open one.
* :mod:`salestrack.store.connect`: the driver connections, at the current schema.
* :mod:`salestrack.store.schema`, :mod:`~salestrack.store.settings`,
  :mod:`~salestrack.store.lookup`: the tables and columns, settings, prospects by name.
* :mod:`salestrack.store.migrate` (Alembic, SQLAlchemy; only when the schema is not current),
  :mod:`~salestrack.store.bulk` (many rows at once), :mod:`~salestrack.store.admin`
  (status, backup, restore).
"""
