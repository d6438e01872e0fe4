"""``/score``: score, band, range, five dimensions, reasons, progress since last time, radar chart."""

import struct

from advice.ranking import rank
from bot.flows.advice import advisable
from scoring.card import load_scorecard
from scoring.i18n import LANGUAGE_NAMES
from scoring.questions import DIMENSION_NAMES, QUESTION_BY_ID, QUESTIONS, QUICK_IDS
from tests.bot.telegram_testkit import answer_quick, plain

CARD = load_scorecard()
PNG = b"\x89PNG\r\n\x1a\n"


def png_size(data):
    assert data[:8] == PNG
    return struct.unpack(">II", data[16:24])


async def test_score_shows_the_real_estimate_with_its_breakdown_and_a_radar_chart(bot, storage):
    user = bot.user()
    await answer_quick(user)
    calls = await user.send("/score")
    assert [c.method for c in calls] == ["sendMessage", "sendPhoto"]
    result = CARD.score(await storage.answers(user.id))
    text = plain(calls[0].text)
    assert f"Estimated Sesame score: {result.score}" in text and result.band.en in text
    assert f"Likely range {result.range[0]}-{result.range[1]}" in text
    for dimension in result.dimensions:
        assert f"{dimension.grade} {DIMENSION_NAMES[dimension.id]['en']}" in text
    for reason in result.reasons[:3]:
        assert QUESTION_BY_ID[reason.question_id].en in text
    assert "estimate" in text.lower() and "private" in text
    photo = calls[1]
    filename, content, mime = photo.files["photo"]
    assert mime == "image/png" and png_size(content)[0] == 800 and 20_000 < len(content) < 1_000_000
    assert photo.labels[:2] == ["💡 How to raise it", "🔮 What if…"]


async def test_score_tracks_progress_between_snapshots(bot, storage):
    user = bot.user()
    await answer_quick(user, picks={qid: 0 for qid in QUICK_IDS})
    first = CARD.score(await storage.answers(user.id)).score
    calls = await user.send("/score")
    assert "No change since your previous estimate" not in calls[0].text  # same result: no new snapshot
    assert len(await storage.snapshots(user.id, limit=10)) == 1
    await user.send("/profile")
    await user.tap("1")
    calls = await user.tap(QUESTION_BY_ID[QUICK_IDS[0]].choices[-1].en)
    now = CARD.score(await storage.answers(user.id)).score
    assert now > first
    text = plain(calls[-2].text)
    assert f"+{now - first} since your previous estimate ({first}):" in text
    question = QUESTION_BY_ID[QUICK_IDS[0]]
    before, after = question.choices[0].en, question.choices[-1].en
    assert f"you changed {question.en} {before} → {after}: +{now - first}" in text
    again = await user.send("/score")  # the move was explained once; repeating /score does not repeat it
    assert "since your previous estimate" not in plain(again[0].text)
    assert "first estimate" not in plain(again[0].text)
    assert len(await storage.snapshots(user.id, limit=10)) == 2


async def test_the_first_estimate_is_said_once_and_more_answers_are_more_precision(bot, storage):
    user = bot.user()
    calls = await answer_quick(user)
    assert "This is your first estimate" in plain(calls[-2].text)
    again = await user.send("/score")
    assert "first estimate" not in plain(again[0].text)
    answered = len(await storage.answers(user.id))
    calls = await user.send("/full")
    while (question_id := (await storage.dialog(user.id)).question_id) is not None:
        question = QUESTION_BY_ID[question_id]
        if question.kind == "number":
            calls = await user.send(str(question.maximum))
        else:
            calls = await user.tap(question.choices[-1].en)
    more = len(await storage.answers(user.id)) - answered
    text = plain(next(c.text for c in calls if c.text and "Estimated Sesame score" in c.text))
    assert more > 1 and f"you answered {more} more questions; the estimate is now more precise" in text
    assert "you changed" not in text


async def test_score_without_answers_points_to_start(bot):
    calls = await bot.user().send("/score")
    assert calls[0].method == "sendMessage" and "/start" in calls[0].text and len(calls) == 1


async def test_score_in_chinese_with_a_chinese_chart_title(bot, storage):
    user = bot.user(language_code="zh-hant")
    await answer_quick(user, lang="zh")
    calls = await user.send("/score")
    assert "芝麻分估算" in calls[0].text and "五个维度" in calls[0].text
    assert "芝麻分估算" not in calls[1].text and "维度" in calls[1].text
    assert LANGUAGE_NAMES["zh"] == "中文"


async def test_buttons_under_the_score_run_their_commands(bot, storage):
    user = bot.user()
    await answer_quick(user)
    calls = await user.tap("💡 How to raise it")
    plan = rank(CARD, advisable(await storage.answers(user.id)))
    assert calls[0].method == "answerCallbackQuery"
    assert plan.actions[0].action.title("en") in calls[1].text
    calls = await user.tap("📋 Full profile")
    assert f"Full profile · {len(QUICK_IDS) + 1}/{len(QUESTIONS)}" in calls[-1].text
