"""Plans, actions and projections resolved into words for one language, ready for a template.

The CLI, its JSON and the bot's Telegram messages all show advice through these views, so an
action's title, effort, timing and warnings are looked up here once and the numbers a user sees
are the numbers ``advice.ranking`` computed.
"""

from __future__ import annotations

from typing import Any

from advice.catalogue import EFFORT_NAMES, EFFORT_WEIGHTS, TIMING_MONTHS, TIMINGS, WARNINGS, Action, Change, get_action
from advice.feasibility import RULED_OUT, STOPPED, nothing_to_do_note
from advice.planner import GoalPlan
from advice.ranking import Plan, Projection, RankedAction, next_band
from scoring.calibration import ProjectionBase
from scoring.card import Scorecard, band_of
from scoring.i18n import Lang
from scoring.presentation import answer_label, score_view
from scoring.projection import project
from scoring.questions import QUESTION_BY_ID, Answer
from templates import render

#: How many "tell me more" questions a plan message shows.
TELL_ME_MORE_SHOWN = 3


def change_view(change: Change, lang: Lang) -> dict[str, Any]:
    """One answer change, with the question and both answers in words."""
    return {
        "question_id": change.question_id,
        "question": QUESTION_BY_ID[change.question_id].prompt(lang),
        "before_value": change.before,
        "after_value": change.after,
        "before": answer_label(change.question_id, change.before, lang),
        "after": answer_label(change.question_id, change.after, lang),
    }


def action_view(action: Action | RankedAction, lang: Lang, base: ProjectionBase | None = None) -> dict[str, Any]:
    """An action as a template shows it; ``gain`` and the rest are ``None`` outside a plan.

    ``before`` maps each question the action changes for this user to the current answer, so
    the steps can fit it (seven cards are told to cut, never to add one). With a calibrated
    ``base`` the score after it starts from the user's calibrated estimate (the gain stays the
    model's) and ``calibrated`` says so. ``low`` and ``high``, the range of the score after, are
    left to a caller that shows one action (``with_range``): the ranking does not score each
    action's whole projection, and a list of actions states the range of today's estimate.
    """
    ranked = action if isinstance(action, RankedAction) else None
    score_after = None if ranked is None else _projected(ranked.score_after, base)
    entry = action.action if isinstance(action, RankedAction) else action
    changes = ranked.changes if ranked else ()
    return {
        "id": entry.id,
        "title": entry.title(lang),
        "effort_id": entry.effort,
        "effort": EFFORT_NAMES[entry.effort][lang],
        "timing_id": entry.timing,
        "time_to_effect": TIMINGS[entry.timing][lang],
        "first": entry.first,
        "record": entry.record,
        "months": TIMING_MONTHS[entry.timing],
        "effort_weight": EFFORT_WEIGHTS[entry.effort],
        "counterfactuals": [
            {"question_id": c.question_id, "from": list(c.from_values), "to": c.to} for c in entry.changes
        ],
        "questions": [
            {"id": qid, "question": QUESTION_BY_ID[qid].prompt(lang)} for qid in dict.fromkeys(entry.questions)
        ],
        "warnings": [WARNINGS[w][lang] for w in entry.warnings],
        "warning_ids": list(entry.warnings),
        "gain": ranked.gain if ranked else None,
        "points": round(ranked.points, 2) if ranked else None,
        "score_after": score_after,
        "band_after": None if score_after is None else band_of(score_after).name(lang),
        "band_after_id": None if score_after is None else band_of(score_after).id,
        "calibrated": _calibrated(base),
        "low": None,
        "high": None,
        "before": {c.question_id: c.before for c in changes},
        "changes": [change_view(c, lang) for c in changes],
    }


def with_range(
    view: dict[str, Any], card: Scorecard, answers: dict[str, Answer], ranked: RankedAction, base: ProjectionBase | None
) -> dict[str, Any]:
    """``view`` of ``ranked`` with the range of its projected score (recording it gives that estimate), as shown."""
    projected = project(card, answers, ranked.changes)
    low, high = projected.range if base is None else base.project_range(projected.score, *projected.range)
    return {**view, "low": low, "high": high}


def steps_text(view: dict[str, Any], lang: Lang) -> str:
    """An action's how-to (numbered steps and warnings) as plain text."""
    return render(lang, "action_steps.txt.j2", action=view)


def projection_view(projection: Projection, lang: Lang, base: ProjectionBase | None = None) -> dict[str, Any]:
    """A what-if result: the projected score, band, range and the answers it changed.

    With a calibrated ``base`` every score (before, after, the range) starts from the user's
    calibrated estimate, the gain staying the model's, and ``calibrated`` says so.
    """
    score = _projected(projection.score, base)
    low, high = projection.range if base is None else base.project_range(projection.score, *projection.range)
    before = _projected(projection.before.score, base)
    above, points = next_band(score)
    return {
        "score": score,
        "band": band_of(score).name(lang),
        "band_id": band_of(score).id,
        "low": low,
        "high": high,
        "before_score": before,
        "before_band": band_of(before).name(lang),
        "gain": projection.gain,
        "next_band": above.name(lang) if above else None,
        "points_to_next_band": points,
        "calibrated": _calibrated(base),
        "reports": 0 if base is None else base.reports,
        "model_score": projection.score,
        "model_before": projection.before.score,
        "actions": [_title(action_id, lang) for action_id in projection.action_ids],
        "not_applicable": [_title(action_id, lang) for action_id in projection.not_applicable],
        "unanswered": [{"id": qid, "question": QUESTION_BY_ID[qid].prompt(lang)} for qid in projection.unanswered],
        "changes": [change_view(c, lang) for c in projection.changes],
        "stopped": [
            {**_title(action_id, lang), "why": why, "note": _stopped_note(projection, action_id, why, lang)}
            for action_id, why in projection.stopped
        ],
        "clipped": projection.clipped,
    }


def plan_view(
    plan: Plan, lang: Lang, tell: int = TELL_ME_MORE_SHOWN, base: ProjectionBase | None = None
) -> dict[str, Any]:
    """A whole plan: today's estimate, the ranked actions, the combined plan, what to ask next.

    ``base`` (the bot's, for a user who reported real scores) moves every projected score to
    start from the calibrated estimate, which ``calibrated`` then describes; the gains, the
    ranking and the combined plan's choice stay the model's.
    """
    today = _projected(plan.before.score, base)
    above, points = next_band(today)
    return {
        "before": score_view(plan.before, lang),
        "calibrated": _base_view(base, lang),
        "next_band": above.name(lang) if above else None,
        "points_to_next_band": points,
        "actions": [action_view(ranked, lang, base) for ranked in plan.actions],
        "combined": projection_view(plan.combined, lang, base) if plan.combined else None,
        "tell_me_more": [
            {
                "question_id": item.question_id,
                "question": QUESTION_BY_ID[item.question_id].prompt(lang),
                "narrows_by": item.narrows_by,
                "actions": [_title(action_id, lang) for action_id in item.action_ids],
            }
            for item in plan.tell_me_more[:tell]
        ],
        "gates": [{"id": gate.id, "text": gate.text(lang)} for gate in plan.gates],
        # Said once after the gates, however many hold.
        "no_new_credit": render(lang, "_no_new_credit.txt.j2") if plan.gates else None,
        "if_you_have": [action_view(ranked, lang, base) for ranked in plan.if_you_have],
        "nothing_to_do": [
            {
                "question_id": item.question_id,
                "question": QUESTION_BY_ID[item.question_id].prompt(lang),
                "topic": QUESTION_BY_ID[item.question_id].topic(lang),
                "answer": answer_label(item.question_id, item.value, lang),
                "points_lost": round(item.points_lost),
                "stopped": item.stopped,
                "note": nothing_to_do_note(item.question_id, item.value, item.stopped, lang),
            }
            for item in plan.nothing_to_do
        ],
        # Some item is held back only by a safety gate: the heading then says "for now".
        "held_back": any(item.stopped == "gated" for item in plan.nothing_to_do),
        "clipped": plan.clipped,
    }


def goal_view(goal: GoalPlan, lang: Lang) -> dict[str, Any]:
    """A goal plan: the target, whether it is reachable, the actions in order, effort and months."""
    projection = projection_view(goal.projection, lang) if goal.projection else None
    return {
        "target": goal.target,
        "reachable": goal.reachable,
        "before": score_view(goal.before, lang),
        "actions": [action_view(ranked, lang) for ranked in goal.actions],
        "score_after": goal.score_after,
        "best_score": goal.best_score,
        "effort": goal.effort,
        "months": goal.months,
        "projection": projection,
    }


def _projected(score: int, base: ProjectionBase | None) -> int:
    """A score the model projects, as this user sees it (moved by their calibration, if any)."""
    return score if base is None else base.project(score)


def _calibrated(base: ProjectionBase | None) -> bool:
    return base is not None and base.calibrated is not None


def _base_view(base: ProjectionBase | None, lang: Lang) -> dict[str, Any] | None:
    """The calibrated estimate the projections start from; ``None`` when they start from the model's."""
    if base is None or base.calibrated is None:
        return None
    low, high = base.calibrated.range
    band = band_of(base.score)
    return {
        "score": base.score,
        "band": band.name(lang),
        "band_id": band.id,
        "low": low,
        "high": high,
        "estimate": base.estimate,
        "reports": base.reports,
    }


def _stopped_note(projection: Projection, action_id: str, why: str, lang: Lang) -> str:
    """Why a what-if left an action out; for a safety gate, the gates' own words, "no new credit" once."""
    if why == "gated" and projection.gates:
        return render(lang, "_gated_note.txt.j2", gates=[gate.text(lang) for gate in projection.gates])
    question_id = get_action(action_id).questions[0]
    if why == "ruled_out" and question_id in RULED_OUT:
        return RULED_OUT[question_id].note(lang)
    return STOPPED[why][lang]


def _title(action_id: str, lang: Lang) -> dict[str, str]:
    return {"id": action_id, "title": get_action(action_id).title(lang)}
