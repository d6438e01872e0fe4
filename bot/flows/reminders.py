"""``/reminders`` (and a bare ``/remind``): every reminder; the reminder buttons; a due reminder's message."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Literal

from advice import ACTION_BY_ID, rank
from advice.ranking import RankedAction
from bot.callbacks import ReminderTap, ScheduleTap
from bot.flows.advice import ACTION_BY_CODE, ACTION_CODE, plan_for, records, steps_screen
from bot.flows.session import Session
from bot.progress import advisable
from bot.progress_views import headline_view, schedule_view
from bot.reminder_schedule import due_view, next_recompute
from bot.replies import Button, EditMessage, Notice, Reply, Screen
from bot.screens import button_label, layout, no_answers_screen, notice, progress_label, reminder_message
from bot.storage import Storage, StoredSchedule, record_items
from scoring.card import Scorecard, load_scorecard
from scoring.i18n import Lang, language_of
from scoring.questions import Answer
from templates import render

_card: Callable[[], Scorecard] = cache(load_scorecard)
"""The packaged scorecard, loaded once: the delivery round has no advisor to ask for it."""


NOT_HELD: dict[str, tuple[tuple[str, Answer], ...]] = {
    "card": (("credit_cards", "none"), ("card_repayment", "no_cards")),
    "huabei": (("huabei", "none"),),
}
"""Per repayment reminder, the answers that say the user has nothing to repay: no card, no Huabei use."""


async def not_held(session: Session, kind: str) -> str | None:
    """The question whose answer says the user has no ``kind`` to repay (no card, Huabei not used), if any.

    ``None`` when the answers say they have one, or say nothing yet (a reminder is then saved).
    """
    answers = await session.storage.answers(session.user_id)
    return next((qid for qid, value in NOT_HELD.get(kind, ()) if qid in answers and answers[qid] == value), None)


async def show(session: Session) -> list[Reply]:
    """``/reminders``: every reminder, each with its buttons."""
    return [await overview(session)]


async def overview(session: Session, state: str = "list", problem: str = "") -> Screen:
    """Every reminder the user has, of every kind, in one list: ``/reminders`` and ``/remind`` show it.

    The repayment days and check-ins (``/remind``), each with pause and stop, and the actions to be
    reminded of (``/advice``), each with a button cancelling it. One list, so that neither command
    says "no reminders" while the other shows some. ``state`` is ``saved`` after ``/remind`` set
    one, ``invalid`` (with the ``problem``) when it could not.
    """
    lang = session.lang
    schedules = await session.storage.schedules(session.user_id)
    timezone = await session.storage.timezone(session.user_id)
    buttons: list[Button] = []
    for s in schedules:
        what = _name(lang, s)
        toggle: Literal["pause", "resume"] = "resume" if s.paused else "pause"
        buttons.append(Button(progress_label(lang, toggle, what=what), ScheduleTap(toggle, s.kind, s.number).data()))
        buttons.append(Button(progress_label(lang, "stop", what=what), ScheduleTap("stop", s.kind, s.number).data()))
    kinds = {s.kind for s in schedules}
    if "huabei" not in kinds and await not_held(session, "huabei") is None:
        buttons.append(Button(progress_label(lang, "add_huabei"), ScheduleTap("add", "huabei").data()))
    if "checkin" not in kinds:
        buttons.append(Button(progress_label(lang, "add_checkin"), ScheduleTap("add", "checkin").data()))
    pending = [p for p in await session.storage.pending_reminders(session.user_id) if p.action_id in ACTION_CODE]
    actions, rows = [], []
    for number, reminder in enumerate(pending, start=1):
        code = ACTION_CODE[reminder.action_id]
        title = ACTION_BY_ID[reminder.action_id].title(lang)
        actions.append({"number": number, "title": title, "due": due_view(reminder.due_at, timezone)})
        label = button_label(lang, "unremind_listed", number=number, title=title)
        rows.append((Button(label, ReminderTap(code, False, listed=True).data()),))
    views = [schedule_view(s) for s in schedules]
    context = {"state": state, "problem": problem, "timezone": timezone, "schedules": views, "actions": actions}
    return Screen(render(lang, "bot_remind.html.j2", **context), layout(buttons) + tuple(rows))


def _name(lang: Lang, schedule: StoredSchedule) -> str:
    return progress_label(lang, "name", kind=schedule.kind, number=schedule.number)


async def tapped(session: Session, tap: ReminderTap) -> list[Reply]:
    """Set or cancel a reminder; a tap that changes nothing (an old button) says it expired."""
    user_id, lang = session.user_id, session.lang
    action_id = ACTION_BY_CODE[tap.action_code].id
    if tap.listed:
        cancelled = await session.storage.cancel_reminder(user_id, action_id)
        expired = [] if cancelled else [Notice(notice(lang, "stale"))]
        return [*expired, EditMessage(await overview(session))]
    planned = await plan_for(session)
    if planned is None:  # the data is gone (/forget): nothing to remind of
        return [EditMessage(no_answers_screen(lang))]
    if tap.on:
        due = next_recompute(session.clock(), await session.storage.timezone(user_id))
        changed = await session.storage.set_reminder(user_id, action_id, due)
    else:
        changed = await session.storage.cancel_reminder(user_id, action_id)
    expired = [] if changed else [Notice(notice(lang, "stale"))]
    return [*expired, EditMessage(await steps_screen(session, planned, tap.action_code))]


async def due_message(storage: Storage, user_id: int, action_id: str) -> Screen | None:
    """The message a due reminder sends; ``None`` for an action no longer in the catalogue.

    Also ``None`` for a user deleted meanwhile (``/forget`` in another process): the language
    is only read, so a reminder never brings a deleted user back.
    """
    language = await storage.user_language(user_id)
    if action_id not in ACTION_CODE or language is None:
        return None
    answers = await storage.answers(user_id)
    ranked: dict[str, RankedAction] = {}
    owned = {}
    if answers:  # record-if-true items count as the user said, as in /advice where the reminder was set
        owned = await record_items.owned(storage, user_id)
        ranked = {a.id: a for a in rank(_card(), advisable(answers), owned=owned).actions}
    if answers and action_id not in ranked:
        return None  # its reason no longer holds (the overdue was cleared, the action was done): withdrawn
    lang = language_of(language)
    latest = await storage.snapshots(user_id, limit=1)
    title = ACTION_BY_ID[action_id].title(lang)
    # every answer to change once it is done, as its how-to names them
    changes = records(action_id, answers, owned) if action_id in ranked else ()
    named = [(c.question_id, c.before, c.after) for c in changes]
    last = headline_view(latest[0]) if latest else None
    return reminder_message(title, last, lang, named, ACTION_CODE[action_id])
