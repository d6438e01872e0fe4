"""Profiles the advice tests share: seeded random ones and a few crafted on purpose.

Every profile here satisfies the answer structure (``scoring.structure``): the engines refuse
contradictory answers, so a test profile that held one would test nothing but the refusal.
"""

from __future__ import annotations

import random

from scoring.questions import QUESTIONS, Answer
from scoring.structure import consistent_after_change, contradictions


def random_profile(rng: random.Random, answered: float = 0.8) -> dict[str, Answer]:
    """One profile, each question answered with probability ``answered``, each value uniform
    over the values the answers drawn so far allow."""
    profile: dict[str, Answer] = {}
    for question in QUESTIONS:
        if rng.random() >= answered:
            continue
        allowed = [v for v in question.levels if not contradictions({**profile, question.id: v})]
        profile[question.id] = rng.choice(allowed)
    return profile


def random_profiles(count: int, seed: int, answered: float = 0.8) -> list[dict[str, Answer]]:
    """``count`` consistent profiles (see ``random_profile``)."""
    rng = random.Random(seed)
    return [random_profile(rng, answered) for _ in range(count)]


def best() -> dict[str, Answer]:
    """The most favourable answer to every question."""
    return {q.id: q.levels[-1] for q in QUESTIONS}


def strong_with_new_phone() -> dict[str, Answer]:
    """A strong, realistic profile whose phone number is new and not used everywhere."""
    return {
        **best(),
        "account_age": "5to10",
        "credit_cards": "three_five",
        "monthly_spend": "2000to5000",
        "living_bills": 4,
        "wealth": "medium",
        "income": "stable",
        "property": False,
        "vehicle": False,
        "charity": "sometimes",
        "friends_credit": "mixed",
        "friend_interaction": "sometimes",
        "phone_years": "lt1",
        "phone_consistent": False,
    }


def average_with(**changes: Answer) -> dict[str, Answer]:
    """A middling, fully answered profile with ``changes`` applied, kept consistent.

    The middle card repayment answer would be "no cards" beside "1-2 cards", so it is "sometimes
    late"; a change that contradicts another answer replaces it (``consistent_after_change``).
    """
    profile: dict[str, Answer] = {q.id: q.levels[len(q.levels) // 2] for q in QUESTIONS}
    profile["card_repayment"] = "sometimes_late"
    for question_id, value in changes.items():
        profile = consistent_after_change(profile, question_id, value)
    return profile
