"""How good are the predictions? Metrics tables for one model or several.

:func:`regression_report` (one model) and :func:`compare_models` (several)
give tidy tables of MSE, RMSE, MAE, R², Pearson r and Spearman ρ. The
array checks here (numbers, one dimension, equal lengths, finite values, a
target that varies) serve the whole package.

Bad input (mismatched lengths, NaN, a constant target) raises a ``ValueError``
that says what is wrong; the one documented exception is a *constant
prediction* (e.g. a ``DummyRegressor``), for which correlations are undefined
and reported as NaN.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.stats import pearsonr, spearmanr

from helpers.core.arrays import as_1d_float
from helpers.core.checks import StrOptions, check_params

__all__ = ["HIGHER_IS_BETTER", "METRICS", "compare_models", "regression_report"]


#: Column order of every metrics table.
METRICS: tuple[str, ...] = ("mse", "rmse", "mae", "r2", "pearson_r", "spearman_rho")

#: Metrics for which larger is better (the others are errors: smaller is better).
HIGHER_IS_BETTER: frozenset[str] = frozenset({"r2", "pearson_r", "spearman_rho"})


def _check_pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Validate a (y_true, y_pred) pair: same length, at least 2 values, no NaN."""
    yt = as_1d_float(y_true, "y_true")
    yp = as_1d_float(y_pred, "y_pred")
    if yt.shape[0] != yp.shape[0]:
        raise ValueError(
            f"y_true and y_pred have different lengths ({yt.shape[0]} and {yp.shape[0]})."
        )
    if yt.shape[0] < 2:
        raise ValueError(f"At least 2 values are needed to score a model, got {yt.shape[0]}.")
    for name, arr in (("y_true", yt), ("y_pred", yp)):
        bad = ~np.isfinite(arr)
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"{name} contains {int(bad.sum())} NaN or infinite value(s) "
                f"(first at position {first}); remove or impute them before scoring."
            )
    if np.ptp(yt) == 0:  # exact: np.var of equal values can be 1e-26, not 0
        raise ValueError(
            f"y_true is constant (every value is {float(yt[0])!r}): R² and correlations are "
            "undefined. Score on a test set whose target varies."
        )
    return yt, yp


def _correlation(func, yt: np.ndarray, yp: np.ndarray) -> float:
    """Pearson or Spearman correlation; NaN when the prediction is constant."""
    if np.ptp(yp) == 0:
        return float("nan")
    return float(func(yt, yp)[0])


def _mse(yt: np.ndarray, yp: np.ndarray) -> float:
    return float(np.mean((yp - yt) ** 2))


#: One function per metric name, each ``f(y_true, y_pred) -> float`` on validated arrays.
_METRIC_FUNCTIONS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "mse": _mse,
    "rmse": lambda yt, yp: float(np.sqrt(_mse(yt, yp))),
    "mae": lambda yt, yp: float(np.mean(np.abs(yp - yt))),
    "r2": lambda yt, yp: 1.0 - _mse(yt, yp) / float(np.var(yt)),
    "pearson_r": lambda yt, yp: _correlation(pearsonr, yt, yp),
    "spearman_rho": lambda yt, yp: _correlation(spearmanr, yt, yp),
}


def _metric_values(yt: np.ndarray, yp: np.ndarray) -> dict[str, float]:
    """All metrics of :data:`METRICS` for validated arrays."""
    return {name: _METRIC_FUNCTIONS[name](yt, yp) for name in METRICS}


def regression_report(
    y_true, y_pred, model: str = "model", decimals: int | None = None
) -> pd.DataFrame:
    """Score one set of predictions with every metric the book uses.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Measured target (e.g. log10 expression).
    y_pred : array-like of shape (n,)
        Predictions for the same rows, in the same order.
    model : str, default="model"
        Name used as the row label.
    decimals : int, optional
        Round the metrics to this many decimals (for display and stored
        notebook outputs); ``None`` keeps full precision.

    Returns
    -------
    pandas.DataFrame
        One row indexed by ``model`` (index name ``"model"``) with columns
        ``n``, ``mse``, ``rmse``, ``mae``, ``r2``, ``pearson_r``,
        ``spearman_rho``. R² is ``1 - MSE / Var(y_true)`` (it is negative when
        the model is worse than predicting the mean). ``pearson_r`` and
        ``spearman_rho`` are NaN when ``y_pred`` is constant (as for a
        ``DummyRegressor``), because a correlation with a constant is undefined.

    Raises
    ------
    ValueError
        If either array holds something other than numbers (naming the array
        and the first such value), the lengths differ, fewer than 2 values are
        given, either array has NaN or infinite values, or ``y_true`` is constant.

    See Also
    --------
    compare_models : the same table for several models.
    bootstrap_ci : a confidence interval for one of these metrics.

    Examples
    --------
    >>> regression_report([1.0, 2.0, 3.0], [1.0, 2.0, 4.0], model="toy", decimals=3)  # doctest: +NORMALIZE_WHITESPACE
         n    mse   rmse    mae   r2  pearson_r  spearman_rho
    model
    toy  3  0.333  0.577  0.333  0.5      0.982           1.0
    """
    yt, yp = _check_pair(y_true, y_pred)
    values = _metric_values(yt, yp)
    table = pd.DataFrame([{"n": yt.shape[0], **values}], index=pd.Index([model], name="model"))
    return table.round(decimals) if decimals is not None else table


def compare_models(
    y_true,
    predictions: Mapping[str, Sequence[float] | np.ndarray],
    sort_by: str | None = "r2",
    decimals: int | None = None,
) -> pd.DataFrame:
    """Score several models on the same test rows, one row per model.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Measured target of the test rows.
    predictions : mapping of str to array-like of shape (n,)
        Model name to that model's predictions for the same rows.
    sort_by : str or None, default="r2"
        Metric to sort by, best first (descending for R² and correlations,
        ascending for errors); ``None`` keeps the mapping's order.
    decimals : int, optional
        Round the metrics to this many decimals.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`regression_report`, one per model.

    Raises
    ------
    ValueError
        If ``predictions`` is empty, ``sort_by`` is not a metric, or any
        prediction fails the checks of :func:`regression_report`.

    Examples
    --------
    >>> y = [1.0, 2.0, 3.0, 4.0]
    >>> table = compare_models(y, {"mean": [2.5] * 4, "exact": y}, decimals=3)
    >>> table[["mse", "r2", "pearson_r"]]  # doctest: +NORMALIZE_WHITESPACE
            mse   r2  pearson_r
    model
    exact  0.00  1.0        1.0
    mean   1.25  0.0        NaN
    """
    check_params(
        "compare_models", {"sort_by": sort_by}, {"sort_by": [StrOptions(set(METRICS)), None]}
    )
    if not predictions:
        raise ValueError("predictions is empty: give at least one model's predictions.")
    rows = []
    for name, y_pred in predictions.items():
        try:
            rows.append(regression_report(y_true, y_pred, model=name))
        except ValueError as err:
            raise ValueError(f"model {name!r}: {err}") from err
    table = pd.concat(rows)
    if sort_by is not None:
        table = table.sort_values(sort_by, ascending=sort_by not in HIGHER_IS_BETTER)
    return table.round(decimals) if decimals is not None else table
