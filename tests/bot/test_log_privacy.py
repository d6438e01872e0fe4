"""Logs at DEBUG hold no token, no message text and no answer (issue 10, item 8).

The real ``Application`` handles a conversation with every logger at DEBUG; python-telegram-bot,
httpx, SQLAlchemy and aiosqlite all write what they write, and the captured text is searched for
the token, a typed message and the answers.
"""

import json
import logging

import pytest
from telegram.error import TelegramError

from bot import log_privacy
from bot.log_privacy import MASK, RedactingFilter
from tests.bot.telegram_testkit import TOKEN, BotUnderTest, RecordingRequest, answer_quick

SECRET_HALF = TOKEN.split(":", 1)[1]
TYPED = "my-private-words-Zq9"


@pytest.fixture
def debug_logs(caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("telegram", "httpx", "httpcore", "sqlalchemy", "aiosqlite", "asyncio"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


async def test_a_conversation_at_debug_logs_no_token_text_or_answer(storage, debug_logs):
    bot = await BotUnderTest.start(storage)
    try:
        user = bot.user(987001)
        await user.send("/start")
        await user.send(TYPED)  # a typed answer to a button question: refused, and never logged
        await answer_quick(user)
        answers = await storage.answers(987001)
    finally:
        await bot.stop()
    text = debug_logs.text
    assert "Set Bot API URL" in text, "PTB's DEBUG lines were not captured: the test would prove nothing"
    assert "Calling Bot API endpoint `sendMessage`" in text
    assert TOKEN not in text and SECRET_HALF not in text
    assert TYPED not in text
    assert answers, "the conversation stored no answers"
    # The answers as the database receives them (JSON), in what SQLAlchemy and aiosqlite wrote.
    database_lines = "\n".join(
        r.getMessage() for r in debug_logs.records if r.name.startswith(("sqlalchemy", "aiosqlite"))
    )
    assert "INSERT INTO answers" in database_lines or "answers" in database_lines
    for value in answers.values():
        assert json.dumps(value) not in database_lines, value
    # The bot's texts (questions, the score) are not logged either: no message content at all.
    assert "Welcome" not in text and "Estimated Sesame score" not in text


class UnparsableUpdates(RecordingRequest):
    """Telegram hands back an update python-telegram-bot cannot parse."""

    def _answer(self, call):
        if call.method == "getUpdates":
            return True, [{"update_id": 4242, "message": {"text": TYPED}}]
        return super()._answer(call)


async def test_an_unparsable_update_is_logged_by_its_id_only(storage, debug_logs):
    recorder = UnparsableUpdates()
    bot = await BotUnderTest.start(storage, recorder)
    try:
        with pytest.raises((TelegramError, KeyError, TypeError)):
            await bot.application.bot.get_updates()
    finally:
        await bot.stop()
    critical = [r for r in debug_logs.records if r.levelno == logging.CRITICAL]
    assert critical, "PTB's CRITICAL line about the unparsable update was not captured"
    assert "4242" in debug_logs.text and TYPED not in debug_logs.text


def test_the_filter_masks_secrets_in_messages_arguments_and_tracebacks():
    redactor = RedactingFilter(["777:abcdefghijklmnopqrstuvwxyz012345", "hook-secret"])
    try:
        raise RuntimeError("GET https://api.telegram.org/bot777:abcdefghijklmnopqrstuvwxyz012345/getMe")
    except RuntimeError as exc:
        record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "url %s secret %s", ("x", "hook-secret"), None)
        record.exc_info = (type(exc), exc, exc.__traceback__)
    redactor.filter(record)
    formatted = logging.Formatter().format(record)
    assert "abcdefghijklmnopqrstuvwxyz012345" not in formatted and "hook-secret" not in formatted
    assert formatted.count(MASK) >= 2
    # A token-shaped string it was never told about is masked too.
    other = logging.LogRecord("x", logging.DEBUG, __file__, 1, "999999:ZYXWVUTSRQPONMLKJIHGFEDCBA", None, None)
    redactor.filter(other)
    assert other.getMessage() == MASK


def test_install_is_idempotent_and_adds_secrets():
    first = log_privacy.install(["first-secret-value"])
    assert log_privacy.install(["second-secret-value"]) is first
    secrets = ("first-secret-value", "second-secret-value")
    record = logging.getLogger("any").makeRecord("any", logging.INFO, __file__, 1, "%s %s", secrets, None)
    assert record.getMessage() == f"{MASK} {MASK}"
