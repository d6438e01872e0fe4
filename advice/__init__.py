"""The advice engine: the action catalogue and the counterfactual ranking of it for one profile.

A plain library like ``scoring``: the bot and the CLI import it, it never imports them.
"""

from advice.catalogue import ACTION_BY_ID, ACTIONS, Action, Change, Counterfactual, UnknownAction, get_action
from advice.feasibility import ANSWER_CLASSES, GATES, Gate, Owned, active_gates, feasible_changes
from advice.planner import GoalPlan, plan
from advice.ranking import (
    COMBINED_TOP,
    NothingToDo,
    Plan,
    Projection,
    RankedAction,
    TellMeMore,
    rank,
    simulate,
    tell_me_more,
)

__all__ = [
    "ACTIONS",
    "ACTION_BY_ID",
    "ANSWER_CLASSES",
    "COMBINED_TOP",
    "GATES",
    "Action",
    "Change",
    "Counterfactual",
    "Gate",
    "GoalPlan",
    "NothingToDo",
    "Owned",
    "Plan",
    "Projection",
    "RankedAction",
    "TellMeMore",
    "UnknownAction",
    "active_gates",
    "feasible_changes",
    "get_action",
    "plan",
    "rank",
    "simulate",
    "tell_me_more",
]
