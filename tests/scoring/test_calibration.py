"""Calibration to reported real scores: shrinkage, consistency, robustness, refusals, the range."""

from datetime import UTC, datetime, timedelta

import pytest

from scoring import assumptions
from scoring.calibration import (
    NO_OFFSET,
    InvalidReport,
    ProjectionBase,
    Report,
    calibrate,
    check_report,
    learn_offset,
    range_sd,
)

NOW = datetime(2026, 3, 7, 2, tzinfo=UTC)
# A quick check's estimate: 620, 90 % range 160 points wide.
ESTIMATE, LOW, HIGH = 620.0, 540, 700


def report(real, months_ago=0, estimate=ESTIMATE, low=LOW, high=HIGH):
    return Report(real, estimate, low, high, 0.9, NOW - timedelta(days=30 * months_ago))


def moved(offset, real=680):
    """Share of the way from the estimate to the reported real score the calibration went."""
    return offset.mean / (real - ESTIMATE)


def test_no_reports_no_offset_and_the_estimate_unchanged():
    assert learn_offset([], NOW) == NO_OFFSET
    calibrated = calibrate(ESTIMATE, LOW, HIGH, NO_OFFSET)
    assert calibrated.score == 620 and calibrated.range == (LOW, HIGH)


def test_one_report_moves_the_estimate_part_of_the_way():
    share = moved(learn_offset([report(680)], NOW))
    assert 0.4 < share < 0.75


@pytest.mark.parametrize(
    ("low", "high", "documented"),
    [(572, 668, 0.81), (607, 633, 0.98), (540, 700, 0.60)],  # quick check, complete profile, 160 wide
)
def test_one_reports_share_is_what_the_assumptions_state(low, high, documented):
    """QA 11: /myscore 650 against 792 moved it 98 % while the reply said "part of the way"."""
    offset = learn_offset([report(ESTIMATE + 30, low=low, high=high)], NOW)
    prior2 = assumptions.CALIBRATION_PRIOR_SD**2
    assert offset.share(30) == pytest.approx(prior2 / (prior2 + range_sd(low, high) ** 2))
    assert offset.share(30) == pytest.approx(documented, abs=0.02)


def test_a_share_is_stated_for_a_lone_report_only():
    assert learn_offset([report(680), report(680, 1)], NOW).share(60) is None  # two reports: no single share
    assert learn_offset([report(620)], NOW).share(0) is None


def test_five_consistent_reports_move_it_nearly_all_the_way():
    offset = learn_offset([report(680, months_ago=m) for m in range(5)], NOW)
    assert moved(offset) > 0.85
    assert offset.weights == (1.0,) * 5


def test_each_further_consistent_report_moves_it_further():
    shares = [moved(learn_offset([report(680, m) for m in range(n)], NOW)) for n in range(1, 7)]
    assert shares == sorted(shares) and len(set(shares)) == 6


def test_a_precise_estimate_learns_more_from_one_report_than_a_vague_one():
    vague = learn_offset([report(680, low=470, high=770)], NOW)
    precise = learn_offset([report(680, low=590, high=650)], NOW)
    assert moved(precise) > moved(vague)


def test_an_outlier_moves_the_calibration_less_than_a_consistent_series():
    series = [report(660, m) for m in range(1, 5)]
    consistent = learn_offset([*series, report(660)], NOW)
    with_outlier = learn_offset([*series, report(950)], NOW)  # a mistyped 950 among 660s
    plain_mean_shift = (950 - 660) / 5  # what an unweighted average would move
    shift = with_outlier.mean - consistent.mean
    assert 0 < shift < 0.5 * plain_mean_shift
    assert with_outlier.weights[-1] < 1.0 and with_outlier.weights[:4] == (1.0,) * 4


def test_a_lone_implausible_report_moves_a_smaller_share_of_the_way_than_a_plausible_one():
    far = learn_offset([report(900)], NOW)  # 280 above a 540-700 range
    plausible = learn_offset([report(680)], NOW)
    assert moved(far, real=900) < moved(plausible, real=680)
    assert far.weights[0] < 1.0 and plausible.weights[0] == 1.0


@pytest.mark.parametrize("real", [349, 951, 0, 9999, -5])
def test_a_score_outside_350_950_is_refused(real):
    with pytest.raises(InvalidReport, match="between 350 and 950") as raised:
        check_report(real, NOW, NOW)
    assert raised.value.reason == "range"
    with pytest.raises(InvalidReport):
        learn_offset([report(real)], NOW)


def test_the_ends_of_the_scale_are_accepted():
    check_report(350, NOW, NOW)
    check_report(950, NOW, NOW)


def test_a_report_from_the_future_is_refused():
    with pytest.raises(InvalidReport, match="future") as raised:
        check_report(700, NOW + timedelta(days=1), NOW)
    assert raised.value.reason == "future"


def test_the_calibrated_range_is_narrower_and_keeps_its_coverage():
    offset = learn_offset([report(680, m) for m in range(3)], NOW)
    calibrated = calibrate(ESTIMATE, LOW, HIGH, offset, coverage=0.9)
    low, high = calibrated.range
    assert high - low < HIGH - LOW
    assert low < calibrated.score < high and calibrated.coverage == 0.9
    assert calibrated.score == round(ESTIMATE + offset.mean)
    # Never narrower than the month-to-month wobble allows.
    wobble_width = 2 * 1.6448536 * assumptions.CALIBRATION_WOBBLE_SD
    assert high - low >= wobble_width - 2


def test_a_calibrated_range_is_never_wider_than_the_models_own():
    offset = learn_offset([report(680)], NOW)
    narrow = calibrate(ESTIMATE, 610, 630, offset)
    assert narrow.range[1] - narrow.range[0] <= 20 + 1


def test_the_calibrated_score_stays_on_the_scale():
    offset = learn_offset([report(950, m, estimate=900, low=860, high=940) for m in range(5)], NOW)
    calibrated = calibrate(930, 890, 950, offset)
    assert calibrated.score <= 950 and calibrated.range[1] <= 950


def test_range_sd_reads_a_90_percent_range():
    assert range_sd(540, 700, 0.9) == pytest.approx(80 / 1.6448536, rel=1e-6)
    assert range_sd(600, 600) > 0
    with pytest.raises(ValueError):
        range_sd(700, 600)


# ---- where projections start ------------------------------------------------------------------
def test_without_reports_projections_start_from_the_model():
    base = ProjectionBase(620)
    assert (base.score, base.shift, base.reports) == (620, 0, 0)
    assert base.project(655) == 655 and base.model_score(700) == 700


def test_a_calibrated_base_moves_every_projection_by_the_same_shift_on_the_scale():
    calibrated = calibrate(ESTIMATE, LOW, HIGH, learn_offset([report(680), report(690, 1)], NOW))
    base = ProjectionBase(620, calibrated)
    assert base.score == calibrated.score > 620 and base.shift == calibrated.score - 620 and base.reports == 2
    for model in (500, 655, 700):
        assert base.project(model) - base.score == model - 620  # the model's gain, unchanged
        assert base.model_score(base.project(model)) == model  # a goal's target, for the planner
    assert base.project(assumptions.SCALE.maximum - 1) == assumptions.SCALE.maximum  # kept on the scale
    below = ProjectionBase(
        400, calibrate(400, 350, 460, learn_offset([report(360, estimate=400, low=350, high=460)], NOW))
    )
    assert below.shift < 0 and below.project(assumptions.SCALE.minimum) == assumptions.SCALE.minimum


@pytest.mark.parametrize("real", [350, 360, 500, 700, 940, 950])
def test_a_projection_is_the_calibration_the_recorded_answers_will_get(real):
    """Recording an action changes the estimate, not the reports: its calibration is the projection's."""
    offset = learn_offset([report(real)], NOW)
    for today in (350, 355, 620, 940, 950):
        base = ProjectionBase(today, calibrate(today, today - 40, today + 40, offset))
        for model in range(today, 951, 7):
            assert base.project(model) == calibrate(model, model - 30, model + 30, offset).score


def test_a_goal_target_is_the_least_model_score_shown_at_it():
    offset = learn_offset([report(700)], NOW)  # calibration adds about 50 points
    base = ProjectionBase(620, calibrate(620, LOW, HIGH, offset))
    for shown in (400, 680, 700, 950):
        model = base.model_score(shown)
        assert base.project(model) >= shown and (model == 350 or base.project(model - 1) < shown)
    low = ProjectionBase(620, calibrate(620, LOW, HIGH, learn_offset([report(500)], NOW)))
    assert low.project(950) < 950 and low.model_score(950) == 950  # out of reach: the top, to plan the most
