"""Feature encoding for scorecards: ordered levels as "at least level k" indicators.

Thermometer (cumulative) indicators make a linear model's effect of each level the sum of the
steps below it. With non-negative step weights the score can only rise as an answer moves
toward its favourable end, which is the monotone guarantee the product promises; without the
constraint the encoding is an exact re-parametrisation of one-hot, so the same encoder serves
any labelled table (numbers keep their order, cut into quantile bins when they have many
values; categories are ordered by good rate).

A missing answer is encoded as the training mean of each indicator, so the model's output for
an unanswered question is exactly the population-average contribution.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin


class ThermometerEncoder(TransformerMixin, BaseEstimator):
    """Encode each column's ordered levels as cumulative 0/1 indicators.

    Parameters
    ----------
    levels:
        Known ordered levels per column (least to most favourable). Columns not listed learn
        their levels in ``fit``: numeric ones in their natural order (quantile bins when they
        have more than ``max_bins`` values), others ordered by the rate of ``y == 1`` (good) so
        that a monotone model can still use them. Keeping numbers in order matters on small
        tables: ordering a few values by their in-sample good rate overfits, while the L2
        penalty on thermometer steps then smooths along the number line instead.
    max_bins:
        Most quantile bins for an unlisted numeric column.
    """

    def __init__(self, levels: Mapping[str, Sequence[object]] | None = None, max_bins: int = 6) -> None:
        self.levels = levels
        self.max_bins = max_bins

    def fit(self, X: pd.DataFrame, y: Sequence[int] | np.ndarray | None = None) -> ThermometerEncoder:
        """Learn levels for unlisted columns and the indicator means used for missing values."""
        known = dict(self.levels or {})
        self.columns_: list[str] = list(X.columns)
        self.levels_: dict[str, list[object]] = {}
        self.edges_: dict[str, np.ndarray] = {}
        for column in self.columns_:
            series = X[column]
            if column in known:
                self.levels_[column] = list(known[column])
            elif pd.api.types.is_numeric_dtype(series) and series.nunique() > self.max_bins:
                quantiles = np.linspace(0, 1, self.max_bins + 1)[1:-1]
                edges = np.unique(np.nanquantile(series.to_numpy(dtype=float), quantiles))
                self.edges_[column] = edges
                self.levels_[column] = list(range(len(edges) + 1))
            elif pd.api.types.is_numeric_dtype(series):
                self.levels_[column] = sorted(series.dropna().unique().tolist())
            else:
                if y is None:
                    raise ValueError(f"column {column!r} has no known levels and no target to order them")
                rates = pd.Series(np.asarray(y)).groupby(series.to_numpy()).mean().sort_values(kind="stable")
                self.levels_[column] = list(rates.index)
        self.feature_names_: list[str] = [
            f"{column}>={level}" for column in self.columns_ for level in self.levels_[column][1:]
        ]
        self.means_ = np.nanmean(self._indicators(X, impute=False), axis=0)
        return self

    def codes(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        """Level index of every value (0 = least favourable, -1 = missing); unknown values raise."""
        out: dict[str, np.ndarray] = {}
        for column in self.columns_:
            series = X[column] if column in X else pd.Series([None] * len(X))
            if column in self.edges_:
                values = series.to_numpy(dtype=float)
                code = np.searchsorted(self.edges_[column], values, side="right")
                out[column] = np.where(np.isnan(values), -1, code)
                continue
            keys, uniques = pd.factorize(series, use_na_sentinel=True)
            lookup = {level: i for i, level in enumerate(self.levels_[column])}
            mapped = np.empty(len(uniques) + 1, dtype=np.int64)
            for i, value in enumerate(uniques):
                if value not in lookup:
                    raise ValueError(f"{column}: unknown value {value!r}")
                mapped[i] = lookup[value]
            mapped[-1] = -1
            out[column] = mapped[keys]
        return out

    def _indicators(self, X: pd.DataFrame, impute: bool) -> np.ndarray:
        blocks = []
        for column, code in self.codes(X).items():
            steps = np.arange(1, len(self.levels_[column]), dtype=np.int64)
            block = (code[:, None] >= steps[None, :]).astype(float)
            block[code < 0] = np.nan
            blocks.append(block)
        matrix = np.hstack(blocks) if blocks else np.empty((len(X), 0))
        if impute:
            rows, cols = np.nonzero(np.isnan(matrix))
            matrix[rows, cols] = self.means_[cols]
        return matrix

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        """The indicator matrix, missing values replaced by training means."""
        return self._indicators(X, impute=True)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """Names like ``huabei>=late_once``: one per step above a column's first level."""
        return np.asarray(self.feature_names_, dtype=object)
