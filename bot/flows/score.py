"""``/score``: the estimate, its five dimensions, what holds it back, the change since last time, the radar chart."""

from __future__ import annotations

from bot.charts.radar import RadarChart
from bot.flows.session import Session
from bot.progress import Progress, plan_schedules
from bot.progress_views import calibrated_view, change_view
from bot.replies import Photo, Reply, Screen
from bot.scheduling import CHECKIN_DAY, DEFAULT_TIME
from bot.screens import no_answers_screen, score_keyboard
from scoring.presentation import score_view
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
    if shown.change is not None and shown.change.kind == "first":
        await _start_checkins(session)
    view = score_view(result, lang)
    text = render(
        lang,
        "bot_score.html.j2",
        **view,
        change=change_view(shown.change, shown.unexplained, lang),
        calibrated=calibrated_view(shown.calibrated),
        heading=heading,
    )
    caption = render(lang, "bot_chart_caption.html.j2")
    # Drawn (once, then cached) by whoever shows it: Telegram may already have the picture.
    return [Screen(text), Photo(RadarChart.of(result, lang), caption, score_keyboard(lang, result.answered))]


async def _start_checkins(session: Session) -> None:
    """After the first estimate: the monthly check-in on the 7th (each one can stop them)."""
    if not any(s.kind == "checkin" for s in await session.storage.schedules(session.user_id)):
        minute = DEFAULT_TIME.hour * 60 + DEFAULT_TIME.minute
        await session.storage.set_schedule(session.user_id, "checkin", 0, CHECKIN_DAY, minute)
        await plan_schedules(session.storage, session.clock(), user_id=session.user_id)
