"""The compiled scorecard: issue 2's "Must show" list and what a score result promises."""

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import population
from scoring.card import BANDS, Dimension, Reason, Scorecard, ScoreResult, band_of, load_scorecard
from scoring.questions import DIMENSIONS, QUESTION_BY_ID, QUESTIONS, InvalidAnswer
from tests.scoring.profiles import one_step_up, partial_profiles

ISSUE_SHARES = {"credit_history": 0.35, "behaviour": 0.25, "capacity": 0.20, "identity": 0.15, "connections": 0.05}


def reference_score(card: Scorecard, answers: dict) -> ScoreResult:
    """A score computed the plain way, question by question, from the card's tables.

    ``Scorecard.score`` is optimised (precomputed reasons, inlined constructors); it must give
    exactly this, to the last bit of every float.
    """
    dims = {d: 0.0 for d in DIMENSIONS}
    counts = {d: 0 for d in DIMENSIONS}
    log_odds, answered_points, unanswered_top, lost = card.intercept, 0.0, 0.0, []
    for qid in card.question_ids:
        dimension, table = QUESTION_BY_ID[qid].dimension, card.tables[qid]
        top = card.factor * max(table.values())
        value = answers.get(qid)
        if value is None:
            dims[dimension] += card.factor * card.missing[qid]
            log_odds += card.missing[qid]
            unanswered_top += top
            continue
        points = card.factor * table[value]
        dims[dimension] += points
        counts[dimension] += 1
        log_odds += table[value]
        answered_points += points
        if top - points > 0.5:
            lost.append(Reason(qid, dimension, value, top - points))
    lost.sort(key=lambda reason: reason.points_lost, reverse=True)

    def clip(raw: float) -> int:
        return min(card.maximum, max(card.minimum, round(raw)))

    score = clip(card.offset + card.factor * log_odds)
    maxima = dict(zip(DIMENSIONS, card.dimension_max, strict=True))
    questions = dict(zip(DIMENSIONS, card.dimension_questions, strict=True))
    return ScoreResult(
        score=score,
        band=band_of(score),
        range=(
            clip(card.base + answered_points - card.margin),
            clip(card.base + answered_points + unanswered_top + card.margin),
        ),
        dimensions=tuple(
            Dimension(d, dims[d], maxima[d], round(100 * dims[d] / maxima[d]), counts[d], questions[d])
            for d in DIMENSIONS
        ),
        reasons=tuple(lost),
        log_odds=log_odds,
        answered=sum(counts.values()),
    )


# ---- the "Must show" figures -------------------------------------------------------------


def test_dimension_shares_are_within_three_points_of_the_seed_weights(card):
    shares = card.dimension_shares()
    assert list(shares) == list(DIMENSIONS)
    assert sum(shares.values()) == pytest.approx(1.0)
    for dimension, target in ISSUE_SHARES.items():
        assert abs(shares[dimension] - target) <= 0.03, (dimension, shares[dimension])


def test_best_profile_scores_850_or_more_and_worst_450_or_less(card):
    best, worst = card.score(card.best_answers()), card.score(card.worst_answers())
    assert best.score >= 850
    assert worst.score <= 450
    assert best.band.id == "excellent"
    assert worst.band.id == "poor"


def test_a_fresh_synthetic_population_has_median_600_to_680_and_fills_every_band(card):
    table = population.generate(50_000, seed=7).drop(columns="bad")  # not the training seed
    scores = card.score_many(table)
    assert 600 <= scores["score"].median() <= 680
    counts = scores["band"].value_counts()
    assert set(counts.index) == {b.id for b in BANDS}
    assert counts.min() >= 100  # occupied, not by a stray profile


# ---- monotone --------------------------------------------------------------------------------


def test_points_tables_never_fall_toward_the_favourable_end(card):
    for q in QUESTIONS:
        points = [card.points(q.id, value) for value in q.levels]
        assert points == sorted(points), q.id
        assert points[0] == 0.0
        assert min(points) <= card.factor * card.missing[q.id] <= max(points), q.id


@settings(max_examples=150, deadline=None)
@given(profile=partial_profiles)
def test_one_step_toward_the_favourable_end_never_lowers_the_score(card, profile):
    before = card.score(profile)
    for question_id, value in profile.items():
        levels = QUESTION_BY_ID[question_id].levels
        if levels.index(value) == len(levels) - 1:
            continue
        after = card.score(one_step_up(profile, question_id))
        assert after.score >= before.score, question_id
        assert after.log_odds >= before.log_odds, question_id


# ---- range -----------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(profile=partial_profiles, data=st.data())
def test_range_holds_the_score_and_never_widens_with_another_answer(card, profile, data):
    result = card.score(profile)
    low, high = result.range
    assert card.minimum <= low <= result.score <= high <= card.maximum
    unanswered = [q for q in QUESTIONS if q.id not in profile]
    if not unanswered:
        return
    question = data.draw(st.sampled_from(unanswered))
    value = data.draw(st.sampled_from(question.levels))
    more = card.score({**profile, question.id: value})
    assert more.range[0] >= low
    assert more.range[1] <= high


def test_empty_profile_scores_with_the_widest_range(card):
    result = card.score({})
    assert result.answered == 0
    assert result.reasons == ()
    assert card.minimum <= result.range[0] <= result.score <= result.range[1] <= card.maximum
    assert all(d.answered == 0 for d in result.dimensions)
    full = card.score(card.best_answers())
    assert result.range[1] - result.range[0] > full.range[1] - full.range[0]


def test_a_complete_profile_leaves_only_the_model_error_open(card):
    rng = random.Random(3)
    for _ in range(50):
        profile = {q.id: rng.choice(q.levels) for q in QUESTIONS}
        result = card.score(profile)
        assert result.answered == len(QUESTIONS)
        low, high = result.range
        if card.minimum < low and high < card.maximum:
            assert high - low in (2 * card.margin - 1, 2 * card.margin, 2 * card.margin + 1)


def test_explicit_none_means_unanswered(card):
    assert card.score({"huabei": None, "loans": "on_time"}) == card.score({"loans": "on_time"})


# ---- reasons and dimensions --------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(profile=partial_profiles)
def test_reasons_are_the_answered_costs_biggest_first(card, profile):
    result = card.score(profile)
    lost = [r.points_lost for r in result.reasons]
    assert lost == sorted(lost, reverse=True)
    assert all(points > 0 for points in lost)
    listed = {r.question_id for r in result.reasons}
    assert len(listed) == len(result.reasons)
    for reason in result.reasons:
        question = QUESTION_BY_ID[reason.question_id]
        assert reason.question_id in profile
        assert reason.value == profile[reason.question_id]
        assert reason.dimension == question.dimension
        best = card.points(question.id, question.levels[-1])
        assert reason.points_lost == pytest.approx(best - card.points(question.id, reason.value))
    for question_id, value in profile.items():
        question = QUESTION_BY_ID[question_id]
        if card.points(question_id, question.levels[-1]) - card.points(question_id, value) > 0.5:
            assert question_id in listed


@settings(max_examples=150, deadline=None)
@given(profile=partial_profiles)
def test_five_dimensions_with_grades_0_to_100(card, profile):
    result = card.score(profile)
    assert [d.id for d in result.dimensions] == list(DIMENSIONS)
    for dimension in result.dimensions:
        assert 0 <= dimension.grade <= 100
        assert 0 <= dimension.points <= dimension.maximum + 1e-9
        assert 0 <= dimension.answered <= dimension.questions
    assert sum(d.answered for d in result.dimensions) == result.answered == len(profile)
    assert sum(d.questions for d in result.dimensions) == len(QUESTIONS)


def test_best_answers_grade_100_and_worst_answers_grade_0(card):
    assert [d.grade for d in card.score(card.best_answers()).dimensions] == [100] * 5
    assert [d.grade for d in card.score(card.worst_answers()).dimensions] == [0] * 5
    assert card.score(card.best_answers()).reasons == ()
    assert len(card.score(card.worst_answers()).reasons) == len(QUESTIONS)


# ---- the optimised score against the plain computation ------------------------------------------


@settings(max_examples=200, deadline=None)
@given(profile=partial_profiles)
def test_score_is_exactly_the_plain_question_by_question_computation(card, profile):
    fast, plain = card.score(profile), reference_score(card, profile)
    assert fast == plain
    assert hash(fast) == hash(plain)
    assert fast.log_odds == plain.log_odds  # bit for bit, not approximately
    assert repr(fast) == repr(plain)


def test_a_card_whose_dimensions_interleave_scores_the_same_way():
    """Questions of one dimension need not be adjacent in the model file."""
    data = load_scorecard().data
    order = list(data["questions"])
    random.Random(5).shuffle(order)
    shuffled = Scorecard({**data, "questions": {qid: data["questions"][qid] for qid in order}})
    rng = random.Random(6)
    for _ in range(300):
        profile = {q.id: rng.choice(q.levels) for q in QUESTIONS if rng.random() < 0.6}
        assert shuffled.score(profile) == reference_score(shuffled, profile)


def test_results_are_frozen(card):
    result = card.score({"huabei": "late_once"})
    with pytest.raises(AttributeError):
        result.score = 900
    with pytest.raises(AttributeError):
        result.dimensions[0].grade = 100


# ---- bands, bad input, views -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (350, "poor"),
        (549, "poor"),
        (550, "fair"),
        (599, "fair"),
        (600, "good"),
        (649, "good"),
        (650, "very_good"),
        (699, "very_good"),
        (700, "excellent"),
        (950, "excellent"),
    ],
)
def test_band_cut_offs(score, band):
    assert band_of(score).id == band


def test_bands_cover_350_to_950_with_chinese_and_english_names():
    assert BANDS[0].low == 350 and BANDS[-1].high == 950
    for before, after in zip(BANDS, BANDS[1:], strict=False):
        assert before.high == after.low
    assert len({b.zh for b in BANDS}) == len({b.en for b in BANDS}) == len(BANDS)
    assert all(b.name("zh") == b.zh and b.name("en") == b.en for b in BANDS)


@pytest.mark.parametrize(
    ("answers", "question_id"),
    [
        ({"sesame": 1}, "sesame"),
        ({"huabei": "sometimes"}, "huabei"),
        ({"huabei": ["on_time"]}, "huabei"),
        ({"living_bills": 7}, "living_bills"),
        ({"insurance": "yes"}, "insurance"),
        ({"loans": "on_time", "nope": None}, "nope"),
    ],
)
def test_unknown_ids_and_values_raise_invalid_answer(card, answers, question_id):
    before = card.score({"loans": "on_time"})
    with pytest.raises(InvalidAnswer) as error:
        card.score(answers)
    assert error.value.question_id == question_id
    assert card.score({"loans": "on_time"}) == before  # nothing changed


def test_as_dict_is_json_with_everything_a_reply_shows(card):
    result = card.score({"huabei": "late_once", "insurance": False, "living_bills": 2})
    data = json.loads(json.dumps(result.as_dict()))
    assert data["score"] == result.score
    assert data["band"]["id"] == result.band.id and data["band"]["zh"]
    assert data["range"] == list(result.range)
    assert [d["id"] for d in data["dimensions"]] == list(DIMENSIONS)
    assert [r["question_id"] for r in data["reasons"]] == [r.question_id for r in result.reasons]
    assert {"huabei", "insurance", "living_bills"} >= {r["question_id"] for r in data["reasons"]}


def test_model_card_reports_provenance_quality_shares_bands_and_assumptions(card):
    model = card.model_card()
    assert model["version"] == card.version and model["version"].startswith("synthetic-")
    assert model["training"]["rows"] >= 100_000 and "seed" in model["training"]
    assert 0.6 < model["metrics"]["test_auc"] < 1 and 0 < model["metrics"]["test_ks"] < 1
    assert set(model["dimension_shares"]) == set(DIMENSIONS)
    assert [b["id"] for b in model["bands"]] == [b.id for b in BANDS]
    assert model["assumptions"]["dimension_weights"] == ISSUE_SHARES
