"""Tests of helpers.plotting.scores: scores per model, cross-validated summaries, fold sizes."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from helpers.plotting import plot_cv_summary, plot_fold_sizes, plot_model_scores


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _bar_widths(ax) -> list[float]:
    return [p.get_width() for p in ax.patches if isinstance(p, Rectangle)]


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
    message = "table has no column 'mse'; columns: ['r2']."
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        plot_model_scores(table, metric="mse")


def test_model_scores_missing_metric_column_lists_the_columns():
    message = "table has no column 'pearson_r'; columns: ['r2']."
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        plot_model_scores(pd.DataFrame({"r2": [0.5]}, index=["m"]), metric="pearson_r")


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
