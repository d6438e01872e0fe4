"""The questionnaire through Telegram: ``/start`` (welcome, disclaimer, the quick check), both paths,
/back, /skip, /cancel, and every kind of bad input."""

import asyncio

import pytest

from bot.callbacks import AnswerTap
from scoring.questions import QUESTION_BY_ID, QUESTIONS, QUICK_IDS
from templates import render
from tests.bot.telegram_testkit import BotUnderTest, RecordingRequest, plain
from tests.bot.telegram_testkit import answer_quick as kit_answer_quick

QUICK = [QUESTION_BY_ID[qid] for qid in QUICK_IDS]
NUMBER_QUESTION = next(q for q in QUESTIONS if q.kind == "number")


def last_question(calls):
    asked = [
        c for c in calls if c.method == "sendMessage" and any(d.startswith("a:") for row in c.buttons for _, d in row)
    ]
    assert asked, [c.method for c in calls]
    return asked[-1]


async def answer_quick(user, count=None, choice=-1):
    calls = await user.send("/start")
    for question in QUICK[:count]:
        calls = await user.tap(question.choices[choice].en)
    return calls


async def test_the_quick_check_ends_with_the_score_straight_away(bot, storage):
    user = bot.user()
    calls = await answer_quick(user, choice=-1)
    methods = [c.method for c in calls]
    assert methods == ["answerCallbackQuery", "editMessageText", "sendMessage", "sendPhoto"]
    assert "Done!" in calls[2].text and "Estimated Sesame score" in calls[2].text
    answers = await storage.answers(user.id)
    assert answers == {q.id: q.levels[-1] for q in QUICK}
    assert (await storage.dialog(user.id)).path is None
    assert len(await storage.snapshots(user.id)) == 1


async def test_each_question_shows_progress_and_the_answered_one_loses_its_buttons(bot):
    user = bot.user()
    start = await user.send("/start")
    first_id = start[-1].result["message_id"]
    calls = await user.tap(QUICK[0].choices[2].en)
    assert calls[0].method == "answerCallbackQuery"
    edit = calls[1]
    assert edit.method == "editMessageText" and edit.params["message_id"] == first_id
    assert "reply_markup" not in edit.params and QUICK[0].choices[2].en in edit.text
    assert f"2/{len(QUICK)}" in calls[2].text and QUICK[1].en in calls[2].text


async def test_full_continues_with_the_unanswered_questions_and_takes_typed_numbers(bot, storage):
    user = bot.user()
    await answer_quick(user)
    remaining = [q for q in QUESTIONS if q.id not in QUICK_IDS]
    calls = await user.send("/full")
    # a question shows its own place on the path: the number /profile lists it under
    place = QUESTIONS.index(remaining[0]) + 1
    assert remaining[0].en in calls[-1].text and f"Full profile · {place}/{len(QUESTIONS)}" in calls[-1].text
    for question in remaining:
        if question.kind == "number":
            asked = last_question(bot.recorder.calls)
            calls = await user.send(str(question.maximum))
            # the typed answer takes the buttons off the question it answered
            assert calls[0].method == "editMessageText" and calls[0].params["message_id"] == asked.result["message_id"]
        else:
            calls = await user.tap(question.choices[-1].en)
    assert "Done!" in calls[-2].text and f"{len(QUESTIONS)} of {len(QUESTIONS)}" in plain(calls[-2].text)
    answers = await storage.answers(user.id)
    assert answers == {q.id: q.levels[-1] for q in QUESTIONS}
    exported = await storage.export(user.id)
    sources = {a["question_id"]: a["source"] for a in exported["answers"]}
    assert sources[NUMBER_QUESTION.id] == "typed" and sources[QUICK_IDS[0]] == "button"
    again = await user.send("/full")
    assert "Every question is answered" in again[0].text


async def test_back_goes_one_question_back_and_shows_the_stored_answer(bot, storage):
    user = bot.user()
    await answer_quick(user, count=2, choice=0)
    calls = await user.send("/back")
    text = calls[-1].text
    assert QUICK[1].en in text and f"2/{len(QUICK)}" in text
    assert f"✓ {QUICK[1].choices[0].en}" in calls[-1].labels
    calls = await user.tap(QUICK[1].choices[3].en)
    assert (await storage.answers(user.id))[QUICK[1].id] == QUICK[1].levels[3]
    assert QUICK[2].en in calls[-1].text


async def test_back_on_the_first_question_says_so_and_changes_nothing(bot, storage):
    user = bot.user()
    await user.send("/start")
    before = await state(storage, user.id)
    calls = await user.send("/back")
    assert "first question" in calls[-1].text and QUICK[0].en in calls[-1].text
    await unchanged(storage, user.id, before)


async def test_skip_leaves_a_question_unanswered(bot, storage):
    user = bot.user()
    await user.send("/start")
    calls = await user.send("/skip")
    assert QUICK[1].en in calls[-1].text
    assert await storage.answers(user.id) == {}
    await user.tap(QUICK[1].choices[0].en)
    assert set(await storage.answers(user.id)) == {QUICK[1].id}


async def test_skipping_the_last_question_still_shows_the_score(bot):
    user = bot.user()
    await answer_quick(user, count=len(QUICK) - 1)
    calls = await user.send("/skip")
    assert "Estimated Sesame score" in calls[0].text and calls[1].method == "sendPhoto"


async def test_cancel_stops_and_keeps_the_answers(bot, storage):
    user = bot.user()
    await answer_quick(user, count=3)
    calls = await user.send("/cancel")
    assert "3 answers are kept" in calls[-1].text
    assert len(await storage.answers(user.id)) == 3
    assert (await storage.dialog(user.id)).path is None
    calls = await user.send("/start")
    assert QUICK[3].en in calls[-1].text and f"4/{len(QUICK)}" in calls[-1].text  # overall progress


@pytest.mark.parametrize("command", ["/back", "/skip", "/cancel"])
async def test_moving_around_with_no_question_open_explains_what_to_do(bot, command):
    calls = await bot.user().send(command)
    assert len(calls) == 1 and "No question is open" in calls[0].text


# ---- bad input: a short, clear reply, the same question again, nothing changed ---------------
async def unchanged(storage, user_id, before):
    assert await storage.answers(user_id) == before[0]
    dialog = await storage.dialog(user_id)
    assert (dialog.path, dialog.queue, dialog.position, dialog.nonce) == before[1]


async def state(storage, user_id):
    dialog = await storage.dialog(user_id)
    return await storage.answers(user_id), (dialog.path, dialog.queue, dialog.position, dialog.nonce)


async def test_free_text_where_a_button_is_expected(bot, storage):
    user = bot.user()
    await answer_quick(user, count=1)
    before = await state(storage, user.id)
    calls = await user.send("I opened it a while ago")
    assert [c.method for c in calls] == ["sendMessage"]
    assert "didn't recognise that answer" in calls[0].text and QUICK[1].en in calls[0].text
    assert calls[0].labels == [c.en for c in QUICK[1].choices]
    await unchanged(storage, user.id, before)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("7", "not allowed"),
        ("-1", "not allowed"),
        ("2.5", "not allowed"),
        ("many", "not a number"),
        ("nan", "not a number"),
        ("1e999", "not a number"),
    ],
)
async def test_numbers_out_of_range_or_not_numbers(bot, storage, typed, reason):
    user = bot.user()
    await user.send("/full")
    while NUMBER_QUESTION.en not in last_question(bot.recorder.calls).text:
        await user.send("/skip")
    before = await state(storage, user.id)
    calls = await user.send(typed)
    assert reason in calls[0].text and f"from {NUMBER_QUESTION.minimum} to {NUMBER_QUESTION.maximum}" in calls[0].text
    assert NUMBER_QUESTION.en in calls[0].text
    await unchanged(storage, user.id, before)


async def test_a_number_typed_with_full_width_digits_is_understood(bot, storage):
    user = bot.user(language_code="zh")
    await user.send("/full")
    while NUMBER_QUESTION.zh not in last_question(bot.recorder.calls).text:
        await user.send("/skip")
    await user.send("３")
    assert (await storage.answers(user.id))[NUMBER_QUESTION.id] == 3


@pytest.mark.parametrize(
    "text",
    [
        "x" * 4096,
        "\u202e\u200b\u0000🙂" * 50,
        "١٢٣٤٥٦٧٨٩" * 10,
        "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace") * 40,
    ],
)
async def test_huge_or_odd_unicode_text(bot, storage, text):
    user = bot.user()
    await user.send("/start")
    before = await state(storage, user.id)
    calls = await user.send(text)
    assert len(calls) == 1 and "too long" in calls[0].text and QUICK[0].en in calls[0].text
    assert text not in calls[0].text
    await unchanged(storage, user.id, before)


async def test_odd_short_unicode_text_gets_the_button_reply(bot, storage):
    user = bot.user()
    await user.send("/start")
    before = await state(storage, user.id)
    calls = await user.send("\u200b\u202e🙂")
    assert "didn't recognise that answer" in calls[0].text
    await unchanged(storage, user.id, before)


async def test_a_stale_button_from_an_older_question_message(bot, storage):
    user = bot.user()
    start = await user.send("/start")
    await user.send("/skip")  # the first question's message keeps its buttons
    await user.tap(QUICK[1].choices[0].en)
    before = await state(storage, user.id)
    calls = await user.tap(QUICK[0].choices[4].en, message_id=start[-1].result["message_id"])
    assert calls[0].method == "answerCallbackQuery" and calls[0].params["text"] == "This button has expired."
    assert "earlier message" in calls[1].text and QUICK[2].en in calls[1].text
    await unchanged(storage, user.id, before)


async def test_a_button_from_a_keyboard_the_client_had_not_yet_refreshed(bot, storage):
    user = bot.user()
    start = await user.send("/start")
    old = start[-1]
    await user.tap(QUICK[0].choices[0].en)
    before = await state(storage, user.id)
    calls = await user.press(old.result["message_id"], old.buttons[-1][-1][1])
    assert calls[0].method == "answerCallbackQuery" and calls[0].params["text"] == "This button has expired."
    assert "earlier message" in calls[1].text and QUICK[1].en in calls[1].text
    await unchanged(storage, user.id, before)


async def test_the_same_button_tapped_twice_stores_once(bot, storage):
    user = bot.user()
    start = await user.send("/start")
    message = start[-1]
    data = message.buttons[0][0][1]
    await user.press(message.result["message_id"], data)
    before = await state(storage, user.id)
    calls = await user.press(message.result["message_id"], data)
    assert calls[0].params["text"] == "This button has expired."
    await unchanged(storage, user.id, before)


async def test_buttons_of_a_question_asked_again_after_back_are_stale(bot, storage):
    user = bot.user()
    await user.send("/start")
    second = await user.tap(QUICK[0].choices[0].en)
    await user.send("/back")  # the second question's message keeps its buttons
    before = await state(storage, user.id)
    calls = await user.tap(QUICK[1].choices[3].en, message_id=second[-1].result["message_id"])
    assert calls[0].params["text"] == "This button has expired."
    await unchanged(storage, user.id, before)


@pytest.mark.parametrize(
    "forge",
    [
        lambda q, n: "a:0:99:" + n,  # answer index beyond the scale
        lambda q, n: "a:999:0:" + n,  # no such question
        lambda q, n: "a:0:0:" + n + "x",  # nonce of the wrong shape
        lambda q, n: "a:٠:0:" + n,  # a digit, but not ours
        lambda q, n: "drop table users;",
        lambda q, n: "",
        lambda q, n: "w:zzzzzzzzzzzz",  # a what-if selection beyond the catalogue
        lambda q, n: "s:77:1",
        lambda q, n: "c:forget",  # a command no button runs
        lambda q, n: "x" * 64,
    ],
)
async def test_forged_callback_data(bot, storage, forge):
    user = bot.user()
    start = await user.send("/start")
    message = start[-1]
    nonce = message.buttons[0][0][1].rsplit(":", 1)[1]
    before = await state(storage, user.id)
    calls = await user.press(message.result["message_id"], forge(QUICK[0], nonce))
    assert calls[0].method == "answerCallbackQuery" and calls[0].params["text"] == "Unknown button."
    assert "could not read that button" in calls[1].text and QUICK[0].en in calls[1].text
    await unchanged(storage, user.id, before)


async def test_a_forged_answer_for_another_question_with_a_guessed_nonce_is_stale(bot, storage):
    user = bot.user()
    start = await user.send("/start")
    nonce = start[-1].buttons[0][0][1].rsplit(":", 1)[1]
    before = await state(storage, user.id)
    calls = await user.press(start[-1].result["message_id"], AnswerTap(QUICK[5].id, 0, nonce).data())
    assert calls[0].params["text"] == "This button has expired."
    await unchanged(storage, user.id, before)


async def test_a_sticker_gets_the_question_again(bot, storage):
    user = bot.user()
    await user.send("/start")
    before = await state(storage, user.id)
    calls = await user.send_sticker()
    assert "didn't recognise that answer" in calls[0].text and QUICK[0].en in calls[0].text
    await unchanged(storage, user.id, before)
    idle = bot.user(user_id=777)
    calls = await idle.send_sticker()
    assert "only read text" in calls[0].text


async def test_text_with_no_question_open_gets_the_help(bot, storage):
    user = bot.user()
    calls = await user.send("hello there")
    assert [c.method for c in calls] == ["sendMessage"]
    assert "I didn't catch that" in calls[0].text and "/advice" in calls[0].text
    assert "No question is open" not in calls[0].text
    assert await storage.answers(user.id) == {}


async def test_bad_input_in_chinese(bot):
    user = bot.user(language_code="zh-CN")
    await user.send("/start")
    calls = await user.send("随便写点什么")
    assert "没看懂这个回答" in calls[0].text and "请点下面的按钮" in calls[0].text and QUICK[0].zh in calls[0].text


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_typed_label_answers_and_is_confirmed(bot, storage, lang):
    user = bot.user(language_code=lang)
    await user.send("/start")
    typed = {"en": "  3-5 YEARS", "zh": "３-５年"}[lang]
    calls = await user.send(typed)
    # A choice question's message is not tracked (a write per question saved): a new message confirms.
    assert calls[0].method == "sendMessage" and f"1/{len(QUICK)}" in calls[0].text
    assert QUICK[0].choices[2].label(lang) in calls[0].text and not calls[0].buttons
    assert QUICK[1].prompt(lang) in calls[-1].text
    assert await storage.answers(user.id) == {QUICK_IDS[0]: "3to5"}
    calls = await user.send({"en": "always", "zh": "一直"}[lang])  # a unique start of "Always on time"
    assert calls[0].method == "sendMessage" and f"2/{len(QUICK)}" in calls[0].text
    assert (await storage.answers(user.id))[QUICK_IDS[1]] == "on_time"


async def test_an_ambiguous_start_lists_the_candidates_and_changes_nothing(bot, storage):
    user = bot.user()
    await answer_quick(user, count=1)
    before = await state(storage, user.id)
    calls = await user.send("Late")
    assert "“Late several times”, “Late once”" in calls[0].text and QUICK[1].en in calls[0].text
    await unchanged(storage, user.id, before)


@pytest.mark.parametrize(
    ("lang", "question", "shows"),
    [
        ("zh", "芝麻分怎么提高？", "提分建议"),
        ("en", "how do I raise my score", "What would raise it"),
        ("en", "What is my score?", "Estimated Sesame score"),
        ("zh", "我的分数是多少", "芝麻分估算"),
    ],
)
async def test_free_questions_lead_to_the_advice_or_the_score(bot, storage, lang, question, shows):
    user = bot.user(language_code=lang)
    await kit_answer_quick(user, lang=lang)  # the second choice of each question asked
    calls = await user.send(question)
    assert shows in plain(calls[0].text)


async def test_a_free_question_during_the_check_is_answered_and_the_question_comes_back(bot, storage):
    user = bot.user()
    await answer_quick(user, count=2)
    before = await state(storage, user.id)
    calls = await user.send("what is my score")
    assert "Estimated Sesame score" in plain(calls[0].text)
    assert QUICK[2].en in calls[-1].text and "didn't recognise" not in calls[-1].text
    assert (await storage.dialog(user.id)).question_id == QUICK_IDS[2]
    assert before[0] == await storage.answers(user.id)


async def test_cancel_with_nothing_answered_says_so(bot, storage):
    user = bot.user()
    await user.send("/start")
    calls = await user.send("/cancel")
    assert "You had not answered anything yet, so nothing is stored" in calls[0].text
    assert "/score" not in calls[0].text


async def test_a_question_skipped_and_asked_again_shows_its_own_place(bot, storage):
    user = bot.user()
    await user.send("/start")
    await user.tap(QUICK[0].choices[0].en)
    await user.send("/skip")  # the second question stays unanswered
    for question in QUICK[2:]:
        await user.tap(question.choices[0].en)
    calls = await user.send("/start")
    assert "Welcome back" in calls[0].text
    assert f"Quick check · 2/{len(QUICK)}" in calls[-1].text and QUICK[1].en in calls[-1].text


async def test_card_counts_are_shown_in_natural_order_and_stored_by_value(bot, storage):
    user = bot.user()
    await user.send("/start")
    cards = QUESTION_BY_ID["credit_cards"]
    for question in QUICK[: QUICK_IDS.index("credit_cards")]:
        calls = await user.tap(question.choices[-1].en)
    asked = last_question(calls)
    assert asked.labels == ["None", "1-2", "3-5", "6 or more"]
    assert [c.en for c in cards.choices][0] == "6 or more"  # data keeps the score order
    await user.tap("6 or more")
    assert (await storage.answers(user.id))["credit_cards"] == "six_plus"


async def test_start_welcomes_with_the_disclaimer_then_asks_the_first_quick_question(bot):
    calls = await bot.user(language_code="en").send("/start")
    assert [c.method for c in calls] == ["sendMessage", "sendMessage"]
    welcome, question = calls
    assert "Welcome to Sesame Advisor" in welcome.text
    assert plain(render("en", "_disclaimer.txt.j2")) in plain(welcome.text)
    first = QUESTION_BY_ID[QUICK_IDS[0]]
    assert first.en in question.text and f"1/{len(QUICK_IDS)}" in question.text
    assert question.labels == [c.en for c in first.choices]
    assert question.params["parse_mode"] == "HTML"


async def test_start_speaks_chinese_to_a_chinese_client(bot):
    calls = await bot.user(language_code="zh-hans").send("/start")
    assert "欢迎使用芝麻分助手" in calls[0].text
    assert QUESTION_BY_ID[QUICK_IDS[0]].zh in calls[1].text
    assert calls[1].labels[0] == QUESTION_BY_ID[QUICK_IDS[0]].choices[0].zh


@pytest.mark.parametrize("code", ["de", None, "ru"])
async def test_other_client_languages_get_english(bot, code):
    calls = await bot.user(language_code=code).send("/start")
    assert "Welcome to Sesame Advisor" in calls[0].text


async def test_start_again_mid_quick_check_continues_at_the_same_question(bot):
    user = bot.user()
    await user.send("/start")
    await user.tap(QUESTION_BY_ID[QUICK_IDS[0]].choices[1].en)
    calls = await user.send("/start")
    assert "Welcome back" in calls[0].text
    assert QUESTION_BY_ID[QUICK_IDS[1]].en in calls[1].text and f"2/{len(QUICK_IDS)}" in calls[1].text


class HeldQuestions(RecordingRequest):
    """A process whose question messages wait at the network until ``release`` is set."""

    def __init__(self):
        super().__init__()
        self.release = asyncio.Event()

    async def do_request(self, url, method, request_data=None, **kwargs):
        if url.endswith("/sendMessage") and request_data and "reply_markup" in dict(request_data.parameters):
            await asyncio.wait_for(self.release.wait(), 10)
        return await super().do_request(url, method, request_data, **kwargs)


async def test_two_start_at_once_from_two_processes_ask_one_first_question(database, storage):
    """Issue 10, item 5: several webhook processes make two /start of a new user at once likely.

    Process A is still sending the first question when B handles the second /start: B must
    neither fail nor ask again. Then, in free-running rounds, no /start fails and every question
    message shown carries the live buttons.
    """
    other = await database.open()
    held = HeldQuestions()
    first, second = await BotUnderTest.start(storage, held), await BotUnderTest.start(other)
    try:
        user_id = 330000
        a = asyncio.ensure_future(first.user(user_id).send("/start"))
        while (await storage.dialog(user_id)) is None:
            await asyncio.sleep(0.01)
        b_calls = await second.user(user_id).send("/start")
        held.release.set()
        a_calls = await a
        questions = [c for c in a_calls + b_calls if c.method == "sendMessage" and c.buttons]
        assert len(questions) == 1 and b_calls == [], [c.method for c in b_calls]
        assert (await storage.dialog(user_id)).nonce in questions[0].buttons[0][0][1]

        for round_ in range(1, 6):
            user_id = 330000 + round_
            calls = await asyncio.gather(first.user(user_id).send("/start"), second.user(user_id).send("/start"))
            questions = [c for batch in calls for c in batch if c.method == "sendMessage" and c.buttons]
            live = (await storage.dialog(user_id)).nonce
            assert 1 <= len(questions) <= 2 and all(live in q.buttons[0][0][1] for q in questions), round_
        assert not first.errors and not second.errors
    finally:
        await first.stop()
        await second.stop()
        await other.close()


async def test_the_disclaimer_comes_once_per_burst_and_short_after_the_first_time(bot):
    user = bot.user()
    full, short = render("en", "_disclaimer.txt.j2"), render("en", "_disclaimer.txt.j2", brief_disclaimer=True)
    first = await user.send("/start")
    assert full in plain(first[0].text)  # a newcomer reads it in full
    await user.send("/skip")
    for question in QUICK[1:]:
        finished = await user.tap(question.choices[0].en)
    assert full in plain(finished[-2].text)  # the first estimate: in full
    again = await user.send("/start")  # the skipped question is asked again
    assert plain(again[0].text).count(short) == 1 and full not in plain(again[0].text)
    done = await user.tap(QUICK[0].choices[0].en)
    assert short in plain(done[-2].text)
    resumed = await user.send("/start")  # nothing left: the welcome and the score, one disclaimer in all
    texts = [plain(c.text) for c in resumed if c.method == "sendMessage"]
    assert "Welcome back" in texts[0] and sum(t.count(short) + t.count(full) for t in texts) == 1


# ---- "I don't know" (QA 10): /skip, or the question's own "I don't know" answer ---------------
DONT_KNOW = {"en": ("I don't know", "i dunno", "Not sure!"), "zh": ("不知道", "我也不太清楚呢", "不记得了")}
SKIPPED = {"en": "Skipped for now: /back goes back to it", "zh": "这题先跳过：输入 /back 可以回到这一题"}


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_i_dont_know_skips_the_question_and_says_so(bot, storage, lang):
    user = bot.user(language_code=lang)
    await user.send("/start")
    for position, typed in enumerate(DONT_KNOW[lang], start=2):
        calls = await user.send(typed)
        assert SKIPPED[lang] in calls[0].text and not calls[0].buttons
        assert QUICK[position - 1].prompt(lang) in calls[-1].text and f"{position}/{len(QUICK)}" in calls[-1].text
    assert await storage.answers(user.id) == {}


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_i_dont_know_at_a_number_question_skips_it_too(bot, storage, lang):
    user = bot.user(language_code=lang)
    await user.send("/full")
    while NUMBER_QUESTION.prompt(lang) not in last_question(bot.recorder.calls).text:
        await user.send("/skip")
    calls = await user.send(DONT_KNOW[lang][0])
    assert SKIPPED[lang] in calls[0].text and NUMBER_QUESTION.prompt(lang) not in calls[-1].text
    assert NUMBER_QUESTION.id not in await storage.answers(user.id)


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_i_dont_know_is_the_answer_where_a_question_has_one(bot, storage, lang):
    friends = QUESTION_BY_ID["friends_credit"]
    user = bot.user(language_code=lang)
    await user.send("/full")
    while friends.prompt(lang) not in last_question(bot.recorder.calls).text:
        await user.send("/skip")
    calls = await user.send(DONT_KNOW[lang][1])
    assert SKIPPED[lang] not in calls[0].text and friends.choices[0].label(lang) in plain(calls[0].text)
    assert (await storage.answers(user.id))["friends_credit"] == "unknown"


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_an_unrecognised_answer_points_to_skip(bot, storage, lang):
    user = bot.user(language_code=lang)
    await user.send("/start")
    calls = await user.send("qwerty")
    assert {"en": "Not sure? /skip leaves it for now.", "zh": "不确定的话，输入 /skip 先跳过。"}[lang] in calls[0].text
    await user.send("/full")
    while NUMBER_QUESTION.prompt(lang) not in last_question(bot.recorder.calls).text:
        await user.send("/skip")
    calls = await user.send("many")
    assert "/skip" in calls[0].text.split(NUMBER_QUESTION.prompt(lang))[0]  # in the problem, not only the footer


async def test_a_sentence_holding_dont_know_is_no_skip(bot, storage):
    user = bot.user(language_code="zh")
    await user.send("/start")
    calls = await user.send("不知道怎么提高芝麻分")  # a free question: the advice, then the same question
    assert SKIPPED["zh"] not in "".join(c.text for c in calls if c.text)
    assert (await storage.dialog(user.id)).position == 0


@pytest.mark.parametrize(
    ("lang", "asks"),
    [
        ("en", "Type a number that is in only one of them (2 is “1-3 years”, 4 is “3-5 years”), or more of its words"),
        ("zh", "请输入只在其中一个范围内的数字（比如 2 就是「1-3年」，4 就是「3-5年」），或者多输入几个字"),
    ],
)
async def test_an_ambiguous_amount_asks_for_a_number_inside_one_range_never_for_its_number(bot, storage, lang, asks):
    """QA 9: on an amount question a number is the amount, so "or its number" could never answer."""
    user = bot.user(language_code=lang)
    await user.send("/start")
    text = plain((await user.send("3"))[0].text)
    assert asks in text and "its number" not in text and "输入编号" not in text
    await user.send("4")  # as the reply says: 4 years is "3-5 years"
    assert (await storage.answers(user.id))[QUICK_IDS[0]] == "3to5"


# ---- numbers said in words (QA 8) -------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "years", "cards", "bills"),
    [("zh", "大概五六年吧", "两张", "三种"), ("en", "about six years", "two cards", "three")],
)
async def test_numbers_said_in_words_answer_as_their_digits(bot, storage, lang, years, cards, bills):
    user = bot.user(language_code=lang)
    await user.send("/start")
    calls = await user.send(years)
    assert QUICK[0].choices[3].label(lang) in plain(calls[0].text)  # 5-10 years
    for question in QUICK[1:3]:
        await user.tap(question.choices[-1].label(lang))
    await user.send(cards)
    assert (await storage.answers(user.id))["credit_cards"] == "one_two"
    await user.send("/full")
    while NUMBER_QUESTION.prompt(lang) not in last_question(bot.recorder.calls).text:
        await user.send("/skip")
    await user.send(bills)
    answers = await storage.answers(user.id)
    assert answers["account_age"] == "5to10" and answers[NUMBER_QUESTION.id] == 3


@pytest.mark.parametrize(("lang", "typed"), [("zh", "五年"), ("en", "five years")])
async def test_a_number_said_in_words_on_the_edge_of_two_ranges_is_asked_about(bot, storage, lang, typed):
    user = bot.user(language_code=lang)
    await user.send("/start")
    text = plain((await user.send(typed))[0].text)
    assert "🤔" in text and QUICK[0].choices[2].label(lang) in text and QUICK[0].choices[3].label(lang) in text
    assert await storage.answers(user.id) == {}


READ_AS_PLACE = {"en": "“3” is read as choice 3 in the list.", "zh": "「3」按选项序号理解，即第 3 项。"}
READ_AS_SUM = {
    "en": "“3” is read as the sum ¥3, not as a choice's number in the list.",
    "zh": "「3」按金额 3 元理解，不是选项序号。",
}
READ_AS_TEN_THOUSAND = {"en": "“1万” is read as the sum ¥10,000.", "zh": "「1万」按金额 10000 元理解。"}


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_typed_number_is_confirmed_with_how_it_was_read(bot, storage, lang):
    """ "3" is the third button where choices are not amounts, the amount where they are: the reply says which."""
    user = bot.user(language_code=lang)
    await user.send("/start")
    shopping, wealth = QUESTION_BY_ID["shopping"], QUESTION_BY_ID["wealth"]
    for question in QUICK[: QUICK_IDS.index("shopping")]:
        await user.tap(question.choices[-1].label(lang))
    calls = await user.send("3")
    third = shopping.display_indexes()[2]
    assert shopping.choices[third].label(lang) in plain(calls[0].text) and READ_AS_PLACE[lang] in plain(calls[0].text)
    assert (await storage.answers(user.id))["shopping"] == shopping.levels[third]
    assert wealth.prompt(lang) in plain(calls[-1].text)
    calls = await user.send("3")  # at the money question: ¥3, "Under ¥10k", not the third button
    assert wealth.label("small", lang) in plain(calls[0].text) and READ_AS_SUM[lang] in plain(calls[0].text)
    assert (await storage.answers(user.id))["wealth"] == "small"
    await user.send("/back")
    calls = await user.send("1万")  # a sum as Chinese writes it: ¥10,000 is "¥10k-100k"
    assert wealth.label("medium", lang) in plain(calls[0].text)
    assert READ_AS_TEN_THOUSAND[lang] in plain(calls[0].text)
    # Words say what they mean: nothing to add about how they were read.
    await user.send("/back")
    calls = await user.send(wealth.label("large", lang))
    confirmed = plain(calls[0].text)
    assert wealth.label("large", lang) in confirmed and "read as" not in confirmed and "理解" not in confirmed


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_money_question_says_a_sum_may_be_typed(bot, lang):
    user = bot.user(language_code=lang)
    await user.send("/start")
    for question in QUICK[: QUICK_IDS.index("wealth")]:
        calls = await user.tap(question.choices[-1].label(lang))
    said = {
        "en": "You can also type the sum itself, in yuan: 20000 means “¥10k-100k”.",
        "zh": "也可以直接输入金额（元），比如输入 20000 就是「1-10万元」。",
    }
    assert said[lang] in plain(calls[-1].text)
