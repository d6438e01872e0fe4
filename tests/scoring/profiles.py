"""Hypothesis strategies and helpers shared by the scoring tests."""

from hypothesis import strategies as st

from scoring.questions import QUESTIONS, QUICK_IDS

#: Any subset of the questionnaire, each answered with any allowed value.
partial_profiles = st.fixed_dictionaries({}, optional={q.id: st.sampled_from(q.levels) for q in QUESTIONS})

#: Every question answered (the structure not enforced: the card scores what it is given).
complete_profiles = st.fixed_dictionaries({q.id: st.sampled_from(q.levels) for q in QUESTIONS})

#: Same, but unanswered questions appear explicitly as None (how a DataFrame row with NA looks).
profiles_with_none = st.fixed_dictionaries({q.id: st.none() | st.sampled_from(q.levels) for q in QUESTIONS})


def without_contradictions(profile: dict) -> dict:
    """The profile with the second answer of every contradiction dropped (so it is consistent)."""
    from scoring.structure import contradictions

    profile = dict(profile)
    while found := contradictions(profile):
        del profile[found[0].second_id]
    return profile


#: Any subset of the questionnaire that obeys the answer structure (implied answers may be missing).
consistent_profiles = partial_profiles.map(without_contradictions)


QUICK = {
    "account_age": "3to5",
    "huabei": "late_once",
    "loans": "none",
    "credit_cards": "one_two",
    "card_repayment": "always_on_time",
    "shopping": "taobao",
    "wealth": "small",
    "income": "stable",
    "provident_fund": False,
    "phone_consistent": True,
}
"""The quick check answered: a middling profile (one late Huabei repayment, a card or two) to change from."""
assert set(QUICK) == set(QUICK_IDS)


def rest_answered(profile: dict, level: int) -> dict:
    """The profile with every question it leaves open answered at ``levels[level]`` (0: the least favourable)."""
    return {**profile, **{q.id: q.levels[level] for q in QUESTIONS if q.id not in profile}}


def one_step_up(profile: dict, question_id: str) -> dict:
    """The profile with one answer moved one level toward its favourable end."""
    levels = next(q.levels for q in QUESTIONS if q.id == question_id)
    moved = dict(profile)
    moved[question_id] = levels[levels.index(profile[question_id]) + 1]
    return moved


def consistent(profile: dict) -> dict:
    """A crafted profile made to obey the answer structure: its card and bill answers lead."""
    from scoring.structure import consistent_after_change

    for question_id in ("credit_cards", "living_bills"):
        if question_id in profile:
            profile = consistent_after_change(profile, question_id, profile[question_id])
    return profile


def crafted_profiles() -> dict[str, dict]:
    """Named, consistent profiles that span the advice's cases (overdue, no income, no cards, ...).

    The top-3 advice of these is what must not depend on the training seed.
    """
    from scoring.questions import QUESTION_BY_ID, QUICK_IDS
    from tests.advice.profiles import average_with, best, strong_with_new_phone

    worst = {q.id: q.levels[0] for q in QUESTIONS}
    first_options = {
        qid: QUESTION_BY_ID[qid].choices[QUESTION_BY_ID[qid].display_indexes()[0]].value for qid in QUICK_IDS
    }
    middle = average_with(card_repayment="always_on_time")
    profiles = {
        "best": best(),
        "strong_with_new_phone": strong_with_new_phone(),
        "average": middle,
        "average_huabei_overdue": {**middle, "huabei": "overdue_now"},
        "average_loans_overdue": {**middle, "loans": "overdue_now"},
        "average_loan_overdue_late_huabei_no_fund": {
            **middle,
            "loans": "overdue_now",
            "huabei": "late_often",
            "provident_fund": False,
        },
        "worst": worst,
        "worst_late_huabei": {**worst, "huabei": "late_often"},
        "quick_check_first_options": first_options,
        "student_no_income": {
            "account_age": "1to3",
            "huabei": "on_time",
            "loans": "none",
            "credit_cards": "none",
            "shopping": "taobao",
            "wealth": "small",
            "income": "none",
            "provident_fund": False,
            "phone_consistent": True,
        },
        "no_bills_no_cards": average_with(credit_cards="none", living_bills=0),
    }
    return {name: consistent(profile) for name, profile in profiles.items()}
