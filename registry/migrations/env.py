"""Alembic environment: the models' metadata is the target; the URL comes from the caller."""

from alembic import context
from sqlmodel import SQLModel

import registry.adapters.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from registry.adapters.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode copies a table and drops the old one; with foreign keys enforced, that
            # DROP fails as soon as other rows point at the table. Check them afterwards instead.
            # Straight on the driver's connection, before any BEGIN: inside a transaction this
            # pragma does nothing (registry.adapters.db begins every transaction itself).
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,  # SQLite can only ALTER tables by copying them
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migrations left dangling foreign keys: {broken[:5]}")
            connection.commit()
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
