"""The scorecard learner: thermometer features and a sign-constrained logistic regression.

scikit-learn's ``LogisticRegression`` has no bound constraints, so monotonicity is enforced the
way scorecard builders merge bins: fit, drop the steps whose weight came out against the
stated order (merging that level with the one below), refit, until every kept step agrees.
The final estimator is a plain, fitted ``LogisticRegression`` on the kept columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, roc_curve

from scoring.features import ThermometerEncoder


class MonotoneLogisticRegression(ClassifierMixin, BaseEstimator):
    """Logistic regression whose weights are all >= 0 when ``monotone`` is set.

    Targets are 1 for a good outcome, so a non-negative weight on an "at least level k"
    indicator means a more favourable answer never lowers the predicted odds of good.
    """

    def __init__(self, C: float = 1.0, monotone: bool = True, max_iter: int = 1000) -> None:
        self.C = C
        self.monotone = monotone
        self.max_iter = max_iter

    def fit(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> MonotoneLogisticRegression:
        """Fit, dropping steps that break the order until none do."""
        X = np.asarray(X, dtype=float)
        keep = np.ones(X.shape[1], dtype=bool)
        while True:
            estimator = LogisticRegression(C=self.C, max_iter=self.max_iter, tol=1e-8)
            estimator.fit(X[:, keep], y, sample_weight=sample_weight)
            weights = estimator.coef_[0]
            if not self.monotone or (weights >= 0).all():
                break
            kept_index = np.flatnonzero(keep)
            keep[kept_index[weights < 0]] = False
        self.estimator_ = estimator
        self.keep_ = keep
        self.classes_ = estimator.classes_
        self.coef_ = np.zeros((1, X.shape[1]))
        self.coef_[0, keep] = estimator.coef_[0]
        self.intercept_ = estimator.intercept_.copy()
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """Log-odds of good."""
        return self.estimator_.decision_function(np.asarray(X, dtype=float)[:, self.keep_])

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Probabilities of bad and good, from the inner scikit-learn estimator."""
        return self.estimator_.predict_proba(np.asarray(X, dtype=float)[:, self.keep_])

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The more likely class."""
        return self.estimator_.predict(np.asarray(X, dtype=float)[:, self.keep_])


class ScorecardTrainer(ClassifierMixin, BaseEstimator):
    """Encoder plus learner for any labelled table (``y``: 1 = bad, the credit convention).

    ``levels`` fixes the order of known columns (the questionnaire); other columns are binned
    or ordered from the data. ``monotone`` should only be set when every column has a
    meaningful order.
    """

    def __init__(
        self,
        levels: Mapping[str, Sequence[object]] | None = None,
        monotone: bool = False,
        C: float = 1.0,
        max_bins: int = 6,
    ) -> None:
        self.levels = levels
        self.monotone = monotone
        self.C = C
        self.max_bins = max_bins

    def fit(
        self, X: pd.DataFrame, y: Sequence[int] | np.ndarray, sample_weight: np.ndarray | None = None
    ) -> ScorecardTrainer:
        """Learn the encoding and the constrained logistic regression (rows weighted if given)."""
        good = 1 - np.asarray(y, dtype=int)
        self.encoder_ = ThermometerEncoder(self.levels, max_bins=self.max_bins).fit(X, good)
        self.model_ = MonotoneLogisticRegression(C=self.C, monotone=self.monotone)
        self.model_.fit(self.encoder_.transform(X), good, sample_weight=sample_weight)
        self.classes_ = np.array([0, 1])
        return self

    def log_odds_good(self, X: pd.DataFrame) -> np.ndarray:
        """Log-odds of a good outcome for each row."""
        return self.model_.decision_function(self.encoder_.transform(X))

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Columns: probability of y=0 (good) and y=1 (bad), in scikit-learn's class order."""
        return self.model_.predict_proba(self.encoder_.transform(X))[:, ::-1]

    def step_weights(self) -> dict[str, np.ndarray]:
        """Each column's learned weight per step above its first level (log-odds of good)."""
        weights = self.model_.coef_[0]
        out: dict[str, np.ndarray] = {}
        start = 0
        for column in self.encoder_.columns_:
            width = len(self.encoder_.levels_[column]) - 1
            out[column] = weights[start : start + width].copy()
            start += width
        return out


def auc_ks(bad: np.ndarray, risk: np.ndarray) -> tuple[float, float]:
    """ROC AUC and Kolmogorov-Smirnov statistic of a risk score (higher = riskier)."""
    fpr, tpr, _ = roc_curve(bad, risk)
    return float(roc_auc_score(bad, risk)), float(np.max(tpr - fpr))
