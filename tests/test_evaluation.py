"""Tests of helpers.evaluation: values checked by hand, and bad input."""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from sklearn.model_selection import GroupKFold

from helpers.evaluation import (
    METRICS,
    ConfidenceInterval,
    bootstrap_ci,
    compare_models,
    noise_ceiling,
    paired_bootstrap_diff,
    regression_report,
    similarity_groups,
    verdict,
)

# --- regression_report ------------------------------------------------------------


def test_report_hand_computed_values():
    # errors 0, 0, 1 -> MSE 1/3, MAE 1/3; Var(y) = 2/3 -> R² = 1 - (1/3)/(2/3) = 0.5
    # Pearson of (1,2,3) and (1,2,4): 3 / sqrt(2 * 14/3) = 0.98198
    report = regression_report([1, 2, 3], [1, 2, 4], model="toy")
    row = report.loc["toy"]
    assert list(report.columns) == ["n", *METRICS]
    assert report.index.name == "model"
    assert row["n"] == 3
    assert row["mse"] == pytest.approx(1 / 3)
    assert row["rmse"] == pytest.approx(math.sqrt(1 / 3))
    assert row["mae"] == pytest.approx(1 / 3)
    assert row["r2"] == pytest.approx(0.5)
    assert row["pearson_r"] == pytest.approx(3 / math.sqrt(2 * 14 / 3))
    assert row["spearman_rho"] == pytest.approx(1.0)


def test_report_negative_r2_and_anticorrelation():
    # predictions reversed: errors -2, 0, 2 -> MSE 8/3, R² = 1 - (8/3)/(2/3) = -3
    row = regression_report([1, 2, 3], [3, 2, 1]).iloc[0]
    assert row["r2"] == pytest.approx(-3.0)
    assert row["pearson_r"] == pytest.approx(-1.0)
    assert row["spearman_rho"] == pytest.approx(-1.0)


def test_report_rounding():
    row = regression_report([1, 2, 3], [1, 2, 4], decimals=2).iloc[0]
    assert row["mse"] == 0.33
    assert row["pearson_r"] == 0.98


def test_constant_prediction_gives_nan_correlations():
    # predicting the mean (DummyRegressor): R² = 0 exactly, MSE = Var(y) = 2/3
    row = regression_report([1, 2, 3], [2, 2, 2]).iloc[0]
    assert row["r2"] == pytest.approx(0.0)
    assert row["mse"] == pytest.approx(2 / 3)
    assert np.isnan(row["pearson_r"]) and np.isnan(row["spearman_rho"])


@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [
        ([1, 2, 3], [1, 2], "different lengths"),
        ([1, np.nan, 3], [1, 2, 3], "y_true contains 1 NaN"),
        ([1, 2, 3], [1, 2, np.inf], r"y_pred contains 1 NaN or infinite.*position 2"),
        ([5, 5, 5], [1, 2, 3], "y_true is constant"),
        ([1], [1], "At least 2 values"),
        ([[1, 2], [3, 4]], [1, 2], "one-dimensional"),
        (["1", "2", "x"], [1, 2, 3], r"y_true must contain numbers, got 'x' at position 2"),
        ([1, 2, 3], [1.0, "high", 3.0], r"y_pred must contain numbers, got 'high' at position 1"),
        ([1, 2, 3], [[1, 2], [3], [4]], r"y_pred could not be read as numbers"),
    ],
)
def test_report_bad_input(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        regression_report(y_true, y_pred)


# values on a 0.001 grid: varied enough, and free of subnormal corner cases
finite = st.integers(-(10**6), 10**6).map(lambda v: v / 1000)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(3, 30), elements=finite), st.data())
def test_report_agrees_with_sklearn_and_bounds(y_true, data):
    y_pred = data.draw(arrays(np.float64, y_true.shape[0], elements=finite))
    if np.ptp(y_true) == 0:
        with pytest.raises(ValueError, match="constant"):
            regression_report(y_true, y_pred)
        return
    row = regression_report(y_true, y_pred).iloc[0]
    assert row["mse"] == pytest.approx(mean_squared_error(y_true, y_pred), rel=1e-9, abs=1e-9)
    assert row["mae"] == pytest.approx(mean_absolute_error(y_true, y_pred), rel=1e-9, abs=1e-9)
    assert row["r2"] == pytest.approx(r2_score(y_true, y_pred), rel=1e-6, abs=1e-6)
    assert row["rmse"] ** 2 == pytest.approx(row["mse"], rel=1e-9, abs=1e-9)
    assert row["r2"] <= 1.0
    for name in ("pearson_r", "spearman_rho"):
        assert np.isnan(row[name]) or -1 - 1e-9 <= row[name] <= 1 + 1e-9


def test_report_accepts_column_vector():
    report = regression_report(np.array([[1.0], [2.0], [3.0]]), [1.0, 2.0, 3.0])
    assert report.iloc[0]["r2"] == pytest.approx(1.0)


# --- compare_models ----------------------------------------------------------------


def test_compare_models_sorts_best_first():
    y = [1.0, 2.0, 3.0, 4.0]
    table = compare_models(y, {"mean": [2.5] * 4, "exact": y, "off": [2, 1, 4, 3]})
    assert table.index.tolist() == ["exact", "off", "mean"]
    # "off": every error is 1 -> MSE 1, Var = 1.25, R² = 1 - 1/1.25 = 0.2
    assert table.loc["off", "r2"] == pytest.approx(0.2)
    by_mse = compare_models(y, {"mean": [2.5] * 4, "exact": y}, sort_by="mse")
    assert by_mse.index.tolist() == ["exact", "mean"]
    unsorted = compare_models(y, {"mean": [2.5] * 4, "exact": y}, sort_by=None)
    assert unsorted.index.tolist() == ["mean", "exact"]


def test_compare_models_bad_input_names_model():
    with pytest.raises(ValueError, match=r"model 'short'.*different lengths"):
        compare_models([1, 2, 3], {"ok": [1, 2, 3], "short": [1, 2]})
    with pytest.raises(ValueError, match="empty"):
        compare_models([1, 2, 3], {})
    with pytest.raises(ValueError, match="sort_by"):
        compare_models([1, 2, 3], {"ok": [1, 2, 3]}, sort_by="accuracy")


# --- noise_ceiling -----------------------------------------------------------------


def test_noise_ceiling_two_replicates_by_hand():
    # rep1 = 1..5, rep2 = 1,3,2,4,5: sum dxdy = 9, sum dx² = sum dy² = 10 -> r = 0.9
    # Spearman-Brown for m = 2: 2*0.9 / 1.9 = 0.947368; ceiling r = sqrt of it
    reps = np.array([[1, 1], [2, 3], [3, 2], [4, 4], [5, 5]], dtype=float)
    ceiling = noise_ceiling(reps)
    assert ceiling.replicate_r == pytest.approx(0.9)
    assert ceiling.reliability == pytest.approx(1.8 / 1.9)
    assert ceiling.r2 == pytest.approx(1.8 / 1.9)
    assert ceiling.r == pytest.approx(math.sqrt(1.8 / 1.9))
    assert (ceiling.n_replicates, ceiling.n_rows, ceiling.n_incomplete) == (2, 5, 0)


def test_noise_ceiling_three_replicates_mean_of_pairs():
    # rep3 = rep1 reversed: pairs r(1,2)=0.9, r(1,3)=-1, r(2,3)=-0.9 -> mean < 0 -> error
    reps = np.array([[1, 1, 5], [2, 3, 4], [3, 2, 3], [4, 4, 2], [5, 5, 1]], dtype=float)
    with pytest.raises(ValueError, match="do not agree"):
        noise_ceiling(reps)
    # identical third replicate: r = 0.9, 1, 0.9 -> mean 2.8/3; m = 3
    reps[:, 2] = reps[:, 0]
    r_bar = 2.8 / 3
    ceiling = noise_ceiling(reps)
    assert ceiling.replicate_r == pytest.approx(r_bar)
    assert ceiling.reliability == pytest.approx(3 * r_bar / (1 + 2 * r_bar))


def test_noise_ceiling_matches_truth_in_simulation():
    # true signal with variance 1, noise variance 0.25 per replicate, 3 replicates:
    # reliability of the mean = 1 / (1 + 0.25 / 3) = 0.923, r = 0.961
    rng = np.random.default_rng(0)
    truth = rng.normal(size=20_000)
    reps = truth[:, None] + rng.normal(scale=0.5, size=(20_000, 3))
    ceiling = noise_ceiling(reps)
    assert ceiling.r2 == pytest.approx(1 / (1 + 0.25 / 3), abs=0.01)
    actual = np.corrcoef(truth, reps.mean(axis=1))[0, 1]
    assert ceiling.r == pytest.approx(actual, abs=0.01)


def test_noise_ceiling_transform_and_nan_pairwise():
    reps = 10 ** np.array([[1, 1], [2, 3], [3, 2], [4, 4], [5, 5], [6, np.nan]], dtype=float)
    ceiling = noise_ceiling(reps, transform=np.log10)
    # the NaN row is skipped in the only pair, leaving the hand-checked 5 rows
    assert ceiling.replicate_r == pytest.approx(0.9)
    assert ceiling.n_incomplete == 1
    assert ceiling.n_rows == 6


@pytest.mark.parametrize(
    ("reps", "message"),
    [
        (np.ones(5), "2-D"),
        (np.ones((5, 1)), "m >= 2"),
        (np.array([[1.0, np.nan], [2.0, np.nan], [3, 3], [4, 4]]), "only 2 rows"),
        (np.array([[1.0, 2], [1, 3], [1, 4]]), "column 0 is constant"),
    ],
)
def test_noise_ceiling_bad_input(reps, message):
    with pytest.raises(ValueError, match=message):
        noise_ceiling(reps)


def test_report_accepts_numeric_strings():
    table = regression_report(["1", "2", "3"], [1.0, 2.0, 4.0])
    assert table["r2"].iloc[0] == pytest.approx(0.5)


def test_noise_ceiling_text_names_row_and_column():
    reps = [[1.0, 1.1], [2.0, "n/a"], [3.0, 2.8]]
    with pytest.raises(
        ValueError, match=r"replicates must contain numbers, got 'n/a' at row 1, column 1"
    ):
        noise_ceiling(reps)


def test_noise_ceiling_log_of_negative_names_first_cell():
    reps = [[1.0, 1.5], [-2.0, -0.5], [4.0, 3.5], [6.0, 6.5]]
    with pytest.raises(
        ValueError, match=r"2 invalid value\(s\) after transform.*row 1, column 0: -2.0"
    ):
        noise_ceiling(reps, transform=np.log10)
    # without a transform, negative values (e.g. already on a log scale) are fine
    assert noise_ceiling(reps).n_rows == 4


def test_noise_ceiling_missing_values_survive_transform():
    reps = [[1.0, np.nan], [2.0, 2.2], [3.0, 2.9], [4.0, 4.4]]
    assert noise_ceiling(reps, transform=np.log10).n_incomplete == 1


def test_noise_ceiling_transform_must_be_elementwise():
    with pytest.raises(ValueError, match="element-wise"):
        noise_ceiling([[1.0, 2.0], [2.0, 3.0], [4.0, 5.0]], transform=np.ravel)


def test_noise_ceiling_log_of_zero():
    with pytest.raises(ValueError, match=r"infinite values after transform \(first at row 1"):
        noise_ceiling([[1.0, 2.0], [0.0, 3.0], [4.0, 5.0]], transform=np.log10)


# --- similarity_groups -------------------------------------------------------------


def _mutate(seq: str, positions: list[int]) -> str:
    swap = {"A": "C", "C": "G", "G": "T", "T": "A"}
    chars = list(seq)
    for p in positions:
        chars[p] = swap[chars[p]]
    return "".join(chars)


def test_similarity_groups_by_hand():
    # 4-mers of s0: ACGT CGTA GTAC TACG GTAA TAAA AAAC (7 distinct);
    # s1 swaps the last C for G: shares 6 of 8 distinct -> Jaccard 0.75;
    # s2 shares none; s3 is s2 in lowercase (compared case-insensitively)
    seqs = ["ACGTACGTACGTAAAC", "ACGTACGTACGTAAAG", "TTTTGGGGCCCCAAAT", "ttttggggccccaaat"]
    assert similarity_groups(seqs, k=4, threshold=0.5).tolist() == [0, 0, 1, 1]
    # at a threshold above 0.75 the mutant leaves its parent's group
    assert similarity_groups(seqs, k=4, threshold=0.8).tolist() == [0, 1, 2, 2]


def test_similarity_groups_accept_n():
    seqs = ["ACGTACGTACGTAAAC", "ACGTACGTACGTAAAN", "TTTTGGGGCCCCAAAT"]
    assert similarity_groups(seqs, k=4).tolist() == [0, 0, 1]


def test_similarity_groups_leave_out_kmers_touching_n():
    # N is an unknown base: k-mers touching it are not counted (as in KmerVectorizer),
    # so two all-N sequences share nothing and an all-N sequence is a group of its own
    seqs = ["NNNNNNNN", "NNNNNNNN", "ACGTNNNN", "ACGTNNNA"]
    assert similarity_groups(seqs, k=4).tolist() == [0, 1, 2, 2]


def test_similarity_groups_transitive_families():
    rng = np.random.default_rng(1)
    parents = ["".join(rng.choice(list("ACGT"), size=100)) for _ in range(30)]
    # chain: parent -> 1 mutation -> 2 mutations; all must share the parent's group
    seqs, family = [], []
    for f, parent in enumerate(parents):
        for positions in ([], [10], [10, 60]):
            seqs.append(_mutate(parent, positions))
            family.append(f)
    order = rng.permutation(len(seqs))
    groups = similarity_groups([seqs[i] for i in order])
    family = np.asarray(family)[order]
    assert len(set(groups.tolist())) == 30
    for f in range(30):
        assert len(set(groups[family == f].tolist())) == 1
    # labels numbered in order of first appearance
    first_seen = pd.unique(groups)
    assert first_seen.tolist() == list(range(30))
    # usable with GroupKFold: no family split between train and test
    for train, test in GroupKFold(n_splits=5).split(np.zeros(len(seqs)), groups=groups):
        assert not set(family[train]) & set(family[test])


@pytest.mark.slow  # 15,000 sequences: a scaling check, not a unit test
def test_similarity_groups_scale():
    rng = np.random.default_rng(2)
    codes = rng.integers(0, 4, size=(15_000, 100))
    seqs = ["".join("ACGT"[c] for c in row) for row in codes]
    start = time.perf_counter()
    groups = similarity_groups(seqs)
    assert time.perf_counter() - start < 20
    assert len(set(groups.tolist())) == 15_000


@pytest.mark.parametrize(
    ("seqs", "kwargs", "message"),
    [
        ([], {}, "empty"),
        ("ACGTACGTAC", {}, "not a single string"),
        (["ACGTACGTAC", "ACG"], {}, "row 1: length 3, shorter than k=8"),
        (["ACGTACGTAC", None], {}, "row 1: expected a sequence string, got a missing value"),
        (["ACGTACGTAC", "ACGTAC GTAC"], {}, r"row 1: invalid character ' ' at position 6"),
        (["ACGTACGTAC", "acgtRcgtac"], {}, r"row 1: invalid character 'R' at position 4"),
        (["ACGTACGTAC", "ACGTACGTA-"], {}, r"row 1: invalid character '-' at position 9"),
        (["ACGTACGTAC"], {"k": 0}, "k must be"),
        (["ACGTACGTAC" * 2], {"k": 16}, "k must be an integer from 1 to 15"),
        (["ACGTACGTAC"], {"threshold": 0}, "threshold"),
    ],
)
def test_similarity_groups_bad_input(seqs, kwargs, message):
    with pytest.raises(ValueError, match=message):
        similarity_groups(seqs, **kwargs)


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


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"metric": "accuracy"}, "metric must be one of"),
        ({"n_boot": 1}, "n_boot"),
        ({"confidence": 1.0}, "confidence"),
    ],
)
def test_bootstrap_ci_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        bootstrap_ci([1, 2, 3], [1, 2, 3], **kwargs)


def test_bootstrap_ci_bad_data():
    with pytest.raises(ValueError, match="different lengths"):
        bootstrap_ci([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="NaN"):
        bootstrap_ci([1, 2, np.nan], [1, 2, 3])


def test_paired_bootstrap_diff():
    rng = np.random.default_rng(0)
    y = rng.normal(size=400)
    good, bad = y + rng.normal(size=400) * 0.5, y + rng.normal(size=400) * 2
    diff = paired_bootstrap_diff(y, good, bad, n_boot=300)
    assert diff.low < diff.estimate < diff.high and diff.low > 0
    same = paired_bootstrap_diff(y, good, good, n_boot=50)
    assert same == (0.0, 0.0, 0.0)
    assert paired_bootstrap_diff(y, good, bad, n_boot=300) == diff  # seeded


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([1.0, 2.0], [1.0, 2.0], [1.0, 2.0]), "length >= 3"),
        (([1.0, 2.0, np.nan], [1.0, 2.0, 3.0], [1.0, 2.0, 3.0]), "finite"),
        (([1.0, 2.0, 3.0], [1.0, 2.0], [1.0, 2.0, 3.0]), "same length"),
    ],
)
def test_paired_bootstrap_diff_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        paired_bootstrap_diff(*args)


def test_paired_bootstrap_diff_of_r2_matches_sklearn():
    rng = np.random.default_rng(1)
    y = rng.normal(size=300) + 3.0  # not centred: R² must not assume it
    a, b = y + rng.normal(size=300) * 0.5, 0.8 * y + rng.normal(size=300)
    diff = paired_bootstrap_diff(y, a, b, metric="r2", n_boot=300)
    assert diff.estimate == pytest.approx(r2_score(y, a) - r2_score(y, b), abs=1e-12)
    assert diff.low < diff.estimate < diff.high
    with pytest.raises(ValueError, match="metric must be 'pearson_r' or 'r2'"):
        paired_bootstrap_diff(y, a, b, metric="mse")


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


def test_verdict_bad_input():
    with pytest.raises(ValueError, match="low <= high"):
        verdict((0.0, 0.1, -0.1))
    with pytest.raises(ValueError, match="margin must be >= 0"):
        verdict((0.0, -0.1, 0.1), margin=-1)
    with pytest.raises(ValueError, match=r"\(estimate, low, high\)"):
        verdict((0.1, 0.2))
    with pytest.raises(ValueError, match="three strings"):
        verdict((0.0, -0.1, 0.1), words=("a", "b"))
