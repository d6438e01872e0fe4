"""Recorded conversations, one per language, that a reviewer can read.

The scripted user plays the whole product through the real Application (quick check with a
few mistakes, a typed answer and an ambiguous one, a skipped question resumed by ``/start``,
score, a free question leading to the advice, a reminder, what-if, a record-if-true item, the
full profile, profile edit, the reminder list, export, help, forget), on a fixed clock so the
reminder's date stays the same;
the transcript of what the user sent and what the bot showed, buttons included, must match
``tests/bot/transcripts/<lang>.txt``. Regenerate after an intended change with
``UPDATE_TRANSCRIPTS=1 python -m pytest tests/bot/test_transcripts.py``.
"""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from advice.ranking import rank
from bot.progress import advisable
from scoring.card import load_scorecard
from scoring.questions import QUESTION_BY_ID, QUESTIONS, QUICK_IDS
from scoring.structure import settled
from tests.bot.telegram_testkit import BotUnderTest

FOLDER = Path(__file__).parent / "transcripts"
#: The quick-check answers: a profile with something to fix (a late Huabei payment, no cards).
PICKS = {
    "account_age": 2,
    "huabei": 3,  # not used: a late record would stop the new credit the what-if below picks
    "loans": 2,
    "credit_cards": 1,
    "card_repayment": 2,
    "shopping": 2,
    "wealth": 1,
    "income": 2,
    "provident_fund": 0,
    "phone_consistent": 1,
}
BUTTONS = {
    "en": {
        "advice": "💡 How to raise it",
        "back": "‹ Back to the list",
        "keep": "Keep my data",
        "remind": "⏰ Remind me",
        "owned_yes": "Yes, I have it",
    },
    "zh": {
        "advice": "💡 怎样提分",
        "back": "‹ 返回列表",
        "keep": "保留我的数据",
        "remind": "⏰ 提醒我",
        "owned_yes": "我有",
    },
}
#: The moment the conversation happens: its reminder falls due on 6 March 2025, 10:00 China time.
NOW = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
MISTAKES = {"en": "I think about three years", "zh": "大概三年吧"}
AMBIGUOUS = {"en": "stab", "zh": "稳"}  # "Stable" and "Stable and high" / 稳定 and 稳定且较高
FREE_QUESTION = {"en": "How do I raise my score?", "zh": "芝麻分怎么提高？"}


def label(question_id, index, lang):
    return QUESTION_BY_ID[question_id].choices[index].label(lang)


async def play(storage, lang):
    bot = await BotUnderTest.start(storage, clock=lambda: NOW)
    user = bot.user(user_id=20250101, language_code="zh-hans" if lang == "zh" else "en-GB")
    await user.send("/start")
    first, second = QUICK_IDS[:2]
    await user.send(MISTAKES[lang])  # free text that is no answer
    await user.tap(label(first, 1, lang))
    await user.send("/back")
    await user.send(label(first, PICKS[first], lang))  # the answer typed, not tapped
    await user.send("/skip")  # the second question stays open until the check is resumed
    for qid in QUICK_IDS[2:]:
        if qid == "income":
            await user.send(AMBIGUOUS[lang])  # starts two answers: the bot asks which
            await user.send(label(qid, PICKS[qid], lang))
        elif not settled(qid, await storage.answers(user.id)):  # "no cards" settles the repayment record
            await user.tap(label(qid, PICKS[qid], lang))
    await user.send("/start")  # welcome back: the skipped question, at its own place
    await user.tap(label(second, PICKS[second], lang))
    await user.send(FREE_QUESTION[lang])  # a question in the user's words leads to the advice
    plan = rank(load_scorecard(), advisable(await storage.answers(user.id)))
    await user.tap(f"1. {plan.actions[0].action.title(lang)} ›")
    await user.tap(BUTTONS[lang]["remind"])
    await user.tap(BUTTONS[lang]["back"])
    await user.send("/whatif")
    await user.tap(f"☐ {plan.actions[0].action.title(lang)}")
    await user.tap(f"☐ {plan.actions[1].action.title(lang)}")
    await user.send("/advice")  # it asks once whether the provident fund (answered "not added") is there
    await user.tap(BUTTONS[lang]["owned_yes"])
    await user.send("/full")
    answers = await storage.answers(user.id)
    for question in [q for q in QUESTIONS if q.id not in QUICK_IDS and not settled(q.id, answers)][:3]:
        if question.kind == "number":
            await user.send("12")
            await user.send("3")
        else:
            await user.tap(question.choices[-1].label(lang))
    await user.send("/cancel")
    await user.send("/profile")
    await user.tap("2")
    await user.tap(label(second, 4, lang))
    await user.send("/reminders")
    await user.send("/export")
    await user.send("/help")
    await user.send("/forget")
    await user.tap(BUTTONS[lang]["keep"])
    await bot.stop()
    assert not bot.errors, bot.errors
    return "\n".join(bot.transcript).rstrip() + "\n"


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_recorded_conversation_matches(storage, database, lang):
    transcript = await play(storage, lang)
    fixture = FOLDER / f"{lang}.txt"
    if os.environ.get("UPDATE_TRANSCRIPTS") == "1" and database.backend == "sqlite":
        FOLDER.mkdir(exist_ok=True)
        fixture.write_text(transcript, encoding="utf-8")
    assert fixture.exists(), f"{fixture} is missing: run UPDATE_TRANSCRIPTS=1 python -m pytest {__file__}"
    assert transcript == fixture.read_text(encoding="utf-8"), (
        f"the {lang} conversation changed; if intended, regenerate with UPDATE_TRANSCRIPTS=1"
    )


def test_the_readme_shows_lines_of_the_recorded_conversation():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("## What a conversation looks like", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    recorded = set((FOLDER / "en.txt").read_text(encoding="utf-8").splitlines())
    shown = [line for line in block.strip().splitlines() if line and line != "..."]
    assert len(shown) > 20
    assert [line for line in shown if line not in recorded] == []
