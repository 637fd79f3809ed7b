"""The σ70 site model: its geometry and its weights.

The geometry of one σ70 site (0-based, ``p`` = first base of the −35 box,
``s`` = spacer length)::

    p          p+6            p+3+s  p+6+s       p+12+s
    | −35 box  | spacer (s nt) [ext] | −10 box   | discriminator (6 nt) ...
      6 nt                     3 nt    6 nt

The energy-like *score* of a site is a sum of per-position weights (higher =
binds better): ``score(p, s) = W35·x[p:p+6] + W10·x[p+6+s:p+12+s] +
Wext·x[p+3+s:p+6+s] + Wdisc·x[p+12+s:p+18+s] + b[s]``, where ``x`` is the
one-hot sequence (bases past the end and ``N`` count zero).
:class:`SiteWeights` holds ``W35``, ``W10``, ``Wext``, ``Wdisc`` and ``b``;
:func:`consensus_weights` gives the textbook ones. Scanning sequences with
them is :mod:`helpers.sites.scan`; the best site of each sequence is
:func:`helpers.sites.finder.find_sites`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from helpers.core.alphabet import DNA

__all__ = ["BOX", "EXT", "SPACERS", "SiteWeights", "consensus_weights"]

#: Allowed spacer lengths between the −35 and −10 boxes (17 is optimal for σ70).
SPACERS: tuple[int, ...] = (15, 16, 17, 18, 19)

#: Box width (−35 and −10 hexamers, discriminator window).
BOX: int = 6
#: Width of the extended −10 window (positions −15 to −13, "TGn").
EXT: int = 3


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
            values, index=pd.RangeIndex(1, len(values) + 1, name="position"), columns=list(DNA)
        )


def _one_hot(consensus: str, value: float) -> np.ndarray:
    out = np.zeros((len(consensus), 4))
    for i, base in enumerate(consensus):
        out[i, DNA.index(base)] = value
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
