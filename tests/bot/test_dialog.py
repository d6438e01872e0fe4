"""The dialog engine without Telegram: paths, moves, validation, and state that outlives it."""

import asyncio
from dataclasses import replace

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.dialog import MAX_TEXT, Ask, Cancelled, DialogEngine, Finished, Rejected, path_questions
from scoring.questions import QUESTION_BY_ID, QUESTIONS, QUICK_IDS
from scoring.structure import contradicting, contradictions, settled

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


# ---- answers hang together: the links between questions (scoring.structure) ------------------
CARDS = QUESTION_BY_ID["credit_cards"]
REPAYMENT = QUESTION_BY_ID["card_repayment"]


async def answer(engine, ask, value, user_id=USER):
    """Tap the button of ``value``, which must be offered."""
    index = ask.question.index(value)
    assert index in ask.offered, (ask.question.id, value)
    return await engine.answer_choice(user_id, ask.question.id, index, ask.nonce)


async def quick_until(engine, question_id, user_id=USER):
    """The quick check, the first offered answer to each question before ``question_id``."""
    step = await engine.begin(user_id, "quick")
    while step.question.id != question_id:
        step = await engine.answer_choice(user_id, step.question.id, step.offered[0], step.nonce)
    return step


async def test_an_answer_an_earlier_one_rules_out_is_not_offered_nor_taken(engine, storage):
    await setup_user(storage)
    cards = await quick_until(engine, "credit_cards")
    repayment = await answer(engine, cards, "one_two")
    assert repayment.question.id == "card_repayment"
    assert REPAYMENT.index("no_cards") not in repayment.offered and len(repayment.offered) == 3
    before = await storage.answers(USER)
    ask = replace(repayment, stored=None)
    for typed in ("没有信用卡", "I have no cards"):
        step = await engine.answer_text(USER, typed)
        assert step.reason == "contradicts" and step.ask == ask
        assert step.conflict.message("en")  # names both answers
        assert {step.conflict.first_id, step.conflict.second_id} == {"credit_cards", "card_repayment"}
    # A button of it (from an older rendering of this very question) is refused as stale.
    assert await engine.answer_choice(USER, "card_repayment", REPAYMENT.index("no_cards"), ask.nonce) == Rejected(
        "stale", ask
    )
    assert await storage.answers(USER) == before


async def test_no_bills_is_not_offered_after_kinds_of_bills_nor_zero_after_a_bill_address(engine, storage):
    await setup_user(storage)
    await engine.change_answer(USER, "living_bills")
    assert isinstance(await engine.answer_text(USER, "4"), Finished)
    address = await engine.begin(USER, "full")
    while address.question.id != "bill_address":
        address = await engine.skip(USER)
    bill_address = QUESTION_BY_ID["bill_address"]
    assert [bill_address.levels[i] for i in address.offered] == ["differs", "matches"]
    step = await engine.answer_text(USER, "I pay no bills through Alipay")
    assert step.reason == "contradicts"
    assert {step.conflict.first_id, step.conflict.second_id} == {"living_bills", "bill_address"}
    assert await engine.answer_text(USER, "1") != step  # the first button offered: "Different"
    assert (await storage.answers(USER))["bill_address"] == "differs"
    # The other way round on a path: 0 kinds of bills contradicts the address given.
    await storage.forget(USER)
    await setup_user(storage)
    await engine.change_answer(USER, "bill_address")
    step = await engine.current(USER)
    await answer(engine, step, "matches")
    bills = await engine.begin(USER, "full")
    while bills.question.id != "living_bills":
        bills = await engine.skip(USER)
    assert 0 not in [NUMBER.levels[i] for i in bills.offered]
    step = await engine.answer_text(USER, "0")
    assert step.reason == "contradicts" and await storage.answers(USER) == {"bill_address": "matches"}


async def test_a_question_whose_answer_a_change_cleared_is_asked_again(engine, storage):
    """QA 3: "no cards" at the repayment question settled the skipped card count; changing it after
    /back opens the card count again, and it is asked right away, not left unanswered."""
    await setup_user(storage)
    cards = await quick_until(engine, "credit_cards")
    repayment = await engine.skip(USER)  # card count not told: "no cards" is offered here
    assert REPAYMENT.index("no_cards") in repayment.offered
    shopping = await answer(engine, repayment, "no_cards")
    assert shopping.question.id == "shopping"
    back = await engine.back(USER)
    assert back.question.id == "card_repayment" and back.current == "no_cards"
    again = await answer(engine, back, "always_on_time")
    assert again.question.id == "credit_cards" and again.current is None
    assert CARDS.index("none") not in again.offered  # cards are repaid on time: there are some
    shopping = await answer(engine, again, "one_two")
    assert shopping.question.id == "shopping"
    answers = await storage.answers(USER)
    assert answers["credit_cards"] == "one_two" and answers["card_repayment"] == "always_on_time"
    assert cards.position == 4 and shopping.position == 6  # the places on the path are the same


async def test_back_twice_and_a_new_answer_asks_the_cleared_question_before_going_on(engine, storage):
    await setup_user(storage)
    await quick_until(engine, "credit_cards")
    repayment = await engine.skip(USER)
    await answer(engine, repayment, "no_cards")
    await engine.back(USER)  # the repayment question
    loans = await engine.back(USER)  # the card count is settled: passed over, back to the loans
    assert loans.question.id == "loans"
    repayment = await answer(engine, loans, loans.current)
    assert repayment.question.id == "card_repayment"  # the card count is still settled
    cards = await answer(engine, repayment, "always_on_time")
    assert cards.question.id == "credit_cards"
    step = cards
    while isinstance(step, Ask):
        step = await engine.answer_choice(USER, step.question.id, step.offered[-1], step.nonce)
    answers = await storage.answers(USER)
    assert set(QUICK_IDS) <= set(answers) and not contradictions(answers)


async def test_cancel_on_a_change_that_asks_again_keeps_the_old_answers_exactly(engine, storage):
    """QA 2: /profile → card repayment (implied by "no cards") → "Always on time" asks the card count
    again; /cancel there leaves every answer as it was, down to when and how it was given."""
    await setup_user(storage)
    step = await engine.change_answer(USER, "credit_cards")
    assert isinstance(await answer(engine, step, "none"), Finished)
    before = (await storage.export(USER))["answers"]
    edit = await engine.change_answer(USER, "card_repayment")
    assert edit.current == "no_cards" and len(edit.offered) == len(REPAYMENT.choices)  # the change wins
    cards = await answer(engine, edit, "always_on_time")
    assert cards.question.id == "credit_cards" and cards.path == "edit" and cards.current is None
    assert CARDS.index("none") not in cards.offered
    assert (await storage.export(USER))["answers"] == before  # nothing stored yet
    assert (await storage.dialog(USER)).draft == {"card_repayment": "always_on_time"}
    assert isinstance(await engine.cancel(USER), Cancelled)
    assert (await storage.export(USER))["answers"] == before
    assert (await storage.dialog(USER)).draft is None and await engine.current(USER) is None


async def test_a_change_that_asks_again_is_stored_whole_once_they_are_answered(engine, storage):
    await setup_user(storage)
    step = await engine.change_answer(USER, "credit_cards")
    await answer(engine, step, "none")
    edit = await engine.change_answer(USER, "card_repayment")
    cards = await answer(engine, edit, "always_on_time")
    bills = await answer(engine, cards, "three_five")
    assert bills.question.id == "card_bills"  # "no cards" had settled it too
    assert await storage.answers(USER) == {"credit_cards": "none"}
    back = await engine.back(USER)  # the draft goes back with the dialog
    assert back.question.id == "credit_cards" and back.current == "three_five"
    bills = await engine.skip(USER)
    done = await answer(engine, bills, "bound")
    assert isinstance(done, Finished) and done.stored.question_id == "card_bills"
    assert await storage.answers(USER) == {
        "card_repayment": "always_on_time",
        "credit_cards": "three_five",
        "card_bills": "bound",
    }
    assert {a["source"] for a in (await storage.export(USER))["answers"]} == {"profile_edit"}
    assert (await storage.dialog(USER)).draft is None


async def test_skipping_what_a_change_asks_again_stores_the_change_without_it(engine, storage):
    await setup_user(storage)
    step = await engine.change_answer(USER, "credit_cards")
    await answer(engine, step, "none")
    cards = await answer(engine, await engine.change_answer(USER, "card_repayment"), "sometimes_late")
    await engine.skip(USER)
    assert isinstance(await engine.skip(USER), Finished)
    assert await storage.answers(USER) == {"card_repayment": "sometimes_late"}
    assert cards.question.id == "credit_cards"


# ---- a property: random walks through the questionnaire keep the answers hanging together -------
LINKED = {"credit_cards", "card_repayment", "card_bills", "living_bills", "bill_address"}
# Mostly answers (the linked questions come early: cards 4-6, bills 9-10), some moves and changes.
walk_steps = st.lists(
    st.sampled_from(
        [("tap", k) for k in range(4) for _ in range(3)]
        + [("back", 0), ("back", 0), ("skip", 0), ("skip", 0), ("start", 0), ("start", 1), ("cancel", 0)]
        + [("profile", i) for i, q in enumerate(QUESTIONS) if q.id in LINKED]
    ),
    min_size=1,
    max_size=50,
).map(lambda steps: [("start", 0), *steps])
WALKS = {"sqlite": 80, "postgresql": 12}
QA_WALK = [("start", 0), *[("tap", 0)] * 3, ("skip", 0), ("tap", 2), ("back", 0), ("tap", 3), *[("tap", 0)] * 8]
"""QA 3's walk: the card count skipped, "no cards" at the repayment, /back, "always on time": asked again."""


async def walk(engine, storage, user_id, sequence):
    await storage.forget(user_id)
    await setup_user(storage, user_id)
    skipped: set[str] = set()
    running = None
    for action, argument in sequence:
        dialog = await storage.dialog(user_id)
        ask = await engine.current(user_id)
        if action == "start":
            step = await engine.begin(user_id, ("quick", "full")[argument])
            if isinstance(step, Ask) and (running is None or step.path != running):
                skipped = set()
        elif action == "profile":
            step = await engine.change_answer(user_id, QUESTIONS[argument].id)
            skipped = set()
        elif ask is None:
            continue
        elif action == "tap":
            working = dialog.draft if dialog.draft is not None else await storage.answers(user_id)
            later = set(dialog.queue[dialog.position + 1 :])
            binding = {q: v for q, v in working.items() if q not in later and q != ask.question.id}
            index = ask.offered[argument % len(ask.offered)]
            step = await engine.answer_choice(user_id, ask.question.id, index, ask.nonce)
            skipped.discard(ask.question.id)
            if not (ask.path == "edit" and dialog.position == 0):
                # An answer offered never rewrites one it must respect ("silently", QA 3).
                fresh = await storage.dialog(user_id)
                now = fresh.draft if fresh is not None and fresh.draft is not None else await storage.answers(user_id)
                assert {q: now.get(q) for q in binding} == binding, (ask.question.id, binding, now)
        elif action == "back":
            step = await engine.back(user_id)
        elif action == "skip":
            skipped.add(ask.question.id)
            step = await engine.skip(user_id)
        else:
            step = await engine.cancel(user_id)
        running = step.path if isinstance(step, Ask) else None
        answers = await storage.answers(user_id)
        # A skipped question an answer settled since is open again only if it is asked again.
        skipped = {q for q in skipped if q not in answers and not settled(q, answers)}
        assert not contradictions(answers), answers
        fresh = await storage.dialog(user_id)
        if fresh is not None and fresh.draft is not None:
            assert not contradictions(fresh.draft) and fresh.path == "edit"
        if isinstance(step, Ask):
            later = set(fresh.queue[fresh.position + 1 :])
            working = fresh.draft if fresh.draft is not None else answers
            binding = {q: v for q, v in working.items() if q not in later}
            if not (step.path == "edit" and fresh.position == 0):
                for index in step.offered:
                    assert contradicting(step.question.id, step.question.levels[index], binding) is None
            assert step.offered and set(step.offered) <= set(step.question.display_indexes())
        if isinstance(step, Finished) and step.path != "edit":
            # Every question of the path is answered, settled by an answer, or was skipped when asked last.
            ids = QUICK_IDS if step.path == "quick" else tuple(q.id for q in QUESTIONS)
            left = [q for q in ids if q not in answers and not settled(q, answers) and q not in skipped]
            assert not left, (left, skipped, answers)


def test_random_walks_offer_only_consistent_answers_and_leave_none_unasked(database):
    loop = asyncio.new_event_loop()
    storage = loop.run_until_complete(database.open())
    engine = DialogEngine(storage)

    @settings(max_examples=WALKS[database.backend], deadline=None, database=None)
    @given(walk_steps)
    @example(QA_WALK)
    def property(sequence):
        loop.run_until_complete(walk(engine, storage, 7777, sequence))

    try:
        property()
    finally:
        loop.run_until_complete(storage.close())
        loop.close()
