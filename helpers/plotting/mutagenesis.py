"""In-silico mutagenesis: the effect matrix as a heatmap and as a logo, planted elements marked.

Chapters 06 and 10; the matrices come from :func:`helpers.interpret.mutagenesis_matrix`.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from helpers.plotting.style import ELEMENT_COLORS, ELEMENT_LABELS, _new_ax, _shared_docs

__all__ = ["plot_mutagenesis_heatmap", "plot_mutagenesis_logo"]

# pyplot is used by the Examples (doctests run in this namespace)
_EXAMPLES = (plt,)


def _mark_spans(ax: Axes, spans: Mapping[str, tuple[int, int]], y: float) -> None:
    """Draw each (start, stop) span as a coloured bar at height ``y`` (data units)."""
    for name, (start, stop) in spans.items():
        color = ELEMENT_COLORS.get(name, "0.3")
        ax.plot(
            [start - 0.5, stop - 0.5],
            [y, y],
            color=color,
            lw=4,
            solid_capstyle="butt",
            clip_on=False,
        )
        ax.text(
            (start + stop - 1) / 2,
            y,
            ELEMENT_LABELS.get(name, name),
            color=color,
            ha="center",
            va="bottom",
            fontsize="small",
            clip_on=False,
        )


@_shared_docs
def plot_mutagenesis_heatmap(
    matrix: pd.DataFrame,
    *,
    sequence: str | None = None,
    spans: Mapping[str, tuple[int, int]] | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Heatmap of predicted substitution effects (bases x positions).

    Blue cells are substitutions predicted to lower the output, red ones to
    raise it; reference bases are 0. Planted elements are marked above.

    Parameters
    ----------
    matrix : pandas.DataFrame
        Rows: bases; columns: 0-based positions; e.g. from
        :func:`helpers.interpret.mutagenesis_matrix`.
    sequence : str, optional
        The scanned sequence; reference cells get a dot.
    spans : mapping of str to (int, int), optional
        Element name to 0-based ``(start, stop)``, e.g. from
        :func:`helpers.interpret.planted_spans`.
    %(title)s
    %(ax)s

    %(returns)s

    Examples
    --------
    >>> matrix = pd.DataFrame([[0.0, -1.0], [0.5, 0.0]], index=["A", "T"], columns=[0, 1])
    >>> ax = plot_mutagenesis_heatmap(matrix, sequence="AT", spans={"minus10": (0, 2)})
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['A', 'T']
    >>> plt.close("all")
    """
    ax = _new_ax(ax, figsize=(max(4.0, 0.1 * matrix.shape[1] + 1.5), 2.4))
    values = matrix.to_numpy(dtype=float)
    limit = float(np.abs(values).max()) or 1.0
    positions = np.asarray(matrix.columns, dtype=int)
    image = ax.imshow(
        values,
        aspect="auto",
        cmap="RdBu_r",
        vmin=-limit,
        vmax=limit,
        extent=(positions[0] - 0.5, positions[-1] + 0.5, len(matrix) - 0.5, -0.5),
        interpolation="nearest",
    )
    ax.set_yticks(range(len(matrix)), [str(b) for b in matrix.index])
    ax.grid(False)
    if sequence is not None:
        rows = {str(b): i for i, b in enumerate(matrix.index)}
        xs = [p for p in positions if sequence[p] in rows]
        ax.scatter(xs, [rows[sequence[p]] for p in xs], s=2, color="0.2")
    if spans:
        _mark_spans(ax, spans, y=-0.9)
    ax.set_xlabel("position (0-based)")
    ax.figure.colorbar(image, ax=ax, label="predicted effect", fraction=0.03, pad=0.01)
    if title:
        ax.set_title(title, pad=14)
    return ax


@_shared_docs
def plot_mutagenesis_logo(
    matrix: pd.DataFrame,
    sequence: str,
    *,
    spans: Mapping[str, tuple[int, int]] | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Sequence logo of importance: each reference base scaled by its effect.

    The height of the base at a position is minus the mean predicted effect
    of the three substitutions there: tall letters above the axis are bases
    whose loss lowers the prediction (the model "needs" them), letters below
    are bases whose loss raises it. Drawn with logomaker (Tareen & Kinney
    2020).

    Parameters
    ----------
    matrix : pandas.DataFrame
        Rows: bases; columns: positions; from
        :func:`helpers.interpret.mutagenesis_matrix`.
    sequence : str
        The scanned (reference) sequence.
    spans : mapping of str to (int, int), optional
        Planted elements to mark, as in :func:`plot_mutagenesis_heatmap`.
    %(title)s
    %(ax)s

    %(returns)s

    Examples
    --------
    >>> effects = pd.DataFrame({0: [0.0, 0.5], 1: [-1.0, 0.0]}, index=["A", "T"])
    >>> ax = plot_mutagenesis_logo(effects, "AT")
    >>> ax.get_ylabel()
    'importance (−mean effect)'
    >>> plt.close("all")
    """
    import logomaker

    if len(sequence) != matrix.shape[1]:
        raise ValueError(
            f"sequence has length {len(sequence)} but matrix has {matrix.shape[1]} positions"
        )
    n_alt = max(len(matrix.index) - 1, 1)
    importance = -matrix.to_numpy(dtype=float).sum(axis=0) / n_alt
    positions = np.asarray(matrix.columns, dtype=int)
    bases = [str(b) for b in matrix.index]
    heights = pd.DataFrame(0.0, index=positions, columns=bases)
    for j, (pos, base) in enumerate(zip(positions, sequence, strict=True)):
        if base in heights.columns:
            heights.loc[pos, base] = importance[j]
    ax = _new_ax(ax, figsize=(max(4.0, 0.1 * len(positions) + 1.0), 2.2))
    logomaker.Logo(heights, ax=ax, color_scheme="classic")
    ax.axhline(0, color="0.3", lw=0.6)
    ax.set_ylabel("importance (−mean effect)")
    ax.set_xlabel("position (0-based)")
    if spans:
        top = float(max(heights.to_numpy().max(), 0.0))
        _mark_spans(ax, spans, y=top * 1.08 if top > 0 else 0.1)
    if title:
        ax.set_title(title, pad=14)
    return ax
