"""Tests of helpers.estimators.ridge_stats: a ridge's sufficient statistics and its solve."""

from __future__ import annotations

import re

import numpy as np
import pytest

from helpers.estimators.ridge_stats import RidgeStats, ridge_from_stats
from helpers.features.kmers import KmerVectorizer


def test_ridge_stats_exact_gram_for_counts():
    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), 100)) for _ in range(300)]
    X = KmerVectorizer(k=(1, 2)).fit_transform(seqs)
    y = rng.normal(size=300)
    stats = RidgeStats.from_arrays(X, y)
    dense = X.toarray().astype(np.int64)
    np.testing.assert_array_equal(stats.xtx, (dense.T @ dense).astype(float))
    total = RidgeStats.from_arrays(X[:100], y[:100]) + RidgeStats.from_arrays(X[100:], y[100:])
    np.testing.assert_array_equal(total.xtx, stats.xtx)
    assert total.n == 300


def test_ridge_from_stats_alpha_must_be_positive():
    message = "ridge_from_stats: alpha must be a float in the range (0.0, inf), got 0.0"
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        ridge_from_stats(None, 0.0)


def test_centering_no_rows_says_so():
    empty = RidgeStats.from_arrays(np.zeros((0, 2)), np.zeros(0))
    with pytest.raises(
        ValueError,
        match="^" + re.escape("RidgeStats: no rows, so there is nothing to center") + "$",
    ):
        empty.centered()
