"""Alembic environment: runs on the engine handed over by ``catalogue.registry.db.upgrade``."""

from alembic import context
from sqlmodel import SQLModel

from catalogue.registry import models  # noqa: F401  (registers the tables on the metadata)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from catalogue.registry.db import make_engine
        from catalogue.registry.settings import load_settings

        engine = make_engine(load_settings().database_url)
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        context.run_migrations()


run_migrations_online()
