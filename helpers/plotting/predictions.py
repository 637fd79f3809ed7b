"""Predictions against measurements: observed vs predicted, and residuals (chapters 04, 05, 07, 08)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.axes import Axes

from helpers.core.arrays import as_1d_float
from helpers.plotting.style import _new_ax, _shared_docs

__all__ = ["plot_observed_vs_predicted", "plot_residuals"]

# pyplot is used by the Examples (doctests run in this namespace)
_EXAMPLES = (plt,)


def _paired(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """``y_true`` and ``y_pred`` as 1-D float arrays of one length, or a ValueError."""
    yt, yp = as_1d_float(y_true, "y_true"), as_1d_float(y_pred, "y_pred")
    if yt.size != yp.size:
        raise ValueError(
            f"y_true and y_pred must have the same length, got {yt.size} and {yp.size}"
        )
    return yt, yp


@_shared_docs
def plot_observed_vs_predicted(
    y_true, y_pred, ax: Axes | None = None, title: str | None = None, label: str = "expression"
) -> Axes:
    """Scatter of measured against predicted values, with the identity line.

    Points on the dashed diagonal are perfect predictions; a cloud flatter
    than the diagonal means the model shrinks towards the mean.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
        Measured and predicted values.
    %(ax)s
    %(title)s
    label : str, default="expression"
        Name of the quantity, used in the axis labels.

    %(returns)s

    Raises
    ------
    ValueError
        If ``y_true`` and ``y_pred`` are not 1-D arrays of numbers of one length.

    Examples
    --------
    >>> ax = plot_observed_vs_predicted([1, 2, 3], [1.1, 1.9, 3.2], title="toy")
    >>> ax.get_xlabel()
    'predicted expression'
    >>> plt.close("all")
    """
    return _against_predicted(y_true, y_pred, ax, title, label, residuals=False)


@_shared_docs
def plot_residuals(
    y_true, y_pred, ax: Axes | None = None, title: str | None = None, label: str = "expression"
) -> Axes:
    """Residuals (measured − predicted) against predicted values.

    A good model leaves a structureless band around zero; a trend or a funnel
    shows what the model misses (e.g. saturation at high expression).

    Parameters
    ----------
    y_true, y_pred, ax, title, label
        As in :func:`plot_observed_vs_predicted`.

    %(returns)s

    Examples
    --------
    >>> ax = plot_residuals([1, 2, 3], [1.1, 1.9, 3.2])
    >>> ax.get_ylabel()
    'residual (measured − predicted)'
    >>> plt.close("all")
    """
    return _against_predicted(y_true, y_pred, ax, title, label, residuals=True)


def _against_predicted(
    y_true, y_pred, ax: Axes | None, title: str | None, label: str, *, residuals: bool
) -> Axes:
    """Scatter measured values (or residuals) against predicted ones, with the reference line."""
    yt, yp = _paired(y_true, y_pred)
    ax = _new_ax(ax)
    sns.scatterplot(x=yp, y=yt - yp if residuals else yt, s=10, alpha=0.4, edgecolor=None, ax=ax)
    if residuals:
        ax.axhline(0, ls="--", color="0.3", lw=1)
    else:
        lo = float(min(yt.min(), yp.min()))
        hi = float(max(yt.max(), yp.max()))
        ax.plot([lo, hi], [lo, hi], ls="--", color="0.3", lw=1)
    ax.set_xlabel(f"predicted {label}")
    ax.set_ylabel("residual (measured − predicted)" if residuals else f"measured {label}")
    if title:
        ax.set_title(title)
    return ax
