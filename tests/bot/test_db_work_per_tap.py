"""Database work per answer tap, counted with SQLAlchemy's engine events on SQLite and PostgreSQL.

A count, not a timing: an answer tap in the quick check reads what it needs in one statement and
writes the answer with the next step in one transaction (at most 3 statements, 1 commit). The tap
that finishes the check also shows the score, which reads the reports and the last snapshot and
keeps the first snapshot together with the monthly check-in it starts.
"""

from scoring.questions import QUESTION_BY_ID
from tests.bot.db_work import DbWork
from tests.bot.telegram_testkit import BotUnderTest, quick_answers


async def test_an_answer_tap_is_at_most_three_statements_and_one_commit(storage):
    bot = await BotUnderTest.start(storage)
    work = DbWork().attach(storage)
    try:
        user = bot.user(555001, "en")
        await user.send("/start")
        per_tap = []
        for qid, value in quick_answers().items():  # no credit card: the repayment question is not asked
            work.take()
            question = QUESTION_BY_ID[qid]
            await user.tap(question.choices[question.levels.index(value)].label("en"))
            per_tap.append(work.take())
    finally:
        work.detach()
        await bot.stop()
    assert bot.errors == []
    assert await storage.answers(555001) == quick_answers()
    *asking, finishing = per_tap
    for statements, commits in asking:
        assert statements <= 3 and commits <= 1, per_tap
    # The last tap is an answer and the first score: the answer's 3/1, reading the user's real-score
    # reports (the calibration) and the last snapshot, then one transaction keeping the snapshot and
    # starting the monthly check-in (the user's zone read, the schedule and its first occurrence).
    assert finishing[0] <= 9 and finishing[1] <= 2, per_tap
