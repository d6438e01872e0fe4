"""``/advice``: the ranked actions, each opening its how-to steps in place (with its reminder button).

For a user who reported real scores every projected score starts from the calibrated estimate
(``scoring.calibration.ProjectionBase``, the same base ``/whatif`` and ``/goal`` use); the
points an action adds stay the model's.
"""

from __future__ import annotations

from dataclasses import dataclass

from advice import ACTIONS, Change, Plan, rank
from advice.catalogue import Action
from advice.feasibility import Owned
from advice.presentation import action_view, plan_view, with_range
from bot.callbacks import ChangeAnswerTap, RecordTap, ReminderTap, StepsTap
from bot.flows import profile, score
from bot.flows.session import Session
from bot.progress import Progress, advisable, recorded_changes
from bot.reminder_schedule import due_view
from bot.replies import Button, EditMessage, Notice, Reply, Screen
from bot.screens import (
    button_label,
    no_answers_screen,
    notice,
    owned_question_screen,
    record_button,
    record_view,
    text_screen,
)
from bot.storage import record_items
from scoring.calibration import ProjectionBase
from scoring.questions import QUESTION_BY_ID, Answer
from templates import render

ACTION_CODE: dict[str, int] = {
    "repay_overdue": 0,
    "huabei_on_time": 1,
    "card_on_time": 2,
    "credit_cards_3_5": 3,
    "first_card": 4,
    "import_card_bills": 5,
    "tmall_shopping": 6,
    "living_bills": 7,
    "fix_bill_address": 8,
    "wealth_management": 9,
    "insurance": 10,
    "charity": 11,
    "mybank": 12,
    "stable_phone": 13,
    "single_address": 14,
    "verify_real_name": 15,
    "add_provident_fund": 16,
    "add_property": 17,
    "add_vehicle": 18,
    "add_education": 19,
    "add_work_info": 20,
    "authorize_third_party": 21,
    # 22 was "friends_good_credit" (make friends with good credit), retired: friends' credit is a fact.
    "friend_interaction": 23,
}
"""The number each action carries in button data.

Buttons stay in a chat for months, so a number keeps meaning its action for good: a new action
takes the next free number, and a removed action's number is never given again (an old button
of it is then refused as unreadable, never taken for another action). Numbers, not ids, because
the what-if buttons carry a whole selection as a bit mask within Telegram's 64 bytes.
"""
ACTION_BY_CODE: dict[int, Action] = {ACTION_CODE[a.id]: a for a in ACTIONS}


@dataclass(frozen=True)
class Planned:
    """The user's advice and what it was made from."""

    stored: dict[str, Answer]
    """The answers as the user gave them (what ``/profile`` shows and changes)."""
    answers: dict[str, Answer]
    """The same as the advice reads them (``advisable``)."""
    plan: Plan
    base: ProjectionBase
    """Where the projected scores start: the estimate, calibrated once the user reported real scores."""
    owned: Owned
    """The record-if-true items the user said they have (or not), which the plan counted."""


async def plan_for(session: Session) -> Planned | None:
    """The user's answers, the actions ranked and the base they project from; ``None`` before any answer.

    Record-if-true items count as the user said (``bot.storage.record_items``).
    """
    stored = await session.storage.answers(session.user_id)
    if not stored:
        return None
    answers = advisable(stored)
    owned = await record_items.owned(session.storage, session.user_id)
    plan = rank(session.card, answers, owned=owned)
    base = await Progress(session.storage, session.card, session.clock).base(session.user_id, plan.before)
    return Planned(stored, answers, plan, base, owned)


def records(action_id: str, stored: dict[str, Answer], owned: Owned) -> tuple[Change, ...]:
    """Every answer recording the action changes, for the how-to and the reminder to name (empty: none).

    The estimate moves only when an answer changes, so they name each one, from -> to; these are
    the changes the promised score counted and the ones the "record it" button records
    (``bot.progress.recorded_changes``), the goal's "done" too: what is named is what is recorded.
    """
    return recorded_changes(ACTION_BY_CODE[ACTION_CODE[action_id]], stored, owned)


async def record_tapped(session: Session, tap: RecordTap) -> list[Reply]:
    """The "done: record it" of an action's how-to or reminder: every answer it changes, then the new estimate.

    The estimate reply explains the move answer by answer and says when it reaches the goal; a
    planned goal action recorded here counts as done there too (``Progress.shown``). An old
    button (the action done already, or no longer advised) records nothing and says it expired.
    """
    action = ACTION_BY_CODE[tap.action_code]
    moved = await Progress(session.storage, session.card, session.clock).record_action(session.user_id, action.id)
    if moved is None:
        return [Notice(notice(session.lang, "stale"))]
    return await score.replies(session, None)


async def show(session: Session) -> list[Reply]:
    """The ranked actions, each with a button that opens its how-to steps; then one record item to ask about."""
    planned = await plan_for(session)
    if planned is None:
        return [no_answers_screen(session.lang)]
    asking = owned_question(planned.plan, session)
    screen = advice_screen(planned, session, await session.has_seen_an_estimate())
    await Progress(session.storage, session.card, session.clock).record_shown(session.user_id)  # it states the estimate
    return [screen, *([asking] if asking else [])]


def owned_question(plan: Plan, session: Session) -> Screen | None:
    """Whether the user has the first "If you have these" item, asked once (``bot.flows.record_items``).

    ``plan.if_you_have`` holds exactly the items the user has said nothing about yet.
    """
    if not plan.if_you_have:
        return None
    return owned_question_screen(plan.if_you_have[0], session.lang, len(plan.if_you_have) - 1)


async def steps_tapped(session: Session, tap: StepsTap) -> list[Reply]:
    """Show an action's steps in the advice message, or go back to the list."""
    planned = await plan_for(session)
    if planned is None:
        return [EditMessage(no_answers_screen(session.lang))]
    if not tap.open:
        return [EditMessage(advice_screen(planned, session, await session.has_seen_an_estimate()))]
    return [EditMessage(await steps_screen(session, planned, tap.action_code))]


def advice_screen(planned: Planned, session: Session, brief_disclaimer: bool = False) -> Screen:
    """The plan's text, one button per ranked action and one per "tell me more" question listed.

    A question's button opens it to be answered, as ``/profile`` does (``ChangeAnswerTap``); the
    terminal chat numbers it like any button. The disclaimer is short once an estimate was shown.
    """
    lang, plan = session.lang, planned.plan
    steps = tuple(
        (
            Button(
                button_label(lang, "steps", number=n, title=r.action.title(lang)),
                StepsTap(ACTION_CODE[r.id], True).data(),
            ),
        )
        for n, r in enumerate(plan.actions, start=1)
    )
    view = plan_view(plan, lang, base=planned.base)
    questions = tuple(
        (
            Button(
                button_label(lang, "tell_more", topic=QUESTION_BY_ID[item["question_id"]].topic(lang)),
                ChangeAnswerTap(item["question_id"]).data(),
            ),
        )
        for item in view["tell_me_more"]
    )
    return Screen(render(lang, "advice.html.j2", **view, brief_disclaimer=brief_disclaimer), steps + questions)


async def tell_more(session: Session) -> list[Reply]:
    """``/more`` ("tell me more"): the question whose answer would narrow the estimate most, opened to answer.

    The first of the advice's "tell me more" list, opened as ``/profile`` opens a question; when
    none is left, a reply that says so.
    """
    planned = await plan_for(session)
    if planned is None:
        return [no_answers_screen(session.lang)]
    if not planned.plan.tell_me_more:
        return [text_screen(session.lang, "bot_tell_more.html.j2")]
    return await profile.change_answer(session, ChangeAnswerTap(planned.plan.tell_me_more[0].question_id))


async def steps_screen(session: Session, planned: Planned, action_code: int) -> Screen:
    """An action's how-to steps: how to record it once done (with a button), its reminder, the way back."""
    lang = session.lang
    ranked = {r.id: r for r in planned.plan.actions}
    action = ACTION_BY_CODE[action_code]
    view = action_view(ranked.get(action.id, action), lang, planned.base)
    if action.id in ranked:  # the score it promises, with that estimate's range
        view = with_range(view, session.card, planned.answers, ranked[action.id], planned.base)
    changes = records(action.id, planned.stored, planned.owned) if action.id in ranked else ()
    pending = await session.storage.pending_reminders(session.user_id)
    due = next((p.due_at for p in pending if p.action_id == action.id), None)
    remind = Button(
        button_label(lang, "remind" if due is None else "unremind"), ReminderTap(action_code, due is None).data()
    )
    back = Button(button_label(lang, "steps_back"), StepsTap(action_code, False).data())
    brief = await session.has_seen_an_estimate()
    when = None if due is None else due_view(due, await session.storage.timezone(session.user_id))
    text = render(
        lang,
        "bot_steps.html.j2",
        action=view,
        records=[record_view(c.question_id, c.before, c.after, lang) for c in changes],
        due=when,
        brief_disclaimer=brief,
    )
    recording = ((record_button(action_code, lang),),) if changes else ()
    return Screen(text, (*recording, (remind,), (back,)))
