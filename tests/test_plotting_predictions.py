"""Tests of helpers.plotting.predictions: observed vs predicted and residuals, and their bad-input errors."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers.plotting import plot_observed_vs_predicted, plot_residuals


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_observed_vs_predicted_draws_the_points_and_the_diagonal():
    y_true, y_pred = [1.0, 2.0, 3.0], [1.5, 2.0, 2.5]
    ax = plot_observed_vs_predicted(y_true, y_pred, title="toy", label="log10 tpm")
    points = ax.collections[0].get_offsets()
    np.testing.assert_array_equal(points[:, 0], y_pred)  # x: predicted
    np.testing.assert_array_equal(points[:, 1], y_true)  # y: measured
    diagonal = ax.lines[0]
    assert list(diagonal.get_xdata()) == list(diagonal.get_ydata()) == [1.0, 3.0]
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == (
        "predicted log10 tpm",
        "measured log10 tpm",
        "toy",
    )


def test_residuals_are_measured_minus_predicted():
    ax = plot_residuals([1.0, 2.0, 3.0], [1.5, 2.0, 2.5])
    np.testing.assert_allclose(ax.collections[0].get_offsets()[:, 1], [-0.5, 0.0, 0.5])
    assert ax.lines[0].get_ydata()[0] == 0  # the zero line


def test_drawing_on_a_given_axes():
    _, ax = plt.subplots()
    assert plot_residuals([1, 2], [1, 2], ax=ax) is ax
    assert plot_observed_vs_predicted([1, 2], [1, 2], ax=ax) is ax


TO_NUMBERS = "convert the column to numbers first (e.g. pandas.to_numeric)."


@pytest.mark.parametrize("plot", [plot_observed_vs_predicted, plot_residuals])
@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [
        ([1, 2, 3], [1, 2], "y_true and y_pred must have the same length, got 3 and 2"),
        ([[1, 2]], [1, 2], "y_true must be one-dimensional, got shape (1, 2)."),
        ([1, 2], ["a", "b"], f"y_pred must contain numbers, got 'a' at position 0; {TO_NUMBERS}"),
        (
            [1.0, 2.0],
            [1.0, "b"],
            f"y_pred must contain numbers, got 'b' at position 1; {TO_NUMBERS}",
        ),
    ],
    ids=["lengths", "2-D", "text", "text-second"],
)
def test_paired_inputs_bad(plot, y_true, y_pred, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        plot(y_true, y_pred)
