"""Hypothesis strategies and helpers shared by the scoring tests."""

from hypothesis import strategies as st

from scoring.questions import QUESTIONS

#: Any subset of the questionnaire, each answered with any allowed value.
partial_profiles = st.fixed_dictionaries({}, optional={q.id: st.sampled_from(q.levels) for q in QUESTIONS})

#: Same, but unanswered questions appear explicitly as None (how a DataFrame row with NA looks).
profiles_with_none = st.fixed_dictionaries({q.id: st.none() | st.sampled_from(q.levels) for q in QUESTIONS})


def one_step_up(profile: dict, question_id: str) -> dict:
    """The profile with one answer moved one level toward its favourable end."""
    levels = next(q.levels for q in QUESTIONS if q.id == question_id)
    moved = dict(profile)
    moved[question_id] = levels[levels.index(profile[question_id]) + 1]
    return moved
