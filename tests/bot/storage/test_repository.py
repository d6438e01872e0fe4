"""Storage queries on SQLite and PostgreSQL: users, answers, guarded steps, snapshots, export, forget."""

import asyncio
from datetime import UTC, datetime, timedelta

from bot.storage import NewAnswer, Snapshot, StoredGoal, StoredReport, bill_imports, record_items
from bot.storage.repository import UPDATE_LEASE
from bot.storage.tables import user_data_table_names


def snapshot(score):
    return Snapshot(score, "fair", score - 50, score + 50, {"credit_history": 40}, "v1", datetime.now(UTC))


async def test_a_user_keeps_the_first_language(storage):
    assert await storage.ensure_user(1, "zh") == "zh"
    assert await storage.ensure_user(1, "en") == "zh"
    await storage.set_language(1, "en")
    assert await storage.ensure_user(1, "zh") == "en"


async def test_values_of_every_kind_round_trip(storage):
    await storage.ensure_user(1, "en")
    await storage.start_dialog(1, "full", ("income", "insurance", "living_bills"), "n00001", expected_nonce=None)
    await storage.step(
        1, "n00001", path="full", position=1, nonce="n00002", answer=NewAnswer("income", "stable", "button")
    )
    await storage.step(
        1, "n00002", path="full", position=2, nonce="n00003", answer=NewAnswer("insurance", False, "button")
    )
    await storage.step(1, "n00003", path=None, position=3, nonce="n00004", answer=NewAnswer("living_bills", 6, "typed"))
    answers = await storage.answers(1)
    assert answers == {"income": "stable", "insurance": False, "living_bills": 6}
    assert answers["insurance"] is False and type(answers["living_bills"]) is int


async def test_a_step_with_an_old_nonce_changes_nothing(storage):
    await storage.ensure_user(1, "en")
    await storage.start_dialog(1, "quick", ("income",), "abcdef", expected_nonce=None)
    assert not await storage.step(
        1, "zzzzzz", path=None, position=1, nonce="x", answer=NewAnswer("income", "none", "button")
    )
    assert await storage.answers(1) == {}
    dialog = await storage.dialog(1)
    assert (dialog.nonce, dialog.position, dialog.question_id) == ("abcdef", 0, "income")


async def test_an_answer_changed_replaces_the_row(storage):
    await storage.ensure_user(1, "en")
    for previous, nonce, value in ((None, "aaaaaa", "none"), ("cccccc", "bbbbbb", "stable")):
        assert await storage.start_dialog(1, "edit", ("income",), nonce, expected_nonce=previous)
        await storage.step(
            1, nonce, path=None, position=1, nonce="cccccc", answer=NewAnswer("income", value, "profile_edit")
        )
    assert await storage.answers(1) == {"income": "stable"}
    assert (await storage.count_rows(1))["answers"] == 1


async def test_the_question_message_is_remembered_only_for_the_current_question(storage):
    await storage.ensure_user(1, "en")
    await storage.start_dialog(1, "quick", ("income",), "abcdef", expected_nonce=None)
    await storage.question_shown(1, "abcdef", 77)
    await storage.question_shown(1, "oldold", 78)
    assert (await storage.dialog(1)).message_id == 77


async def test_snapshots_newest_first(storage):
    await storage.ensure_user(1, "en")
    for score in (500, 520, 540):
        await storage.add_snapshot(1, snapshot(score))
    assert [s.score for s in await storage.snapshots(1)] == [540, 520]
    assert [s.score for s in await storage.snapshots(1, limit=5)] == [540, 520, 500]


async def test_export_holds_every_row_and_forget_removes_them_all(storage):
    for user in (1, 2):
        await storage.ensure_user(user, "en")
        await storage.start_dialog(user, "quick", ("income", "huabei"), "abcdef", expected_nonce=None)
        await storage.step(
            user, "abcdef", path="quick", position=1, nonce="bcdefg", answer=NewAnswer("income", "stable", "button")
        )
        await storage.add_snapshot(user, snapshot(600))
        assert await storage.set_reminder(user, "huabei_on_time", datetime(2025, 3, 6, 2, tzinfo=UTC))
        await storage.add_report(
            user, StoredReport(640, 600.0, 550, 650, 0.9, "command", datetime(2025, 3, 7, tzinfo=UTC))
        )
        await storage.set_goal(user, StoredGoal(700, 600, True, ("huabei_on_time",), (), 2, datetime.now(UTC)))
        await storage.set_schedule(user, "huabei", 0, 9, 600)
        await record_items.set_owned(storage, user, "vehicle", True)
        assert await bill_imports.offered(storage, user, datetime.now(UTC), timedelta(minutes=10), 5)
    data = await storage.export(1)
    assert data["user"]["telegram_id"] == 1 and data["user"]["created_at"].endswith("+00:00")
    assert data["answers"] == [
        {
            "question_id": "income",
            "value": "stable",
            "source": "button",
            "answered_at": data["answers"][0]["answered_at"],
        }
    ]
    assert data["dialog"]["questions"] == ["income", "huabei"] and data["dialog"]["position"] == 1
    assert data["score_snapshots"][0]["range"] == [550, 650]
    assert data["reminders"] == [
        {
            "action_id": "huabei_on_time",
            "due_at": "2025-03-06T02:00:00+00:00",
            "created_at": data["reminders"][0]["created_at"],
            "sent_at": None,
            "outcome": None,
        }
    ]
    assert data["score_reports"] == [
        {
            "score": 640,
            "estimate": 600.0,
            "range": [550, 650],
            "coverage": 0.9,
            "source": "command",
            "reported_at": "2025-03-07T00:00:00+00:00",
        }
    ]
    assert data["goal"]["target"] == 700 and data["goal"]["actions"] == ["huabei_on_time"]
    assert [(s["kind"], s["day"], s["time"], s["paused"]) for s in data["schedules"]] == [("huabei", 9, "10:00", False)]
    assert data["user"]["timezone"] is None
    assert await storage.forget(1) == 10
    assert await storage.count_rows(1) == dict.fromkeys(user_data_table_names(), 0)
    assert await storage.count_rows() == dict.fromkeys(user_data_table_names(), 1)
    assert await storage.export(1) == {
        "user": None,
        "answers": [],
        "dialog": None,
        "score_snapshots": [],
        "reminders": [],
        "score_reports": [],
        "goal": None,
        "schedules": [],
    }


async def test_a_step_deletes_dropped_answers_and_replaces_the_queue_in_one_go(storage):
    await storage.ensure_user(1, "en")
    assert await storage.start_dialog(1, "edit", ("credit_cards",), "abcdef", expected_nonce=None)
    await storage.step(
        1, "abcdef", path="edit", position=0, nonce="bcdefg", answer=NewAnswer("card_repayment", "often_late", "button")
    )
    moved = await storage.step(
        1,
        "bcdefg",
        path="edit",
        position=1,
        nonce="cdefgh",
        answer=NewAnswer("credit_cards", "one_two", "profile_edit"),
        dropped=("card_repayment",),
        queue=("credit_cards", "card_repayment", "card_bills"),
    )
    assert moved
    assert await storage.answers(1) == {"credit_cards": "one_two"}
    dialog = await storage.dialog(1)
    assert dialog.queue == ("credit_cards", "card_repayment", "card_bills") and dialog.question_id == "card_repayment"
    # A stale step changes nothing: neither the answers nor the queue.
    assert not await storage.step(1, "abcdef", path=None, position=0, nonce="x", dropped=("credit_cards",), queue=())
    assert await storage.answers(1) == {"credit_cards": "one_two"}
    assert (await storage.dialog(1)).queue == ("credit_cards", "card_repayment", "card_bills")


async def test_starting_a_dialog_is_guarded_like_a_step(storage):
    await storage.ensure_user(1, "en")
    assert await storage.start_dialog(1, "quick", ("income",), "first1", expected_nonce=None)
    # A second "first start" (a concurrent /start that also read "no dialog") changes nothing.
    assert not await storage.start_dialog(1, "quick", ("huabei",), "second", expected_nonce=None)
    # Restarting from a state that has moved on changes nothing either.
    assert not await storage.start_dialog(1, "full", ("huabei",), "third3", expected_nonce="stale0")
    dialog = await storage.dialog(1)
    assert (dialog.nonce, dialog.queue) == ("first1", ("income",))
    assert await storage.start_dialog(1, "full", ("huabei",), "fourth", expected_nonce="first1")
    assert (await storage.dialog(1)).nonce == "fourth"


async def test_an_update_id_is_taken_once_and_again_only_after_its_taker_died(database, storage):
    moment = datetime(2025, 3, 6, 2, tzinfo=UTC)
    other = await database.open()  # a second process
    try:
        results = await asyncio.gather(*(s.take_update(77, moment) for s in (storage, other, storage, other)))
        assert sorted(results) == [False, False, False, True]
        assert await storage.update_state(77) == "taken"
        assert not await other.take_update(77, moment + UPDATE_LEASE / 2)  # its taker is still working
        assert await other.take_update(77, moment + UPDATE_LEASE * 2)  # the taker died: taken again
        assert await other.update_done(77, moment + UPDATE_LEASE * 2)
        assert not await storage.take_update(77, moment + UPDATE_LEASE * 10)  # done: never again
        assert await storage.update_state(77) == "done"
        await storage.take_update(78, moment)
        await storage.release_update(78)  # failed before it changed anything: a retry may run
        assert await storage.update_state(78) is None
        assert await storage.prune_updates(moment + timedelta(days=1)) == 1
        assert await storage.update_state(77) is None
    finally:
        await other.close()
