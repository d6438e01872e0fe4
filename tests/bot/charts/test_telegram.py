"""The chart reaches Telegram once: later the same picture goes by its file_id (the Bot API stand-in)."""

from telegram import Update

from bot.advisor import Advisor
from bot.application import build_application
from bot.charts.telegram import chart_cache_of
from bot.config import ApiUrls
from bot.storage.repository import NewAnswer
from scoring.questions import QUESTION_BY_ID, QUICK_IDS

ANSWERS = {qid: QUESTION_BY_ID[qid].levels[1] for qid in QUICK_IDS[:4]}


async def store(storage, user_id, answers):
    """Answers as the questionnaire stores them (one dialog step each), without playing the dialog."""
    await storage.ensure_user(user_id, "en")
    await storage.start_dialog(user_id, "quick", tuple(answers), "n0", expected_nonce=None)
    for position, (qid, value) in enumerate(answers.items()):
        stored = await storage.step(
            user_id,
            f"n{position}",
            path="quick",
            position=position + 1,
            nonce=f"n{position + 1}",
            answer=NewAnswer(qid, value, "button"),
        )
        assert stored


async def send(application, bot_api, text):
    before = bot_api.mark()
    await application.process_update(Update.de_json(bot_api.command_update(text), application.bot))
    return [c for c in bot_api.calls[before:] if c.method.lower() == "sendphoto"]


async def test_the_second_identical_score_sends_the_file_id_and_draws_nothing(bot_api, storage):
    application = build_application(
        bot_api.token,
        advisor=Advisor(storage),
        api=ApiUrls(bot_api.base_url, bot_api.base_file_url),
        remind_every=None,
    )
    await application.initialize()
    try:
        await store(storage, bot_api.user_id, ANSWERS)
        charts = chart_cache_of(application)

        (first,) = await send(application, bot_api, "score")
        assert first.ok and "photo" in first.files and charts.renders == 1
        uploaded = first.result["photo"][-1]
        assert (uploaded["width"], uploaded["height"]) == (1080, 1080)

        (second,) = await send(application, bot_api, "score")
        assert second.ok and second.files == {} and second.params["photo"] == uploaded["file_id"]
        assert second.result["photo"][-1]["file_size"] == uploaded["file_size"]  # the very same picture
        assert charts.renders == 1  # nothing drawn for it

        # The same answers in Chinese are another picture: drawn and uploaded once more.
        await storage.set_language(bot_api.user_id, "zh")
        (third,) = await send(application, bot_api, "score")
        assert "photo" in third.files and charts.renders == 2
    finally:
        await application.shutdown()
