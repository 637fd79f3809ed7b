"""How good *could* the predictions be? The noise ceiling from replicate measurements.

:func:`noise_ceiling` gives the best correlation (and R²) any model can reach
given the disagreement between replicate measurements (Spearman–Brown).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.stats import pearsonr

from helpers.core.arrays import as_float_array
from helpers.core.checks import check_params

__all__ = ["NoiseCeiling", "noise_ceiling"]


@dataclass(frozen=True)
class NoiseCeiling:
    """Result of :func:`noise_ceiling`.

    Attributes
    ----------
    r : float
        Highest Pearson correlation any model can reach against the mean of
        the replicates: ``sqrt(reliability)``.
    r2 : float
        Highest R² (fraction of variance explainable): ``reliability``.
    reliability : float
        Spearman–Brown reliability of the mean of ``n_replicates`` replicates.
    replicate_r : float
        Mean Pearson correlation between pairs of single replicates.
    n_replicates : int
        Number of replicate columns.
    n_rows : int
        Number of rows (sequences) given.
    n_incomplete : int
        Rows with at least one missing replicate (used pairwise, see
        :func:`noise_ceiling`).
    """

    r: float
    r2: float
    reliability: float
    replicate_r: float
    n_replicates: int
    n_rows: int
    n_incomplete: int


def _check_transformed(raw: np.ndarray, values: np.ndarray) -> None:
    """Raise if ``transform`` changed the shape or turned a measured value into NaN."""
    if values.shape != raw.shape:
        raise ValueError(
            f"transform must work element-wise: it turned replicates of shape {raw.shape} "
            f"into shape {values.shape}."
        )
    invalid = np.isnan(values) & ~np.isnan(raw)
    if invalid.any():
        row, col = np.argwhere(invalid)[0]
        raise ValueError(
            f"replicates has {int(invalid.sum())} invalid value(s) after transform: "
            f"measured values became NaN (first at row {row}, column {col}: "
            f"{float(raw[row, col])!r}), e.g. log10 of a negative number. Fix or drop those rows."
        )


def noise_ceiling(replicates, transform: Callable[[np.ndarray], np.ndarray] | None = None):
    """Estimate the best score any model could reach, from replicate measurements.

    A model predicts the *true* expression of a sequence at best, but it is
    scored against the *measured* one, which carries noise. How much noise is
    told by how well replicates agree. The estimator:

    1. ``replicate_r`` = the mean Pearson correlation over all pairs of
       replicate columns (for 3 replicates: 1-2, 1-3, 2-3), each computed on
       the rows where both replicates of the pair were measured;
    2. the Spearman–Brown formula turns it into the reliability of the *mean*
       of ``m`` replicates, ``R = m·r̄ / (1 + (m − 1)·r̄)``: the fraction of the
       variance of the mean that is signal (averaging shrinks noise);
    3. the correlation between the true values and a measurement with
       reliability ``R`` is ``sqrt(R)``: that is the ceiling ``r``, and ``R``
       itself is the ceiling for R².

    This assumes replicates are exchangeable and their noise independent of
    each other (batch effects shared by all replicates are invisible to it, so
    the ceiling is optimistic when they exist). Compute it on the scale of the
    target: the book's target is log10 of the mean replicate and the noise is
    multiplicative, so pass ``transform=np.log10``.

    Parameters
    ----------
    replicates : array-like of shape (n, m)
        One row per sequence, one column per replicate (m ≥ 2). NaN marks a
        missing measurement.
    transform : callable, optional
        Applied element-wise before correlating, e.g. ``np.log10``.

    Returns
    -------
    NoiseCeiling
        ``r``, ``r2``, ``reliability``, ``replicate_r`` and counts.

    Raises
    ------
    ValueError
        If ``replicates`` holds something other than numbers (naming the first
        such value), is not 2-D with at least 2 columns, a pair of
        replicates has fewer than 3 rows measured in both, a replicate is
        constant, values are infinite after ``transform`` (e.g. log of 0) or a
        measured value becomes NaN (e.g. log of a negative number), or
        replicates disagree completely (``replicate_r`` ≤ 0, no signal).

    Notes
    -----
    Missing values: rows with some NaN replicates are used pairwise (in the
    pairs where both values exist) and counted in ``n_incomplete``; the
    Spearman–Brown step still uses ``m`` = number of columns, so when many
    rows miss replicates the ceiling is slightly optimistic for them.

    Examples
    --------
    Two replicates that agree with r = 0.9: their mean has reliability
    2·0.9 / 1.9 = 0.947 and the ceiling is sqrt(0.947) = 0.973.

    >>> reps = [[1.0, 1.0], [2.0, 3.0], [3.0, 2.0], [4.0, 4.0], [5.0, 5.0]]
    >>> ceiling = noise_ceiling(reps)
    >>> round(ceiling.replicate_r, 3), round(ceiling.reliability, 3), round(ceiling.r, 3)
    (0.9, 0.947, 0.973)
    """
    check_params("noise_ceiling", {"transform": transform}, {"transform": [None, callable]})
    values = as_float_array(replicates, "replicates")
    if values.ndim != 2 or values.shape[1] < 2:
        raise ValueError(
            f"replicates must be a 2-D array (n sequences, m >= 2 replicates), "
            f"got shape {values.shape}."
        )
    if transform is not None:
        raw = values
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.asarray(transform(raw), dtype=float)
        _check_transformed(raw, values)
    if np.isinf(values).any():
        row, col = np.argwhere(np.isinf(values))[0]
        raise ValueError(
            f"replicates has infinite values after transform (first at row {row}, "
            f"column {col}); e.g. log10 of 0. Add a pseudocount or drop those rows."
        )
    n, m = values.shape
    present = ~np.isnan(values)
    pair_r = []
    for a in range(m):
        for b in range(a + 1, m):
            both = present[:, a] & present[:, b]
            if both.sum() < 3:
                raise ValueError(
                    f"replicate columns {a} and {b} are both measured in only "
                    f"{int(both.sum())} rows; at least 3 are needed."
                )
            xa, xb = values[both, a], values[both, b]
            for col, x in ((a, xa), (b, xb)):
                if np.ptp(x) == 0:
                    raise ValueError(f"replicate column {col} is constant: no signal to correlate.")
            pair_r.append(float(pearsonr(xa, xb)[0]))
    r_bar = float(np.mean(pair_r))
    if r_bar <= 0:
        raise ValueError(
            f"replicates do not agree (mean pairwise r = {r_bar:.3f} <= 0): the "
            "measurements carry no reproducible signal, so no ceiling can be estimated."
        )
    reliability = m * r_bar / (1 + (m - 1) * r_bar)
    return NoiseCeiling(
        r=float(np.sqrt(reliability)),
        r2=float(reliability),
        reliability=float(reliability),
        replicate_r=r_bar,
        n_replicates=m,
        n_rows=n,
        n_incomplete=int((~present).any(axis=1).sum()),
    )
