"""Tests of helpers.evaluation.resampling: bootstrap intervals, paired differences, verdicts."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from sklearn.metrics import r2_score

from helpers.evaluation import ConfidenceInterval, bootstrap_ci, paired_bootstrap_diff, verdict


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


# --- bootstrap_ci ------------------------------------------------------------------


def test_bootstrap_ci_perfect_predictions_have_zero_width():
    y = np.arange(20, dtype=float)
    ci = bootstrap_ci(y, y, metric="mse", n_boot=50)
    assert isinstance(ci, ConfidenceInterval)
    assert ci == (0.0, 0.0, 0.0)


def test_bootstrap_ci_constant_error_mae():
    # every error is exactly 1, so MAE is 1 on every resample
    y = np.arange(10, dtype=float)
    ci = bootstrap_ci(y, y + 1, metric="mae", n_boot=100)
    assert ci.estimate == pytest.approx(1.0)
    assert ci.low == pytest.approx(1.0) and ci.high == pytest.approx(1.0)


def test_bootstrap_ci_covers_and_is_seeded():
    rng = np.random.default_rng(0)
    y = rng.normal(size=300)
    pred = y + rng.normal(scale=1.0, size=300)  # true R² of this predictor is 0
    ci = bootstrap_ci(y, pred, metric="pearson_r", n_boot=300, random_state=1)
    assert ci.low < ci.estimate < ci.high
    # population r = 1 / sqrt(2) = 0.707 should be inside a 95% interval
    assert ci.low < 1 / math.sqrt(2) < ci.high
    assert bootstrap_ci(y, pred, metric="pearson_r", n_boot=300, random_state=1) == ci
    narrow = bootstrap_ci(y, pred, metric="pearson_r", n_boot=300, random_state=1, confidence=0.5)
    assert ci.low < narrow.low < narrow.high < ci.high


def test_bootstrap_ci_callable_metric():
    y = np.arange(10, dtype=float)
    ci = bootstrap_ci(y, y + 2, metric=lambda a, b: float(np.max(np.abs(a - b))), n_boot=20)
    assert ci == (2.0, 2.0, 2.0)


METRIC_NAMES = "'mae', 'mse', 'pearson_r', 'r2', 'rmse', 'spearman_rho'"
NAN = "NaN or infinite value(s) (first at position {}); remove or impute them before scoring."


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"metric": "accuracy"},
            f"bootstrap_ci: metric must be one of {METRIC_NAMES} or a callable, got 'accuracy'",
        ),
        (
            {"metric": "R2"},
            f"bootstrap_ci: metric must be one of {METRIC_NAMES} or a callable, got 'R2'",
        ),
        ({"n_boot": 1}, "bootstrap_ci: n_boot must be an int in the range [2, inf), got 1"),
        (
            {"confidence": 1.0},
            "bootstrap_ci: confidence must be a float in the range (0.0, 1.0), got 1.0",
        ),
    ],
    ids=["metric", "metric-case", "n_boot", "confidence"],
)
def test_bootstrap_ci_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=exact(message)):
        bootstrap_ci([1, 2, 3], [1, 2, 3], **kwargs)


def test_bootstrap_ci_bad_data():
    message = "y_true and y_pred have different lengths (3 and 2)."
    with pytest.raises(ValueError, match=exact(message)):
        bootstrap_ci([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match=exact("y_true contains 1 " + NAN.format(2))):
        bootstrap_ci([1, 2, np.nan], [1, 2, 3])
    with pytest.raises(ValueError, match=exact("y_true contains 1 " + NAN.format(1))):
        bootstrap_ci([1.0, np.nan, 3.0], [1.0, 2.0, 3.0])


def test_paired_bootstrap_diff():
    rng = np.random.default_rng(0)
    y = rng.normal(size=400)
    good, bad = y + rng.normal(size=400) * 0.5, y + rng.normal(size=400) * 2
    diff = paired_bootstrap_diff(y, good, bad, n_boot=300)
    assert diff.low < diff.estimate < diff.high and diff.low > 0
    same = paired_bootstrap_diff(y, good, good, n_boot=50)
    assert same == (0.0, 0.0, 0.0)
    assert paired_bootstrap_diff(y, good, bad, n_boot=300) == diff  # seeded


SAME_LENGTH = "y_true, pred_a and pred_b must be 1-D of the same length >= 3, got"


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([1.0, 2.0], [1.0, 2.0], [1.0, 2.0]), {}, f"{SAME_LENGTH} (2,), (2,), (2,)"),
        (
            ([1.0, 2.0, np.nan], [1.0, 2.0, 3.0], [1.0, 2.0, 3.0]),
            {},
            "y_true, pred_a and pred_b must be finite",
        ),
        (([1.0, 2.0, 3.0], [1.0, 2.0], [1.0, 2.0, 3.0]), {}, f"{SAME_LENGTH} (3,), (2,), (3,)"),
        (
            ([1.0, 2.0, 3.0],) * 3,
            {"metric": "mse"},
            "paired_bootstrap_diff: metric must be one of 'pearson_r', 'r2', got 'mse'",
        ),
        (
            ([1.0, 2.0, 3.0],) * 3,
            {"confidence": 0},
            "paired_bootstrap_diff: confidence must be a float in the range (0.0, 1.0), got 0",
        ),
        (
            ([1.0, 2.0, 3.0],) * 3,
            {"n_boot": 0},
            "paired_bootstrap_diff: n_boot must be an int in the range [1, inf), got 0",
        ),
    ],
    ids=["short", "NaN", "lengths", "metric", "confidence", "n_boot"],
)
def test_paired_bootstrap_diff_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=exact(message)):
        paired_bootstrap_diff(*args, **kwargs)


def test_paired_bootstrap_diff_of_r2_matches_sklearn():
    rng = np.random.default_rng(1)
    y = rng.normal(size=300) + 3.0  # not centred: R² must not assume it
    a, b = y + rng.normal(size=300) * 0.5, 0.8 * y + rng.normal(size=300)
    diff = paired_bootstrap_diff(y, a, b, metric="r2", n_boot=300)
    assert diff.estimate == pytest.approx(r2_score(y, a) - r2_score(y, b), abs=1e-12)
    assert diff.low < diff.estimate < diff.high


@pytest.mark.parametrize(
    ("interval", "expected"),
    [
        ((0.06, 0.05, 0.071), "better"),
        ((-0.06, -0.071, -0.05), "worse"),
        ((0.01, -0.01, 0.03), "tie"),
        ((0.01, 0.0, 0.019), "tie"),  # touches 0
        ((0.01, 0.004, 0.019), "tie"),  # within the margin of 0: could flip on another machine
        ((-0.01, -0.03, -0.004), "tie"),
        ((0.01, 0.006, 0.019), "better"),
    ],
)
def test_verdict_needs_the_interval_to_clear_the_margin(interval, expected):
    assert verdict(interval) == expected
    assert verdict(interval, margin=0) == (
        "tie" if interval[1] <= 0 <= interval[2] else ("better" if interval[1] > 0 else "worse")
    )


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (
            ((0.0, 0.1, -0.1),),
            {},
            "verdict: difference must be (estimate, low, high) with low <= high, "
            "got (0.0, 0.1, -0.1)",
        ),
        (
            ((0.1, 0.2),),
            {},
            "verdict: difference must be (estimate, low, high) with low <= high, got (0.1, 0.2)",
        ),
        (
            ((0.0, -0.1, 0.1),),
            {"margin": -1},
            "verdict: margin must be a float in the range [0.0, inf), got -1",
        ),
        (
            ((0.0, -0.1, 0.1),),
            {"words": ("a", "b")},
            "verdict: words must be three strings, got ('a', 'b')",
        ),
    ],
    ids=["low>high", "two-numbers", "margin", "words"],
)
def test_verdict_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=exact(message)):
        verdict(*args, **kwargs)
