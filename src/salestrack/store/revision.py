"""The schema revisions, as constants the data path can read without importing Alembic.

A test checks that they equal Alembic's own list; add a revision here with every new one.
"""

KNOWN = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011",
         "0012", "0013", "0014", "0015")  # fmt: skip
HEAD = KNOWN[-1]
