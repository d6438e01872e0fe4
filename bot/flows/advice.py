"""``/advice``: the ranked actions, each opening its how-to steps in place (with its reminder button)."""

from __future__ import annotations

from advice import ACTIONS, Plan, rank
from advice.presentation import action_view, plan_view
from bot.callbacks import ReminderTap, StepsTap
from bot.flows.session import Session
from bot.progress import Progress
from bot.reminder_schedule import due_view
from bot.replies import Button, EditMessage, Reply, Screen
from bot.screens import button_label, no_answers_screen, owned_question_screen
from bot.storage import record_items
from scoring.questions import Answer
from scoring.structure import complete, contradictions
from templates import render

ACTION_INDEX: dict[str, int] = {a.id: i for i, a in enumerate(ACTIONS)}
"""Action id -> its index in the catalogue, which is what buttons carry."""


def advisable(answers: dict[str, Answer]) -> dict[str, Answer]:
    """Stored answers as the advice engines accept them (they refuse contradictory ones), completed.

    Answers stored before the questionnaire knew its links may contradict (no cards, yet a card
    repayment record): the settling answer wins and the one it rules out is left out of the
    advice only. Storage keeps every answer, so nothing the user said is lost. The answers the
    given ones settle are added (``scoring.structure.complete``): the dialog never asks them, yet
    an action that changes them ("hold 3-5 cards" also starts a repayment record) must see them.
    """
    profile = dict(answers)
    while found := contradictions(profile):
        profile.pop(found[0].second_id)
    return complete(profile)


async def plan_for(session: Session) -> tuple[dict[str, Answer], Plan] | None:
    """The user's answers as the advice reads them, and the actions ranked; ``None`` before any answer.

    Record-if-true items count as the user said (``bot.storage.record_items``).
    """
    answers = await session.storage.answers(session.user_id)
    if not answers:
        return None
    answers = advisable(answers)
    return answers, rank(session.card, answers, owned=await record_items.owned(session.storage, session.user_id))


async def show(session: Session) -> list[Reply]:
    """The ranked actions, each with a button that opens its how-to steps; then one record item to ask about."""
    planned = await plan_for(session)
    if planned is None:
        return [no_answers_screen(session.lang)]
    asking = owned_question(planned[1], session)
    screen = advice_screen(planned[1], session, await session.has_seen_an_estimate())
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
    plan = planned[1]
    if not tap.open:
        return [EditMessage(advice_screen(plan, session, await session.has_seen_an_estimate()))]
    return [EditMessage(await steps_screen(session, plan, tap.action_index))]


def advice_screen(plan: Plan, session: Session, brief_disclaimer: bool = False) -> Screen:
    """The plan's text, and one button per ranked action (the disclaimer short once an estimate was shown)."""
    lang = session.lang
    keyboard = tuple(
        (
            Button(
                button_label(lang, "steps", number=n, title=r.action.title(lang)),
                StepsTap(ACTION_INDEX[r.id], True).data(),
            ),
        )
        for n, r in enumerate(plan.actions, start=1)
    )
    return Screen(render(lang, "advice.html.j2", **plan_view(plan, lang), brief_disclaimer=brief_disclaimer), keyboard)


async def steps_screen(session: Session, plan: Plan, action_index: int) -> Screen:
    """An action's how-to steps, with its reminder (set or not) and the way back to the list."""
    lang = session.lang
    ranked = {r.id: r for r in plan.actions}
    action = ACTIONS[action_index]
    view = action_view(ranked.get(action.id, action), lang)
    pending = await session.storage.pending_reminders(session.user_id)
    due = next((p.due_at for p in pending if p.action_id == action.id), None)
    remind = Button(
        button_label(lang, "remind" if due is None else "unremind"), ReminderTap(action_index, due is None).data()
    )
    back = Button(button_label(lang, "steps_back"), StepsTap(action_index, False).data())
    brief = await session.has_seen_an_estimate()
    text = render(
        lang, "bot_steps.html.j2", action=view, due=None if due is None else due_view(due), brief_disclaimer=brief
    )
    return Screen(text, ((remind,), (back,)))
