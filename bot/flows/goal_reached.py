"""A goal the estimate now reaches: said in one message, the same wherever an estimate is shown.

``/goal``, ``/myscore``, the goal check-in's "done" tap and every reply that shows a new
estimate after answers changed (``bot.flows.score``: ``/profile``, a how-to's "Record it", the
questionnaire) ask ``notice``. It goes through ``Progress.goal_reached``, which removes the goal
with its check-ins once reached, so a second ask in the same update finds nothing to say and the
message comes once. A goal not reached yet is kept as it is, whatever the estimate did.
"""

from __future__ import annotations

from bot.flows.session import Session
from bot.progress import Progress, Shown, advisable, higher_goal
from bot.replies import Screen
from scoring.i18n import Lang
from scoring.questions import Answer
from templates import render


def reached_screen(
    lang: Lang,
    score: int,
    target: int,
    calibrated: bool,
    likely: tuple[int, int],
    *,
    was_goal: bool,
    best: int,
    brief: bool = True,
) -> Screen:
    """A target the estimate the user sees reaches: say so, with the estimate's range, and offer a higher one.

    ``was_goal``: the user's stored goal (reached since it was set); otherwise a ``/goal N``
    whose target the estimate already reaches. ``brief``: the estimate notice's short form, for a
    user who has seen an estimate before (a stored goal implies one). ``best``: the most the advice
    reaches for this user (``Progress.best_reachable``): a higher goal is offered only up to it, and
    at it none, only how to keep the score.
    """
    text = render(
        lang,
        "bot_goal.html.j2",
        state="reached",
        score=score,
        target=target,
        calibrated=calibrated,
        low=likely[0],
        high=likely[1],
        was_goal=was_goal,
        brief_disclaimer=brief,
        higher=higher_goal(score, best),
    )
    return Screen(text)


async def notice(session: Session, answers: dict[str, Answer], shown: Shown | None = None) -> Screen | None:
    """The "goal reached" message if the estimate of ``answers`` (calibrated once reports exist) reaches the goal.

    The goal and its check-ins are then removed. ``None``: no goal, or not reached yet (kept).
    ``answers``: the stored answers, as the reply that shows the estimate scored them. ``shown``:
    what keeping that estimate returned (``Progress.shown``), whose goal, read to count the planned
    actions done, serves here too, so the reply reads the goal once.
    """
    reached = await Progress(session.storage, session.card, session.clock).goal_reached(
        session.user_id, advisable(answers), shown
    )
    if reached is None:
        return None
    goal, score, calibrated, likely, best = reached
    return reached_screen(session.lang, score, goal.target, calibrated, likely, was_goal=True, best=best)
