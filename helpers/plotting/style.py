"""What the book's figures share: the planted elements' colours and labels, and new axes.

Conventions of every figure function in :mod:`helpers.plotting`: it takes
plain arrays or tidy tables (no fitted models), accepts an optional ``ax``
and returns the ``matplotlib.axes.Axes`` it drew on (a figure when it draws
several axes), so chapters can combine figures and tests can check them.
"""

from __future__ import annotations

from collections.abc import Callable

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

__all__ = ["ELEMENT_COLORS", "ELEMENT_LABELS"]

#: The planted elements in drawing order: name, short label, colour.
_ELEMENTS: tuple[tuple[str, str, str], ...] = (
    ("minus10", "−10", "#d62728"),
    ("extended10", "TG", "#ff7f0e"),
    ("minus35", "−35", "#1f77b4"),
    ("up_element", "UP", "#2ca02c"),
    ("discriminator", "disc.", "#9467bd"),
)

#: Colour of each planted element in chapter 06's figures (``none``: not planted).
ELEMENT_COLORS: dict[str, str] = {name: color for name, _, color in _ELEMENTS} | {"none": "#b0b0b0"}

#: Short labels of the planted elements, for marking spans above sequence plots.
ELEMENT_LABELS: dict[str, str] = {name: label for name, label, _ in _ELEMENTS}


def _new_ax(ax: Axes | None, figsize: tuple[float, float] = (4.5, 4.0)) -> Axes:
    """Return ``ax`` or a fresh axes of the given size."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


#: Docstring lines every figure function shares, filled in by :func:`_shared_docs`.
_DOCS: dict[str, str] = {
    "ax": "ax : matplotlib.axes.Axes, optional\n        Axes to draw on; a new figure is made if omitted.",
    "title": "title : str, optional\n        Axes title.",
    "returns": "Returns\n    -------\n    matplotlib.axes.Axes",
}


def _shared_docs(func: Callable) -> Callable:
    """Fill the ``%(ax)s``, ``%(title)s`` and ``%(returns)s`` of a figure function's docstring.

    Examples
    --------
    >>> @_shared_docs
    ... def figure(ax=None):
    ...     '''Draw.
    ...
    ...     Parameters
    ...     ----------
    ...     %(ax)s
    ...     '''
    >>> figure.__doc__.splitlines()[4]
    '    ax : matplotlib.axes.Axes, optional'
    """
    func.__doc__ = func.__doc__ % _DOCS
    return func
