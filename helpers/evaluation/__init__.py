"""Honest evaluation of sequence-to-expression regressors.

Four questions every model comparison in the book has to answer, one module
each:

* how good are the predictions? :mod:`~helpers.evaluation.metrics`:
  :func:`regression_report` (one model) and :func:`compare_models` (several),
  as tidy tables of MSE, RMSE, MAE, R², Pearson r and Spearman ρ;
* how good *could* they be? :mod:`~helpers.evaluation.ceiling`:
  :func:`noise_ceiling`, the best correlation any model can reach given the
  disagreement between replicate measurements;
* is the test set really new? :mod:`~helpers.evaluation.splits`:
  :func:`similarity_groups`, group labels that keep near-identical sequences
  together for ``GroupKFold`` / ``GroupShuffleSplit``;
* how sure are we of a test score? :mod:`~helpers.evaluation.resampling`:
  :func:`bootstrap_ci`, a percentile bootstrap confidence interval;
  :func:`paired_bootstrap_diff` and :func:`verdict` for two models.

Every name is importable from ``helpers.evaluation``. Bad input (mismatched
lengths, NaN, a constant target) raises a ``ValueError`` that says what is
wrong; parameters are checked by :mod:`helpers.core.checks`
("<function>: <parameter> must be ..."). The one documented exception is a
*constant prediction* (e.g. a ``DummyRegressor``), for which correlations are
undefined and reported as NaN.
"""

from helpers.evaluation.ceiling import NoiseCeiling, noise_ceiling
from helpers.evaluation.metrics import (
    HIGHER_IS_BETTER,
    METRICS,
    compare_models,
    regression_report,
)
from helpers.evaluation.resampling import (
    VERDICT_MARGIN,
    ConfidenceInterval,
    PairedDifference,
    bootstrap_ci,
    paired_bootstrap_diff,
    verdict,
)
from helpers.evaluation.splits import similarity_groups

__all__ = [
    "HIGHER_IS_BETTER",
    "METRICS",
    "VERDICT_MARGIN",
    "ConfidenceInterval",
    "NoiseCeiling",
    "PairedDifference",
    "bootstrap_ci",
    "compare_models",
    "noise_ceiling",
    "paired_bootstrap_diff",
    "regression_report",
    "similarity_groups",
    "verdict",
]
