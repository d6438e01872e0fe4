"""``/advice``: the ranked actions from the advice engine, each opening its how-to steps in place."""

import re

import pytest

from advice import get_action
from advice.feasibility import ANSWER_CLASSES
from advice.presentation import action_view, with_range
from advice.ranking import rank
from bot.progress import advisable
from scoring.card import load_scorecard
from scoring.questions import QUESTION_BY_ID
from templates import render
from tests.bot.telegram_testkit import answer_quick, plain

CARD = load_scorecard()


async def test_advice_lists_the_ranked_actions_with_one_button_each(bot, storage):
    user = bot.user()
    await answer_quick(user, picks={"huabei": 0, "credit_cards": 0})
    calls = await user.send("/advice")
    plan = rank(CARD, advisable(await storage.answers(user.id)))
    assert plan.actions
    message = calls[0]
    text = plain(message.text)
    for n, ranked in enumerate(plan.actions, start=1):
        assert f"{n}. {ranked.action.title('en')}: +{ranked.gain}" in text
    steps = [f"{n}. {r.action.title('en')} ›" for n, r in enumerate(plan.actions, start=1)]
    questions = [tell_more_label(item.question_id, "en") for item in plan.tell_me_more[:3]]
    assert message.labels == steps + questions


async def test_a_button_opens_the_steps_in_place_and_another_goes_back(bot, storage):
    user = bot.user()
    await answer_quick(user, picks={"huabei": 0})
    listing = await user.send("/advice")
    plan = rank(CARD, advisable(await storage.answers(user.id)))
    top = plan.actions[0]
    calls = await user.tap(f"1. {top.action.title('en')} ›")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert calls[1].params["message_id"] == listing[0].result["message_id"]
    view = with_range(action_view(top, "en"), CARD, advisable(await storage.answers(user.id)), top, None)
    steps = plain(render("en", "action_steps.html.j2", action=view, brief_disclaimer=True))
    assert plain(calls[1].text).startswith(steps)
    assert calls[1].labels == [RECORD, "⏰ Remind me", "‹ Back to the list"]
    back = await user.tap("‹ Back to the list")
    assert plain(back[1].text) == plain(listing[0].text)


async def test_a_how_to_says_which_answer_records_it_and_its_button_records_it(bot, storage):
    user = bot.user()
    # no Huabei yet, no late record (it would stop Huabei use), a stable income
    await answer_quick(user, picks={"huabei": 3, "loans": 2, "income": 2})
    await user.send("/advice")
    title = get_action("huabei_on_time").title("en")
    number = next(n for n, r in enumerate(await ranked(storage, user), start=1) if r.id == "huabei_on_time")
    calls = await user.tap(f"{number}. {title} ›")
    text = plain(calls[-1].text)
    assert "Done it? Record it (the button below); this answer changes, as the score above counts it:" in text
    assert "• “How did you repay Huabei over the last 12 months?” Not opened / not used → Always on time" in text
    assert calls[-1].labels[0] == RECORD
    calls = await user.tap(RECORD)  # one tap records it: the new estimate, explained
    score = plain(next(c.text for c in calls if "Estimated Sesame score" in (c.text or "")))
    question = "How did you repay Huabei over the last 12 months?"
    assert f"you changed “{question}” Not opened / not used → Always on time" in score
    assert (await storage.answers(user.id))["huabei"] == "on_time"
    again = await user.tap(RECORD)  # the old button: done already, nothing more recorded
    assert [c.method for c in again] == ["answerCallbackQuery"] and again[0].params.get("text")


STEPS_RECORD = {
    "en": ("this answer changes", "these answers change", "•"),
    "zh": ("这项回答", "这几项回答", "•"),
}
SCORE_WORDS = {"en": "Estimated Sesame score: ", "zh": "芝麻分估算："}


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_clearing_two_overdues_names_and_records_both_as_promised_and_as_the_goal_does(bot, storage, lang):
    """QA 1: "Clear any overdue payment first" promised +100 → 588 with Huabei and a loan overdue,
    but its how-to and "Record it" changed only the Huabei answer (→ 553); the goal's "done" changed both."""
    user = bot.user(language_code=lang)
    await answer_quick(user, picks={"huabei": 0, "loans": 0, "income": 2}, lang=lang)
    plan = rank(CARD, advisable(await storage.answers(user.id)))
    (repay,) = [r for r in plan.actions if r.id == "repay_overdue"]
    assert {c.question_id for c in repay.changes} == {"huabei", "loans"}
    await user.send("/advice")
    calls = await user.tap(f"1. {repay.action.title(lang)} ›")
    text = plain(calls[-1].text)
    assert STEPS_RECORD[lang][1] in text and STEPS_RECORD[lang][0] not in text
    for change in repay.changes:
        question = QUESTION_BY_ID[change.question_id]
        now, after = question.label(change.before, lang), question.label(change.after, lang)
        assert f"{question.prompt(lang)}" in text and f"{now} → {after}" in text
    assert f"→ {repay.score_after}" in text  # the promise
    other = bot.user(555002, language_code=lang)  # the same profile, recorded by the goal's "done" instead
    await answer_quick(other, picks={"huabei": 0, "loans": 0, "income": 2}, lang=lang)
    await user.tap(RECORD if lang == "en" else RECORD_ZH)
    recorded = await storage.answers(user.id)
    assert (recorded["huabei"], recorded["loans"]) == ("late_once", "late")
    assert CARD.score(recorded).score == repay.score_after
    goal = await other.send(f"/goal {repay.score_after}")
    assert repay.action.title(lang) in goal[0].labels[0]
    await other.tap(goal[0].labels[0])  # the goal's "done"
    assert await storage.answers(other.id) == recorded


async def test_an_action_that_only_a_fact_would_change_is_not_advised(bot, storage):
    user = bot.user()
    await answer_quick(user, picks={"huabei": 2, "income": 2})  # the same phone number everywhere already
    # Only waiting changes the number's age (a fact): never promised, so nothing to advise or record.
    await storage.replace_answers(user.id, {**await storage.answers(user.id), "phone_years": "lt1"}, "button")
    assert "stable_phone" not in {r.id for r in await ranked(storage, user)}
    listing = await user.send("/advice")
    assert not [label for label in listing[0].labels if get_action("stable_phone").title("en") in label]


async def test_an_owned_record_item_is_recorded_by_its_own_answer(bot, storage):
    user = bot.user()
    await answer_quick(user, picks={"huabei": 2, "income": 2, "provident_fund": 0})  # not added yet
    asked = await user.send("/advice")
    assert "Yes, I have it" in asked[-1].labels
    calls = await user.tap("Yes, I have it")  # now it counts, in the list and with its steps
    title = get_action("add_provident_fund").title("en")
    label = next(label for label in calls[-1].labels if title in label)
    steps = await user.tap(label)
    assert steps[-1].labels[0] == RECORD and ANSWER_CLASSES["provident_fund"] == "record"
    assert QUESTION_BY_ID["provident_fund"].prompt("en") in plain(steps[-1].text)
    await user.tap(RECORD)
    assert (await storage.answers(user.id))["provident_fund"] is True


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_advice_projects_from_the_calibrated_base_as_whatif_does(bot, storage, lang):
    user = bot.user(language_code=lang)
    # no late record, so new credit is advised too: several actions and a combined plan
    await answer_quick(user, picks={"huabei": 3, "loans": 2, "income": 2}, lang=lang)
    model = rank(CARD, advisable(await storage.answers(user.id)))
    await user.send(f"/myscore {model.before.score + 40}")
    words = CALIBRATED[lang]
    calibrated = first_number(plain((await user.send("/score"))[0].text).split(words["score"], 1)[1])
    assert calibrated > model.before.score
    text = plain((await user.send("/advice"))[0].text)
    assert f"{words['header']}{calibrated}" in text and words["note"] in text
    shown = [first_number(line.split(" → ", 1)[1]) for line in text.splitlines() if " → " in line]
    top = len(model.actions)
    # The model's gains, from the calibrated base: every action, then the combined plan.
    assert shown[:top] == [calibrated + r.score_after - model.before.score for r in model.actions]
    assert shown[top] == calibrated + model.combined.score - model.before.score
    # /whatif says the same of the first action.
    await user.send("/whatif")
    whatif = plain((await user.tap(f"☐ {model.actions[0].action.title(lang)}"))[-1].text)
    assert f"{words['whatif']}{shown[0]}" in whatif
    # And so do its steps, marked as calibrated.
    await user.send("/advice")
    steps = plain((await user.tap(f"1. {model.actions[0].action.title(lang)} ›"))[-1].text)
    assert f"→ {shown[0]}" in steps and words["steps"] in steps


RECORD = "✏️ Done it: record it"
RECORD_ZH = "✏️ 已做到：记录下来"
CALIBRATED = {
    "en": {
        "score": "Calibrated Sesame estimate: ",
        "header": "Calibrated Sesame estimate: ",
        "note": "Every score after “→” starts from your calibrated estimate",
        "whatif": "Projected score: ",
        "steps": "from your calibrated estimate",
    },
    "zh": {
        "score": "校准后的芝麻分估算：",
        "header": "校准后的芝麻分估算：",
        "note": "「→」后的分数都从校准后的估算",
        "whatif": "预计芝麻分（校准后）：",
        "steps": "从校准后的估算算起",
    },
}


def first_number(text):
    return int(re.search(r"\d+", text).group())


async def ranked(storage, user):
    return rank(CARD, advisable(await storage.answers(user.id))).actions


async def test_advice_without_answers(bot):
    calls = await bot.user().send("/advice")
    assert "/start" in calls[0].text and not calls[0].buttons


async def test_advice_in_chinese(bot, storage):
    user = bot.user(language_code="zh")
    await answer_quick(user, lang="zh")
    calls = await user.send("/advice")
    assert "芝麻分估算" in calls[0].text


def tell_more_label(question_id: str, lang: str) -> str:
    topic = QUESTION_BY_ID[question_id].topic(lang)
    return f"✍️ Answer: {topic}" if lang == "en" else f"✍️ 回答：{topic}"


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_each_tell_me_more_question_has_a_button_that_opens_it_to_answer(bot, storage, lang):
    user = bot.user(language_code=lang)
    await answer_quick(user, lang=lang)
    listing = await user.send("/advice")
    plan = rank(CARD, advisable(await storage.answers(user.id)))
    asked = [item.question_id for item in plan.tell_me_more[:3]]
    stored = await storage.answers(user.id)
    assert asked and all(qid not in stored for qid in asked)
    assert listing[0].labels[-len(asked) :] == [tell_more_label(qid, lang) for qid in asked]
    heading = "tap one below to answer it" if lang == "en" else "点下面的按钮即可回答"
    assert heading in plain(listing[0].text)
    question = QUESTION_BY_ID[asked[-1]]
    calls = await user.tap(tell_more_label(question.id, lang), message_id=listing[0].result["message_id"])
    opened = plain(calls[-1].text)
    assert question.prompt(lang) in opened
    assert ("Answer this question" if lang == "en" else "回答这个问题") in opened  # nothing to change yet
    first = question.display_indexes()[0]
    calls = await user.send("1" if question.kind != "number" else str(question.levels[first]))
    assert (await storage.answers(user.id))[question.id] == question.levels[first]


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_typed_tell_me_more_opens_the_question_that_narrows_the_range_most(bot, storage, lang):
    user = bot.user(language_code=lang)
    await answer_quick(user, lang=lang)
    plan = rank(CARD, advisable(await storage.answers(user.id)))
    top = QUESTION_BY_ID[plan.tell_me_more[0].question_id]
    calls = await user.send("tell me more" if lang == "en" else "再多告诉我一些")
    assert top.prompt(lang) in plain(calls[-1].text)
    assert "didn't catch" not in plain(calls[-1].text) and "没听懂" not in plain(calls[-1].text)
    calls = await user.send("/more")
    assert top.prompt(lang) in plain(calls[-1].text)


async def test_more_with_nothing_left_to_ask_says_so(bot, storage):
    user = bot.user()
    await answer_quick(user)
    every = {q.id: q.levels[-1] for q in QUESTION_BY_ID.values()}
    await storage.replace_answers(user.id, advisable(every), "button")
    assert not rank(CARD, advisable(await storage.answers(user.id))).tell_me_more
    calls = await user.send("/more")
    assert "no question left" in plain(calls[-1].text)
