"""``/score``: the estimate, its five dimensions, what holds it back, the change since last time, the radar chart.

Also the reply to answers changed (``/profile``, a how-to's "Record it", the questionnaire, a goal
action done): the same estimate, and the goal's "reached" message when this new estimate reaches it.
"""

from __future__ import annotations

from bot.charts.radar import RadarChart
from bot.flows import goal_reached
from bot.flows.session import Session
from bot.progress import Progress
from bot.progress_views import calibrated_view, change_view
from bot.replies import Photo, Reply, Screen
from bot.screens import no_answers_screen, score_keyboard
from scoring.presentation import score_view
from scoring.structure import complete
from templates import render


async def show(session: Session) -> list[Reply]:
    """The estimate with its breakdown, change since last time and the radar chart."""
    return await replies(session, None)


async def replies(session: Session, heading: str | None) -> list[Reply]:
    """The score message and chart; ``heading`` says why it is shown (a path just finished...)."""
    answers = await session.storage.answers(session.user_id)
    if not answers:
        return [no_answers_screen(session.lang)]
    lang = session.lang
    result = session.card.score(answers)
    shown = await Progress(session.storage, session.card, session.clock).shown(session.user_id, answers, result)
    # An estimate shown before (anything but the first): the disclaimer's short form is enough.
    seen = shown.change is None or shown.change.kind != "first"
    known = len(complete(answers))
    text = render(
        lang,
        "bot_score.html.j2",
        **score_view(result, lang),
        change=change_view(shown.change, shown.unexplained, lang),
        calibrated=calibrated_view(shown.calibrated, lang),  # once reported, the headline
        heading=heading,
        brief_disclaimer=seen,
    )
    caption = render(lang, "bot_chart_caption.html.j2")
    # Drawn (once, then cached) by whoever shows it: Telegram may already have the picture.
    chart = Photo(RadarChart.of(result, lang, shown.calibrated), caption, score_keyboard(lang, known))
    # A new estimate (answers changed since the last one shown) that reaches the goal: said here, once,
    # after it. Not for the first estimate, which no goal can precede (``/goal`` shows an estimate
    # too), nor for one shown before, so ``/score`` asks the database nothing more.
    reached = await goal_reached.notice(session, answers, shown) if shown.new and seen else None
    return [Screen(text), chart] if reached is None else [Screen(text), chart, reached]
