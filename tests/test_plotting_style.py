"""Tests of helpers.plotting.style: one table of planted elements, shared docstrings, new axes."""

from __future__ import annotations

import inspect

import matplotlib.pyplot as plt
import pytest

import helpers.plotting as plotting
from helpers.plotting.style import ELEMENT_COLORS, ELEMENT_LABELS, _new_ax


def test_every_planted_element_has_a_colour_and_a_label():
    assert list(ELEMENT_COLORS) == [*ELEMENT_LABELS, "none"]
    assert ELEMENT_LABELS["minus10"] == "−10"
    assert ELEMENT_COLORS["none"] == "#b0b0b0"


@pytest.mark.parametrize("name", [n for n in plotting.__all__ if n.startswith("plot_")])
def test_shared_docstring_lines_are_filled_in(name):
    doc = inspect.getdoc(getattr(plotting, name))
    assert "%(" not in doc
    assert "Parameters\n----------" in doc


def test_new_ax_keeps_a_given_axes_and_sizes_a_new_one():
    _, given = plt.subplots()
    assert _new_ax(given) is given
    fresh = _new_ax(None, figsize=(3.0, 2.0))
    assert tuple(fresh.figure.get_size_inches()) == (3.0, 2.0)
    plt.close("all")
