"""Optimisers behind helpers.models: exact where they can be, loud where they stop early."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso, Ridge
from sklearn.pipeline import make_pipeline

from helpers.encoding import OneHotSequenceEncoder
from helpers.models import GroupedRidgeCV, candidate_models, cross_validate_models


@pytest.fixture(scope="module")
def toy():
    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), 20)) for _ in range(60)]
    target = [s.count("A") / 20 + 0.05 * rng.normal() for s in seqs]
    return pd.DataFrame({"id": [f"s{i}" for i in range(60)], "sequence": seqs, "target": target})


def test_a_capped_solver_warns_through_cross_validate_models(toy):
    # cross_validate_models must not swallow a ConvergenceWarning of a model it fits
    capped = {"lasso": make_pipeline(OneHotSequenceEncoder(), Lasso(alpha=1e-4, max_iter=1))}
    with pytest.warns(ConvergenceWarning):
        cross_validate_models(capped, toy, n_folds=3)


@pytest.mark.slow  # fits every candidate model 3 times
def test_candidate_models_fit_without_convergence_warnings(toy):
    models = candidate_models(k=2, one_hot=True, max_iter=20)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        cross_validate_models(models, toy, n_folds=3)


def test_boosting_rounds_are_fixed_not_early_stopped():
    # the number of rounds is model capacity, stated up front; no hidden early stopping
    for name, model in candidate_models(k=2, one_hot=True, max_iter=7).items():
        if "boosting" in name:
            assert model[-1].early_stopping is False
            assert model[-1].max_iter == 7


def test_grouped_ridge_is_exact():
    # closed form (one eigen-decomposition per inner fold, then a direct solve): no iterations
    rng = np.random.default_rng(1)
    X = rng.normal(size=(90, 6))
    y = X @ rng.normal(size=6) + 0.1 * rng.normal(size=90)
    model = GroupedRidgeCV().fit(X, y, groups=np.repeat(np.arange(30), 3))
    reference = Ridge(alpha=model.alpha_).fit(X, y)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-10, atol=1e-12)
    assert model.intercept_ == pytest.approx(reference.intercept_, abs=1e-12)
