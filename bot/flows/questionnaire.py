"""The questionnaire: ``/start``, ``/full``, ``/back``, ``/skip``, ``/cancel``, answers tapped or typed.

The dialog engine (``bot.dialog``) keeps where the questionnaire stands; this module turns its
steps into screens. A finished path shows the score (``bot.flows.score``).
"""

from __future__ import annotations

from datetime import timedelta

from bot.callbacks import AnswerTap
from bot.dialog import Ask, Cancelled, Finished, Rejected, Step, progress
from bot.flows import score
from bot.flows.session import Session
from bot.intents import dont_know
from bot.replies import EditMessage, Notice, Reply, Screen
from bot.screens import (
    DisclaimerForm,
    answered_screen,
    notice,
    problem_screen,
    question_screen,
    text_screen,
    welcome_screen,
)
from bot.storage import Dialog

BEING_SHOWN = timedelta(seconds=10)
"""A first question asked this recently and not yet sent is being shown by a concurrent update."""


async def start(session: Session) -> list[Reply]:
    """Welcome the user and begin (or continue) the quick check."""
    returning = bool(await session.storage.answers(session.user_id))
    # On Telegram the question's message is remembered once sent; until then another /start of
    # the same user (a second process, a double tap) would show it again. The terminal chat
    # remembers no messages and has no concurrent updates.
    window = BEING_SHOWN if session.channel == "telegram" else None
    step = await session.engine.begin(session.user_id, "quick", being_shown=window)
    if isinstance(step, Rejected) and step.reason == "raced":
        return []  # a /start of the same user a moment earlier welcomes them and asks
    # One disclaimer per burst: a finished check is followed by the score, which carries it.
    disclaimer: DisclaimerForm = "full"
    if isinstance(step, Finished):
        disclaimer = "none"
    elif await session.has_seen_an_estimate():
        disclaimer = "short"
    return [welcome_screen(session.lang, returning, disclaimer), *await after(session, step)]


async def full(session: Session) -> list[Reply]:
    """Continue to the full profile: every question not answered yet."""
    return await after(session, await session.engine.begin(session.user_id, "full"))


async def back(session: Session) -> list[Reply]:
    """One question back."""
    return await after(session, await session.engine.back(session.user_id))


async def skip(session: Session) -> list[Reply]:
    """Leave this question unanswered and go on."""
    return await after(session, await session.engine.skip(session.user_id))


async def not_known(session: Session) -> list[Reply]:
    """Typed "I don't know" at a question: its own "I don't know" answer if it has one, else ``/skip``.

    Skipping is said in a line of its own, so the user sees their words were understood and how
    to come back to the question; a question with such an answer ("不清楚") takes it instead.
    """
    ask = await session.engine.current(session.user_id)
    if ask is not None:
        for index in ask.shown():
            choice = ask.question.choices[index]
            if dont_know(choice.zh) or dont_know(choice.en):
                return await typed(session, choice.label(session.lang))
    step = await session.engine.skip(session.user_id)
    path = None if ask is None else ask.path
    note = text_screen(session.lang, "bot_skipped.html.j2", path=path)
    return [*([note] if isinstance(step, Ask | Finished) else []), *await after(session, step)]


async def cancel(session: Session) -> list[Reply]:
    """Stop the questionnaire, keeping the answers."""
    return await after(session, await session.engine.cancel(session.user_id))


async def typed(session: Session, text: str) -> list[Reply]:
    """Typed text: an answer to a number question, or bad input for anything else."""
    before = await session.storage.dialog(session.user_id)
    step = await session.engine.answer_text(session.user_id, text, session.source("typed"))
    replies: list[Reply] = []
    if isinstance(step, Ask | Finished) and step.stored and before:
        if before.message_id is not None:
            # Take the buttons off the question that was just answered by typing.
            replies.append(EditMessage(await answered(before, step, session, text), before.message_id))
        else:
            # Where the question was shown is kept only for number questions (a write per question
            # saved) and the terminal has no message at all: confirm the typed answer in a new one.
            # The old buttons stay, and a tap on one is told it has expired.
            replies.append(await answered(before, step, session, text))
    return replies + await after(session, step)


async def unsupported(session: Session) -> list[Reply]:
    """A sticker, photo or voice message: no answer, the open question (if any) again."""
    if await session.engine.current(session.user_id) is None:
        return [text_screen(session.lang, "bot_unsupported.html.j2")]
    return await after(session, await session.engine.answer_text(session.user_id, ""))


async def answer_tapped(session: Session, tap: AnswerTap) -> list[Reply]:
    """An answer button: stored if it belongs to the open question, else the question again."""
    before = await session.storage.dialog(session.user_id)
    step = await session.engine.answer_choice(
        session.user_id, tap.question_id, tap.index, tap.nonce, session.source("button")
    )
    if isinstance(step, Rejected):
        return [Notice(notice(session.lang, step.reason)), *await after(session, step)]
    assert before is not None
    return [EditMessage(await answered(before, step, session)), *await after(session, step)]


async def forged(session: Session) -> list[Reply]:
    """Button data none of our buttons carries: say so, and show the open question again."""
    again = Rejected("forged", await session.engine.current(session.user_id))
    return [Notice(notice(session.lang, "forged")), *await after(session, again)]


async def answered(before: Dialog, step: Ask | Finished, session: Session, typed: str | None = None) -> Screen:
    """The question just answered, with its answer and without buttons.

    Counted against the answers as they are now: an answer that settles later questions
    shortens the path it is shown on. ``typed``: the text typed as the answer; a bare number is
    said to have been read as the amount or as a button's place (``step.read_as``).
    """
    assert step.stored is not None and before.path is not None
    answers = await session.storage.answers(session.user_id)
    position, total = progress(before.path, before.queue, before.position, answers)
    question_id, value = step.stored.question_id, step.stored.value
    number = None if typed is None or step.read_as is None else (typed.strip(), step.read_as)
    return answered_screen(before.path, position, total, question_id, value, session.lang, number)


async def after(session: Session, step: Step) -> list[Reply]:
    """The replies to a dialog step: the next question, the score, or what was wrong."""
    if isinstance(step, Ask):
        return [question_screen(step, session.lang)]
    if isinstance(step, Finished):
        heading = None if step.path == "edit" else "finished" if step.stored else "complete"
        return await score.replies(session, heading)
    if isinstance(step, Cancelled):
        return [text_screen(session.lang, "bot_cancelled.html.j2", answered=step.answered)]
    if step.reason == "raced":
        return []  # the concurrent update that won replies for both
    if step.ask is None:
        return [problem_screen(step.reason, session.lang)]
    return [question_screen(step.ask, session.lang, step.reason, step.candidates, step.place, step.conflict)]
