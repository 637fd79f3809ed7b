"""Tests of helpers.plotting.overview: the promoter's architecture and a library's overview."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pytest
from matplotlib.patches import Rectangle

from helpers.plotting import plot_data_overview, plot_promoter_architecture
from helpers.simulate import PromoterModel


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


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
        match="^"
        + re.escape("plot_promoter_architecture: spacer must be one of 15, 16, 17, 18, 19, got 20")
        + "$",
    ):
        plot_promoter_architecture(spacer=20)
