"""Every update is checked before any action runs (issue 10, item 6), on SQLite and PostgreSQL.

A private chat with a user and a message, or nothing happens: no flow runs, no row is written,
and a tapped button only gets its toast.
"""

from telegram import Update

from bot.handlers.guard import problem
from bot.storage.tables import user_data_table_names
from tests.bot.telegram_testkit import EPOCH, BotUnderTest, answer_quick

GROUP = {"id": -100123, "type": "supergroup", "title": "Friends"}


def bot_message(bot, user, label):
    """The newest message the bot sent ``user`` that shows the button ``label``."""
    return bot.message_with(label, user.id)


def button_data(message, label):
    return next(
        b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row if b["text"] == label
    )


def query(user, data, message=None, **extra):
    payload = {"id": f"q{user.id}{data}", "from": user._from(), "chat_instance": "-1", "data": data, **extra}
    if message is not None:
        payload["message"] = message
    return {"callback_query": payload}


async def test_a_tap_in_a_group_runs_nothing_and_posts_nothing(storage):
    bot = await BotUnderTest.start(storage)
    try:
        user = bot.user(770001)
        await answer_quick(user)
        before = await storage.count_rows(user.id)
        score = bot_message(bot, user, "✏️ My answers")
        in_group = {**score, "chat": GROUP}
        calls = await bot.feed(query(user, button_data(score, "✏️ My answers"), in_group), "taps in a group")
        assert [c.method for c in calls] == ["answerCallbackQuery"]
        assert "private chat" in calls[0].params["text"]
        assert await storage.count_rows(user.id) == before
        # A message in a group gets nothing at all.
        message = {**user.message_dict("/profile"), "chat": GROUP}
        assert await bot.feed({"message": message}, "/profile in a group") == []
    finally:
        await bot.stop()
    assert not bot.errors


async def test_a_tap_without_its_message_runs_no_action(storage):
    bot = await BotUnderTest.start(storage)
    try:
        user = bot.user(770002)
        await answer_quick(user)
        before = await storage.count_rows(user.id)
        # "Yes, delete everything", tapped where Telegram sends no message: the data must stay.
        calls = await bot.feed(query(user, "f:y", inline_message_id="AAQ-inline"), "taps f:y without a message")
        assert [c.method for c in calls] == ["answerCallbackQuery"] and calls[0].params["text"]
        assert await storage.count_rows(user.id) == before and before["answers"] > 0
    finally:
        await bot.stop()
    assert not bot.errors


async def test_edits_channel_posts_and_updates_without_a_user_do_nothing(storage):
    bot = await BotUnderTest.start(storage)
    try:
        user = bot.user(770003)
        edited = {"edited_message": {**user.message_dict("/forget"), "edit_date": EPOCH + 99}}
        channel = {
            "channel_post": {"message_id": 5, "chat": {"id": -1009, "type": "channel"}, "date": EPOCH, "text": "/start"}
        }
        nothing = {}  # an update of a kind the bot does not know: no user, no chat
        for payload in (edited, channel, nothing):
            assert await bot.feed(payload, "odd update") == []
        assert await storage.count_rows() == dict.fromkeys(user_data_table_names(), 0)
    finally:
        await bot.stop()
    assert not bot.errors


async def test_a_button_from_before_forget_finds_no_user_and_creates_nothing(storage):
    bot = await BotUnderTest.start(storage)
    try:
        user = bot.user(770004, language_code="zh-hans")
        await answer_quick(user, lang="zh")
        profile_calls = await user.send("/profile")
        profile = next(c for c in profile_calls if c.method == "sendMessage")
        await user.send("/forget")
        forget = [c for c in bot.recorder.calls if c.method == "sendMessage"][-1]
        yes = forget.buttons[0][0]
        await user.press(forget.result["message_id"], yes[1])
        assert await storage.count_rows(user.id) == dict.fromkeys(user_data_table_names(), 0)
        # An old button of /profile: no user any more. Said so, in the client's language; nothing created.
        first_question = profile.buttons[0][0][1]
        calls = await user.press(profile.result["message_id"], first_question)
        assert [c.method for c in calls] == ["answerCallbackQuery"]
        assert "/start" in calls[0].params["text"] and "删除" in calls[0].params["text"]
        assert await storage.count_rows(user.id) == dict.fromkeys(user_data_table_names(), 0)
        # The confirmation button tapped again: nothing either.
        calls = await user.press(forget.result["message_id"], yes[1])
        assert [c.method for c in calls] == ["answerCallbackQuery"]
        assert await storage.count_rows(user.id) == dict.fromkeys(user_data_table_names(), 0)
    finally:
        await bot.stop()
    assert not bot.errors


def test_the_rules():
    private = {
        "message_id": 1,
        "date": EPOCH,
        "chat": {"id": 5, "type": "private"},
        "from": {"id": 5, "is_bot": False, "first_name": "A"},
        "text": "hi",
    }
    assert problem(Update.de_json({"update_id": 1, "message": private}, None)) is None
    other_chat = {**private, "chat": {"id": 6, "type": "private"}}
    assert problem(Update.de_json({"update_id": 2, "message": other_chat}, None)) == "not_private"
    from_bot = {**private, "from": {"id": 5, "is_bot": True, "first_name": "B"}}
    assert problem(Update.de_json({"update_id": 3, "message": from_bot}, None)) == "no_user"
