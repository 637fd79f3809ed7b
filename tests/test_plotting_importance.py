"""Tests of helpers.plotting.importance: importance bars coloured by planted element."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from helpers.interpret import importance_table
from helpers.plotting import ELEMENT_COLORS, plot_importance_bars


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


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
        match="^"
        + re.escape("table has no column 'rank'; columns: ['feature', 'importance']")
        + "$",
    ):
        plot_importance_bars(table)


def test_importance_bars_colour_by_element():
    table = importance_table([0.3, 0.2, 0.1], ["TATAA", "TTGAC", "GGCCC"])
    ax = plot_importance_bars(table, elements={"TATAA": "minus10", "TTGAC": "minus35"})
    assert [t.get_text() for t in ax.get_yticklabels()] == ["TATAA", "TTGAC", "GGCCC"]
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"minus10", "minus35", "none"}
    plt.close("all")


def test_importance_bars_other_column_names_are_listed():
    message = "table has no column 'rank'; columns: ['feat', 'imp']"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        plot_importance_bars(pd.DataFrame({"feat": ["AA"], "imp": [1.0]}))
