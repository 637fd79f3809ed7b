"""Comparing candidate models by honest cross-validation.

Honest means: near-identical sequences share a fold (so scores are for new
sequences *like these*), every hyperparameter search inside a fold is grouped
the same way, fold sizes are reported and odd folds flagged, and the best model
is chosen on the pooled out-of-fold R², not on an unweighted mean over folds.

``cross_validate_models``  per-fold and pooled out-of-fold metrics; inner searches grouped
``CVResults``              what it measured
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection._search import BaseSearchCV
from sklearn.pipeline import Pipeline

from helpers.coursework.folds import FoldPlan, plan_folds
from helpers.data.table import SequenceTable
from helpers.evaluation import METRICS, regression_report
from helpers.features.kmers import KmerVectorizer
from helpers.features.onehot import OneHotSequenceEncoder

__all__ = [
    "CVResults",
    "SUMMARY_METRICS",
    "as_frame",
    "cross_validate_models",
]


#: Metrics summarised across folds, in display order.
SUMMARY_METRICS: tuple[str, ...] = ("r2", "pearson_r", "spearman_rho", "rmse", "mae")

#: Encoders that learn nothing from the rows (only the k range or the one length):
#: their output is computed once for all rows, which leaks nothing.
_STATELESS_ENCODERS = (KmerVectorizer, OneHotSequenceEncoder)


def as_frame(table: SequenceTable | pd.DataFrame) -> pd.DataFrame:
    """The frame of a :class:`~helpers.data.table.SequenceTable`, or the DataFrame itself."""
    return table.frame if isinstance(table, SequenceTable) else table


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
    table: SequenceTable | pd.DataFrame,
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
    (:class:`~helpers.features.kmers.KmerVectorizer`,
    :class:`~helpers.features.onehot.OneHotSequenceEncoder`) encode all sequences
    once, which leaks nothing and saves time.

    Parameters
    ----------
    models : mapping of str to estimator
        Name to an unfitted estimator that takes a list of sequences, e.g.
        from :func:`candidate_models`. Each is cloned for every fold.
    table : SequenceTable or pandas.DataFrame
        Columns ``id``, ``sequence`` and ``target`` (and optionally
        ``group``), e.g. from :func:`helpers.data.clean.quality_control`.
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
    >>> from helpers.coursework.candidates import candidate_models
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
    table = as_frame(table)
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
