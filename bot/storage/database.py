"""The async engine and the migrations the bot applies to it on every start.

One engine per process; SQLite gets foreign keys and a busy timeout so the bot and the
terminal chat can share the file, PostgreSQL can be confined to a schema (the tests use one
per session).

Every engine fails fast instead of waiting: connecting, waiting for a pooled connection and each
statement have a limit of a few seconds (``Timeouts``), so a database behind a network partition
costs the users who need it a short error, not the whole process a stall. On PostgreSQL the
statement limit is enforced twice: by the server (``statement_timeout``, a slow query) and by the
client (asyncpg's ``command_timeout``, a silent network, where no server answer ever comes).
SQLite has no network; its limit is the wait for a lock held by another process. SQLite's
connections make one trip to their thread per statement (``bot.storage.sqlite_driver``).

Engines log no statement parameters (``hide_parameters=True``): an error or a DEBUG line would
otherwise print user ids and answers.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.config import PoolSettings, pool_settings
from bot.storage import sqlite_driver

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
MIGRATION_LOCK = 0x5E5A3E
"""The PostgreSQL advisory lock key held while migrating (any constant no other program uses)."""


@dataclass(frozen=True)
class Timeouts:
    """Seconds the bot waits on its database before giving up (``None``: no limit)."""

    connect: float | None = 5.0
    pool: float | None = 5.0
    statement: float | None = 5.0


TIMEOUT_VARIABLES = {
    "connect": "DATABASE_CONNECT_TIMEOUT",
    "pool": "DATABASE_POOL_TIMEOUT",
    "statement": "DATABASE_STATEMENT_TIMEOUT",
}


def timeouts_from(env: Mapping[str, str] = os.environ) -> Timeouts:
    """``DATABASE_CONNECT_TIMEOUT``, ``DATABASE_POOL_TIMEOUT``, ``DATABASE_STATEMENT_TIMEOUT`` (seconds).

    A missing or unreadable value keeps the default; ``0`` means no limit.
    """
    values: dict[str, float | None] = {}
    for field, variable in TIMEOUT_VARIABLES.items():
        raw = (env.get(variable) or "").strip()
        try:
            seconds = float(raw)
        except ValueError:
            continue
        values[field] = seconds if seconds > 0 else None
    return Timeouts(**values)


def make_engine(
    url: str, *, schema: str | None = None, pool: PoolSettings | None = None, timeouts: Timeouts | None = None
) -> AsyncEngine:
    """An async engine for ``url``; ``schema`` sets PostgreSQL's ``search_path``.

    The pool (``pool``, else the ``SESAME_DB_POOL_*`` settings) recycles connections by age
    instead of pinging the server on every checkout: a ping is a round trip per update.
    """
    limits = timeouts or Timeouts()
    parsed = make_url(url)
    pool = pool or pool_settings()
    connect_args: dict[str, Any] = {}
    driver: dict[str, Any] = {}
    pooling: dict[str, Any] = {"pool_size": pool.size, "max_overflow": pool.max_overflow, "pool_recycle": pool.recycle}
    if limits.pool:
        pooling["pool_timeout"] = limits.pool
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite:
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        else:
            pooling = {}  # one in-memory database lives in one connection: SQLAlchemy's static pool
        connect_args["timeout"] = limits.statement or 30.0
    else:
        server_settings: dict[str, str] = {}
        if schema:
            server_settings["search_path"] = schema
        if limits.statement:
            server_settings["statement_timeout"] = str(int(limits.statement * 1000))
            connect_args["command_timeout"] = limits.statement
        if limits.connect:
            connect_args["timeout"] = limits.connect
        if server_settings:
            connect_args["server_settings"] = server_settings
    if sqlite:
        # The dialect's own reading of the URL (path, query options) plus the lock wait, opened
        # with the connection class that makes one trip to SQLite's thread per statement.
        args, kwargs = parsed.get_dialect()().create_connect_args(parsed)
        kwargs.update(connect_args)
        driver["async_creator"] = lambda: sqlite_driver.connect(args, kwargs)
    engine = create_async_engine(
        url, connect_args=connect_args, pool_pre_ping=False, hide_parameters=True, **pooling, **driver
    )
    if sqlite:
        busy_ms = int((limits.statement or 30.0) * 1000)
        event.listen(engine.sync_engine, "connect", lambda connection, record: _sqlite_pragmas(connection, busy_ms))
    return engine


def _sqlite_pragmas(dbapi_connection: Any, busy_ms: int) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
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
