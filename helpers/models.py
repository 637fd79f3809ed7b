"""Candidate models for a sequence-to-expression table and their cross-validation.

The "use your own data" template (chapter 9, :mod:`helpers.report`) compares a
few models on a reader's file. This module holds those models and the
leakage-aware cross-validation that compares them, plus the two looks inside
the best model that the report shows:

``candidate_models``       baseline, ridge and random forest on k-mer counts
``cross_validate_models``  grouped k-fold CV: per-fold metrics, summary, predictions
``model_importance``       held-out permutation importance of the best model
``scan_sequence``          in-silico mutagenesis of one sequence
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from helpers.encoding import KmerVectorizer
from helpers.evaluation import METRICS, regression_report, similarity_groups
from helpers.interpret import (
    importance_table,
    mutagenesis_matrix,
    mutagenesis_scan,
    restricted_permutation_importance,
)

__all__ = [
    "CVResults",
    "candidate_models",
    "cross_validate_models",
    "model_importance",
    "scan_sequence",
    "to_dense",
]

#: Metrics summarised across folds, in display order.
SUMMARY_METRICS: tuple[str, ...] = ("r2", "pearson_r", "spearman_rho", "rmse", "mae")


# ---------------------------------------------------------------------------
# models and cross-validation
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


def candidate_models(
    k: int | tuple[int, int] = (1, 4), *, n_trees: int = 50, random_state: int = 0
) -> dict[str, Pipeline]:
    """The models the report compares, each a sequence -> prediction ``Pipeline``.

    Parameters
    ----------
    k : int or (int, int), default=(1, 4)
        k-mer length(s) for :class:`helpers.encoding.KmerVectorizer`; the
        default counts all 1- to 4-mers (340 features).
    n_trees : int, default=50
        Trees in the random forest (more trees smooth its predictions but
        cost time; 50 is enough for a few hundred k-mer features).
    random_state : int, default=0
        Seed of the random forest.

    Returns
    -------
    dict of str to sklearn.pipeline.Pipeline
        ``"mean baseline"`` (predicts the training mean: the score to beat),
        ``"ridge"`` (standardised k-mer counts, penalty chosen by internal
        leave-one-out CV) and ``"random forest"``. The counts are made dense
        for ridge and the forest: with a few hundred features that is small,
        and trees grow several times faster on dense input.

    Examples
    --------
    >>> list(candidate_models(k=3))
    ['mean baseline', 'ridge', 'random forest']
    """
    return {
        "mean baseline": Pipeline(
            [("kmers", KmerVectorizer(k=k)), ("model", DummyRegressor(strategy="mean"))]
        ),
        "ridge": Pipeline(
            [
                ("kmers", KmerVectorizer(k=k)),
                (
                    "dense",
                    FunctionTransformer(
                        to_dense, accept_sparse=True, feature_names_out="one-to-one"
                    ),
                ),
                ("scale", StandardScaler()),
                ("model", RidgeCV(alphas=np.logspace(-1, 5, 13))),
            ]
        ),
        "random forest": Pipeline(
            [
                ("kmers", KmerVectorizer(k=k)),
                (
                    "dense",
                    FunctionTransformer(
                        to_dense, accept_sparse=True, feature_names_out="one-to-one"
                    ),
                ),
                (
                    "model",
                    RandomForestRegressor(
                        n_estimators=n_trees,
                        max_features="sqrt",
                        min_samples_leaf=5,
                        n_jobs=1,
                        random_state=random_state,
                    ),
                ),
            ]
        ),
    }


@dataclass
class CVResults:
    """What :func:`cross_validate_models` measured.

    Attributes
    ----------
    folds : pandas.DataFrame
        One row per model and fold: ``model``, ``fold``, ``n_test`` and every
        metric of :data:`helpers.evaluation.METRICS` on that fold's test rows.
    summary : pandas.DataFrame
        One row per model (index ``model``), best mean R² first: the mean and
        standard deviation over folds of each metric of
        :data:`SUMMARY_METRICS` (``r2_mean``, ``r2_std``, ...).
    predictions : pandas.DataFrame
        Out-of-fold predictions: ``id``, ``fold``, ``measured`` and one column
        per model (each row predicted by the models that did not see it).
    estimators : dict of str to list
        The fitted pipeline of every fold, per model.
    test_indices : list of numpy.ndarray
        Row positions of each fold's test set.
    groups : numpy.ndarray
        Similarity group of every row (rows of a group share a fold).
    """

    folds: pd.DataFrame
    summary: pd.DataFrame
    predictions: pd.DataFrame
    estimators: dict[str, list[Any]]
    test_indices: list[np.ndarray]
    groups: np.ndarray

    @property
    def best_model(self) -> str:
        """Name of the model with the best mean R² (the baseline is never chosen)."""
        names = [name for name in self.summary.index if name != "mean baseline"]
        return names[0] if names else str(self.summary.index[0])


def cross_validate_models(
    models: Mapping[str, Any],
    table: pd.DataFrame,
    *,
    cv: int = 5,
    similarity_k: int = 8,
    similarity_threshold: float = 0.5,
    random_state: int = 0,
) -> CVResults:
    """Compare models by k-fold cross-validation that keeps similar sequences together.

    Near-identical sequences (see :func:`helpers.evaluation.similarity_groups`)
    always land in the same fold, so no test sequence has a near-copy in its
    training set: the scores estimate performance on new sequences.

    Parameters
    ----------
    models : mapping of str to estimator
        Name to an unfitted estimator that takes a list of sequences, e.g.
        from :func:`candidate_models`. Each is cloned for every fold.
    table : pandas.DataFrame
        Columns ``id``, ``sequence`` and ``target``, e.g. from
        :func:`helpers.io.quality_control`.
    cv : int, default=5
        Number of folds.
    similarity_k, similarity_threshold : int, float
        Passed to :func:`helpers.evaluation.similarity_groups` (``k`` is
        lowered to the shortest sequence's length if needed).
    random_state : int, default=0
        Seed of the fold assignment.

    Returns
    -------
    CVResults

    Raises
    ------
    ValueError
        If ``models`` is empty, ``table`` lacks a column, or there are fewer
        groups of similar sequences than folds.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> seqs = ["".join(rng.choice(list("ACGT"), 30)) for _ in range(60)]
    >>> toy = pd.DataFrame({"id": [f"s{i}" for i in range(60)], "sequence": seqs,
    ...                     "target": [s.count("A") / 30 for s in seqs]})
    >>> models = {"mean baseline": candidate_models(k=1)["mean baseline"],
    ...           "ridge": candidate_models(k=1)["ridge"]}
    >>> result = cross_validate_models(models, toy, cv=3)
    >>> result.best_model, result.summary.loc["ridge", "r2_mean"] > 0.9
    ('ridge', np.True_)
    """
    if not models:
        raise ValueError("models is empty: give at least one estimator to compare.")
    absent = [c for c in ("id", "sequence", "target") if c not in table.columns]
    if absent:
        raise ValueError(f"table is missing column(s) {absent}; found {list(table.columns)}.")
    sequences = table["sequence"].tolist()
    y = table["target"].to_numpy(dtype=float)
    k = max(1, min(similarity_k, min(len(s) for s in sequences)))
    groups = similarity_groups(sequences, k=k, threshold=similarity_threshold)
    n_groups = int(groups.max()) + 1
    if n_groups < cv:
        raise ValueError(
            f"only {n_groups} groups of dissimilar sequences, fewer than cv={cv} folds; "
            "lower cv or raise similarity_threshold."
        )
    splitter = GroupKFold(n_splits=cv, shuffle=True, random_state=random_state)
    splits = list(splitter.split(sequences, y, groups))

    rows: list[pd.DataFrame] = []
    oof = {name: np.full(len(y), np.nan) for name in models}
    fold_of = np.full(len(y), -1)
    estimators: dict[str, list[Any]] = {name: [] for name in models}
    for fold, (train, test) in enumerate(splits):
        fold_of[test] = fold
        train_seqs = [sequences[i] for i in train]
        test_seqs = [sequences[i] for i in test]
        for name, model in models.items():
            fitted = clone(model).fit(train_seqs, y[train])
            predicted = np.asarray(fitted.predict(test_seqs), dtype=float)
            oof[name][test] = predicted
            estimators[name].append(fitted)
            report = regression_report(y[test], predicted, model=name).reset_index()
            report.insert(1, "fold", fold)
            rows.append(report)
    folds = pd.concat(rows, ignore_index=True).rename(columns={"n": "n_test"})
    folds = folds[["model", "fold", "n_test", *METRICS]]
    grouped = folds.groupby("model", sort=False)[list(SUMMARY_METRICS)]
    mean, std = grouped.mean(), grouped.std(ddof=1)
    summary = pd.concat(
        {
            f"{m}_{stat}": frame[m]
            for m in SUMMARY_METRICS
            for stat, frame in (("mean", mean), ("std", std))
        },
        axis=1,
    ).sort_values("r2_mean", ascending=False, kind="stable")
    summary.index.name = "model"
    predictions = pd.DataFrame({"id": table["id"].to_numpy(), "fold": fold_of, "measured": y})
    for name, values in oof.items():
        predictions[name] = values
    return CVResults(
        folds=folds,
        summary=summary,
        predictions=predictions,
        estimators=estimators,
        test_indices=[test for _, test in splits],
        groups=groups,
    )


# ---------------------------------------------------------------------------
# looking inside the best model
# ---------------------------------------------------------------------------


def _own_ranking(estimator: Any) -> np.ndarray:
    """The model's own importance per feature: impurity importance or |coefficient|."""
    if hasattr(estimator, "feature_importances_"):
        return np.asarray(estimator.feature_importances_, dtype=float)
    if hasattr(estimator, "coef_"):
        return np.abs(np.asarray(estimator.coef_, dtype=float).ravel())
    raise ValueError(
        f"{type(estimator).__name__} has neither feature_importances_ nor coef_; "
        "cannot shortlist features for permutation importance."
    )


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
    model itself ranks highest (impurity importance for a forest, absolute
    standardised coefficient for ridge) are shuffled, with
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
        If ``model`` or ``fold`` does not exist or the model cannot rank its
        features.

    Examples
    --------
    A target that counts ``A``: shuffling the ``A`` column hurts most.

    >>> rng = np.random.default_rng(0)
    >>> seqs = ["".join(rng.choice(list("ACGT"), 30)) for _ in range(60)]
    >>> toy = pd.DataFrame({"id": [f"s{i}" for i in range(60)], "sequence": seqs,
    ...                     "target": [s.count("A") / 30 for s in seqs]})
    >>> result = cross_validate_models({"ridge": candidate_models(k=1)["ridge"]}, toy, cv=3)
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
    features = pipeline[:-1].transform([table["sequence"].iloc[i] for i in test])
    names = np.asarray(pipeline[:-1].get_feature_names_out(), dtype=object)
    own = _own_ranking(pipeline[-1])
    shortlist = np.argsort(-own, kind="stable")[:n_candidates]
    shuffled = restricted_permutation_importance(
        pipeline[-1],
        features,
        table["target"].to_numpy(dtype=float)[test],
        shortlist,
        n_repeats=n_repeats,
        random_state=random_state,
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
    """In-silico mutagenesis of the most highly expressed clean test sequence.

    Parameters
    ----------
    results : CVResults
        From :func:`cross_validate_models`.
    table : pandas.DataFrame
        The table that was cross-validated.
    model : str, optional
        Which model; by default ``results.best_model``.
    fold : int, default=0
        The scanned sequence is the one with the highest measured target
        among that fold's test rows without ``N``, and the pipeline is the
        one fitted without it.

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
    >>> result = cross_validate_models({"ridge": candidate_models(k=1)["ridge"]}, toy, cv=3)
    >>> matrix = scan_sequence(result, toy)
    >>> matrix.shape, matrix.attrs["model"]
    ((4, 30), 'ridge')
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
