"""The Application as ``sesame-advisor run`` builds it: defaults, restarts, the API URL."""

from telegram.constants import ParseMode

from bot.application import build_application
from bot.config import api_urls
from bot.storage.tables import user_data_table_names
from scoring.questions import QUESTION_BY_ID, QUESTIONS, QUICK_IDS
from tests.bot.telegram_testkit import TOKEN, BotUnderTest, RecordingRequest

QUICK = [QUESTION_BY_ID[qid] for qid in QUICK_IDS]


async def test_html_is_the_default_parse_mode(storage):
    bot = await BotUnderTest.start(storage)
    assert bot.application.bot.defaults.parse_mode == ParseMode.HTML
    await bot.stop()


async def test_a_restart_in_the_middle_continues_at_the_same_question(database):
    storage = await database.open()
    first = await BotUnderTest.start(storage)
    user = first.user()
    await user.send("/start")
    await user.tap(QUICK[0].choices[2].en)
    asked = await user.tap(QUICK[1].choices[0].en)
    question_message = asked[-1]
    await first.stop()
    await storage.close()

    # A new process: a new engine, storage and Application on the same database.
    storage = await database.open()
    second = await BotUnderTest.start(storage, recorder=first.recorder)
    user = second.user()
    calls = await user.send("/start")
    assert "Welcome back" in calls[0].text and QUICK[2].en in calls[1].text and f"3/{len(QUICK)}" in calls[1].text
    # the button shown before the restart still answers the open question
    calls = await user.tap(QUICK[2].choices[1].en, message_id=question_message.result["message_id"])
    assert QUICK[3].en in calls[-1].text
    assert await storage.answers(user.id) == {
        QUICK[0].id: QUICK[0].levels[2],
        QUICK[1].id: QUICK[1].levels[0],
        QUICK[2].id: QUICK[2].levels[1],
    }
    await second.stop()
    assert not first.errors and not second.errors
    await storage.close()


async def test_a_restart_during_the_full_profile_keeps_its_place(database):
    storage = await database.open()
    first = await BotUnderTest.start(storage)
    await first.user().send("/full")
    await first.user().send("/skip")
    await first.stop()
    await storage.close()
    storage = await database.open()
    second = await BotUnderTest.start(storage, recorder=first.recorder)
    calls = await second.user().send("/skip")
    assert QUESTIONS[2].en in calls[-1].text and f"3/{len(QUESTIONS)}" in calls[-1].text
    await second.stop()
    await storage.close()


async def test_the_database_is_opened_and_migrated_in_post_init(tmp_path):
    recorder = RecordingRequest()
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.sqlite3'}"
    application = build_application(TOKEN, database_url=url, request=recorder, updates_request=recorder)
    await application.initialize()
    await application.post_init(application)
    storage = application.bot_data["advisor"].storage
    assert await storage.count_rows() == dict.fromkeys(user_data_table_names(), 0)
    assert application.bot_data["reminder_delivery"].get_name() == "reminder_delivery"  # the delivery runs
    await application.post_shutdown(application)
    assert "reminder_delivery" not in application.bot_data  # cancelled before the database closed
    await application.shutdown()


def test_a_self_hosted_bot_api_server_is_used_for_methods_and_files():
    urls = api_urls({"TELEGRAM_API_URL": "http://127.0.0.1:8081"})
    application = build_application(TOKEN, database_url="sqlite+aiosqlite://", api=urls)
    assert application.bot.base_url == f"http://127.0.0.1:8081/bot{TOKEN}"
    assert application.bot.base_file_url == f"http://127.0.0.1:8081/file/bot{TOKEN}"
    official = build_application(TOKEN, database_url="sqlite+aiosqlite://", api=api_urls({}))
    assert official.bot.base_url == f"https://api.telegram.org/bot{TOKEN}"
