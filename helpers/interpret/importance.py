"""Importance tables: any importance vector ranked, and permutation importance of chosen columns.

``importance_table``                   any importance vector -> ranked, tidy table
``restricted_permutation_importance``  permutation importance of chosen columns only
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils import get_tags

from helpers.core.arrays import as_float_array
from helpers.core.checks import StrOptions, check_params, integers

__all__ = ["importance_table", "restricted_permutation_importance"]


def _as_floats(values: Any, name: str) -> np.ndarray:
    """``values`` as a flat float array, or the one "must contain numbers" error naming ``name``."""
    return as_float_array(values, name).ravel()


def importance_table(
    importances: Sequence[float] | np.ndarray,
    feature_names: Sequence[str] | np.ndarray,
    *,
    std: Sequence[float] | np.ndarray | None = None,
    sort_by: str = "value",
    top: int | None = None,
) -> pd.DataFrame:
    """Rank features by an importance score, as a tidy table.

    Works for any score with one value per feature: a forest's
    ``feature_importances_``, the ``importances_mean`` of
    :func:`sklearn.inspection.permutation_importance`, or linear coefficients.

    Parameters
    ----------
    importances : array-like of shape (n_features,)
        One score per feature.
    feature_names : array-like of str, shape (n_features,)
        Names of the features, e.g. ``vectorizer.get_feature_names_out()``.
    std : array-like of shape (n_features,), optional
        Spread of each score (e.g. ``importances_std``), kept as column ``std``.
    sort_by : {"value", "abs"}, default="value"
        Rank by the score itself (importances, where negative means useless)
        or by its absolute value (signed coefficients).
    top : int, optional
        Keep only the ``top`` best-ranked features.

    Returns
    -------
    pandas.DataFrame
        Columns ``rank`` (1 = most important), ``feature``, ``importance``
        and, if given, ``std``; ties keep the input order.

    Raises
    ------
    ValueError
        If a score is not a number or not finite, the lengths differ,
        ``sort_by`` is unknown or ``top`` is not a positive integer.

    Examples
    --------
    >>> importance_table([0.1, -0.5, 0.3], ["AAT", "TTG", "GCC"], sort_by="abs")
       rank feature  importance
    0     1     TTG        -0.5
    1     2     GCC         0.3
    2     3     AAT         0.1
    """
    check_params(
        "importance_table",
        {"sort_by": sort_by, "top": top},
        {"sort_by": [StrOptions({"value", "abs"})], "top": [None, integers(1)]},
    )
    values = _as_floats(importances, "importances")
    names = np.asarray(feature_names, dtype=object).ravel()
    if values.shape != names.shape:
        raise ValueError(
            f"importances has {values.size} values but feature_names has {names.size} names"
        )
    if not np.all(np.isfinite(values)):
        bad = int(np.flatnonzero(~np.isfinite(values))[0])
        raise ValueError(f"importance of feature {names[bad]!r} (index {bad}) is not finite")
    key = np.abs(values) if sort_by == "abs" else values
    order = np.argsort(-key, kind="stable")
    if top is not None:
        order = order[:top]
    table = pd.DataFrame(
        {
            "rank": np.arange(1, order.size + 1),
            "feature": names[order].astype(str),
            "importance": values[order],
        }
    )
    if std is not None:
        spread = _as_floats(std, "std")
        if spread.shape != values.shape:
            raise ValueError(f"std has {spread.size} values, expected {values.size}")
        table["std"] = spread[order]
    return table


class _ColumnEmbedder(BaseEstimator):
    """Predict with ``estimator`` after writing the given columns into ``X_full``.

    ``permutation_importance`` shuffles one column of the matrix it is given;
    giving it only the candidate columns and embedding them back into the
    full (unshuffled) matrix shuffles just the candidates, row order intact.
    """

    def __init__(self, estimator: Any, X_full: np.ndarray, columns: np.ndarray) -> None:
        self.estimator = estimator
        self.X_full = X_full
        self.columns = columns

    def __sklearn_tags__(self):  # the wrapped estimator's tags
        return get_tags(self.estimator)

    def fit(self, X: Any, y: Any = None) -> _ColumnEmbedder:
        """Nothing to fit: the wrapped estimator is already fitted."""
        return self

    def _embed(self, X_candidates: np.ndarray) -> np.ndarray:
        X = self.X_full.copy()
        X[:, self.columns] = X_candidates
        return X

    def predict(self, X_candidates: np.ndarray) -> np.ndarray:
        return self.estimator.predict(self._embed(X_candidates))

    def score(self, X_candidates: np.ndarray, y: Any) -> float:
        return self.estimator.score(self._embed(X_candidates), y)


def restricted_permutation_importance(
    estimator: Any,
    X: Any,
    y: Sequence[float] | np.ndarray,
    columns: Sequence[int] | np.ndarray,
    *,
    n_repeats: int = 5,
    random_state: int = 0,
    scoring: str | Callable | None = None,
) -> pd.DataFrame:
    """Permutation importance of a subset of columns, via scikit-learn.

    Shuffling every one of thousands of k-mer columns costs one prediction
    per column and repeat; shuffling a shortlist of candidates gives the same
    numbers for those columns (each column is shuffled on its own, the
    others keep their values) at a fraction of the cost.

    Parameters
    ----------
    estimator : fitted estimator with ``predict``
        Takes the full feature matrix (not sequences).
    X : array-like or sparse matrix of shape (n_samples, n_features)
        Held-out features (densified internally).
    y : array-like of shape (n_samples,)
        Held-out targets.
    columns : array-like of int
        Indices of the columns to shuffle.
    n_repeats : int, default=5
        Shuffles per column.
    random_state : int, default=0
        Seed of the shuffles.
    scoring : str or callable, optional
        As in :func:`sklearn.inspection.permutation_importance` (default: the
        estimator's ``score``, R² for regressors).

    Returns
    -------
    pandas.DataFrame
        One row per requested column, in the given order: ``column``,
        ``importance`` (mean drop of the score) and ``std``.

    Raises
    ------
    ValueError
        If ``columns`` is empty or holds an index outside ``X``.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> X = np.random.default_rng(0).normal(size=(200, 3))
    >>> y = 2 * X[:, 0]
    >>> model = LinearRegression().fit(X, y)
    >>> table = restricted_permutation_importance(model, X, y, [0, 2], n_repeats=3)
    >>> table["column"].tolist(), bool(table["importance"].iloc[0] > 1)
    ([0, 2], True)
    """
    from sklearn.inspection import permutation_importance

    check_params(
        "restricted_permutation_importance",
        {"n_repeats": n_repeats},
        {"n_repeats": [integers(1)]},
    )
    X_full = X.toarray() if hasattr(X, "toarray") else np.asarray(X, dtype=float)
    X_full = np.array(X_full, dtype=float)
    cols = np.asarray(columns, dtype=int).ravel()
    if cols.size == 0:
        raise ValueError("columns is empty: give at least one column index to shuffle")
    if cols.min() < 0 or cols.max() >= X_full.shape[1]:
        bad = int(cols[(cols < 0) | (cols >= X_full.shape[1])][0])
        raise ValueError(f"column index {bad} is outside X, which has {X_full.shape[1]} columns")
    wrapper = _ColumnEmbedder(estimator, X_full, cols)
    result = permutation_importance(
        wrapper,
        X_full[:, cols],
        np.asarray(y, dtype=float),
        scoring=scoring,
        n_repeats=n_repeats,
        random_state=random_state,
    )
    return pd.DataFrame(
        {
            "column": cols,
            "importance": result.importances_mean,
            "std": result.importances_std,
        }
    )
