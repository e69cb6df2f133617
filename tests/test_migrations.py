"""The Alembic migrations build exactly the schema the models describe, on both back-ends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from catalogue.registry import models  # noqa: F401  (registers every table)
from catalogue.registry.db import alembic_config, current_revision


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert differences == []


def test_database_is_at_the_single_head(engine):
    heads = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    assert len(heads) == 1
    assert current_revision(engine) == heads[0]
