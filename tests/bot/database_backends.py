"""The two databases every dialog suite runs on: a SQLite file and the machine's PostgreSQL.

PostgreSQL gets one fresh schema per test session (``search_path`` confines the bot to it),
migrated once with the bot's own Alembic migrations and dropped at the end; each test starts
from empty tables. Without a reachable server the PostgreSQL half is skipped, saying why.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from dataclasses import dataclass

import asyncpg
import pytest

from bot.storage import Storage, open_storage
from bot.storage.tables import USER_TABLES

POSTGRES_URL = os.environ.get("SESAME_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Database:
    """Where a test's storage lives."""

    backend: str
    url: str
    schema: str | None = None

    async def open(self) -> Storage:
        return await open_storage(self.url, schema=self.schema)


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(_dsn(POSTGRES_URL), timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def postgres_schema():
    """A fresh, migrated schema in the ``test`` database for this session, dropped afterwards."""
    schema = f"sesame_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_admin(f'CREATE SCHEMA "{schema}"'))
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        pytest.skip(f"PostgreSQL at {POSTGRES_URL} cannot be reached ({exc.__class__.__name__}: {exc})")

    async def migrate() -> None:
        storage = await open_storage(POSTGRES_URL, schema=schema)
        await storage.close()

    try:
        asyncio.run(migrate())
        yield schema
    finally:
        asyncio.run(_admin(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path) -> Database:
    """The database of one test: a fresh SQLite file, or the session's PostgreSQL schema."""
    if request.param == "sqlite":
        return Database("sqlite", f"sqlite+aiosqlite:///{tmp_path / 'sesame.sqlite3'}")
    schema = request.getfixturevalue("postgres_schema")
    # The session shares one schema: every test starts from empty tables.
    tables = ", ".join(f'"{schema}".{table.__tablename__}' for table in USER_TABLES)
    asyncio.run(_admin(";".join(f"DELETE FROM {table}" for table in tables.split(", "))))
    return Database("postgresql", POSTGRES_URL, schema)


@pytest.fixture
async def storage(database):
    """An open, migrated, empty storage on the test's database."""
    opened = await database.open()
    yield opened
    await opened.close()
