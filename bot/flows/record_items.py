"""Record-if-true items (a vehicle, a property...): asked once under ``/advice``, changed in ``/profile``.

The advice lists them apart ("If you have these, add them") and counts none until the user
says they have it. This flow asks that, one item at a time: "Yes, I have it" counts the item
in the ranked actions, the combined plan and ``/whatif``; "No" retires it for good (it is
never suggested or asked again, unless changed in ``/profile``). What the user said is kept
in ``record_items`` (``bot.storage.record_items``), apart from the answers: it is no answer
to a question and never scores by itself.
"""

from __future__ import annotations

from bot.callbacks import OwnedTap
from bot.flows.advice import advice_screen, owned_question, plan_for
from bot.flows.session import Session
from bot.replies import EditMessage, Reply
from bot.screens import no_answers_screen, profile_screen, text_screen
from bot.storage import record_items


async def tapped(session: Session, tap: OwnedTap) -> list[Reply]:
    """Keep the answer; then the next item's question, or the advice that now counts it (or the profile)."""
    await record_items.set_owned(session.storage, session.user_id, tap.question_id, tap.owned)
    if tap.in_profile:
        answers = await session.storage.answers(session.user_id)
        owned = await record_items.owned(session.storage, session.user_id)
        return [EditMessage(profile_screen(answers, session.lang, owned))]
    planned = await plan_for(session)
    if planned is None:  # the data is gone (/forget)
        return [EditMessage(no_answers_screen(session.lang))]
    following = owned_question(planned.plan, session)
    if following is not None:
        return [EditMessage(following)]
    return [
        EditMessage(text_screen(session.lang, "bot_record_done.html.j2")),
        advice_screen(planned, session, await session.has_seen_an_estimate()),
    ]
