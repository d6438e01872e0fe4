"""``/whatif``: toggle actions and watch the projected score change in the same message.

Once real scores are reported, the projected score (and the score now) is the calibrated one,
as on ``/score``, ``/advice`` and ``/goal``; the estimate from the answers alone comes second.
"""

from __future__ import annotations

from advice import simulate
from advice.presentation import projection_view
from bot.callbacks import WhatIfTap
from bot.flows.advice import ACTION_BY_CODE, ACTION_CODE, plan_for
from bot.flows.session import Session
from bot.progress import Progress, shown_range
from bot.replies import Button, EditMessage, Keyboard, Reply, Screen
from bot.screens import button_label, no_answers_screen
from bot.storage import record_items
from templates import render


async def show(session: Session) -> list[Reply]:
    """Toggle buttons for the ranked actions; the message shows the projected score."""
    return [await whatif_screen(session, frozenset())]


async def toggled(session: Session, tap: WhatIfTap) -> list[Reply]:
    """Recompute the projection for the new selection and edit the message."""
    return [EditMessage(await whatif_screen(session, tap.picked))]


async def whatif_screen(session: Session, picked: frozenset[int]) -> Screen:
    """The projection of the picked actions (or the invitation to pick), one toggle per action."""
    lang = session.lang
    planned = await plan_for(session)
    if planned is None:
        return no_answers_screen(lang)
    answers, plan = planned.answers, planned.plan
    brief = await session.has_seen_an_estimate()
    await Progress(session.storage, session.card, session.clock).record_shown(session.user_id)  # it states the estimate
    offered = [ACTION_CODE[r.id] for r in plan.actions]
    # Picks no longer in the plan (answers changed since) still count, after the others.
    order = offered + sorted(picked - set(offered))
    keyboard: Keyboard = tuple(
        (
            Button(
                button_label(lang, "toggle", on=i in picked, title=ACTION_BY_CODE[i].title(lang)),
                WhatIfTap(picked ^ {i}).data(),
            ),
        )
        for i in order
    )
    chosen = [ACTION_BY_CODE[i].id for i in order if i in picked]
    base = planned.base  # once real scores are reported, every score here is the calibrated one
    calibrated = base.calibrated is not None
    if not chosen:
        low, high = shown_range(plan.before, base)
        text = render(
            lang,
            "bot_whatif_pick.html.j2",
            offered=len(offered),
            score=base.score,
            calibrated=calibrated,
            low=low,
            high=high,
            brief_disclaimer=brief,
        )
        return Screen(text, keyboard)
    owned = await record_items.owned(session.storage, session.user_id)
    projection = simulate(session.card, answers, chosen, owned)
    return Screen(
        render(lang, "whatif.html.j2", **projection_view(projection, lang, base), brief_disclaimer=brief), keyboard
    )
