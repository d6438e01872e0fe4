import pytest
from telegram_testkit import BotUnderTest


@pytest.fixture
async def bot(storage):
    """The real Application on the test's database; no handler may fail unnoticed."""
    started = await BotUnderTest.start(storage)
    yield started
    await started.stop()
    assert not started.errors, started.errors
