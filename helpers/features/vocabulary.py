"""The columns of k-mer features: which k are allowed, the k-mers in order, canonical pairs.

Every k-mer block has all ``4**k`` k-mers as columns, in lexicographic order
(a k-mer's column is its base-4 number, which sorts like the string), so
train and test always share columns. With ``canonical=True`` a k-mer and its
reverse complement share one column, named by the smaller of the two.

``MAX_K``              the largest k (4**15 columns is already about a billion)
:func:`all_kmers`      the k-mers of one k, in column order
:func:`canonical_kmer` the name of a k-mer's canonical column
:class:`KmerVocabulary` the mapping k-mer -> column, computed rather than stored
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from itertools import product
from numbers import Integral
from typing import Any

import numpy as np

from helpers.core.checks import Rule, check_params
from helpers.sequences import DNA, reverse_complement

__all__ = ["MAX_K", "KmerVocabulary", "all_kmers", "canonical_kmer"]

#: Largest supported k (4**15 columns is already about a billion).
MAX_K: int = 15

# k-mer -> base-4 digits, for vocabulary look-ups
_DIGITS = str.maketrans(DNA, "0123")
_DELETE_DNA = str.maketrans("", "", DNA)


def _k_range(k: Any) -> tuple[int, int] | None:
    """``(kmin, kmax)`` of a valid ``k`` (an int or a pair), else None."""
    pair = isinstance(k, tuple | list) and len(k) == 2
    values = tuple(k) if pair else (k,)
    if all(isinstance(v, Integral) and not isinstance(v, bool) for v in values):
        kmin, kmax = int(values[0]), int(values[-1])
        if 1 <= kmin <= kmax <= MAX_K:
            return kmin, kmax
    return None


#: What ``k`` may be, declared once (:class:`KmerVectorizer` and the functions).
_K_CONSTRAINT = Rule(
    lambda k: _k_range(k) is not None,
    f"an int from 1 to {MAX_K} or a (kmin, kmax) pair with 1 <= kmin <= kmax <= {MAX_K}",
)


def _check_k(k: Any, owner: str = "KmerVectorizer") -> tuple[int, int]:
    """Validate ``k`` (an int or a ``(kmin, kmax)`` pair); return ``(kmin, kmax)``."""
    check_params(owner, {"k": k}, {"k": [_K_CONSTRAINT]})
    return _k_range(k)  # type: ignore[return-value]


def all_kmers(k: int) -> list[str]:
    """All ``4**k`` k-mers in lexicographic order (the column order of the encoders).

    Examples
    --------
    >>> all_kmers(2)[:5]
    ['AA', 'AC', 'AG', 'AT', 'CA']
    >>> len(all_kmers(3))
    64
    """
    kmin, _ = _check_k(k, owner="all_kmers")
    return ["".join(p) for p in product(DNA, repeat=kmin)]


def canonical_kmer(kmer: str) -> str:
    """The canonical form of a k-mer: the smaller of it and its reverse complement.

    A double-stranded DNA site reads as a k-mer on one strand and as its reverse
    complement on the other; canonical k-mers count both as the same feature.

    Examples
    --------
    >>> canonical_kmer("TTT"), canonical_kmer("AAA"), canonical_kmer("ACGT")
    ('AAA', 'AAA', 'ACGT')
    """
    rc = reverse_complement(kmer.upper())
    return min(kmer.upper(), rc)


@lru_cache(maxsize=4)
def _canonical_columns(k: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes of canonical k-mers, and a map code -> canonical column (size 4**k + 1).

    The last entry maps the "skip" code ``4**k`` to the number of canonical
    columns, so skipped windows stay recognisable after the mapping. Both
    arrays are cached and read-only; they take about 8 * 4**k bytes.
    """
    n = 4**k
    dtype = np.uint16 if n < np.iinfo(np.uint16).max else np.uint32
    codes = np.arange(n, dtype=np.int32)
    # reverse complement of a code: complement each base (3 - b), reverse the digits
    rc = np.zeros(n, dtype=np.int32)
    rest = codes.copy()
    for _ in range(k):
        rc <<= 2
        rc |= 3 - (rest & 3)
        rest >>= 2
    del rest
    canon = np.minimum(codes, rc, out=rc)
    keep = np.flatnonzero(canon == codes).astype(dtype)  # sorted canonical codes
    del codes
    col = np.empty(n + 1, dtype=dtype)
    col[keep] = np.arange(len(keep), dtype=dtype)
    col[:n] = col[canon]
    col[n] = len(keep)
    keep.flags.writeable = False
    col.flags.writeable = False
    return keep, col


@lru_cache(maxsize=8)
def _feature_names(kmin: int, kmax: int, canonical: bool) -> tuple[str, ...]:
    """Column names of the k-mer blocks ``kmin..kmax`` (cached; callers copy)."""
    names: list[str] = []
    for k in range(kmin, kmax + 1):
        kmers = all_kmers(k)
        if canonical:
            kmers = [kmers[i] for i in _canonical_columns(k)[0]]
        names.extend(kmers)
    return tuple(names)


class KmerVocabulary(Mapping[str, int]):
    """Read-only mapping k-mer -> column of a ``KmerVectorizer`` (its ``vocabulary_``).

    It behaves like the ``dict`` of ``CountVectorizer.vocabulary_`` but holds
    no table: the vocabulary is fixed by ``k`` and ``canonical``, so the column
    of a k-mer is computed from its letters (its base-4 number), and even
    ``k=15`` costs no memory until the names are listed.

    Examples
    --------
    >>> vocabulary = KmerVocabulary(1, 2)
    >>> vocabulary["A"], vocabulary["T"], vocabulary["AA"], len(vocabulary)
    (0, 3, 4, 20)
    >>> "AN" in vocabulary, KmerVocabulary(2, 2, canonical=True)["AA"]
    (False, 0)
    """

    def __init__(self, kmin: int, kmax: int, canonical: bool = False) -> None:
        self.kmin, self.kmax, self.canonical = kmin, kmax, bool(canonical)
        widths = [
            len(_canonical_columns(k)[0]) if self.canonical else 4**k for k in range(kmin, kmax + 1)
        ]
        starts = np.cumsum([0, *widths[:-1]]).tolist()
        self._offsets = dict(zip(range(kmin, kmax + 1), starts, strict=True))
        self._size = int(sum(widths))

    def __getitem__(self, kmer: str) -> int:
        """The column of ``kmer``; ``KeyError`` for a string that is not in the vocabulary."""
        if (
            not isinstance(kmer, str)
            or not self.kmin <= len(kmer) <= self.kmax
            or kmer.translate(_DELETE_DNA)
        ):
            raise KeyError(kmer)
        code = int(kmer.translate(_DIGITS), 4)
        if self.canonical:
            keep = _canonical_columns(len(kmer))[0]
            column = int(np.searchsorted(keep, code))
            if column == len(keep) or int(keep[column]) != code:
                raise KeyError(kmer)  # not the canonical name of its pair
            code = column
        return self._offsets[len(kmer)] + code

    def __iter__(self) -> Iterator[str]:
        """The k-mers in column order."""
        return iter(_feature_names(self.kmin, self.kmax, self.canonical))

    def __len__(self) -> int:
        """The number of columns."""
        return self._size

    def __repr__(self) -> str:
        """``k``, ``canonical`` and the number of k-mers (never the whole table)."""
        k = self.kmin if self.kmin == self.kmax else (self.kmin, self.kmax)
        return f"KmerVocabulary(k={k!r}, canonical={self.canonical}, {self._size} k-mers)"
