"""``/language`` (中文 / English, stored; an open question is asked again in the new language), ``/export``
(every stored row, as JSON) and ``/forget`` (every row gone after a confirmation)."""

import json
from datetime import UTC, datetime

from advice.ranking import rank
from bot.progress import advisable
from bot.storage import StoredGoal, StoredReport, record_items
from bot.storage.tables import user_data_table_names
from scoring.card import load_scorecard
from scoring.questions import QUESTION_BY_ID, QUICK_IDS
from tests.bot.telegram_testkit import answer_quick, quick_answers


async def test_switching_language_mid_question(bot, storage):
    user = bot.user(language_code="en")
    await user.send("/start")
    calls = await user.send("/language")
    assert calls[0].labels == ["中文", "English"]
    calls = await user.tap("中文")
    assert calls[1].method == "editMessageText" and "语言：中文" in calls[1].text
    assert QUESTION_BY_ID[QUICK_IDS[0]].zh in calls[2].text
    assert await storage.ensure_user(user.id, "en") == "zh"
    calls = await user.tap(QUESTION_BY_ID[QUICK_IDS[0]].choices[0].zh)
    assert QUESTION_BY_ID[QUICK_IDS[1]].zh in calls[-1].text
    calls = await user.send("/help")
    assert "芝麻分助手" in calls[0].text


async def test_the_choice_outlives_the_client_language(bot, storage):
    user = bot.user(language_code="zh-hans")
    await user.send("/language")
    await user.tap("English")
    calls = await user.send("/help")
    assert "Sesame Advisor" in calls[0].text and "芝麻分助手" not in calls[0].text


async def set_first_reminder(user, storage):
    """Open the top action's steps from /advice and tap "Remind me"."""
    await user.send("/advice")
    top = rank(load_scorecard(), advisable(await storage.answers(user.id))).actions[0]
    await user.tap(f"1. {top.action.title('en')} ›")
    await user.tap("⏰ Remind me")
    return top.id


async def follow_up_rows(user_id, storage):
    """A report, a goal and a schedule, stored as the progress commands store them."""
    now = datetime.now(UTC)
    await storage.add_report(user_id, StoredReport(650, 620.0, 560, 700, 0.9, "command", now))
    await storage.set_goal(user_id, StoredGoal(700, 620, True, ("huabei_on_time",), (), 2, now))
    await storage.set_schedule(user_id, "checkin", 0, 7, 600)


async def test_export_sends_everything_stored_and_nothing_else(bot, storage):
    user = bot.user(first_name="Xiaoming")
    await answer_quick(user)
    await user.send("/score")
    action_id = await set_first_reminder(user, storage)
    calls = await user.send("/export")
    assert calls[0].method == "sendDocument"
    filename, content, _ = calls[0].files["document"]
    assert filename == "sesame-advisor-data.json"
    data = json.loads(content)
    assert set(data) == {
        "user",
        "answers",
        "dialog",
        "score_snapshots",
        "reminders",
        "score_reports",
        "goal",
        "schedules",
        "record_items",
        "bill_imports",
    }
    assert data["record_items"] == []
    # The action's reminder, and the monthly check-in's next occurrence (check-ins start with the first estimate).
    assert [(r["action_id"], r["sent_at"]) for r in data["reminders"]] == [("checkin:0", None), (action_id, None)]
    assert all(r["due_at"].endswith("+00:00") for r in data["reminders"])
    assert [(s["kind"], s["day"], s["time"]) for s in data["schedules"]] == [("checkin", 7, "10:00")]
    assert data["user"]["telegram_id"] == user.id and data["user"]["language"] == "en"
    assert {a["question_id"] for a in data["answers"]} == set(quick_answers())
    assert all(a["source"] == "button" and a["answered_at"] for a in data["answers"])
    assert data["score_snapshots"][0]["model_version"] == load_scorecard().version
    assert data["dialog"]["path"] is None
    text = content.decode()
    for private in ("Xiaoming", "li_private", "first_name", "username", "/score", "/start"):
        assert private not in text
    assert (
        f"{len(quick_answers())} answers" in calls[0].text and "2 reminders," in calls[0].text
    )  # the action, the check-in


async def test_forget_asks_first_then_deletes_every_row(bot, storage):
    user = bot.user()
    other = bot.user(user_id=999, first_name="Wang")
    await answer_quick(user)
    await answer_quick(other)
    await user.send("/score")
    await set_first_reminder(user, storage)
    await set_first_reminder(other, storage)
    await follow_up_rows(user.id, storage)
    await record_items.set_owned(storage, user.id, "vehicle", False)
    await record_items.set_owned(storage, other.id, "vehicle", True)
    for someone in (user, other):  # a bill sent (and refused: not an export)
        await someone.send_document(b"not a bill", "notes.csv")
    assert all((await storage.count_rows(user.id)).values())  # a row in every table, reminders and bills included
    calls = await user.send("/forget")
    assert "2 reminders, 1 real score you reported, your goal," in calls[0].text
    # What the export holds besides: the record items said, the bill files sent.
    assert "what you told me you have or not (Vehicle: no)" in calls[0].text
    assert "1 Alipay bill you sent (what was read from it, never the file)" in calls[0].text
    assert calls[0].labels == ["🗑 Yes, delete everything", "Keep my data"]
    await user.tap("Keep my data")
    assert (await storage.count_rows(user.id))["answers"] == len(quick_answers())
    calls = await user.send("/export")
    assert "(Vehicle: no), 1 Alipay bill you sent" in calls[0].text
    await user.send("/forget")
    calls = await user.tap("🗑 Yes, delete everything")
    assert calls[1].method == "editMessageText" and "deleted" in calls[1].text
    # Counted from the metadata, so a table /forget does not know about would show here.
    assert await storage.count_rows(user.id) == dict.fromkeys(user_data_table_names(), 0)
    everyone = await storage.count_rows()
    assert everyone == await storage.count_rows(other.id)
    assert (
        everyone["answers"] == len(quick_answers()) and everyone["users"] == 1 and everyone["reminders"] == 2
    )  # its action reminder and its check-in
    assert everyone["record_items"] == 1


async def test_forget_in_chinese(bot):
    user = bot.user(language_code="zh")
    calls = await user.send("/forget")
    assert "删除" in calls[0].text
