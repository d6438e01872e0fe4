"""Progress storage on SQLite and PostgreSQL: time zone, reports, goal, schedules, explained history."""

from datetime import UTC, datetime, timedelta

from bot.storage import Snapshot, StoredGoal, StoredReport
from bot.storage.progress import parse_schedule_key, schedule_key

NOW = datetime(2026, 3, 7, 2, tzinfo=UTC)


async def test_the_time_zone_defaults_to_china_and_can_be_set(storage):
    await storage.ensure_user(1, "en")
    assert await storage.timezone(1) == "Asia/Shanghai"
    await storage.set_timezone(1, "Europe/Berlin")
    assert await storage.timezone(1) == "Europe/Berlin"
    assert await storage.timezone(2) == "Asia/Shanghai"  # unknown users too


async def test_reports_come_back_oldest_first_with_aware_times(storage):
    await storage.ensure_user(1, "en")
    for days, score in ((0, 700), (60, 650), (30, 680)):
        await storage.add_report(1, StoredReport(score, 640.5, 560, 720, 0.9, "checkin", NOW - timedelta(days=days)))
    reports = await storage.reports(1)
    assert [r.score for r in reports] == [650, 680, 700]
    assert reports[0].reported_at == NOW - timedelta(days=60) and reports[0].reported_at.tzinfo is not None
    assert reports[0].estimate == 640.5 and (reports[0].low, reports[0].high) == (560, 720)
    assert await storage.reports(2) == []


async def test_a_goal_is_replaced_and_its_actions_marked_done_once(storage):
    await storage.ensure_user(1, "en")
    assert await storage.goal(1) is None
    await storage.set_goal(1, StoredGoal(680, 600, True, ("a", "b"), (), 2, NOW))
    await storage.set_goal(1, StoredGoal(700, 610, True, ("huabei_on_time", "pay_bills"), (), 3, NOW))
    assert await storage.goal_done(1, "pay_bills")
    assert not await storage.goal_done(1, "pay_bills")  # already done
    assert not await storage.goal_done(1, "a")  # not in this plan
    goal = await storage.goal(1)
    assert (goal.target, goal.start_score, goal.actions, goal.done, goal.months) == (
        700,
        610,
        ("huabei_on_time", "pay_bills"),
        ("pay_bills",),
        3,
    )
    assert await storage.drop_goal(1) and not await storage.drop_goal(1)
    assert await storage.goal(1) is None


async def test_schedules_set_change_pause_and_stop(storage):
    await storage.ensure_user(1, "en")
    await storage.set_schedule(1, "card", 2, 20, 9 * 60)
    await storage.set_schedule(1, "huabei", 0, 9, 10 * 60)
    await storage.set_schedule(1, "checkin", 0, 7, 10 * 60)
    changed = await storage.set_schedule(1, "huabei", 0, 10, 21 * 60 + 30)
    assert (changed.day, changed.at.hour, changed.at.minute, changed.key) == (10, 21, 30, "huabei:0")
    assert [(s.kind, s.number) for s in await storage.schedules(1)] == [("checkin", 0), ("huabei", 0), ("card", 2)]
    assert await storage.pause_schedule(1, "huabei", 0, True)
    assert [s.paused for s in await storage.schedules(1)] == [False, True, False]
    assert await storage.stop_schedule(1, "card", 2)
    assert not await storage.stop_schedule(1, "card", 2)
    assert not await storage.pause_schedule(1, "card", 2, True)
    assert [s.kind for s in await storage.schedules(1)] == ["checkin", "huabei"]


async def test_the_delivery_plans_only_running_schedules_without_a_waiting_occurrence(storage):
    for user in (1, 2):
        await storage.ensure_user(user, "en")
    await storage.ensure_user(0, "en")  # the terminal chat's user: the chat plans its own
    await storage.set_timezone(2, "Europe/Berlin")
    await storage.set_schedule(1, "huabei", 0, 9, 600)
    await storage.set_schedule(1, "checkin", 0, 7, 600)
    await storage.set_schedule(2, "card", 1, 15, 480)
    await storage.set_schedule(0, "checkin", 0, 7, 600)
    planned = await storage.schedules_to_plan()
    assert {(p.user_id, p.schedule.key, p.timezone) for p in planned} == {
        (1, "huabei:0", "Asia/Shanghai"),
        (1, "checkin:0", "Asia/Shanghai"),
        (2, "card:1", "Europe/Berlin"),
    }
    assert await storage.set_reminder(1, "huabei:0", NOW)  # its next occurrence now waits
    await storage.pause_schedule(2, "card", 1, True)
    assert {p.schedule.key for p in await storage.schedules_to_plan()} == {"checkin:0"}
    assert {p.schedule.key for p in await storage.schedules_to_plan(user_id=0)} == {"checkin:0"}
    # Once sent, the occurrence no longer waits: the schedule is planned again.
    (due,) = await storage.due_reminders(NOW, user_id=1)
    assert await storage.claim_reminder(due.id, NOW)
    # While its send is under way (claimed, not finished) the occurrence still waits.
    assert {p.schedule.key for p in await storage.schedules_to_plan(user_id=1)} == {"checkin:0"}
    assert await storage.finish_reminder(due.id, NOW, "sent", NOW)
    assert {p.schedule.key for p in await storage.schedules_to_plan(user_id=1)} == {"huabei:0", "checkin:0"}


async def test_changing_pausing_or_stopping_a_schedule_takes_its_waiting_occurrence_away(storage):
    await storage.ensure_user(1, "en")
    for action in ("pause", "change", "stop"):
        await storage.set_schedule(1, "huabei", 0, 9, 600)
        assert await storage.set_reminder(1, "huabei:0", NOW)
        if action == "pause":
            await storage.pause_schedule(1, "huabei", 0, True)
        elif action == "change":
            await storage.set_schedule(1, "huabei", 0, 12, 600)
        else:
            await storage.stop_schedule(1, "huabei", 0)
        assert await storage.pending_reminders(1) == [], action


async def test_snapshots_keep_the_answers_the_explanation_and_the_calibration(storage):
    await storage.ensure_user(1, "en")
    explanation = {"kind": "changed", "changed": [{"question_id": "huabei", "before": "late_once", "after": "on_time"}]}
    await storage.add_snapshot(
        1,
        Snapshot(
            640,
            "good",
            580,
            700,
            {"credit_history": 60},
            "v2",
            NOW,
            0.9,
            {"huabei": "on_time"},
            explanation,
            (655, 630, 680),
        ),
    )
    await storage.add_snapshot(1, Snapshot(600, "good", 550, 650, {}, "v1", NOW))  # an older kind of row
    newest, older = await storage.snapshots(1, limit=None)
    assert older.answers == {"huabei": "on_time"} and older.explanation == explanation
    assert older.calibrated == (655, 630, 680) and older.coverage == 0.9
    assert newest.answers is None and newest.calibrated is None and newest.created_at == NOW


def test_schedule_keys_round_trip_and_action_ids_are_not_schedules():
    assert parse_schedule_key(schedule_key("card", 3)) == ("card", 3)
    assert parse_schedule_key("huabei_on_time") is None
    assert parse_schedule_key("card:x") is None
