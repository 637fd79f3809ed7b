"""Constructs of any length and layout, cut to what a model should read.

``core_windows``     the stretch around the σ70 site the consensus search finds,
                     so flanking plasmid sequence cannot leak into a model
``shared_flanks``    a library's constant prefix and suffix, read from its sequences
``booster_columns``  the booster's columns of the located parts
"""

from __future__ import annotations

import os
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

from helpers.features.inputs import check_sequences
from helpers.sites.finder import find_sites
from helpers.sites.model import BOX
from helpers.sites.scan import encode_codes

__all__ = ["booster_columns", "core_windows", "shared_flanks"]


def core_windows(sequences: Any, sites: pd.DataFrame | None = None, flank: int = 20) -> list[str]:
    """The stretch from ``flank`` nt before the −35 box to ``flank`` nt after the −10 box.

    The site is the one the consensus search (:func:`helpers.transfer.find_sites`)
    finds; the window is cut at the sequence's ends. A model that reads only
    the window cannot use the construct's length or its flanking plasmid
    sequence, and a latent-site model on it can still move the site within
    ``flank`` nt if the consensus search picked a neighbour.

    Parameters
    ----------
    sequences : list, numpy array or pandas Series of str
        DNA sequences (ACGTN, at least 27 nt).
    sites : pandas.DataFrame, optional
        Output of :func:`~helpers.transfer.find_sites` for the same
        sequences (computed when omitted).
    flank : int, default=20
        Bases kept on each side of the site.

    Returns
    -------
    list of str

    Examples
    --------
    >>> promoter = "GGGGGGTTGACAATTAATCATCGGCTCGATATAATGTGTGGAAAA"
    >>> core_windows([promoter], flank=2)
    ['GGTTGACAATTAATCATCGGCTCGATATAATGT']
    """
    if not isinstance(flank, Integral) or isinstance(flank, bool) or flank < 0:
        raise ValueError(f"flank must be an integer >= 0, got {flank!r}")
    seqs = [s.upper() for s in check_sequences(sequences)]
    sites = find_sites(seqs) if sites is None else sites
    if len(sites) != len(seqs):
        raise ValueError(f"{len(seqs)} sequences but {len(sites)} rows of sites")
    starts = np.maximum(sites["minus35_start"].to_numpy() - flank, 0)
    ends = sites["minus10_start"].to_numpy() + BOX + flank
    return [s[a:b] for s, a, b in zip(seqs, starts, ends, strict=True)]


def shared_flanks(sequences: Any) -> tuple[str, str]:
    """The constant flanks of a library: the longest prefix and suffix all its sequences share.

    A library cloned into one plasmid carries the same sequence on either side
    of its variable part; read from the data, these flanks let one pad another
    library's promoters as if they had been cloned there (a test that a model
    reads constructs of any layout the same way). The suffix is shortened if
    it would overlap the prefix in the shortest sequence.

    Parameters
    ----------
    sequences : list, numpy array or pandas Series of str
        At least two DNA sequences (ACGTN, either case).

    Returns
    -------
    prefix, suffix : str
        Uppercase; either may be empty.

    Raises
    ------
    ValueError
        On fewer than two sequences or an invalid sequence.

    Examples
    --------
    >>> shared_flanks(["GGATTTACAAA", "ggaCCCACAAA", "GGAGGGGACAAA"])
    ('GGA', 'ACAAA')
    """
    seqs = [s.upper() for s in check_sequences(sequences)]
    if len(seqs) < 2:
        raise ValueError(f"shared_flanks needs at least 2 sequences, got {len(seqs)}")
    encode_codes(seqs, min_length=1)  # the one validation of the sequences
    prefix = os.path.commonprefix(seqs)
    suffix = os.path.commonprefix([s[::-1] for s in seqs])[::-1]
    room = min(len(s) for s in seqs) - len(prefix)
    return prefix, suffix[len(suffix) - min(len(suffix), room) :]


def booster_columns(features: pd.DataFrame) -> list[str]:
    """The aligned columns the booster reads: UP element, −35, spacer, −10 (not ITR, discriminator).

    Examples
    --------
    >>> from helpers.sites.parts import aligned_parts, parts_from_sites
    >>> seq = "GGGGGGTTGACAATTAATCATCGGCTCGATATAATGTGTGGAAAA"
    >>> table = aligned_parts(parts_from_sites([seq], find_sites([seq])))
    >>> len(booster_columns(table))
    45
    """
    return [c for c in features.columns if c.startswith(("up_", "box35_", "spacer", "box10_"))]
