"""The follow-up over months: ``/myscore``, ``/history``, ``/goal``, ``/remind``, ``/timezone``.

Also the monthly check-in, the goal's check-in, and the messages their occurrences send.

The calendar math is ``bot.scheduling``'s, the calibration and the explained changes are
``scoring``'s, the rows ``bot.storage``'s and the glue ``bot.progress``'s; this module only
turns a user's action into those calls and the result into screens.
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Any

from advice import ACTION_BY_ID
from advice.catalogue import UnknownAction
from bot.callbacks import CheckinTap, GoalTap, ScheduleTap
from bot.charts.history import Estimate, HistoryChart
from bot.charts.history import Report as ChartReport
from bot.flows import goal_reached, reminders, score
from bot.flows.advice import ACTION_BY_CODE, ACTION_CODE
from bot.flows.goal_reached import reached_screen
from bot.flows.session import Session
from bot.progress import Progress, advisable, all_done, plan_schedules
from bot.progress_views import calibrated_view, headline_view, history_view
from bot.replies import HISTORY_FILE, Button, EditMessage, Notice, Photo, Reply, Screen
from bot.scheduling import (
    CHECKIN_DAY,
    DEFAULT_TIME,
    HUABEI_DAY,
    Monthly,
    ScheduleError,
    parse_day,
    parse_time,
    zone,
)
from bot.screens import no_answers_screen, notice, progress_label
from bot.storage import Snapshot, Storage, StoredReport
from bot.storage.progress import parse_schedule_key
from scoring.assumptions import DEFAULT_RANGE_COVERAGE, SCALE
from scoring.calibration import InvalidReport
from scoring.i18n import Lang, language_of
from scoring.questions import QUESTION_BY_ID
from templates import render

NUMBER = re.compile(r"^\s*(-?\d{1,6})\s*(?:分)?\s*$")
KIND_WORDS: dict[str, str] = {"huabei": "huabei", "花呗": "huabei", "card": "card", "信用卡": "card", "卡": "card"}
MAX_CARDS = 9
CHECKIN_OPEN = timedelta(days=7)
"""How long a check-in, once sent, waits for its answer as a bare number (whatever the number).

A week: time for an answer a few days late (the "type it" button sits on the check-in). After
it, or once a score is reported, a number typed alone is judged on its own (``typed_number``).
"""


def _progress(session: Session) -> Progress:
    return Progress(session.storage, session.card, session.clock)


def _button(lang: Lang, name: str, **context: Any) -> str:
    return progress_label(lang, name, **context)


def _screen(lang: Lang, name: str, keyboard: tuple[tuple[Button, ...], ...] = (), **context: Any) -> Screen:
    return Screen(render(lang, name, **context), keyboard)


# ---- /myscore and the check-in ------------------------------------------------------------
async def myscore(session: Session) -> list[Reply]:
    """``/myscore 712``: record the real score; without a number, how to."""
    if not session.arguments:
        return [_screen(session.lang, "bot_myscore.html.j2", state="usage")]
    return await report(session, session.arguments, "command")


async def report(session: Session, text: str, source: str) -> list[Reply]:
    """Store a real score typed as ``text``; a clear reply (and nothing stored) when it cannot be one."""
    lang = session.lang
    match = NUMBER.match(text)
    if match is None:
        return [_screen(lang, "bot_myscore.html.j2", state="invalid", text=text[:40])]
    real = int(match.group(1))
    answers = await session.storage.answers(session.user_id)
    if not answers:
        return [_screen(lang, "bot_myscore.html.j2", state="no_answers", real=real)]
    try:
        reported = await _progress(session).report(session.user_id, real, advisable(answers), source)
    except InvalidReport as refused:
        state = "future" if refused.reason == "future" else "invalid"
        return [_screen(lang, "bot_myscore.html.j2", state=state, text=text[:40])]
    result = session.card.score(advisable(answers))
    brief = await session.has_seen_an_estimate()
    shown = await _progress(session).record_shown(session.user_id)  # the reply states the estimate
    recorded = _screen(
        lang,
        "bot_myscore.html.j2",
        state="recorded",
        real=reported.real,
        estimate=result.score,
        low=result.range[0],
        high=result.range[1],
        calibrated=calibrated_view(reported.calibrated, lang),
        share=reported.share,
        brief_disclaimer=brief,
    )
    reached = await goal_reached.notice(session, answers, shown)
    return [recorded] if reached is None else [recorded, reached]


def bare_number(text: str) -> int | None:
    """The number a message is made of ("712", " 712分 "), ``None`` for any other text."""
    match = NUMBER.match(text)
    return None if match is None else int(match.group(1))


async def typed_number(session: Session, text: str) -> list[Reply] | None:
    """A number typed while no question is open: a real score if it can be one or was asked for; else ``None``.

    The check-in asks for the score as a bare number, so while one is open (``checkin_open``)
    any number answers it: one off the scale gets the refusal that says why. Otherwise only a
    number on Sesame's scale is taken as a score; a stray "3" (a choice typed after the
    questionnaire ended, say) is no report, and the caller shows the help instead.
    """
    number = bare_number(text)
    if number is None:
        return None
    asked = await checkin_open(session)
    if not asked and not SCALE.minimum <= number <= SCALE.maximum:
        return None
    return await report(session, text, "checkin" if asked else "typed")


async def checkin_open(session: Session) -> bool:
    """Whether a monthly check-in reached the user within ``CHECKIN_OPEN`` and no score was reported since."""
    asked = await session.storage.checkin_sent_at(session.user_id)
    if asked is None or session.clock() - asked > CHECKIN_OPEN:
        return False
    return not any(r.reported_at >= asked for r in await session.storage.reports(session.user_id))


def checkin_screen(lang: Lang, shown: Snapshot | None) -> Screen:
    """The monthly check-in, with its three buttons; ``shown`` is the last estimate shown (``None``: none yet).

    It states that estimate as it was shown (calibrated once reported), with its range.
    """
    keyboard = (
        (Button(_button(lang, "checkin_type"), CheckinTap("type").data()),),
        (
            Button(_button(lang, "checkin_skip"), CheckinTap("skip").data()),
            Button(_button(lang, "checkin_stop"), CheckinTap("stop").data()),
        ),
    )
    estimate = None if shown is None else headline_view(shown)
    calibrated = estimate is not None and estimate["calibrated"]
    return _screen(
        lang,
        "bot_checkin.html.j2",
        keyboard,
        state="ask",
        estimate=estimate,
        calibrated=calibrated,
        brief_disclaimer=True,
    )


async def checkin_tapped(session: Session, tap: CheckinTap) -> list[Reply]:
    """Type it (say how), skip this month (say when the next comes), or stop check-ins."""
    lang = session.lang
    if tap.choice == "type":
        return [_screen(lang, "bot_checkin.html.j2", state="type")]
    if tap.choice == "stop":
        await session.storage.stop_schedule(session.user_id, "checkin", 0)
        return [EditMessage(_screen(lang, "bot_checkin.html.j2", state="stopped"))]
    timezone = await session.storage.timezone(session.user_id)
    nxt = Monthly(CHECKIN_DAY, DEFAULT_TIME, timezone).next_after(session.clock())
    local = nxt.astimezone(zone(timezone))
    return [
        EditMessage(
            _screen(lang, "bot_checkin.html.j2", state="skipped", next={"month": local.month, "day": local.day})
        )
    ]


# ---- /history --------------------------------------------------------------------------------
def history_chart(
    lang: Lang, snapshots: list[Snapshot], reports: list[StoredReport], timezone: str = "UTC"
) -> HistoryChart:
    """The history picture, dated in the user's ``timezone`` like the text (drawn once by whoever shows it; cached)."""
    estimates = tuple(Estimate(s.created_at, s.score, s.low, s.high, s.calibrated) for s in snapshots)
    real = tuple(ChartReport(r.reported_at, r.score) for r in reports)
    return HistoryChart(lang, estimates, real, timezone)


async def history(session: Session) -> list[Reply]:
    """Every estimate shown with why it moved, the real scores reported, and the chart of them."""
    snapshots = list(reversed(await session.storage.snapshots(session.user_id, limit=None)))
    reports = await session.storage.reports(session.user_id)
    timezone = await session.storage.timezone(session.user_id)
    rows = history_view(snapshots, reports, session.lang, timezone)
    coverage = round(100 * ((snapshots[-1].coverage if snapshots else None) or DEFAULT_RANGE_COVERAGE))
    text = render(
        session.lang, "bot_history.html.j2", rows=rows, chart=bool(rows), coverage=coverage, brief_disclaimer=True
    )
    if not rows:
        return [Screen(text)]
    caption = render(session.lang, "bot_history_caption.html.j2", calibrated=any(s.calibrated for s in snapshots))
    chart = history_chart(session.lang, snapshots, reports, timezone)
    return [Screen(text), Photo(chart, caption, filename=HISTORY_FILE)]


# ---- /goal and its check-in ------------------------------------------------------------------
def _goal_keyboard(lang: Lang, actions: list[str], done: tuple[str, ...]) -> tuple[tuple[Button, ...], ...]:
    buttons = [
        Button(_button(lang, "goal_done", title=ACTION_BY_ID[a].title(lang)), GoalTap(ACTION_CODE[a]).data())
        for a in actions
        if a not in done and a in ACTION_CODE
    ]
    return (*((b,) for b in buttons), (Button(_button(lang, "goal_stop"), GoalTap(None).data()),))


async def goal(session: Session) -> list[Reply]:
    """``/goal 700``: the least-effort plan to the target; without a number, the goal and how to set one."""
    lang = session.lang
    if not session.arguments:
        reached = await goal_reached.notice(session, await session.storage.answers(session.user_id))
        if reached is not None:
            return [reached]
        stored = await session.storage.goal(session.user_id)
        view = None
        if stored is not None:
            view = {
                "target": stored.target,
                "start_score": stored.start_score,
                "done": len(stored.done),
                "planned": len(stored.actions),
            }
        return [_screen(lang, "bot_goal.html.j2", state="usage", goal=view)]
    match = NUMBER.match(session.arguments)
    target = int(match.group(1)) if match else None
    answers = await session.storage.answers(session.user_id)
    if target is not None and not answers:
        return [no_answers_screen(lang)]
    try:
        if target is None:
            raise ValueError("not a number")
        outcome = await _progress(session).set_goal(session.user_id, advisable(answers), target)
    except ValueError:
        return [_screen(lang, "bot_goal.html.j2", state="invalid", text=session.arguments[:40])]
    brief = await session.has_seen_an_estimate()
    await _progress(session).record_shown(session.user_id)  # the reply states the estimate
    if outcome.score >= target:
        await _progress(session).drop_goal(session.user_id)
        return [
            reached_screen(
                lang,
                outcome.score,
                target,
                outcome.calibrated,
                outcome.range,
                was_goal=False,
                brief=brief,
                best=outcome.best,
            )
        ]
    if not outcome.plan.action_ids:  # out of reach, nothing to plan: kept, but no check-in about nothing
        return [
            _screen(
                lang,
                "bot_goal.html.j2",
                _goal_keyboard(lang, [], ()),
                state="nothing_to_plan",
                target=target,
                score=outcome.score,
                low=outcome.range[0],
                high=outcome.range[1],
                best=outcome.best,
                calibrated=outcome.calibrated,
                brief_disclaimer=brief,
            )
        ]
    band = None
    if outcome.next_band is not None:
        above, points = outcome.next_band
        band = {"name": above.name(lang), "low": above.low, "points": points}
    actions = [{"title": a.action.title(lang), "points": a.gain, "done": False} for a in outcome.plan.actions]
    text_context = {
        "state": "plan",
        "target": target,
        "score": outcome.score,
        "low": outcome.range[0],
        "high": outcome.range[1],
        "calibrated": outcome.calibrated,
        "reachable": outcome.reachable,
        "best": outcome.best,
        "actions": actions,
        "score_after": outcome.score_after,
        "after_low": outcome.range_after[0],
        "after_high": outcome.range_after[1],
        "months": outcome.plan.months,
        "next_band": band,
        "brief_disclaimer": brief,
    }
    keyboard = _goal_keyboard(lang, list(outcome.plan.action_ids), ())
    return [_screen(lang, "bot_goal.html.j2", keyboard, **text_context)]


async def goal_checkin_screen(storage: Storage, user_id: int, lang: Lang) -> Screen | None:
    """The goal's check-in: which planned actions are done; ``None`` without a goal.

    With every planned action recorded it asks nothing: it says so, with the way to plan again.
    """
    stored = await storage.goal(user_id)
    if stored is None:
        return None
    if all_done(stored):
        keyboard = _goal_keyboard(lang, [], ())
        return _screen(lang, "bot_goal_checkin.html.j2", keyboard, state="all_done", target=stored.target)
    actions = [
        {"title": ACTION_BY_ID[a].title(lang), "done": a in stored.done} for a in stored.actions if a in ACTION_CODE
    ]
    keyboard = _goal_keyboard(lang, list(stored.actions), stored.done)
    return _screen(lang, "bot_goal_checkin.html.j2", keyboard, state="ask", target=stored.target, actions=actions)


async def goal_tapped(session: Session, tap: GoalTap) -> list[Reply]:
    """A planned action done (answers change, the estimate re-scored and explained), or the goal removed."""
    lang = session.lang
    if tap.action_code is None:
        await _progress(session).drop_goal(session.user_id)
        return [EditMessage(_screen(lang, "bot_goal_checkin.html.j2", state="stopped"))]
    action = ACTION_BY_CODE[tap.action_code]
    try:
        moved = await _progress(session).goal_done(session.user_id, action.id)
    except UnknownAction:  # pragma: no cover - the index is checked against the catalogue
        moved = None
    if moved is None:
        return [Notice(notice(lang, "stale")), _screen(lang, "bot_goal_checkin.html.j2", state="not_planned")]
    done = _screen(lang, "bot_goal_checkin.html.j2", state="done", title=action.title(lang), changed="")
    reached = await goal_reached.notice(session, moved[1])
    if reached is not None:  # the check-in's buttons make no sense any more: it says so instead
        replies: list[Reply] = [EditMessage(reached)]
    else:
        refreshed = await goal_checkin_screen(session.storage, session.user_id, lang)
        replies = [EditMessage(refreshed)] if refreshed is not None else []
    # The confirmation first: in the terminal, where an edit prints as a new message, the refreshed list follows it.
    return [done, *replies, *await score.replies(session, None)]


# ---- /remind and /timezone -------------------------------------------------------------------
async def remind(session: Session) -> list[Reply]:
    """``/remind``: the list with its buttons; ``/remind huabei 9 10:00`` or ``/remind card 20 21:30`` sets one.

    What is left out keeps what is saved: ``/remind 花呗`` alone changes nothing of a Huabei reminder
    already set (it says so), and a day without a time keeps the saved time. Only a reminder not set
    yet takes the defaults (Huabei on the 9th, 10:00), so a saved one never changes unasked.
    """
    if not session.arguments:
        return [await reminders.overview(session, "list")]
    words = session.arguments.lower().split()
    kind = KIND_WORDS.get(words[0])
    saved = [s for s in await session.storage.schedules(session.user_id) if s.kind == kind]
    try:
        if kind is None:
            raise ScheduleError("kind", _problem(session.lang, "kind", words[0]))
        if len(words) == 1 and kind == "huabei" and saved:
            return [await reminders.overview(session, "kept")]
        day = parse_day(words[1]) if len(words) > 1 else HUABEI_DAY if kind == "huabei" else None
        if day is None:
            raise ScheduleError("day", _problem(session.lang, "day_missing", ""))
        at = parse_time(words[2]) if len(words) > 2 else None
        if len(words) > 3:
            raise ScheduleError("extra", _problem(session.lang, "extra", " ".join(words[3:])))
    except ScheduleError as error:
        text = str(error) if error.what in ("kind", "day_missing", "extra") else _problem(session.lang, error.what, "")
        return [await reminders.overview(session, "invalid", text)]
    number = 0
    if kind == "card":
        same_day = next((s for s in saved if s.day == day), None)
        number = (
            same_day.number
            if same_day
            else next(n for n in range(1, MAX_CARDS + 2) if n not in {s.number for s in saved})
        )
        if number > MAX_CARDS:
            return [await reminders.overview(session, "invalid", _problem(session.lang, "cards", ""))]
    if at is None:  # no time typed: the one this reminder has, or the default for a new one
        kept = next((s for s in saved if s.number == number), None)
        at = time(kept.minute // 60, kept.minute % 60) if kept is not None else DEFAULT_TIME
    if (said := await reminders.not_held(session, kind)) is not None:  # no card, Huabei not used: nothing to repay
        question = QUESTION_BY_ID[said]
        return [
            _screen(
                session.lang, "bot_remind.html.j2", state="not_held", kind=kind, question=question.prompt(session.lang)
            )
        ]
    await session.storage.set_schedule(session.user_id, kind, number, day, at.hour * 60 + at.minute)
    await plan_schedules(session.storage, session.clock(), user_id=session.user_id)
    return [await reminders.overview(session, "saved")]


def _problem(lang: Lang, what: str, text: str) -> str:
    return render(lang, "bot_remind_problem.txt.j2", problem=what, text=text[:40])


async def schedule_tapped(session: Session, tap: ScheduleTap) -> list[Reply]:
    """Pause, resume or stop one; add Huabei (the 9th) or the check-in (the 7th) at 10:00."""
    storage, user_id = session.storage, session.user_id
    if tap.op == "add" and tap.kind == "huabei" and await reminders.not_held(session, "huabei") is not None:
        changed = False  # an old button: the user has said since that they do not use Huabei
    elif tap.op == "add":
        day = HUABEI_DAY if tap.kind == "huabei" else CHECKIN_DAY
        await storage.set_schedule(user_id, tap.kind, 0, day, DEFAULT_TIME.hour * 60 + DEFAULT_TIME.minute)
        changed = True
    elif tap.op == "stop":
        changed = await storage.stop_schedule(user_id, tap.kind, tap.number)
    else:
        current = next(
            (s for s in await storage.schedules(user_id) if (s.kind, s.number) == (tap.kind, tap.number)), None
        )
        wanted = tap.op == "pause"
        changed = current is not None and current.paused != wanted
        if changed:
            await storage.pause_schedule(user_id, tap.kind, tap.number, wanted)
    await plan_schedules(storage, session.clock(), user_id=user_id)  # an added or resumed one's next occurrence
    expired: list[Reply] = [] if changed else [Notice(notice(session.lang, "stale"))]
    return [*expired, EditMessage(await reminders.overview(session, "list"))]


async def timezone(session: Session) -> list[Reply]:
    """``/timezone Europe/Berlin``: the zone reminders follow; without a name, the current one."""
    lang, storage = session.lang, session.storage
    if not session.arguments:
        return [_screen(lang, "bot_timezone.html.j2", state="show", timezone=await storage.timezone(session.user_id))]
    try:
        name = zone(session.arguments).key
    except ScheduleError:
        return [_screen(lang, "bot_timezone.html.j2", state="invalid", text=session.arguments[:40])]
    await storage.set_timezone(session.user_id, name)
    for s in await storage.schedules(session.user_id):  # their waiting occurrences follow the new zone
        if not s.paused:
            await storage.set_schedule(session.user_id, s.kind, s.number, s.day, s.minute)
    await _progress(session).plan_schedules(session.clock(), user_id=session.user_id)
    return [_screen(lang, "bot_timezone.html.j2", state="saved", timezone=name)]


# ---- what an occurrence sends ----------------------------------------------------------------
async def due_message(storage: Storage, user_id: int, action_id: str) -> Screen | None:
    """The message a schedule's occurrence sends; ``None`` for an action reminder or a user gone."""
    key = parse_schedule_key(action_id)
    language = await storage.user_language(user_id)
    if key is None or language is None:
        return None
    lang = language_of(language)
    kind, number = key
    if kind == "checkin":
        latest = await storage.snapshots(user_id, limit=1)
        return checkin_screen(lang, latest[0] if latest else None)
    if kind == "goal":
        goal = await storage.goal(user_id)
        if goal is not None and all_done(goal):
            return None  # nothing left to tick: no check-in about nothing
        return await goal_checkin_screen(storage, user_id, lang)
    return _screen(lang, "bot_repayment.html.j2", kind=kind, number=number)
