"""The async engine and the migrations the bot applies to it on every start.

One engine per process; SQLite gets foreign keys and a busy timeout so the bot and the
terminal chat can share the file, PostgreSQL can be confined to a schema (the tests use one
per session).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.config import PoolSettings, pool_settings

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
MIGRATION_LOCK = 0x5E5A3E
"""The PostgreSQL advisory lock key held while migrating (any constant no other program uses)."""


def make_engine(url: str, *, schema: str | None = None, pool: PoolSettings | None = None) -> AsyncEngine:
    """An async engine for ``url``; ``schema`` sets PostgreSQL's ``search_path``.

    The pool (``pool``, else the ``SESAME_DB_POOL_*`` settings) recycles connections by age
    instead of pinging the server on every checkout: a ping is a round trip per update.
    """
    parsed = make_url(url)
    pool = pool or pool_settings()
    connect_args: dict[str, Any] = {}
    pooling: dict[str, Any] = {"pool_size": pool.size, "max_overflow": pool.max_overflow, "pool_recycle": pool.recycle}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        else:
            pooling = {}  # one in-memory database lives in one connection: SQLAlchemy's static pool
        connect_args["timeout"] = 30
    elif schema:
        connect_args["server_settings"] = {"search_path": schema}
    engine = create_async_engine(url, connect_args=connect_args, pool_pre_ping=False, **pooling)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def alembic_config() -> Config:
    """Alembic's configuration, pointing at the migrations shipped inside the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def migrate(engine: AsyncEngine) -> None:
    """Bring the database to the newest revision (a no-op when it is already there).

    Several bot processes started together would otherwise all create the same tables on an empty
    PostgreSQL database, and all but one fail; a transaction-scoped advisory lock lets one migrate
    while the others wait, then find the database already at the newest revision.
    """
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        await connection.run_sync(_upgrade)
