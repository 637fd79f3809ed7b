"""The data before any model: the promoter's architecture (chapter 01) and a library's overview (chapter 09)."""

from __future__ import annotations

from numbers import Integral

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from helpers.core.checks import Options, check_params
from helpers.plotting.style import ELEMENT_COLORS, _new_ax, _shared_docs

__all__ = ["plot_data_overview", "plot_promoter_architecture"]


def plot_data_overview(
    lengths: np.ndarray | list[int],
    targets: np.ndarray | list[float],
    *,
    target_name: str = "target",
    bins: int = 30,
) -> plt.Figure:
    """Two histograms side by side: sequence lengths and the target.

    Parameters
    ----------
    lengths : array-like of int
        Length of every sequence.
    targets : array-like of float
        The measurement of every sequence.
    target_name : str, default="target"
        Label of the target's axis.
    bins : int, default=30
        Bins of each histogram.

    Returns
    -------
    matplotlib.figure.Figure
        A figure with two axes (it is a figure, not an axes, because it has two).

    Examples
    --------
    >>> fig = plot_data_overview([10, 10, 12], [0.5, 1.0, 2.0], target_name="log10 tpm")
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['sequence length (nt)', 'log10 tpm']
    >>> plt.close(fig)
    """
    lengths = np.asarray(lengths)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2))
    left.hist(lengths, bins=bins, color="C0")
    left.set_xlabel("sequence length (nt)")
    left.set_ylabel("sequences")
    right.hist(np.asarray(targets, dtype=float), bins=bins, color="C1")
    right.set_xlabel(target_name)
    right.set_ylabel("sequences")
    fig.suptitle(f"{len(lengths)} sequences after quality control")
    fig.tight_layout()
    return fig


@_shared_docs
def plot_promoter_architecture(
    model: object | None = None, spacer: int = 17, ax: Axes | None = None
) -> Axes:
    """Draw the layout of a σ70 promoter as the book's simulator plants it.

    Every position comes from the simulator's parameters
    (:class:`helpers.simulate.PromoterModel`), so the figure shows exactly
    where the UP element, the −35 box, the spacer, the extended −10 ``TG``,
    the −10 box, the discriminator and the transcription start site (TSS)
    sit in the embedded dataset's sequences.

    Parameters
    ----------
    model : helpers.simulate.PromoterModel, optional
        Simulator parameters (default: the ones that generated ``data/``).
    spacer : int, default=17
        Spacer length to draw (the −35 box and UP element move with it).
    %(ax)s

    %(returns)s

    Raises
    ------
    ValueError
        If ``spacer`` is not one of the model's spacer lengths.

    Examples
    --------
    >>> ax = plot_promoter_architecture()
    >>> {"UP element", "−35", "−10", "+1 (TSS)"} <= {t.get_text() for t in ax.texts}
    True
    >>> plt.close("all")
    """
    from matplotlib.patches import Rectangle

    from helpers.simulate import PromoterModel

    model = PromoterModel() if model is None else model
    check_params(
        "plot_promoter_architecture",
        {"spacer": spacer},
        {"spacer": [Options(Integral, set(model.spacer_effects))]},
    )
    m35 = int(model.minus35_start(spacer))
    m10 = int(model.minus10_start)
    up = int(model.up_start(spacer))
    disc = int(model.discriminator_start)
    tss = int(model.tss_index)
    # (label, start, stop, colour, text under the box)
    parts = [
        (
            "UP element",
            up,
            up + len(model.up_consensus),
            ELEMENT_COLORS["up_element"],
            model.up_consensus,
        ),
        ("−35", m35, m35 + 6, ELEMENT_COLORS["minus35"], model.minus35_consensus),
        (f"{spacer}-nt spacer", m35 + 6, m10, "#e0e0e0", ""),
        ("ext. −10", m10 - 3, m10 - 1, ELEMENT_COLORS["extended10"], "TG"),
        ("−10", m10, m10 + 6, ELEMENT_COLORS["minus10"], model.minus10_consensus),
        ("discriminator", disc, tss, ELEMENT_COLORS["discriminator"], "few G/C"),
    ]
    ax = _new_ax(ax, figsize=(10.0, 2.4))
    ax.plot([0, model.length], [0, 0], color="0.3", lw=2, zorder=1)
    for label, start, stop, colour, text in parts:
        ax.add_patch(Rectangle((start, -0.3), stop - start, 0.6, color=colour, zorder=2))
        y = {"ext. −10": 1.0, "discriminator": 1.45}.get(label, 0.55)
        ax.text((start + stop) / 2, y, label, ha="center", va="bottom", fontsize=9)
        if text:
            ax.text(
                (start + stop) / 2,
                -0.45,
                text,
                ha="center",
                va="top",
                fontsize=8,
                family="monospace",
            )
    ax.annotate(
        "", xy=(tss + 8, 2.0), xytext=(tss, 2.0), arrowprops={"arrowstyle": "->", "lw": 1.5}
    )
    ax.plot([tss, tss], [0, 2.0], color="black", lw=1.5)
    ax.text(tss + 1, 2.1, "+1 (TSS)", ha="left", va="bottom", fontsize=9)
    ticks = list(range(0, model.length, 10)) + [tss]
    ax.set_xticks(sorted(set(ticks)))
    ax.set_xticklabels(
        [f"+{p - tss + 1}" if p >= tss else f"{p - tss}" for p in sorted(set(ticks))]
    )
    ax.set_xlim(-1, model.length + 1)
    ax.set_ylim(-1.2, 2.6)
    ax.set_yticks([])
    ax.set_xlabel("position relative to the transcription start site (+1)")
    ax.grid(False)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    return ax
