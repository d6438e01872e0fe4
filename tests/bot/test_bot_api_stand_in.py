"""The Bot API stand-in, checked with the real python-telegram-bot ``Bot`` over real HTTP."""

import asyncio
import json
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from telegram import Bot as TelegramBot
from telegram import BotCommand, BotCommandScopeDefault, InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity
from telegram.error import BadRequest, Conflict, InvalidToken

from bot.charts.radar import radar_jpeg
from tests.bot.bot_api_stand_in import (
    BOT_USERNAME,
    DEFAULT_TOKEN,
    SECRET_HEADER,
    SUPPORTED_METHODS,
    BotApiStandIn,
    parse_html,
)


@pytest.fixture
async def bot(bot_api):
    async with TelegramBot(DEFAULT_TOKEN, base_url=bot_api.base_url, base_file_url=bot_api.base_file_url) as bot:
        yield bot


def keyboard(*pairs):
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data)] for text, data in pairs])


async def test_get_me_says_it_is_a_bot(bot, bot_api):
    me = await bot.get_me()
    assert me.is_bot is True
    assert me.username == BOT_USERNAME
    assert bot.username == BOT_USERNAME
    assert bot_api.calls_of("getMe")


async def test_send_message_returns_a_message_with_seconds_dates(bot, bot_api):
    sent = await bot.send_message(
        bot_api.user_id, "<b>Score</b> 650 &amp; more", parse_mode="HTML", reply_markup=keyboard(("Yes", "q:1:yes"))
    )
    assert sent.text == "Score 650 & more"
    assert abs((sent.date - datetime.now(UTC)).total_seconds()) < 60
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "q:1:yes"
    call = bot_api.calls_of("sendMessage")[-1]
    assert call.params["chat_id"] == bot_api.user_id
    assert call.params["text"] == "<b>Score</b> 650 &amp; more"
    assert call.params["parse_mode"] == "HTML"
    assert bot_api.buttons(sent.message_id) == [("Yes", "q:1:yes")]


async def test_text_that_looks_like_a_number_stays_text(bot, bot_api):
    sent = await bot.send_message(bot_api.user_id, "42")
    assert sent.text == "42"
    assert bot_api.calls_of("sendMessage")[-1].params["text"] == "42"


async def test_edit_message_text_returns_the_edited_message(bot, bot_api):
    sent = await bot.send_message(bot_api.user_id, "Question 1/10", reply_markup=keyboard(("A", "a")))
    edited = await bot.edit_message_text(
        "Question 2/10", chat_id=bot_api.user_id, message_id=sent.message_id, reply_markup=keyboard(("B", "b"))
    )
    assert edited is not True
    assert edited.message_id == sent.message_id
    assert edited.text == "Question 2/10"
    assert edited.edit_date is not None
    assert bot_api.buttons(sent.message_id) == [("B", "b")]


async def test_edit_that_changes_nothing_is_refused_like_telegram(bot, bot_api):
    sent = await bot.send_message(bot_api.user_id, "same")
    with pytest.raises(BadRequest, match="(?i)not modified"):
        await bot.edit_message_text("same", chat_id=bot_api.user_id, message_id=sent.message_id)


async def test_editing_a_message_that_does_not_exist_fails(bot, bot_api):
    with pytest.raises(BadRequest, match="(?i)not found"):
        await bot.edit_message_text("x", chat_id=bot_api.user_id, message_id=999)


async def test_edit_reply_markup_removes_the_buttons(bot, bot_api):
    sent = await bot.send_message(bot_api.user_id, "pick", reply_markup=keyboard(("A", "a")))
    edited = await bot.edit_message_reply_markup(chat_id=bot_api.user_id, message_id=sent.message_id)
    assert edited.text == "pick"
    assert edited.reply_markup is None
    assert bot_api.buttons(sent.message_id) == []


async def test_send_photo_uploads_the_picture_bytes(bot, bot_api):
    picture = radar_jpeg(["a", "b", "c", "d", "e"], [10, 20, 30, 40, 50], "chart")
    sent = await bot.send_photo(bot_api.user_id, picture, caption="<i>radar</i>", parse_mode="HTML")
    assert (sent.photo[-1].width, sent.photo[-1].height) == (1080, 1080)
    assert sent.caption == "radar"
    call = bot_api.calls_of("sendPhoto")[-1]
    assert call.files["photo"].data == picture
    downloaded = await (await bot.get_file(sent.photo[-1].file_id)).download_as_bytearray()
    assert bytes(downloaded) == picture


async def test_send_photo_that_is_not_an_image_is_refused(bot, bot_api):
    with pytest.raises(BadRequest, match="(?i)image_process_failed"):
        await bot.send_photo(bot_api.user_id, b"not a picture at all")


async def test_send_document_and_get_file(bot, bot_api):
    payload = json.dumps({"answers": {"q1": "yes"}, "note": "中文"}, ensure_ascii=False).encode()
    sent = await bot.send_document(bot_api.user_id, payload, filename="export.json")
    assert sent.document.file_name == "export.json"
    assert bot_api.calls_of("sendDocument")[-1].files["document"].data == payload
    file = await bot.get_file(sent.document.file_id)
    assert file.file_size == len(payload)
    assert bytes(await file.download_as_bytearray()) == payload


async def test_set_and_get_my_commands_per_language(bot, bot_api):
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("score", "Your score")])
    await bot.set_my_commands([BotCommand("start", "开始")], language_code="zh")
    assert [c.command for c in await bot.get_my_commands()] == ["start", "score"]
    assert [c.description for c in await bot.get_my_commands(language_code="zh")] == ["开始"]
    assert await bot.get_my_commands(scope=BotCommandScopeDefault(), language_code="en") == ()
    with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])


async def test_get_updates_round_trip(bot, bot_api):
    sent = await bot.send_message(bot_api.user_id, "pick", reply_markup=keyboard(("Yes", "q:yes"), ("No", "q:no")))
    bot_api.send_text("hello")
    bot_api.send_command("start")
    bot_api.press(sent.message_id, "q:no")

    updates = await bot.get_updates(timeout=1)
    assert len(updates) == 3
    text, command, press = updates
    assert text.message.text == "hello"
    assert text.effective_user.language_code == "en"
    assert command.message.text == "/start"
    assert command.message.entities[0].type == MessageEntity.BOT_COMMAND
    assert command.message.entities[0].length == len("/start")
    assert press.callback_query.data == "q:no"
    assert press.callback_query.message.message_id == sent.message_id
    assert press.callback_query.message.reply_markup.inline_keyboard[1][0].text == "No"
    assert await press.callback_query.answer() is True

    # An offset past the last update confirms them all; nothing is delivered twice.
    assert await bot.get_updates(offset=press.update_id + 1, timeout=0) == ()
    bot_api.send_text("again")
    (again,) = await bot.get_updates(offset=press.update_id + 1, timeout=1)
    assert again.message.text == "again"


async def test_get_updates_long_polls_until_an_update_arrives(bot, bot_api):
    timer = threading.Timer(0.3, bot_api.send_text, args=("late",))
    timer.start()
    try:
        updates = await bot.get_updates(timeout=10)
    finally:
        timer.cancel()
    assert [u.message.text for u in updates] == ["late"]


async def test_pressing_a_button_that_is_not_there_is_a_test_error(bot, bot_api):
    sent = await bot.send_message(bot_api.user_id, "pick", reply_markup=keyboard(("A", "a")))
    with pytest.raises(AssertionError, match="no button"):
        bot_api.press(sent.message_id, "forged")
    forged = bot_api.press(sent.message_id, "forged", check=False)
    assert forged["callback_query"]["data"] == "forged"


async def test_callback_query_must_be_one_the_user_sent(bot, bot_api):
    with pytest.raises(BadRequest, match="query"):
        await bot.answer_callback_query("12345")


async def test_telegram_limits_are_enforced(bot, bot_api):
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.send_message(bot_api.user_id, "<b>open", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.send_message(bot_api.user_id, "<div>x</div>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.send_message(bot_api.user_id, "1 < 2", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)too long"):
        await bot.send_message(bot_api.user_id, "x" * 4097)
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await bot.send_message(bot_api.user_id, "x", reply_markup=keyboard(("A", "a" * 65)))
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(999, "stranger")
    assert [c.ok for c in bot_api.calls_of("sendMessage")] == [False] * 6


def test_parse_html_keeps_text_and_entities():
    assert parse_html('<a href="https://x.y">link</a> &lt;3 &#20013;') == "link <3 中"


async def test_chat_action_delete_close_and_log_out(bot, bot_api):
    assert await bot.send_chat_action(bot_api.user_id, "upload_photo") is True
    sent = await bot.send_message(bot_api.user_id, "bye")
    assert await bot.delete_message(bot_api.user_id, sent.message_id) is True
    assert sent.message_id not in bot_api.messages
    assert await bot.delete_webhook(drop_pending_updates=True) is True
    assert await bot.close() is True
    assert await bot.log_out() is True


def raw_post(url):
    request = urllib.request.Request(url, data=b"", method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_unknown_method_is_a_404_error(bot_api):
    status, body = raw_post(f"{bot_api.base_url}{DEFAULT_TOKEN}/sendSticker")
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert bot_api.calls[-1].method == "sendSticker" and not bot_api.calls[-1].ok
    assert "sendsticker" not in SUPPORTED_METHODS


async def test_wrong_token_is_unauthorized(bot_api):
    with pytest.raises(InvalidToken):
        async with TelegramBot("999:WRONG", base_url=bot_api.base_url):
            pass
    assert bot_api.calls == []


async def test_wait_for_finds_calls_after_the_last_update_and_explains_a_timeout(bot, bot_api):
    await bot.send_message(bot_api.user_id, "before")
    bot_api.send_text("hi")
    task = asyncio.create_task(bot.send_message(bot_api.user_id, "after"))
    call = await asyncio.to_thread(bot_api.wait_for, "sendMessage", timeout=10)
    await task
    assert call.params["text"] == "after"

    started = time.monotonic()
    with pytest.raises(AssertionError, match=r"(?s)no \['sendphoto'\] call.*sendMessage"):
        await asyncio.to_thread(bot_api.wait_for, "sendPhoto", after=0, timeout=0.5)
    assert time.monotonic() - started < 5


def test_stop_wakes_a_pending_long_poll():
    api = BotApiStandIn().start()
    result = {}

    def poll():
        result["status"], result["body"] = raw_post(f"{api.base_url}{DEFAULT_TOKEN}/getUpdates?timeout=30")

    poller = threading.Thread(target=poll)
    poller.start()
    api.wait_until_polling(timeout=10)
    api.stop()
    poller.join(timeout=10)
    assert not poller.is_alive()
    assert result["body"] == {"ok": True, "result": []}


async def test_set_webhook_is_recorded_and_reflected_until_deleted(bot, bot_api):
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.set_webhook("https://bot.example.test/hook", secret_token="s3cret_-", allowed_updates=["message"])
    assert bot_api.webhook["url"] == "https://bot.example.test/hook"
    assert bot_api.webhook["secret_token"] == "s3cret_-" and bot_api.webhook["allowed_updates"] == ["message"]
    info = await bot.get_webhook_info()
    assert info.url == "https://bot.example.test/hook" and info.allowed_updates == ("message",)
    with pytest.raises(Conflict):  # as on Telegram: no polling while a webhook is set
        await bot.get_updates(timeout=0)
    assert await bot.delete_webhook()
    assert bot_api.webhook is None and (await bot.get_webhook_info()).url == ""
    assert await bot.get_updates(timeout=0) == ()


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("http://bot.example.test/hook", "ok"),
        ("https://bot.example.test:9000/hook", "ok"),
        ("https://bot.example.test/hook", "spaces are not allowed"),
    ],
)
async def test_set_webhook_refuses_what_telegram_refuses(bot, bot_api, url, secret):
    with pytest.raises(BadRequest):
        await bot.set_webhook(url, secret_token=secret)
    assert bot_api.webhook is None


def test_post_update_delivers_json_with_the_registered_secret_header(bot_api):
    received = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers.get("Content-Type"), self.headers.get(SECRET_HEADER), json.loads(body)))
            self.send_response(200 if self.headers.get(SECRET_HEADER) == "right" else 403)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        bot_api.handle("setWebhook", {"url": "https://bot.example.test/hook", "secret_token": "right"}, {})
        update = bot_api.command_update("start", user_id=99)
        assert bot_api.post_update(url, update) == 200
        assert bot_api.post_update(url, bot_api.text_update("hi"), secret_token="wrong") == 403
        assert bot_api.post_update(url, bot_api.text_update("hi"), secret_token=None) == 403
    finally:
        server.shutdown()
        server.server_close()
    assert received[0] == ("application/json", "right", update)
    assert update["message"]["text"] == "/start" and update["message"]["entities"][0]["type"] == "bot_command"
    assert [r[1] for r in received[1:]] == ["wrong", None]
    assert 99 in bot_api.known_chats and not bot_api._updates, "a posted update must not also be queued"
