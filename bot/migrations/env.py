"""Alembic environment: runs on a connection handed over by ``bot.storage.database.migrate``.

The bot applies migrations itself on start, inside its own async engine (``run_sync``), so
there is no alembic.ini and no second database URL to keep in step. Running the ``alembic``
command by hand also works: it reads ``sqlalchemy.url`` from the config or ``DATABASE_URL``.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from bot.config import database_url
from bot.storage.tables import Base

config = context.config
target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_standalone() -> None:
    url = config.get_main_option("sqlalchemy.url") or database_url()
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(run_on)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url") or database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
elif config.attributes.get("connection") is not None:
    run_on(config.attributes["connection"])
else:
    asyncio.run(run_standalone())
