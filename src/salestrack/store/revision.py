"""The newest schema revision, as a constant the hot path can read without importing Alembic.

A test checks that it equals Alembic's head; bump it with every new revision.
"""

HEAD = "0003"
