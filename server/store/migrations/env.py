"""Alembic's entry point: runs the migrations in versions/ on the connection it is given.

`server.store.schema` hands over an open connection (in a transaction it owns); this file
never builds an engine or reads settings itself.
"""

from alembic import context
from sqlmodel import SQLModel

from server.store import tables  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    # SQLite cannot ALTER most things; batch mode copies the table instead, and on
    # PostgreSQL it turns into plain ALTER TABLE, so one migration serves both.
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
