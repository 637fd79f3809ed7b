"""Reading a CNN's first-layer filters as motifs: probabilities, one-hot consensus, matching.

:func:`filter_to_pwm`  filter weights -> a position probability matrix (softmax per position)
:func:`motif_onehot`   a consensus as a one-hot ``(len, 4)`` matrix
:func:`filter_match`   the filter (and offset) that best matches a consensus

The weights come from :meth:`helpers.estimators.cnn.CNNRegressor.filter_weights`;
nothing here needs Keras.
"""

from __future__ import annotations

import numpy as np

from helpers.core.checks import Rule, check_params
from helpers.sequences import DNA

__all__ = ["filter_match", "filter_to_pwm", "motif_onehot"]

#: What a consensus may be (:func:`motif_onehot`).
_CONSENSUS = Rule(
    lambda c: isinstance(c, str) and bool(c) and set(c.upper()) <= set(DNA),
    "a non-empty string of A, C, G, T",
)


def filter_to_pwm(weights: np.ndarray) -> np.ndarray:
    """Turn filter weights ``(..., k, 4)`` into a probability matrix per position (softmax).

    With an exponential activation a filter's output is ``exp(sum of weights)``,
    which has the form of a likelihood ratio; the softmax over the four bases at
    each position gives the matching position probability matrix.

    Examples
    --------
    >>> filter_to_pwm(np.array([[0.0, 0.0, 0.0, np.log(5.0)]])).round(3)
    array([[0.125, 0.125, 0.125, 0.625]])
    """
    w = np.asarray(weights, dtype=np.float64)
    e = np.exp(w - w.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def motif_onehot(consensus: str) -> np.ndarray:
    """One-hot ``(len, 4)`` matrix of a consensus (A, C, G, T only).

    Examples
    --------
    >>> motif_onehot("TA").astype(int)
    array([[0, 0, 0, 1],
           [1, 0, 0, 0]])
    """
    check_params("motif_onehot", {"consensus": consensus}, {"consensus": [_CONSENSUS]})
    return np.array([[float(c == b) for b in DNA] for c in consensus.upper()])


def filter_match(
    weights: np.ndarray, consensus: str, *, min_overlap: int | None = None
) -> tuple[float, int, int]:
    """How well the best filter matches a consensus motif.

    The similarity of a filter and a motif is the Pearson correlation between
    the filter's weights (centred at each position) and the motif's one-hot
    matrix (centred the same way), over the positions where they overlap. Each
    filter is slid along the motif (overlap of at least ``min_overlap``
    positions, by default the whole motif) and the best offset
    counts. A score of 1 means the filter ranks the consensus base first at
    every position with the other three equal. The best of many random
    filters also scores well above 0 (the more filters and offsets, the
    higher), so compare a score with that of random filters of the same shape.

    Parameters
    ----------
    weights : array of shape (n_filters, k, 4)
        From :meth:`CNNRegressor.filter_weights`.
    consensus : str
        E.g. ``"TATAAT"``.
    min_overlap : int, optional

    Returns
    -------
    (score, filter index, offset)
        ``offset`` is the motif position aligned with the filter's first
        position (negative: the motif starts inside the filter).

    Examples
    --------
    >>> w = np.stack([np.log(0.1 + 0.9 * motif_onehot("TATAAT")), np.zeros((6, 4))])
    >>> score, best, offset = filter_match(w, "TATAAT")
    >>> round(score, 3), best, offset
    (1.0, 0, 0)
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 3 or w.shape[2] != 4:
        raise ValueError(f"weights must have shape (n_filters, k, 4), got {w.shape}")
    motif = motif_onehot(consensus)
    m, k = motif.shape[0], w.shape[1]
    need = m if min_overlap is None else int(min_overlap)
    need = max(1, min(need, m, k))
    wc = w - w.mean(axis=2, keepdims=True)
    mc = motif - motif.mean(axis=1, keepdims=True)
    best = (-np.inf, -1, 0)
    for offset in range(-(k - need), m - need + 1):
        # filter position j aligns with motif position j + offset
        j0, j1 = max(0, -offset), min(k, m - offset)
        if j1 - j0 < need:
            continue
        b = mc[j0 + offset : j1 + offset].ravel()
        for f in range(w.shape[0]):
            a = wc[f, j0:j1].ravel()
            denom = np.sqrt((a @ a) * (b @ b))
            score = float(a @ b / denom) if denom > 0 else 0.0
            if score > best[0]:
                best = (score, f, offset)
    return best
