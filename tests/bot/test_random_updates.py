"""Thousands of random updates through the real Application (issue 10, "must show").

Hypothesis draws sequences of updates of every kind Telegram can send: any text and Unicode,
over-long messages, known and unknown commands, forged, stale and genuine button taps, edited
messages, stickers, photos, documents, locations, group chats, channels, taps without a message
and updates with no user at all. Each goes through python-telegram-bot's ``Application`` with every
handler, on SQLite and on PostgreSQL; only the Telegram network is the recorder. After every update:
no handler failed, it got at most one reply (one answered tap; the messages of one flow), every
text is Telegram HTML within Telegram's limits; after every sequence, the database is consistent.
"""

import asyncio
import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.commands import COMMANDS
from bot.storage.tables import user_data_table_names
from scoring.questions import QUESTION_BY_ID
from tests.bot.bot_api_stand_in import ApiError, parse_html
from tests.bot.database_backends import Database
from tests.bot.telegram_testkit import EPOCH, BotUnderTest

USERS = {1001: "zh-hans", 1002: "en", 1003: None}
GROUP = {"id": -100777, "type": "group", "title": "Group"}
CHANNEL = {"id": -100888, "type": "channel", "title": "Channel"}
MESSAGE_LIMIT, CAPTION_LIMIT, TOAST_LIMIT = 4096, 1024, 200
MEDIA = {
    "sticker": {
        "file_id": "st",
        "file_unique_id": "st",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    },
    "photo": [{"file_id": "ph", "file_unique_id": "ph", "width": 90, "height": 90}],
    "document": {"file_id": "doc", "file_unique_id": "doc", "file_name": "a.pdf"},
    "location": {"latitude": 31.23, "longitude": 121.47},
}
COMMAND_NAMES = [c.name for c in COMMANDS] + ["frobnicate", "start@OtherBot", "START", ""]

texts = st.one_of(
    st.text(max_size=60),
    st.text(min_size=4000, max_size=5000, alphabet=st.characters(codec="utf-8")),
    st.sampled_from(["1", "0", "-5", "3.5", "1e9", "nan", "٣", "１２", "<b>", "&amp;", "   "]),
)
commands = st.builds(lambda name, args: f"/{name} {args}".strip(), st.sampled_from(COMMAND_NAMES), st.text(max_size=20))
actions = st.one_of(
    st.tuples(st.just("text"), texts),
    st.tuples(st.just("command"), commands),
    st.tuples(st.just("tap_genuine"), st.integers(0, 40)),
    st.tuples(st.just("tap_stale"), st.integers(0, 400)),
    st.tuples(st.just("tap_forged"), st.one_of(st.text(max_size=70), st.from_regex(r"[a-z]:[0-9:a-zA-Z_-]{0,20}"))),
    st.tuples(st.just("media"), st.sampled_from(sorted(MEDIA))),
    st.tuples(st.just("edited"), texts),
    st.tuples(st.just("group"), commands),
    st.tuples(st.just("group_tap"), st.integers(0, 40)),
    st.tuples(st.just("channel"), texts),
    st.tuples(st.just("no_message_tap"), st.text(max_size=30)),
    st.tuples(st.just("nothing"), st.none()),
)
steps = st.lists(st.tuples(st.sampled_from(sorted(USERS)), actions), min_size=20, max_size=60)


def buttons_shown(bot, user_id):
    """(message, data) of every button the bot shows this user, newest message first."""
    shown = []
    for (chat, _), message in reversed(list(bot.recorder.messages.items())):
        if chat == user_id:
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                shown += [(message, b["callback_data"]) for b in row if "callback_data" in b]
    return shown


def payload_for(bot, user_id, action, argument):
    user = bot.user(user_id, USERS[user_id])
    if action in {"text", "command"}:
        return {"message": user.message_dict(argument)}
    if action == "media":
        return {"message": user.message_dict(**{argument: MEDIA[argument]})}
    if action == "edited":
        return {"edited_message": {**user.message_dict(argument), "edit_date": EPOCH + 5}}
    if action == "group":
        return {"message": {**user.message_dict(argument), "chat": GROUP}}
    if action == "channel":
        return {"channel_post": {"message_id": 1, "chat": CHANNEL, "date": EPOCH, "text": argument}}
    if action == "nothing":
        return {}
    query = {"id": f"q{bot.recorder.next_message_id()}", "from": user._from(), "chat_instance": "-1"}
    if action == "no_message_tap":
        return {"callback_query": {**query, "inline_message_id": "inline-1", "data": argument}}
    shown = buttons_shown(bot, user_id)
    if action == "tap_forged" or not shown:
        message = next((m for (c, _), m in bot.recorder.messages.items() if c == user_id), None)
        if message is None:
            message = user.message_dict("a message of the user's own")
        return {"callback_query": {**query, "message": message, "data": argument if action == "tap_forged" else "x"}}
    if action in {"tap_genuine", "group_tap"}:
        recent = [s for s in shown if s[0] is shown[0][0]]  # the newest message's buttons
        message, data = recent[argument % len(recent)]
    else:
        message, data = shown[argument % len(shown)]  # any button ever shown: mostly stale ones
    if action == "group_tap":
        message = {**message, "chat": GROUP}
    return {"callback_query": {**query, "message": message, "data": data}}


def check_reply(calls, payload):
    methods = [c.method for c in calls]
    assert methods.count("answerCallbackQuery") <= 1, methods
    sent = [c for c in calls if c.method in {"sendMessage", "sendPhoto", "sendDocument"}]
    assert len(sent) <= 2 and methods.count("editMessageText") <= 1, [(c.method, c.params) for c in calls]  # one flow
    if "callback_query" not in payload and "message" not in payload or payload.get("message", {}).get("chat") == GROUP:
        assert calls == [], f"an update that is not a private message got {methods}"
    for call in calls:
        assert call.ok, call.result
        if call.method in {"sendMessage", "editMessageText"}:
            shown = parse_html(call.params["text"])
            assert 0 < len(shown) <= MESSAGE_LIMIT
        if call.method in {"sendPhoto", "sendDocument"} and call.params.get("caption"):
            assert len(parse_html(call.params["caption"])) <= CAPTION_LIMIT
        if call.method == "answerCallbackQuery" and call.params.get("text"):
            assert len(call.params["text"]) <= TOAST_LIMIT
        markup = call.params.get("reply_markup")
        if markup:
            markup = json.loads(markup) if isinstance(markup, str) else markup
            for row in markup.get("inline_keyboard", []):
                assert all(1 <= len(b["callback_data"].encode()) <= 64 for b in row)


async def check_database(storage):
    counts = await storage.count_rows()
    assert set(counts) == set(user_data_table_names())
    for user_id in USERS:
        data = await storage.export(user_id)
        if data["user"] is None:
            assert not data["answers"] and data["dialog"] is None and not data["score_snapshots"]
            continue
        for answer in data["answers"]:
            assert answer["value"] in QUESTION_BY_ID[answer["question_id"]].levels, answer
        dialog = data["dialog"]
        if dialog is not None:
            assert 0 <= dialog["position"] <= len(dialog["questions"])
            assert all(q in QUESTION_BY_ID for q in dialog["questions"])
    total_users = counts["users"]
    assert total_users <= len(USERS), "a group, channel or user-less update created a user"


async def run_sequence(bot, storage, sequence):
    for user_id in USERS:  # every example starts from nobody known, so a failure replays alike
        await storage.forget(user_id)
    bot.recorder.messages.clear()
    for user_id, (action, argument) in sequence:
        payload = payload_for(bot, user_id, action, argument)
        before = len(bot.recorder.calls)
        update_id = bot._update_id + 1
        await bot.application.process_update(Update.de_json({"update_id": update_id, **payload}, bot.application.bot))
        bot._update_id = update_id
        assert not bot.errors, f"{action} {argument!r:.80} failed: {bot.errors[0]!r}"
        check_reply(bot.recorder.calls[before:], payload)
    await check_database(storage)


EXAMPLES = {"sqlite": 35, "postgresql": 6}
"""Sequences of 20-60 updates: about 1,400 on SQLite (a memory-backed file, so the suite stays
fast on a slow disk) and 240 on the machine's PostgreSQL, whose commits cost what they cost."""


def test_random_updates_never_break_the_bot(database, tmp_path):
    folder = None
    if database.backend == "sqlite" and Path("/dev/shm").is_dir():
        folder = Path(tempfile.mkdtemp(dir="/dev/shm"))
        database = Database("sqlite", f"sqlite+aiosqlite:///{folder / 'random.sqlite3'}")
    loop = asyncio.new_event_loop()
    storage = loop.run_until_complete(database.open())
    bot = loop.run_until_complete(BotUnderTest.start(storage))
    examples = []

    @settings(
        max_examples=EXAMPLES[database.backend],
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )
    @given(steps)
    def property(sequence):
        examples.append(len(sequence))
        loop.run_until_complete(run_sequence(bot, storage, sequence))

    try:
        property()
    finally:
        loop.run_until_complete(bot.stop())
        loop.run_until_complete(storage.close())
        loop.close()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    assert sum(examples) >= EXAMPLES[database.backend] * 20, f"only {sum(examples)} updates were tried"
    assert ApiError  # the stand-in's HTML check raises ApiError for text Telegram would refuse
