"""``record_items``: what a user said about record-if-true items, kept per user and replaced when changed."""

from bot.storage import record_items


async def test_an_item_is_kept_per_user_and_a_later_answer_replaces_it(storage):
    for user in (1, 2):
        await storage.ensure_user(user, "en")
    assert await record_items.owned(storage, 1) == {}
    await record_items.set_owned(storage, 1, "vehicle", False)
    await record_items.set_owned(storage, 1, "property", True)
    await record_items.set_owned(storage, 2, "vehicle", True)
    assert await record_items.owned(storage, 1) == {"vehicle": False, "property": True}
    await record_items.set_owned(storage, 1, "vehicle", True)
    assert await record_items.owned(storage, 1) == {"vehicle": True, "property": True}
    assert await record_items.owned(storage, 2) == {"vehicle": True}
    exported = await record_items.exported(storage, 1)
    assert [(r["question_id"], r["owned"]) for r in exported] == [("property", True), ("vehicle", True)]
    assert all(r["answered_at"].endswith("+00:00") for r in exported)
