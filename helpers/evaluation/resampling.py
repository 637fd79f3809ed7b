"""How sure are we of a test score? Bootstrap intervals, paired differences, verdicts.

:func:`bootstrap_ci` is a percentile bootstrap confidence interval of one
metric; :func:`paired_bootstrap_diff` the paired interval of the difference
of two models' scores on the same rows, and :func:`verdict` reads such an
interval as one word that cannot flip on rounding alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from helpers.core.checks import Rule, StrOptions, check_params, integers, numbers
from helpers.evaluation.metrics import _METRIC_FUNCTIONS, METRICS, _check_pair

__all__ = [
    "VERDICT_MARGIN",
    "ConfidenceInterval",
    "PairedDifference",
    "bootstrap_ci",
    "paired_bootstrap_diff",
    "verdict",
]


class ConfidenceInterval(NamedTuple):
    """A point estimate and a confidence interval (returned by :func:`bootstrap_ci`)."""

    estimate: float
    low: float
    high: float


def _resolve_metric(metric: str | Callable) -> Callable[[np.ndarray, np.ndarray], float]:
    """A metric name of :data:`METRICS` (checked) or a callable ``f(y_true, y_pred) -> float``."""
    return metric if callable(metric) else _METRIC_FUNCTIONS[metric]


def bootstrap_ci(
    y_true,
    y_pred,
    metric: str | Callable = "r2",
    n_boot: int = 1000,
    random_state: int | np.random.Generator | None = 0,
    confidence: float = 0.95,
) -> ConfidenceInterval:
    """Percentile bootstrap confidence interval of a test-set metric.

    The test rows are resampled with replacement ``n_boot`` times; the metric
    is recomputed on each resample, and the interval is given by the
    ``(1 - confidence)/2`` and ``(1 + confidence)/2`` quantiles of those
    values. It reflects the uncertainty from *which sequences happened to land
    in the test set*, not the variability of refitting the model.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
        Test targets and predictions (checked as in :func:`regression_report`).
    metric : str or callable, default="r2"
        A name from :data:`METRICS` or a function ``f(y_true, y_pred) -> float``.
    n_boot : int, default=1000
        Number of bootstrap resamples.
    random_state : int, numpy.random.Generator or None, default=0
        Seed (or generator) of the resampling.
    confidence : float, default=0.95
        Coverage of the interval, in (0, 1).

    Returns
    -------
    ConfidenceInterval
        ``(estimate, low, high)``; ``estimate`` is the metric on the full test
        set. Resamples on which the metric is undefined (NaN, e.g. a constant
        resample) are left out of the quantiles.

    Raises
    ------
    ValueError
        On bad ``y_true``/``y_pred`` (see :func:`regression_report`), an unknown
        metric, ``n_boot < 2``, ``confidence`` outside (0, 1), or if the
        metric is undefined on every resample.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = rng.normal(size=200)
    >>> ci = bootstrap_ci(y, y + rng.normal(scale=0.5, size=200), metric="r2", n_boot=200)
    >>> bool(ci.low < ci.estimate < ci.high)
    True
    """
    check_params(
        "bootstrap_ci",
        {"metric": metric, "n_boot": n_boot, "confidence": confidence},
        {
            "metric": [StrOptions(set(METRICS)), callable],
            "n_boot": [integers(2)],
            "confidence": [numbers(0, 1, closed="neither")],
        },
    )
    yt, yp = _check_pair(y_true, y_pred)
    func = _resolve_metric(metric)
    rng = np.random.default_rng(random_state)
    n = yt.shape[0]
    stats = np.empty(n_boot)
    with np.errstate(divide="ignore", invalid="ignore"):
        for b in range(n_boot):
            idx = rng.integers(0, n, size=n)
            ytb, ypb = yt[idx], yp[idx]
            if np.ptp(ytb) == 0:
                stats[b] = np.nan
                continue
            stats[b] = func(ytb, ypb)
    stats = stats[np.isfinite(stats)]
    if stats.size == 0:
        raise ValueError("the metric is undefined (NaN) on every bootstrap resample.")
    alpha = (1 - confidence) / 2
    low, high = np.quantile(stats, [alpha, 1 - alpha])
    return ConfidenceInterval(float(func(yt, yp)), float(low), float(high))


def _pearson_columns(yc: np.ndarray, preds: np.ndarray, y_norm: np.ndarray) -> np.ndarray:
    """Row-wise Pearson r of centred ``yc`` (with row norms ``y_norm``) and ``preds``."""
    pc = preds - preds.mean(axis=-1, keepdims=True)
    return (yc * pc).sum(-1) / (y_norm * np.sqrt((pc**2).sum(-1)))


def _r2_columns(yc: np.ndarray, preds: np.ndarray, y_norm: np.ndarray) -> np.ndarray:
    """Row-wise R² of ``preds`` (shifted by the same row means as ``yc``, so residuals are exact)."""
    return 1 - ((yc - preds) ** 2).sum(-1) / y_norm**2


class PairedDifference(NamedTuple):
    """r(a) − r(b) on the full rows and its paired bootstrap interval."""

    estimate: float
    low: float
    high: float


def paired_bootstrap_diff(
    y_true,
    pred_a,
    pred_b,
    *,
    metric: str = "pearson_r",
    n_boot: int = 1000,
    random_state: int = 0,
    confidence: float = 0.95,
) -> PairedDifference:
    """Paired percentile bootstrap of the difference of two models' scores.

    Each resample draws rows with replacement and recomputes *both*
    scores on the same rows, so the interval reflects only which rows
    were measured, not a difference in test sets.

    Parameters
    ----------
    y_true, pred_a, pred_b : array-like of shape (n,)
        Targets and two models' predictions for the same rows.
    metric : {"pearson_r", "r2"}, default="pearson_r"
        The score compared.
    n_boot : int, default=1000
    random_state : int, default=0
    confidence : float, default=0.95

    Returns
    -------
    PairedDifference
        ``(estimate, low, high)`` of ``score(a) - score(b)``. Read it with
        :func:`verdict`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = rng.normal(size=300)
    >>> d = paired_bootstrap_diff(y, y + rng.normal(size=300), y + rng.normal(size=300) * 3)
    >>> bool(d.low > 0)
    True
    """
    check_params(
        "paired_bootstrap_diff",
        {"metric": metric, "n_boot": n_boot, "confidence": confidence},
        {
            "metric": [StrOptions({"pearson_r", "r2"})],
            "n_boot": [integers(1)],
            "confidence": [numbers(0, 1, closed="neither")],
        },
    )
    y = np.asarray(y_true, dtype=float)
    a = np.asarray(pred_a, dtype=float)
    b = np.asarray(pred_b, dtype=float)
    if not (y.ndim == a.ndim == b.ndim == 1 and len(y) == len(a) == len(b) >= 3):
        raise ValueError(
            f"y_true, pred_a and pred_b must be 1-D of the same length >= 3, got "
            f"{y.shape}, {a.shape}, {b.shape}"
        )
    if not (np.isfinite(y).all() and np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("y_true, pred_a and pred_b must be finite")
    score = _pearson_columns if metric == "pearson_r" else _r2_columns
    rng = np.random.default_rng(random_state)
    diffs = np.empty(n_boot)
    chunk = max(1, 1_000_000 // len(y))
    stacked = np.stack([y, a, b]).astype(np.float32)
    for start in range(0, n_boot, chunk):
        rows = rng.integers(0, len(y), size=(min(chunk, n_boot - start), len(y)))
        ys, as_, bs = (v[rows].astype(np.float64) for v in stacked)
        row_means = ys.mean(axis=1, keepdims=True)
        ys -= row_means
        as_ -= row_means  # the same shift for the predictions: r is unchanged, R² exact
        bs -= row_means
        yy = np.sqrt((ys**2).sum(axis=1))
        diffs[start : start + len(rows)] = score(ys, as_, yy) - score(ys, bs, yy)
    tail = (1 - confidence) / 2
    low, high = np.quantile(diffs, [tail, 1 - tail])
    yc = y - y.mean()
    y_norm = np.sqrt((yc**2).sum())
    estimate = score(yc, a - y.mean(), y_norm) - score(yc, b - y.mean(), y_norm)
    return PairedDifference(float(estimate), float(low), float(high))


def _is_interval(value: Sequence[float]) -> bool:
    """Whether ``value`` is ``(estimate, low, high)`` of numbers with ``low <= high``."""
    _, low, high = (float(v) for v in value)
    return low <= high


_INTERVAL = Rule(_is_interval, "(estimate, low, high) with low <= high")
_THREE_WORDS = Rule(lambda w: len(w) == 3 and all(isinstance(x, str) for x in w), "three strings")

#: Margin of :func:`verdict`: the absolute tolerance within which stored outputs
#: are compared across machines, so a verdict cannot flip on rounding alone.
VERDICT_MARGIN: float = 0.005


def verdict(
    difference: PairedDifference | Sequence[float],
    *,
    margin: float = VERDICT_MARGIN,
    words: tuple[str, str, str] = ("better", "worse", "tie"),
) -> str:
    """Read a paired interval of ``score(a) - score(b)`` as one word.

    ``words[0]`` (a is better) when the whole interval lies above ``+margin``,
    ``words[1]`` (a is worse) when it lies below ``-margin``, otherwise
    ``words[2]`` (a tie: the interval covers 0, or comes within ``margin`` of
    it). The margin keeps an interval whose bound sits at 0.001 on one
    machine and -0.001 on another from flipping the sentence.

    Parameters
    ----------
    difference : PairedDifference or (estimate, low, high)
        As returned by :func:`paired_bootstrap_diff`.
    margin : float, default=VERDICT_MARGIN
        Non-negative distance from 0 a bound must clear.
    words : (str, str, str), default=("better", "worse", "tie")

    Returns
    -------
    str

    Examples
    --------
    >>> verdict((0.06, 0.05, 0.071))
    'better'
    >>> verdict((0.01, 0.0, 0.019))
    'tie'
    >>> verdict((-0.02, -0.03, -0.01), words=("helps", "hurts", "makes no clear difference"))
    'hurts'
    """
    check_params(
        "verdict",
        {"difference": difference, "margin": margin, "words": words},
        {
            "difference": [_INTERVAL],
            "margin": [numbers(0, None, closed="left")],
            "words": [_THREE_WORDS],
        },
    )
    _, low, high = (float(v) for v in difference)
    if low > margin:
        return words[0]
    if high < -margin:
        return words[1]
    return words[2]
