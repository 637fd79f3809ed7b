"""The σ70 site finder: the best −35 box, spacer and −10 box of any sequence.

``find_sites``      locate the −35 box, the spacer (15–19 nt) and the −10
                    box in any sequence, by scoring every placement
                    (:mod:`helpers.sites.scan`) with site weights
                    (:mod:`helpers.sites.model`; default: a consensus search)
``site_agreement``  how often found boxes agree with annotated ones
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from helpers.core.checks import Rule, check_params, integers
from helpers.sites.model import BOX, SPACERS, SiteWeights, consensus_weights
from helpers.sites.scan import _batches, _best_sites, _logsumexp_rows, _scan, encode_codes

__all__ = ["find_sites", "site_agreement"]


def _spacer_subset(value: Any) -> bool:
    """True for a non-empty collection of allowed spacer lengths."""
    return not isinstance(value, str) and len(value) > 0 and set(value) <= set(SPACERS)


_SPACERS_RULE = Rule(_spacer_subset, f"a non-empty subset of {SPACERS}")


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
        On bad sequences (see :func:`helpers.sites.scan.encode_codes`) or
        spacers outside 15–19 (``find_sites: spacers must be ...``).

    Examples
    --------
    >>> promoter = "GGGGGGTTGACAATTAATCATCGGCTCGATATAATGTGTGGAAAA"
    >>> find_sites([promoter])[["minus35_start", "spacer_length", "minus10_start"]].iloc[0].tolist()
    [6, 17, 29]
    """
    check_params("find_sites", {"spacers": spacers}, {"spacers": [_SPACERS_RULE]})
    allowed = [s for s in spacers if s in SPACERS]
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

    Raises
    ------
    ValueError
        If ``tolerance`` is not an int >= 0, or ``found`` and ``annotated``
        are not non-empty 1-D arrays of one length.

    Examples
    --------
    >>> site_agreement([10, 11, 15], [10, 10, 10]), site_agreement([10, 11, 15], [10, 10, 10], 0)
    (0.667, 0.333)
    """
    check_params("site_agreement", {"tolerance": tolerance}, {"tolerance": [integers(0)]})
    found = np.asarray(found)
    annotated = np.asarray(annotated)
    if found.shape != annotated.shape or found.ndim != 1 or found.size == 0:
        raise ValueError(
            f"found and annotated must be non-empty 1-D arrays of the same length, got "
            f"shapes {found.shape} and {annotated.shape}"
        )
    return round(float(np.mean(np.abs(found - annotated) <= tolerance)), 3)
