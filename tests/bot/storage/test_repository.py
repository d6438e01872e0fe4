"""Storage queries on SQLite and PostgreSQL: users, answers, guarded steps, snapshots, export, forget."""

from datetime import UTC, datetime, timedelta

from bot.storage import NewAnswer, Snapshot, bill_imports
from bot.storage.tables import Base


def snapshot(score):
    return Snapshot(score, "fair", score - 50, score + 50, {"credit_history": 40}, "v1", datetime.now(UTC))


async def test_a_user_keeps_the_first_language(storage):
    assert await storage.ensure_user(1, "zh") == "zh"
    assert await storage.ensure_user(1, "en") == "zh"
    await storage.set_language(1, "en")
    assert await storage.ensure_user(1, "zh") == "en"


async def test_values_of_every_kind_round_trip(storage):
    await storage.ensure_user(1, "en")
    await storage.start_dialog(1, "full", ("income", "insurance", "living_bills"), "n00001")
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
    await storage.start_dialog(1, "quick", ("income",), "abcdef")
    assert not await storage.step(
        1, "zzzzzz", path=None, position=1, nonce="x", answer=NewAnswer("income", "none", "button")
    )
    assert await storage.answers(1) == {}
    dialog = await storage.dialog(1)
    assert (dialog.nonce, dialog.position, dialog.question_id) == ("abcdef", 0, "income")


async def test_an_answer_changed_replaces_the_row(storage):
    await storage.ensure_user(1, "en")
    for nonce, value in (("aaaaaa", "none"), ("bbbbbb", "stable")):
        await storage.start_dialog(1, "edit", ("income",), nonce)
        await storage.step(
            1, nonce, path=None, position=1, nonce="cccccc", answer=NewAnswer("income", value, "profile_edit")
        )
    assert await storage.answers(1) == {"income": "stable"}
    assert (await storage.count_rows(1))["answers"] == 1


async def test_the_question_message_is_remembered_only_for_the_current_question(storage):
    await storage.ensure_user(1, "en")
    await storage.start_dialog(1, "quick", ("income",), "abcdef")
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
        await storage.start_dialog(user, "quick", ("income", "huabei"), "abcdef")
        await storage.step(
            user, "abcdef", path="quick", position=1, nonce="bcdefg", answer=NewAnswer("income", "stable", "button")
        )
        await storage.add_snapshot(user, snapshot(600))
        assert await storage.set_reminder(user, "huabei_on_time", datetime(2025, 3, 6, 2, tzinfo=UTC))
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
        }
    ]
    assert await storage.forget(1) == 6
    assert await storage.count_rows(1) == dict.fromkeys(Base.metadata.tables, 0)
    assert await storage.count_rows() == dict.fromkeys(Base.metadata.tables, 1)
    assert await storage.export(1) == {
        "user": None,
        "answers": [],
        "dialog": None,
        "score_snapshots": [],
        "reminders": [],
    }
