"""Migrations: applied on open, matching the tables, reversible, idempotent; URLs made async."""

import asyncio
import uuid

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.storage import make_engine, migrate, open_storage
from bot.storage.database import alembic_config
from bot.storage.tables import Base
from tests.bot.database_backends import POSTGRES_URL, _admin


def schema_differences(connection):
    return compare_metadata(MigrationContext.configure(connection), Base.metadata)


async def test_migrations_create_exactly_the_tables_of_the_models(database):
    storage = await database.open()
    async with storage.engine.connect() as connection:
        tables = set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
        assert tables == {"alembic_version", *Base.metadata.tables}
        assert await connection.run_sync(schema_differences) == []
    await storage.migrate()  # applying them again changes nothing
    await storage.close()


def _downgrade(connection):
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, "base")


async def test_migrations_go_down_and_up_again(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")
    await migrate(engine)
    async with engine.begin() as connection:
        await connection.run_sync(_downgrade)
    async with engine.connect() as connection:
        assert await connection.run_sync(lambda c: inspect(c).get_table_names()) == ["alembic_version"]
    await migrate(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(schema_differences) == []
    await engine.dispose()


def test_a_fresh_postgresql_schema_is_migrated_on_open():
    schema = f"sesame_fresh_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_admin(f'CREATE SCHEMA "{schema}"'))
    except OSError as exc:
        pytest.skip(f"PostgreSQL cannot be reached: {exc}")

    async def check():
        storage = await open_storage(POSTGRES_URL, schema=schema)
        async with storage.engine.connect() as connection:
            assert await connection.run_sync(schema_differences) == []
        await storage.close()

    try:
        asyncio.run(check())
    finally:
        asyncio.run(_admin(f'DROP SCHEMA "{schema}" CASCADE'))


async def test_the_sqlite_folder_is_created(tmp_path):
    storage = await open_storage(f"sqlite+aiosqlite:///{tmp_path / 'a' / 'b' / 'sesame.sqlite3'}")
    assert (tmp_path / "a" / "b" / "sesame.sqlite3").exists()
    await storage.close()
