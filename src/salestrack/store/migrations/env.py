"""Alembic environment: runs on the connection salestrack hands over in ``config.attributes``."""

from alembic import context
from sqlmodel import SQLModel

import salestrack.models  # noqa: F401  (registers the tables)
from salestrack.store.fulltext import modelled

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=modelled,  # the search index is not in the models (store/fulltext.py)
)
with context.begin_transaction():
    context.run_migrations()
