"""Scanning sequences for σ70 sites: every placement of the site model, scored at once.

The site finder (:mod:`helpers.sites.finder`) and the latent-placement
regressor (:mod:`helpers.estimators.latent_sites`) share these steps:

``encode_codes``     sequences of any lengths -> right-padded base codes and lengths
``_batches``         rows grouped by length, so short sequences are not scanned as long ones
``_window_one_hot``  the one-hot 6-base window at every position (box scores as one product)
``_scan``            the score of every placement (spacer x sequence x −35 start)
``_logsumexp_rows``  the partition function over placements (and unnormalised posteriors)
``_best_sites``      the best placement of each sequence

Every placement whose −10 box lies inside the sequence is scored; the
others score ``-inf``. Base codes come from :mod:`helpers.core.alphabet`
(the one byte-code table); padding is the code of ``N``, which every
weight counts as zero.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from helpers.core.alphabet import BAD_CODE, N_CODE
from helpers.core.alphabet import encode_codes as _base_codes
from helpers.features.inputs import check_sequences
from helpers.sites.model import BOX, EXT, SPACERS, SiteWeights

__all__ = ["encode_codes"]


def encode_codes(sequences: Any, *, min_length: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Base codes of sequences of any lengths, right-padded with the code of ``N``.

    Unlike :func:`helpers.core.alphabet.encode_codes` (one sequence, any
    letters), this validates a batch of sequences and pads them to one
    width: the input of the scanners.

    Parameters
    ----------
    sequences : list, numpy array or pandas Series of str
        DNA sequences; ``A``, ``C``, ``G``, ``T`` and ``N`` in either case.
    min_length : int, optional
        Raise if a sequence is shorter than this.

    Returns
    -------
    codes : numpy.ndarray of uint8, shape (n, max_length + 6)
        0–3 for A, C, G, T; 4 for ``N`` and for padding.
    lengths : numpy.ndarray of int64, shape (n,)

    Raises
    ------
    ValueError
        On an empty input, a non-string row, an invalid character (naming
        row, position and character) or a sequence shorter than
        ``min_length``.

    Examples
    --------
    >>> codes, lengths = encode_codes(["ACGT", "tt"])
    >>> codes[:, :4].tolist(), lengths.tolist()
    ([[0, 1, 2, 3], [3, 3, 4, 4]], [4, 2])
    """
    seqs = check_sequences(sequences)
    if not seqs:
        raise ValueError("no sequences: expected at least one")
    lengths = np.fromiter((len(s) for s in seqs), dtype=np.int64, count=len(seqs))
    if min_length is not None and lengths.min() < min_length:
        row = int(np.argmin(lengths))
        raise ValueError(
            f"row {row}: sequence of {lengths[row]} nt is shorter than {min_length} nt, the "
            "shortest that holds a −35 box, a 15-nt spacer and a −10 box"
        )
    width = int(lengths.max()) + BOX
    codes = np.full((len(seqs), width), N_CODE, dtype=np.uint8)
    for row, seq in enumerate(seqs):
        if seq:
            codes[row, : len(seq)] = _base_codes(seq)
    bad = codes == BAD_CODE
    if bad.any():
        row, pos = (int(v) for v in np.argwhere(bad)[0])
        raise ValueError(
            f"row {row}, position {pos}: invalid character {seqs[row][pos]!r}; sequences may "
            "contain only A, C, G, T and N (either case)"
        )
    return codes, lengths


def _profiles(
    codes: np.ndarray,
    lengths: np.ndarray,
    weights: SiteWeights,
    windows: np.ndarray | None = None,
    dtype=np.float32,
) -> tuple[np.ndarray, np.ndarray]:
    """Box scores at every position: the −35 profile and the downstream profile.

    ``up[n, p]`` is the −35 box score of a box starting at ``p``;
    ``down[n, t]`` the −10 box score at ``t`` plus the extended −10 score at
    ``t - 3`` and the discriminator score at ``t + 6``, and ``-inf`` where a
    −10 box starting at ``t`` would not fit in the sequence, so that every
    placement outside the sequence scores ``-inf`` without a mask. With the
    precomputed ``windows`` of :func:`_window_one_hot` the box scores are one
    matrix product; without, a table look-up per box position.
    """
    n, width = codes.shape
    length = width - BOX
    parts = (weights.minus35, weights.minus10, weights.extended10, weights.discriminator)
    if windows is not None:
        stacked = np.zeros((4, BOX * 4), dtype=dtype)
        for k, part in enumerate(parts):
            stacked[k, : np.size(part)] = np.ravel(part)
        boxes = (stacked @ windows).reshape(4, n, length)
    else:
        boxes = np.zeros((4, n, length), dtype=dtype)
        for k, part in enumerate(parts):
            table = np.zeros((len(part), 5), dtype=dtype)
            table[:, :4] = part
            for j in range(len(part)):
                boxes[k] += table[j][codes[:, j : j + length]]
    down = np.full((n, length + max(SPACERS) + BOX), -np.inf, dtype=dtype)
    core = down[:, :length]
    core[:] = boxes[1]
    core[:, EXT:] += boxes[2, :, :-EXT]
    core[:, :-BOX] += boxes[3, :, BOX:]
    core[np.arange(length)[None, :] + BOX > lengths[:, None]] = -np.inf
    return boxes[0], down


def _n_starts(codes: np.ndarray) -> int:
    """Number of −35 start positions scanned (the −10 box must fit in the longest sequence)."""
    return max(1, codes.shape[1] - BOX - 12 - min(SPACERS) + 1)


def _site_scores(up: np.ndarray, down: np.ndarray, spacer_scores, n_starts: int) -> np.ndarray:
    """Scores of every placement: shape (len(SPACERS), n, P); invalid ones are -inf."""
    scores = np.empty((len(SPACERS), len(up), n_starts), dtype=up.dtype)
    for k, s in enumerate(SPACERS):
        acc = scores[k]
        np.add(up[:, :n_starts], down[:, BOX + s : BOX + s + n_starts], out=acc)
        acc += up.dtype.type(spacer_scores[k])
    return scores


def _logsumexp_rows(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-sequence log-sum-exp over placements, unnormalised weights and their sums."""
    top = scores.max(axis=(0, 2))
    top = np.where(np.isfinite(top), top, 0).astype(scores.dtype)
    post = scores - top[None, :, None]
    np.exp(post, out=post)
    total = post.sum(axis=(0, 2), dtype=np.float64)
    return top.astype(np.float64) + np.log(total), post, total


def _best_sites(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Spacer index, −35 start and score of the best placement of each sequence."""
    n_spacers, n, n_starts = scores.shape
    flat = scores.transpose(1, 0, 2).reshape(n, -1)
    best = flat.argmax(axis=1)
    spacer_index, start = np.divmod(best, n_starts)
    return spacer_index, start, flat[np.arange(n), best]


def _scan(
    codes, lengths, weights, spacer_scores=None, windows=None, dtype=np.float32
) -> np.ndarray:
    """All placement scores of a batch of encoded sequences."""
    up, down = _profiles(codes, lengths, weights, windows, dtype=dtype)
    spacer_scores = weights.spacer if spacer_scores is None else spacer_scores
    return _site_scores(up, down, spacer_scores, _n_starts(codes))


def _batches(lengths: np.ndarray, max_batches: int = 4) -> list[np.ndarray]:
    """Row indices grouped by length, so short sequences are not scanned as long ones."""
    order = np.argsort(lengths, kind="stable")
    cuts = np.unique(np.quantile(lengths[order], np.linspace(0, 1, max_batches + 1)[1:-1]))
    edges = np.searchsorted(lengths[order], cuts, side="right")
    return [part for part in np.split(order, edges) if len(part)]


def _window_one_hot(codes: np.ndarray, dtype=np.float32) -> np.ndarray:
    """One-hot of the 6-base window at every position, transposed: shape (24, n * L)."""
    n, width = codes.shape
    length = width - BOX
    out = np.zeros((BOX, 4, n, length), dtype=dtype)
    for j in range(BOX):
        window = codes[:, j : j + length]
        for b in range(4):
            out[j, b] = window == b
    return out.reshape(BOX * 4, n * length)
