"""Scores per model: bars against the noise ceiling, cross-validated summaries, fold sizes.

``plot_model_scores`` (chapters 05, 07, 08) and the coursework report's
``plot_cv_summary`` and ``plot_fold_sizes`` (chapter 09).
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from helpers.plotting.style import _new_ax, _shared_docs

__all__ = ["plot_cv_summary", "plot_fold_sizes", "plot_model_scores"]

# pyplot is used by the Examples (doctests run in this namespace)
_EXAMPLES = (plt,)


@_shared_docs
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
    %(ax)s

    %(returns)s

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


@_shared_docs
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
    %(ax)s

    %(returns)s

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


@_shared_docs
def plot_fold_sizes(fold_table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Test rows per cross-validation fold; flagged folds in red, with their flag.

    Parameters
    ----------
    fold_table : pandas.DataFrame
        Columns ``fold``, ``n_test`` and ``flag`` (``""`` if none), as in
        :attr:`helpers.models.FoldPlan.table`.
    %(ax)s

    %(returns)s

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
