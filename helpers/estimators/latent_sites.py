"""LatentSiteRegressor: promoter strength from raw sequences, the σ70 site placement left latent.

A scikit-learn regressor on sequences of any lengths. Each sequence is
scanned for every placement of a −35 box, a 15–19 nt spacer and a −10 box
(:mod:`helpers.sites.scan`, site scores as in :mod:`helpers.sites.model`):
position weights for the boxes, spacer-length, extended −10 and
discriminator terms, summed over *every* placement as a partition function
does, with a saturation floor. Its fitted weights are
:class:`~helpers.sites.model.SiteWeights`, so
:func:`~helpers.sites.finder.find_sites` can locate sites with them.

Sign convention: like La Fleur's ``observed`` and the Promoter Calculator,
:class:`LatentSiteRegressor` predicts a quantity where **more negative means
a stronger promoter** (``direction=-1``); pass ``direction=1`` for targets
where larger means stronger.
"""

from __future__ import annotations

import warnings
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted

from helpers.core.arrays import as_float_array
from helpers.core.checks import (
    Options,
    ParamsChecked,
    StrOptions,
    fit_context,
    integers,
    numbers,
)
from helpers.features.inputs import _SequenceInputTags
from helpers.sites.finder import find_sites
from helpers.sites.model import BOX, EXT, SPACERS, SiteWeights, consensus_weights
from helpers.sites.scan import (
    _batches,
    _best_sites,
    _logsumexp_rows,
    _scan,
    _window_one_hot,
    encode_codes,
)

__all__ = ["LatentSiteRegressor"]

_SIZES = {"minus35": BOX * 4, "minus10": BOX * 4, "extended10": EXT * 4, "discriminator": BOX * 4}


class LatentSiteRegressor(ParamsChecked, _SequenceInputTags, RegressorMixin, BaseEstimator):
    """Promoter strength from raw sequences, with the σ70 site placement left latent.

    Each sequence is scanned for every placement of a −35 box, a spacer of
    15–19 nt and a −10 box (see the module docstring for the site score).
    The placements are combined into one binding term ``A``, either summed
    as in a partition function (``aggregate="sum"``: ``A = log Σ exp(score)``)
    or by taking the best site (``"max"``), and mapped to the target with a
    saturating floor::

        y = β + direction · α · log(exp(A) + exp(c0))

    so that very weak sites all predict about the same level (``c0`` is the
    background that no site beats; ``floor=False`` drops it, giving
    ``y = β + direction · α · A``). The weights are fitted by L-BFGS on the
    mean squared error plus ``l2`` times half the squared site weights and
    ``log α`` (without a penalty on ``log α`` the fit can drift for ever
    along a valley where ``α`` and ``c0`` grow together and the link tends
    to an exponential), with
    the analytic gradient, in float64, **to convergence**: the fit stops when
    the largest gradient component is below ``tol`` (or the objective no
    longer decreases by a relative ``1e-12`` per step) and warns with
    :class:`~sklearn.exceptions.ConvergenceWarning` if it reaches
    ``max_iter`` first. The penalty ``l2`` is the regulariser; the number of
    iterations is not (stopping early would act as a hidden one that depends
    on where rounding happens to stop the optimiser).

    Parameters
    ----------
    aggregate : {"sum", "max"}, default="sum"
        How placements are combined, in fitting and in prediction.
    floor : bool, default=True
        Fit the saturation floor ``c0``.
    discriminator : bool, default=True
        Fit weights for the six bases after the −10 box.
    extended10 : bool, default=True
        Fit weights for the three bases before the −10 box.
    l2 : float, default=1e-2
        Ridge penalty on the site weights (box, extended −10, discriminator and
        spacer terms) and on ``log α``; not on β or ``c0``. The default was chosen by a validation
        on La Fleur's library that holds out whole part families
        (``benchmarks/transfer_selection.py``, results in
        ``benchmarks/results/transfer_selection.json``); no test library was read.
    max_iter : int, default=2000
        Cap on L-BFGS iterations; reaching it raises a ``ConvergenceWarning``.
    tol : float, default=1e-5
        Convergence tolerance on the largest absolute gradient component of
        the objective.
    dtype : {"float64", "float32"}, default="float64"
        Precision of the site scores. float32 is faster but its rounding
        differs between CPUs; float64 fits agree across machines to well
        within the book's output tolerance.
    init_scale : float, default=1.0
        Starting weights are :func:`consensus_weights` with this ``match``
        score (textbook knowledge of σ70; the fit then moves them freely).
    direction : {-1, 1}, default=-1
        -1 if more negative targets mean stronger promoters (La Fleur's
        ``observed``, the Promoter Calculator), 1 if larger means stronger.

    Attributes
    ----------
    weights_ : SiteWeights
        The fitted site weights (use with :func:`find_sites`).
    intercept_, scale_, floor_ : float
        β, α and c0 (``floor_`` is ``-inf`` when ``floor=False``).
    n_iter_ : int
        L-BFGS iterations run (varies in its last digits between CPUs; do not
        print it as a result).
    converged_ : bool
        Whether the fit met ``tol`` (or stopped decreasing) before ``max_iter``.
    loss_ : float
        Final value of the objective.
    n_parameters_ : int
        Number of fitted parameters (box, extended −10, discriminator and
        spacer weights that are switched on, plus β, α and, with the floor, c0).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> background = ["".join(rng.choice(list("ACGT"), 60)) for _ in range(200)]
    >>> strong = [s[:10] + "TTGACA" + s[16:33] + "TATAAT" + s[39:] for s in background[:100]]
    >>> y = np.r_[np.full(100, -3.0), np.zeros(100)] + rng.normal(0, 0.1, 200)
    >>> model = LatentSiteRegressor().fit(strong + background[100:], y)
    >>> model.converged_, model.n_parameters_
    (True, 92)
    >>> bool(model.score(strong + background[100:], y) > 0.8)
    True
    """

    _parameter_constraints: dict[str, list] = {
        "aggregate": [StrOptions({"sum", "max"})],
        "floor": ["boolean"],
        "discriminator": ["boolean"],
        "extended10": ["boolean"],
        "l2": [numbers(0, None, closed="left")],
        "max_iter": [integers(1)],
        "tol": [numbers(0, None, closed="neither")],
        "dtype": [StrOptions({"float64", "float32"})],
        "init_scale": [numbers(None, None, closed="neither")],
        "direction": [Options(Integral, {-1, 1})],
    }

    def __init__(
        self,
        aggregate: str = "sum",
        floor: bool = True,
        discriminator: bool = True,
        extended10: bool = True,
        l2: float = 1e-2,
        max_iter: int = 2000,
        tol: float = 1e-5,
        dtype: str = "float64",
        init_scale: float = 1.0,
        direction: int = -1,
    ) -> None:
        self.aggregate = aggregate
        self.floor = floor
        self.discriminator = discriminator
        self.extended10 = extended10
        self.l2 = l2
        self.max_iter = max_iter
        self.tol = tol
        self.dtype = dtype
        self.init_scale = init_scale
        self.direction = direction

    # -- the parameter vector --------------------------------------------- #

    def _unpack(self, theta: np.ndarray) -> tuple[SiteWeights, float, float, float]:
        pieces, start = {}, 0
        for name, size in _SIZES.items():
            pieces[name] = theta[start : start + size].reshape(-1, 4)
            start += size
        spacer = theta[start : start + len(SPACERS)]
        beta, log_alpha, c0 = theta[start + len(SPACERS) :]
        return SiteWeights(spacer=spacer, **pieces), beta, np.exp(log_alpha), c0

    def _free_mask(self) -> np.ndarray:
        """1 for parameters that are fitted, 0 for those held at zero / switched off."""
        mask = []
        for name, size in _SIZES.items():
            on = (name != "discriminator" or self.discriminator) and (
                name != "extended10" or self.extended10
            )
            mask += [float(on)] * size
        mask += [1.0] * len(SPACERS) + [1.0, 1.0, float(self.floor)]
        return np.array(mask)

    # -- objective -------------------------------------------------------- #

    def _binding(self, codes, lengths, weights, windows=None):
        """Binding term A of each sequence, placement weights and their row sums.

        For ``aggregate="sum"`` the weights are ``exp(score - max)``; dividing
        by the sums gives the posterior of each placement. For ``"max"`` they
        are 1 at the best placement and 0 elsewhere.
        """
        scores = _scan(codes, lengths, weights, windows=windows, dtype=np.dtype(self.dtype))
        if self.aggregate == "sum":
            return _logsumexp_rows(scores)
        spacer_index, start, best = _best_sites(scores)
        post = np.zeros_like(scores)
        post[spacer_index, np.arange(len(start)), start] = 1.0
        return best.astype(np.float64), post, np.ones(len(start))

    def _link(self, a, beta, alpha, c0):
        """Prediction, the link's value and its derivative with respect to A."""
        if self.floor:
            f = np.logaddexp(a, c0)
            d_a = np.exp(a - f)  # sigmoid(a - c0)
        else:
            f, d_a = a, np.ones_like(a)
        return beta + self.direction * alpha * f, f, d_a

    def _objective(self, theta, batches, y, free):
        theta = theta * free
        weights, beta, alpha, c0 = self._unpack(theta)
        n_total = len(y)
        loss = 0.0
        grad_boxes = np.zeros((4, BOX * 4))
        grad_spacer = np.zeros(len(SPACERS))
        grad_link = np.zeros(3)
        for rows, codes, lengths, windows in batches:
            a, post, total = self._binding(codes, lengths, weights, windows)
            pred, f, d_a = self._link(a, beta, alpha, c0)
            resid = pred - y[rows]
            loss += 0.5 * np.sum(resid**2) / n_total
            # d loss / d A per sequence, spread over placements by their posterior
            g_a = (resid / n_total) * self.direction * alpha * d_a
            post *= (g_a / total).astype(post.dtype)[None, :, None]
            n, n_starts = post.shape[1], post.shape[2]
            length = codes.shape[1] - BOX
            marg = np.zeros((4, n, length), dtype=post.dtype)
            up_marg = post.sum(axis=0)
            marg[0, :, :n_starts] = up_marg
            m10 = np.zeros((n, length + max(SPACERS) + BOX), dtype=post.dtype)
            for k, s in enumerate(SPACERS):
                m10[:, BOX + s : BOX + s + n_starts] += post[k]
            marg[1] = m10[:, :length]
            marg[2, :, :-EXT] = m10[:, EXT:length]
            marg[3, :, BOX:] = m10[:, : length - BOX]
            grad_boxes += marg.reshape(4, -1) @ windows.T
            grad_spacer += post.sum(axis=(1, 2), dtype=np.float64)
            grad_link += [
                np.sum(resid) / n_total,
                np.sum(resid * self.direction * alpha * f) / n_total,
                np.sum(resid / n_total * self.direction * alpha * (1.0 - d_a)) if self.floor else 0,
            ]
        penalized = free.copy()
        penalized[[-3, -1]] = 0.0  # β and c0 are free; log α is penalised (see the docstring)
        loss += 0.5 * self.l2 * np.sum((theta * penalized) ** 2)
        grad = np.concatenate(
            [
                grad_boxes[0],
                grad_boxes[1],
                grad_boxes[2, : EXT * 4],
                grad_boxes[3],
                grad_spacer,
                grad_link,
            ]
        )
        grad += self.l2 * theta * penalized
        return float(loss), grad * free

    def _initial(self, y: np.ndarray) -> np.ndarray:
        start = consensus_weights(match=self.init_scale, spacer_penalty=0.5 * self.init_scale)
        theta = np.concatenate(
            [
                start.minus35.ravel(),
                start.minus10.ravel(),
                start.extended10.ravel(),
                start.discriminator.ravel(),
                start.spacer,
                [0.0, 0.0, 0.0],
            ]
        )
        # start the link at the data: intercept at the strong end, floor at the weak end
        top = 12.0 * self.init_scale
        theta[-3] = float(np.median(y)) - self.direction * top
        theta[-1] = 6.0 * self.init_scale
        return theta

    # -- scikit-learn API ------------------------------------------------- #

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y) -> LatentSiteRegressor:
        """Fit the site weights and link on sequences ``X`` and targets ``y``.

        Parameters
        ----------
        X : list, numpy array, pandas Series or one-column DataFrame of str
            Sequences of any lengths (at least 27 nt; ACGTN, either case).
        y : array-like of shape (n,)
            Finite targets.

        Returns
        -------
        self
        """
        codes, lengths = encode_codes(X, min_length=12 + min(SPACERS))
        y = as_float_array(y, "y").ravel()
        if y.shape[0] != len(lengths):
            raise ValueError(f"X has {len(lengths)} sequences but y has {y.shape[0]} values")
        if not np.all(np.isfinite(y)):
            row = int(np.flatnonzero(~np.isfinite(y))[0])
            raise ValueError(f"y must be finite; row {row} is {y[row]}")
        batches = []
        for rows in _batches(lengths):
            sub = codes[rows, : lengths[rows].max() + BOX]
            batches.append((rows, sub, lengths[rows], _window_one_hot(sub, dtype=self.dtype)))
        free = self._free_mask()
        result = minimize(
            self._objective,
            self._initial(y) * free,
            args=(batches, y, free),
            jac=True,
            method="L-BFGS-B",
            options={
                "maxiter": int(self.max_iter),
                "maxfun": 4 * int(self.max_iter),
                "gtol": float(self.tol),
                "ftol": 1e-12,
            },
        )
        # status 0: converged (gradient or relative decrease); 1: iteration or
        # evaluation cap; 2: the line search could not improve (at a
        # stationary point in floating point when the gradient is tiny)
        grad_max = float(np.abs(result.jac).max())
        self.converged_ = bool(
            result.status == 0 or (result.status == 2 and grad_max <= 10 * self.tol)
        )
        if not self.converged_:
            warnings.warn(
                f"LatentSiteRegressor did not converge in {result.nit} L-BFGS iterations "
                f"(largest gradient {grad_max:.2g}, tol {self.tol:g}; {result.message}); "
                "increase max_iter or l2",
                ConvergenceWarning,
                stacklevel=3,  # past fit_context's wrapper: the caller's line
            )
        theta = result.x * free
        weights, beta, alpha, c0 = self._unpack(theta)
        self.weights_ = SiteWeights(*(np.asarray(w, dtype=float).copy() for w in weights))
        self.intercept_, self.scale_ = float(beta), float(alpha)
        self.floor_ = float(c0) if self.floor else -np.inf
        self.n_iter_ = int(result.nit)
        self.loss_ = float(result.fun)
        self.n_parameters_ = int(free.sum())
        self.n_features_in_ = 1
        return self

    def binding(self, X) -> np.ndarray:
        """The binding term ``A`` of each sequence (higher = stronger sites)."""
        check_is_fitted(self, "weights_")
        codes, lengths = encode_codes(X, min_length=12 + min(SPACERS))
        out = np.empty(len(lengths))
        for rows in _batches(lengths):
            sub = codes[rows, : lengths[rows].max() + BOX]
            out[rows] = self._binding(sub, lengths[rows], self.weights_)[0]
        return out

    def predict(self, X) -> np.ndarray:
        """Predict the target of each sequence.

        Parameters
        ----------
        X : list, numpy array, pandas Series or one-column DataFrame of str

        Returns
        -------
        numpy.ndarray of shape (n,)
        """
        a = self.binding(X)
        return self._link(a, self.intercept_, self.scale_, self.floor_)[0]

    def sites(self, X) -> pd.DataFrame:
        """The best site of each sequence under the fitted weights (see :func:`find_sites`)."""
        check_is_fitted(self, "weights_")
        return find_sites(X, self.weights_)

    # -- saving and loading a fit ------------------------------------------ #

    def to_dict(self) -> dict[str, Any]:
        """The fitted model as plain JSON-serialisable values (about 100 numbers).

        A converged fit on a large library can take minutes; a benchmark can
        run it once and commit the result, which :meth:`from_dict` loads.

        Returns
        -------
        dict
            ``params`` (the constructor arguments), ``weights`` (one list of
            lists per part, ``spacer`` a list), ``intercept``, ``scale``,
            ``floor`` (``None`` without a floor), ``n_parameters``,
            ``converged``, ``n_iter`` and ``loss``.

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> X = ["".join(rng.choice(list("ACGT"), 40)) for _ in range(30)]
        >>> model = LatentSiteRegressor(max_iter=5, tol=1e-3)
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", ConvergenceWarning)
        ...     model = model.fit(X, rng.normal(size=30))
        >>> copy = LatentSiteRegressor.from_dict(model.to_dict())
        >>> bool(np.allclose(copy.predict(X), model.predict(X)))
        True
        """
        check_is_fitted(self, "weights_")
        return {
            "params": self.get_params(),
            "weights": {
                name: np.asarray(value, dtype=float).tolist()
                for name, value in self.weights_._asdict().items()
            },
            "intercept": self.intercept_,
            "scale": self.scale_,
            "floor": None if not np.isfinite(self.floor_) else self.floor_,
            "n_parameters": self.n_parameters_,
            "converged": self.converged_,
            "n_iter": self.n_iter_,
            "loss": self.loss_,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LatentSiteRegressor:
        """A fitted model from the output of :meth:`to_dict` (e.g. read from JSON).

        Parameters
        ----------
        data : dict
            As returned by :meth:`to_dict`.

        Returns
        -------
        LatentSiteRegressor
            Fitted: ``predict``, ``binding`` and ``sites`` work without
            calling ``fit``.

        Raises
        ------
        ValueError
            If a key is missing or a weight array has the wrong shape.
        """
        required = {"params", "weights", "intercept", "scale", "floor", "n_parameters"}
        missing = sorted(required - set(data))
        if missing:
            raise ValueError(f"LatentSiteRegressor.from_dict: missing key(s) {missing}")
        model = cls(**data["params"])
        model._validate_params()
        shapes: dict[str, tuple[int, ...]] = {n: (size // 4, 4) for n, size in _SIZES.items()}
        shapes["spacer"] = (len(SPACERS),)
        weights = {}
        for name, shape in shapes.items():
            value = np.asarray(data["weights"].get(name, ()), dtype=float)
            if value.shape != shape:
                raise ValueError(
                    f"LatentSiteRegressor.from_dict: weights[{name!r}] must have shape {shape}, "
                    f"got {value.shape}"
                )
            weights[name] = value
        model.weights_ = SiteWeights(**weights)
        model.intercept_ = float(data["intercept"])
        model.scale_ = float(data["scale"])
        model.floor_ = -np.inf if data["floor"] is None else float(data["floor"])
        model.n_parameters_ = int(data["n_parameters"])
        model.converged_ = bool(data.get("converged", True))
        model.n_iter_ = int(data.get("n_iter", 0))
        model.loss_ = float(data.get("loss", np.nan))
        model.n_features_in_ = 1
        return model
