"""``/score``: score, band, range, five dimensions, reasons, progress since last time, radar chart."""

import re
import struct

from advice.ranking import rank
from bot.charts.telegram import chart_cache_of
from bot.progress import advisable
from scoring.assumptions import DIMENSION_WEIGHTS
from scoring.card import load_scorecard
from scoring.i18n import LANGUAGE_NAMES
from scoring.presentation import score_view
from scoring.questions import DIMENSION_NAMES, QUESTION_BY_ID, QUESTIONS, QUICK_IDS
from scoring.structure import settled
from templates import render
from tests.bot.telegram_testkit import answer_quick, plain

CARD = load_scorecard()


def view_weight(dimension_id: str) -> int:
    return round(100 * DIMENSION_WEIGHTS[dimension_id])


def jpeg_size(data):
    """Width and height from the JPEG's baseline frame header (SOF0)."""
    assert data[:2] == b"\xff\xd8"
    pos = 2
    while data[pos + 1] != 0xC0:
        pos += 2 + struct.unpack(">H", data[pos + 2 : pos + 4])[0]
    height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
    return width, height


async def test_score_shows_the_real_estimate_with_its_breakdown_and_a_radar_chart(bot, storage):
    user = bot.user()
    finished = await answer_quick(user)
    assert render("en", "_disclaimer.txt.j2") in plain(finished[-2].text)  # the first estimate: in full
    uploaded = finished[-1]
    assert uploaded.method == "sendPhoto"
    filename, content, mime = uploaded.files["photo"]
    assert (
        filename == "sesame-score.jpg"
        and mime == "image/jpeg"
        and jpeg_size(content) == (1080, 1080)
        and 20_000 < len(content) < 1_000_000
    )
    calls = await user.send("/score")
    assert [c.method for c in calls] == ["sendMessage", "sendPhoto"]
    result = CARD.score(await storage.answers(user.id))
    view = score_view(result, "en")
    text = plain(calls[0].text)
    low, high = result.range
    if view["wide"]:
        first, last = view["range_bands"][0], view["range_bands"][-1]
        assert text.startswith(f"Estimated Sesame score: {low}-{high}, probably {first} to {last}")
        assert f"best single guess {result.score}" in text
    else:
        assert f"Estimated Sesame score: {result.score}" in text and result.band.en in text
        assert f"Likely range {low}-{high} (90% likely)" in text
    for dimension in result.dimensions:
        name, weight = DIMENSION_NAMES[dimension.id]["en"], view_weight(dimension.id)
        if dimension.grade is None:
            assert f"– {name} · {weight}% · not answered yet" in text
        else:
            assert f"{dimension.grade} {name} · {weight}%" in text
    for reason in view["reasons"]:
        shown = reason["title"] or f"{reason['topic']}: {reason['answer']}"  # "Income: Stable (−17 points)"
        assert f"• {shown} (−{reason['points_lost']} point" in text
    assert text.endswith(render("en", "_disclaimer.txt.j2", brief_disclaimer=True))  # later ones: short
    photo = calls[1]
    # The same picture as at the end of the quick check: Telegram's file_id, no second upload.
    assert photo.files == {} and photo.params["photo"] == uploaded.result["photo"][-1]["file_id"]
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
    # The answer's own points, and the estimate of the questions still open (it moves with what is known):
    # together, exactly the move shown.
    own = round(CARD.points(question.id, question.choices[-1].value) - CARD.points(question.id, question.levels[0]))
    rest = re.search(r"the estimate of the questions still unanswered: ([+-]\d+)", text)
    assert rest is not None
    points = re.search(rf"you changed “{re.escape(question.en)}” {before} → {after}: ([+-]\d+)", text)
    assert points is not None and abs(int(points.group(1)) - own) <= 1
    assert int(points.group(1)) + int(rest.group(1)) == now - first
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
    # "No credit card" (the default pick) settles two questions: they count nowhere.
    open_ids = [q.id for q in QUESTIONS if not settled(q.id, await storage.answers(user.id))]
    first = next(i for i, qid in enumerate(open_ids, start=1) if qid not in QUICK_IDS)
    assert f"Full profile · {first}/{len(QUESTIONS) - 2}" in calls[-1].text


async def test_the_quick_check_reply_is_honest_about_what_it_does_not_know(bot, storage):
    """What was seen: one bold band over a 295-point range, a grade for connections (never
    asked), no weights, and three reasons for having no credit card."""
    for user_id, lang, lead, not_asked, no_card in (
        (555101, "en", "probably", "not answered yet", "No credit card yet"),
        (555102, "zh", "大概在", "还没回答", "还没有信用卡"),
    ):
        user = bot.user(user_id, language_code={"en": "en", "zh": "zh-hant"}[lang])
        # the second choice of each question: "none" cards, then "I have no cards" as repayment record
        await answer_quick(
            user, lang=lang, picks={"card_repayment": QUESTION_BY_ID["card_repayment"].index("no_cards")}
        )
        text = plain((await user.send("/score"))[0].text)
        result = CARD.score(await storage.answers(user.id))
        low, high = result.range
        assert high - low <= 160
        connections = next(d for d in result.dimensions if d.id == "connections")
        assert connections.grade is None and not_asked in text
        assert all(f"{view_weight(d)}%" in text for d in DIMENSION_WEIGHTS)
        if score_view(result, lang)["wide"]:
            assert lead in text.splitlines()[0] and f"{low}-{high}" in text.splitlines()[0]
        card_reasons = [r for r in result.reasons if r.question_id in ("credit_cards", "card_repayment", "card_bills")]
        assert [r.related for r in card_reasons] == [("card_repayment", "card_bills")]
        assert text.count(no_card) == 1


async def test_a_finished_check_renders_once_and_a_repeated_score_renders_and_uploads_nothing(bot, storage):
    charts = chart_cache_of(bot.application)
    user = bot.user(user_id=555077)
    finished = await answer_quick(user)
    assert charts.renders == 1 and "photo" in finished[-1].files
    file_id = finished[-1].result["photo"][-1]["file_id"]
    for _ in range(2):
        calls = await user.send("/score")
        assert calls[-1].method == "sendPhoto" and calls[-1].files == {} and calls[-1].params["photo"] == file_id
    assert charts.renders == 1

    # A changed answer is another picture: drawn and uploaded once more.
    await user.send("/profile")
    await user.tap("1")
    calls = await user.tap(QUESTION_BY_ID[QUICK_IDS[0]].choices[-1].en)
    assert charts.renders == 2 and "photo" in calls[-1].files


async def test_a_file_id_telegram_refuses_is_replaced_by_an_upload(bot, storage):
    charts = chart_cache_of(bot.application)
    user = bot.user(user_id=555078)
    finished = await answer_quick(user)
    bot.recorder.photos.clear()  # as if Telegram no longer knew the file
    calls = await user.send("/score")
    refused, uploaded = calls[-2:]
    assert refused.method == uploaded.method == "sendPhoto" and not refused.ok
    assert uploaded.files["photo"][1] == finished[-1].files["photo"][1]  # the cached picture, not drawn again
    assert charts.renders == 1
    again = await user.send("/score")
    assert again[-1].params["photo"] == uploaded.result["photo"][-1]["file_id"]
