"""Sufficient statistics of a linear model, summed over shards: exact ridge from sums.

:class:`RidgeStats` holds n, the sums of X and y, XᵀX and Xᵀy of a set of
rows; statistics of disjoint rows add up, so one Dask task per shard
(:func:`shard_stats`) and a fixed-order tree sum give the statistics of all
rows, and :func:`ridge_from_stats` solves ridge regression from them.
:class:`~helpers.estimators.sharded.ShardedRidge` is built on these. Shards are
read with :func:`helpers.scale.read_shard`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dask
import numpy as np
import scipy.linalg
import scipy.sparse as sp

from helpers.core.checks import check_params, numbers
from helpers.scale import read_shard

__all__ = ["RidgeStats", "ridge_from_stats", "shard_stats"]

# Largest value float32 holds exactly for every integer below it.
_F32_EXACT = float(2**24)


@dataclass
class RidgeStats:
    """Sufficient statistics of a linear model on a set of rows; add them up.

    Attributes
    ----------
    n : int
        Number of rows.
    sum_x : numpy.ndarray of shape (p,)
        Column sums of X.
    sum_y, sum_yy : float
        Sum of y and of y².
    xtx : numpy.ndarray of shape (p, p)
        XᵀX.
    xty : numpy.ndarray of shape (p,)
        Xᵀy.
    """

    n: int
    sum_x: np.ndarray
    sum_y: float
    sum_yy: float
    xtx: np.ndarray
    xty: np.ndarray

    def __add__(self, other: RidgeStats) -> RidgeStats:
        """Statistics of the union of two disjoint sets of rows."""
        return RidgeStats(
            self.n + other.n,
            self.sum_x + other.sum_x,
            self.sum_y + other.sum_y,
            self.sum_yy + other.sum_yy,
            self.xtx + other.xtx,
            self.xty + other.xty,
        )

    @classmethod
    def from_arrays(cls, X: Any, y: np.ndarray) -> RidgeStats:
        """Statistics of a (sparse or dense) matrix ``X`` and targets ``y``.

        For a sparse matrix of integer values (k-mer counts), XᵀX is computed
        exactly: float32 products on row blocks whose sums stay below 2**24,
        added up in float64.
        """
        y = np.asarray(y, dtype=np.float64)
        n, p = X.shape
        xtx = np.zeros((p, p))
        if sp.issparse(X):
            X = sp.csr_matrix(X)
            data = X.data
            integral = data.dtype.kind in "iub" or bool(np.all(data == np.round(data)))
            top = float(np.abs(data).max()) if data.size else 1.0
            if integral and top**2 < _F32_EXACT:
                # a row adds at most top² to an entry: keep block sums below 2**24
                block = int(max(1, min(4096, _F32_EXACT // max(1.0, top**2))))
                dtype = np.float32
            else:
                block, dtype = 4096, np.float64
            for r in range(0, n, block):
                D = X[r : r + block].toarray().astype(dtype, copy=False)
                xtx += (D.T @ D).astype(np.float64)
            sum_x = np.asarray(X.sum(axis=0, dtype=np.float64)).ravel()
            xty = np.asarray(X.T @ y).ravel()
        else:
            D = np.asarray(X, dtype=np.float64)
            xtx += D.T @ D
            sum_x = D.sum(axis=0)
            xty = D.T @ y
        return cls(n, sum_x, float(y.sum()), float(y @ y), xtx, xty)

    def subset(self, columns: Sequence[int] | np.ndarray) -> RidgeStats:
        """Statistics of the model that uses only some columns of X (no new pass).

        Examples
        --------
        >>> stats = RidgeStats.from_arrays(np.eye(3), np.arange(3.0))
        >>> stats.subset([0, 2]).xtx
        array([[1., 0.],
               [0., 1.]])
        """
        cols = np.asarray(columns)
        return RidgeStats(
            self.n,
            self.sum_x[cols],
            self.sum_y,
            self.sum_yy,
            self.xtx[np.ix_(cols, cols)],
            self.xty[cols],
        )

    def centered(self) -> tuple[np.ndarray, np.ndarray, float, np.ndarray, float]:
        """Centered Gram matrix, centered Xᵀy, centered yᵀy and the means of X and y."""
        if self.n == 0:
            raise ValueError("RidgeStats: no rows, so there is nothing to center")
        mx = self.sum_x / self.n
        my = self.sum_y / self.n
        cxx = self.xtx - self.n * np.outer(mx, mx)
        cxy = self.xty - self.n * mx * my
        cyy = self.sum_yy - self.n * my * my
        return cxx, cxy, cyy, mx, my

    def score(self, coef: np.ndarray, intercept: float) -> dict[str, float]:
        """Metrics of the predictions ``X @ coef + intercept`` on these rows.

        Returns
        -------
        dict
            ``n``, ``pearson_r``, ``r2`` and ``mse``, computed from the
            statistics alone (no second pass over the data).
        """
        cxx, cxy, cyy, mx, my = self.centered()
        var_pred = float(coef @ cxx @ coef)
        cov = float(coef @ cxy)
        bias = my - (intercept + float(mx @ coef))
        sse = cyy - 2 * cov + var_pred + self.n * bias**2
        r = cov / math.sqrt(var_pred * cyy) if var_pred > 0 and cyy > 0 else float("nan")
        return {
            "n": int(self.n),
            "pearson_r": float(r),
            "r2": float(1 - sse / cyy) if cyy > 0 else float("nan"),
            "mse": float(sse / self.n),
        }


def _ready(vectorizer: Any) -> Any:
    """The vectorizer, fitted if it needs a (data-independent) ``fit`` first."""
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    if not hasattr(vectorizer, "fit"):
        return vectorizer
    try:
        check_is_fitted(vectorizer)
    except NotFittedError:
        return clone(vectorizer).fit([])
    except TypeError:  # not an estimator
        return vectorizer
    return vectorizer


def _vectorizer_matrix(vectorizer: Any, sequences: list[str]) -> sp.csr_matrix:
    X = vectorizer.transform(sequences)
    return X if sp.issparse(X) else sp.csr_matrix(X)


def _shard_stats(path: str, vectorizer: Any, chunk_rows: int) -> RidgeStats:
    frame = read_shard(path, columns=("sequence", "expression"))
    seqs = frame["sequence"].tolist()
    y = frame["expression"].to_numpy(dtype=np.float64)
    total: RidgeStats | None = None
    for r in range(0, len(seqs), chunk_rows):
        X = _vectorizer_matrix(vectorizer, seqs[r : r + chunk_rows])
        part = RidgeStats.from_arrays(X, y[r : r + chunk_rows])
        total = part if total is None else total + part
    assert total is not None
    return total


def shard_stats(
    paths: Iterable[str | Path], vectorizer: Any, *, chunk_rows: int = 20_000
) -> list[Any]:
    """One lazy Dask task per shard computing its :class:`RidgeStats`.

    Parameters
    ----------
    paths : iterable of str or pathlib.Path
        Shards.
    vectorizer : transformer
        A stateless featuriser with a fixed vocabulary, such as
        :class:`~helpers.features.kmers.KmerVectorizer` (no ``fit`` needed).
    chunk_rows : int, default=20_000
        Rows featurised at a time inside a shard (bounds a worker's memory).

    Returns
    -------
    list of dask.delayed.Delayed
    """
    vec = _ready(vectorizer)
    return [dask.delayed(_shard_stats, pure=True)(str(p), vec, chunk_rows) for p in paths]


def _check_paths(paths: Iterable[str | Path], what: str) -> list[str]:
    out = [str(p) for p in paths]
    if not out:
        raise ValueError(f"no {what} shards given")
    return out


def ridge_from_stats(stats: RidgeStats, alpha: float) -> tuple[np.ndarray, float]:
    """Solve ridge regression with an intercept from sufficient statistics.

    Minimises ``||y - X w - b||² + alpha ||w||²`` like ``sklearn.linear_model.Ridge``:
    ``(Xcᵀ Xc + alpha I) w = Xcᵀ yc`` with centered X and y, ``b = ȳ - x̄ᵀw``.

    Returns
    -------
    coef : numpy.ndarray of shape (p,)
    intercept : float
    """
    check_params(
        "ridge_from_stats", {"alpha": alpha}, {"alpha": [numbers(0, None, closed="neither")]}
    )
    cxx, cxy, _, mx, my = stats.centered()
    A = cxx + alpha * np.eye(len(cxy))
    coef = scipy.linalg.solve(A, cxy, assume_a="pos")
    return coef, float(my - mx @ coef)
