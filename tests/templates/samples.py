"""Sample contexts for every template, built from real objects, keyed by template file name.

``tests/templates/test_templates.py`` renders every file in ``templates/zh`` and ``templates/en``
with each context its entry returns, and fails for a file without an entry, so a new template
cannot escape the language and markup checks. To add entries, decorate a function here with
``@sample("name.html.j2", ...)``, or put it in a sibling module named ``samples_<area>.py``
(e.g. ``samples_bot.py``): every such module is imported by ``load_all()``.

A sample function takes the language and returns a list of contexts (one per branch worth
rendering); each context is passed to ``templates.render(lang, name, **context)``.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from advice.catalogue import ACTIONS
from advice.feasibility import GATES
from advice.planner import plan as plan_goal
from advice.presentation import action_view, goal_view, plan_view, projection_view, with_range
from advice.ranking import rank, simulate
from scoring.calibration import Calibrated, Offset, ProjectionBase
from scoring.card import Scorecard, load_scorecard
from scoring.cli import dimension_labels
from scoring.presentation import question_view, score_view
from scoring.questions import QUESTIONS, Answer

Context = dict[str, Any]
Sample = Callable[[str], list[Context]]

SAMPLES: dict[str, Sample] = {}
ROOT = Path(__file__).resolve().parents[2]


def sample(*names: str) -> Callable[[Sample], Sample]:
    """Register ``function`` as the sample contexts of the templates ``names``."""

    def register(function: Sample) -> Sample:
        for name in names:
            if name in SAMPLES:
                raise ValueError(f"two sample entries for {name}")
            SAMPLES[name] = function
        return function

    return register


def load_all() -> dict[str, Sample]:
    """The registry, with every sibling ``samples_*.py`` module imported."""
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("samples_"):
            importlib.import_module(f"{__package__}.{module.name}")
    return SAMPLES


# ---- realistic inputs ----------------------------------------------------------------------
@cache
def card() -> Scorecard:
    """The packaged scorecard."""
    return load_scorecard()


def example_answers() -> dict[str, Answer]:
    """The README's example profile (partly answered)."""
    return json.loads((ROOT / "examples" / "answers.json").read_text(encoding="utf-8"))


def troubled_answers() -> dict[str, Answer]:
    """A profile with a current overdue, seven cards and unpaid bills at another address."""
    return {
        **{q.id: q.levels[len(q.levels) // 2] for q in QUESTIONS},
        "huabei": "overdue_now",
        "credit_cards": "six_plus",
        "card_repayment": "sometimes_late",
        "card_bills": "none",
        "bill_address": "differs",
        "phone_years": "lt1",
        "phone_consistent": False,
    }


def no_cards_no_bills() -> dict[str, Answer]:
    """Three answers, two of which settle others: grouped reasons, dimensions not asked yet."""
    return {"huabei": "late_once", "credit_cards": "none", "living_bills": 0}


PROFILES: tuple[Callable[[], dict[str, Answer]], ...] = (
    example_answers,
    troubled_answers,
    no_cards_no_bills,
    lambda: card().best_answers(),
    dict,
)


# ---- the scoring CLI ---------------------------------------------------------------------
@sample("_disclaimer.txt.j2")
def _disclaimer(lang: str) -> list[Context]:
    return [{}]


@sample("_estimate.html.j2")
def _estimate(lang: str) -> list[Context]:
    return [{}]  # macros only: it renders nothing by itself (the screens that import it use them)


@sample("cli_questions.txt.j2")
def _questions(lang: str) -> list[Context]:
    return [{"questions": [question_view(q.id, lang) for q in QUESTIONS]}]


@sample("cli_score.txt.j2")
def _score(lang: str) -> list[Context]:
    return [score_view(card().score(profile()), lang, reasons=5) for profile in PROFILES]


@sample("cli_model.txt.j2")
def _model(lang: str) -> list[Context]:
    return [{"card": card().model_card(), "names": dimension_labels(lang)}]


@sample("cli_train.txt.j2")
def _train(lang: str) -> list[Context]:
    folder = ROOT / "scoring" / "data"
    return [
        {
            "card": card().data,
            "card_path": str(folder / "scorecard.json"),
            "estimator_path": str(folder / "scorecard.skops"),
        }
    ]


# ---- advice -----------------------------------------------------------------------------
@sample("action_steps.txt.j2", "action_steps.html.j2")
def _action_steps(lang: str) -> list[Context]:
    """Every catalogue action (generic steps) and every ranked action of the sample profiles."""
    views = [action_view(action, lang) for action in ACTIONS]
    for profile in PROFILES:
        views += [action_view(ranked, lang) for ranked in rank(card(), profile()).actions]
        views += [  # as the bot's how-to shows one: with its projection's range
            with_range(action_view(ranked, lang), card(), profile(), ranked, None)
            for ranked in rank(card(), profile()).actions[:1]
        ]
    return [{"action": view} for view in views]


@sample("advice.html.j2", "cli_advise.txt.j2")
def _advice(lang: str) -> list[Context]:
    plans = [rank(card(), profile()) for profile in PROFILES]
    plans.append(rank(card(), troubled_answers(), top=1))
    calibrated = [(plan, calibrated_base(plan.before.score, shift)) for plan in plans[:2] for shift in (-40, 25)]
    return [plan_view(plan, lang) for plan in plans] + [plan_view(plan, lang, base=base) for plan, base in calibrated]


def calibrated_base(estimate: int, shift: int, reports: int = 2) -> ProjectionBase:
    """A base calibrated ``shift`` points away from the model's ``estimate`` by ``reports`` reports."""
    score = estimate + shift
    return ProjectionBase(estimate, Calibrated(score, (score - 20, score + 20), 0.8, Offset(shift, 12.0, reports)))


@sample("_no_new_credit.txt.j2")
def _no_new_credit(lang: str) -> list[Context]:
    return [{}]


@sample("_gated_note.txt.j2")
def _gated_note(lang: str) -> list[Context]:
    return [{"gates": [gate.text(lang) for gate in GATES[:n]]} for n in (1, 2)]


@sample("whatif.html.j2", "cli_whatif.txt.j2")
def _whatif(lang: str) -> list[Context]:
    return [
        projection_view(simulate(card(), troubled_answers(), ["repay_overdue", "credit_cards_3_5"]), lang),
        projection_view(simulate(card(), example_answers(), ["mybank", "add_property", "tmall_shopping"]), lang),
        projection_view(simulate(card(), card().best_answers(), ["insurance"]), lang),
        projection_view(simulate(card(), {}, ["living_bills"]), lang),
        *(
            projection_view(troubled, lang, calibrated_base(troubled.before.score, shift, reports))
            for troubled in [simulate(card(), troubled_answers(), ["repay_overdue"])]
            for shift, reports in ((-40, 1), (25, 3))
        ),
    ]


@sample("cli_plan.txt.j2")
def _plan(lang: str) -> list[Context]:
    """Reachable, out of reach, already there, and nothing left to do."""
    return [
        goal_view(plan_goal(card(), troubled_answers(), 600), lang),
        goal_view(plan_goal(card(), troubled_answers(), 950), lang),
        goal_view(plan_goal(card(), example_answers(), 400), lang),
        goal_view(plan_goal(card(), card().best_answers(), 950), lang),
    ]


@sample("cli_actions.txt.j2")
def _actions(lang: str) -> list[Context]:
    return [{"actions": [action_view(action, lang) for action in ACTIONS]}]
