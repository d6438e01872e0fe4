"""``/score``: the estimate, its five dimensions, what holds it back, the change since last time, the radar chart."""

from __future__ import annotations

from bot.charts.radar import RadarChart
from bot.flows.session import Session
from bot.replies import Photo, Reply, Screen
from bot.screens import no_answers_screen, score_keyboard
from bot.storage import Snapshot
from bot.storage.tables import utcnow
from scoring.card import ScoreResult
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
    change, previous, seen = await _progress(session, result)
    view = score_view(result, lang)
    text = render(
        lang, "bot_score.html.j2", **view, change=change, previous=previous, heading=heading, brief_disclaimer=seen
    )
    caption = render(lang, "bot_chart_caption.html.j2")
    # Drawn (once, then cached) by whoever shows it: Telegram may already have the picture.
    return [Screen(text), Photo(RadarChart.of(result, lang), caption, score_keyboard(lang, result.answered))]


async def _progress(session: Session, result: ScoreResult) -> tuple[int | None, int | None, bool]:
    """Change against the previous distinct estimate; a new estimate is kept as a snapshot.

    Showing the same result twice stores nothing new and keeps comparing with the one
    before, so ``/score`` repeated still tells how the last change moved the score. The last
    value says whether an estimate was shown before (then the disclaimer is short), read from
    the same snapshots rather than asked again.
    """
    now = Snapshot(
        score=result.score,
        band=result.band.id,
        low=result.range[0],
        high=result.range[1],
        dimensions={d.id: d.grade for d in result.dimensions},
        model_version=session.card.version,
        created_at=utcnow(),
    )
    recent = await session.storage.snapshots(session.user_id, limit=2)
    if recent and _same(recent[0], now):
        baseline = recent[1] if len(recent) > 1 else None
    else:
        baseline = recent[0] if recent else None
        await session.storage.add_snapshot(session.user_id, now)
    if baseline is None:
        return None, None, bool(recent)
    return now.score - baseline.score, baseline.score, True


def _same(a: Snapshot, b: Snapshot) -> bool:
    return (a.score, a.low, a.high, a.dimensions, a.model_version) == (
        b.score,
        b.low,
        b.high,
        b.dimensions,
        b.model_version,
    )
