import pytest
from bot_api_stand_in import BotApiStandIn


@pytest.fixture
def bot_api():
    """A local Bot API stand-in on a free port of 127.0.0.1, stopped after the test."""
    with BotApiStandIn() as api:
        yield api


# The database backends (SQLite and PostgreSQL) of the dialog, storage and Telegram suites.
from database_backends import database, postgres_schema, storage  # noqa: E402, F401
