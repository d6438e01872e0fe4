"""``/profile``: every answer, and a button to change any one of them."""

from __future__ import annotations

from bot.callbacks import ChangeAnswerTap
from bot.dialog import Rejected
from bot.flows.session import Session
from bot.replies import Reply
from bot.screens import profile_screen, question_screen


async def show(session: Session) -> list[Reply]:
    """Every answer, with a numbered button to change each."""
    return [profile_screen(await session.storage.answers(session.user_id), session.lang)]


async def change_answer(session: Session, tap: ChangeAnswerTap) -> list[Reply]:
    """Ask the picked question again so its answer can be changed."""
    step = await session.engine.change_answer(session.user_id, tap.question_id)
    if isinstance(step, Rejected):
        return []  # another update of this user moved the dialog at the same moment: it replies
    return [question_screen(step, session.lang)]
