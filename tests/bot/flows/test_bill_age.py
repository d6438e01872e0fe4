"""QA 9: an old bill answers no "last 12 months" question; the found screen says why.

The bot runs on its real clock here (as in production): the 2024 bill is wholly before the last
12 months of any day from 2025-04-21 on, the year ``exports.recent_start`` builds is inside them.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scoring.card import load_scorecard
from scoring.questions import QUESTION_BY_ID
from tests.bot.flows.test_bill import CONFIRM, Process, api, button, give, shown  # noqa: F401
from tests.bot.frozen_clock import FrozenClock
from tests.bot.telegram_testkit import BotUnderTest, plain
from tests.scoring.alipay_bill import exports

TROUBLE = exports.trouble()  # 2024-01-01 to 2024-04-20: late Huabei repayments in two months
OLD = exports.render(TROUBLE, "app_2023")


async def test_an_old_bill_leaves_huabei_as_answered_and_says_why(api, storage):  # noqa: F811
    before = {"huabei": "on_time", "charity": "never", "income": "stable"}
    await give(storage, api.user_id, before)
    async with Process(api, storage) as bot:
        calls = await bot.send_file(OLD)
        text = shown(calls)
        assert "2024-01-01 to 2024-04-20" in text
        assert "This bill ends on 2024-04-20, more than 12 months ago" in text
        assert "The other answers describe 2024-01-01 to 2024-04-20: check they still hold." in text
        assert "the bill has nothing from the last 12 months (it ends on 2024-04-20)" in text
        assert f"✏️ {QUESTION_BY_ID['charity'].prompt('en')}" in text  # a time-free answer is still offered
        assert "Late several times" not in text
        await bot.press(calls[-1].result["message_id"], button(calls[-1], CONFIRM))
    after = await storage.answers(api.user_id)
    assert after["huabei"] == "on_time" and after["charity"] == "sometimes"
    card = load_scorecard()
    assert card.score(after).score >= card.score(before).score  # QA: 669 -> 645 came from the old lateness


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_bill_in_the_last_12_months_still_answers_huabei(api, storage, lang):  # noqa: F811
    recent = exports.render(exports.active(exports.recent_start()), "app_2023")
    await storage.ensure_user(api.user_id, lang)
    async with Process(api, storage) as bot:
        text = shown(await bot.send_file(recent))
    assert QUESTION_BY_ID["huabei"].label("on_time", lang) in text
    assert "⚠️" not in text and "2024" not in text


# A bill whose last row, a late Huabei repayment, is on 30 November 2025: inside the last 12 months
# on 30 November 2026, outside them from 1 December 2026 on (the window then starts 2025-12-01).
EDGE_BILL = exports.render(
    [
        exports.meal(datetime(2025, 9, 3, 12), 32.0),
        exports.shop(datetime(2025, 10, 8, 20), "天猫", 199.0),
        exports.huabei_repay(datetime(2025, 11, 30, 10), 420.0, late=True),
    ],
    "app_2023",
)
OLD_TEXT = {
    "en": "This bill ends on 2025-11-30, more than 12 months ago",
    "zh": "这份账单最后一笔交易在 2025-11-30，距今已超过 12 个月",
}
PARTLY_TEXT = {
    "en": "Repayments count only from 2025-11-30 on",
    "zh": "还款情况只看 2025-11-30 以后的记录",
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    ("timezone", "moment", "local_day"),
    [
        # 00:30 on 1 December in Shanghai, still 30 November in UTC: the bill is a year old.
        ("Asia/Shanghai", datetime(2026, 11, 30, 16, 30, tzinfo=UTC), "2026-12-01"),
        # 22:00 on 30 November in New York, already 1 December in UTC: its last day still counts.
        ("America/New_York", datetime(2026, 12, 1, 3, 0, tzinfo=UTC), "2026-11-30"),
    ],
)
async def test_the_last_12_months_end_on_the_users_own_date(storage, lang, timezone, moment, local_day):
    bot = await BotUnderTest.start(storage, clock=FrozenClock(moment))
    try:
        user = bot.user(555004, lang)
        await user.send("/start")
        await storage.set_timezone(555004, timezone)
        text = plain((await user.send_document(EDGE_BILL, "alipay.csv"))[-1].text)
    finally:
        await bot.stop()
    assert bot.errors == []
    late = QUESTION_BY_ID["huabei"].label("late_once", lang)
    if local_day == "2026-12-01":  # the window starts 2025-12-01: the late repayment is before it
        assert OLD_TEXT[lang] in text and late not in text
    else:  # the window starts 2025-11-30: the late repayment on that day counts
        assert PARTLY_TEXT[lang] in text and late in text
