"""Estimators trained on Parquet shards: exact ridge from sums, streaming SGD.

``ShardedRidge``         exact ridge from sufficient statistics (XᵀX, Xᵀy, sums)
``ShardedSGDRegressor``  streaming ``partial_fit`` model for very wide feature spaces

Both are scikit-learn estimators (parameters, ``clone``, ``check_is_fitted``,
parameters declared in ``_parameter_constraints``) whose ``fit`` takes shard
files rather than ``(X, y)``: the data never sits in memory whole. Shards,
Dask plumbing and the shard writer are in :mod:`helpers.scale`, which
re-exports these names.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dask
import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted

from helpers.core.checks import (
    POSITIVE_NUMBERS,
    HasMethods,
    ParamsChecked,
    fit_context,
    integers,
    numbers,
)
from helpers.estimators.ridge_stats import (
    RidgeStats,
    _check_paths,
    _ready,
    _vectorizer_matrix,
    ridge_from_stats,
    shard_stats,
)
from helpers.features.kmers import KmerVectorizer
from helpers.scale import compute, read_shard, tree_reduce, write_promoter_shards

__all__ = ["ShardedRidge", "ShardedSGDRegressor", "check_list"]

# the shard writer is used by the Examples (doctests run in this namespace)
_EXAMPLES = (write_promoter_shards,)


_SHARED_CONSTRAINTS: dict[str, list] = {
    "vectorizer": [None, HasMethods(["transform"])],
    "scheduler": [None, str],
    "progress": ["boolean"],
}


class ShardedRidge(ParamsChecked, BaseEstimator):
    """Exact ridge regression on sharded data: one pass, tree-summed statistics, one solve.

    Each shard is featurised by its own Dask task into :class:`RidgeStats`
    (XᵀX, Xᵀy, n and sums for centering); the statistics of the training
    shards are added in a fixed-order tree (:func:`tree_reduce`) and the
    normal equations are solved once per ``alpha``. The coefficients equal
    those of ``Ridge(alpha)`` fitted in memory on all training rows (to
    rounding). ``alpha`` is chosen on validation shards, scored from their
    own statistics (no second pass).

    Parameters
    ----------
    vectorizer : transformer, default=KmerVectorizer(k=4)
        Stateless featuriser with a fixed vocabulary.
    alphas : sequence of float, default=(0.1, 1, 10, 100, 1000)
        Candidate penalties; with one value no validation shard is needed.
    split_every : int, default=8
        Fan-in of the tree reduction.
    chunk_rows : int, default=20_000
        Rows featurised at a time inside a task.
    scheduler : str, optional
        Dask scheduler name; by default the active client or Dask's default.
    progress : bool, default=False
        Show a progress bar on standard error.
    selection_tol : float, default=0.01
        Penalties whose validation MSE is within this relative distance of the
        smallest count as tied; the largest of them (the simplest model) is
        chosen. Without it, a near-tie would be broken by the last digits of
        floating-point sums, which differ between machines.

    Attributes
    ----------
    coef_ : numpy.ndarray of shape (n_features,)
    intercept_ : float
    alpha_ : float
        The chosen penalty.
    validation_scores_ : pandas.DataFrame or None
        One row per alpha: validation ``pearson_r``, ``r2``, ``mse``.
    n_train_ : int
        Training rows.
    stats_ : RidgeStats
        Summed training statistics (to refit with another alpha for free).
    feature_names_out_ : numpy.ndarray

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_promoter_shards(tmp, 3000, shard_size=1000, scheduler="synchronous")
    ...     model = ShardedRidge(KmerVectorizer(k=2), alphas=(1.0, 100.0), scheduler="synchronous")
    ...     model = model.fit(paths[:2], validation_shards=paths[2:])
    ...     model.n_train_, model.coef_.shape
    (2000, (16,))
    """

    _parameter_constraints: dict[str, list] = {
        **_SHARED_CONSTRAINTS,
        "alphas": [POSITIVE_NUMBERS],
        "split_every": [integers(2)],
        "chunk_rows": [integers(1)],
        "selection_tol": [numbers(0, None, closed="left")],
    }

    def __init__(
        self,
        vectorizer: Any = None,
        *,
        alphas: Sequence[float] = (0.1, 1.0, 10.0, 100.0, 1000.0),
        split_every: int = 8,
        chunk_rows: int = 20_000,
        scheduler: str | None = None,
        progress: bool = False,
        selection_tol: float = 0.01,
    ) -> None:
        self.vectorizer = vectorizer
        self.alphas = alphas
        self.split_every = split_every
        self.chunk_rows = chunk_rows
        self.scheduler = scheduler
        self.progress = progress
        self.selection_tol = selection_tol

    def _vectorizer(self) -> Any:
        return _ready(self.vectorizer if self.vectorizer is not None else KmerVectorizer(k=4))

    @fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        train_shards: Iterable[str | Path],
        validation_shards: Iterable[str | Path] | None = None,
    ) -> ShardedRidge:
        """Fit on the training shards; choose ``alpha`` on the validation shards.

        Returns
        -------
        self
        """
        alphas = [float(a) for a in self.alphas]
        train = _check_paths(train_shards, "training")
        val = [str(p) for p in (validation_shards or [])]
        if len(alphas) > 1 and not val:
            raise ValueError(
                f"ShardedRidge: {len(alphas)} alphas to choose from but no validation shards; "
                "pass validation_shards or a single alpha"
            )
        overlap = sorted(set(train) & set(val))
        if overlap:
            raise ValueError(f"ShardedRidge: shard used for training and validation: {overlap[0]}")
        vec = self._vectorizer()
        stats = shard_stats(train + val, vec, chunk_rows=self.chunk_rows)
        lazy = [tree_reduce(stats[: len(train)], split_every=self.split_every)]
        if val:
            lazy.append(tree_reduce(stats[len(train) :], split_every=self.split_every))
        results = compute(*lazy, scheduler=self.scheduler, progress=self.progress)
        return self._fit_stats(results[0], results[1] if val else None)

    @fit_context(prefer_skip_nested_validation=True)
    def fit_stats(self, train: RidgeStats, validation: RidgeStats | None = None) -> ShardedRidge:
        """Fit from already summed statistics (e.g. for a learning curve).

        Returns
        -------
        self
        """
        return self._fit_stats(train, validation)

    def _fit_stats(self, train: RidgeStats, validation: RidgeStats | None) -> ShardedRidge:
        alphas = [float(a) for a in self.alphas]
        if len(alphas) > 1 and validation is None:
            raise ValueError("ShardedRidge: several alphas but no validation statistics")
        rows = []
        fits = []
        for alpha in alphas:
            coef, intercept = ridge_from_stats(train, alpha)
            fits.append((alpha, coef, intercept))
            if validation is not None:
                scores = validation.score(coef, intercept)
                rows.append({"alpha": alpha, **{k: scores[k] for k in ("pearson_r", "r2", "mse")}})
        if rows:
            mse = np.array([row["mse"] for row in rows])
            tied = np.flatnonzero(mse <= mse.min() * (1 + self.selection_tol))
            chosen = max(tied, key=lambda i: alphas[i])
        else:
            chosen = 0
        self.alpha_, self.coef_, self.intercept_ = fits[chosen]
        self.validation_scores_ = pd.DataFrame(rows).set_index("alpha") if rows else None
        self.n_train_ = int(train.n)
        self.stats_ = train
        vec = self._vectorizer()
        names = getattr(vec, "get_feature_names_out", None)
        self.feature_names_out_ = names() if names else np.arange(len(self.coef_))
        return self

    def predict(self, sequences: Any) -> np.ndarray:
        """Predict expression for sequences held in memory (a list or Series)."""
        check_is_fitted(self, "coef_")
        X = self._vectorizer().transform(sequences)
        return np.asarray(X @ self.coef_).ravel() + self.intercept_

    def score_shards(self, shards: Iterable[str | Path]) -> dict[str, float]:
        """Held-out metrics (``n``, ``pearson_r``, ``r2``, ``mse``) on other shards.

        Raises
        ------
        ValueError
            If a shard was used for fitting (training or validation).
        """
        check_is_fitted(self, "coef_")
        paths = _check_paths(shards, "test")
        stats = shard_stats(paths, self._vectorizer(), chunk_rows=self.chunk_rows)
        (total,) = compute(
            tree_reduce(stats, split_every=self.split_every),
            scheduler=self.scheduler,
            progress=self.progress,
        )
        return total.score(self.coef_, self.intercept_)


# --------------------------------------------------------------------------- #
# Streaming model for feature spaces too wide for XᵀX
# --------------------------------------------------------------------------- #


@dataclass
class _Moments:
    n: int
    sum_x: np.ndarray
    sum_xx: np.ndarray
    sum_y: float

    def __add__(self, other: _Moments) -> _Moments:
        return _Moments(
            self.n + other.n,
            self.sum_x + other.sum_x,
            self.sum_xx + other.sum_xx,
            self.sum_y + other.sum_y,
        )


def _shard_moments(path: str, vectorizer: Any) -> _Moments:
    frame = read_shard(path, columns=("sequence", "expression"))
    X = _vectorizer_matrix(vectorizer, frame["sequence"].tolist())
    sq = X.multiply(X)
    return _Moments(
        X.shape[0],
        np.asarray(X.sum(axis=0, dtype=np.float64)).ravel(),
        np.asarray(sq.sum(axis=0, dtype=np.float64)).ravel(),
        float(frame["expression"].sum()),
    )


@dataclass
class _PredStats:
    n: int
    sy: float
    sp: float
    syy: float
    spp: float
    syp: float

    def __add__(self, o: _PredStats) -> _PredStats:
        return _PredStats(
            self.n + o.n,
            self.sy + o.sy,
            self.sp + o.sp,
            self.syy + o.syy,
            self.spp + o.spp,
            self.syp + o.syp,
        )

    def score(self) -> dict[str, float]:
        n = self.n
        cyy = self.syy - self.sy**2 / n
        cpp = self.spp - self.sp**2 / n
        cyp = self.syp - self.sy * self.sp / n
        sse = self.syy - 2 * self.syp + self.spp
        return {
            "n": int(n),
            "pearson_r": float(cyp / math.sqrt(cyy * cpp)) if cyy > 0 and cpp > 0 else float("nan"),
            "r2": float(1 - sse / cyy) if cyy > 0 else float("nan"),
            "mse": float(sse / n),
        }


def _shard_pred_stats(path: str, model: Any) -> _PredStats:
    frame = read_shard(path, columns=("sequence", "expression"))
    y = frame["expression"].to_numpy(dtype=np.float64)
    p = model.predict(frame["sequence"].tolist())
    return _PredStats(len(y), y.sum(), p.sum(), y @ y, p @ p, y @ p)


class ShardedSGDRegressor(ParamsChecked, BaseEstimator):
    """Linear model trained by streaming shards through ``SGDRegressor.partial_fit``.

    For feature spaces too wide for a p × p Gram matrix (k = 8 has 65,536
    columns: XᵀX would take 34 GB). One Dask pass computes each column's
    scale and the mean of y: columns are divided by their root mean square
    (so sparse rows stay sparse) times the square root of the number of
    non-zero columns, which makes the mean squared row norm 1, so one
    learning rate suits any k. Then the shards are streamed in a fixed order,
    epoch after epoch, in mini-batches, through ``partial_fit`` in the calling
    process (the updates are sequential by nature; only one shard is in memory
    at a time).

    Training runs to a stated tolerance: it stops after the first epoch
    whose update changed the coefficients by less than ``tol`` relative to
    their norm, ``‖w_e − w_{e−1}‖ ≤ tol · ‖w_e‖``. A fit that reaches
    ``max_epochs`` first warns with
    :class:`~sklearn.exceptions.ConvergenceWarning`, as scikit-learn's
    iterative estimators do.

    Parameters
    ----------
    vectorizer : transformer, default=KmerVectorizer(k=6)
    max_epochs : int, default=20
        Cap on the passes over the training shards.
    tol : float, default=0.01
        Relative change of the coefficients over one epoch below which the
        fit has converged (> 0).
    batch_size : int, default=10_000
    alpha : float, default=1e-4
        L2 penalty of ``SGDRegressor``.
    eta0 : float, default=0.5
        Initial learning rate (``learning_rate="invscaling"``).
    random_state : int, default=0
    scheduler : str, optional
    progress : bool, default=False

    Attributes
    ----------
    sgd_ : sklearn.linear_model.SGDRegressor
    scale_ : numpy.ndarray
        Column scales the features are divided by.
    y_mean_ : float
    n_train_ : int
    n_epochs_ : int
        Epochs run.
    converged_ : bool
        Whether the last epoch changed the coefficients by less than ``tol``.
    coef_change_ : list of float
        Relative change of the coefficients in each epoch.

    Examples
    --------
    >>> import tempfile, warnings
    >>> from sklearn.exceptions import ConvergenceWarning
    >>> shards = write_promoter_shards(tempfile.mkdtemp(), 4000, shard_size=1000,
    ...                                scheduler="synchronous")
    >>> model = ShardedSGDRegressor(KmerVectorizer(k=3), batch_size=500, tol=0.01,
    ...                             scheduler="synchronous").fit(shards[:3])
    >>> model.converged_, model.coef_change_[-1] <= 0.01
    (True, True)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = ShardedSGDRegressor(KmerVectorizer(k=3), max_epochs=1, tol=1e-9,
    ...                             scheduler="synchronous").fit(shards[:1])
    >>> [w.category.__name__ for w in caught]
    ['ConvergenceWarning']
    """

    _parameter_constraints: dict[str, list] = {
        **_SHARED_CONSTRAINTS,
        "max_epochs": [integers(1)],
        "tol": [numbers(0, None, closed="neither")],
        "batch_size": [integers(1)],
        "alpha": [numbers(0, None, closed="left")],
        "eta0": [numbers(0, None, closed="neither")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        vectorizer: Any = None,
        *,
        max_epochs: int = 20,
        tol: float = 0.01,
        batch_size: int = 10_000,
        alpha: float = 1e-4,
        eta0: float = 0.5,
        random_state: int = 0,
        scheduler: str | None = None,
        progress: bool = False,
    ) -> None:
        self.vectorizer = vectorizer
        self.max_epochs = max_epochs
        self.tol = tol
        self.batch_size = batch_size
        self.alpha = alpha
        self.eta0 = eta0
        self.random_state = random_state
        self.scheduler = scheduler
        self.progress = progress

    def _vectorizer(self) -> Any:
        return _ready(self.vectorizer if self.vectorizer is not None else KmerVectorizer(k=6))

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, train_shards: Iterable[str | Path]) -> ShardedSGDRegressor:
        """Stream the training shards through ``partial_fit``; returns self."""
        from sklearn.linear_model import SGDRegressor

        paths = _check_paths(train_shards, "training")
        vec = self._vectorizer()
        parts = [dask.delayed(_shard_moments, pure=True)(p, vec) for p in paths]
        (m,) = compute(tree_reduce(parts), scheduler=self.scheduler, progress=self.progress)
        rms = np.sqrt(m.sum_xx / m.n)
        self.scale_ = np.where(rms > 0, rms * math.sqrt(max(1, int((rms > 0).sum()))), 1.0)
        self.y_mean_ = m.sum_y / m.n
        self.n_train_ = int(m.n)
        sgd = SGDRegressor(
            alpha=self.alpha,
            eta0=self.eta0,
            learning_rate="invscaling",
            random_state=self.random_state,
        )
        inv = sp.diags(1.0 / self.scale_)
        previous = np.zeros(len(self.scale_))
        self.coef_change_: list[float] = []
        self.converged_ = False
        for _ in range(int(self.max_epochs)):
            for path in paths:
                frame = read_shard(path, columns=("sequence", "expression"))
                seqs = frame["sequence"].tolist()
                y = frame["expression"].to_numpy(dtype=np.float64) - self.y_mean_
                for r in range(0, len(seqs), int(self.batch_size)):
                    X = _vectorizer_matrix(vec, seqs[r : r + int(self.batch_size)]) @ inv
                    sgd.partial_fit(X, y[r : r + int(self.batch_size)])
            norm = float(np.linalg.norm(sgd.coef_))
            change = float(np.linalg.norm(sgd.coef_ - previous)) / norm if norm > 0 else 0.0
            self.coef_change_.append(change)
            previous = sgd.coef_.copy()
            if change <= self.tol:
                self.converged_ = True
                break
        self.n_epochs_ = len(self.coef_change_)
        if not self.converged_:
            warnings.warn(
                f"ShardedSGDRegressor stopped at max_epochs={self.max_epochs} before "
                f"converging: the last epoch changed the coefficients by "
                f"{self.coef_change_[-1]:.2g} (relative), tol={self.tol:g}. Raise max_epochs "
                "or eta0.",
                ConvergenceWarning,
                stacklevel=3,  # the caller's line, past fit_context's wrapper
            )
        self.sgd_ = sgd
        return self

    def predict(self, sequences: Any) -> np.ndarray:
        """Predict expression for sequences held in memory."""
        check_is_fitted(self, "sgd_")
        X = _vectorizer_matrix(self._vectorizer(), check_list(sequences)) @ sp.diags(
            1.0 / self.scale_
        )
        return self.sgd_.predict(X) + self.y_mean_

    def score_shards(self, shards: Iterable[str | Path]) -> dict[str, float]:
        """Held-out metrics (``n``, ``pearson_r``, ``r2``, ``mse``) on other shards."""
        check_is_fitted(self, "sgd_")
        paths = _check_paths(shards, "test")
        parts = [dask.delayed(_shard_pred_stats, pure=True)(p, self) for p in paths]
        (total,) = compute(tree_reduce(parts), scheduler=self.scheduler, progress=self.progress)
        return total.score()


def check_list(sequences: Any) -> list[str]:
    """Sequences as a list of str (a Series, array or list)."""
    if isinstance(sequences, pd.Series):
        return sequences.tolist()
    return list(sequences)
