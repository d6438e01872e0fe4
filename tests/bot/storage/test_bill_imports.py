"""The bill import's rows: the per-user limit over its window, old rows pruned, the password wait, the confirmation.

On SQLite and PostgreSQL (the ``storage`` fixture), like every storage test.
"""

from datetime import timedelta

import pytest

from bot.flows import bill
from bot.storage import NewAnswer, bill_imports
from bot.storage.tables import utcnow
from bot.storage.unit import UserUnit


async def test_the_limit_counts_only_the_window(storage):
    now = utcnow()
    await storage.ensure_user(1, "en")
    for _ in range(bill.MAX_IMPORTS):
        assert await bill_imports.offered(storage, 1, now - timedelta(minutes=2), bill.WINDOW, bill.MAX_IMPORTS)
    assert await bill_imports.offered(storage, 1, now, bill.WINDOW, bill.MAX_IMPORTS) is None  # full
    later = now + bill.WINDOW - timedelta(minutes=1)  # the five are 11 minutes old then
    assert await bill_imports.offered(storage, 1, later, bill.WINDOW, bill.MAX_IMPORTS)
    assert len(await bill_imports.exported(storage, 1)) == bill.MAX_IMPORTS + 1  # a refusal records nothing


async def test_rows_older_than_a_day_go_when_the_next_file_comes(storage):
    now = utcnow()
    await storage.ensure_user(1, "en")
    await storage.ensure_user(2, "en")
    await bill_imports.offered(storage, 1, now - timedelta(days=2), bill.WINDOW, 100)
    await bill_imports.offered(storage, 1, now - timedelta(hours=23), bill.WINDOW, 100)
    await bill_imports.offered(storage, 2, now - timedelta(days=2), bill.WINDOW, 100)
    await bill_imports.offered(storage, 1, now, bill.WINDOW, 100)
    rows = await bill_imports.exported(storage, 1)
    assert len(rows) == 2  # the two-day-old row went; the 23-hour-old one and the new one stay
    assert len(await bill_imports.exported(storage, 2)) == 1  # only the sender's own rows


async def test_the_newest_wait_for_a_password_is_found_and_a_new_file_replaces_it(storage):
    now = utcnow()
    await storage.ensure_user(1, "en")
    first = await bill_imports.offered(storage, 1, now, bill.WINDOW, 100)
    assert first is not None
    await bill_imports.set_status(storage, 1, first, "password", nonce="abcdef")
    assert await bill_imports.awaiting_password(storage, 1, now - timedelta(minutes=10)) == (first, "abcdef")
    assert await bill_imports.awaiting_password(storage, 1, now + timedelta(seconds=1)) is None  # too old
    assert await bill_imports.awaiting_password(storage, 2, now - timedelta(minutes=10)) is None  # another user
    await bill_imports.offered(storage, 1, now, bill.WINDOW, 100)
    assert await bill_imports.awaiting_password(storage, 1, now - timedelta(minutes=10)) is None


async def found_import(storage, user_id: int, answers: dict) -> int:
    """An import read and waiting for the user's confirmation (nonce ``abcdef``)."""
    import_id = await bill_imports.offered(storage, user_id, utcnow(), bill.WINDOW, 100)
    assert import_id is not None
    await bill_imports.set_status(storage, user_id, import_id, "found", nonce="abcdef", answers=answers)
    return import_id


async def test_applied_in_an_update_the_unit_holds_the_new_answers_and_commits_them_with_the_update(storage):
    await storage.ensure_user(1, "en")
    await storage.replace_answers(1, {"huabei": "none", "bill_address": "no_bills", "income": "stable"}, "button")
    import_id = await found_import(storage, 1, {"huabei": "on_time"})
    store = [NewAnswer("huabei", "on_time", "bill"), NewAnswer("living_bills", 3, "bill")]
    async with await UserUnit.load(storage, 1, "en") as unit:
        assert await bill_imports.apply(unit, 1, import_id, "abcdef", store, ["bill_address"])
        # What the rest of the update reads is the imported profile, not the one it started with...
        assert await unit.answers(1) == {"huabei": "on_time", "living_bills": 3, "income": "stable"}
        # ...in the update's transaction: nothing of it is seen outside before the update's replies are ready.
        assert await storage.answers(1) == {"huabei": "none", "bill_address": "no_bills", "income": "stable"}
        assert not await bill_imports.apply(unit, 1, import_id, "abcdef", store, [])  # the import is closed
    assert await storage.answers(1) == {"huabei": "on_time", "living_bills": 3, "income": "stable"}
    sources = {a["question_id"]: a["source"] for a in (await storage.export(1))["answers"]}
    assert sources == {"huabei": "bill", "living_bills": "bill", "income": "button"}
    assert [r["status"] for r in await bill_imports.exported(storage, 1)] == ["applied"]


async def test_an_update_that_fails_after_the_import_stores_none_of_it(storage):
    before = {"huabei": "none", "bill_address": "no_bills"}
    await storage.ensure_user(1, "en")
    await storage.replace_answers(1, before, "button")
    import_id = await found_import(storage, 1, {"huabei": "on_time"})
    store = [NewAnswer("huabei", "on_time", "bill"), NewAnswer("living_bills", 3, "bill")]
    with pytest.raises(RuntimeError):
        async with await UserUnit.load(storage, 1, "en") as unit:
            assert await bill_imports.apply(unit, 1, import_id, "abcdef", store, ["bill_address"])
            raise RuntimeError("the flow failed before its replies were ready")
    # Nothing half written: the answers are as before and the import still waits for its confirmation.
    assert await storage.answers(1) == before
    assert [r["status"] for r in await bill_imports.exported(storage, 1)] == ["found"]
    assert await bill_imports.found(storage, 1, import_id, "abcdef") is not None
    # So a second tap applies it.
    assert await bill_imports.apply(storage, 1, import_id, "abcdef", store, ["bill_address"])
    assert await storage.answers(1) == {"huabei": "on_time", "living_bills": 3}


async def test_a_stale_import_stores_nothing_and_the_unit_keeps_its_answers(storage):
    await storage.ensure_user(1, "en")
    await storage.replace_answers(1, {"huabei": "none"}, "button")
    import_id = await found_import(storage, 1, {"huabei": "on_time"})
    assert await bill_imports.close(storage, 1, import_id, "abcdef", "cancelled")
    async with await UserUnit.load(storage, 1, "en") as unit:
        assert not await bill_imports.apply(unit, 1, import_id, "abcdef", [NewAnswer("huabei", "on_time", "bill")], [])
        assert not await bill_imports.apply(unit, 1, import_id, "wrong!", [NewAnswer("huabei", "on_time", "bill")], [])
        assert await unit.answers(1) == {"huabei": "none"}
    assert await storage.answers(1) == {"huabei": "none"}
    assert not await bill_imports.close(storage, 1, import_id, "abcdef", "cancelled")  # a second cancel tap
