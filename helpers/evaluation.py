"""Honest evaluation of sequence-to-expression regressors.

Four questions every model comparison in the book has to answer, one function
each:

* how good are the predictions? :func:`regression_report` (one model) and
  :func:`compare_models` (several), as tidy tables of MSE, RMSE, MAE, R²,
  Pearson r and Spearman ρ;
* how good *could* they be? :func:`noise_ceiling`, the best correlation any
  model can reach given the disagreement between replicate measurements;
* is the test set really new? :func:`similarity_groups`, group labels that keep
  near-identical sequences together for ``GroupKFold`` / ``GroupShuffleSplit``;
* how sure are we of a test score? :func:`bootstrap_ci`, a percentile bootstrap
  confidence interval.

Bad input (mismatched lengths, NaN, a constant target) raises a ``ValueError``
that says what is wrong; the one documented exception is a *constant
prediction* (e.g. a ``DummyRegressor``), for which correlations are undefined
and reported as NaN.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.stats import pearsonr, spearmanr

from helpers.encoding import KmerVectorizer, check_sequences

#: Column order of every metrics table.
METRICS: tuple[str, ...] = ("mse", "rmse", "mae", "r2", "pearson_r", "spearman_rho")

#: Metrics for which larger is better (the others are errors: smaller is better).
HIGHER_IS_BETTER: frozenset[str] = frozenset({"r2", "pearson_r", "spearman_rho"})


def _first_non_numeric(values) -> tuple[tuple[int, ...], object] | None:
    """Index and value of the first element of ``values`` that is not a number.

    ``None`` if there is none, or if ``values`` is ragged (rows of different
    lengths), which numpy cannot lay out as an array at all.
    """
    for index, value in np.ndenumerate(np.asarray(values, dtype=object)):
        if isinstance(value, Sequence | np.ndarray) and not isinstance(value, str | bytes):
            return None
        try:
            float(value if value is not None else "nan")
        except (TypeError, ValueError):
            return index, value
    return None


def _as_float_array(values, name: str) -> np.ndarray:
    """Return ``values`` as a float array or raise a ValueError naming it and the bad value."""
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError) as err:
        try:
            bad = _first_non_numeric(values)
        except (TypeError, ValueError):  # e.g. ragged rows: numpy cannot even hold them
            bad = None
        if bad is None:
            raise ValueError(f"{name} could not be read as numbers: {err}") from None
        index, value = bad
        if len(index) == 2:
            where = f"row {index[0]}, column {index[1]}"
        else:
            where = f"position {', '.join(map(str, index)) or 0}"
        raise ValueError(
            f"{name} must contain numbers, got {value!r} at {where}; convert "
            "the column to numbers first (e.g. pandas.to_numeric)."
        ) from None


def _as_1d_float(values, name: str) -> np.ndarray:
    """Return ``values`` as a 1-D float array or raise a ValueError naming it."""
    arr = _as_float_array(values, name)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}.")
    return arr


def _check_pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Validate a (y_true, y_pred) pair: same length, at least 2 values, no NaN."""
    yt = _as_1d_float(y_true, "y_true")
    yp = _as_1d_float(y_pred, "y_pred")
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
            f"y_true is constant (every value is {yt[0]!r}): R² and correlations are "
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
    if not predictions:
        raise ValueError("predictions is empty: give at least one model's predictions.")
    if sort_by is not None and sort_by not in METRICS:
        raise ValueError(f"sort_by must be one of {METRICS} or None, got {sort_by!r}.")
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
    values = _as_float_array(replicates, "replicates")
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


def _kmer_sets(sequences: Sequence[str], k: int) -> sparse.csr_matrix:
    """Binary (n, 4**k) matrix: which distinct k-mers each sequence holds.

    The presence matrix of :class:`helpers.encoding.KmerVectorizer`, so the
    book's one k-mer rule applies: case is ignored and k-mers touching an
    ``N`` (an unknown base) are not counted. Rows are checked by the one
    sequence validator (:mod:`helpers.sequences`) and must be at least ``k`` long.
    """
    seqs = check_sequences(sequences)
    short = [row for row, seq in enumerate(seqs) if len(seq) < k]
    if short:
        row = short[0]
        raise ValueError(
            f"row {row}: length {len(seqs[row])}, shorter than k={k}; choose a smaller k "
            f"or drop it. {len(short)} of {len(seqs)} sequences are shorter than k."
        )
    vectorizer = KmerVectorizer(k=k, mode="presence", dtype=np.int32)
    return vectorizer.fit_transform(seqs)


def similarity_groups(
    sequences: Sequence[str], k: int = 8, threshold: float = 0.5, chunk_size: int = 500
) -> np.ndarray:
    """Group labels that keep near-identical sequences together.

    Two sequences are *similar* when the Jaccard index of their sets of
    distinct k-mers (shared k-mers / k-mers in either) is at least
    ``threshold``. Groups are the connected components of that similarity
    graph, so similarity is transitive: if A ~ B and B ~ C, all three share a
    group even when A and C differ more. Pass the labels as ``groups`` to
    ``GroupKFold`` or ``GroupShuffleSplit`` so that no test sequence has a
    near-copy in the training set.

    How similar is "similar"? One substitution in a 100-nt sequence changes at
    most ``k`` of its k-mers, so with ``k=8`` a single mutant has a Jaccard
    index of about 85/101 = 0.84 to its parent and 5 scattered mutations still
    leave about 0.4; two unrelated random 100-nt sequences share almost no
    8-mers (Jaccard ≈ 0).

    Parameters
    ----------
    sequences : sequence of str
        The sequences (any length ≥ ``k``; A, C, G, T and N, compared
        case-insensitively; k-mers touching an ``N`` are left out, as in
        :class:`helpers.encoding.KmerVectorizer`, so a sequence of only ``N``
        is a group of its own).
    k : int, default=8
        k-mer length, 1 to 15. Larger k makes chance matches between unrelated
        sequences rarer.
    threshold : float, default=0.5
        Minimum Jaccard index, in (0, 1], for two sequences to be linked.
    chunk_size : int, default=500
        Rows compared at once; memory grows with ``chunk_size × n`` in the
        worst case (every pair of sequences shares some k-mer).

    Returns
    -------
    numpy.ndarray of shape (n,)
        Integer group label per sequence, numbered 0, 1, ... in order of first
        appearance. Unique sequences get a group of their own.

    Raises
    ------
    ValueError
        If ``sequences`` is empty, an element is not a string, is shorter
        than ``k`` or holds a character other than A, C, G, T, N (naming row,
        position and character), or ``k`` or ``threshold`` is out of range.

    Notes
    -----
    Cost: one sparse product of the k-mer presence matrix with its transpose,
    done in row chunks, so it is near-linear when sequences share few k-mers
    (4,000 random 100-nt sequences: well under a second; 15,000: a few
    seconds). The worst case is a library whose sequences all share a long
    common part (an adapter, a constant promoter half): then every pair has
    to be compared; 15,000 sequences sharing 60 of their 100 nt take about
    20 s and 0.5 GB. Trimming constant flanks before grouping avoids that.
    Libraries assembled from shared parts (e.g. La Fleur et al. 2022, where
    many promoters reuse the same −35, −10 or UP parts) share many k-mers:
    expect large groups there, possibly one giant component. That is the point
    (such sequences *are* related), but check ``np.bincount(groups)`` and raise
    ``threshold`` or ``k`` if one group swallows most of the data.

    Examples
    --------
    >>> seqs = ["ACGTACGTACGTAAAC", "ACGTACGTACGTAAAG", "TTTTGGGGCCCCAAAT"]
    >>> similarity_groups(seqs, k=4, threshold=0.5).tolist()
    [0, 0, 1]
    """
    if isinstance(sequences, str):
        raise ValueError("sequences must be a list of sequences, not a single string.")
    sequences = list(sequences)
    if not sequences:
        raise ValueError("sequences is empty.")
    if not isinstance(k, int | np.integer) or isinstance(k, bool) or not 1 <= k <= 15:
        raise ValueError(f"k must be an integer from 1 to 15, got {k!r}.")
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold!r}.")
    presence = _kmer_sets(sequences, k)
    sizes = np.asarray(presence.sum(axis=1)).ravel()
    n = presence.shape[0]
    transposed = presence.T.tocsr()
    rows, cols = [], []
    for start in range(0, n, chunk_size):
        shared = (presence[start : start + chunk_size] @ transposed).tocoo()
        i = shared.row + start
        keep = i < shared.col  # each unordered pair once, no self-pairs
        i, j, inter = i[keep], shared.col[keep], shared.data[keep]
        jaccard = inter / (sizes[i] + sizes[j] - inter)
        linked = jaccard >= threshold
        rows.append(i[linked])
        cols.append(j[linked])
    i = np.concatenate(rows)
    j = np.concatenate(cols)
    graph = sparse.coo_matrix((np.ones(i.shape[0]), (i, j)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    # renumber in order of first appearance, so labels are stable and readable
    _, first = np.unique(labels, return_index=True)
    order = np.argsort(np.argsort(first))
    return order[labels]


class ConfidenceInterval(NamedTuple):
    """A point estimate and a confidence interval (returned by :func:`bootstrap_ci`)."""

    estimate: float
    low: float
    high: float


def _resolve_metric(metric: str | Callable) -> Callable[[np.ndarray, np.ndarray], float]:
    """A metric name of :data:`METRICS` or a callable ``f(y_true, y_pred) -> float``."""
    if callable(metric):
        return metric
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS} or a callable, got {metric!r}.")
    return _METRIC_FUNCTIONS[metric]


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
    yt, yp = _check_pair(y_true, y_pred)
    func = _resolve_metric(metric)
    if n_boot < 2:
        raise ValueError(f"n_boot must be at least 2, got {n_boot}.")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}.")
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
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    if metric not in ("pearson_r", "r2"):
        raise ValueError(f"metric must be 'pearson_r' or 'r2', got {metric!r}")
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
    if len(difference) != 3:
        raise ValueError(f"difference must be (estimate, low, high), got {difference!r}")
    _, low, high = (float(v) for v in difference)
    if not low <= high:
        raise ValueError(f"difference must have low <= high, got low={low}, high={high}")
    if not margin >= 0:
        raise ValueError(f"margin must be >= 0, got {margin}")
    if len(words) != 3:
        raise ValueError(f"words must be three strings, got {words!r}")
    if low > margin:
        return words[0]
    if high < -margin:
        return words[1]
    return words[2]
