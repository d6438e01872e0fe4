"""The bill import's rows: the per-user limit over its window, old rows pruned, the password wait."""

from datetime import timedelta

from bot.flows import bill
from bot.storage import bill_imports
from bot.storage.tables import utcnow


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
