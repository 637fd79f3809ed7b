"""Tests of helpers.interpret.importance: importance tables and restricted permutation importance."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LinearRegression

from helpers.interpret import importance_table, restricted_permutation_importance


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


def test_importance_table_sorts_by_value_and_abs():
    values, names = [0.1, -0.5, 0.3], ["a", "b", "c"]
    assert importance_table(values, names)["feature"].tolist() == ["c", "a", "b"]
    by_abs = importance_table(values, names, sort_by="abs")
    assert by_abs["feature"].tolist() == ["b", "c", "a"]
    assert by_abs["rank"].tolist() == [1, 2, 3]
    assert by_abs["importance"].tolist() == [-0.5, 0.3, 0.1]  # sign kept


def test_importance_table_top_and_std():
    table = importance_table([1.0, 3.0, 2.0], ["a", "b", "c"], std=[0.1, 0.3, 0.2], top=2)
    assert table["feature"].tolist() == ["b", "c"]
    assert table["std"].tolist() == [0.3, 0.2]


def test_importance_table_ties_keep_input_order():
    table = importance_table([1.0, 1.0, 1.0], ["x", "y", "z"])
    assert table["feature"].tolist() == ["x", "y", "z"]


TO = "convert the column to numbers first (e.g. pandas.to_numeric)."


@pytest.mark.parametrize(
    ("importances", "names", "kwargs", "message"),
    [
        ([1.0, 2.0], ["a"], {}, "importances has 2 values but feature_names has 1 names"),
        ([0.1, np.nan], ["AA", "CC"], {}, "importance of feature 'CC' (index 1) is not finite"),
        ([0.1, np.inf], ["AA", "CC"], {}, "importance of feature 'CC' (index 1) is not finite"),
        (
            [1.0],
            ["a"],
            {"sort_by": "size"},
            "importance_table: sort_by must be one of 'abs', 'value', got 'size'",
        ),
        (
            [1.0],
            ["a"],
            {"top": 0},
            "importance_table: top must be None or an int in the range [1, inf), got 0",
        ),
        ([1.0], ["a"], {"std": [1.0, 2.0]}, "std has 2 values, expected 1"),
        (
            [1.0, "x"],
            ["a", "b"],
            {},
            f"importances must contain numbers, got 'x' at position 1; {TO}",
        ),
        (
            [1.0],
            ["a"],
            {"std": ["wide"]},
            f"std must contain numbers, got 'wide' at position 0; {TO}",
        ),
    ],
    ids=["lengths", "NaN", "inf", "sort_by", "top", "std-length", "text", "std-text"],
)
def test_importance_table_bad_input(importances, names, kwargs, message):
    with pytest.raises(ValueError, match=exact(message)):
        importance_table(importances, names, **kwargs)


# --------------------------------------------------------------------------
# restricted_permutation_importance
# --------------------------------------------------------------------------


def test_restricted_permutation_matches_sklearn_on_the_same_columns():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(150, 5))
    y = 3 * X[:, 1] - X[:, 3] + rng.normal(scale=0.1, size=150)
    model = RandomForestRegressor(n_estimators=20, random_state=0).fit(X, y)
    full = permutation_importance(model, X, y, n_repeats=4, random_state=0)
    # the same seed shuffles column j identically whether or not others are shuffled
    mine = restricted_permutation_importance(model, X, y, [0, 1, 2, 3, 4], n_repeats=4)
    np.testing.assert_allclose(mine["importance"], full.importances_mean)
    subset = restricted_permutation_importance(model, X, y, [1, 3], n_repeats=4)
    assert subset["column"].tolist() == [1, 3]
    # shuffling only a shortlist gives the same numbers for those columns
    np.testing.assert_allclose(subset["importance"], full.importances_mean[[1, 3]])
    assert (subset["importance"] > 0.1).all()


def test_restricted_permutation_accepts_sparse_and_scoring():
    from scipy import sparse

    X = np.random.default_rng(0).normal(size=(100, 3))
    y = X[:, 0]
    model = LinearRegression().fit(X, y)
    table = restricted_permutation_importance(
        model, sparse.csr_matrix(X), y, [0], scoring="neg_mean_absolute_error", n_repeats=2
    )
    assert table["importance"].iloc[0] > 0.5


@pytest.mark.parametrize(
    ("columns", "kwargs", "message"),
    [
        ([], {}, "columns is empty: give at least one column index to shuffle"),
        ([0, 7], {}, "column index 7 is outside X, which has 3 columns"),
        (
            [0],
            {"n_repeats": 0},
            "restricted_permutation_importance: n_repeats must be an int in the range "
            "[1, inf), got 0",
        ),
    ],
    ids=["empty", "outside", "n_repeats"],
)
def test_restricted_permutation_bad_input(columns, kwargs, message):
    X = np.zeros((10, 3))
    model = LinearRegression().fit(X, np.arange(10.0))
    with pytest.raises(ValueError, match=exact(message)):
        restricted_permutation_importance(model, X, np.arange(10.0), columns, **kwargs)
