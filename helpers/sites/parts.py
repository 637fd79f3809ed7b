"""A promoter cut into La Fleur's six parts, and chapter 07's aligned features of them.

``parts_from_sites``  cut sequences into the six La Fleur parts (``up``,
                      ``box35``, ``spacer``, ``box10``, ``discriminator``,
                      ``itr``) at the sites :func:`helpers.sites.finder.find_sites` found
``aligned_parts``     chapter 07's aligned per-position features of those parts
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.core.alphabet import BAD_CODE, encode_codes
from helpers.core.checks import check_params, integers
from helpers.features.inputs import check_sequences
from helpers.sites.model import BOX

__all__ = ["ALIGNED_LAYOUT", "PART_NAMES", "aligned_parts", "parts_from_sites"]

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

    Raises
    ------
    ValueError
        On bad sequences, a ``sites`` table of another length, or
        ``discriminator`` or ``itr`` not an int >= 0.

    Examples
    --------
    >>> from helpers.sites.finder import find_sites
    >>> seq = "GGGGGGTTGACAATTAATCATCGGCTCGATATAATGTGTGGAAAA"
    >>> parts_from_sites([seq], find_sites([seq])).iloc[0].tolist()
    ['GGGGGG', 'TTGACA', 'ATTAATCATCGGCTCGA', 'TATAAT', 'GTGTGGA', 'AAA']
    """
    check_params(
        "parts_from_sites",
        {"discriminator": discriminator, "itr": itr},
        {"discriminator": [integers(0)], "itr": [integers(0)]},
    )
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
    >>> from helpers.sites.finder import find_sites
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
        codes = encode_codes("".join(padded).replace("-", "N"))  # padding codes as N
        if (codes == BAD_CODE).any():
            row = int(np.flatnonzero(codes == BAD_CODE)[0]) // width
            raise ValueError(f"row {row}: part {name!r} has a character other than ACGTN")
        codes = codes.reshape(-1, width).astype(np.int8)
        columns.update(dict(zip(labels, codes.T, strict=True)))
    table = pd.DataFrame(columns, index=parts.index)
    table["spacer_length"] = parts["spacer"].str.len()
    table["discriminator_length"] = parts["discriminator"].str.len()
    return table
