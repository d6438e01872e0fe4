"""Profiles the advice tests share: seeded random ones and a few crafted on purpose."""

from __future__ import annotations

import random

from scoring.questions import QUESTIONS, Answer
from tests.scoring.profiles import without_contradictions


def random_profiles(count: int, seed: int, answered: float = 0.8) -> list[dict[str, Answer]]:
    """``count`` profiles, each question answered with probability ``answered``, values uniform.

    Answers that contradict an earlier one (cards held but "no cards" as repayment record) are
    dropped: the command line refuses such a profile (``scoring.structure``).
    """
    rng = random.Random(seed)
    return [
        without_contradictions({q.id: rng.choice(q.levels) for q in QUESTIONS if rng.random() < answered})
        for _ in range(count)
    ]


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
    """A middling, fully answered profile with ``changes`` applied."""
    profile: dict[str, Answer] = {q.id: q.levels[len(q.levels) // 2] for q in QUESTIONS}
    profile["card_repayment"] = "always_on_time"  # the middle answer, "no cards", contradicts holding 1-2
    profile.update(changes)
    return profile
