"""``/reminders``, the reminder buttons, and the message a due reminder sends."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from advice import ACTIONS, rank
from advice.ranking import RankedAction
from bot.callbacks import ReminderTap
from bot.flows.advice import ACTION_INDEX, advisable, plan_for, record_change, steps_screen
from bot.flows.session import Session
from bot.reminder_schedule import next_recompute
from bot.replies import EditMessage, Notice, Reply, Screen
from bot.screens import no_answers_screen, notice, reminder_message, reminders_screen
from bot.storage import Storage, record_items
from scoring.card import Scorecard, load_scorecard
from scoring.i18n import language_of

_card: Callable[[], Scorecard] = cache(load_scorecard)
"""The packaged scorecard, loaded once: the delivery round has no advisor to ask for it."""


async def show(session: Session) -> list[Reply]:
    """The user's pending reminders, each with a button to cancel it."""
    return [await _list_screen(session)]


async def tapped(session: Session, tap: ReminderTap) -> list[Reply]:
    """Set or cancel a reminder; a tap that changes nothing (an old button) says it expired."""
    user_id, lang = session.user_id, session.lang
    action_id = ACTIONS[tap.action_index].id
    if tap.listed:
        cancelled = await session.storage.cancel_reminder(user_id, action_id)
        expired = [] if cancelled else [Notice(notice(lang, "stale"))]
        return [*expired, EditMessage(await _list_screen(session))]
    planned = await plan_for(session)
    if planned is None:  # the data is gone (/forget): nothing to remind of
        return [EditMessage(no_answers_screen(lang))]
    if tap.on:
        changed = await session.storage.set_reminder(user_id, action_id, next_recompute(session.clock()))
    else:
        changed = await session.storage.cancel_reminder(user_id, action_id)
    expired = [] if changed else [Notice(notice(lang, "stale"))]
    return [*expired, EditMessage(await steps_screen(session, planned, tap.action_index))]


async def due_message(storage: Storage, user_id: int, action_id: str) -> Screen | None:
    """The message a due reminder sends; ``None`` for an action no longer in the catalogue.

    Also ``None`` for a user deleted meanwhile (``/forget`` in another process): the language
    is only read, so a reminder never brings a deleted user back.
    """
    language = await storage.user_language(user_id)
    if action_id not in ACTION_INDEX or language is None:
        return None
    answers = await storage.answers(user_id)
    ranked: dict[str, RankedAction] = {}
    if answers:  # record-if-true items count as the user said, as in /advice where the reminder was set
        owned = await record_items.owned(storage, user_id)
        ranked = {a.id: a for a in rank(_card(), advisable(answers), owned=owned).actions}
    if answers and action_id not in ranked:
        return None  # its reason no longer holds (the overdue was cleared, the action was done): withdrawn
    lang = language_of(language)
    latest = await storage.snapshots(user_id, limit=1)
    title = ACTIONS[ACTION_INDEX[action_id]].title(lang)
    record = None
    change = record_change(ranked[action_id], answers) if action_id in ranked else None
    if change is not None:  # the answer to change once it is done
        record = (change.question_id, change.before, change.after)
    return reminder_message(title, latest[0].score if latest else None, lang, record)


async def _list_screen(session: Session) -> Screen:
    pending = [p for p in await session.storage.pending_reminders(session.user_id) if p.action_id in ACTION_INDEX]
    return reminders_screen([(ACTION_INDEX[p.action_id], p.due_at) for p in pending], session.lang)
