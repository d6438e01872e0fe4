"""Database work per update, counted with SQLAlchemy's engine events on SQLite and PostgreSQL.

A count, not a timing. An answer tap in the quick check reads what it needs in one statement and
writes the answer with the next step in one transaction (SQLite: 3 statements, 1 commit; PostgreSQL:
2 statements, the write one statement that is its own transaction). The tap that
finishes the check also shows the first score: the user's rows said there is no snapshot and no
report to read, and the zone the check-in needs came with them, so it only adds the snapshot and
the check-in it starts (schedule and first occurrence), in the answer's transaction. ``/start``
creates the user and the dialog in one transaction; ``/score`` and ``/advice`` read the last snapshot
(each records the estimate it states when it differs) and here write nothing. Confirming a bill
import stores its answers and the estimate it shows in the update's one transaction.

On SQLite every update checks out one pooled connection: the one that read the user's rows goes
on to carry the update's transaction.
"""

import pytest

from bot.screens import button_label
from scoring.questions import QUESTION_BY_ID
from tests.bot.db_work import DbWork
from tests.bot.flows.test_goal_reached import SHOPPING, SHOPPING_NUMBER, TMALL, quick_check
from tests.bot.telegram_testkit import BotUnderTest, answer_quick, quick_answers
from tests.scoring.alipay_bill import exports

# A year of bills inside the last 12 months of the bot's clock, so its repayments count too.
CSV = exports.render(exports.active(exports.recent_start()), "app_2023")


async def test_each_update_of_a_first_check_asks_the_database_only_what_it_needs(storage):
    bot = await BotUnderTest.start(storage)
    work = DbWork().attach(storage)
    try:
        user = bot.user(555001, "en")
        await user.send("/start")
        start = work.take_all()
        per_tap = []
        for qid, value in quick_answers().items():  # no credit card: the repayment question is not asked
            question = QUESTION_BY_ID[qid]
            await user.tap(question.choices[question.levels.index(value)].label("en"))
            per_tap.append(work.take_all())
        await user.send("/score")
        score = work.take_all()
        await user.send("/advice")
        advice = work.take_all()
    finally:
        work.detach()
        await bot.stop()
    assert bot.errors == []
    assert await storage.answers(555001) == quick_answers()
    assert len(await storage.snapshots(555001)) == 1
    assert [s.kind for s in await storage.schedules(555001)] == ["checkin"]
    # A first contact: the user's rows read (none), the user and the dialog inserted.
    postgres = storage.engine.dialect.name == "postgresql"
    if not postgres:
        assert {start[2], score[2], advice[2]} | {tap[2] for tap in per_tap} == {1}, (start, per_tap, score, advice)
    start, score, advice = start[:2], score[:2], advice[:2]
    per_tap = [tap[:2] for tap in per_tap]
    assert start == (3, 1), start
    *asking, finishing = per_tap
    # The user's rows, then the guarded step and the answer: on PostgreSQL one statement (the answer
    # inserted only when the step matched), a transaction by itself; on SQLite two, then the commit.
    assert set(asking) == ({(2, 0)} if postgres else {(3, 1)}), per_tap
    # The step, the answer, the snapshot, the check-in's schedule and its first occurrence: one commit.
    assert finishing == (6, 1), per_tap
    # The user's rows, then the last snapshot (to tell whether the score moved): unchanged, so nothing kept.
    assert score == (2, 0), score
    # The user's rows, the record-if-true items the advice counts, and the last snapshot: /advice
    # states the estimate too, so it is recorded as shown unless it is the one shown last (it is).
    assert advice == (3, 0), advice


async def test_a_bill_import_is_confirmed_in_the_update_s_one_transaction(storage):
    bot = await BotUnderTest.start(storage)
    try:
        user = bot.user(555002, "en")
        await answer_quick(user)
        await user.send_document(CSV, "alipay.csv")
        work = DbWork().attach(storage)
        try:
            await user.tap(button_label("en", "bill_confirm"))
            confirm = work.take_all()
        finally:
            work.detach()
    finally:
        await bot.stop()
    assert bot.errors == []
    assert (await storage.snapshots(555002, limit=1))[0].answers == await storage.answers(555002)
    # The user's rows, the import waiting for this tap; then, in the update's one transaction, the
    # import closed (UPDATE ... RETURNING), the answer the bill contradicts deleted, the bill's answers
    # upserted (one executemany), the last snapshot read and the new estimate kept, and the goal read
    # once, both to count its planned actions done and to tell whether the bill reached it (none
    # here): 8 statements, one commit, on one connection on SQLite (PostgreSQL: the reads' autocommit
    # one, then the transaction's). It was 9 when the "reached" check read the goal again, and 25
    # statements and 2 commits when the import wrote past the update's unit, the ORM reading each
    # answer before writing it and the import committing before the update's replies were ready.
    postgres = storage.engine.dialect.name == "postgresql"
    assert confirm == (8, 1, 2 if postgres else 1), confirm
    assert work.verbs_on("goals") == ["SELECT"], work.sql


@pytest.mark.parametrize("reaches", [True, False])
async def test_a_profile_change_reads_the_goal_once_for_its_progress_and_for_reached(storage, reaches):
    """The new estimate counts the goal's planned actions done and tells whether it reached the goal: one read."""
    bot = await BotUnderTest.start(storage)
    try:
        user = bot.user(555003, "en")
        scores = await quick_check(user, storage, "en")
        await user.send(f"/goal {scores[TMALL] if reaches else scores[TMALL] + 1}")
        await user.send("/profile")
        await user.tap(SHOPPING_NUMBER)
        work = DbWork().attach(storage)
        try:
            calls = await user.tap(SHOPPING.choices[SHOPPING.levels.index(TMALL)].label("en"))
        finally:
            work.detach()
    finally:
        await bot.stop()
    assert bot.errors == []
    assert any(c.method == "sendPhoto" for c in calls)  # the reply showed the new estimate
    assert ((await storage.goal(555003)) is None) == reaches
    # The goal read once, for the actions the answers show done and for "reached"; then marking the
    # Tmall action done locks its row (SELECT ... FOR UPDATE; SQLite leaves out the FOR UPDATE) and
    # updates it; a goal reached is deleted. Two more reads before: the goal again after marking
    # the action done, and once more to tell whether it was reached.
    assert work.verbs_on("goals") == ["SELECT", "SELECT", "UPDATE", *(["DELETE"] if reaches else [])], work.sql
