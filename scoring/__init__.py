"""Shared scoring module: questionnaire, synthetic population, scorecard model, 350-950 scale.

A plain library: the bot, the CLI, the advice engine and the benchmarks all import it, and it
imports none of them (and never python-telegram-bot).
"""

from scoring.card import BANDS, Band, Dimension, Reason, Scorecard, ScoreResult, band_of, load_scorecard
from scoring.questions import DIMENSIONS, QUESTION_BY_ID, QUESTIONS, QUICK_IDS, InvalidAnswer, Question

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
