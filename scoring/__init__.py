"""Shared scoring module: questionnaire, synthetic population, scorecard model, 350-950 scale.

A plain library: the bot, the CLI, the advice engine and the benchmarks all import it, and it
imports none of them (and never python-telegram-bot).

The names below are the package's public API (``from scoring import load_scorecard``). They are
loaded when first used (PEP 562), not when the package is: importing any ``scoring`` module
imports this file first, and the scorecard brings numpy, scipy and pandas (about 45 MB). A
process that only reads an Alipay bill (``scoring.alipay_bill``) needs none of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scoring.card import BANDS, Band, Dimension, Reason, Scorecard, ScoreResult, band_of, load_scorecard
    from scoring.questions import DIMENSIONS, QUESTION_BY_ID, QUESTIONS, QUICK_IDS, InvalidAnswer, Question

_HOMES = {
    **dict.fromkeys(
        ("BANDS", "Band", "Dimension", "Reason", "ScoreResult", "Scorecard", "band_of", "load_scorecard"),
        "scoring.card",
    ),
    **dict.fromkeys(
        ("DIMENSIONS", "QUESTIONS", "QUESTION_BY_ID", "QUICK_IDS", "InvalidAnswer", "Question"), "scoring.questions"
    ),
}
"""Each public name and the module it lives in."""

__all__ = [
    "BANDS",
    "DIMENSIONS",
    "QUESTIONS",
    "QUESTION_BY_ID",
    "QUICK_IDS",
    "Band",
    "Dimension",
    "InvalidAnswer",
    "Question",
    "Reason",
    "ScoreResult",
    "Scorecard",
    "band_of",
    "load_scorecard",
]


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'scoring' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
