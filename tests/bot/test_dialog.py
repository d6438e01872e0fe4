"""The dialog engine without Telegram: paths, moves, validation, and state that outlives it."""

import asyncio
from dataclasses import replace

import pytest

from bot.dialog import MAX_TEXT, Ask, Cancelled, DialogEngine, Finished, Rejected, path_questions
from scoring.questions import QUESTION_BY_ID, QUESTIONS, QUICK_IDS

USER = 42
NUMBER = next(q for q in QUESTIONS if q.kind == "number")


@pytest.fixture
def engine(storage):
    return DialogEngine(storage)


async def setup_user(storage, user_id=USER):
    await storage.ensure_user(user_id, "en")


async def tap(engine, ask, index, user_id=USER):
    return await engine.answer_choice(user_id, ask.question.id, index, ask.nonce)


async def test_the_quick_path_asks_the_quick_questions_in_order_then_finishes(engine, storage):
    await setup_user(storage)
    step = await engine.begin(USER, "quick")
    seen = []
    while isinstance(step, Ask):
        seen.append((step.question.id, step.position, step.total))
        step = await tap(engine, step, 0)
    assert seen == [(qid, i, len(QUICK_IDS)) for i, qid in enumerate(QUICK_IDS, start=1)]
    assert isinstance(step, Finished) and step.path == "quick" and step.stored.question_id == QUICK_IDS[-1]
    assert await storage.answers(USER) == {qid: QUESTION_BY_ID[qid].levels[0] for qid in QUICK_IDS}
    assert await engine.current(USER) is None


async def test_the_full_path_continues_with_what_is_unanswered(engine, storage):
    await setup_user(storage)
    step = await engine.begin(USER, "quick")
    for _ in range(3):
        step = await tap(engine, step, 1)
    step = await engine.begin(USER, "full")
    expected = path_questions("full", await storage.answers(USER))
    assert step.question.id == expected[0] and len(expected) == len(QUESTIONS) - 3
    assert (step.position, step.total) == (4, len(QUESTIONS))  # progress counts what was answered
    assert QUICK_IDS[3] in expected and QUICK_IDS[0] not in expected


async def test_each_dimension_is_opened_once_per_path_where_its_hint_goes(engine, storage):
    """A hint about a whole dimension (the bill for behaviour) goes under its first question only."""
    await setup_user(storage)
    opened = {}
    for qid in QUICK_IDS:
        opened.setdefault(QUESTION_BY_ID[qid].dimension, qid)
    step = await engine.begin(USER, "quick")
    seen = {}
    while isinstance(step, Ask):
        seen[step.question.id] = step.opens_dimension
        if step.question.id == QUICK_IDS[6]:  # resumed, the question it was asked with keeps its flag
            assert (await engine.current(USER)).opens_dimension == step.opens_dimension
        step = await tap(engine, step, 0)
    assert {qid for qid, flag in seen.items() if flag} == set(opened.values())
    assert seen["shopping"] and not seen["wealth"]  # the quick check's two behaviour questions
    full = await engine.begin(USER, "full")
    asked = {}
    while isinstance(full, Ask):
        asked[full.question.id] = full.opens_dimension
        full = await engine.skip(USER)
    behaviour = [qid for qid in asked if QUESTION_BY_ID[qid].dimension == "behaviour"]
    assert [asked[qid] for qid in behaviour] == [True] + [False] * (len(behaviour) - 1)  # its own first one


async def test_begin_quick_continues_any_running_path_and_full_widens_the_quick_one(engine, storage):
    await setup_user(storage)
    first = await engine.begin(USER, "quick")
    again = await engine.begin(USER, "quick")
    assert again == first
    full = await engine.begin(USER, "full")
    assert full.path == "full" and full.nonce != first.nonce
    assert (await engine.begin(USER, "quick")).path == "full"


async def test_nothing_left_to_ask_finishes_at_once(engine, storage):
    await setup_user(storage)
    step = await engine.begin(USER, "full")
    while isinstance(step, Ask):
        step = await tap(engine, step, 0)
    again = await engine.begin(USER, "full")
    assert again == Finished("full")


async def test_typed_numbers(engine, storage):
    await setup_user(storage)
    ask = await engine.change_answer(USER, NUMBER.id)
    for bad, reason in [
        ("7", "out_of_range"),
        ("1.5", "out_of_range"),
        ("seven", "not_a_number"),
        ("inf", "not_a_number"),
        ("", "not_a_number"),
        ("1" * (MAX_TEXT + 1), "too_long"),
    ]:
        assert await engine.answer_text(USER, bad) == Rejected(reason, ask)
    assert await storage.answers(USER) == {}
    step = await engine.answer_text(USER, " 4 ")
    assert isinstance(step, Finished) and await storage.answers(USER) == {NUMBER.id: 4}


async def test_text_that_is_no_answer_to_a_choice_question_is_rejected(engine, storage):
    await setup_user(storage)
    ask = await engine.begin(USER, "quick")
    assert await engine.answer_text(USER, "I think about three years") == Rejected("use_buttons", ask)
    assert await engine.answer_text(USER, "-1") == Rejected("use_buttons", ask)  # not "5-10 years"
    assert await engine.answer_text(USER, "x" * 5000) == Rejected("too_long", ask)
    assert await storage.answers(USER) == {}
    huabei = await tap(engine, ask, 0)
    assert huabei.question.id == "huabei"  # its answers stand for no amount: a number is a place
    huabei = replace(huabei, stored=None)
    assert await engine.answer_text(USER, "9") == Rejected("no_choice", huabei, place=9)  # there is no ninth button
    assert await storage.answers(USER) == {"account_age": "lt1"}


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("3-5年", "3to5"),  # the exact label
        ("3-5 years", "3to5"),  # the other language's label
        ("  OVER 10 YEARS ", "gt10"),  # case and spaces do not matter
        ("ｕｎｄｅｒ", "lt1"),  # a unique start, typed full-width
        ("不到", "lt1"),
        ("年以上", "gt10"),  # words inside a label
        ("2", "1to3"),  # the second button, and 2 years
        ("２", "1to3"),  # full-width digit
        ("7", "5to10"),  # 7 years (there is no seventh button)
        ("4年", "3to5"),  # an amount with its unit is never a button's place
        ("4 yrs", "3to5"),
        ("3 to 5 yrs", "3to5"),  # a range, however written
        ("3-5yrs", "3to5"),
        ("3～5年", "3to5"),
    ],
)
async def test_a_typed_label_its_start_or_its_number_answers_a_choice_question(engine, storage, typed, value):
    await setup_user(storage)
    ask = await engine.begin(USER, "quick")
    assert ask.question.id == "account_age"
    step = await engine.answer_text(USER, typed)
    assert isinstance(step, Ask) and step.stored.value == value and step.stored.source == "typed"
    assert await storage.answers(USER) == {"account_age": value}


async def test_a_typed_start_of_several_labels_names_them_and_changes_nothing(engine, storage):
    await setup_user(storage)
    ask = await engine.begin(USER, "quick")
    ask = await tap(engine, ask, 0)
    assert ask.question.id == "huabei"
    step = await engine.answer_text(USER, "late")  # "Late several times", "Late once"
    huabei = QUESTION_BY_ID["huabei"]
    late = (huabei.index("late_often"), huabei.index("late_once"))
    assert step == Rejected("ambiguous", replace(ask, stored=None), late)
    assert await storage.answers(USER) == {"account_age": "lt1"}
    step = await engine.answer_text(USER, "late once")
    assert isinstance(step, Ask) and step.stored.value == "late_once"


async def test_yes_and_no_answer_a_yes_no_question(engine, storage):
    await setup_user(storage)
    for typed, value in [("yes", True), ("是的", True), ("否", False), ("No!", False)]:
        await engine.change_answer(USER, "provident_fund")
        step = await engine.answer_text(USER, typed)
        assert isinstance(step, Finished) and (await storage.answers(USER))["provident_fund"] is value


async def test_buttons_must_belong_to_the_question_being_asked(engine, storage):
    await setup_user(storage)
    ask = await engine.begin(USER, "quick")
    assert await engine.answer_choice(USER, ask.question.id, 0, "zzzzzz") == Rejected("stale", ask)
    assert await engine.answer_choice(USER, QUICK_IDS[4], 0, ask.nonce) == Rejected("stale", ask)
    assert await engine.answer_choice(USER, ask.question.id, 99, ask.nonce) == Rejected("forged", ask)
    assert await engine.answer_choice(USER, ask.question.id, -1, ask.nonce) == Rejected("forged", ask)
    assert await storage.answers(USER) == {} and await engine.current(USER) == ask


async def test_back_skip_cancel(engine, storage):
    await setup_user(storage)
    first = await engine.begin(USER, "quick")
    assert await engine.back(USER) == Rejected("first_question", first)
    second = await tap(engine, first, 2)
    back = await engine.back(USER)
    assert back.question == first.question and back.current == first.question.levels[2] and back.nonce != first.nonce
    skipped = await engine.skip(USER)
    assert skipped.question == second.question
    third = await engine.skip(USER)
    assert third.question.id == QUICK_IDS[2]
    assert await storage.answers(USER) == {QUICK_IDS[0]: first.question.levels[2]}
    assert await engine.cancel(USER) == Cancelled(1)
    assert await engine.current(USER) is None
    for move in (engine.back, engine.skip, engine.cancel):
        assert await move(USER) == Rejected("no_question", None)
    assert await engine.answer_text(USER, "1") == Rejected("no_question", None)
    assert await engine.answer_choice(USER, QUICK_IDS[2], 0, third.nonce) == Rejected("stale", None)


async def test_an_edit_stores_a_profile_edit(engine, storage):
    await setup_user(storage)
    ask = await engine.change_answer(USER, "income")
    assert ask.path == "edit" and ask.total == 1
    step = await tap(engine, ask, 3)
    assert step == Finished("edit", step.stored) and step.stored.source == "profile_edit"


async def test_a_new_engine_continues_the_same_conversation(engine, storage, database):
    await setup_user(storage)
    ask = await engine.begin(USER, "quick")
    ask = await tap(engine, ask, 1)
    other_storage = await database.open()
    try:
        other = DialogEngine(other_storage)
        assert await other.current(USER) == replace(ask, stored=None)
        step = await other.answer_choice(USER, ask.question.id, 0, ask.nonce)
        assert step.question.id == QUICK_IDS[2]
        assert await engine.current(USER) == replace(step, stored=None)
    finally:
        await other_storage.close()


async def test_two_taps_racing_for_one_question_store_one_answer(engine, storage, database):
    await setup_user(storage)
    ask = await engine.begin(USER, "quick")
    other_storage = await database.open()
    try:
        other = DialogEngine(other_storage)
        results = await asyncio.gather(tap(engine, ask, 0), other.answer_choice(USER, ask.question.id, 4, ask.nonce))
    finally:
        await other_storage.close()
    moved = [r for r in results if isinstance(r, Ask) and r.stored]
    assert len(moved) == 1 and any(isinstance(r, Rejected) and r.reason == "stale" for r in results)
    assert await storage.answers(USER) == {ask.question.id: moved[0].stored.value}
    assert (await engine.current(USER)).position == 2


async def test_users_do_not_share_a_dialog(engine, storage):
    await setup_user(storage, 1)
    await setup_user(storage, 2)
    a = await engine.begin(1, "quick")
    await tap(engine, a, 0, user_id=1)
    b = await engine.begin(2, "quick")
    assert b.position == 1 and await storage.answers(2) == {}
