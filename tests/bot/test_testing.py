"""The offline Bot API both the test kit and the load benchmark build on, seen through a real ``Bot``."""

import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot.outbound import REQUEST_STARTED
from bot.testing import BOT_USER, OfflineBotApi

TOKEN = "123456789:TEST-token-never-sent-anywhere"


async def test_python_telegram_bot_reads_its_answers():
    api = OfflineBotApi()
    async with Bot(TOKEN, request=api, get_updates_request=api) as bot:
        assert bot.username == BOT_USER["username"]
        assert await bot.answer_callback_query("q1") is True
        with pytest.raises(BadRequest, match="(?i)sendMessage is not known offline"):
            await bot.send_message(5, "hi")  # the base answers only what every subclass shares


async def test_a_request_is_marked_as_gone_out_as_the_real_network_layer_does():
    api = OfflineBotApi()
    REQUEST_STARTED.set(False)
    status, body = await api.do_request("https://api.telegram.org/botT/answerCallbackQuery", "POST")
    assert (status, body) == (200, b'{"ok": true, "result": true}')
    assert REQUEST_STARTED.get()


async def test_downloads_and_new_messages():
    api = OfflineBotApi()
    assert await api.do_request("https://api.telegram.org/file/botT/file-1", "GET") == (200, b"")
    first, second = api.new_message(7, text="a", caption=""), api.new_message(7, text="b")
    assert second["message_id"] == first["message_id"] + 1 and "caption" not in first
    assert api.new_file() != api.new_file()
