"""QA 9: an old bill answers no "last 12 months" question; the found screen says why.

The bot runs on its real clock here (as in production): the 2024 bill is wholly before the last
12 months of any day from 2025-04-21 on, the year ``exports.recent_start`` builds is inside them.
"""

from __future__ import annotations

import pytest

from scoring.card import load_scorecard
from scoring.questions import QUESTION_BY_ID
from tests.bot.flows.test_bill import CONFIRM, Process, api, button, give, shown  # noqa: F401
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
