"""Alembic environment: run by ``Database.upgrade()`` with an open connection (no alembic.ini at run time)."""

from alembic import context
from sqlalchemy import create_engine

from songclear.store.tables import metadata

config = context.config


def _run(connection) -> None:
    context.configure(
        connection=connection, target_metadata=metadata, compare_type=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # plain `alembic -x url=...` use, for developers writing a new revision
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    with create_engine(url).begin() as conn:
        _run(conn)
