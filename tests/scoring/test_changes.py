"""Explained changes: the answers a user changed are told apart from questions newly answered."""

import pytest
from hypothesis import given, settings

from scoring.changes import ScoreChange, apportion, explain
from scoring.questions import InvalidAnswer
from scoring.structure import complete
from tests.scoring.profiles import QUICK, consistent_profiles, rest_answered

FULL = rest_answered(QUICK, 0)


def test_a_first_estimate_says_so_and_explains_nothing(card):
    change = explain(card, None, QUICK)
    assert change.kind == "first" and change.delta is None
    assert change.score_after == card.score(QUICK).score


def shown_sum(change):
    lines = change.lines()
    return sum(lines.changed) + lines.precision + lines.estimate + lines.other + lines.calibration


def test_answering_more_questions_is_more_precision_not_a_change(card):
    change = explain(card, QUICK, FULL)
    assert change.kind == "more_precise"
    assert change.changed == ()
    assert set(change.newly_answered) == set(FULL) - set(QUICK) and len(change.newly_answered) == 17
    assert change.delta == card.score(FULL).score - card.score(QUICK).score
    assert change.change_points == 0 and change.estimate_points == 0  # nothing is left unanswered
    assert change.lines().precision == change.delta


def test_changing_huabei_repayment_names_the_answer_and_its_points(card):
    after = {**QUICK, "huabei": "on_time"}
    change = explain(card, QUICK, after)
    assert change.kind == "changed" and change.newly_answered == ()
    (only,) = change.changed
    assert (only.question_id, only.before, only.after) == ("huabei", "late_once", "on_time")
    # Its points: the difference of the answer's own points; what it changes in the estimate of the
    # questions still unanswered is its own part, and the two add up to the move on the unclipped scale.
    assert only.points == pytest.approx(card.points("huabei", "on_time") - card.points("huabei", "late_once"))
    raw = [card.offset + card.factor * card.score(p).log_odds for p in (QUICK, after)]
    assert only.points + change.estimate_points == pytest.approx(raw[1] - raw[0])
    assert only.points > 0 and shown_sum(change) == change.delta


def test_changes_and_new_answers_are_split_and_add_up(card):
    after = {**FULL, "huabei": "on_time", "income": "none"}
    change = explain(card, QUICK, after)
    assert change.kind == "changed_and_more_precise"
    assert {c.question_id for c in change.changed} == {"huabei", "income"}
    assert change.changed[0].points * change.changed[1].points < 0  # one helps, one hurts
    assert abs(change.changed[0].points) >= abs(change.changed[1].points)
    raw = [card.offset + card.factor * card.score(p).log_odds for p in (QUICK, after)]
    assert change.change_points + change.precision_points + change.estimate_points == pytest.approx(raw[1] - raw[0])
    assert shown_sum(change) == change.delta


def test_no_cards_shows_the_answers_it_settles_with_their_points_and_the_lines_add_up(card):
    # QA: cards 3-5 -> none showed -28 with lines adding to -13, the settled answers as "no answer".
    before = {
        **FULL,
        "credit_cards": "three_five",
        "card_repayment": "always_on_time",
        "card_bills": "bound_with_bills",
    }
    after = {q: v for q, v in before.items() if q not in ("card_repayment", "card_bills")} | {"credit_cards": "none"}
    change = explain(card, before, after)
    assert [(c.question_id, c.before, c.after, c.after_from) for c in change.changed] == [
        ("credit_cards", "three_five", "none", None),
        ("card_repayment", "always_on_time", "no_cards", "credit_cards"),
        ("card_bills", "bound_with_bills", "none", "credit_cards"),
    ] or [c.question_id for c in change.changed][0] == "credit_cards"
    settled = {c.question_id: c for c in change.changed}
    assert settled["card_repayment"].after == "no_cards" and settled["card_bills"].after == "none"
    assert settled["card_repayment"].points == pytest.approx(
        card.points("card_repayment", "no_cards") - card.points("card_repayment", "always_on_time")
    )
    assert change.newly_answered == () and change.kind == "changed"
    assert shown_sum(change) == change.delta == card.score(after).score - card.score(before).score


def test_an_implied_answer_given_explicitly_is_not_answered_more(card):
    # card_repayment implied by "no cards" before; now cards 1-2 and card_repayment given: a change, not a new answer.
    before = {**QUICK, "credit_cards": "none"}
    del before["card_repayment"]
    change = explain(card, before, QUICK)
    assert change.newly_answered == ()
    repayment = next(c for c in change.changed if c.question_id == "card_repayment")
    assert (repayment.before, repayment.before_from, repayment.after) == ("no_cards", "credit_cards", "always_on_time")
    # The same value, implied then given, is no change at all.
    given = {**before, "card_repayment": "no_cards"}
    assert explain(card, before, given).kind == "same"


@pytest.mark.parametrize(
    ("values", "target", "expected"),
    [
        ([-9.7, -4.6], -14, [-10, -4]),  # rounded alone: -10 and -5, one more than the headline
        ([2.5, 2.5, -0.2], 5, [3, 2, 0]),
        ([0.4, 0.4, 0.4], 0, [0, 0, 0]),
        ([0.4, 0.4, 0.4], 2, [1, 1, 0]),
        ([-0.4], -1, [-1]),
    ],
)
def test_apportion_adds_up_exactly_and_moves_each_part_by_less_than_one(values, target, expected):
    assert apportion(values, target) == expected


def test_a_withdrawn_answer_is_a_change_to_nothing(card):
    before = {**QUICK, "vehicle": True}
    change = explain(card, before, QUICK)
    assert change.kind == "changed"
    assert [(c.question_id, c.before, c.after) for c in change.changed] == [("vehicle", True, None)]


def test_the_same_answers_are_the_same_and_a_bool_is_not_an_int(card):
    assert explain(card, QUICK, dict(QUICK)).kind == "same"
    with_bills = {**QUICK, "living_bills": 1}
    assert explain(card, with_bills, dict(with_bills)).kind == "same"


def test_what_the_answers_do_not_explain_is_other(card):
    # A shown score that moved without any answer changing (say, a new calibration): all of it is "other".
    change = explain(card, QUICK, QUICK, score_before=600, score_after=630)
    assert change.kind == "same" and change.other_points == 30 and change.lines().other == 30


@pytest.mark.parametrize("shift", [(24, 24), (24, 25), (24, 23), (20, 31), (31, 20)], ids=str)
def test_a_move_counted_on_the_calibrated_scale_keeps_the_models_parts_and_names_a_moved_calibration(card, shift):
    """QA 11: a calibrated headline's move counts from the calibrated estimate shown before."""
    before_shift, after_shift = shift
    after = {**QUICK, "huabei": "on_time"}
    model = explain(card, QUICK, after)
    calibrated = model.on_scale(model.score_before + before_shift, model.score_after + after_shift)
    assert calibrated.delta == model.delta + after_shift - before_shift
    assert shown_sum(calibrated) == calibrated.delta
    lines, own = calibrated.lines(), model.lines()
    # A point of rounding between the two calibrations is shared among the parts; a calibration that
    # moved (a report, or one aged) is its own line, and the answers' parts stay the model's.
    assert lines.calibration == (0 if abs(after_shift - before_shift) <= 1 else after_shift - before_shift)
    if lines.calibration:
        assert lines.changed == own.changed and lines.estimate == own.estimate
    assert abs(lines.changed[0] - own.changed[0]) <= 1
    assert calibrated.as_dict() == model.as_dict() | {
        "score_before": model.score_before + before_shift,
        "score_after": model.score_after + after_shift,
    }


def test_unknown_question_ids_are_refused(card):
    with pytest.raises(InvalidAnswer, match="nonsense"):
        explain(card, QUICK, {**QUICK, "nonsense": 1})


def test_the_explanation_round_trips_through_json(card):
    change = explain(card, QUICK, {**FULL, "huabei": "on_time"})
    again = ScoreChange.from_dict(change.as_dict())
    assert again.kind == change.kind and again.changed[0].question_id == "huabei"
    assert again.newly_answered == change.newly_answered


@settings(max_examples=150, deadline=None)
@given(before=consistent_profiles, after=consistent_profiles)
def test_the_lines_always_add_up_to_the_headline(card, before, after):
    change = explain(card, before, after)
    lines = change.lines()
    assert sum(lines.changed) + lines.precision + lines.estimate + lines.other == change.delta
    raw = [card.offset + card.factor * card.score(p).log_odds for p in (before, after)]
    if all(card.minimum < r < card.maximum for r in raw):
        assert lines.other == 0  # one model and no clip: the answers explain all of it
    total = change.change_points + change.precision_points + change.estimate_points
    assert total == pytest.approx(raw[1] - raw[0], abs=1e-6)
    for c, points in zip(change.changed, lines.changed, strict=True):
        assert abs(points - c.points) < 1  # each part moved by less than a point to add up
    known_before, known_after = complete(before), complete(after)
    assert set(change.newly_answered) == {q for q in after if q not in known_before}
    assert {c.question_id for c in change.changed} <= set(known_before) | set(known_after)


def test_an_old_stored_explanation_still_adds_up(card):
    old = {
        "kind": "changed",
        "score_before": 686,
        "score_after": 658,
        "changed": [{"question_id": "credit_cards", "before": "three_five", "after": "none", "points": -11.7}],
        "newly_answered": [],
        "change_points": -11.7,
        "precision_points": 0.0,
        "other_points": -16.3,
    }
    lines = ScoreChange.from_dict(old).lines()
    assert sum(lines.changed) + lines.other == -28
