"""``/profile``: every answer, and changing any one of them."""

from scoring.questions import QUESTION_BY_ID, QUESTIONS, QUICK_IDS
from tests.bot.telegram_testkit import answer_quick, plain


async def test_profile_lists_every_question_with_its_answer_and_a_button(bot, storage):
    user = bot.user()
    await answer_quick(user)
    calls = await user.send("/profile")
    text = plain(calls[0].text)
    assert f"({len(QUICK_IDS)} of {len(QUESTIONS)})" in text
    for number, question in enumerate(QUESTIONS, start=1):
        assert f"{number}. {question.en}" in text
    assert QUESTION_BY_ID[QUICK_IDS[0]].choices[1].en in text and "not answered" in text
    assert calls[0].labels == [str(n) for n in range(1, len(QUESTIONS) + 1)]


async def test_changing_one_answer_stores_it_as_a_profile_edit_and_shows_the_new_score(bot, storage):
    user = bot.user()
    await answer_quick(user)
    await user.send("/profile")
    question = QUESTIONS[0]
    calls = await user.tap("1")
    assert "Change your answer" in calls[-1].text and question.en in calls[-1].text
    assert f"✓ {question.choices[1].en}" in calls[-1].labels
    calls = await user.tap(question.choices[3].en)
    assert "Estimated Sesame score" in calls[-2].text
    exported = await storage.export(user.id)
    row = next(a for a in exported["answers"] if a["question_id"] == question.id)
    assert row["value"] == question.levels[3] and row["source"] == "profile_edit"
    assert (await storage.dialog(user.id)).path is None


async def test_answering_an_unanswered_question_from_the_profile(bot, storage):
    user = bot.user()
    await user.send("/profile")
    number = next(i for i, q in enumerate(QUESTIONS, start=1) if q.kind == "number")
    calls = await user.tap(str(number))
    calls = await user.send("4")
    assert (await storage.answers(user.id)) == {QUESTIONS[number - 1].id: 4}
    assert calls[0].method == "editMessageText"  # the question's buttons are taken away


async def test_cancel_while_changing_keeps_the_old_answer(bot, storage):
    user = bot.user()
    await answer_quick(user)
    await user.send("/profile")
    await user.tap("1")
    before = await storage.answers(user.id)
    await user.send("/cancel")
    assert await storage.answers(user.id) == before
