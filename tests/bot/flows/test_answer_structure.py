"""Issue 7 in the bot: the dialog never asks what an earlier answer settles, and the profile stays consistent.

Each test runs on SQLite and on PostgreSQL (the ``storage`` fixture behind ``bot``).
"""

import re

import pytest
from sqlalchemy import select

from advice import ACTION_BY_ID
from advice.ranking import rank
from bot.progress import advisable
from bot.storage.tables import StoredAnswer
from scoring.card import load_scorecard
from scoring.questions import QUESTION_BY_ID, QUESTIONS, QUICK_IDS
from scoring.structure import contradictions, implied_answers
from tests.bot.telegram_testkit import answer_quick, plain, quick_answers

CARD = load_scorecard()
PROGRESS = re.compile(r"(Quick check|Full profile) · (\d+)/(\d+)")
#: Actions that add or use credit cards: never for a person who has none and cannot take on credit.
CARD_ACTIONS = {"card_on_time", "credit_cards_3_5", "first_card", "import_card_bills"}


def asked(calls):
    """The questions a reply asks (with their progress line), from the answer buttons' data."""
    found = []
    for call in calls:
        if call.method != "sendMessage":
            continue
        data = [d for row in call.buttons for _, d in row if d.startswith("a:")]
        if data:
            question = QUESTIONS[int(data[0].split(":")[1])]
            match = PROGRESS.search(plain(call.text))
            found.append((question.id, match.groups() if match else None))
    return found


async def play(user, pick, first):
    """Answer every question asked, from the replies ``first``, with ``pick(question)``; returns what was asked."""
    calls, seen = first, []
    while questions := asked(calls):
        question_id, progress = questions[-1]
        seen.append((question_id, progress))
        question = QUESTION_BY_ID[question_id]
        calls = await user.tap(question.choices[pick(question)].en)
    return seen


async def test_no_cards_never_asks_card_repayment_or_card_bills_and_the_profile_shows_them_implied(bot, storage):
    user = bot.user()
    picks = {"credit_cards": QUESTION_BY_ID["credit_cards"].levels.index("none")}
    seen = await play(user, lambda q: picks.get(q.id, 1), await user.send("/start"))
    seen += await play(user, lambda q: picks.get(q.id, 1), await user.send("/full"))
    ids = [qid for qid, _ in seen]
    assert "card_repayment" not in ids and "card_bills" not in ids
    assert len(ids) == len(set(ids)) == len(QUESTIONS) - 2
    # The counts stay truthful: the quick check is one shorter, the full profile two, both end at n/n.
    quick = [p for _, p in seen if p[0] == "Quick check"]
    full = [p for _, p in seen if p[0] == "Full profile"]
    # Until "no credit card" the check counts the card repayment question; from then on it does not.
    cards = ids.index("credit_cards")
    assert [int(p[1]) for p in quick] == list(range(1, len(QUICK_IDS)))
    assert [int(p[2]) for p in quick] == [len(QUICK_IDS)] * (cards + 1) + [len(QUICK_IDS) - 1] * (
        len(quick) - cards - 1
    )
    assert full[-1][1:] == (str(len(QUESTIONS) - 2), str(len(QUESTIONS) - 2))
    stored = await storage.answers(user.id)
    assert "card_repayment" not in stored and "card_bills" not in stored  # implied answers are derived, not stored
    text = plain((await user.send("/profile"))[0].text)
    repayment = QUESTION_BY_ID["card_repayment"]
    bills = QUESTION_BY_ID["card_bills"]
    assert f"{repayment.en} I have no cards (implied, from: No credit card yet)" in text
    assert f"{bills.en} Not bound (implied, from: No credit card yet)" in text
    # The settled questions count nowhere: every question left to answer is answered.
    assert f"({len(stored)} of {len(QUESTIONS) - 2}, 2 implied by them)" in text


async def test_no_living_bills_never_asks_the_bill_address(bot, storage):
    user = bot.user()
    await answer_quick(user, {"credit_cards": 2})
    seen = await play(user, lambda q: 0 if q.id == "living_bills" else 1, await user.send("/full"))
    ids = [qid for qid, _ in seen]
    assert "living_bills" in ids and "bill_address" not in ids
    assert (await storage.answers(user.id))["living_bills"] == 0
    text = plain((await user.send("/profile"))[0].text)
    assert "I pay no bills through Alipay (implied, from: No living bills paid through Alipay)" in text


async def test_the_quick_check_in_chinese_counts_without_the_settled_question(bot, storage):
    user = bot.user(language_code="zh")
    calls = await answer_quick(user, lang="zh")  # the second choice: no credit card
    assert "card_repayment" not in await storage.answers(user.id)
    done = [plain(c.text) for c in calls if c.method == "editMessageText"][-1]
    total = len(quick_answers())
    assert f"{total}/{total}" in done


async def test_changing_no_cards_to_one_or_two_drops_the_implied_answers_and_asks_them(bot, storage):
    user = bot.user()
    await answer_quick(user)  # no credit card
    before = await storage.answers(user.id)
    await user.send("/profile")
    calls = await user.tap(str(QUICK_IDS.index("credit_cards") + 1))
    assert "✓ None" in calls[-1].labels
    calls = await user.tap("1-2")
    # The answers "no cards" settled are open again: asked right away, the repayment record first,
    # without "I have no cards" (it contradicts 1-2 cards).
    assert asked(calls)[-1][0] == "card_repayment"
    assert not any("I have no cards" in label for label in calls[-1].labels)
    # Nothing is stored until the questions the change asks again are answered: all or nothing.
    assert await storage.answers(user.id) == before
    calls = await user.tap("Always on time")
    assert asked(calls)[-1][0] == "card_bills"
    calls = await user.tap("Bound, no statements")
    assert "Estimated Sesame score" in calls[-2].text
    answers = await storage.answers(user.id)
    assert answers["card_repayment"] == "always_on_time" and answers["card_bills"] == "bound"
    assert answers["credit_cards"] == "one_two" and not contradictions(answers)
    assert (await storage.dialog(user.id)).path is None


async def test_changing_to_no_cards_drops_the_card_answers_it_contradicts_in_one_step(bot, storage):
    user = bot.user()
    await answer_quick(user, {"credit_cards": 2, "card_repayment": 3})
    assert (await storage.answers(user.id))["card_repayment"] == "always_on_time"
    await user.send("/profile")
    await user.tap(str(QUICK_IDS.index("credit_cards") + 1))
    calls = await user.tap("None")
    assert "Estimated Sesame score" in calls[-2].text  # nothing else to ask
    answers = await storage.answers(user.id)
    assert answers["credit_cards"] == "none" and "card_repayment" not in answers
    assert implied_answers(answers)["card_repayment"] == "no_cards"


async def test_back_passes_over_a_settled_question(bot, storage):
    user = bot.user()
    await user.send("/start")
    for qid in QUICK_IDS[: QUICK_IDS.index("credit_cards")]:
        await user.tap(QUESTION_BY_ID[qid].choices[1].en)
    calls = await user.tap("None")
    assert asked(calls)[-1][0] == "shopping"  # card_repayment is settled, not asked
    calls = await user.send("/back")
    assert asked(calls)[-1][0] == "credit_cards"


async def test_the_first_option_quick_check_never_advises_cards(bot, storage):
    """Tapping the first option everywhere: no income, overdue now, 6+ cards often late; and the issue's
    crafted profile, the same with no card. Neither is told to get a card; the one without cards is
    told nothing about cards at all; clearing the overdue comes first."""
    fewer = QUESTION_BY_ID["credit_cards"].levels  # six_plus, none, one_two, three_five
    for picks in ({}, {"credit_cards": fewer.index("none")}):
        user = bot.user(user_id=555100 + len(picks))
        await answer_quick(user, {qid: picks.get(qid, 0) for qid in QUICK_IDS})
        answers = await storage.answers(user.id)
        assert not contradictions(answers)
        plan = rank(CARD, advisable(answers))
        assert plan.actions[0].id == "repay_overdue"
        for ranked in plan.actions:
            for change in ranked.changes:
                if change.question_id == "credit_cards":  # only ever fewer cards (6+ -> 3-5)
                    assert (change.before, change.after) == ("six_plus", "three_five")
        text = plain((await user.send("/advice"))[0].text)
        if answers["credit_cards"] == "none":
            advised = {r.id for r in plan.actions}
            assert not advised & CARD_ACTIONS, advised
            for action_id in CARD_ACTIONS:
                assert ACTION_BY_ID[action_id].title("en") not in text


async def test_contradictory_answers_stored_before_the_structure_are_handled(bot, storage):
    user = bot.user()
    await user.send("/help")  # the user exists
    async with storage.sessions.begin() as session:
        for qid, value in {"credit_cards": "none", "card_repayment": "often_late", "huabei": "on_time"}.items():
            session.add(StoredAnswer(user_id=user.id, question_id=qid, value=value, source="button"))
    for command in ("/score", "/advice", "/whatif", "/profile"):
        calls = await user.send(command)
        assert calls and "went wrong" not in plain(calls[0].text).lower(), command
    # Nothing the user said is lost until they change it.
    async with storage.sessions() as session:
        kept = set(await session.scalars(select(StoredAnswer.question_id).where(StoredAnswer.user_id == user.id)))
    assert kept == {"credit_cards", "card_repayment", "huabei"}


async def test_changing_an_implied_answer_drops_the_answer_it_contradicts_and_asks_it_again(bot, storage):
    user = bot.user()
    await answer_quick(user)  # no credit card: the repayment record is implied
    await user.send("/profile")
    calls = await user.tap(str(QUICK_IDS.index("card_repayment") + 1))
    assert "✓ I have no cards" in calls[-1].labels  # the implied answer shows as the current one
    calls = await user.tap("Always on time")
    # "No credit card" contradicts a repayment record: it is asked next (without "None"), and the
    # change waits for it: nothing is stored yet.
    assert asked(calls)[-1][0] == "credit_cards"
    assert "None" not in calls[-1].labels and "1-2" in calls[-1].labels
    assert (await storage.answers(user.id))["credit_cards"] == "none"
    calls = await user.tap("1-2")
    assert asked(calls)[-1][0] == "card_bills"  # "no credit card" had settled it too
    calls = await user.tap("Not bound")
    assert "Estimated Sesame score" in calls[-2].text
    answers = await storage.answers(user.id)
    assert answers["credit_cards"] == "one_two" and answers["card_bills"] == "none" and not contradictions(answers)


TEXTS = {
    "en": {
        "always": "Always on time",
        "cancel": "/cancel keep the old answer",
        "profile_cards": "How many credit cards do you hold? None",
        "one_two": "1-2",
        "no_cards": "I have no cards",
        "conflict": "⚠️ “I have no cards” does not fit your answer “1-2” to “How many credit cards do you hold?”, "
        "so it is not offered here. To change that answer, use /back or /profile.",
    },
    "zh": {
        "always": "一直按时",
        "cancel": "/cancel 取消修改",
        "profile_cards": "你有几张信用卡？ 没有",
        "one_two": "1-2张",
        "no_cards": "没有信用卡",
        "conflict": "⚠️ 「没有信用卡」和你对「你有几张信用卡？」的回答「1-2张」矛盾，所以这里没有这个选项。"
        "要改那个回答，可以用 /back 或 /profile。",
    },
}


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_cancel_while_a_change_asks_again_restores_the_old_answers(bot, storage, lang):
    """QA 2: /profile → 5 (implied by "no cards") → "Always on time" → /cancel changes nothing at all."""
    user = bot.user(language_code=lang)
    await answer_quick(user, lang=lang)  # no credit card
    before = (await storage.export(user.id))["answers"]
    score_before = plain((await user.send("/score"))[0].text)
    await user.send("/profile")
    await user.tap(str([q.id for q in QUESTIONS].index("card_repayment") + 1))
    calls = await user.tap(TEXTS[lang]["always"])
    assert asked(calls)[-1][0] == "credit_cards" and TEXTS[lang]["cancel"] in plain(calls[-1].text)
    assert QUESTION_BY_ID["credit_cards"].label("none", lang) not in calls[-1].labels
    await user.send("/cancel")
    assert (await storage.export(user.id))["answers"] == before
    assert TEXTS[lang]["profile_cards"] in plain((await user.send("/profile"))[0].text)
    score_after = plain((await user.send("/score"))[0].text)
    assert re.search(r"\d+", score_after)[0] == re.search(r"\d+", score_before)[0]


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_an_answer_an_earlier_one_rules_out_is_neither_shown_nor_taken(bot, storage, lang):
    """QA 3: after 1-2 cards, "no credit card" is no button, and typed it is refused with the reason."""
    user = bot.user(language_code=lang)
    calls = await user.send("/start")
    for qid in QUICK_IDS[: QUICK_IDS.index("credit_cards")]:
        calls = await user.tap(QUESTION_BY_ID[qid].choices[1].label(lang))
    calls = await user.tap(TEXTS[lang]["one_two"])
    assert asked(calls)[-1][0] == "card_repayment" and TEXTS[lang]["no_cards"] not in calls[-1].labels
    before = await storage.answers(user.id)
    calls = await user.send(TEXTS[lang]["no_cards"])
    text = plain(calls[-1].text)
    assert TEXTS[lang]["conflict"] in text and QUESTION_BY_ID["card_repayment"].prompt(lang) in text
    assert await storage.answers(user.id) == before


@pytest.mark.parametrize(
    ("lang", "hint", "answered"),
    [
        ("en", "You can also type the number itself: 4 means “3-5”.", "→ 3-5"),
        ("zh", "也可以直接输入数量，比如输入 4 就是「3-5张」。", "→ 3-5张"),
    ],
)
async def test_a_number_typed_at_the_card_count_is_the_number_of_cards(bot, storage, lang, hint, answered):
    """QA 7: "4" (cards) is "3-5", not the fourth button ("6 or more"); the question says so."""
    user = bot.user(language_code=lang)
    calls = await user.send("/start")
    for qid in QUICK_IDS[: QUICK_IDS.index("credit_cards")]:
        calls = await user.tap(QUESTION_BY_ID[qid].choices[1].label(lang))
    assert hint in plain(calls[-1].text)
    calls = await user.send("4")
    assert answered in plain(calls[0].text)
    assert (await storage.answers(user.id))["credit_cards"] == "three_five"
