"""Reminders: the next-6th rule, storage, and delivery that is exactly-once across processes.

Delivery runs on both databases; two "processes" are two engines on the same database. Only the
Telegram network is stood in for (the recorder of ``telegram_testkit``), so a user who blocked
the bot is a real 403 turned into ``Forbidden`` by python-telegram-bot.
"""

import asyncio
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from advice import ACTIONS
from bot.advisor import Advisor
from bot.application import DELIVERY_TASK, build_application
from bot.chat import CHAT_USER_ID, TerminalChat
from bot.flows.reminders import due_message
from bot.flows.session import Who
from bot.handlers.reminder_sender import telegram_sender
from bot.reminder_delivery import GIVE_UP_AFTER, KEEP_SENT, deliver_due
from bot.reminder_schedule import due_view, next_recompute
from bot.storage import Snapshot
from bot.storage.repository import CLAIM_LEASE
from bot.storage.tables import Reminder
from scoring.questions import QUICK_IDS
from templates import render
from tests.bot.telegram_testkit import TOKEN, BotUnderTest, RecordingRequest, plain

UTC_6TH_MARCH = datetime(2025, 3, 6, 2, tzinfo=UTC)  # 6 March 2025, 10:00 in Shanghai
TITLE = {a.id: a.title for a in ACTIONS}
FIRST, SECOND = ACTIONS[0].id, ACTIONS[1].id


# ---- the date rule ---------------------------------------------------------------------
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (datetime(2025, 3, 1, 1, tzinfo=UTC), UTC_6TH_MARCH),
        (datetime(2025, 2, 6, 2, 0, 1, tzinfo=UTC), UTC_6TH_MARCH),  # just after February's
        (datetime(2025, 3, 6, 3, tzinfo=UTC), datetime(2025, 4, 6, 2, tzinfo=UTC)),  # month rollover
        (datetime(2025, 12, 20, tzinfo=UTC), datetime(2026, 1, 6, 2, tzinfo=UTC)),  # year rollover
        (datetime(2025, 12, 5, 20, tzinfo=UTC), datetime(2026, 1, 6, 2, tzinfo=UTC)),  # 6 Dec is 6 h away
        (UTC_6TH_MARCH - timedelta(days=1), UTC_6TH_MARCH),  # exactly a day away still counts
        (UTC_6TH_MARCH - timedelta(days=1) + timedelta(microseconds=1), datetime(2025, 4, 6, 2, tzinfo=UTC)),
        # 17:00 UTC on the 5th is already 01:00 on the 6th in China: that 6th is too close
        (datetime(2025, 3, 5, 17, tzinfo=UTC), datetime(2025, 4, 6, 2, tzinfo=UTC)),
    ],
)
def test_in_china_the_next_6th_at_10_at_least_a_day_away(now, due):
    assert next_recompute(now, "Asia/Shanghai") == due
    assert next_recompute(now.astimezone(SHANGHAI), "Asia/Shanghai") == due  # any timezone, same moment


@pytest.mark.parametrize(
    ("zone", "now", "due"),
    [
        # Berlin in summer (UTC+2) and in winter (UTC+1): 10:00 there, 16:00 / 17:00 in China.
        ("Europe/Berlin", datetime(2025, 6, 20, 12, tzinfo=UTC), datetime(2025, 7, 6, 8, tzinfo=UTC)),
        ("Europe/Berlin", datetime(2025, 11, 20, 12, tzinfo=UTC), datetime(2025, 12, 6, 9, tzinfo=UTC)),
        # 10:00 on the 5th in Berlin: the 6th at 10:00 is exactly a day away, across no clock change.
        ("Europe/Berlin", datetime(2025, 3, 5, 9, tzinfo=UTC), datetime(2025, 3, 6, 9, tzinfo=UTC)),
        # A second later it is too close; April's comes after the clocks went forward (30 March).
        ("Europe/Berlin", datetime(2025, 3, 5, 9, 0, 1, tzinfo=UTC), datetime(2025, 4, 6, 8, tzinfo=UTC)),
        # Los Angeles: 20:00 on the 5th in China, 04:00 on the 5th there. China's 6th is too close;
        # theirs, 30 hours away, is not (10:00 PST is 02:00 on the 7th in China).
        ("America/Los_Angeles", datetime(2025, 3, 5, 12, tzinfo=UTC), datetime(2025, 3, 6, 18, tzinfo=UTC)),
        # New Year's Eve in Los Angeles is already 1 January in China: January's 6th either way.
        ("America/Los_Angeles", datetime(2026, 1, 1, 4, tzinfo=UTC), datetime(2026, 1, 6, 18, tzinfo=UTC)),
        # 31 January, late, in Los Angeles (1 February in UTC and China): February's 6th, in PST.
        ("America/Los_Angeles", datetime(2025, 2, 1, 7, tzinfo=UTC), datetime(2025, 2, 6, 18, tzinfo=UTC)),
        # Tokyo, an hour ahead of China: 10:00 there is 09:00 in China, on the 6th, not the 7th.
        ("Asia/Tokyo", datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 3, 6, 1, tzinfo=UTC)),
        ("Asia/Tokyo", datetime(2025, 12, 31, 16, tzinfo=UTC), datetime(2026, 1, 6, 1, tzinfo=UTC)),  # 1 January
        # 29 February 2028 (a leap day) in Tokyo: March's 6th.
        ("Asia/Tokyo", datetime(2028, 2, 29, 3, tzinfo=UTC), datetime(2028, 3, 6, 1, tzinfo=UTC)),
    ],
)
def test_elsewhere_the_users_own_6th_at_10(zone, now, due):
    assert next_recompute(now, zone) == due
    local = due.astimezone(ZoneInfo(zone))
    assert (local.day, local.hour, local.minute) == (6, 10, 0)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        next_recompute(datetime(2025, 3, 1), "Asia/Shanghai")


ZONES = sorted(z for z in available_timezones() if "/" in z)
"""Every IANA zone the system knows (the region/city names ``/timezone`` accepts)."""


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),
    st.sampled_from(ZONES),
)
def test_the_due_moment_is_the_first_local_6th_far_enough_and_after_the_6th_began_in_china(now, zone):
    due = next_recompute(now, zone)
    local = due.astimezone(ZoneInfo(zone))
    assert (local.day, local.hour, local.minute, local.second) == (6, 10, 0, 0)
    assert due - now >= timedelta(days=1)
    year, month = (local.year - 1, 12) if local.month == 1 else (local.year, local.month - 1)
    previous = datetime(year, month, 6, 10, tzinfo=ZoneInfo(zone))
    assert previous - now < timedelta(days=1)  # the 6th before it was too soon
    # Never before Sesame's recompute day has begun in China, and no later than the 7th's morning there.
    began, latest = datetime(local.year, local.month, 6, tzinfo=SHANGHAI), timedelta(days=1, hours=6)
    assert began <= due <= began + latest


@pytest.mark.parametrize(
    ("lang", "zone", "shown"),
    [
        ("en", "Asia/Shanghai", "6 July 2025, 16:00 (China time)"),
        ("zh", "Asia/Shanghai", "2025年7月6日 16:00（北京时间）"),
        ("en", "Europe/Berlin", "6 July 2025, 10:00 (Europe/Berlin time)"),
        ("zh", "Europe/Berlin", "2025年7月6日 10:00（Europe/Berlin 时间）"),
        ("en", "America/Los_Angeles", "6 July 2025, 01:00 (America/Los_Angeles time)"),
        ("zh", "Asia/Tokyo", "2025年7月6日 17:00（Asia/Tokyo 时间）"),
    ],
)
def test_the_due_moment_is_shown_in_the_users_zone_and_names_it(lang, zone, shown):
    due = datetime(2025, 7, 6, 8, tzinfo=UTC)  # 10:00 in Berlin (summer time)
    assert render(lang, "_due.txt.j2", due=due_view(due, zone)).strip() == shown


# ---- storage -----------------------------------------------------------------------------
async def test_one_pending_reminder_per_action_and_cancelling_it(storage):
    await storage.ensure_user(1, "en")
    assert await storage.set_reminder(1, FIRST, UTC_6TH_MARCH)
    assert not await storage.set_reminder(1, FIRST, UTC_6TH_MARCH + timedelta(days=31))
    assert await storage.set_reminder(1, SECOND, UTC_6TH_MARCH)
    assert [(p.action_id, p.due_at) for p in await storage.pending_reminders(1)] == [
        (FIRST, UTC_6TH_MARCH),
        (SECOND, UTC_6TH_MARCH),
    ]
    assert await storage.cancel_reminder(1, SECOND)
    assert not await storage.cancel_reminder(1, SECOND)
    # Once sent, it is no longer pending: the same action may be reminded of again.
    [due] = await storage.due_reminders(UTC_6TH_MARCH)
    assert await storage.claim_reminder(due.id, UTC_6TH_MARCH)
    assert await storage.finish_reminder(due.id, UTC_6TH_MARCH, "sent", UTC_6TH_MARCH)
    assert not await storage.cancel_reminder(1, FIRST)  # a sent reminder is not "cancelled"
    assert await storage.set_reminder(1, FIRST, UTC_6TH_MARCH + timedelta(days=31))
    assert (await storage.count_rows(1))["reminders"] == 2


async def test_due_means_unsent_and_not_in_the_future_and_telegram_users_only(storage):
    for user in (CHAT_USER_ID, 1, 2):
        await storage.ensure_user(user, "en")
    await storage.set_reminder(CHAT_USER_ID, FIRST, UTC_6TH_MARCH)
    await storage.set_reminder(1, FIRST, UTC_6TH_MARCH)
    await storage.set_reminder(2, FIRST, UTC_6TH_MARCH + timedelta(seconds=1))
    assert await storage.due_reminders(UTC_6TH_MARCH - timedelta(seconds=1)) == []
    assert [d.user_id for d in await storage.due_reminders(UTC_6TH_MARCH)] == [1]
    assert [d.user_id for d in await storage.due_reminders(UTC_6TH_MARCH, user_id=CHAT_USER_ID)] == [CHAT_USER_ID]
    assert [d.user_id for d in await storage.due_reminders(UTC_6TH_MARCH + timedelta(days=1))] == [1, 2]


async def test_a_claim_succeeds_once_across_two_engines(database, storage):
    await storage.ensure_user(1, "en")
    await storage.set_reminder(1, FIRST, UTC_6TH_MARCH)
    [due] = await storage.due_reminders(UTC_6TH_MARCH)
    other = await database.open()  # a second process
    try:
        assert await other.claim_reminder(due.id, UTC_6TH_MARCH)
        assert not await storage.claim_reminder(due.id, UTC_6TH_MARCH)
        soon = UTC_6TH_MARCH + CLAIM_LEASE / 2
        assert await storage.due_reminders(soon) == [] and not await storage.claim_reminder(due.id, soon)
    finally:
        await other.close()


async def test_sent_reminders_are_pruned_after_a_while(storage):
    await storage.ensure_user(1, "en")
    await storage.set_reminder(1, FIRST, UTC_6TH_MARCH)
    await storage.set_reminder(1, SECOND, UTC_6TH_MARCH + timedelta(days=31))
    [due] = await storage.due_reminders(UTC_6TH_MARCH)
    await storage.claim_reminder(due.id, UTC_6TH_MARCH)
    await storage.finish_reminder(due.id, UTC_6TH_MARCH, "sent", UTC_6TH_MARCH)
    assert await storage.prune_reminders(UTC_6TH_MARCH) == 0
    assert await storage.prune_reminders(UTC_6TH_MARCH + timedelta(seconds=1)) == 1
    assert [p.action_id for p in await storage.pending_reminders(1)] == [SECOND]  # pending ones stay


# ---- delivery ----------------------------------------------------------------------------
class Outbox:
    """A ``Send`` that keeps what it was given."""

    def __init__(self, gate: asyncio.Event | None = None, opens: asyncio.Event | None = None):
        self.sent: list[tuple[int, str]] = []
        self.gate, self.opens = gate, opens

    async def __call__(self, user_id, screen):
        self.sent.append((user_id, plain(screen.text)))
        if self.opens is not None:
            self.opens.set()
        if self.gate is not None:
            await asyncio.wait_for(self.gate.wait(), timeout=10)
        return True


async def users_with_due_reminders(storage, users, action_id=FIRST, language="en"):
    for user in users:
        await storage.ensure_user(user, language)
        assert await storage.set_reminder(user, action_id, UTC_6TH_MARCH)


async def test_two_processes_delivering_at_once_send_each_reminder_exactly_once(database, storage):
    users = list(range(1, 7))
    await users_with_due_reminders(storage, users)
    other = await database.open()
    try:
        # Process A pauses inside its first send until B has sent one: the rounds must overlap.
        b_sent = asyncio.Event()
        a, b = Outbox(gate=b_sent), Outbox(opens=b_sent)
        now = UTC_6TH_MARCH + timedelta(minutes=1)
        # One send at a time in each round, so the pause above makes the rounds interleave.
        first, second = await asyncio.gather(
            deliver_due(storage, a, now, concurrency=1), deliver_due(other, b, now, concurrency=1)
        )
        recipients = [user for user, _ in a.sent + b.sent]
        assert sorted(recipients) == users  # everyone once, nobody twice
        assert a.sent and b.sent and first.taken + second.taken > 0  # both rounds saw the reminders
        assert first.sent + second.sent == len(users)
        again = Outbox()
        assert not await deliver_due(other, again, now + timedelta(hours=1)) and again.sent == []
    finally:
        await other.close()


async def test_the_message_names_the_action_and_shows_the_last_estimate_with_the_disclaimer(storage):
    await users_with_due_reminders(storage, [1], language="zh")
    await users_with_due_reminders(storage, [2], language="en")
    await storage.add_snapshot(2, Snapshot(612, "good", 560, 660, {"credit_history": 60}, "v1", UTC_6TH_MARCH))
    outbox = Outbox()
    delivery = await deliver_due(storage, outbox, UTC_6TH_MARCH)
    assert delivery.sent == 2
    texts = dict(outbox.sent)
    assert TITLE[FIRST]("zh") in texts[1] and "/score" in texts[1]
    assert render("zh", "_disclaimer.txt.j2") not in texts[1]  # no estimate shown, so no disclaimer
    assert TITLE[FIRST]("en") in texts[2] and "/score" in texts[2] and "612" in texts[2]
    assert render("en", "_disclaimer.txt.j2", brief_disclaimer=True) in texts[2]  # short: estimates came before


async def test_a_user_who_blocked_the_bot_is_handled_and_the_others_still_get_theirs(storage):
    bot = await BotUnderTest.start(storage)
    try:
        await users_with_due_reminders(storage, [41, 42, 43])
        bot.recorder.blocked.add(42)
        send = telegram_sender(bot.application.bot)
        delivery = await deliver_due(storage, send, UTC_6TH_MARCH)
        assert (delivery.sent, delivery.unreachable, delivery.failed) == (2, 1, 0)
        messages = [c for c in bot.recorder.calls if c.method == "sendMessage"]
        assert sorted((int(c.params["chat_id"]), c.ok) for c in messages) == [(41, True), (42, False), (43, True)]
        assert TITLE[FIRST]("en") in plain(messages[0].text)
        assert messages[0].labels == ["📊 My score", "💡 How to raise it"]
        # The blocked user's reminder counts as handled: the next round sends nothing.
        later = await deliver_due(storage, send, UTC_6TH_MARCH + timedelta(minutes=1))
        assert not later and len([c for c in bot.recorder.calls if c.method == "sendMessage"]) == 3
        # A tap on the reminder's buttons works like the commands.
        score = await bot.user(41).tap("📊 My score")
        assert "/start" in score[-1].text  # no answers yet
    finally:
        await bot.stop()
    assert not bot.errors


async def test_a_passing_failure_is_tried_again_and_given_up_once_stale(storage, caplog):
    await users_with_due_reminders(storage, [7])

    async def broken(user_id, screen):
        raise ConnectionError("https://api.telegram.org/bot123:SECRET/sendMessage unreachable")

    delivery = await deliver_due(storage, broken, UTC_6TH_MARCH)
    assert delivery.failed == 1 and len(await storage.due_reminders(UTC_6TH_MARCH)) == 1  # released
    assert "SECRET" not in caplog.text and "ConnectionError" in caplog.text
    outbox = Outbox()
    assert (await deliver_due(storage, outbox, UTC_6TH_MARCH + timedelta(minutes=1))).sent == 1
    assert [user for user, _ in outbox.sent] == [7]

    await storage.set_reminder(7, SECOND, UTC_6TH_MARCH)
    late = UTC_6TH_MARCH + GIVE_UP_AFTER
    assert (await deliver_due(storage, broken, late)).dropped == 1
    assert await storage.due_reminders(late) == []


async def test_an_action_gone_from_the_catalogue_is_dropped_and_old_sent_ones_pruned(storage):
    await users_with_due_reminders(storage, [8, 9])
    async with storage.sessions.begin() as session:
        await session.execute(update(Reminder).where(Reminder.user_id == 8).values(action_id="retired_action"))
    outbox = Outbox()
    delivery = await deliver_due(storage, outbox, UTC_6TH_MARCH)
    assert (delivery.sent, delivery.dropped) == (1, 1) and [u for u, _ in outbox.sent] == [9]
    assert (await storage.count_rows())["reminders"] == 2
    # A user deleted between the claim and the message (a /forget elsewhere) is not brought back.
    assert await due_message(storage, 404, FIRST) is None
    assert (await storage.count_rows(404))["users"] == 0
    await deliver_due(storage, outbox, UTC_6TH_MARCH + KEEP_SENT + timedelta(seconds=1))
    assert (await storage.count_rows())["reminders"] == 0


async def test_the_application_runs_the_delivery_and_stops_it(storage):
    await users_with_due_reminders(storage, [51])
    recorder = RecordingRequest()
    advisor = Advisor(storage, clock=lambda: UTC_6TH_MARCH)
    application = build_application(
        TOKEN, advisor=advisor, request=recorder, updates_request=recorder, remind_every=0.05
    )
    await application.initialize()
    await application.post_init(application)
    try:
        task = application.bot_data[DELIVERY_TASK]
        for _ in range(200):
            if any(c.method == "sendMessage" for c in recorder.calls):
                break
            await asyncio.sleep(0.05)
        sent = [c for c in recorder.calls if c.method == "sendMessage"]
        assert [int(c.params["chat_id"]) for c in sent] == [51]
        await asyncio.sleep(0.2)  # later rounds find nothing more
        assert len([c for c in recorder.calls if c.method == "sendMessage"]) == 1
    finally:
        await application.post_stop(application)
        await application.shutdown()
    assert task.cancelled() and DELIVERY_TASK not in application.bot_data


# ---- the terminal chat -------------------------------------------------------------------
async def test_the_chat_offers_the_button_and_prints_due_reminders_on_start(tmp_path, storage):
    def chat_at(moment):
        out = io.StringIO()
        advisor = Advisor(storage, channel="chat", clock=lambda: moment)
        return TerminalChat(advisor, Who(CHAT_USER_ID, "en"), out, tmp_path), out

    chat, out = chat_at(datetime(2025, 3, 1, tzinfo=UTC))
    await chat.begin()
    for _ in QUICK_IDS:
        await chat.handle("2")
    await chat.handle("/advice")
    first_action = chat.buttons[0].label
    await chat.handle("1")
    assert "⏰ Remind me" in out.getvalue()
    await chat.handle(str(next(n for n, b in enumerate(chat.buttons, 1) if b.label == "⏰ Remind me")))
    assert "Reminder set for 6 March 2025, 10:00 (China time)" in out.getvalue()
    await chat.handle("/reminders")
    assert "Your reminders" in out.getvalue()
    # A Telegram user's reminder in the same database is not the terminal's to print.
    await users_with_due_reminders(storage, [61])

    early, early_out = chat_at(datetime(2025, 3, 5, tzinfo=UTC))
    await early.begin()
    assert "Reminder:" not in early_out.getvalue()
    later, later_out = chat_at(datetime(2025, 3, 6, 3, tzinfo=UTC))
    await later.begin()
    text = later_out.getvalue()
    title = first_action.split(". ", 1)[1].rstrip(" ›")
    assert f"Reminder: {title}" in text and text.index("Reminder:") < text.index("Welcome back")
    assert [p for p in await storage.pending_reminders(CHAT_USER_ID) if ":" not in p.action_id] == []  # check-ins stay
    assert [d.user_id for d in await storage.due_reminders(datetime(2025, 3, 6, 3, tzinfo=UTC))] == [61]
