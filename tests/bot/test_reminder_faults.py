"""Reminders under faults (issue 10, item 1): sent once, or recorded as maybe sent, never twice.

Each test runs on SQLite and on PostgreSQL. The network edge is the recorder of
``telegram_testkit`` made to fail the way httpx fails under python-telegram-bot: a read timeout
after the request went out (it may have arrived), a refused connection (it cannot have).
"""

import asyncio
from datetime import timedelta

import httpx
from telegram.error import NetworkError, TimedOut

from bot.handlers.reminder_sender import telegram_sender
from bot.outbound import request_started
from bot.reminder_delivery import deliver_due
from bot.storage.repository import CLAIM_LEASE
from tests.bot.telegram_testkit import BotUnderTest, RecordingRequest
from tests.bot.test_reminders import SECOND, UTC_6TH_MARCH, users_with_due_reminders

USERS = list(range(100, 120))  # 20 users, as in the review


class FailingSends(RecordingRequest):
    """sendMessage fails with ``error`` (built fresh each time) while ``failing`` is set."""

    def __init__(self, error):
        super().__init__()
        self.error = error
        self.failing = True

    async def do_request(self, url, method, request_data=None, **kwargs):
        if self.failing and url.endswith("/sendMessage"):
            request_started()
            self.calls.append(None)
            raise self.error()
        return await super().do_request(url, method, request_data, **kwargs)


def read_timeout():
    return _chain(TimedOut(), httpx.ReadTimeout("no answer in time"))


def refused_connection():
    return _chain(NetworkError("httpx.ConnectError: refused"), httpx.ConnectError("refused"))


def _chain(error, cause):
    error.__cause__ = cause
    return error


def sends(recorder):
    return [c for c in recorder.calls if c is not None and c.method == "sendMessage"]


async def outcomes(storage, users):
    return [r["outcome"] for u in users for r in (await storage.export(u))["reminders"]]


async def test_a_timeout_after_the_request_went_out_is_maybe_sent_and_never_repeated(storage):
    recorder = FailingSends(read_timeout)
    bot = await BotUnderTest.start(storage, recorder)
    try:
        await users_with_due_reminders(storage, USERS)
        send = telegram_sender(bot.application.bot)
        first = await deliver_due(storage, send, UTC_6TH_MARCH)
        assert (first.maybe_sent, first.sent, first.failed) == (len(USERS), 0, 0)
        recorder.failing = False
        for minutes in (1, 2, 60 * 24):
            later = await deliver_due(storage, send, UTC_6TH_MARCH + timedelta(minutes=minutes))
            assert not later, later
        assert sends(recorder) == []  # not one reminder went out a second time
        assert await outcomes(storage, USERS) == ["maybe_sent"] * len(USERS)
    finally:
        await bot.stop()


async def test_a_refused_connection_is_released_and_sent_by_the_next_round(storage):
    recorder = FailingSends(refused_connection)
    bot = await BotUnderTest.start(storage, recorder)
    try:
        await users_with_due_reminders(storage, USERS[:5])
        send = telegram_sender(bot.application.bot)
        first = await deliver_due(storage, send, UTC_6TH_MARCH)
        assert (first.failed, first.maybe_sent) == (5, 0)
        recorder.failing = False
        second = await deliver_due(storage, send, UTC_6TH_MARCH + timedelta(minutes=1))
        assert second.sent == 5
        assert sorted(int(c.params["chat_id"]) for c in sends(recorder)) == USERS[:5]
        assert await outcomes(storage, USERS[:5]) == ["sent"] * 5
    finally:
        await bot.stop()


async def test_a_claim_of_a_process_that_died_is_taken_again_after_the_lease(database, storage):
    await users_with_due_reminders(storage, [7])
    [due] = await storage.due_reminders(UTC_6TH_MARCH)
    dead = await database.open()  # a process that claims, then is killed before sending
    assert await dead.claim_reminder(due.id, UTC_6TH_MARCH)
    await dead.close()
    sent = []

    async def send(user_id, screen):
        sent.append(user_id)
        return True

    within = await deliver_due(storage, send, UTC_6TH_MARCH + CLAIM_LEASE / 2)
    assert not within and sent == []  # its holder might still be sending: left alone
    after = await deliver_due(storage, send, UTC_6TH_MARCH + CLAIM_LEASE + timedelta(seconds=1))
    assert after.sent == 1 and sent == [7]
    assert await outcomes(storage, [7]) == ["sent"]


async def cancelled_mid_send(storage, *, request_out):
    """Run a round whose send hangs (before or after its request went out), then stop it."""
    hanging = asyncio.Event()

    async def send(user_id, screen):
        if request_out:
            request_started()
        hanging.set()
        await asyncio.sleep(3600)
        return True

    task = asyncio.create_task(deliver_due(storage, send, UTC_6TH_MARCH))
    await asyncio.wait_for(hanging.wait(), 10)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    assert task.cancelled()


async def test_a_reminder_stopped_at_shutdown_before_its_request_is_released(storage):
    await users_with_due_reminders(storage, [8])
    await cancelled_mid_send(storage, request_out=False)
    sent = []

    async def send(user_id, screen):
        sent.append(user_id)
        return True

    assert (await deliver_due(storage, send, UTC_6TH_MARCH + timedelta(minutes=1))).sent == 1
    assert sent == [8]


async def test_a_reminder_stopped_after_its_request_went_out_is_maybe_sent(storage):
    await users_with_due_reminders(storage, [9])
    await cancelled_mid_send(storage, request_out=True)
    assert await outcomes(storage, [9]) == ["maybe_sent"]
    assert await storage.due_reminders(UTC_6TH_MARCH + CLAIM_LEASE * 2) == []


async def test_forbidden_marks_the_user_blocked_and_stops_all_their_reminders(storage):
    bot = await BotUnderTest.start(storage)
    try:
        await users_with_due_reminders(storage, [41, 42])
        assert await storage.set_reminder(42, SECOND, UTC_6TH_MARCH + timedelta(days=31))
        bot.recorder.blocked.add(42)
        send = telegram_sender(bot.application.bot)
        delivery = await deliver_due(storage, send, UTC_6TH_MARCH)
        assert (delivery.sent, delivery.unreachable) == (1, 1)
        assert await storage.blocked_at(42) == UTC_6TH_MARCH
        assert await storage.pending_reminders(42) == []  # the one due next month stopped too
        assert sorted(await outcomes(storage, [42])) == ["unreachable", "unreachable"]
        later = await deliver_due(storage, send, UTC_6TH_MARCH + timedelta(days=40))
        assert not later
        assert [int(c.params["chat_id"]) for c in sends(bot.recorder)] == [41, 42]
        # The user unblocks the bot and writes again: no longer marked.
        bot.recorder.blocked.discard(42)
        await bot.user(42).send("/help")
        assert await storage.blocked_at(42) is None
    finally:
        await bot.stop()
