"""Tests of helpers.library_transfer.pooling: the target within libraries, rows that resemble a target."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from helpers.library_transfer import (
    normalize_within,
    target_resemblance,
)

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "bench_transfer_lolo.py"
RESULT = ROOT / "benchmarks" / "results" / "transfer_lolo.json"


def test_normalize_within_zscore_and_rank():
    y = np.array([1.0, 2.0, 3.0, 100.0, 200.0, 300.0])
    groups = ["a"] * 3 + ["b"] * 3
    z = normalize_within(y, groups)
    np.testing.assert_allclose(z[:3], z[3:])
    r = normalize_within(y, groups, "rank")
    np.testing.assert_allclose(r[:3], r[3:])
    assert r[0] < 0 < r[2]


@pytest.mark.parametrize(
    ("y", "groups", "method", "match"),
    [
        ([1.0, 2.0], ["a"], "zscore", "groups has 1"),
        ([1.0, np.nan], ["a", "a"], "zscore", "finite"),
        ([1.0, 2.0], ["a", "a"], "minmax", "method"),
        ([1.0, 1.0, 2.0, 3.0], ["a", "a", "b", "b"], "zscore", "library 'a'"),
    ],
)
def test_normalize_within_bad_input(y, groups, method, match):
    with pytest.raises(ValueError, match=match):
        normalize_within(y, groups, method)


def test_target_resemblance_prefers_similar_rows():
    rng = np.random.default_rng(0)
    at = ["".join(rng.choice(list("AATTCG"), 60)) for _ in range(60)]
    gc = ["".join(rng.choice(list("GGCCAT"), 60)) for _ in range(60)]
    w = target_resemblance(at + gc, at[:30])
    assert w[:60].mean() > w[60:].mean() + 0.1  # mild: the classifier is penalised (C=1)
    assert w.mean() == pytest.approx(1.0)
