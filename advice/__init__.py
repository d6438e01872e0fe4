"""The advice engine: the action catalogue and the counterfactual ranking of it for one profile.

A plain library like ``scoring``: the bot and the CLI import it, it never imports them.
"""

from advice.catalogue import ACTION_BY_ID, ACTIONS, Action, Change, Counterfactual, UnknownAction, get_action
from advice.ranking import COMBINED_TOP, Plan, Projection, RankedAction, TellMeMore, rank, simulate, tell_me_more

__all__ = [
    "ACTIONS",
    "ACTION_BY_ID",
    "COMBINED_TOP",
    "Action",
    "Change",
    "Counterfactual",
    "Plan",
    "Projection",
    "RankedAction",
    "TellMeMore",
    "UnknownAction",
    "get_action",
    "rank",
    "simulate",
    "tell_me_more",
]
