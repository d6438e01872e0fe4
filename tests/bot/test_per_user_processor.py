"""Updates of different users overlap; one user's run one at a time, in the order they came.

The processor is driven the way python-telegram-bot drives it (one task per update, created in
arrival order), then through the real ``Application``'s update queue, as polling and the webhook
server feed it. Waits are bounded by a timeout only so that a broken processor fails instead of
hanging: nothing here measures time.
"""

import asyncio
import random
from types import SimpleNamespace

import pytest
from telegram import Update

from bot.advisor import Advisor
from bot.application import build_application
from bot.config import DEFAULT_CONCURRENCY
from bot.per_user_processor import PerUserUpdateProcessor
from scoring.questions import QUICK_IDS
from tests.bot.telegram_testkit import TOKEN, RecordingRequest, TelegramUser

DEADLOCK_GUARD = 10  # seconds; only reached when updates that should overlap wait for each other


def text_update(update_id: int, user_id: int) -> Update:
    user = {"id": user_id, "is_bot": False, "first_name": "Li"}
    message = {
        "message_id": update_id,
        "from": user,
        "chat": {"id": user_id, "type": "private"},
        "date": 1_735_000_000,
        "text": "hi",
    }
    return Update.de_json({"update_id": update_id, "message": message}, None)


def submit(processor: PerUserUpdateProcessor, update: object, coroutine) -> asyncio.Task:
    """What PTB's update fetcher does with each update when updates run concurrently."""
    return asyncio.create_task(processor.process_update(update, coroutine))


async def test_updates_of_different_users_overlap():
    processor = PerUserUpdateProcessor(4)
    b_started = asyncio.Event()
    a_saw_b = []

    async def a_waits_for_b():
        await b_started.wait()  # only returns if B runs while A is still running
        a_saw_b.append(True)

    async def b_runs():
        b_started.set()

    tasks = [submit(processor, text_update(1, 100), a_waits_for_b()), submit(processor, text_update(2, 200), b_runs())]
    await asyncio.wait_for(asyncio.gather(*tasks), DEADLOCK_GUARD)
    assert a_saw_b == [True]
    assert processor.users_in_flight == 0


async def test_one_users_updates_run_one_at_a_time_in_arrival_order():
    processor = PerUserUpdateProcessor(8)
    rng = random.Random(7)
    finished: dict[int, list[int]] = {100: [], 200: [], 300: []}
    running: dict[int, int] = {100: 0, 200: 0, 300: 0}
    most_at_once: dict[int, int] = {100: 0, 200: 0, 300: 0}

    async def handle(user_id: int, n: int) -> None:
        running[user_id] += 1
        most_at_once[user_id] = max(most_at_once[user_id], running[user_id])
        for _ in range(rng.randint(0, 3)):  # yield a random number of times, as database calls do
            await asyncio.sleep(0)
        running[user_id] -= 1
        finished[user_id].append(n)

    tasks = []
    for n in range(60):
        user_id = (100, 200, 300)[rng.randint(0, 2)]
        tasks.append(submit(processor, text_update(n, user_id), handle(user_id, n)))
    await asyncio.wait_for(asyncio.gather(*tasks), DEADLOCK_GUARD)

    for user_id, order in finished.items():
        assert order == sorted(order), f"user {user_id} ran out of order: {order}"
    assert most_at_once == {100: 1, 200: 1, 300: 1}
    assert sum(len(order) for order in finished.values()) == 60


async def test_a_burst_from_one_user_leaves_slots_to_the_others():
    """A user's queued updates wait for their turn without taking a running slot."""
    processor = PerUserUpdateProcessor(2)
    b_ran = asyncio.Event()

    async def a_first():
        await b_ran.wait()  # holds one slot until B has run in the other

    async def a_later():
        return None

    async def b():
        b_ran.set()

    tasks = [submit(processor, text_update(1, 100), a_first())]
    tasks += [submit(processor, text_update(n, 100), a_later()) for n in range(2, 12)]
    tasks.append(submit(processor, text_update(12, 200), b()))
    await asyncio.wait_for(asyncio.gather(*tasks), DEADLOCK_GUARD)
    assert b_ran.is_set()


async def test_no_more_updates_run_than_the_limit():
    processor = PerUserUpdateProcessor(3)
    running = 0
    most = 0

    async def handle():
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        running -= 1

    tasks = [submit(processor, text_update(n, 1000 + n), handle()) for n in range(20)]
    await asyncio.wait_for(asyncio.gather(*tasks), DEADLOCK_GUARD)
    assert most == 3


async def test_locks_go_when_a_user_is_idle_even_after_a_failure():
    processor = PerUserUpdateProcessor(4)

    async def fails():
        raise RuntimeError("a handler bug")

    async def fine():
        return None

    tasks = [submit(processor, text_update(n, n), fails() if n % 2 else fine()) for n in range(1, 1001)]
    results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), DEADLOCK_GUARD)
    assert sum(isinstance(r, RuntimeError) for r in results) == 500
    assert processor.users_in_flight == 0


def test_the_limit_must_be_positive():
    with pytest.raises(ValueError):
        PerUserUpdateProcessor(0)


def test_build_application_uses_the_processor_with_the_configured_limit(monkeypatch):
    monkeypatch.delenv("SESAME_CONCURRENCY", raising=False)
    default = build_application(TOKEN, database_url="sqlite+aiosqlite://")
    assert isinstance(default.update_processor, PerUserUpdateProcessor)
    assert default.update_processor.limit == DEFAULT_CONCURRENCY
    monkeypatch.setenv("SESAME_CONCURRENCY", "3")
    assert build_application(TOKEN, database_url="sqlite+aiosqlite://").update_processor.limit == 3
    assert build_application(TOKEN, database_url="sqlite+aiosqlite://", concurrency=5).update_processor.limit == 5


def tap_payload(user: TelegramUser, message: dict, data: str) -> dict:
    query = {"id": f"{user.id}-{message['message_id']}", "from": user._from(), "message": message, "chat_instance": "1"}
    return {"callback_query": {**query, "data": data}}


async def test_interleaved_users_through_the_update_queue_all_answers_stored(storage):
    """Several users tap through the quick check at once via the real update queue: nothing lost."""
    recorder = RecordingRequest()
    application = build_application(
        TOKEN, advisor=Advisor(storage), request=recorder, updates_request=recorder, remind_every=None, concurrency=4
    )
    await application.initialize()
    await application.start()
    update_id = 0

    async def put(payload: dict) -> None:
        nonlocal update_id
        update_id += 1
        await application.update_queue.put(Update.de_json({"update_id": update_id, **payload}, application.bot))

    # A TelegramUser only needs the recorder (for message ids) to write its updates.
    users = [TelegramUser(SimpleNamespace(recorder=recorder), 7000 + n, "en") for n in range(5)]
    try:
        for user in users:
            await put({"message": user.message_dict("/start")})
        await asyncio.wait_for(application.update_queue.join(), DEADLOCK_GUARD)
        for _ in QUICK_IDS:
            # Every user taps the first choice of the newest question shown to them, all queued together.
            for user in users:
                message = next(
                    m
                    for (chat, _), m in reversed(list(recorder.messages.items()))
                    if chat == user.id and (m.get("reply_markup") or {}).get("inline_keyboard")
                )
                data = message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
                await put(tap_payload(user, message, data))
            await asyncio.wait_for(application.update_queue.join(), DEADLOCK_GUARD)
    finally:
        await application.stop()
        await application.shutdown()
    for user in users:
        assert len(await storage.answers(user.id)) == len(QUICK_IDS)
    assert application.update_processor.users_in_flight == 0


async def test_an_update_cancelled_while_waiting_for_its_turn_leaves_nothing_behind():
    processor = PerUserUpdateProcessor(1)
    release = asyncio.Event()
    ran = []

    async def first():
        await release.wait()

    async def second():
        ran.append("second")

    running = submit(processor, text_update(1, 100), first())
    waiting_coroutine = second()
    waiting = submit(processor, text_update(2, 100), waiting_coroutine)
    await asyncio.sleep(0)
    waiting.cancel()
    release.set()
    await asyncio.wait_for(running, DEADLOCK_GUARD)
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert ran == []
    assert waiting_coroutine.cr_frame is None  # closed, not left unawaited
    assert processor.users_in_flight == 0
