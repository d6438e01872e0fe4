"""Long polling acknowledges an update only once it is handled (issue 10, item 9).

The bot polls the Bot API stand-in over real HTTP. A tap arrives, and the process "dies" while
handling it (the poller is stopped inside the handler, as kill -9 would stop it): Telegram was
never told the update was received (no getUpdates with an offset past it), so the restarted
process gets the same tap again, and the question is answered, once.
"""

import asyncio

from bot.advisor import Advisor
from bot.application import build_application
from bot.config import api_urls
from bot.polling import poll, read_updates
from tests.bot.bot_api_stand_in import BotApiStandIn
from tests.bot.test_end_to_end import QUESTION_CALLS, Question, is_question

ALLOWED = ["message", "callback_query"]


def application_for(api, storage):
    return build_application(
        api.token, advisor=Advisor(storage), api=api_urls({"TELEGRAM_API_URL": api.base_url}), remind_every=None
    )


async def test_a_tap_lost_with_its_process_is_delivered_again_and_answered_once(storage):
    with BotApiStandIn(user_id=990001) as api:
        first = application_for(api, storage)
        stop = asyncio.Event()
        running = asyncio.create_task(poll(first, allowed_updates=ALLOWED, stop=stop, poll_timeout=1))
        api.send_command("start")
        asked = Question(await asyncio.to_thread(api.wait_for, QUESTION_CALLS, is_question))

        # The next update is the tap; the process dies while handling it.
        handling = asyncio.Event()
        handled = first.process_update

        async def dies_inside(update):
            if update.callback_query is not None:
                handling.set()
                await asyncio.sleep(3600)
            await handled(update)

        first.process_update = dies_inside
        tap = api.press(asked.message_id, asked.data_by_index[0])
        await asyncio.wait_for(handling.wait(), 30)
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        offsets = [int(c.params.get("offset") or 0) for c in api.calls_of("getUpdates")]
        assert max(offsets) <= tap["update_id"], f"the tap was acknowledged before it was handled: {offsets}"
        assert await storage.answers(990001) == {}

        # The restarted process gets the tap again and answers the question.
        second = application_for(api, storage)
        stop = asyncio.Event()
        running = asyncio.create_task(poll(second, allowed_updates=ALLOWED, stop=stop, poll_timeout=1))
        try:
            following = await asyncio.to_thread(
                api.wait_for, QUESTION_CALLS, lambda c: is_question(c, other_than=asked.nonce), after=0
            )
            assert Question(following).question.id != asked.question.id
            assert list(await storage.answers(990001)) == [asked.question.id]
        finally:
            stop.set()
            await asyncio.wait_for(running, 30)
        edits = [c for c in api.calls_of("editMessageText") if c.params.get("message_id") == asked.message_id]
        assert len(edits) == 1, "the tap was handled twice"


def test_an_unreadable_update_is_skipped_by_id_and_the_rest_are_read():
    raw = [{"update_id": 5, "message": {"text": "no chat"}}, {"update_id": 6}]
    updates, highest = read_updates(raw, build_application("1:x" + "y" * 30, advisor=object()))  # type: ignore[arg-type]
    assert [u.update_id for u in updates] == [6] and highest == 6
