"""Which rows of a designed library are written on the other strand.

A designed library's sequences share constant flanks (the adapters every
variant was cloned between). A file that mixes both orientations, half the
rows reverse-complemented, mixes two coordinate systems: position 10 of one
row is position ``L - 11`` of another, so importance by position and
one-hot models mean nothing. The flanks tell the orientations apart.

``Orientation``        what :func:`detect_orientation` found
``detect_orientation`` rows matching the flanks as written, or reverse-complemented
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from helpers.core.checks import check_params, integers, numbers
from helpers.sequences import reverse_complement

__all__ = ["Orientation", "detect_orientation"]


@dataclass(frozen=True)
class Orientation:
    """The library's flanks and which rows are written in the other orientation.

    Attributes
    ----------
    flank5, flank3 : str
        The constant first and last bases of the rows written in the
        majority orientation (the library's orientation).
    reverse : numpy.ndarray of bool
        Rows whose start matches the reverse complement of ``flank3`` and
        whose end matches that of ``flank5``.
    forward : numpy.ndarray of bool
        Rows matching the flanks as written.
    """

    flank5: str
    flank3: str
    reverse: np.ndarray
    forward: np.ndarray

    @property
    def n_reverse(self) -> int:
        """Rows written in the other orientation."""
        return int(self.reverse.sum())

    @property
    def n_forward(self) -> int:
        """Rows written in the library's orientation."""
        return int(self.forward.sum())


def _codes(strings: Sequence[str], width: int) -> np.ndarray:
    """Strings of length ``width`` as a (n, width) array of bytes."""
    joined = "".join(strings).encode("ascii", errors="replace")
    return np.frombuffer(joined, dtype=np.uint8).reshape(len(strings), width)


def _near(codes: np.ndarray, flank: str, max_mismatches: int) -> np.ndarray:
    return (codes != _codes([flank], len(flank))).sum(axis=1) <= max_mismatches


def detect_orientation(
    sequences: Sequence[str],
    *,
    flank: int = 12,
    max_mismatches: int = 2,
    min_share: float = 0.2,
) -> Orientation | None:
    """Find a library's constant flanks, and the rows written on the other strand.

    The most common first ``flank`` bases, and the most common last ones of
    the rows that start with them, are the candidate flanks; they count as constant when each begins or ends (as written or
    reverse-complemented) at least ``min_share`` of the rows. A row is
    *forward* when its ends are within ``max_mismatches`` of the flanks, and
    *reverse* when they are within ``max_mismatches`` of the flanks'
    reverse complements (start ~ rc(flank3), end ~ rc(flank5)). The majority
    orientation is the library's.

    Parameters
    ----------
    sequences : sequence of str
        Upper-case sequences.
    flank : int, default=12
        Bases compared at each end.
    max_mismatches : int, default=2
        Mismatches allowed in each end.
    min_share : float, default=0.2
        Share of the rows each candidate flank must end, in either orientation.

    Returns
    -------
    Orientation or None
        ``None`` when the library has no constant flanks (then its
        orientation cannot be checked this way), when its flanks are their
        own reverse complements, or when sequences are shorter than two flanks.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> left, right = "GCTAGCAATTCC", "GGATCCTTACGA"
    >>> seqs = [left + "".join(rng.choice(list("ACGT"), 20)) + right for _ in range(10)]
    >>> from helpers.sequences import reverse_complement
    >>> seqs[:3] = [reverse_complement(s) for s in seqs[:3]]
    >>> found = detect_orientation(seqs)
    >>> found.n_forward, found.n_reverse, found.reverse[:4].tolist()
    (7, 3, [True, True, True, False])
    """
    check_params(
        "detect_orientation",
        {"flank": flank, "max_mismatches": max_mismatches, "min_share": min_share},
        {"flank": [integers(1)], "max_mismatches": [integers(0)], "min_share": [numbers(0, 1)]},
    )
    seqs = [str(s) for s in sequences]
    n = len(seqs)
    if n < 4 or min(len(s) for s in seqs) < 2 * flank:
        return None
    heads, tails = [s[:flank] for s in seqs], [s[-flank:] for s in seqs]
    flank5 = Counter(heads).most_common(1)[0][0]
    flank3 = Counter(t for h, t in zip(heads, tails, strict=True) if h == flank5).most_common(1)[0][
        0
    ]
    rc5, rc3 = reverse_complement(flank5), reverse_complement(flank3)
    ends5 = sum(h == flank5 for h in heads) + sum(t == rc5 for t in tails)
    ends3 = sum(t == flank3 for t in tails) + sum(h == rc3 for h in heads)
    if min(ends5, ends3) < min_share * n:
        return None
    if sum(a != b for a, b in zip(flank5, rc3, strict=True)) <= 2 * max_mismatches:
        return None  # palindromic flanks: the orientations look alike
    head_codes, tail_codes = _codes(heads, flank), _codes(tails, flank)
    forward = _near(head_codes, flank5, max_mismatches) & _near(tail_codes, flank3, max_mismatches)
    reverse = _near(head_codes, rc3, max_mismatches) & _near(tail_codes, rc5, max_mismatches)
    if reverse.sum() > forward.sum():  # the majority is the library's orientation
        flank5, flank3, forward, reverse = rc3, rc5, reverse, forward
    return Orientation(flank5=flank5, flank3=flank3, reverse=reverse, forward=forward)
