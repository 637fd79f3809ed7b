"""Two looks inside the best model of a cross-validation, as the report shows them.

``model_importance``  held-out permutation importance of the best model -> ``Importance``
``scan_sequence``     in-silico mutagenesis of the strongest test sequence -> ``Mutagenesis``

Each returns its table with what it is about (model, fold, sequence) as
typed fields, not as ``DataFrame.attrs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection._search import BaseSearchCV

from helpers.core.checks import check_params, integers
from helpers.coursework.candidates import to_dense
from helpers.coursework.cross_validation import CVResults, as_frame
from helpers.data.table import SequenceTable
from helpers.interpret import (
    importance_table,
    mutagenesis_matrix,
    mutagenesis_scan,
    restricted_permutation_importance,
)

__all__ = [
    "Importance",
    "Mutagenesis",
    "model_importance",
    "scan_sequence",
]


@dataclass(frozen=True)
class Importance:
    """What :func:`model_importance` measured, and on what.

    Attributes
    ----------
    table : pandas.DataFrame
        ``rank``, ``feature``, ``importance`` (mean drop in held-out R²),
        ``std`` and ``own_rank`` (the model's own ranking of the feature).
    model : str
        The model whose features were shuffled.
    fold : int
        The fold whose held-out rows were scored.
    n_test : int
        Those rows.
    """

    table: pd.DataFrame
    model: str
    fold: int
    n_test: int


@dataclass(frozen=True)
class Mutagenesis:
    """The in-silico mutagenesis of one sequence, by :func:`scan_sequence`.

    Attributes
    ----------
    matrix : pandas.DataFrame
        Predicted change for each base (rows) at each position (columns).
    id, sequence : str
        The scanned sequence and its id.
    model : str
        The model that predicted.
    """

    matrix: pd.DataFrame
    id: str
    sequence: str
    model: str


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
    table: SequenceTable | pd.DataFrame,
    model: str | None = None,
    *,
    fold: int = 0,
    n_candidates: int = 40,
    n_repeats: int = 5,
    random_state: int = 0,
) -> Importance:
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
    table : SequenceTable or pandas.DataFrame
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
    Importance
        Its ``table`` from :func:`helpers.interpret.importance_table`:
        ``rank``, ``feature``, ``importance`` (mean drop in held-out R²),
        ``std``, plus ``own_rank`` (the model's own ranking of the feature);
        and the model, fold and number of held-out rows.

    Raises
    ------
    ValueError
        If ``model`` or ``fold`` does not exist.

    Examples
    --------
    A target that counts ``A``: shuffling the ``A`` column hurts most.

    >>> from helpers.coursework.candidates import candidate_models
    >>> from helpers.coursework.cross_validation import cross_validate_models
    >>> rng = np.random.default_rng(0)
    >>> seqs = ["".join(rng.choice(list("ACGT"), 30)) for _ in range(60)]
    >>> toy = pd.DataFrame({"id": [f"s{i}" for i in range(60)], "sequence": seqs,
    ...                     "target": [s.count("A") / 30 for s in seqs]})
    >>> models = {"k-mer ridge": candidate_models(k=1)["k-mer ridge"]}
    >>> result = cross_validate_models(models, toy, n_folds=3)
    >>> table = model_importance(result, toy).table
    >>> table.loc[0, "feature"], bool(table.loc[0, "importance"] > 0.5)
    ('A', True)
    """
    table = as_frame(table)
    name = results.best_model if model is None else model
    if name not in results.estimators:
        raise ValueError(f"no model {name!r}; cross-validated: {list(results.estimators)}.")
    check_params(
        "model_importance", {"fold": fold}, {"fold": [integers(0, len(results.test_indices) - 1)]}
    )
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
    return Importance(table=ranked, model=name, fold=fold, n_test=len(test))


def scan_sequence(
    results: CVResults,
    table: SequenceTable | pd.DataFrame,
    model: str | None = None,
    *,
    fold: int = 0,
) -> Mutagenesis:
    """In-silico mutagenesis of the strongest clean test sequence of a fold.

    Parameters
    ----------
    results : CVResults
        From :func:`cross_validate_models`.
    table : SequenceTable or pandas.DataFrame
        The table that was cross-validated (its ``target`` is oriented so
        that higher = stronger; see :func:`helpers.data.load.load_table`).
    model : str, optional
        Which model; by default ``results.best_model``.
    fold : int, default=0
        The scanned sequence is the one with the highest target among that
        fold's test rows without ``N``, and the pipeline is the one fitted
        without it.

    Returns
    -------
    Mutagenesis
        The (base x position) matrix of
        :func:`helpers.interpret.mutagenesis_matrix`, the id and sequence
        scanned, and the model.

    Raises
    ------
    ValueError
        If every test sequence of the fold contains ``N``.

    Examples
    --------
    >>> from helpers.coursework.candidates import candidate_models
    >>> from helpers.coursework.cross_validation import cross_validate_models
    >>> rng = np.random.default_rng(0)
    >>> seqs = ["".join(rng.choice(list("ACGT"), 30)) for _ in range(60)]
    >>> toy = pd.DataFrame({"id": [f"s{i}" for i in range(60)], "sequence": seqs,
    ...                     "target": [s.count("A") / 30 for s in seqs]})
    >>> models = {"k-mer ridge": candidate_models(k=1)["k-mer ridge"]}
    >>> scan = scan_sequence(cross_validate_models(models, toy, n_folds=3), toy)
    >>> scan.matrix.shape, scan.model
    ((4, 30), 'k-mer ridge')
    >>> bool((scan.matrix.loc["A"] >= 0).all())  # gaining an A raises the prediction
    True
    """
    table = as_frame(table)
    name = results.best_model if model is None else model
    test = results.test_indices[fold]
    candidates = table.iloc[test]
    candidates = candidates[~candidates["sequence"].str.contains("N")]
    if candidates.empty:
        raise ValueError(f"every test sequence of fold {fold} contains N; nothing to scan.")
    best = candidates.sort_values("target", ascending=False, kind="stable").iloc[0]
    scan = mutagenesis_scan(results.estimators[name][fold], best["sequence"])
    return Mutagenesis(
        matrix=mutagenesis_matrix(scan), id=best["id"], sequence=best["sequence"], model=name
    )
