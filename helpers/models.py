"""Candidate models for a sequence-to-expression table and their honest cross-validation.

The "use your own data" template (chapter 9, :mod:`helpers.report`) compares a
few models on a reader's file. This module holds those models, the folds
they are compared on, and the two looks inside the best model that the
report shows:

``candidate_models``       baseline; ridge and boosting on k-mer counts and, for
                           sequences of one length, on one-hot positions
``one_hot_reason``         why one-hot models are not offered (lengths vary), or None
``plan_folds``             folds that keep similar sequences together, with a stated
                           fallback when grouping gives too few groups, and a fold table
``cross_validate_models``  per-fold and pooled out-of-fold metrics; inner searches grouped
``model_importance``       held-out permutation importance of the best model
``scan_sequence``          in-silico mutagenesis of the strongest test sequence

Honest means: near-identical sequences share a fold (so scores are for new
sequences *like these*), every hyperparameter search inside a fold is grouped
the same way, fold sizes are reported and odd folds flagged, and the best model
is chosen on the pooled out-of-fold R², not on an unweighted mean over folds.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.model_selection import GroupKFold
from sklearn.model_selection._search import BaseSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data

from helpers.encoding import KmerVectorizer, OneHotSequenceEncoder
from helpers.evaluation import METRICS, regression_report, similarity_groups
from helpers.interpret import (
    importance_table,
    mutagenesis_matrix,
    mutagenesis_scan,
    restricted_permutation_importance,
)

__all__ = [
    "CVResults",
    "FoldPlan",
    "GroupedRidgeCV",
    "RIDGE_ALPHAS",
    "candidate_models",
    "cross_validate_models",
    "model_importance",
    "one_hot_reason",
    "plan_folds",
    "scan_sequence",
    "to_dense",
]

#: Metrics summarised across folds, in display order.
SUMMARY_METRICS: tuple[str, ...] = ("r2", "pearson_r", "spearman_rho", "rmse", "mae")

#: Ridge penalties searched (by grouped inner cross-validation) in every outer fold.
RIDGE_ALPHAS: np.ndarray = np.logspace(-2, 5, 15)

#: Similarity thresholds tried, in order, when grouping gives too few groups.
FALLBACK_THRESHOLDS: tuple[float, ...] = (0.6, 0.7, 0.8, 0.9, 1.0)

#: Encoders that learn nothing from the rows (only the k range or the one length):
#: their output is computed once for all rows, which leaks nothing.
_STATELESS_ENCODERS = (KmerVectorizer, OneHotSequenceEncoder)


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


class GroupedRidgeCV(RegressorMixin, BaseEstimator):
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
    alphas : array-like of float, default=RIDGE_ALPHAS
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

    def __init__(self, alphas: Any = RIDGE_ALPHAS, n_splits: int = 3) -> None:
        self.alphas = alphas
        self.n_splits = n_splits

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
        if alphas.size == 0 or (alphas <= 0).any():
            raise ValueError(f"alphas must be positive numbers, got {self.alphas!r}.")
        if isinstance(self.n_splits, bool) or not isinstance(self.n_splits, int | np.integer):
            raise ValueError(f"n_splits must be an integer >= 2, got {self.n_splits!r}.")
        if self.n_splits < 2:
            raise ValueError(f"n_splits must be an integer >= 2, got {self.n_splits!r}.")
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
        k-mer length(s) for :class:`helpers.encoding.KmerVectorizer`; the
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


# ---------------------------------------------------------------------------
# folds
# ---------------------------------------------------------------------------


@dataclass
class FoldPlan:
    """The folds :func:`plan_folds` chose, and why.

    Attributes
    ----------
    groups : numpy.ndarray
        Group label of every row (rows of a group share a fold).
    splits : list of (train, test) index arrays
        One pair per fold.
    method : str
        ``"your groups"``, ``"similarity groups"`` or ``"identical sequences"``.
    threshold : float or None
        Similarity threshold used (``None`` for the other methods).
    notes : list of str
        What was done and why, in plain words (fallbacks included).
    table : pandas.DataFrame
        One row per fold: ``fold``, ``n_test``, ``share`` (of all rows),
        ``n_groups``, ``largest_group`` (share of the fold held by its largest
        group), ``target_mean`` and ``flag`` (``""`` or why the fold is odd:
        tiny, dominated by one group, or unusual targets).
    """

    groups: np.ndarray
    splits: list[tuple[np.ndarray, np.ndarray]]
    method: str
    threshold: float | None
    notes: list[str] = field(default_factory=list)
    table: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def n_folds(self) -> int:
        """Number of folds."""
        return len(self.splits)

    @property
    def flagged(self) -> pd.DataFrame:
        """The rows of :attr:`table` with a flag."""
        return self.table[self.table["flag"] != ""]


def _trim_flanks(sequences: list[str], keep: int) -> tuple[list[str], int, int]:
    """Cut the prefix and suffix shared by every sequence, leaving at least ``keep`` bases."""
    shortest = min(len(s) for s in sequences)
    room = max(0, shortest - keep)
    left = min(len(os.path.commonprefix(sequences)), room)
    reversed_seqs = [s[::-1] for s in sequences]
    right = min(len(os.path.commonprefix(reversed_seqs)), room - left)
    if left == 0 and right == 0:
        return sequences, 0, 0
    return [s[left : len(s) - right] for s in sequences], left, right


def _largest_share(groups: np.ndarray) -> float:
    return float(pd.Series(groups).value_counts().iloc[0] / len(groups))


def _fold_table(
    splits: list[tuple[np.ndarray, np.ndarray]], groups: np.ndarray, y: np.ndarray
) -> pd.DataFrame:
    """Fold sizes and balance, with a flag for tiny, one-group or unusual folds."""
    n = len(y)
    mean_size = n / len(splits)
    overall_mean, overall_sd = float(np.mean(y)), float(np.std(y))
    rows = []
    for fold, (_, test) in enumerate(splits):
        counts = pd.Series(groups[test]).value_counts()
        largest = float(counts.iloc[0] / len(test))
        target_mean = float(np.mean(y[test]))
        flags = []
        if len(test) < 0.5 * mean_size or len(test) < 20:
            flags.append(f"tiny ({len(test)} rows, {len(test) / mean_size:.0%} of an even share)")
        if largest > 0.5 and len(counts) > 1 or (len(counts) == 1 and len(test) > 1):
            flags.append(f"one group is {largest:.0%} of the fold")
        if overall_sd > 0 and abs(target_mean - overall_mean) > 0.5 * overall_sd:
            shift = (target_mean - overall_mean) / overall_sd
            flags.append(f"unusual targets (mean {shift:+.1f} sd from all rows)")
        rows.append(
            {
                "fold": fold,
                "n_test": len(test),
                "share": round(len(test) / n, 3),
                "n_groups": len(counts),
                "largest_group": round(largest, 3),
                "target_mean": round(target_mean, 3),
                "flag": "; ".join(flags),
            }
        )
    return pd.DataFrame(rows)


def plan_folds(
    sequences: Sequence[str],
    y: Sequence[float] | np.ndarray,
    *,
    n_folds: int = 5,
    groups: Sequence[Any] | None = None,
    similarity_threshold: float = 0.5,
    similarity_k: int = 8,
    max_group_share: float = 0.5,
) -> FoldPlan:
    """Choose cross-validation folds that keep related sequences together, and say how.

    1. If you give ``groups`` (e.g. a column of genomic backgrounds or design
       families) and there are at least ``n_folds`` of them, ``GroupKFold``
       uses them. With 2 to ``n_folds - 1`` groups, each group becomes one fold
       (leave-one-group-out). With one group, similarity grouping is used.
    2. Otherwise sequences are grouped by similarity
       (:func:`helpers.evaluation.similarity_groups`, after cutting the
       flanks that every sequence shares). If that gives fewer groups than
       folds, or one group holds more than ``max_group_share`` of the rows (a
       designed library of near-identical variants is often one connected
       group), the threshold is raised step by step
       (:data:`FALLBACK_THRESHOLDS`), which links fewer pairs; as a last
       resort only identical sequences share a fold.
    3. Groups go to folds by ``GroupKFold`` (largest groups first, each to the
       smallest fold, so fold sizes are as even as the groups allow).

    Every fallback is written to ``notes``, and the fold table flags folds
    that are tiny, dominated by one group, or whose targets differ from the
    rest (mean more than half a standard deviation away).

    Parameters
    ----------
    sequences : sequence of str
        Upper-case sequences (A, C, G, T, N).
    y : array-like of float
        The target, for the fold table.
    n_folds : int, default=5
        Number of folds wanted (at least 2).
    groups : sequence, optional
        Your group label per row.
    similarity_threshold : float, default=0.5
        First Jaccard threshold for similarity grouping.
    similarity_k : int, default=8
        k-mer length for similarity grouping (lowered for short sequences).
    max_group_share : float, default=0.5
        Largest share of rows one similarity group may hold before the
        threshold is raised.

    Returns
    -------
    FoldPlan

    Raises
    ------
    ValueError
        If ``n_folds`` < 2, lengths differ, or there are fewer distinct
        sequences than folds.

    Examples
    --------
    Eleven single-base variants of one sequence are one similarity group;
    the plan raises the threshold and says so.

    >>> base = "ACGTTGCAAGCTTACGGATCCATGCAGGTACCTTAGCAAT"
    >>> seqs = [base[:i] + "AT"[base[i] == "A"] + base[i + 1 :] for i in range(0, 40, 4)]
    >>> seqs.append(base[:-1] + "G")
    >>> plan = plan_folds(seqs, np.arange(11.0), n_folds=2)
    >>> plan.method, plan.n_folds, plan.table["n_test"].tolist()
    ('similarity groups', 2, [6, 5])
    >>> print(plan.notes[0])  # doctest: +NORMALIZE_WHITESPACE
    Similarity grouping at threshold 0.5 gave 1 group(s), the largest holding 100% of
    the rows (too few groups for 2 folds, or one dominates); raised the threshold to
    0.6, which gave 7 groups.
    """
    sequences = list(sequences)
    y = np.asarray(y, dtype=float)
    if isinstance(n_folds, bool) or not isinstance(n_folds, int | np.integer) or n_folds < 2:
        raise ValueError(f"n_folds must be an integer >= 2, got {n_folds!r}.")
    if len(sequences) != len(y):
        raise ValueError(f"{len(sequences)} sequences but {len(y)} targets.")
    notes: list[str] = []

    if groups is not None:
        labels = pd.Series(list(groups), dtype=object).fillna("").astype(str)
        if len(labels) != len(sequences):
            raise ValueError(f"groups has {len(labels)} labels for {len(sequences)} rows.")
        # a row without a label is a group of its own
        blank = labels == ""
        labels[blank] = [f"__row{i}" for i in np.flatnonzero(blank.to_numpy())]
        codes = pd.factorize(labels)[0]
        n_groups = int(codes.max()) + 1
        if n_groups >= 2:
            folds = min(n_folds, n_groups)
            if folds < n_folds:
                notes.append(
                    f"Your group column has only {n_groups} groups, fewer than the {n_folds} "
                    f"folds asked for: each group is one fold (leave-one-group-out, "
                    f"{folds} folds), so every score is for a group the model never saw."
                )
            else:
                notes.append(f"Folds keep each of your {n_groups} groups together.")
            splits = list(GroupKFold(n_splits=folds).split(sequences, y, codes))
            return FoldPlan(
                groups=codes,
                splits=splits,
                method="your groups",
                threshold=None,
                notes=notes,
                table=_fold_table(splits, codes, y),
            )
        notes.append(
            "Your group column has a single group, which cannot be split into folds; "
            "similar sequences are grouped instead."
        )

    shortest = min(len(s) for s in sequences)
    k = max(1, min(similarity_k, shortest))
    trimmed, left, right = _trim_flanks(sequences, keep=max(k, 2 * k))
    if left or right:
        notes.append(
            f"Every sequence shares the same first {left} and last {right} bases; these "
            "constant flanks were ignored when grouping similar sequences."
        )
    tried: list[tuple[float, int, float]] = []
    method, threshold, codes = "identical sequences", None, None
    for t in (similarity_threshold, *(f for f in FALLBACK_THRESHOLDS if f > similarity_threshold)):
        candidate = similarity_groups(trimmed, k=k, threshold=t)
        n_groups, share = int(candidate.max()) + 1, _largest_share(candidate)
        tried.append((t, n_groups, share))
        if n_groups >= n_folds and share <= max_group_share:
            method, threshold, codes = "similarity groups", t, candidate
            break
    first_t, first_n, first_share = tried[0]
    if len(tried) > 1 or codes is None:
        problem = (
            f"Similarity grouping at threshold {first_t:g} gave {first_n} group(s), the "
            f"largest holding {first_share:.0%} of the rows (too few groups for {n_folds} "
            "folds, or one dominates)"
        )
        if codes is not None:
            notes.append(
                f"{problem}; raised the threshold to {threshold:g}, which gave "
                f"{int(codes.max()) + 1} groups."
            )
        else:
            codes = pd.factorize(pd.Series(sequences))[0]
            notes.append(
                f"{problem}, and raising it up to {tried[-1][0]:g} did not help; only "
                "identical sequences share a fold. Near-identical variants are now split "
                "between training and test folds, so the scores are optimistic for "
                "sequences unlike these."
            )
    else:
        largest = int(np.bincount(codes).max())
        notes.append(
            f"Similar sequences (Jaccard index of {k}-mer sets ≥ {threshold:g}) share a fold: "
            f"{int(codes.max()) + 1} groups, the largest holding {largest} of the "
            f"{len(codes)} rows."
        )
    n_groups = int(codes.max()) + 1
    if n_groups < n_folds:
        raise ValueError(
            f"only {n_groups} distinct sequences, fewer than n_folds={n_folds}: lower n_folds."
        )
    splits = list(GroupKFold(n_splits=n_folds).split(sequences, y, codes))
    return FoldPlan(
        groups=codes,
        splits=splits,
        method=method,
        threshold=threshold,
        notes=notes,
        table=_fold_table(splits, codes, y),
    )


# ---------------------------------------------------------------------------
# cross-validation
# ---------------------------------------------------------------------------


@dataclass
class CVResults:
    """What :func:`cross_validate_models` measured.

    Attributes
    ----------
    folds : pandas.DataFrame
        One row per model and fold: ``model``, ``fold``, ``n_test``, every
        metric of :data:`helpers.evaluation.METRICS` on that fold's test rows,
        and ``chosen`` (the hyperparameters the grouped inner search chose,
        ``""`` if none).
    summary : pandas.DataFrame
        One row per model (index ``model``), best pooled R² first: the
        metrics of :data:`SUMMARY_METRICS` on all out-of-fold predictions
        pooled (``r2_pooled``, ...), then their mean and standard deviation
        over folds (``r2_mean``, ``r2_std``, ...).
    predictions : pandas.DataFrame
        Out-of-fold predictions: ``id``, ``fold``, ``measured`` and one column
        per model (each row predicted by the models that did not see it).
    estimators : dict of str to list
        The fitted pipeline of every fold, per model.
    test_indices : list of numpy.ndarray
        Row positions of each fold's test set.
    groups : numpy.ndarray
        Group of every row (rows of a group share a fold).
    plan : FoldPlan
        How the folds were made, and their sizes.
    """

    folds: pd.DataFrame
    summary: pd.DataFrame
    predictions: pd.DataFrame
    estimators: dict[str, list[Any]]
    test_indices: list[np.ndarray]
    groups: np.ndarray
    plan: FoldPlan

    @property
    def best_model(self) -> str:
        """Name of the model with the best pooled out-of-fold R² (never the baseline)."""
        names = [name for name in self.summary.index if name != "mean baseline"]
        return names[0] if names else str(self.summary.index[0])


def _cached_encoder(model: Any) -> Any | None:
    """The first step of a pipeline if it is an encoder that learns nothing from rows."""
    if isinstance(model, Pipeline) and isinstance(model.steps[0][1], _STATELESS_ENCODERS):
        return model.steps[0][1]
    return None


def _takes_groups(step: Any) -> bool:
    """Whether ``step.fit`` accepts ``groups`` (a grouped search inside it)."""
    try:
        return "groups" in inspect.signature(step.fit).parameters or isinstance(step, BaseSearchCV)
    except (TypeError, ValueError):
        return False


def _fit_grouped(model: Any, X: Any, y: np.ndarray, groups: np.ndarray) -> Any:
    """Fit ``model``, giving ``groups`` to every step whose fit takes them (inner searches)."""
    if isinstance(model, Pipeline):
        params = {
            f"{name}__groups": groups
            for name, step in model.steps
            if step not in (None, "passthrough") and _takes_groups(step)
        }
        return model.fit(X, y, **params)
    return model.fit(X, y, groups=groups) if _takes_groups(model) else model.fit(X, y)


def _chosen(model: Any) -> str:
    """The hyperparameters the grouped inner searches of a fitted model chose."""
    steps = model.steps if isinstance(model, Pipeline) else [(None, model)]
    chosen = []
    for _, step in steps:
        if hasattr(step, "alpha_"):
            chosen.append(f"alpha={step.alpha_:g}")
        elif isinstance(step, BaseSearchCV) and hasattr(step, "best_params_"):
            chosen.append(", ".join(f"{k}={v}" for k, v in step.best_params_.items()))
    return "; ".join(chosen)


def cross_validate_models(
    models: Mapping[str, Any],
    table: pd.DataFrame,
    *,
    n_folds: int = 5,
    plan: FoldPlan | None = None,
    similarity_threshold: float = 0.5,
    similarity_k: int = 8,
) -> CVResults:
    """Compare models by cross-validation that keeps similar sequences together.

    The folds come from :func:`plan_folds` (or ``plan``); a ``group`` column
    of ``table`` is used as your groups. Every model is fitted once per
    fold on the training rows; every step whose ``fit`` takes ``groups`` (a
    :class:`GroupedRidgeCV`, a ``GridSearchCV`` over ``GroupKFold``) gets the
    training rows' groups, so inner hyperparameter searches are grouped too. Encoders that learn nothing from the rows
    (:class:`~helpers.encoding.KmerVectorizer`,
    :class:`~helpers.encoding.OneHotSequenceEncoder`) encode all sequences
    once, which leaks nothing and saves time.

    Parameters
    ----------
    models : mapping of str to estimator
        Name to an unfitted estimator that takes a list of sequences, e.g.
        from :func:`candidate_models`. Each is cloned for every fold.
    table : pandas.DataFrame
        Columns ``id``, ``sequence`` and ``target`` (and optionally
        ``group``), e.g. from :func:`helpers.io.quality_control`.
    n_folds : int, default=5
        Number of folds (ignored if ``plan`` is given).
    plan : FoldPlan, optional
        Folds to use; by default :func:`plan_folds` makes them.
    similarity_threshold, similarity_k : float, int
        Passed to :func:`plan_folds`.

    Returns
    -------
    CVResults

    Raises
    ------
    ValueError
        If ``models`` is empty, ``table`` lacks a column, or
        :func:`plan_folds` fails.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> seqs = ["".join(rng.choice(list("ACGT"), 30)) for _ in range(60)]
    >>> toy = pd.DataFrame({"id": [f"s{i}" for i in range(60)], "sequence": seqs,
    ...                     "target": [s.count("A") / 30 for s in seqs]})
    >>> models = {name: candidate_models(k=1)[name] for name in ("mean baseline", "k-mer ridge")}
    >>> result = cross_validate_models(models, toy, n_folds=3)
    >>> result.best_model, bool(result.summary.loc["k-mer ridge", "r2_pooled"] > 0.9)
    ('k-mer ridge', True)
    >>> result.plan.table["n_test"].tolist()
    [20, 20, 20]
    """
    if not models:
        raise ValueError("models is empty: give at least one estimator to compare.")
    absent = [c for c in ("id", "sequence", "target") if c not in table.columns]
    if absent:
        raise ValueError(f"table is missing column(s) {absent}; found {list(table.columns)}.")
    sequences = table["sequence"].tolist()
    y = table["target"].to_numpy(dtype=float)
    if plan is None:
        plan = plan_folds(
            sequences,
            y,
            n_folds=n_folds,
            groups=table["group"].tolist() if "group" in table.columns else None,
            similarity_threshold=similarity_threshold,
            similarity_k=similarity_k,
        )
    groups = plan.groups

    encoded: dict[str, tuple[Any, Any]] = {}  # encoder repr -> (fitted encoder, matrix)
    for model in models.values():
        encoder = _cached_encoder(model)
        if encoder is not None and repr(encoder) not in encoded:
            fitted = clone(encoder).fit(sequences)
            encoded[repr(encoder)] = (fitted, fitted.transform(sequences))

    rows: list[pd.DataFrame] = []
    oof = {name: np.full(len(y), np.nan) for name in models}
    fold_of = np.full(len(y), -1)
    estimators: dict[str, list[Any]] = {name: [] for name in models}
    for fold, (train, test) in enumerate(plan.splits):
        fold_of[test] = fold
        for name, model in models.items():
            encoder = _cached_encoder(model)
            if encoder is not None:
                fitted_encoder, X = encoded[repr(encoder)]
                rest = _fit_grouped(clone(model[1:]), X[train], y[train], groups[train])
                predicted = rest.predict(X[test])
                fitted = Pipeline([(model.steps[0][0], fitted_encoder), *rest.steps])
            else:
                train_seqs = [sequences[i] for i in train]
                fitted = _fit_grouped(clone(model), train_seqs, y[train], groups[train])
                predicted = fitted.predict([sequences[i] for i in test])
            predicted = np.asarray(predicted, dtype=float)
            oof[name][test] = predicted
            estimators[name].append(fitted)
            report = regression_report(y[test], predicted, model=name).reset_index()
            report.insert(1, "fold", fold)
            report["chosen"] = _chosen(fitted)
            rows.append(report)
    folds = pd.concat(rows, ignore_index=True).rename(columns={"n": "n_test"})
    folds = folds[["model", "fold", "n_test", *METRICS, "chosen"]]
    grouped = folds.groupby("model", sort=False)[list(SUMMARY_METRICS)]
    mean, std = grouped.mean(), grouped.std(ddof=1)
    pooled = pd.concat([regression_report(y, oof[name], model=name) for name in models])[
        list(SUMMARY_METRICS)
    ]
    columns = {f"{m}_pooled": pooled[m] for m in SUMMARY_METRICS}
    columns |= {
        f"{m}_{stat}": frame[m]
        for m in SUMMARY_METRICS
        for stat, frame in (("mean", mean), ("std", std))
    }
    summary = pd.concat(columns, axis=1).sort_values("r2_pooled", ascending=False, kind="stable")
    summary.index.name = "model"
    predictions = pd.DataFrame({"id": table["id"].to_numpy(), "fold": fold_of, "measured": y})
    for name, values in oof.items():
        predictions[name] = values
    return CVResults(
        folds=folds,
        summary=summary,
        predictions=predictions,
        estimators=estimators,
        test_indices=[test for _, test in plan.splits],
        groups=groups,
        plan=plan,
    )


# ---------------------------------------------------------------------------
# looking inside the best model
# ---------------------------------------------------------------------------


def _own_ranking(estimator: Any, X_train: Any, y_train: np.ndarray) -> np.ndarray:
    """The model's own ranking of its features.

    Impurity importance or |coefficient| when the model has them; otherwise
    (e.g. histogram gradient boosting) the absolute correlation of each
    feature with the target on the training rows.
    """
    if isinstance(estimator, BaseSearchCV):
        estimator = estimator.best_estimator_
    if hasattr(estimator, "feature_importances_"):
        return np.asarray(estimator.feature_importances_, dtype=float)
    if hasattr(estimator, "coef_"):
        return np.abs(np.asarray(estimator.coef_, dtype=float).ravel())
    X = to_dense(X_train).astype(float)
    centred = X - X.mean(axis=0)
    yc = y_train - y_train.mean()
    scale = np.sqrt((centred**2).sum(axis=0) * (yc**2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.abs(centred.T @ yc) / scale
    return np.nan_to_num(corr)


def model_importance(
    results: CVResults,
    table: pd.DataFrame,
    model: str | None = None,
    *,
    fold: int = 0,
    n_candidates: int = 40,
    n_repeats: int = 5,
    random_state: int = 0,
) -> pd.DataFrame:
    """Held-out permutation importance of one model's features.

    The pipeline fitted on the training folds of ``fold`` is scored on that
    fold's test rows; each feature is shuffled in turn and the drop in R² is
    its importance. To keep this quick, only the ``n_candidates`` features the
    model itself ranks highest (impurity importance, absolute standardised
    coefficient, or, for models with neither, absolute correlation with the
    target on the training rows) are shuffled, with
    :func:`helpers.interpret.restricted_permutation_importance`.

    Parameters
    ----------
    results : CVResults
        From :func:`cross_validate_models`.
    table : pandas.DataFrame
        The table that was cross-validated.
    model : str, optional
        Which model; by default ``results.best_model``.
    fold : int, default=0
        Which fold's fitted pipeline and test rows to use.
    n_candidates : int, default=40
        Size of the shortlist of features to shuffle.
    n_repeats : int, default=5
        Shuffles per feature.
    random_state : int, default=0
        Seed of the shuffles.

    Returns
    -------
    pandas.DataFrame
        From :func:`helpers.interpret.importance_table`: ``rank``,
        ``feature``, ``importance`` (mean drop in held-out R²), ``std``, plus
        ``own_rank`` (the model's own ranking of the feature).

    Raises
    ------
    ValueError
        If ``model`` or ``fold`` does not exist.

    Examples
    --------
    A target that counts ``A``: shuffling the ``A`` column hurts most.

    >>> rng = np.random.default_rng(0)
    >>> seqs = ["".join(rng.choice(list("ACGT"), 30)) for _ in range(60)]
    >>> toy = pd.DataFrame({"id": [f"s{i}" for i in range(60)], "sequence": seqs,
    ...                     "target": [s.count("A") / 30 for s in seqs]})
    >>> models = {"k-mer ridge": candidate_models(k=1)["k-mer ridge"]}
    >>> result = cross_validate_models(models, toy, n_folds=3)
    >>> table = model_importance(result, toy)
    >>> table.loc[0, "feature"], bool(table.loc[0, "importance"] > 0.5)
    ('A', True)
    """
    name = results.best_model if model is None else model
    if name not in results.estimators:
        raise ValueError(f"no model {name!r}; cross-validated: {list(results.estimators)}.")
    if not 0 <= fold < len(results.test_indices):
        raise ValueError(f"fold must be in 0..{len(results.test_indices) - 1}, got {fold}.")
    pipeline = results.estimators[name][fold]
    test = results.test_indices[fold]
    train = np.setdiff1d(np.arange(len(table)), test)
    sequences = table["sequence"].tolist()
    y = table["target"].to_numpy(dtype=float)
    features = pipeline[:-1].transform([sequences[i] for i in test])
    names = np.asarray(pipeline[:-1].get_feature_names_out(), dtype=object)
    final = pipeline[-1]
    if hasattr(final, "feature_importances_") or hasattr(
        getattr(final, "best_estimator_", final), "coef_"
    ):
        own = _own_ranking(final, None, y[train])
    else:
        own = _own_ranking(final, pipeline[:-1].transform([sequences[i] for i in train]), y[train])
    shortlist = np.argsort(-own, kind="stable")[:n_candidates]
    shuffled = restricted_permutation_importance(
        final, features, y[test], shortlist, n_repeats=n_repeats, random_state=random_state
    )
    ranked = importance_table(
        shuffled["importance"].to_numpy(), names[shortlist], std=shuffled["std"].to_numpy()
    )
    own_rank = {names[j]: r for r, j in enumerate(shortlist, start=1)}
    ranked["own_rank"] = ranked["feature"].map(own_rank).astype(int)
    ranked.attrs.update(model=name, fold=fold, n_test=len(test))
    return ranked


def scan_sequence(
    results: CVResults, table: pd.DataFrame, model: str | None = None, *, fold: int = 0
) -> pd.DataFrame:
    """In-silico mutagenesis of the strongest clean test sequence of a fold.

    Parameters
    ----------
    results : CVResults
        From :func:`cross_validate_models`.
    table : pandas.DataFrame
        The table that was cross-validated (its ``target`` is oriented so
        that higher = stronger; see :func:`helpers.io.load_table`).
    model : str, optional
        Which model; by default ``results.best_model``.
    fold : int, default=0
        The scanned sequence is the one with the highest target among that
        fold's test rows without ``N``, and the pipeline is the one fitted
        without it.

    Returns
    -------
    pandas.DataFrame
        The (base x position) matrix of :func:`helpers.interpret.mutagenesis_matrix`;
        ``.attrs`` holds ``id``, ``sequence`` and ``model``.

    Raises
    ------
    ValueError
        If every test sequence of the fold contains ``N``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> seqs = ["".join(rng.choice(list("ACGT"), 30)) for _ in range(60)]
    >>> toy = pd.DataFrame({"id": [f"s{i}" for i in range(60)], "sequence": seqs,
    ...                     "target": [s.count("A") / 30 for s in seqs]})
    >>> models = {"k-mer ridge": candidate_models(k=1)["k-mer ridge"]}
    >>> matrix = scan_sequence(cross_validate_models(models, toy, n_folds=3), toy)
    >>> matrix.shape, matrix.attrs["model"]
    ((4, 30), 'k-mer ridge')
    >>> bool((matrix.loc["A"] >= 0).all())  # gaining an A raises the prediction
    True
    """
    name = results.best_model if model is None else model
    test = results.test_indices[fold]
    candidates = table.iloc[test]
    candidates = candidates[~candidates["sequence"].str.contains("N")]
    if candidates.empty:
        raise ValueError(f"every test sequence of fold {fold} contains N; nothing to scan.")
    best = candidates.sort_values("target", ascending=False, kind="stable").iloc[0]
    scan = mutagenesis_scan(results.estimators[name][fold], best["sequence"])
    matrix = mutagenesis_matrix(scan)
    matrix.attrs.update(id=best["id"], sequence=best["sequence"], model=name)
    return matrix
