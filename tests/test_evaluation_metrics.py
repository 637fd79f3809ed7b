"""Tests of helpers.evaluation.metrics: regression_report and compare_models, by hand and on bad input."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

from helpers.evaluation import METRICS, compare_models, regression_report


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


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


REMEDY = "remove or impute them before scoring."
TO_NUMBERS = "convert the column to numbers first (e.g. pandas.to_numeric)."


@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [
        ([1, 2, 3], [1, 2], "y_true and y_pred have different lengths (3 and 2)."),
        (
            [1, np.nan, 3],
            [1, 2, 3],
            f"y_true contains 1 NaN or infinite value(s) (first at position 1); {REMEDY}",
        ),
        (
            [1.0, None, 3.0],
            [1.0, 2.0, 3.0],
            f"y_true contains 1 NaN or infinite value(s) (first at position 1); {REMEDY}",
        ),
        (
            [1, 2, 3],
            [1, 2, np.inf],
            f"y_pred contains 1 NaN or infinite value(s) (first at position 2); {REMEDY}",
        ),
        (
            [5, 5, 5],
            [1, 2, 3],
            "y_true is constant (every value is 5.0): R² and correlations are undefined. "
            "Score on a test set whose target varies.",
        ),
        ([1], [1], "At least 2 values are needed to score a model, got 1."),
        ([], [], "At least 2 values are needed to score a model, got 0."),
        ([[1, 2], [3, 4]], [1, 2], "y_true must be one-dimensional, got shape (2, 2)."),
        (
            ["1", "2", "x"],
            [1, 2, 3],
            f"y_true must contain numbers, got 'x' at position 2; {TO_NUMBERS}",
        ),
        (
            [1, 2, 3],
            [1.0, "high", 3.0],
            f"y_pred must contain numbers, got 'high' at position 1; {TO_NUMBERS}",
        ),
    ],
    ids=["lengths", "NaN", "None", "inf", "constant", "one", "empty", "2-D", "text", "text-pred"],
)
def test_report_bad_input(y_true, y_pred, message):
    with pytest.raises(ValueError, match=exact(message)):
        regression_report(y_true, y_pred)


def test_report_ragged_prediction_says_it_cannot_be_read():
    # the rest of the message is numpy's own, which changes between versions
    with pytest.raises(ValueError, match="^" + re.escape("y_pred could not be read as numbers: ")):
        regression_report([1, 2, 3], [[1, 2], [3], [4]])


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


def test_report_accepts_numeric_strings():
    table = regression_report(["1", "2", "3"], [1.0, 2.0, 4.0])
    assert table["r2"].iloc[0] == pytest.approx(0.5)


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
    message = "model 'short': y_true and y_pred have different lengths (3 and 2)."
    with pytest.raises(ValueError, match=exact(message)):
        compare_models([1, 2, 3], {"ok": [1, 2, 3], "short": [1, 2]})
    message = "predictions is empty: give at least one model's predictions."
    with pytest.raises(ValueError, match=exact(message)):
        compare_models([1, 2, 3], {})
    message = (
        "compare_models: sort_by must be one of 'mae', 'mse', 'pearson_r', 'r2', 'rmse', "
        "'spearman_rho' or None, got 'accuracy'"
    )
    with pytest.raises(ValueError, match=exact(message)):
        compare_models([1, 2, 3], {"ok": [1, 2, 3]}, sort_by="accuracy")
