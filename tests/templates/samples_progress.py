"""Sample contexts of the progress templates (changes, calibration, history, goal, check-ins, reminders)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from advice.catalogue import ACTIONS
from bot.progress_views import calibrated_view, change_view, history_view, schedule_view
from bot.reminder_schedule import due_view, next_recompute
from bot.storage import Snapshot, StoredReport, StoredSchedule
from scoring.calibration import Report, calibrate, learn_offset
from scoring.changes import explain
from scoring.questions import QUESTION_BY_ID, QUESTIONS

from .samples import PROFILES, Context, card, sample

NOT_HELD = (("card", "credit_cards"), ("huabei", "huabei"))

NOW = datetime(2026, 5, 7, 2, tzinfo=UTC)


def _profiles() -> tuple[dict, dict, dict]:
    quick = PROFILES[0]()
    full = {**{q.id: q.levels[-1] for q in QUESTIONS}, **quick}
    changed = {**full, "huabei": "on_time" if full.get("huabei") != "on_time" else "late_once"}
    return quick, full, changed


def _changes(lang: str) -> list[dict | None]:
    quick, full, changed = _profiles()
    many = {**changed, "income": "none", "loans": "late", "shopping": "rarely", "vehicle": False}
    return [
        None,
        change_view(explain(card(), None, quick), None, lang),
        change_view(explain(card(), quick, full), None, lang),
        change_view(explain(card(), full, changed), None, lang),
        change_view(explain(card(), quick, many), None, lang),
        change_view(
            explain(card(), {**full, "vehicle": True}, {k: v for k, v in full.items() if k != "vehicle"}), None, lang
        ),
        # "No cards" settles the card repayment record and the card bills; "no living bills" the bill address.
        change_view(explain(card(), full, _no_cards(full)), None, lang),
        change_view(explain(card(), _no_cards(full), full), None, lang),
        # A score kept by an older model: the part the answers do not explain is "other".
        change_view(explain(card(), quick, changed, score_before=card().score(quick).score + 9), None, lang),
        change_view(None, (640, 583), lang),
        change_view(None, (583, 640), lang),
    ]


def _no_cards(profile: dict) -> dict:
    dropped = ("card_repayment", "card_bills", "bill_address")
    return {**{k: v for k, v in profile.items() if k not in dropped}, "credit_cards": "none", "living_bills": 0}


def _calibrated(lang: str) -> list[dict | None]:
    reports = [Report(700, 650.0, 570, 730, 0.9, NOW - timedelta(days=30 * m)) for m in range(3)]
    return [
        None,
        calibrated_view(calibrate(650, 570, 730, learn_offset(reports[:1], NOW)), lang),
        calibrated_view(calibrate(650, 570, 730, learn_offset(reports, NOW)), lang),
    ]


@sample("_score_change.html.j2")
def _score_change(lang: str) -> list[Context]:
    return [{"change": change} for change in _changes(lang) if change is not None]


@sample("bot_myscore.html.j2")
def _myscore(lang: str) -> list[Context]:
    recorded = [
        {
            "state": "recorded",
            "real": 712,
            "estimate": 650,
            "low": 570,
            "high": 730,
            "calibrated": c,
            "share": share,
        }
        for c, share in zip(_calibrated(lang)[1:], (79, None), strict=True)
    ]
    return [
        {"state": "usage"},
        {"state": "invalid", "text": "12000"},
        {"state": "invalid", "text": "<b>七百</b>" if lang == "zh" else "<b>seven</b>"},
        {"state": "future"},
        {"state": "no_answers", "real": 712},
        *recorded,
    ]


@sample("bot_checkin.html.j2")
def _checkin(lang: str) -> list[Context]:
    nxt = {"year": 2026, "month": 6, "day": 7}
    return [
        {"state": "ask", "estimate": {"score": 650, "low": 602, "high": 699}, "calibrated": False},
        {"state": "ask", "estimate": {"score": 672, "low": 655, "high": 690}, "calibrated": True},
        {"state": "ask", "estimate": None, "calibrated": False},
        {"state": "type"},
        {"state": "skipped", "next": nxt},
        {"state": "stopped"},
    ]


def _goal_actions(lang: str) -> list[dict]:
    return [
        {"title": a.title(lang), "points": p, "done": d}
        for a, p, d in zip(ACTIONS[:3], (14, 9, 4), (True, False, False), strict=True)
    ]


@sample("bot_goal.html.j2")
def _goal(lang: str) -> list[Context]:
    band = {"name": "Excellent" if lang == "en" else "极好", "low": 700, "points": 42}
    plan = {
        "target": 700,
        "score": 658,
        "low": 611,
        "high": 702,
        "calibrated": False,
        "actions": _goal_actions(lang),
        "score_after": 702,
        "after_low": 662,
        "after_high": 741,
        "months": 3,
    }
    return [
        {"state": "usage", "goal": None},
        {"state": "usage", "goal": {"target": 700, "start_score": 640, "done": 1, "planned": 3}},
        {"state": "invalid", "text": "1000"},
        {"state": "reached", "score": 720, "low": 702, "high": 739, "target": 700, "calibrated": True}
        | {"was_goal": False, "higher": 750},
        {"state": "reached", "score": 705, "low": 661, "high": 749, "target": 700, "calibrated": False}
        | {"was_goal": True, "higher": 750, "brief_disclaimer": True},
        {"state": "reached", "score": 874, "low": 850, "high": 896, "target": 860, "calibrated": False}
        | {"was_goal": True, "higher": None},
        {"state": "reached", "score": 874, "low": 860, "high": 889, "target": 860, "calibrated": True}
        | {"was_goal": False, "higher": None, "brief_disclaimer": True},
        {"state": "nothing_to_plan", "target": 924, "score": 874, "low": 850, "high": 896, "best": 874}
        | {"calibrated": False},
        {"state": "nothing_to_plan", "target": 700, "score": 523, "low": 481, "high": 565, "best": 523}
        | {"calibrated": False, "brief_disclaimer": True},
        {"state": "nothing_to_plan", "target": 924, "score": 874, "low": 860, "high": 889, "best": 874}
        | {"calibrated": True},
        {"state": "plan", **plan, "reachable": True, "best": 760, "next_band": band},
        {"state": "plan", **plan, "reachable": False, "best": 690, "next_band": None, "calibrated": True},
        {
            "state": "plan",
            **plan,
            "actions": _goal_actions(lang)[:1],
            "months": 1,
            "reachable": True,
            "best": 760,
            "next_band": band,
        },
    ]


@sample("bot_goal_checkin.html.j2")
def _goal_checkin(lang: str) -> list[Context]:
    return [
        {"state": "ask", "target": 700, "actions": _goal_actions(lang)},
        {"state": "done", "title": ACTIONS[0].title(lang), "changed": ""},
        {"state": "done", "title": ACTIONS[0].title(lang), "changed": "+14"},
        {"state": "not_planned"},
        {"state": "stopped"},
        {"state": "all_done", "target": 700},
    ]


def _schedules() -> list[dict]:
    rows = [
        StoredSchedule("checkin", 0, 7, 600, False, NOW),
        StoredSchedule("goal", 0, None, 600, False, NOW),
        StoredSchedule("huabei", 0, 9, 600, True, NOW),
        *(StoredSchedule("card", n, day, 21 * 60 + 30, False, NOW) for n, day in ((1, 1), (2, 22), (3, 23), (4, 31))),
    ]
    return [schedule_view(s) for s in rows]


@sample("bot_remind.html.j2")
def _remind(lang: str) -> list[Context]:
    problem = "“32” is not a day of the month (1-31)." if lang == "en" else "“32”不是一个月里的日期（1-31）。"
    due = due_view(next_recompute(datetime(2025, 12, 20, tzinfo=UTC), "Asia/Shanghai"), "Asia/Shanghai")
    actions = [{"number": n, "title": a.title(lang), "due": due} for n, a in enumerate(ACTIONS[:2], start=1)]
    berlin = due_view(next_recompute(datetime(2025, 12, 20, tzinfo=UTC), "Europe/Berlin"), "Europe/Berlin")
    berlin_actions = [{"number": 1, "title": ACTIONS[2].title(lang), "due": berlin}]
    return [
        {"state": "list", "timezone": "Asia/Shanghai", "schedules": _schedules(), "actions": actions},
        {"state": "saved", "timezone": "Europe/Berlin", "schedules": _schedules()[:1], "actions": []},
        {"state": "kept", "timezone": "Asia/Shanghai", "schedules": _schedules()[:1], "actions": []},
        {"state": "list", "timezone": "Europe/Berlin", "schedules": _schedules()[:1], "actions": berlin_actions},
        {"state": "list", "timezone": "Asia/Shanghai", "schedules": [], "actions": actions[:1]},
        {"state": "list", "timezone": "Asia/Shanghai", "schedules": [], "actions": []},
        {"state": "invalid", "problem": problem},
        *({"state": "not_held", "kind": kind, "question": QUESTION_BY_ID[qid].prompt(lang)} for kind, qid in NOT_HELD),
    ]


@sample("bot_repayment.html.j2")
def _repayment(lang: str) -> list[Context]:
    return [{"kind": "huabei", "number": 0}, {"kind": "card", "number": 2}]


@sample("bot_timezone.html.j2")
def _timezone(lang: str) -> list[Context]:
    return [
        {"state": "show", "timezone": "Asia/Shanghai"},
        {"state": "saved", "timezone": "America/New_York"},
        {"state": "invalid", "text": "火星/<时间>" if lang == "zh" else "Mars/<Olympus>"},
    ]


@sample("bot_history.html.j2")
def _history(lang: str) -> list[Context]:
    quick, full, changed = _profiles()
    snapshots = []
    previous = None
    many = {**_no_cards(changed), "income": "none", "loans": "late", "shopping": "rarely", "vehicle": False}
    for month, answers in enumerate((quick, full, changed, many)):
        result = card().score(answers)
        change = explain(card(), previous, answers)
        calibrated = (result.score + 20, result.range[0] + 25, result.range[1] + 15) if month == 2 else None
        snapshots.append(
            Snapshot(
                result.score,
                result.band.id,
                *result.range,
                {},
                card().version,
                NOW + timedelta(days=30 * month),
                0.9,
                answers,
                change.as_dict(),
                calibrated,
            )
        )
        previous = answers
    old = Snapshot(600, "good", 500, 700, {}, "old", NOW - timedelta(days=30))
    reports = [StoredReport(689, 650.0, 570, 730, 0.9, "checkin", NOW + timedelta(days=31))]
    rows = history_view([old, *snapshots], reports, lang, "Asia/Shanghai")
    return [
        {"rows": rows, "chart": True, "coverage": 90},
        {"rows": rows, "chart": False, "coverage": 90, "brief_disclaimer": True},
        {"rows": [], "chart": False, "coverage": 90},
    ]


@sample("bot_progress_button.txt.j2")
def _buttons(lang: str) -> list[Context]:
    simple = ("checkin_type", "checkin_skip", "checkin_stop", "goal_stop", "add_huabei", "add_checkin", "history")
    names = [
        {"button": "name", "kind": k, "number": n} for k, n in (("huabei", 0), ("card", 2), ("checkin", 0), ("goal", 0))
    ]
    return [
        *({"button": b} for b in simple),
        {"button": "goal_done", "title": ACTIONS[0].title(lang)},
        *({"button": b, "what": "花呗" if lang == "zh" else "Huabei"} for b in ("pause", "resume", "stop")),
        *names,
    ]


@sample("bot_history_caption.html.j2")
def _history_caption(lang: str) -> list[Context]:
    return [{"calibrated": False}, {"calibrated": True}]


@sample("bot_remind_problem.txt.j2")
def _remind_problem(lang: str) -> list[Context]:
    return [
        {"problem": p, "text": "信用社" if lang == "zh" else "bank"}
        for p in ("kind", "day", "day_missing", "time", "extra", "cards", "other")
    ]
