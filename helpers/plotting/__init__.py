"""The book's shared figures (seaborn / matplotlib), by what they show.

:mod:`~helpers.plotting.predictions`  observed vs predicted, residuals
:mod:`~helpers.plotting.scores`       scores per model, cross-validated summaries, fold sizes
:mod:`~helpers.plotting.importance`   best-ranked features coloured by planted element
:mod:`~helpers.plotting.mutagenesis`  mutagenesis heatmap and logo
:mod:`~helpers.plotting.overview`     the promoter's architecture, a library's lengths and targets
:mod:`~helpers.plotting.style`        the planted elements' colours and labels, new axes

Conventions: every function takes plain arrays or tidy tables (no fitted
models), accepts an optional ``ax`` and returns the ``matplotlib.axes.Axes``
it drew on, so chapters can combine figures and tests can check them. Every
name is importable from ``helpers.plotting``.
"""

from helpers.plotting.importance import plot_importance_bars
from helpers.plotting.mutagenesis import plot_mutagenesis_heatmap, plot_mutagenesis_logo
from helpers.plotting.overview import plot_data_overview, plot_promoter_architecture
from helpers.plotting.predictions import plot_observed_vs_predicted, plot_residuals
from helpers.plotting.scores import plot_cv_summary, plot_fold_sizes, plot_model_scores
from helpers.plotting.style import ELEMENT_COLORS, ELEMENT_LABELS

__all__ = [
    "ELEMENT_COLORS",
    "ELEMENT_LABELS",
    "plot_cv_summary",
    "plot_data_overview",
    "plot_fold_sizes",
    "plot_importance_bars",
    "plot_model_scores",
    "plot_mutagenesis_heatmap",
    "plot_mutagenesis_logo",
    "plot_observed_vs_predicted",
    "plot_promoter_architecture",
    "plot_residuals",
]
