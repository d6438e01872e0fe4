"""One user's rows read once per update and written through, on SQLite and PostgreSQL."""

import asyncio
from datetime import UTC, datetime

import pytest

from bot.storage import NewAnswer, Snapshot
from bot.storage.unit import UserUnit
from tests.bot.db_work import DbWork

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def postgres(storage) -> bool:
    return storage.engine.dialect.name == "postgresql"


@pytest.fixture
def work(storage):
    counter = DbWork().attach(storage)
    yield counter
    counter.detach()


async def test_load_user_reads_language_dialog_and_answers_in_one_statement(storage, work):
    await storage.ensure_user(1, "zh")
    await storage.start_dialog(1, "quick", ("income", "insurance"), "n1", expected_nonce=None)
    await storage.step(1, "n1", path="quick", position=1, nonce="n2", answer=NewAnswer("income", "stable", "button"))
    work.take()
    rows = await storage.load_user(1, "en")
    assert work.take() == (1, 0)
    assert rows.language == "zh"
    assert rows.answers == {"income": "stable"}
    assert rows.dialog is not None and (rows.dialog.queue, rows.dialog.position, rows.dialog.nonce) == (
        ("income", "insurance"),
        1,
        "n2",
    )


async def test_load_user_creates_a_first_time_user_with_no_dialog(storage, work):
    rows = await storage.load_user(7, "en")
    assert (rows.language, rows.dialog, rows.answers) == ("en", None, {})
    assert await storage.user_language(7) == "en"
    # A known user with no answers and no dialog is still found by the join.
    assert (await storage.load_user(7, "zh")).language == "en"


async def test_an_answer_and_its_step_are_two_statements_in_one_transaction(storage, work):
    await storage.ensure_user(1, "en")
    await storage.start_dialog(1, "quick", ("income", "insurance"), "n1", expected_nonce=None)
    work.take()
    assert await storage.step(1, "n1", path="quick", position=1, nonce="n2", answer=NewAnswer("income", "none", "x"))
    # PostgreSQL: one statement (the answer inserted only if the guarded step matched), a transaction by itself.
    assert work.take() == ((1, 0) if postgres(storage) else (2, 1))
    # The same question answered again (after /back) replaces the answer: an upsert, not a second row.
    await storage.step(1, "n2", path="quick", position=0, nonce="n3")
    await storage.step(1, "n3", path="quick", position=1, nonce="n4", answer=NewAnswer("income", "stable", "x"))
    assert await storage.answers(1) == {"income": "stable"}
    assert (await storage.count_rows(1))["answers"] == 1


async def test_the_unit_reads_once_and_answers_later_reads_from_what_it_holds(storage, work):
    await storage.ensure_user(1, "en")
    await storage.start_dialog(1, "quick", ("income", "insurance"), "n1", expected_nonce=None)
    work.take()
    unit = await UserUnit.load(storage, 1, "en")
    assert await unit.ensure_user(1, "en") == "en"
    assert (await unit.dialog(1)).nonce == "n1"
    assert await unit.answers(1) == {}
    assert work.take() == (1, 0)

    assert await unit.step(1, "n1", path="quick", position=1, nonce="n2", answer=NewAnswer("income", "none", "x"))
    # SQLite: committed with the rest of the update's writes; PostgreSQL: one statement, its own transaction.
    assert work.take() == ((1, 0) if postgres(storage) else (2, 0))
    assert await unit.answers(1) == {"income": "none"}
    dialog = await unit.dialog(1)
    assert (dialog.position, dialog.nonce, dialog.message_id) == (1, "n2", None)
    assert work.take() == (0, 0)
    await unit.commit()
    assert work.take() == ((0, 0) if postgres(storage) else (0, 1))
    # What the unit holds is what the database holds.
    assert await storage.answers(1) == {"income": "none"}
    assert await storage.dialog(1) == dialog


async def test_a_refused_step_makes_the_unit_read_again(storage):
    await storage.ensure_user(1, "en")
    await storage.start_dialog(1, "quick", ("income", "insurance"), "n1", expected_nonce=None)
    async with await UserUnit.load(storage, 1, "en") as unit:
        # Another process answers first.
        await storage.step(1, "n1", path="quick", position=1, nonce="other", answer=NewAnswer("income", "none", "x"))
        assert not await unit.step(
            1, "n1", path="quick", position=1, nonce="n2", answer=NewAnswer("income", "stable", "x")
        )
        assert (await unit.dialog(1)).nonce == "other"
        assert await unit.answers(1) == {"income": "none"}


async def test_the_unit_keeps_language_message_and_forget_in_step(storage):
    await storage.ensure_user(1, "en")
    await storage.start_dialog(1, "full", ("living_bills",), "n1", expected_nonce=None)
    async with await UserUnit.load(storage, 1, "en") as unit:
        await unit.question_shown(1, "n1", 42)
        await unit.set_language(1, "zh")
        await unit.set_timezone(1, "Europe/Berlin")
        assert (await unit.dialog(1)).message_id == 42
        assert unit.language == "zh" and await unit.timezone(1) == "Europe/Berlin"
    assert (await storage.dialog(1)).message_id == 42
    assert await storage.user_language(1) == "zh" and await storage.timezone(1) == "Europe/Berlin"
    async with await UserUnit.load(storage, 1, "en") as unit:
        await unit.forget(1)
        assert await unit.answers(1) == {} and await unit.dialog(1) is None
    assert await storage.user_language(1) is None
    # Another user's rows, and everything else, are the storage's own.
    await storage.ensure_user(2, "en")
    async with await UserUnit.load(storage, 1, "en") as unit:
        assert await unit.user_language(2) == "en"
        assert await unit.snapshots(1) == []


async def test_the_writes_of_an_update_are_one_transaction(storage, work):
    await storage.ensure_user(1, "en")
    await storage.start_dialog(1, "quick", ("income",), "n1", expected_nonce=None)
    async with await UserUnit.load(storage, 1, "en") as unit:
        assert not await unit.has_snapshot(1) and await unit.snapshots(1) == [] and await unit.reports(1) == []
        work.take()
        await unit.step(1, "n1", path=None, position=1, nonce="n2", answer=NewAnswer("income", "none", "x"))
        await unit.add_snapshot(1, Snapshot(600, "good", 550, 650, {}, "v1", NOW), checkin=(1, 600))
        assert await unit.has_snapshot(1)
    # The answer with its step (2), the snapshot, the check-in's schedule and its first occurrence
    # (3; the zone came with the user's rows), in one commit.
    assert work.take() == (5, 1)
    assert await storage.answers(1) == {"income": "none"}
    assert [s.score for s in await storage.snapshots(1)] == [600]
    assert [s.kind for s in await storage.schedules(1)] == ["checkin"]
    assert [r.action_id for r in await storage.pending_reminders(1)] == ["checkin:0"]


async def test_an_update_that_fails_stores_nothing(storage):
    await storage.ensure_user(1, "en")
    await storage.start_dialog(1, "quick", ("income", "insurance"), "n1", expected_nonce=None)
    with pytest.raises(RuntimeError):
        async with await UserUnit.load(storage, 1, "en") as unit:
            # The last answer (its score's writes would follow), or any step of the check on SQLite.
            await unit.step(1, "n1", path=None, position=2, nonce="n2", answer=NewAnswer("income", "none", "x"))
            raise RuntimeError("the flow failed before its replies were ready")
    assert await storage.answers(1) == {}
    assert (await storage.dialog(1)).nonce == "n1"


async def test_a_concurrent_step_waits_for_the_update_and_is_then_refused(storage):
    """The nonce guard across connections: the update's step holds the dialog until it commits."""
    await storage.ensure_user(1, "en")
    await storage.start_dialog(1, "quick", ("income", "insurance"), "n1", expected_nonce=None)
    async with await UserUnit.load(storage, 1, "en") as unit:
        # The last question's answer: the score's writes follow in the same transaction.
        await unit.step(1, "n1", path=None, position=2, nonce="n2", answer=NewAnswer("income", "none", "x"))
        other = asyncio.create_task(
            storage.step(1, "n1", path="quick", position=1, nonce="n3", answer=NewAnswer("income", "stable", "y"))
        )
        await asyncio.sleep(0.2)
        assert not other.done()  # waiting for the update's transaction
    assert not await other
    assert await storage.answers(1) == {"income": "none"}
    assert (await storage.dialog(1)).nonce == "n2"


async def test_a_step_of_one_statement_is_refused_as_a_step_in_a_transaction(storage):
    await storage.ensure_user(1, "en")
    await storage.start_dialog(1, "quick", ("income", "insurance"), "n1", expected_nonce=None)
    assert await storage.step(1, "n1", path="quick", position=1, nonce="n2", answer=NewAnswer("income", "none", "x"))
    # A second tap on the same button (or another process's): nothing stored, nothing moved.
    assert not await storage.step(
        1, "n1", path="quick", position=1, nonce="n3", answer=NewAnswer("income", "stable", "x")
    )
    assert await storage.answers(1) == {"income": "none"}
    assert (await storage.dialog(1)).nonce == "n2"


async def test_other_storage_work_joins_the_update_in_a_savepoint_of_its_own(storage):
    """No wait on a lock the update holds itself; a duplicate another method catches undoes only its part."""
    await storage.ensure_user(1, "en")
    await storage.start_dialog(1, "quick", ("income", "insurance"), "n1", expected_nonce=None)
    await storage.set_reminder(1, "pay_on_time", NOW)
    async with await UserUnit.load(storage, 1, "en") as unit:
        await unit.step(1, "n1", path="quick", position=1, nonce="n2", answer=NewAnswer("income", "none", "x"))
        assert not await unit.set_reminder(1, "pay_on_time", NOW)  # already pending: refused
        assert await unit.set_reminder(1, "use_huabei", NOW)
        assert await unit.answers(1) == {"income": "none"}
    assert await storage.answers(1) == {"income": "none"}
    assert sorted(r.action_id for r in await storage.pending_reminders(1)) == ["pay_on_time", "use_huabei"]
