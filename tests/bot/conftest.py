import pytest

from tests.bot.bot_api_stand_in import BotApiStandIn
from tests.bot.telegram_testkit import BotUnderTest


@pytest.fixture
def bot_api():
    """A local Bot API stand-in on a free port of 127.0.0.1, stopped after the test."""
    with BotApiStandIn() as api:
        yield api


@pytest.fixture
async def bot(storage):  # noqa: F811 - the fixture imported below
    """The real Application on the test's database; no handler may fail unnoticed."""
    started = await BotUnderTest.start(storage)
    yield started
    await started.stop()
    assert not started.errors, started.errors


# The database backends (SQLite and PostgreSQL) of the dialog, storage and Telegram suites.
from tests.bot.database_backends import database, postgres_schema, storage  # noqa: E402, F401
