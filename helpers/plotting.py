"""Shared figure functions (seaborn / matplotlib).

SHARED FILE, APPEND-ONLY: several engineers add functions here (evaluation,
issue 4; interpretation, issue 5). Add your functions at the end under a
comment naming your chapter; do not edit or reorder others' functions.

Conventions: every function takes plain arrays or tidy tables (no fitted
models), accepts an optional ``ax`` and returns the ``matplotlib.axes.Axes``
it drew on, so chapters can combine figures and tests can check them.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

# --- evaluation (chapters 04 and 05, issue 4) ---------------------------------


def _new_ax(ax: Axes | None, figsize: tuple[float, float] = (4.5, 4.0)) -> Axes:
    """Return ``ax`` or a fresh axes of the given size."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _paired(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """``y_true`` and ``y_pred`` as 1-D float arrays of one length, or a ValueError."""
    arrays = []
    for name, values in (("y_true", y_true), ("y_pred", y_pred)):
        try:
            array = np.asarray(values, dtype=float)
        except (TypeError, ValueError) as err:
            raise ValueError(f"{name} must hold numbers: {err}") from err
        if array.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
        arrays.append(array)
    yt, yp = arrays
    if yt.size != yp.size:
        raise ValueError(
            f"y_true and y_pred must have the same length, got {yt.size} and {yp.size}"
        )
    return yt, yp


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
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is made if omitted.
    title : str, optional
        Axes title.
    label : str, default="expression"
        Name of the quantity, used in the axis labels.

    Returns
    -------
    matplotlib.axes.Axes

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
    yt, yp = _paired(y_true, y_pred)
    ax = _new_ax(ax)
    sns.scatterplot(x=yp, y=yt, s=10, alpha=0.4, edgecolor=None, ax=ax)
    lo = float(min(yt.min(), yp.min()))
    hi = float(max(yt.max(), yp.max()))
    ax.plot([lo, hi], [lo, hi], ls="--", color="0.3", lw=1)
    ax.set_xlabel(f"predicted {label}")
    ax.set_ylabel(f"measured {label}")
    if title:
        ax.set_title(title)
    return ax


def plot_residuals(
    y_true, y_pred, ax: Axes | None = None, title: str | None = None, label: str = "expression"
) -> Axes:
    """Residuals (measured − predicted) against predicted values.

    A good model leaves a structureless band around zero; a trend or a funnel
    shows what the model misses (e.g. saturation at high expression).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
        Measured and predicted values.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is made if omitted.
    title : str, optional
        Axes title.
    label : str, default="expression"
        Name of the quantity, used in the axis labels.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``y_true`` and ``y_pred`` are not 1-D arrays of numbers of one length.

    Examples
    --------
    >>> ax = plot_residuals([1, 2, 3], [1.1, 1.9, 3.2])
    >>> ax.get_ylabel()
    'residual (measured − predicted)'
    >>> plt.close("all")
    """
    yt, yp = _paired(y_true, y_pred)
    ax = _new_ax(ax)
    sns.scatterplot(x=yp, y=yt - yp, s=10, alpha=0.4, edgecolor=None, ax=ax)
    ax.axhline(0, ls="--", color="0.3", lw=1)
    ax.set_xlabel(f"predicted {label}")
    ax.set_ylabel("residual (measured − predicted)")
    if title:
        ax.set_title(title)
    return ax


def plot_model_scores(
    table: pd.DataFrame,
    metric: str = "pearson_r",
    ceiling: float | None = None,
    errors: Mapping[str, tuple[float, float]] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bar chart of one metric per model, optionally against a ceiling.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per model (model names as the index), e.g. the output of
        :func:`helpers.evaluation.compare_models`.
    metric : str, default="pearson_r"
        Column to plot.
    ceiling : float, optional
        Draw a vertical dashed line here (e.g. the noise ceiling).
    errors : mapping of str to (low, high), optional
        Confidence interval per model name, drawn as error bars.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is made if omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> table = pd.DataFrame({"r2": [0.8, 0.3]}, index=["good", "weak"])
    >>> ax = plot_model_scores(table, metric="r2", ceiling=0.95)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['good', 'weak']
    >>> plt.close("all")
    """
    if metric not in table.columns:
        raise ValueError(f"table has no column {metric!r}; columns: {list(table.columns)}.")
    ax = _new_ax(ax, figsize=(6.0, 0.45 * len(table) + 1.2))
    names = [str(name) for name in table.index]
    values = table[metric].to_numpy(dtype=float)
    positions = np.arange(len(names))
    xerr = None
    if errors is not None:
        lows = np.array([errors[name][0] for name in names])
        highs = np.array([errors[name][1] for name in names])
        xerr = np.vstack([values - lows, highs - values])
    ax.barh(positions, values, xerr=xerr, color=sns.color_palette()[0], capsize=3)
    ax.set_yticks(positions, names)
    ax.invert_yaxis()
    if ceiling is not None:
        ax.axvline(ceiling, ls="--", color="C3", lw=1.5, label=f"noise ceiling ({ceiling:.3f})")
        ax.legend(loc="lower right")
    ax.set_xlabel(metric)
    return ax


# --- interpretation (chapter 06, issue 5) -------------------------------------

#: Colour of each planted element in chapter 06's figures (``none``: not planted).
ELEMENT_COLORS: dict[str, str] = {
    "minus10": "#d62728",
    "extended10": "#ff7f0e",
    "minus35": "#1f77b4",
    "up_element": "#2ca02c",
    "discriminator": "#9467bd",
    "none": "#b0b0b0",
}


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
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is made if omitted.

    Returns
    -------
    matplotlib.axes.Axes

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
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 0.22 * len(head) + 1.0))
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


#: Short labels of the planted elements, for marking spans above sequence plots.
ELEMENT_LABELS: dict[str, str] = {
    "minus10": "−10",
    "extended10": "TG",
    "minus35": "−35",
    "up_element": "UP",
    "discriminator": "disc.",
}


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
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is made if omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> matrix = pd.DataFrame([[0.0, -1.0], [0.5, 0.0]], index=["A", "T"], columns=[0, 1])
    >>> ax = plot_mutagenesis_heatmap(matrix, sequence="AT", spans={"minus10": (0, 2)})
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['A', 'T']
    >>> plt.close("all")
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4.0, 0.1 * matrix.shape[1] + 1.5), 2.4))
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
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is made if omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> matrix = pd.DataFrame([[0.0, -1.0], [0.5, 0.0]], index=["A", "T"], columns=[0, 1])
    >>> ax = plot_mutagenesis_logo(matrix, "AT")
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
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4.0, 0.1 * len(positions) + 1.0), 2.2))
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


# --- the coursework report (chapter 09, helpers.report) -----------------------


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


def plot_cv_summary(
    summary: pd.DataFrame,
    *,
    metric: str = "r2",
    n_folds: int | None = None,
    ceiling: float | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Cross-validated scores per model: pooled out-of-fold (bars), per-fold mean ± sd (dots).

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per model (index), with columns ``{metric}_mean`` and
        ``{metric}_std`` and, if there, ``{metric}_pooled``, as in
        :class:`helpers.models.CVResults`.
    metric : str, default="r2"
        Which metric.
    n_folds : int, optional
        Number of folds, shown in the legend.
    ceiling : float, optional
        The noise ceiling, drawn as a dashed line.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> summary = pd.DataFrame(
    ...     {"r2_pooled": [0.55, -0.01], "r2_mean": [0.5, -0.02], "r2_std": [0.1, 0.02]},
    ...     index=pd.Index(["ridge", "mean baseline"], name="model"))
    >>> ax = plot_cv_summary(summary, n_folds=5, ceiling=0.9)
    >>> ax.get_xlabel()
    'R² (bars: all out-of-fold predictions pooled)'
    >>> plt.close(ax.figure)
    """
    mean, std = summary[f"{metric}_mean"], summary[f"{metric}_std"]
    pooled = f"{metric}_pooled" if f"{metric}_pooled" in summary.columns else f"{metric}_mean"
    ax = plot_model_scores(
        summary.rename(columns={pooled: metric})[[metric]], metric=metric, ceiling=ceiling, ax=ax
    )
    positions = np.arange(len(summary))
    over = f"{n_folds} folds" if n_folds is not None else "folds"
    ax.errorbar(
        mean.to_numpy(dtype=float),
        positions,
        xerr=std.to_numpy(dtype=float),
        fmt="o",
        color="0.15",
        capsize=3,
        label=f"mean ± sd over {over}",
    )
    ax.legend(loc="lower right", fontsize="small")
    label = "R²" if metric == "r2" else metric
    what = "all out-of-fold predictions pooled" if pooled.endswith("pooled") else "mean"
    ax.set_xlabel(f"{label} (bars: {what})")
    return ax


def plot_fold_sizes(fold_table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Test rows per cross-validation fold; flagged folds in red, with their flag.

    Parameters
    ----------
    fold_table : pandas.DataFrame
        Columns ``fold``, ``n_test`` and ``flag`` (``""`` if none), as in
        :attr:`helpers.models.FoldPlan.table`.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> folds = pd.DataFrame({"fold": [0, 1], "n_test": [900, 100], "flag": ["", "tiny"]})
    >>> ax = plot_fold_sizes(folds)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['fold 0', 'fold 1']
    >>> plt.close(ax.figure)
    """
    ax = _new_ax(ax, figsize=(6.0, 0.4 * len(fold_table) + 1.2))
    positions = np.arange(len(fold_table))
    flagged = (fold_table["flag"] != "").to_numpy()
    colors = np.where(flagged, "C3", "C0")
    ax.barh(positions, fold_table["n_test"].to_numpy(), color=colors)
    ax.set_yticks(positions, [f"fold {f}" for f in fold_table["fold"]])
    ax.invert_yaxis()
    for y, (n, flag) in enumerate(zip(fold_table["n_test"], fold_table["flag"], strict=True)):
        if flag:
            ax.text(n, y, f"  {flag}", va="center", fontsize="small", color="C3")
    ax.set_xlabel("test rows")
    ax.set_title("fold sizes (red: flagged)")
    return ax


# --- promoter architecture (chapter 01, issue 12) ------------------------------


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
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is made if omitted.

    Returns
    -------
    matplotlib.axes.Axes

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
    if spacer not in model.spacer_effects:
        raise ValueError(
            f"spacer must be one of the model's lengths {sorted(model.spacer_effects)}, got {spacer!r}"
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
