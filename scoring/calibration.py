"""A per-user offset learned from the real scores a user reports: the "calibrated estimate".

Our estimate comes from answers; Ant's real score also sees what no questionnaire can. When a
user tells us their real score, the difference (real minus our estimate at the time) says how
far their real score sits from what their answers explain. One report is weak evidence (the
estimate was uncertain, and its own range says how much), several consistent ones are strong.

The model is the textbook normal-normal one:

* the user's offset ``d`` has a prior ``N(0, CALIBRATION_PRIOR_SD²)``: shrunk toward zero while
  reports are few;
* each report's difference is ``d`` plus noise with the standard deviation of the estimate it
  was compared with (read off its range and the range's coverage);
* the posterior mean is the precision-weighted average of the reports and the prior's zero.

So one report moves the estimate the share ``prior² / (prior² + sd²)`` of the way to the real
score: about 80 % after the quick check (a range about 96 points wide) and about 98 % with every
question answered (about 26 wide), since a precise estimate leaves little but the offset to
explain the difference. The reply to a report states the share it moved (``Offset.share``).

A mistyped report should not drag the calibration far, so the reports are Huber-weighted: one
whose residual against the prior and the other reports, standardised, exceeds
``CALIBRATION_HUBER_K`` counts with weight ``k / |z|`` (iteratively reweighted, a few rounds).

The calibrated estimate is our estimate plus the offset. Its range: what is left unknown about
the offset plus the month-to-month wobble of the real score, never wider than the model's own.

Pure functions, no storage and no Telegram: the bot stores the reports and calls these.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import NormalDist

from scoring import assumptions

IRLS_ROUNDS = 20
"""Rounds of reweighting; the weights settle in a handful, this is a safe ceiling."""


class InvalidReport(ValueError):
    """A real-score report that cannot be true: ``reason`` is ``"range"`` or ``"future"``."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Report:
    """One real score a user reported, next to our estimate at the time (with its range)."""

    real: int
    estimate: float
    low: int
    high: int
    coverage: float
    reported_at: datetime

    @property
    def difference(self) -> float:
        """Real minus estimate: what the offset should explain."""
        return self.real - self.estimate

    @property
    def sd(self) -> float:
        """The estimate's own uncertainty, as a standard deviation."""
        return range_sd(self.low, self.high, self.coverage)


@dataclass(frozen=True, slots=True)
class Offset:
    """The learned offset: posterior mean and standard deviation, and each report's weight."""

    mean: float
    sd: float
    reports: int
    weights: tuple[float, ...] = ()

    def share(self, difference: float) -> float | None:
        """The share of the way to a lone report's real score the offset moved (``difference``: real minus estimate).

        ``None`` unless exactly one report was learned from and it differs from the estimate.
        """
        if self.reports != 1 or difference == 0:
            return None
        return self.mean / difference

    @property
    def prior_share(self) -> float:
        """How much of the prior's uncertainty is left (1 with no reports, toward 0 with many)."""
        return (self.sd / assumptions.CALIBRATION_PRIOR_SD) ** 2


NO_OFFSET = Offset(0.0, assumptions.CALIBRATION_PRIOR_SD, 0)


@dataclass(frozen=True, slots=True)
class Calibrated:
    """The calibrated estimate: a score, a range with the same coverage, and the offset used."""

    score: int
    range: tuple[int, int]
    coverage: float
    offset: Offset


def _z(coverage: float) -> float:
    if not 0 < coverage < 1:
        raise ValueError(f"coverage must be between 0 and 1, not {coverage}")
    return NormalDist().inv_cdf((1 + coverage) / 2)


def range_sd(low: float, high: float, coverage: float = assumptions.DEFAULT_RANGE_COVERAGE) -> float:
    """The standard deviation a central range of this coverage implies (half-width over z)."""
    if high < low:
        raise ValueError(f"a range runs from low to high, not {low}-{high}")
    # A range of zero width would claim certainty; one point keeps the arithmetic finite.
    return max((high - low) / 2, 1.0) / _z(coverage)


def check_report(real: int, reported_at: datetime, now: datetime) -> None:
    """Refuse a report that cannot be a real Sesame score: outside 350-950, or dated after ``now``."""
    low, high = assumptions.SCALE.minimum, assumptions.SCALE.maximum
    if not low <= real <= high:
        raise InvalidReport("range", f"a Sesame score is between {low} and {high}, not {real}")
    if reported_at > now:
        raise InvalidReport("future", f"a report dated {reported_at.isoformat()} is in the future")


def learn_offset(reports: Sequence[Report], now: datetime) -> Offset:
    """The user's offset from their reports (every one checked with ``check_report`` first)."""
    for report in reports:
        check_report(report.real, report.reported_at, now)
    if not reports:
        return NO_OFFSET
    prior_precision = 1 / assumptions.CALIBRATION_PRIOR_SD**2
    precisions = [1 / r.sd**2 for r in reports]
    differences = [r.difference for r in reports]
    k = assumptions.CALIBRATION_HUBER_K
    weights = [1.0] * len(reports)
    mean, variance = 0.0, assumptions.CALIBRATION_PRIOR_SD**2
    for _ in range(IRLS_ROUNDS):
        # Each report is judged against what the prior and the *other* reports say (leave one
        # out), in units of how far it could plausibly differ: its own noise plus what those
        # leave unknown. A lone report is judged against the prior alone.
        total_precision = prior_precision + sum(w * p for w, p in zip(weights, precisions, strict=True))
        total_weighted = sum(w * p * d for w, p, d in zip(weights, precisions, differences, strict=True))
        new_weights = []
        for weight, precision_i, difference in zip(weights, precisions, differences, strict=True):
            others = total_precision - weight * precision_i
            others_mean = (total_weighted - weight * precision_i * difference) / others
            z = abs(difference - others_mean) / math.sqrt(1 / precision_i + 1 / others)
            new_weights.append(1.0 if z <= k else k / z)
        precision = prior_precision + sum(w * p for w, p in zip(new_weights, precisions, strict=True))
        new_mean = sum(w * p * d for w, p, d in zip(new_weights, precisions, differences, strict=True)) / precision
        settled = abs(new_mean - mean) < 1e-9
        weights, mean, variance = new_weights, new_mean, 1 / precision
        if settled:
            break
    return Offset(mean, math.sqrt(variance), len(reports), tuple(weights))


def calibrate(
    estimate: float,
    low: int,
    high: int,
    offset: Offset,
    coverage: float = assumptions.DEFAULT_RANGE_COVERAGE,
) -> Calibrated:
    """Our estimate (with its range) moved by the user's offset, its range narrowed by what is known.

    With no reports the result is the estimate itself. The range keeps the coverage it had.
    """
    minimum, maximum = assumptions.SCALE.minimum, assumptions.SCALE.maximum
    if offset.reports == 0:
        return Calibrated(round(estimate), (low, high), coverage, offset)
    centre = estimate + offset.mean
    sd = min(math.hypot(offset.sd, assumptions.CALIBRATION_WOBBLE_SD), range_sd(low, high, coverage))
    half = _z(coverage) * sd

    def clip(value: float) -> int:
        return min(max(round(value), minimum), maximum)

    return Calibrated(clip(centre), (clip(centre - half), clip(centre + half)), coverage, offset)


@dataclass(frozen=True, slots=True)
class ProjectionBase:
    """Where the projected scores of advice start: the model's estimate, or the calibrated one.

    An action's gain is a difference of the model's (the points it adds to these answers), and a
    user's calibration does not change it. So a projection shown to a user who reported real
    scores is the model's projected score calibrated by the same offset as today's estimate,
    exactly as ``calibrate`` will calibrate it once the action is recorded (the offset is learned
    from the reports, which recording an action does not change). ``/advice``, ``/whatif`` and
    ``/goal`` all project through this one class, so the three never disagree about a score.
    """

    estimate: int
    """The model's estimate from the answers."""
    calibrated: Calibrated | None = None
    """The estimate calibrated by the user's reports; ``None`` before the first report."""

    @property
    def score(self) -> int:
        """Today's score the projections start from."""
        return self.estimate if self.calibrated is None else self.calibrated.score

    @property
    def shift(self) -> int:
        """What calibration adds to today's estimate (0 without reports)."""
        return self.score - self.estimate

    @property
    def reports(self) -> int:
        """How many real scores the calibration learned from."""
        return 0 if self.calibrated is None else self.calibrated.offset.reports

    def project(self, model_score: int) -> int:
        """A score the model projects, as shown to this user: calibrated as ``calibrate`` does, on 350-950."""
        if self.calibrated is None:
            return model_score
        return _on_scale(round(model_score + self.calibrated.offset.mean))

    def project_range(self, model_score: int, low: int, high: int) -> tuple[int, int]:
        """A projected range as shown to this user: the one ``calibrate`` gives the recorded answers."""
        if self.calibrated is None:
            return low, high
        return calibrate(model_score, low, high, self.calibrated.offset, self.calibrated.coverage).range

    def model_score(self, shown: int) -> int:
        """The least model score ``project`` shows as ``shown`` or more (a goal's target, for the planner).

        The scale's top when no model score is projected that high (a goal out of reach).
        """
        low, high = assumptions.SCALE.minimum, assumptions.SCALE.maximum
        if self.project(high) < shown:
            return high
        guess = _on_scale(shown - self.shift)
        while guess > low and self.project(guess - 1) >= shown:
            guess -= 1
        while self.project(guess) < shown:
            guess += 1
        return guess


def _on_scale(score: int) -> int:
    return min(max(score, assumptions.SCALE.minimum), assumptions.SCALE.maximum)
