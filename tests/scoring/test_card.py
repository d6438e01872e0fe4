"""The compiled scorecard: issue 2's "Must show" list and what a score result promises."""

import json
import math
import random

import pytest
from hypothesis import given, settings

from scoring import population
from scoring.card import BANDS, Scorecard, ScoreResult, band_of, load_scorecard
from scoring.questions import DIMENSIONS, QUESTION_BY_ID, QUESTIONS, InvalidAnswer
from scoring.structure import LINKS, complete, contradictions
from tests.scoring.profiles import complete_profiles, consistent_profiles, one_step_up

ORDER = {q.id: i for i, q in enumerate(QUESTIONS)}
LINKED = {k.when_id for k in LINKS} | {k.then_id for k in LINKS}

ISSUE_SHARES = {"credit_history": 0.35, "behaviour": 0.25, "capacity": 0.20, "identity": 0.15, "connections": 0.05}


def reference_score(card: Scorecard, answers: dict) -> ScoreResult:
    """A score computed the plain way, question by question, from the card's tables.

    ``Scorecard.score`` is the hot path; it must give exactly this. The unanswered part comes
    from the card's conditional estimate (tested on its own in ``test_estimate.py``).
    """
    log_odds, answered = card.intercept, 0
    for qid in card.question_ids:
        value = answers.get(qid)
        if value is not None:
            log_odds += card.tables[qid][value]
            answered += 1
    variance = 0.0
    if answered < len(QUESTIONS):
        mean, variance = card.estimate.moments(card.estimate.posterior(answers))
        log_odds += mean

    def clip(raw: float) -> int:
        return min(card.maximum, max(card.minimum, round(raw)))

    raw = card.offset + card.factor * log_odds
    half = card.z * math.sqrt(card.factor**2 * variance + card.model_error_sd**2)
    score = clip(raw)
    return ScoreResult(score, band_of(score), (clip(raw - half), clip(raw + half)), 0.9, log_odds, answered, None)


def reference_reasons(card: Scorecard, answers: dict) -> list[tuple[str, tuple[str, ...], float]]:
    """Reasons the plain way: every known answer's cost, answers a holding link joins added up."""
    known = complete(answers)
    groups = [{qid} for qid in known]
    for link in LINKS:
        if known.get(link.when_id) == link.when_value and known.get(link.then_id) == link.then_value:
            first = next(g for g in groups if link.when_id in g)
            second = next(g for g in groups if link.then_id in g)
            if first is not second:
                first |= second
                groups.remove(second)
    rows = []
    for group in groups:
        members = sorted(group, key=ORDER.__getitem__)
        lost = sum(card.points(q, QUESTION_BY_ID[q].levels[-1]) - card.points(q, known[q]) for q in members)
        if lost > 0.5:
            rows.append((members[0], tuple(members[1:]), lost))
    return sorted(rows, key=lambda row: (-row[2], ORDER[row[0]]))


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
    table = population.answers_of(population.generate(50_000, seed=7))  # not the training seed
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
@given(profile=consistent_profiles)
def test_one_step_toward_the_favourable_end_never_lowers_the_score(card, profile):
    """Also through the estimate: a better answer makes better unanswered answers likelier.

    Linked answers are left out on partial profiles: "no card" settles the card repayment
    record at "no cards", which can be worth less than what a card holder is likely to have.
    """
    before = card.score(profile)
    complete_profile = len(profile) == len(QUESTIONS)
    for question_id, value in profile.items():
        levels = QUESTION_BY_ID[question_id].levels
        if levels.index(value) == len(levels) - 1 or (question_id in LINKED and not complete_profile):
            continue
        moved = one_step_up(profile, question_id)
        if contradictions(moved):
            continue
        after = card.score(moved)
        assert after.score >= before.score, question_id
        assert after.log_odds >= before.log_odds - 1e-12, question_id


# ---- range -----------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(profile=consistent_profiles)
def test_range_holds_the_score_and_states_its_coverage(card, profile):
    result = card.score(profile)
    low, high = result.range
    assert card.minimum <= low <= result.score <= high <= card.maximum
    assert result.range_coverage == 0.9


def test_empty_profile_scores_with_the_widest_range(card):
    result = card.score({})
    assert result.answered == 0
    assert result.reasons == ()
    assert card.minimum <= result.range[0] <= result.score <= result.range[1] <= card.maximum
    assert all(d.answered == 0 and d.grade is None for d in result.dimensions)
    full = card.score(card.best_answers())
    assert result.range[1] - result.range[0] > full.range[1] - full.range[0]


def test_a_complete_profile_leaves_only_the_measured_model_error_open(card):
    rng = random.Random(3)
    expected = 2 * card.z * card.model_error_sd
    assert card.model_error_sd == pytest.approx(card.data["model_error"]["q90"] / 1.6448536, rel=1e-6)
    for _ in range(50):
        profile = {q.id: rng.choice(q.levels) for q in QUESTIONS}
        result = card.score(profile)
        assert result.answered == len(QUESTIONS)
        low, high = result.range
        if card.minimum < low and high < card.maximum:
            assert abs((high - low) - expected) <= 1


def test_explicit_none_means_unanswered(card):
    assert card.score({"huabei": None, "loans": "on_time"}) == card.score({"loans": "on_time"})


# ---- reasons and dimensions --------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(profile=consistent_profiles)
def test_reasons_are_the_known_costs_biggest_first_linked_answers_as_one(card, profile):
    result = card.score(profile)
    assert [(r.question_id, r.related) for r in result.reasons] == [
        (qid, related) for qid, related, _ in reference_reasons(card, profile)
    ]
    for reason, (_, _, lost) in zip(result.reasons, reference_reasons(card, profile), strict=True):
        assert reason.points_lost == pytest.approx(lost)
        assert reason.dimension == QUESTION_BY_ID[reason.question_id].dimension
        assert reason.value == complete(profile)[reason.question_id]
        assert reason.points_lost > 0.5


@pytest.mark.parametrize("given_id", ["credit_cards", "card_repayment"])
def test_no_credit_card_is_one_reason_not_three(card, given_id):
    """What was seen: no cards cost card_bills -15, credit_cards -8 and card_repayment -3 as three reasons."""
    value = {"credit_cards": "none", "card_repayment": "no_cards"}[given_id]
    reasons = card.score({given_id: value, "huabei": "on_time"}).reasons
    assert [(r.question_id, r.related) for r in reasons] == [("credit_cards", ("card_repayment", "card_bills"))]
    parts = [("credit_cards", "none"), ("card_repayment", "no_cards"), ("card_bills", "none")]
    assert reasons[0].points_lost == pytest.approx(
        sum(card.points(q, QUESTION_BY_ID[q].levels[-1]) - card.points(q, v) for q, v in parts)
    )


@pytest.mark.parametrize("answers", [{"living_bills": 0}, {"bill_address": "no_bills"}])
def test_no_bills_is_one_reason(card, answers):
    """What was seen: no bills cost living_bills -25 and bill_address -13 as two reasons."""
    reasons = card.score(answers).reasons
    assert [(r.question_id, r.value, r.related) for r in reasons] == [("living_bills", 0, ("bill_address",))]


def test_cards_held_keep_their_own_reasons(card):
    reasons = card.score({"credit_cards": "one_two", "card_repayment": "often_late", "card_bills": "none"}).reasons
    assert {r.question_id for r in reasons} == {"credit_cards", "card_repayment", "card_bills"}
    assert all(r.related == () for r in reasons)


@settings(max_examples=150, deadline=None)
@given(profile=consistent_profiles)
def test_five_dimensions_graded_only_when_asked(card, profile):
    result = card.score(profile)
    assert [d.id for d in result.dimensions] == list(DIMENSIONS)
    for dimension in result.dimensions:
        if dimension.answered:
            assert 0 <= dimension.grade <= 100
        else:
            assert dimension.grade is None
        assert -1e-9 <= dimension.points <= dimension.maximum + 1e-9
        assert 0 <= dimension.answered <= dimension.questions
    assert sum(d.answered for d in result.dimensions) == result.answered == len(profile)
    assert sum(d.questions for d in result.dimensions) == len(QUESTIONS)
    # The dimensions add up to the score: answered points plus the estimate of the rest.
    assert card.base + sum(d.points for d in result.dimensions) == pytest.approx(
        card.offset + card.factor * result.log_odds
    )


def test_connections_not_asked_has_no_grade(card):
    """What was seen: "connections" showed a grade (45) after the quick check, which asks none of it."""
    quick = {q.id: q.levels[-1] for q in QUESTIONS if q.quick}
    grades = {d.id: d.grade for d in card.score(quick).dimensions}
    assert grades["connections"] is None
    assert all(grades[d] is not None for d in ("credit_history", "behaviour", "capacity", "identity"))


def test_best_answers_grade_100_and_worst_answers_grade_0(card):
    assert [d.grade for d in card.score(card.best_answers()).dimensions] == [100] * 5
    assert [d.grade for d in card.score(card.worst_answers()).dimensions] == [0] * 5
    assert card.score(card.best_answers()).reasons == ()
    # every question costs points; no bills and the "no bills" address are one reason
    assert len(card.score(card.worst_answers()).reasons) == len(QUESTIONS) - 1


# ---- the optimised score against the plain computation ------------------------------------------


@settings(max_examples=200, deadline=None)
@given(profile=consistent_profiles)
def test_score_is_exactly_the_plain_question_by_question_computation(card, profile):
    fast, plain = card.score(profile), reference_score(card, profile)
    assert fast == plain
    assert hash(fast) == hash(plain)
    assert fast.log_odds == plain.log_odds  # bit for bit, not approximately
    assert repr(fast) == repr(plain)


@settings(max_examples=300, deadline=None)
@given(profile=consistent_profiles | complete_profiles)
def test_the_lean_log_odds_are_the_scores_own(card, profile):
    """``Scorecard.log_odds`` (the advice's projections) gives ``score``'s log-odds bit for bit."""
    assert card.log_odds(profile) == card.score(profile).log_odds


def test_the_lean_log_odds_refuse_what_score_refuses(card):
    for bad in ({"nonsense": 1}, {"income": "rich"}):
        with pytest.raises(InvalidAnswer):
            card.log_odds(bad)


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


def test_dimensions_and_reasons_wait_until_read(card):
    result = card.score({"huabei": "late_once", "credit_cards": "none"})
    assert result.details.dimensions is None and result.details.reasons is None
    reasons = result.reasons
    assert result.details.reasons is reasons and result.reasons is reasons
    assert result.details.dimensions is None
    assert result.dimensions is result.dimensions


def test_a_result_keeps_its_own_copy_of_the_answers(card):
    answers = {"huabei": "late_once"}
    result = card.score(answers)
    answers["huabei"] = "on_time"
    assert result.reasons[0].value == "late_once"


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
