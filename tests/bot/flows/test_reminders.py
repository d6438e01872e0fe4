"""The "Remind me" button on an action's steps and ``/reminders``, through the real Application."""

from datetime import UTC, datetime

import pytest

from advice import ACTIONS
from advice.ranking import rank
from bot.callbacks import ReminderTap
from bot.flows.advice import ACTION_CODE, advisable
from bot.flows.reminders import due_message
from bot.storage import record_items
from scoring.card import load_scorecard
from scoring.questions import QUESTION_BY_ID
from tests.bot.telegram_testkit import BotUnderTest, answer_quick, plain, quick_answers

CARD = load_scorecard()
NOW = datetime(2025, 12, 20, 8, tzinfo=UTC)  # the next recompute is in January 2026
DUE = datetime(2026, 1, 6, 2, tzinfo=UTC)
RECORD = "✏️ Done it: record it"


@pytest.fixture
async def bot(storage):
    """The Application on a fixed clock (the reminder dates must not depend on today)."""
    started = await BotUnderTest.start(storage, clock=lambda: NOW)
    yield started
    await started.stop()
    assert not started.errors, started.errors


async def open_top_action(user, storage, lang="en"):
    await answer_quick(user, picks={"huabei": 0}, lang=lang)
    await user.send("/advice")
    top = rank(CARD, advisable(await storage.answers(user.id))).actions[0]
    calls = await user.tap(f"1. {top.action.title(lang)} ›")
    return top, calls[-1]


def cancels(call):
    """The labels of a reminder list's buttons that cancel an action's reminder."""
    return [label for label in call.labels if label.startswith("🔕")]


async def pending(storage, user):
    return [(p.action_id, p.due_at) for p in await storage.pending_reminders(user.id) if ":" not in p.action_id]


async def test_remind_me_sets_it_for_the_next_6th_and_the_screen_shows_it(bot, storage):
    user = bot.user()
    top, steps = await open_top_action(user, storage)
    assert steps.labels == [RECORD, "⏰ Remind me", "‹ Back to the list"] and "Reminder set" not in steps.text
    calls = await user.tap("⏰ Remind me")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert calls[0].params.get("text") is None  # no toast: it worked
    assert calls[1].params["message_id"] == steps.params["message_id"]
    assert "Reminder set for 6 January 2026, 10:00 (China time)" in plain(calls[1].text)
    assert top.action.title("en") in calls[1].text
    assert calls[1].labels == [RECORD, "🔕 Cancel the reminder", "‹ Back to the list"]
    assert await pending(storage, user) == [(top.id, DUE)]

    # Back to the list and in again: still set.
    await user.tap("‹ Back to the list")
    again = await user.tap(f"1. {top.action.title('en')} ›")
    assert "Reminder set for 6 January 2026" in plain(again[1].text)

    cancelled = await user.tap("🔕 Cancel the reminder")
    assert "Reminder set" not in cancelled[1].text and cancelled[1].labels[1] == "⏰ Remind me"
    assert await pending(storage, user) == []


async def test_an_old_remind_button_changes_nothing_and_says_it_expired(bot, storage):
    user = bot.user()
    top, steps = await open_top_action(user, storage)
    message_id = steps.result["message_id"]
    set_data = ReminderTap(ACTION_CODE[top.id], True).data()
    await user.press(message_id, set_data)
    before = await pending(storage, user)
    calls = await user.press(message_id, set_data)  # the same "Remind me" again (an old message, a double tap)
    assert calls[0].params["text"] == "This button has expired."
    assert await pending(storage, user) == before and len(before) == 1
    await user.tap("🔕 Cancel the reminder")
    calls = await user.press(message_id, ReminderTap(ACTION_CODE[top.id], False).data())
    assert calls[0].params["text"] == "This button has expired." and await pending(storage, user) == []


async def test_the_reminder_list_cancels_one_and_an_old_cancel_button_is_stale(bot, storage):
    user = bot.user()
    top, steps = await open_top_action(user, storage)
    await user.tap("⏰ Remind me")
    other = next(a for a in ACTIONS if a.id != top.id)
    await user.press(steps.result["message_id"], ReminderTap(ACTION_CODE[other.id], True).data())
    listing = await user.send("/reminders")
    text = plain(listing[0].text)
    assert f"1. {top.action.title('en')}: 6 January 2026, 10:00 (China time)" in text
    assert f"2. {other.title('en')}: 6 January 2026" in text
    assert cancels(listing[0]) == [f"🔕 1. {top.action.title('en')}", f"🔕 2. {other.title('en')}"]
    calls = await user.tap(f"🔕 1. {top.action.title('en')}")
    assert calls[1].method == "editMessageText" and calls[1].params["message_id"] == listing[0].result["message_id"]
    assert cancels(calls[1]) == [f"🔕 1. {other.title('en')}"]
    assert await pending(storage, user) == [(other.id, DUE)]
    # The first message's old "cancel" button: already cancelled, so nothing happens.
    cancel_top = next(data for row in listing[0].buttons for label, data in row if label.startswith("🔕 1."))
    stale = await user.press(listing[0].result["message_id"], cancel_top)
    assert stale[0].params["text"] == "This button has expired." and await pending(storage, user) == [(other.id, DUE)]
    calls = await user.tap(f"🔕 1. {other.title('en')}")
    assert "To be reminded of an action" in calls[1].text and not cancels(calls[1])
    assert await pending(storage, user) == []


async def test_reminders_without_any(bot):
    calls = await bot.user().send("/reminders")
    assert "No reminders yet" in calls[0].text and "/advice" in calls[0].text
    assert calls[0].labels == ["+ Huabei (the 9th, 10:00)", "+ Monthly check-in (the 7th)"]


@pytest.mark.parametrize("data", ["r:99:1", "r:0:2", "r:0:1x", "r::1", "r:0:X", "r:-1:1", "r:0"])
async def test_forged_reminder_data_changes_nothing(bot, storage, data):
    user = bot.user()
    _, steps = await open_top_action(user, storage)
    before = await storage.count_rows(user.id)
    calls = await user.press(steps.result["message_id"], data)
    assert calls[0].params["text"] == "Unknown button."
    assert await storage.count_rows(user.id) == before and await pending(storage, user) == []


async def test_a_remind_button_after_forget_sets_nothing(bot, storage):
    user = bot.user()
    top, steps = await open_top_action(user, storage)
    await user.send("/forget")
    await user.tap("🗑 Yes, delete everything")
    calls = await user.press(steps.result["message_id"], ReminderTap(ACTION_CODE[top.id], True).data())
    assert "/start" in calls[-1].text and await pending(storage, user) == []


async def test_reminders_in_chinese(bot, storage):
    user = bot.user(language_code="zh-CN")
    top, steps = await open_top_action(user, storage, lang="zh")
    assert steps.labels[:2] == ["✏️ 已做到：记录下来", "⏰ 提醒我"]
    calls = await user.tap("⏰ 提醒我")
    assert "已设提醒：2026年1月6日 10:00（北京时间）" in plain(calls[1].text)
    listing = await user.send("/reminders")
    assert "你的提醒" in listing[0].text and top.action.title("zh") in listing[0].text


async def test_a_berlin_user_is_reminded_at_10_berlin_time_and_reads_it_so(bot, storage):
    """In winter Berlin is UTC+1: 10:00 there on 6 January is 09:00 UTC (17:00 in China)."""
    user = bot.user()
    await user.send("/timezone Europe/Berlin")
    top, _ = await open_top_action(user, storage)
    calls = await user.tap("⏰ Remind me")
    assert "Reminder set for 6 January 2026, 10:00 (Europe/Berlin time)" in plain(calls[1].text)
    assert await pending(storage, user) == [(top.id, datetime(2026, 1, 6, 9, tzinfo=UTC))]
    listing = await user.send("/reminders")
    assert f"1. {top.action.title('en')}: 6 January 2026, 10:00 (Europe/Berlin time)" in plain(listing[0].text)


async def test_a_tokyo_user_reads_it_in_chinese_with_the_zone_named(bot, storage):
    user = bot.user(language_code="zh-CN")
    await user.send("/timezone Asia/Tokyo")
    top, _ = await open_top_action(user, storage, lang="zh")
    calls = await user.tap("⏰ 提醒我")
    assert "已设提醒：2026年1月6日 10:00（Asia/Tokyo 时间）" in plain(calls[1].text)
    assert await pending(storage, user) == [(top.id, datetime(2026, 1, 6, 1, tzinfo=UTC))]  # 09:00 in China


async def test_a_reminder_set_before_a_zone_change_keeps_its_moment_shown_in_the_new_zone(bot, storage):
    user = bot.user()
    top, _ = await open_top_action(user, storage)
    await user.tap("⏰ Remind me")
    await user.send("/timezone America/Los_Angeles")
    listing = await user.send("/reminders")
    # 10:00 on the 6th in China is 18:00 on the 5th in Los Angeles: the stored moment, not moved.
    assert f"1. {top.action.title('en')}: 5 January 2026, 18:00 (America/Los_Angeles time)" in plain(listing[0].text)
    assert await pending(storage, user) == [(top.id, DUE)]


async def test_reminders_and_remind_list_every_kind_in_one_screen(bot, storage):
    user = bot.user()
    top, _ = await open_top_action(user, storage)
    await user.tap("⏰ Remind me")
    await user.send("/remind huabei 9 20:00")
    answers = await storage.answers(user.id)  # a card to be reminded of (the quick check said none)
    await storage.replace_answers(user.id, {**answers, "credit_cards": "one_two"}, "button")
    await user.send("/remind card 20 21:30")
    listing = await user.send("/reminders")
    text = plain(listing[0].text)
    for kind in (
        "Monthly check-in",
        "Huabei repayment: the 9th at 20:00",
        "Credit card 1 repayment: the 20th at 21:30",
    ):
        assert kind in text, kind
    assert f"{top.action.title('en')}: 6 January 2026, 10:00 (China time)" in text
    assert "no reminders" not in text.lower()
    assert {"⏸ Pause Huabei", f"🔕 1. {top.action.title('en')}"} <= set(listing[0].labels)
    # /remind without arguments is the same list.
    remind = await user.send("/remind")
    assert plain(remind[0].text) == text and remind[0].labels == listing[0].labels


async def test_a_due_reminder_offers_to_record_an_answer_the_user_can_change_and_never_a_fact(storage):
    await storage.ensure_user(4, "en")
    answers = {**quick_answers({"huabei": 2, "income": 2, "provident_fund": 0}), "phone_years": "lt1"}
    await storage.replace_answers(4, answers, "button")
    # Same phone number everywhere already: only waiting ages it, a fact, never advised: withdrawn.
    assert await due_message(storage, 4, "stable_phone") is None
    # A record-if-true item the user said they have is still worth the reminder, recorded by its answer.
    await record_items.set_owned(storage, 4, "provident_fund", True)
    fund = await due_message(storage, 4, "add_provident_fund")
    assert fund is not None and fund.keyboard[0][0].label == RECORD
    assert f"your answer changes “{QUESTION_BY_ID['provident_fund'].prompt('en')}” Not yet → Yes, authorised" in plain(
        fund.text
    )
