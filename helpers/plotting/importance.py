"""Feature importance: the best-ranked features as bars, coloured by planted element (chapter 06)."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from helpers.plotting.style import ELEMENT_COLORS, _new_ax, _shared_docs

__all__ = ["plot_importance_bars"]

# pyplot is used by the Examples (doctests run in this namespace)
_EXAMPLES = (plt,)


@_shared_docs
def plot_importance_bars(
    table: pd.DataFrame,
    *,
    top: int = 20,
    elements: Mapping[str, str] | None = None,
    xlabel: str = "importance",
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bar chart of the best-ranked features, best on top.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``rank``, ``feature``, ``importance`` and optionally ``std``
        (drawn as error bars), e.g. from
        :func:`helpers.interpret.importance_table`.
    top : int, default=20
        Number of features to draw.
    elements : mapping of str to str, optional
        Feature to planted element (e.g. from
        :func:`helpers.interpret.map_kmers_to_motifs`); bars are coloured by
        element with :data:`ELEMENT_COLORS` and a legend is added.
    xlabel : str, default="importance"
        Label of the value axis.
    %(title)s
    %(ax)s

    %(returns)s

    Examples
    --------
    >>> table = pd.DataFrame({"rank": [1, 2], "feature": ["TATAA", "GGCCC"],
    ...                       "importance": [0.3, 0.01]})
    >>> ax = plot_importance_bars(table, elements={"TATAA": "minus10"})
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['TATAA', 'GGCCC']
    >>> plt.close("all")
    """
    for column in ("rank", "feature", "importance"):
        if column not in table.columns:
            raise ValueError(f"table has no column {column!r}; columns: {list(table.columns)}")
    head = table.nsmallest(top, "rank")
    ax = _new_ax(ax, figsize=(4.5, 0.22 * len(head) + 1.0))
    labels = head["feature"].astype(str).tolist()
    if elements is None:
        groups = ["none"] * len(labels)
        colors = [sns.color_palette()[0]] * len(labels)
    else:
        groups = [elements.get(label, "none") for label in labels]
        colors = [ELEMENT_COLORS.get(group, "#b0b0b0") for group in groups]
    positions = np.arange(len(labels))
    xerr = head["std"].to_numpy(dtype=float) if "std" in head.columns else None
    ax.barh(
        positions,
        head["importance"].to_numpy(dtype=float),
        xerr=xerr,
        color=colors,
        error_kw={"lw": 0.8, "capsize": 2},
    )
    ax.set_yticks(positions, labels, fontfamily="monospace")
    ax.invert_yaxis()
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title)
    if elements is not None:
        from matplotlib.patches import Patch

        present = [g for g in ELEMENT_COLORS if g in set(groups)]
        ax.legend(
            handles=[Patch(color=ELEMENT_COLORS[g], label=g) for g in present],
            loc="lower right",
            fontsize="small",
        )
    return ax
