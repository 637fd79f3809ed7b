"""Tests of helpers.plotting.mutagenesis: the mutagenesis heatmap and logo."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from helpers.plotting import plot_mutagenesis_heatmap, plot_mutagenesis_logo


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


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
        ValueError, match="^" + re.escape("sequence has length 2 but matrix has 3 positions") + "$"
    ):
        plot_mutagenesis_logo(_matrix(), "AC")


def test_mutagenesis_logo_draws_on_the_given_axes():
    _, ax = plt.subplots()
    assert plot_mutagenesis_logo(_matrix(), "ACT", title="logo", ax=ax) is ax
    assert ax.get_title() == "logo"


class CountT:
    """A toy 'pipeline': predicts the number of T in each sequence."""

    def predict(self, seqs):
        return np.array([s.count("T") for s in seqs], dtype=float)
