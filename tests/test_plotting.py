"""Tests of helpers.plotting: what each figure draws (from its artists) and its bad-input errors.

Every function takes plain arrays or tidy tables and returns the axes (or the
figure) it drew on; the tests read the drawn data back from the artists, so a
figure that silently plots the wrong column fails here.
"""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from helpers.interpret import importance_table, mutagenesis_matrix, mutagenesis_scan
from helpers.plotting import (
    ELEMENT_COLORS,
    plot_cv_summary,
    plot_data_overview,
    plot_fold_sizes,
    plot_importance_bars,
    plot_model_scores,
    plot_mutagenesis_heatmap,
    plot_mutagenesis_logo,
    plot_observed_vs_predicted,
    plot_promoter_architecture,
    plot_residuals,
)
from helpers.simulate import PromoterModel


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _bar_widths(ax) -> list[float]:
    return [p.get_width() for p in ax.patches if isinstance(p, Rectangle)]


# --------------------------------------------------------------------------- #
# observed vs predicted, residuals
# --------------------------------------------------------------------------- #


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


@pytest.mark.parametrize("plot", [plot_observed_vs_predicted, plot_residuals])
@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [
        ([1, 2, 3], [1, 2], "y_true and y_pred must have the same length, got 3 and 2"),
        ([[1, 2]], [1, 2], "y_true must be 1-D, got shape (1, 2)"),
        ([1, 2], ["a", "b"], "y_pred must hold numbers: could not convert string to float: 'a'"),
    ],
)
def test_paired_inputs_bad(plot, y_true, y_pred, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        plot(y_true, y_pred)


# --------------------------------------------------------------------------- #
# model scores and cross-validation summaries
# --------------------------------------------------------------------------- #


def test_model_scores_bars_errors_and_ceiling():
    table = pd.DataFrame({"r2": [0.8, 0.3]}, index=["good", "weak"])
    ax = plot_model_scores(
        table, metric="r2", ceiling=0.95, errors={"good": (0.7, 0.85), "weak": (0.2, 0.4)}
    )
    assert _bar_widths(ax) == [0.8, 0.3]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["good", "weak"]
    assert ax.get_legend().get_texts()[0].get_text() == "noise ceiling (0.950)"
    assert ax.get_xlabel() == "r2"
    # the error bars run from each low to each high
    segments = [seg for c in ax.collections for seg in c.get_segments()]
    assert sorted((round(s[0][0], 6), round(s[1][0], 6)) for s in segments) == [
        (0.2, 0.4),
        (0.7, 0.85),
    ]


def test_model_scores_unknown_metric():
    table = pd.DataFrame({"r2": [0.8]}, index=["m"])
    with pytest.raises(ValueError, match=re.escape("table has no column 'mse'; columns: ['r2']")):
        plot_model_scores(table, metric="mse")


def test_cv_summary_prefers_the_pooled_score():
    summary = pd.DataFrame(
        {"r2_mean": [0.5, 0.2], "r2_pooled": [0.55, 0.25], "r2_std": [0.01, 0.02]},
        index=["ridge", "mean"],
    )
    ax = plot_cv_summary(summary, n_folds=5, ceiling=0.9)
    assert _bar_widths(ax) == [0.55, 0.25]
    without_pooled = plot_cv_summary(summary.drop(columns="r2_pooled"))
    assert _bar_widths(without_pooled) == [0.5, 0.2]


def test_fold_sizes_flags_in_red():
    folds = pd.DataFrame({"fold": [0, 1, 2], "n_test": [900, 100, 500], "flag": ["", "tiny", ""]})
    ax = plot_fold_sizes(folds)
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert [b.get_width() for b in bars] == [900, 100, 500]
    red = plt.matplotlib.colors.to_rgba("C3")
    assert [b.get_facecolor() == red for b in bars] == [False, True, False]
    assert [t.get_text() for t in ax.texts] == ["  tiny"]


# --------------------------------------------------------------------------- #
# importance and mutagenesis
# --------------------------------------------------------------------------- #


def test_importance_bars_top_order_and_colours():
    table = pd.DataFrame(
        {
            "rank": [3, 1, 2],
            "feature": ["AAAAA", "TATAA", "TTGAC"],
            "importance": [0.01, 0.3, 0.2],
            "std": [0.0, 0.05, 0.02],
        }
    )
    ax = plot_importance_bars(table, top=2, elements={"TATAA": "minus10", "TTGAC": "minus35"})
    assert [t.get_text() for t in ax.get_yticklabels()] == ["TATAA", "TTGAC"]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)][:2]
    assert [b.get_width() for b in bars] == [0.3, 0.2]
    expected = [ELEMENT_COLORS["minus10"], ELEMENT_COLORS["minus35"]]
    assert [plt.matplotlib.colors.to_hex(b.get_facecolor()) for b in bars] == expected


def test_importance_bars_missing_column():
    table = pd.DataFrame({"feature": ["A"], "importance": [1.0]})
    with pytest.raises(
        ValueError,
        match=re.escape("table has no column 'rank'; columns: ['feature', 'importance']"),
    ):
        plot_importance_bars(table)


def _matrix() -> pd.DataFrame:
    return pd.DataFrame(
        [[0.0, -1.0, 0.2], [0.5, 0.0, -0.3], [0.1, 0.4, 0.0]],
        index=["A", "C", "T"],
        columns=[0, 1, 2],
    )


def test_mutagenesis_heatmap_shows_the_matrix():
    ax = plot_mutagenesis_heatmap(_matrix(), sequence="ACT", spans={"minus10": (0, 2)})
    image = ax.images[0]
    np.testing.assert_allclose(np.asarray(image.get_array()), _matrix().to_numpy())
    low, high = image.get_clim()
    assert (low, high) == (-1.0, 1.0)  # symmetric around 0, at the largest effect
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "C", "T"]
    assert "−10" in {t.get_text() for t in ax.texts}  # the span's label


def test_mutagenesis_logo_length_mismatch():
    with pytest.raises(
        ValueError, match=re.escape("sequence has length 2 but matrix has 3 positions")
    ):
        plot_mutagenesis_logo(_matrix(), "AC")


def test_mutagenesis_logo_draws_on_the_given_axes():
    _, ax = plt.subplots()
    assert plot_mutagenesis_logo(_matrix(), "ACT", title="logo", ax=ax) is ax
    assert ax.get_title() == "logo"


# --------------------------------------------------------------------------- #
# data overview, promoter architecture
# --------------------------------------------------------------------------- #


def test_data_overview_two_histograms():
    fig = plot_data_overview([10, 10, 12, 12, 12], [0.5, 1.0, 2.0, 2.0, 3.0], bins=5)
    assert [ax.get_xlabel() for ax in fig.axes] == ["sequence length (nt)", "target"]
    counts = [sum(p.get_height() for p in ax.patches) for ax in fig.axes]
    assert counts == [5, 5]  # every sequence in each histogram


@pytest.mark.parametrize("spacer", [15, 17, 19])
def test_promoter_architecture_positions_come_from_the_model(spacer):
    model = PromoterModel()
    ax = plot_promoter_architecture(model, spacer=spacer)
    boxes = {round(p.get_x()): round(p.get_width()) for p in ax.patches if isinstance(p, Rectangle)}
    assert boxes[int(model.minus35_start(spacer))] == 6
    assert boxes[model.minus10_start] == 6
    assert boxes[int(model.up_start(spacer))] == len(model.up_consensus)
    assert f"{spacer}-nt spacer" in {t.get_text() for t in ax.texts}


def test_promoter_architecture_bad_spacer():
    with pytest.raises(
        ValueError,
        match=re.escape("spacer must be one of the model's lengths [15, 16, 17, 18, 19], got 20"),
    ):
        plot_promoter_architecture(spacer=20)


# --------------------------------------------------------------------------- #
# figures of chapter 06 (moved from the interpret tests)
# --------------------------------------------------------------------------- #


class CountT:
    """A toy 'pipeline': predicts the number of T in each sequence."""

    def predict(self, seqs):
        return np.array([s.count("T") for s in seqs], dtype=float)


def test_importance_bars_colour_by_element():
    table = importance_table([0.3, 0.2, 0.1], ["TATAA", "TTGAC", "GGCCC"])
    ax = plot_importance_bars(table, elements={"TATAA": "minus10", "TTGAC": "minus35"})
    assert [t.get_text() for t in ax.get_yticklabels()] == ["TATAA", "TTGAC", "GGCCC"]
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"minus10", "minus35", "none"}
    plt.close("all")


def test_importance_bars_requires_columns():
    with pytest.raises(ValueError, match="no column 'rank'"):
        plot_importance_bars(pd.DataFrame({"feature": ["A"], "importance": [1.0]}))


def test_mutagenesis_figures_draw():
    scan = mutagenesis_scan(CountT(), "ATGCTA")
    matrix = mutagenesis_matrix(scan)
    ax = plot_mutagenesis_heatmap(matrix, sequence="ATGCTA", spans={"minus10": (1, 4)})
    assert ax.get_xlabel() == "position (0-based)"
    ax = plot_mutagenesis_logo(matrix, "ATGCTA", spans={"minus10": (1, 4)})
    assert any(t.get_text() == "−10" for t in ax.texts)
    with pytest.raises(ValueError, match="length 3 but matrix has 6"):
        plot_mutagenesis_logo(matrix, "ATG")
    plt.close("all")


@pytest.mark.parametrize("plot", [plot_observed_vs_predicted, plot_residuals])
@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [
        ([1.0, 2.0], [1.0, 2.0, 3.0], r"same length, got 2 and 3"),
        ([[1.0, 2.0]], [1.0, 2.0], r"y_true must be 1-D, got shape \(1, 2\)"),
        ([1.0, 2.0], ["a", 2.0], r"y_pred must hold numbers"),
    ],
    ids=["lengths", "2-D", "text"],
)
def test_scatter_plots_bad_arrays_name_them(plot, y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        plot(y_true, y_pred)
    plt.close("all")
