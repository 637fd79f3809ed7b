"""Models meant to transfer: a σ70 site finder and a latent-placement promoter model.

A model trained on one promoter library is usually used on sequences from
somewhere else: another lab's library, another plasmid context, a genome.
Chapter 11 measures how the book's models transfer from La Fleur et al.
(2022) to seven other *E. coli* libraries; this module holds the two tools it
builds for that:

``find_sites``              locate the −35 box, the spacer (15–19 nt) and the −10
                            box in any sequence, by scoring every placement
``site_agreement``          how often found −10 boxes agree with annotated ones
``LatentSiteRegressor``     a scikit-learn regressor on raw sequences: position
                            weights for the boxes, spacer-length, extended −10 and
                            discriminator terms, summed over *every* placement as
                            a partition function does, with a saturation floor
``parts_from_sites``        cut sequences into the six La Fleur parts at found sites
``aligned_parts``           chapter 07's aligned per-position features of those parts

The geometry of one σ70 site (0-based, ``p`` = first base of the −35 box,
``s`` = spacer length)::

    p          p+6            p+3+s  p+6+s       p+12+s
    | −35 box  | spacer (s nt) [ext] | −10 box   | discriminator (6 nt) ...
      6 nt                     3 nt    6 nt

The energy-like *score* of a site is a sum of per-position weights (higher =
binds better): ``score(p, s) = W35·x[p:p+6] + W10·x[p+6+s:p+12+s] +
Wext·x[p+3+s:p+6+s] + Wdisc·x[p+12+s:p+18+s] + b[s]``, where ``x`` is the
one-hot sequence (bases past the end and ``N`` count zero). Every placement
whose −10 box lies inside the sequence is scored.

Sign convention: like La Fleur's ``observed`` and the Promoter Calculator,
:class:`LatentSiteRegressor` predicts a quantity where **more negative means
a stronger promoter** (``direction=-1``); pass ``direction=1`` for targets
where larger means stronger.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted

from helpers.encoding import _SequenceInputTags, check_sequences

__all__ = [
    "ALIGNED_LAYOUT",
    "PART_NAMES",
    "SPACERS",
    "LatentSiteRegressor",
    "SiteWeights",
    "aligned_parts",
    "consensus_weights",
    "encode_codes",
    "find_sites",
    "parts_from_sites",
    "site_agreement",
]

#: Allowed spacer lengths between the −35 and −10 boxes (17 is optimal for σ70).
SPACERS: tuple[int, ...] = (15, 16, 17, 18, 19)

#: Box width (−35 and −10 hexamers, discriminator window).
BOX: int = 6
#: Width of the extended −10 window (positions −15 to −13, "TGn").
EXT: int = 3
_BASES = "ACGT"
_N_CODE = 4

# Bytes -> codes: ACGT (any case) -> 0..3, N -> 4, anything else -> 255.
_TABLE = bytearray([255]) * 256
for _i, _b in enumerate(_BASES + "N"):
    _TABLE[ord(_b)] = _i
    _TABLE[ord(_b.lower())] = _i
_TABLE = bytes(_TABLE)


class SiteWeights(NamedTuple):
    """Weights of a σ70 site model (higher score = better site).

    Attributes
    ----------
    minus35, minus10 : numpy.ndarray of shape (6, 4)
        Weight of each base (columns A, C, G, T) at each box position.
    extended10 : numpy.ndarray of shape (3, 4)
        Weights of the three bases just before the −10 box (−15 to −13).
    discriminator : numpy.ndarray of shape (6, 4)
        Weights of the six bases just after the −10 box.
    spacer : numpy.ndarray of shape (len(SPACERS),)
        Score of each spacer length in :data:`SPACERS`.
    """

    minus35: np.ndarray
    minus10: np.ndarray
    extended10: np.ndarray
    discriminator: np.ndarray
    spacer: np.ndarray

    def table(self, part: str) -> pd.DataFrame:
        """One part's weights as a (position x base) table, centred per position.

        Parameters
        ----------
        part : {"minus35", "minus10", "extended10", "discriminator"}

        Returns
        -------
        pandas.DataFrame
            Rows are positions 1..width, columns ``A``, ``C``, ``G``, ``T``;
            each row is shifted to mean zero (only differences matter).

        Examples
        --------
        >>> consensus_weights().table("minus10").idxmax(axis=1).str.cat()
        'TATAAT'
        """
        values = np.asarray(getattr(self, part), dtype=float)
        values = values - values.mean(axis=1, keepdims=True)
        return pd.DataFrame(
            values, index=pd.RangeIndex(1, len(values) + 1, name="position"), columns=list(_BASES)
        )


def _one_hot(consensus: str, value: float) -> np.ndarray:
    out = np.zeros((len(consensus), 4))
    for i, base in enumerate(consensus):
        out[i, _BASES.index(base)] = value
    return out


def consensus_weights(match: float = 1.0, spacer_penalty: float = 1.0) -> SiteWeights:
    """Textbook σ70 weights: +``match`` per consensus base, a penalty per nt away from 17.

    The −35 consensus is ``TTGACA``, the −10 consensus ``TATAAT`` and the
    extended −10 ``TGn`` (Harley & Reynolds 1987); the discriminator gets no
    weight. These weights make :func:`find_sites` a plain consensus search.

    Parameters
    ----------
    match : float, default=1.0
        Score of each base that matches the consensus.
    spacer_penalty : float, default=1.0
        Score lost per nucleotide of spacer length away from 17.

    Returns
    -------
    SiteWeights

    Examples
    --------
    >>> weights = consensus_weights()
    >>> weights.spacer.tolist()
    [-2.0, -1.0, 0.0, -1.0, -2.0]
    """
    extended = np.zeros((EXT, 4))
    extended[:2] = _one_hot("TG", match)
    return SiteWeights(
        minus35=_one_hot("TTGACA", match),
        minus10=_one_hot("TATAAT", match),
        extended10=extended,
        discriminator=np.zeros((BOX, 4)),
        spacer=-spacer_penalty * np.abs(np.array(SPACERS, dtype=float) - 17) + 0.0,
    )


# --------------------------------------------------------------------------- #
# Encoding and scanning
# --------------------------------------------------------------------------- #


def encode_codes(sequences: Any, *, min_length: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Base codes of sequences of any lengths, right-padded with the code of ``N``.

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
    codes = np.full((len(seqs), width), _N_CODE, dtype=np.uint8)
    for row, seq in enumerate(seqs):
        if seq:
            codes[row, : len(seq)] = np.frombuffer(
                seq.encode("latin-1").translate(_TABLE), np.uint8
            )
    bad = codes == 255
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


def find_sites(
    sequences: Any, weights: SiteWeights | None = None, *, spacers: Sequence[int] = SPACERS
) -> pd.DataFrame:
    """Locate the best σ70 site (−35 box, spacer, −10 box) in each sequence.

    Every placement whose −10 box fits in the sequence is scored with
    ``weights`` (default: :func:`consensus_weights`, a consensus search); the
    best one is reported, with its posterior probability among all
    placements (the share of ``exp(score)``, as in a partition function).

    Parameters
    ----------
    sequences : list, numpy array or pandas Series of str
        DNA sequences of any lengths (ACGTN, either case), at least 27 nt.
    weights : SiteWeights, optional
        Site weights, e.g. ``LatentSiteRegressor.weights_``.
    spacers : sequence of int, default=SPACERS
        Spacer lengths allowed (a subset of 15–19).

    Returns
    -------
    pandas.DataFrame
        One row per sequence: ``minus35_start``, ``spacer_length``,
        ``minus10_start`` (0-based), ``score`` and ``posterior``.

    Raises
    ------
    ValueError
        On bad sequences (see :func:`encode_codes`) or spacers outside 15–19.

    Examples
    --------
    >>> promoter = "GGGGGGTTGACAATTAATCATCGGCTCGATATAATGTGTGGAAAA"
    >>> find_sites([promoter])[["minus35_start", "spacer_length", "minus10_start"]].iloc[0].tolist()
    [6, 17, 29]
    """
    allowed = [s for s in spacers if s in SPACERS]
    if not allowed or len(allowed) != len(list(spacers)):
        raise ValueError(f"spacers must be a non-empty subset of {SPACERS}, got {list(spacers)}")
    weights = consensus_weights() if weights is None else weights
    codes, lengths = encode_codes(sequences, min_length=12 + min(allowed))
    spacer_scores = np.array(
        [weights.spacer[k] if s in allowed else -np.inf for k, s in enumerate(SPACERS)]
    )
    out = {
        name: np.empty(len(lengths), dtype)
        for name, dtype in [
            ("minus35_start", np.int64),
            ("spacer_length", np.int64),
            ("minus10_start", np.int64),
            ("score", float),
            ("posterior", float),
        ]
    }
    for rows in _batches(lengths):
        sub = codes[rows, : lengths[rows].max() + BOX]
        scores = _scan(sub, lengths[rows], weights, spacer_scores)
        a, _, _ = _logsumexp_rows(scores)
        spacer_index, start, best = _best_sites(scores)
        spacer = np.asarray(SPACERS)[spacer_index]
        out["minus35_start"][rows] = start
        out["spacer_length"][rows] = spacer
        out["minus10_start"][rows] = start + BOX + spacer
        out["score"][rows] = best
        out["posterior"][rows] = np.exp(best - a)
    return pd.DataFrame(out)


def site_agreement(found, annotated, tolerance: int = 1) -> float:
    """Share of rows whose found box start is within ``tolerance`` bases of the annotation.

    Parameters
    ----------
    found, annotated : array-like of int
        0-based start of the box found and annotated, one per row.
    tolerance : int, default=1
        Largest distance (in bases) that counts as agreement; 0 = exact.

    Returns
    -------
    float

    Examples
    --------
    >>> site_agreement([10, 11, 15], [10, 10, 10]), site_agreement([10, 11, 15], [10, 10, 10], 0)
    (0.667, 0.333)
    """
    found = np.asarray(found)
    annotated = np.asarray(annotated)
    if found.shape != annotated.shape or found.ndim != 1 or found.size == 0:
        raise ValueError(
            f"found and annotated must be non-empty 1-D arrays of the same length, got "
            f"shapes {found.shape} and {annotated.shape}"
        )
    return round(float(np.mean(np.abs(found - annotated) <= tolerance)), 3)


#: Parts of a La Fleur promoter, in order, as cut by :func:`parts_from_sites`.
PART_NAMES: tuple[str, ...] = ("up", "box35", "spacer", "box10", "discriminator", "itr")


def parts_from_sites(
    sequences: Any, sites: pd.DataFrame, *, discriminator: int = 7, itr: int = 21
) -> pd.DataFrame:
    """Cut sequences into La Fleur's six parts at the sites found by :func:`find_sites`.

    ``up`` is everything before the −35 box, ``discriminator`` the
    ``discriminator`` bases after the −10 box and ``itr`` the next ``itr``
    bases (shorter where the sequence ends).

    Parameters
    ----------
    sequences : list, numpy array or pandas Series of str
    sites : pandas.DataFrame
        Output of :func:`find_sites` for the same sequences.
    discriminator, itr : int
        Lengths of the two downstream parts (La Fleur's are 6–8 and 20–21).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PART_NAMES` (uppercase str), one row per sequence.

    Examples
    --------
    >>> seq = "GGGGGGTTGACAATTAATCATCGGCTCGATATAATGTGTGGAAAA"
    >>> parts_from_sites([seq], find_sites([seq])).iloc[0].tolist()
    ['GGGGGG', 'TTGACA', 'ATTAATCATCGGCTCGA', 'TATAAT', 'GTGTGGA', 'AAA']
    """
    seqs = [s.upper() for s in check_sequences(sequences)]
    if len(sites) != len(seqs):
        raise ValueError(f"{len(seqs)} sequences but {len(sites)} rows of sites")
    p = sites["minus35_start"].to_numpy()
    q = sites["minus10_start"].to_numpy()
    rows = [
        (
            s[:a],
            s[a : a + BOX],
            s[a + BOX : b],
            s[b : b + BOX],
            s[b + BOX : b + BOX + discriminator],
            s[b + BOX + discriminator : b + BOX + discriminator + itr],
        )
        for s, a, b in zip(seqs, p, q, strict=True)
    ]
    return pd.DataFrame(rows, columns=list(PART_NAMES))


#: Chapter 07's aligned layout: part -> (positions kept, aligned on "start" or "end").
ALIGNED_LAYOUT: dict[str, tuple[int, str]] = {
    "up": (22, "end"),
    "box35": (6, "start"),
    "spacer_start": (4, "start"),
    "spacer_end": (6, "end"),
    "box10": (6, "start"),
    "discriminator": (8, "start"),
    "itr": (21, "start"),
}

_ALIGNED_CODES = {"A": 0, "C": 1, "G": 2, "T": 3, "N": 4, "-": 4}


def aligned_parts(parts: pd.DataFrame) -> pd.DataFrame:
    """Chapter 07's features: one column per aligned position of each part, plus lengths.

    Each part is cut to a fixed width (:data:`ALIGNED_LAYOUT`), aligned on
    its start or end and padded with ``-``; bases become codes 0–3 (A, C, G,
    T) and padding or ``N`` the code 4. ``spacer_length`` and
    ``discriminator_length`` are added.

    Parameters
    ----------
    parts : pandas.DataFrame
        Columns :data:`PART_NAMES` (La Fleur's annotation, or
        :func:`parts_from_sites`).

    Returns
    -------
    pandas.DataFrame
        75 integer columns (``up_-22`` … ``itr_21``, then the two lengths).

    Examples
    --------
    >>> seq = "GGGGGGTTGACAATTAATCATCGGCTCGATATAATGTGTGGAAAA"
    >>> table = aligned_parts(parts_from_sites([seq], find_sites([seq])))
    >>> table.shape, table.loc[0, ["box10_1", "spacer_length"]].tolist()
    ((1, 75), [3, 17])
    """
    missing = [name for name in PART_NAMES if name not in parts.columns]
    if missing:
        raise ValueError(f"parts lacks column(s) {missing}; expected {list(PART_NAMES)}")
    columns = {}
    for name, (width, anchor) in ALIGNED_LAYOUT.items():
        part = parts[name.split("_")[0]].astype(str).str.upper()
        if anchor == "start":
            padded = part.str[:width].str.ljust(width, "-")
            labels = [f"{name}_{i + 1}" for i in range(width)]
        else:
            padded = part.str[-width:].str.rjust(width, "-")
            labels = [f"{name}_{i - width}" for i in range(width)]
        joined = "".join(padded).encode("latin-1")
        codes = np.frombuffer(joined.translate(_ALIGNED_TABLE), dtype=np.uint8)
        if (codes == 255).any():
            row = int(np.flatnonzero(codes == 255)[0]) // width
            raise ValueError(f"row {row}: part {name!r} has a character other than ACGTN")
        codes = codes.reshape(-1, width).astype(np.int8)
        columns.update(dict(zip(labels, codes.T, strict=True)))
    table = pd.DataFrame(columns, index=parts.index)
    table["spacer_length"] = parts["spacer"].str.len()
    table["discriminator_length"] = parts["discriminator"].str.len()
    return table


_ALIGNED_TABLE = bytearray([255]) * 256
for _b, _c in _ALIGNED_CODES.items():
    _ALIGNED_TABLE[ord(_b)] = _c
_ALIGNED_TABLE = bytes(_ALIGNED_TABLE)


# --------------------------------------------------------------------------- #
# The latent-placement regressor
# --------------------------------------------------------------------------- #


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


_SIZES = {"minus35": BOX * 4, "minus10": BOX * 4, "extended10": EXT * 4, "discriminator": BOX * 4}


class LatentSiteRegressor(_SequenceInputTags, RegressorMixin, BaseEstimator):
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

    # -- parameters ------------------------------------------------------- #

    def _check_params(self) -> None:
        if self.aggregate not in ("sum", "max"):
            raise ValueError(f"aggregate must be 'sum' or 'max', got {self.aggregate!r}")
        if self.direction not in (-1, 1):
            raise ValueError(f"direction must be -1 or 1, got {self.direction!r}")
        if not isinstance(self.l2, Real) or self.l2 < 0:
            raise ValueError(f"l2 must be a number >= 0, got {self.l2!r}")
        if not isinstance(self.max_iter, Integral) or self.max_iter < 1:
            raise ValueError(f"max_iter must be a positive integer, got {self.max_iter!r}")
        if not isinstance(self.tol, Real) or isinstance(self.tol, bool) or not self.tol > 0:
            raise ValueError(f"tol must be a number > 0, got {self.tol!r}")
        if self.dtype not in ("float64", "float32"):
            raise ValueError(f"dtype must be 'float64' or 'float32', got {self.dtype!r}")
        if not isinstance(self.init_scale, Real):
            raise ValueError(f"init_scale must be a number, got {self.init_scale!r}")

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
        self._check_params()
        codes, lengths = encode_codes(X, min_length=12 + min(SPACERS))
        y = np.asarray(y, dtype=np.float64).ravel()
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
                stacklevel=2,
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
        model._check_params()
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


# --------------------------------------------------------------------------- #
# Comparing two models on the same rows
# --------------------------------------------------------------------------- #
