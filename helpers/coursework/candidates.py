"""The candidate models of the coursework template, and the grouped ridge they use.

``candidate_models``  baseline; ridge and boosting on k-mer counts and, for
                      sequences of one length, on one-hot positions
``one_hot_reason``    why one-hot models are not offered (lengths vary), or None
``GroupedRidgeCV``    ridge whose penalty is chosen by grouped inner cross-validation
``to_dense``          a sparse or dense matrix as a dense array
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data

from helpers.core.checks import POSITIVE_NUMBERS, ParamsChecked, fit_context, integers
from helpers.features.kmers import KmerVectorizer
from helpers.features.onehot import OneHotSequenceEncoder

__all__ = [
    "GroupedRidgeCV",
    "RIDGE_ALPHAS",
    "candidate_models",
    "one_hot_reason",
    "to_dense",
]


#: Ridge penalties searched (by grouped inner cross-validation) in every outer fold
#: (a tuple: an estimator's default must compare with ``==``, for clone and repr).
RIDGE_ALPHAS: tuple[float, ...] = tuple(float(a) for a in np.logspace(-2, 5, 15))


# ---------------------------------------------------------------------------
# candidate models
# ---------------------------------------------------------------------------


def to_dense(X: Any) -> np.ndarray:
    """Return ``X`` as a dense array (for estimators that need one).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> to_dense(sp.csr_matrix([[0, 1]])).tolist()
    [[0, 1]]
    """
    return X.toarray() if hasattr(X, "toarray") else np.asarray(X)


def _dense() -> FunctionTransformer:
    return FunctionTransformer(to_dense, accept_sparse=True, feature_names_out="one-to-one")


class GroupedRidgeCV(ParamsChecked, RegressorMixin, BaseEstimator):
    """Ridge regression whose penalty is chosen by *grouped* inner cross-validation.

    scikit-learn's ``RidgeCV`` chooses ``alpha`` by leave-one-out over rows:
    with near-identical sequences in the data, a row's near-copy is always in
    the inner training set, so the search rewards overfitting. Here the inner
    folds come from ``GroupKFold`` on the ``groups`` passed to ``fit`` (the
    similarity groups), exactly like the outer folds. Every ``alpha`` is
    scored from one eigen-decomposition per inner fold, so the search costs
    about as much as a few ridge fits.

    Parameters
    ----------
    alphas : sequence of float, default=RIDGE_ALPHAS
        Penalties to try.
    n_splits : int, default=3
        Inner folds (fewer if there are fewer groups).

    Attributes
    ----------
    alpha_ : float
        The penalty with the best mean inner R².
    cv_scores_ : numpy.ndarray of shape (n_alphas,)
        Mean inner R² of every penalty (NaN if there was no inner search).
    coef_, intercept_ : numpy.ndarray, float
        Of the ridge refitted on all rows with ``alpha_``.
    n_features_in_ : int
        Number of features seen in ``fit``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(90, 5)); y = X[:, 0] + 0.1 * rng.normal(size=90)
    >>> model = GroupedRidgeCV().fit(X, y, groups=np.repeat(np.arange(30), 3))
    >>> bool(model.alpha_ <= 10), round(float(model.coef_[0]), 1)
    (True, 1.0)
    """

    _parameter_constraints: dict[str, list] = {
        "alphas": [POSITIVE_NUMBERS],
        "n_splits": [integers(2)],
    }

    def __init__(self, alphas: Any = RIDGE_ALPHAS, n_splits: int = 3) -> None:
        self.alphas = alphas
        self.n_splits = n_splits

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any, groups: Any = None) -> GroupedRidgeCV:
        """Choose ``alpha`` by grouped inner CV, then refit on all rows.

        Parameters
        ----------
        X : array-like of shape (n, p)
        y : array-like of shape (n,)
        groups : array-like of shape (n,)
            Group of every row; required (without groups the search would be
            the leaky one this class replaces).

        Returns
        -------
        self
        """
        X, y = validate_data(self, X, y, accept_sparse=False, y_numeric=True, dtype=float)
        alphas = np.asarray(self.alphas, dtype=float).ravel()
        if groups is None:
            raise ValueError(
                "GroupedRidgeCV.fit needs groups= (the similarity group of every row), so "
                "that its inner search is grouped; cross_validate_models passes them."
            )
        groups = np.asarray(groups)
        if len(groups) != len(y):
            raise ValueError(f"groups has {len(groups)} labels for {len(y)} rows.")
        n_groups = len(np.unique(groups))
        scores = np.full(alphas.size, np.nan)
        if n_groups >= 2:
            splitter = GroupKFold(n_splits=min(self.n_splits, n_groups))
            fold_scores = [
                self._path_scores(X[train], y[train], X[test], y[test], alphas)
                for train, test in splitter.split(X, y, groups)
            ]
            scores = np.mean(fold_scores, axis=0)
            self.alpha_ = float(alphas[int(np.nanargmax(scores))])
        else:
            self.alpha_ = float(np.median(alphas))
        self.cv_scores_ = scores
        final = Ridge(alpha=self.alpha_).fit(X, y)
        self.coef_, self.intercept_ = final.coef_, final.intercept_
        return self

    @staticmethod
    def _path_scores(
        X: np.ndarray, y: np.ndarray, X_test: np.ndarray, y_test: np.ndarray, alphas: np.ndarray
    ) -> np.ndarray:
        """Test R² of ridge for every alpha, from one eigen-decomposition of X'X."""
        x_mean, y_mean = X.mean(axis=0), y.mean()
        Xc = X - x_mean
        eigenvalues, vectors = np.linalg.eigh(Xc.T @ Xc)
        projected = vectors.T @ (Xc.T @ (y - y_mean))
        weights = vectors @ (projected[:, None] / (eigenvalues[:, None] + alphas[None, :]))
        predicted = (X_test - x_mean) @ weights + y_mean
        residual = ((y_test[:, None] - predicted) ** 2).sum(axis=0)
        total = ((y_test - y_test.mean()) ** 2).sum()
        return 1 - residual / total if total > 0 else -residual

    def predict(self, X: Any) -> np.ndarray:
        """Predict with the refitted ridge.

        Returns
        -------
        numpy.ndarray of shape (n,)
        """
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, reset=False, accept_sparse=False, dtype=float)
        return X @ self.coef_ + self.intercept_


def _boosting(max_iter: int, random_state: int) -> HistGradientBoostingRegressor:
    # no early stopping: its validation split would be random, not grouped
    return HistGradientBoostingRegressor(
        max_iter=max_iter,
        learning_rate=0.15,
        max_leaf_nodes=15,
        early_stopping=False,
        random_state=random_state,
    )


def one_hot_reason(sequences: Sequence[str]) -> str | None:
    """Why one-hot models cannot be offered for these sequences, or ``None`` if they can.

    One-hot encoding gives every position its own columns, so it needs one
    sequence length.

    Examples
    --------
    >>> one_hot_reason(["ACGT", "TTGA"]) is None
    True
    >>> one_hot_reason(["ACGT", "TTGAC", "TTG"])
    'sequence lengths vary (3–5 nt, 3 different lengths): one-hot encoding gives each position its own columns, so it needs one length; k-mer counts do not.'
    """
    lengths = pd.Series([len(s) for s in sequences])
    if lengths.nunique() <= 1:
        return None
    return (
        f"sequence lengths vary ({lengths.min()}–{lengths.max()} nt, {lengths.nunique()} "
        "different lengths): one-hot encoding gives each position its own columns, so it "
        "needs one length; k-mer counts do not."
    )


def candidate_models(
    k: int | tuple[int, int] = (1, 4),
    *,
    one_hot: bool = False,
    max_iter: int = 100,
    inner_folds: int = 3,
    random_state: int = 0,
) -> dict[str, Pipeline]:
    """The models the report compares, each a sequence -> prediction ``Pipeline``.

    Parameters
    ----------
    k : int or (int, int), default=(1, 4)
        k-mer length(s) for :class:`helpers.features.kmers.KmerVectorizer`; the
        default counts all 1- to 4-mers (340 features).
    one_hot : bool, default=False
        Add position-aware models on one-hot encoded sequences (all sequences
        must then have one length; see :func:`one_hot_reason`).
    max_iter : int, default=100
        Boosting rounds of the gradient-boosting models (learning rate 0.15,
        at most 15 leaves per tree). Fixed: early stopping would pick them on
        a random, ungrouped validation split.
    inner_folds : int, default=3
        Folds of the grouped inner search of the ridge penalty.
    random_state : int, default=0
        Seed of the boosting models.

    Returns
    -------
    dict of str to sklearn.pipeline.Pipeline
        ``"mean baseline"`` (predicts the training mean: the score to beat),
        ``"k-mer ridge"`` (standardised counts; the penalty is chosen from
        :data:`RIDGE_ALPHAS` by :class:`GroupedRidgeCV`, so fitting needs
        ``groups``: :func:`cross_validate_models` passes them),
        ``"k-mer boosting"`` (histogram gradient boosting, which can combine
        k-mers) and, with ``one_hot=True``, ``"one-hot ridge"`` and
        ``"one-hot boosting"`` (position-aware: each position has its own
        columns).

    Examples
    --------
    >>> list(candidate_models(k=3, one_hot=True))
    ['mean baseline', 'k-mer ridge', 'k-mer boosting', 'one-hot ridge', 'one-hot boosting']
    """
    models = {
        "mean baseline": Pipeline(
            [("kmers", KmerVectorizer(k=k)), ("model", DummyRegressor(strategy="mean"))]
        ),
        "k-mer ridge": Pipeline(
            [
                ("kmers", KmerVectorizer(k=k)),
                ("dense", _dense()),
                ("scale", StandardScaler()),
                ("model", GroupedRidgeCV(n_splits=inner_folds)),
            ]
        ),
        "k-mer boosting": Pipeline(
            [
                ("kmers", KmerVectorizer(k=k)),
                ("dense", _dense()),
                ("model", _boosting(max_iter, random_state)),
            ]
        ),
    }
    if one_hot:
        models["one-hot ridge"] = Pipeline(
            [("onehot", OneHotSequenceEncoder()), ("model", GroupedRidgeCV(n_splits=inner_folds))]
        )
        models["one-hot boosting"] = Pipeline(
            [("onehot", OneHotSequenceEncoder()), ("model", _boosting(max_iter, random_state))]
        )
    return models
