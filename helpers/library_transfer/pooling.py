"""Pooling libraries measured differently, and drawing the rows to train on.

``normalize_within``    the target standardised within each library (z-score or
                        rank normal scores), so libraries on different scales pool
``target_resemblance``  how much each training row resembles a target library's
                        *sequences* (a classifier telling them apart; no
                        measurement of the target used)
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm, rankdata
from sklearn.linear_model import LogisticRegression

from helpers.features.inputs import check_sequences
from helpers.features.kmers import KmerVectorizer
from helpers.library_transfer.windows import core_windows

__all__ = ["POOL", "normalize_within", "target_resemblance"]

#: With a ``target``, the resemblance is computed on a uniform pool of this many
#: times ``max_rows_per_library`` rows per library, from which the rows are drawn.
POOL = 4


def normalize_within(y: Any, groups: Any, method: str = "zscore") -> np.ndarray:
    """Standardise a target within each group (library).

    Parameters
    ----------
    y : array-like of shape (n,)
        Finite targets.
    groups : array-like of shape (n,)
        Library label of each row.
    method : {"zscore", "rank", "none"}, default="zscore"
        ``"zscore"``: subtract the library's mean, divide by its standard
        deviation; ``"rank"``: normal scores of the within-library ranks
        (robust to a monotone but nonlinear difference between reporters);
        ``"none"``: unchanged.

    Returns
    -------
    numpy.ndarray of shape (n,)

    Raises
    ------
    ValueError
        On a length mismatch, a non-finite target, an unknown method, or a
        library whose targets are all equal (it carries no ranking).

    Examples
    --------
    >>> normalize_within([1.0, 3.0, 10.0, 30.0], ["a", "a", "b", "b"]).tolist()
    [-1.0, 1.0, -1.0, 1.0]
    """
    values = np.asarray(y, dtype=np.float64).ravel()
    labels = np.asarray(groups).ravel()
    if method not in ("zscore", "rank", "none"):
        raise ValueError(f"method must be 'zscore', 'rank' or 'none', got {method!r}")
    if values.shape != labels.shape:
        raise ValueError(f"y has {values.size} values but groups has {labels.size}")
    if not np.all(np.isfinite(values)):
        row = int(np.flatnonzero(~np.isfinite(values))[0])
        raise ValueError(f"y must be finite; row {row} is {values[row]}")
    if method == "none":
        return values.copy()
    out = np.empty_like(values)
    for label in pd.unique(labels):
        rows = labels == label
        part = values[rows]
        if np.ptp(part) == 0:
            raise ValueError(
                f"library '{label}': all {part.size} targets are equal, so it cannot be "
                "standardised; drop it or pass normalize='none'"
            )
        if method == "zscore":
            out[rows] = (part - part.mean()) / part.std()
        else:
            out[rows] = norm.ppf((rankdata(part) - 0.5) / part.size)
    return out


def _composition(sequences: Sequence[str], k: int = 3) -> np.ndarray:
    """k-mer frequencies (rows sum to 1) of sequences of any lengths."""
    counts = KmerVectorizer(k=k).fit_transform(list(sequences))
    counts = counts.toarray().astype(np.float64)
    return counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)


def target_resemblance(
    train_sequences: Any,
    target_sequences: Any,
    *,
    flank: int = 20,
    C: float = 1.0,
    max_target: int = 2000,
) -> np.ndarray:
    """How much each training row resembles the target library, from sequences alone.

    A logistic regression on the 3-mer composition of the located core
    windows (:func:`core_windows`; lengths and flanks are not seen) learns to
    tell the target's sequences from the training rows; the odds it gives a
    training row, ``p(target | x) / p(train | x)``, is the classic
    covariate-shift importance weight. No measurement of the target is used.

    Parameters
    ----------
    train_sequences, target_sequences : list, numpy array or pandas Series of str
    flank : int, default=20
        Window flank (see :func:`core_windows`).
    C : float, default=1.0
        Inverse L2 penalty of the classifier.
    max_target : int, default=2000
        Target sequences used at most (a seeded draw from larger targets).

    Returns
    -------
    numpy.ndarray of shape (n_train,)
        Importance weights, clipped to [0.01, 100] times their median and
        scaled to mean 1.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> at_rich = ["".join(rng.choice(list("AATTCG"), 60)) for _ in range(50)]
    >>> gc_rich = ["".join(rng.choice(list("GGCCAT"), 60)) for _ in range(50)]
    >>> w = target_resemblance(at_rich + gc_rich, at_rich[:25])
    >>> bool(w[:50].mean() > w[50:].mean())
    True
    """
    train = core_windows(train_sequences, flank=flank)
    target = check_sequences(target_sequences)
    if len(target) > max_target:  # a seeded draw: the composition needs no more rows
        keep = np.sort(np.random.default_rng(0).choice(len(target), max_target, replace=False))
        target = [target[i] for i in keep]
    target = core_windows(target, flank=flank)
    features = _composition(train + target)
    label = np.r_[np.zeros(len(train)), np.ones(len(target))]
    classifier = LogisticRegression(C=C, max_iter=5000, tol=1e-8)
    with warnings.catch_warnings():
        warnings.simplefilter("error", category=Warning)  # a non-converged classifier is an error
        classifier.fit(features, label)
    logit = classifier.decision_function(features[: len(train)])
    odds = np.exp(logit - np.median(logit))
    odds = np.clip(odds, 0.01, 100.0)
    return odds / odds.mean()


def _resample_rows(
    groups: np.ndarray,
    cap: int | None,
    rng: np.random.Generator,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Row indices kept: at most ``cap`` rows per library (all without a cap).

    With ``weights`` (importance of each row for the target), the total number
    of rows stays that of the uniform draw, but each library's share and the
    rows drawn follow the weights (sampling without replacement).
    """
    labels = pd.unique(groups)
    per_library = {lab: np.flatnonzero(groups == lab) for lab in labels}
    if cap is None:
        sizes = {lab: len(rows) for lab, rows in per_library.items()}
    else:
        sizes = {lab: min(cap, len(rows)) for lab, rows in per_library.items()}
    if weights is not None:
        total = sum(sizes.values())
        mass = {lab: float(weights[rows].sum()) for lab, rows in per_library.items()}
        scale = total / sum(mass.values())
        sizes = {
            lab: int(min(len(per_library[lab]), max(50, round(mass[lab] * scale))))
            for lab in labels
        }
    kept = []
    for lab in labels:
        rows = per_library[lab]
        n = sizes[lab]
        if n >= len(rows):
            kept.append(rows)
            continue
        p = None
        if weights is not None:
            p = weights[rows] / weights[rows].sum()
        kept.append(np.sort(rng.choice(rows, size=n, replace=False, p=p)))
    return np.concatenate(kept)
