"""A goal the estimate now reaches: said once, in /goal's words, by every reply that shows a new estimate."""

import pytest

from advice import plan as plan_goal
from bot.flows.goal_reached import reached_screen
from bot.progress import advisable
from bot.screens import button_label
from scoring.card import load_scorecard
from scoring.questions import QUESTION_BY_ID, QUESTIONS, QUICK_IDS
from tests.bot.telegram_testkit import answer_quick, plain, quick_answers
from tests.bot.test_journey_transcripts import PICKS

CARD = load_scorecard()
SHOPPING = QUESTION_BY_ID["shopping"]
SHOPPING_NUMBER = str([q.id for q in QUESTIONS].index("shopping") + 1)
OTHER, TMALL = SHOPPING.levels[1], SHOPPING.levels[3]  # PICKS answer "Other platforms"
RARELY = SHOPPING.levels[0]
SCORE_HEADING = {"en": "Estimated Sesame score", "zh": "芝麻分估算"}
GOAL_NOW = {"en": "Your goal now", "zh": "你现在的目标"}


async def likely(storage, user_id):
    """The range of the estimate of the stored answers (no report: the model's own)."""
    return CARD.score(advisable(await storage.answers(user_id))).range


async def quick_check(user, storage, lang):
    """The quick check with shopping on "Other platforms"; the estimate now and with each other shopping answer."""
    await answer_quick(user, picks=PICKS, lang=lang)
    answers = await storage.answers(user.id)
    assert answers["shopping"] == OTHER
    return {level: CARD.score(advisable({**answers, "shopping": level})).score for level in SHOPPING.levels}


async def change_shopping(user, level, lang):
    """/profile, tap the shopping question's number, tap the new answer."""
    await user.send("/profile")
    await user.tap(SHOPPING_NUMBER)
    return await user.tap(SHOPPING.choices[SHOPPING.levels.index(level)].label(lang))


async def best(storage, user):
    """The most the advice reaches for the user's answers now: a higher goal is offered only up to it."""
    return plan_goal(CARD, advisable(await storage.answers(user.id)), 950).best_score


async def goal_gone(storage, user_id):
    pending = [p for p in await storage.pending_reminders(user_id) if p.action_id == "goal:0"]
    return await storage.goal(user_id) is None and not pending


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_profile_change_that_reaches_the_goal_says_so_once_after_the_estimate(bot, storage, lang):
    user = bot.user(language_code=lang)
    scores = await quick_check(user, storage, lang)
    target = scores[TMALL]  # reached exactly: at or above counts, as for /goal N
    assert scores[OTHER] < target
    await user.send(f"/goal {target}")
    assert (await storage.goal(user.id)).target == target
    assert not await goal_gone(storage, user.id)  # its check-in is planned
    calls = await change_shopping(user, TMALL, lang)
    most, range_now = await best(storage, user), await likely(storage, user.id)
    expected = reached_screen(lang, target, target, False, range_now, was_goal=True, best=most).text
    assert [c.text for c in calls].count(expected) == 1
    assert calls[-1].text == expected and calls[-1].method == "sendMessage"  # after the estimate and its chart
    assert SCORE_HEADING[lang] in plain(calls[-3].text) and calls[-2].method == "sendPhoto"
    assert f"/goal {target}" not in plain(expected) and "/goal " in plain(expected)  # a higher goal offered
    assert await goal_gone(storage, user.id)
    # Said once: /score and /goal afterwards have no goal left to speak of.
    assert expected not in [c.text for c in await user.send("/score")]
    assert GOAL_NOW[lang] not in plain((await user.send("/goal"))[0].text)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("to", ["up-short-of-it", "down"])
async def test_a_profile_change_that_does_not_reach_the_goal_keeps_it_and_adds_nothing(bot, storage, lang, to):
    user = bot.user(language_code=lang)
    scores = await quick_check(user, storage, lang)
    level = TMALL if to == "up-short-of-it" else RARELY
    target = scores[TMALL] + 1
    assert (scores[level] > scores[OTHER]) == (to == "up-short-of-it")
    await user.send(f"/goal {target}")
    before = await storage.goal(user.id)
    calls = await change_shopping(user, level, lang)
    assert calls[-1].method == "sendPhoto"  # the estimate and its chart end the reply
    assert not any("🎉" in plain(c.text) for c in calls)
    assert (await storage.answers(user.id))["shopping"] == level
    kept = await storage.goal(user.id)
    assert kept is not None and (kept.target, kept.start_score, kept.actions) == (
        before.target,
        before.start_score,
        before.actions,
    )
    assert not await goal_gone(storage, user.id)
    assert GOAL_NOW[lang] in plain((await user.send("/goal"))[0].text)


async def test_recording_an_action_from_its_how_to_reaches_the_goal_and_says_so(bot, storage):
    user = bot.user()
    scores = await quick_check(user, storage, "en")
    await user.send(f"/goal {scores[TMALL]}")
    advice = await user.send("/advice")
    (steps,) = [label for label in advice[0].labels if "Tmall" in label]
    await user.tap(steps)
    calls = await user.tap(button_label("en", "record"))  # records it: shopping becomes Tmall
    assert (await storage.answers(user.id))["shopping"] == SHOPPING.choices[3].value
    most, range_now = await best(storage, user), await likely(storage, user.id)
    expected = reached_screen("en", scores[TMALL], scores[TMALL], False, range_now, was_goal=True, best=most).text
    assert calls[-1].text == expected and [c.text for c in calls].count(expected) == 1
    assert f"Goal {scores[TMALL]} reached" in plain(expected)
    assert await goal_gone(storage, user.id)


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_finishing_the_questionnaire_past_the_goal_says_so(bot, storage, lang):
    """A goal set on a check stopped midway, reached by the answers that finish it."""
    user = bot.user(language_code=lang)
    given = quick_answers(PICKS)
    *first, last = QUICK_IDS
    await user.send("/start")
    for qid in first:
        question = QUESTION_BY_ID[qid]
        await user.tap(question.choices[question.levels.index(given[qid])].label(lang))
    await user.send("/cancel")
    before = CARD.score(advisable(await storage.answers(user.id))).score
    target = CARD.score(advisable(given)).score
    assert before < target
    await user.send(f"/goal {target}")
    await user.send("/start")  # continues with the last question
    question = QUESTION_BY_ID[last]
    calls = await user.tap(question.choices[question.levels.index(given[last])].label(lang))
    most, range_now = await best(storage, user), await likely(storage, user.id)
    expected = reached_screen(lang, target, target, False, range_now, was_goal=True, best=most).text
    assert calls[-1].text == expected and [c.text for c in calls].count(expected) == 1
    assert SCORE_HEADING[lang] in plain(calls[-3].text)
    assert await goal_gone(storage, user.id)
