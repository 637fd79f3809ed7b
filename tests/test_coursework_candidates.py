"""Tests of helpers.coursework.candidates: the candidate models and GroupedRidgeCV.

The candidates offered for a table, the grouped ridge (exact, its penalty
chosen by grouped inner folds, its parameters checked declaratively) and the
boosting models' fixed number of rounds.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import Ridge

from helpers.coursework.candidates import (
    RIDGE_ALPHAS,
    GroupedRidgeCV,
    candidate_models,
    one_hot_reason,
    to_dense,
)
from helpers.coursework.cross_validation import cross_validate_models


@pytest.fixture(autouse=True)
def _one_thread():
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


def test_candidates_offer_one_hot_only_for_one_length():
    assert list(candidate_models(k=1, one_hot=True)) == [
        "mean baseline",
        "k-mer ridge",
        "k-mer boosting",
        "one-hot ridge",
        "one-hot boosting",
    ]
    assert list(candidate_models(k=1)) == [
        "mean baseline",
        "k-mer ridge",
        "k-mer boosting",
    ]
    assert one_hot_reason(["ACGT", "GGCA"]) is None
    assert "lengths vary" in one_hot_reason(["ACGT", "GGC"])


def test_to_dense_accepts_sparse_and_dense():
    import scipy.sparse as sp

    assert to_dense(sp.csr_matrix([[0, 1]])).tolist() == [[0, 1]]
    assert to_dense(np.array([[2.0]])).tolist() == [[2.0]]


def test_boosting_rounds_are_fixed_not_early_stopped():
    # the number of rounds is model capacity, stated up front; no hidden early stopping
    for name, model in candidate_models(k=2, one_hot=True, max_iter=7).items():
        if "boosting" in name:
            assert model[-1].early_stopping is False
            assert model[-1].max_iter == 7


@pytest.mark.slow  # fits every candidate model 3 times
def test_candidate_models_fit_without_convergence_warnings():
    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), 20)) for _ in range(60)]
    target = [s.count("A") / 20 + 0.05 * rng.normal() for s in seqs]
    toy = pd.DataFrame({"id": [f"s{i}" for i in range(60)], "sequence": seqs, "target": target})
    models = candidate_models(k=2, one_hot=True, max_iter=20)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        cross_validate_models(models, toy, n_folds=3)


# --- GroupedRidgeCV -----------------------------------------------------------


def test_grouped_ridge_chooses_a_penalty_by_grouped_folds():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 5))
    y = X @ np.array([1.0, 0, 0, 2, 0]) + rng.normal(0, 0.1, 80)
    groups = np.repeat(np.arange(8), 10)
    model = GroupedRidgeCV().fit(X, y, groups=groups)
    assert model.alpha_ in RIDGE_ALPHAS
    assert model.score(X, y) > 0.9
    assert clone(model).get_params().keys() == model.get_params().keys()
    with pytest.raises(NotFittedError):
        GroupedRidgeCV().predict(X)


def test_grouped_ridge_is_exact():
    # closed form (one eigen-decomposition per inner fold, then a direct solve): no iterations
    rng = np.random.default_rng(1)
    X = rng.normal(size=(90, 6))
    y = X @ rng.normal(size=6) + 0.1 * rng.normal(size=90)
    model = GroupedRidgeCV().fit(X, y, groups=np.repeat(np.arange(30), 3))
    reference = Ridge(alpha=model.alpha_).fit(X, y)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-10, atol=1e-12)
    assert model.intercept_ == pytest.approx(reference.intercept_, abs=1e-12)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"alphas": ()}, "alphas must be a non-empty sequence of positive numbers, got ()"),
        (
            {"alphas": (1, -2)},
            "alphas must be a non-empty sequence of positive numbers, got (1, -2)",
        ),
        ({"n_splits": 1}, "n_splits must be an int in the range [2, inf), got 1"),
        ({"n_splits": True}, "n_splits must be an int in the range [2, inf), got True"),
    ],
)
def test_grouped_ridge_cv_bad_parameters_name_the_owner(params, message):
    X, y = np.ones((4, 2)), np.arange(4.0)
    with pytest.raises(ValueError, match="^" + re.escape("GroupedRidgeCV: " + message) + "$"):
        GroupedRidgeCV(**params).fit(X, y, groups=[0, 0, 1, 1])


def test_grouped_ridge_needs_groups():
    X = np.random.default_rng(0).normal(size=(30, 3))
    message = (
        "GroupedRidgeCV.fit needs groups= (the similarity group of every row), so that its "
        "inner search is grouped; cross_validate_models passes them."
    )
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        GroupedRidgeCV().fit(X, X[:, 0])
