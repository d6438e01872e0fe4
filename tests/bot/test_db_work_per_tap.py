"""Database work per answer tap, counted with SQLAlchemy's engine events on SQLite and PostgreSQL.

A count, not a timing: an answer tap in the quick check reads what it needs in one statement and
writes the answer with the next step in one transaction (at most 3 statements, 1 commit). The tap
that finishes the check also shows the score, which reads and keeps a score snapshot.
"""

from scoring.questions import QUESTION_BY_ID, QUICK_IDS
from tests.bot.db_work import DbWork
from tests.bot.telegram_testkit import BotUnderTest


async def test_an_answer_tap_is_at_most_three_statements_and_one_commit(storage):
    bot = await BotUnderTest.start(storage)
    work = DbWork().attach(storage)
    try:
        user = bot.user(555001, "en")
        await user.send("/start")
        per_tap = []
        for qid in QUICK_IDS:
            work.take()
            await user.tap(QUESTION_BY_ID[qid].choices[1].label("en"))
            per_tap.append(work.take())
    finally:
        work.detach()
        await bot.stop()
    assert bot.errors == []
    assert len(await storage.answers(555001)) == len(QUICK_IDS)
    *asking, finishing = per_tap
    for statements, commits in asking:
        assert statements <= 3 and commits <= 1, per_tap
    # The last tap is an answer and a score: the answer's 3/1 plus reading and keeping the snapshot.
    assert finishing[0] <= 5 and finishing[1] <= 2, per_tap
