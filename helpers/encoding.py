"""Turn DNA sequences into numbers: k-mer counts, one-hot and composition features.

Three scikit-learn transformers, each taking a list, numpy array or pandas
Series of sequence strings (so they drop into a ``Pipeline`` or a
``ColumnTransformer`` column):

``KmerVectorizer``           sparse matrix of k-mer counts, presence or frequencies
``OneHotSequenceEncoder``    dense position-aware one-hot matrix for equal-length sequences
``CompositionFeatures``      length, GC content and base fractions

and plain functions for one-off use: :func:`kmer_counts`, :func:`all_kmers`,
:func:`gc_content`, :func:`reverse_complement`, :func:`canonical_kmer` and
:func:`one_hot_encode`.

The alphabet is ``A``, ``C``, ``G``, ``T`` plus ``N`` for an unknown base, in
either case (see :mod:`helpers.sequences` for what ``N`` means here). Any
other character raises the ``ValueError`` of
:func:`helpers.sequences.validate_sequences`, which names the row, the position
and the character, so bad input is never silently dropped.

The transformers follow scikit-learn's conventions: the constructor only
stores the parameters, ``fit`` validates them (one message format: ``"<Class>:
<parameter> must be ..., got ..."``) and sets the fitted attributes (names
ending in ``_``), and ``transform`` and ``get_feature_names_out`` raise
``NotFittedError`` before ``fit``.

How ``KmerVectorizer`` is fast
------------------------------
Each chunk of sequences is joined into one byte string, translated to base
codes 0-3 with a lookup table, and laid out as a 2-D array (one row per
sequence). The integer code of every k-mer (its base-4 number, which sorts
like the k-mer string) is built for all windows at once by combining codes of
shorter windows (1, 2, 4, ... bases), so it costs O(log k) passes. Each row of
codes is then sorted in place (numpy's SIMD sort); equal neighbours are the
repeated k-mers of that sequence, so one comparison pass gives the columns and
counts of the sparse row, already in column order. No Python code runs per
k-mer, and the output is written into arrays sized from an upper bound on the
number of non-zeros, so memory stays proportional to the output.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from itertools import product
from numbers import Integral, Real
from typing import Any, NoReturn

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from helpers.core.alphabet import BAD_CODE, BYTE_TO_CODE, N_CODE
from helpers.core.checks import ParamsChecked, Rule, check_params, fit_context, param_error
from helpers.sequences import DNA, DNA_N, reverse_complement, validate_sequences

__all__ = [
    "KmerVectorizer",
    "OneHotSequenceEncoder",
    "CompositionFeatures",
    "all_kmers",
    "canonical_kmer",
    "check_sequences",
    "gc_content",
    "kmer_counts",
    "one_hot_encode",
    "reverse_complement",
]

#: Largest supported k (4**15 columns is already about a billion).
MAX_K: int = 15

# Bytes -> base codes: the one table (helpers.core.alphabet).
_N_CODE = N_CODE
_BAD_CODE = BAD_CODE
_TABLE = BYTE_TO_CODE

# k-mer -> base-4 digits, for vocabulary look-ups
_DIGITS = str.maketrans(DNA, "0123")
_DELETE_DNA = str.maketrans("", "", DNA)

# Work on about this many bases at a time: large enough that per-chunk Python
# overhead is negligible, small enough that temporaries stay in cache.
_CHUNK_BASES = 1 << 18


# --------------------------------------------------------------------------- #
# Input validation
# --------------------------------------------------------------------------- #


def check_sequences(X: Any) -> list[str]:
    """Return the sequences of ``X`` as a list of ``str``, or raise a clear error.

    Parameters
    ----------
    X : list, tuple, numpy.ndarray, pandas.Series or one-column pandas.DataFrame
        The sequences, one per row. A 2-D array or data frame must have exactly
        one column (this is what ``ColumnTransformer`` passes for ``["sequence"]``).

    Returns
    -------
    list of str

    Raises
    ------
    ValueError
        If ``X`` is a single string, has more than one column, or a row is not a
        string (the message names the row).

    Examples
    --------
    >>> check_sequences(pd.Series(["ACGT", "GGN"]))
    ['ACGT', 'GGN']
    >>> check_sequences("ACGT")
    Traceback (most recent call last):
    ...
    ValueError: expected a list, array or Series of sequences, got a single str; wrap it in a list: ["ACGT"]
    """
    if isinstance(X, str | bytes):
        shown = X if len(X) <= 20 else X[:17] + "..."
        raise ValueError(
            "expected a list, array or Series of sequences, got a single "
            f"{type(X).__name__}; wrap it in a list: [{shown!r}]".replace("'", '"')
        )
    if isinstance(X, pd.DataFrame):
        if X.shape[1] != 1:
            raise ValueError(
                f"expected one column of sequences, got a DataFrame with {X.shape[1]} columns "
                f"{list(X.columns)}; select the sequence column"
            )
        X = X.iloc[:, 0]
    if isinstance(X, pd.Series):
        seqs = X.tolist()
    elif isinstance(X, np.ndarray):
        if X.ndim == 2 and X.shape[1] == 1:
            X = X[:, 0]
        elif X.ndim != 1:
            raise ValueError(
                f"expected a 1-D array of sequences (or one column), got shape {X.shape}"
            )
        seqs = X.tolist()
    elif isinstance(X, Iterable):
        seqs = list(X)
    else:
        raise ValueError(f"expected a list, array or Series of sequences, got {type(X).__name__}")
    if set(map(type, seqs)) - {str}:
        # names the first row that is not a string (or converts str subclasses)
        seqs = validate_sequences(seqs, alphabet=DNA_N, ignore_case=True, allow_empty=True)
    return seqs


def _raise_invalid(seqs: Sequence[str]) -> NoReturn:
    """Raise the validator's error for ``seqs``, known to hold an invalid character."""
    validate_sequences(seqs, alphabet=DNA_N, ignore_case=True, allow_empty=True)
    raise AssertionError("no invalid character found")  # pragma: no cover


#: The one format of parameter errors (``helpers.core.checks``).
_param_error = param_error


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


# --------------------------------------------------------------------------- #
# Small building blocks
# --------------------------------------------------------------------------- #


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


def gc_content(seq: str) -> float:
    """Fraction of G and C among the called bases (A, C, G, T) of ``seq``.

    ``N`` is ignored; a sequence without any called base gives ``0.0``.

    Examples
    --------
    >>> gc_content("GGCA")
    0.75
    >>> gc_content("GCNN")
    1.0
    """
    return float(CompositionFeatures().fit_transform([seq])[0, 1])


def kmer_counts(seq: str, k: int = 3, *, canonical: bool = False) -> dict[str, int]:
    """Count the k-mers of one sequence (k-mers overlapping ``N`` are skipped).

    Parameters
    ----------
    seq : str
        A DNA sequence.
    k : int, default=3
        k-mer length.
    canonical : bool, default=False
        Merge each k-mer with its reverse complement (see :func:`canonical_kmer`).

    Returns
    -------
    dict
        k-mer -> count, only k-mers that occur, in lexicographic order.

    Examples
    --------
    >>> kmer_counts("ACGTAC", k=2)
    {'AC': 2, 'CG': 1, 'GT': 1, 'TA': 1}
    >>> kmer_counts("AANAA", k=2)
    {'AA': 2}
    """
    vec = KmerVectorizer(k=k, canonical=canonical)
    row = vec.fit_transform([seq])
    names = vec.get_feature_names_out()
    return {str(names[j]): int(c) for j, c in zip(row.indices, row.data, strict=True)}


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


# --------------------------------------------------------------------------- #
# Core: one chunk of sequences -> one CSR block per k
# --------------------------------------------------------------------------- #


def _encode_chunk(
    seqs: Sequence[str], lengths: np.ndarray, whole: Sequence[str]
) -> tuple[np.ndarray, bool]:
    """Base codes of a chunk as a 2-D uint8 array padded with N, and whether it has N.

    ``whole`` is the complete input the chunk was taken from: on an invalid
    character, the error of :func:`helpers.sequences.validate_sequences` for
    all of it is raised (the row numbers count from its start).
    """
    width = int(lengths.max()) if len(lengths) else 0
    if lengths.min() == width:
        text = "".join(seqs)
    else:
        text = "".join(s.ljust(width, "N") for s in seqs)
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError:
        _raise_invalid(whole)
    codes = np.frombuffer(raw.translate(_TABLE), dtype=np.uint8).reshape(len(seqs), width)
    top = int(codes.max()) if codes.size else 0
    if top == _BAD_CODE:
        _raise_invalid(whole)
    return codes, top == _N_CODE


def _window_codes(base: np.ndarray, k: int, dtype: type) -> np.ndarray:
    """Base-4 code of every length-k window of each row of ``base`` (2-D, values 0..3).

    Codes of windows of length 1, 2, 4, ... are built by doubling, and those
    whose lengths add up to k are combined, so there are O(log k) passes. The
    work is done on the flattened chunk (rows are short, and numpy pays a cost
    per row on 2-D slices); windows that straddle two rows are computed but
    never read: the result is a strided view that skips them, copied once.
    """
    n_rows, width = base.shape
    flat = base.reshape(-1).astype(dtype)
    pieces = {1: flat}
    size = 1
    while size * 2 <= k:
        prev = pieces[size]
        nxt = prev[:-size] << (2 * size)
        nxt |= prev[size:]
        size *= 2
        pieces[size] = nxt
    result, done = None, 0
    for size in sorted(pieces, reverse=True):
        if done + size > k:
            continue
        piece = pieces[size]
        if result is None:
            result, done = piece, size
            continue
        n_codes = flat.size - (done + size) + 1
        combined = result[:n_codes] << (2 * size)
        combined |= piece[done : done + n_codes]
        result, done = combined, done + size
    assert done == k
    step = result.itemsize
    rows = np.lib.stride_tricks.as_strided(
        result, shape=(n_rows, width - k + 1), strides=(width * step, step), writeable=False
    )
    return rows.copy()


def _chunk_block(
    base: np.ndarray,
    n_positions: np.ndarray | None,
    k: int,
    mode: str,
    canonical_map: np.ndarray | None,
    dtype: np.dtype,
    out: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR arrays (non-zeros per row, column indices, values) of one chunk for one k.

    ``n_positions`` are the flat positions of ``N`` in ``base`` (already set to
    0 there); windows covering them are skipped. If ``out`` is given and has the
    output dtype, the values are written into it and a view of it is returned.
    """
    n_rows, width = base.shape
    n_windows = width - k + 1
    if n_windows <= 0:
        return np.zeros(n_rows, dtype=np.int64), np.empty(0, np.int32), np.empty(0, dtype)
    skip = 4**k
    code_dtype = np.uint16 if skip < np.iinfo(np.uint16).max else np.uint32
    codes = _window_codes(base, k, code_dtype)
    has_skip = n_positions is not None and len(n_positions) > 0
    if has_skip:
        # every window that covers an N (or the N padding of short rows) is skipped
        rows, cols = np.divmod(n_positions, width)
        for shift in range(k):
            start = cols - shift
            ok = (start >= 0) & (start < n_windows)
            codes[rows[ok], start[ok]] = skip
    if canonical_map is not None:
        codes = canonical_map[codes]
        skip = int(canonical_map[-1])
    # sorting each row puts the repeats of a k-mer side by side, in column order
    codes.sort(axis=1)
    new = np.empty(codes.shape, dtype=bool)
    flat_new = new.reshape(-1)
    np.not_equal(codes.reshape(-1)[1:], codes.reshape(-1)[:-1], out=flat_new[1:])
    flat_new[::n_windows] = True  # every row starts a run
    columns = codes[new]
    value_dtype = np.int64 if mode != "presence" else dtype
    if out is None or out.dtype != value_dtype or has_skip or len(out) < len(columns):
        out = np.empty(len(columns), dtype=value_dtype)
    values = out[: len(columns)]
    if mode == "presence":
        row_nnz = np.count_nonzero(new, axis=1)
        values.fill(1)
    else:
        starts = np.flatnonzero(new)
        row_ends = np.searchsorted(starts, np.arange(1, n_rows + 1) * n_windows)
        row_nnz = np.diff(row_ends, prepend=0)
        # a run of equal codes lasts until the next run starts (the last one, to the end)
        np.subtract(starts[1:], starts[:-1], out=values[:-1])
        values[-1] = codes.size - starts[-1]
    if has_skip:
        keep = columns != skip
        row_nnz -= codes[:, -1] == skip  # skipped windows sort last: one run per row
        columns = columns[keep]
        values = values[keep]
    if mode == "frequency":
        row_of = np.repeat(np.arange(n_rows), row_nnz)
        totals = np.bincount(row_of, weights=values, minlength=n_rows)
        values = values / totals[row_of]
    return row_nnz, columns, values.astype(dtype, copy=False)


def _kmer_matrix(
    seqs: list[str], kmin: int, kmax: int, mode: str, canonical: bool, dtype: np.dtype
) -> sp.csr_matrix:
    """Sparse k-mer matrix of ``seqs`` for all k in ``kmin..kmax`` (blocks side by side)."""
    n = len(seqs)
    lengths = np.fromiter(map(len, seqs), dtype=np.int64, count=n)
    ks = range(kmin, kmax + 1)
    maps = {k: _canonical_columns(k)[1] for k in ks} if canonical else dict.fromkeys(ks)
    widths = {k: (int(maps[k][-1]) if canonical else 4**k) for k in ks}
    offsets = dict(zip(ks, np.cumsum([0] + [widths[k] for k in ks])[:-1], strict=True))
    n_features = sum(widths.values())
    # upper bound on non-zeros: each row has at most min(#windows, #columns) per k
    bound = int(sum(np.minimum(np.clip(lengths - k + 1, 0, None), widths[k]).sum() for k in ks))
    index_dtype = np.int32 if max(bound, n_features) < np.iinfo(np.int32).max else np.int64
    indptr = np.zeros(n + 1, dtype=index_dtype)
    indices = np.empty(bound, dtype=index_dtype)
    data = np.empty(bound, dtype=dtype)
    nnz = 0
    for r0, r1 in _chunks(lengths):
        chunk_len = lengths[r0:r1]
        base, has_n = _encode_chunk(seqs[r0:r1], chunk_len, seqs)
        n_positions = None
        if has_n:
            base = base.copy()
            n_positions = np.flatnonzero(base.ravel() == _N_CODE)
            base.ravel()[n_positions] = 0
        if kmin == kmax:
            row_nnz, cols, vals = _chunk_block(
                base, n_positions, kmin, mode, maps[kmin], dtype, out=data[nnz:]
            )
        else:
            blocks = [_chunk_block(base, n_positions, k, mode, maps[k], dtype) for k in ks]
            row_nnz, cols, vals = _hstack_blocks(blocks, [offsets[k] for k in ks])
        m = len(cols)
        indices[nnz : nnz + m] = cols
        if not np.may_share_memory(vals, data):
            data[nnz : nnz + m] = vals
        np.cumsum(row_nnz, out=indptr[r0 + 1 : r1 + 1])
        indptr[r0 + 1 : r1 + 1] += nnz
        nnz += m
    if nnz < bound:  # give back the unused tail without copying
        indices.resize(nnz, refcheck=False)
        data.resize(nnz, refcheck=False)
    return sp.csr_matrix((data, indices, indptr), shape=(n, n_features), copy=False)


def _hstack_blocks(
    blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]], offsets: list[int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Put per-k CSR blocks of the same rows side by side (columns shifted by offsets)."""
    n_rows = len(blocks[0][0])
    row_nnz = sum(b[0] for b in blocks)
    total = int(row_nnz.sum())
    cols = np.empty(total, dtype=np.int64)
    vals = np.empty(total, dtype=blocks[0][2].dtype)
    # position of each block's row segment in the merged rows
    ends = np.cumsum(row_nnz)
    row_start = ends - row_nnz
    before = np.zeros(n_rows, dtype=np.int64)
    for (nnz_b, cols_b, vals_b), off in zip(blocks, offsets, strict=True):
        if not len(cols_b):
            continue
        seg_start = np.repeat(row_start + before, nnz_b)
        local = np.arange(len(cols_b)) - np.repeat(np.cumsum(nnz_b) - nnz_b, nnz_b)
        target = seg_start + local
        cols[target] = cols_b.astype(np.int64) + off
        vals[target] = vals_b
        before += nnz_b
    return row_nnz, cols, vals


def _chunks(lengths: np.ndarray) -> Iterable[tuple[int, int]]:
    """Row ranges whose padded size (rows x longest row) stays near ``_CHUNK_BASES``."""
    n = len(lengths)
    if n == 0:
        return
    if lengths.min() == lengths.max():
        step = max(1, _CHUNK_BASES // max(1, int(lengths[0])))
        for r0 in range(0, n, step):
            yield r0, min(n, r0 + step)
        return
    r0, widest = 0, 0
    for i, length in enumerate(lengths.tolist()):
        widest_next = max(widest, length)
        if i > r0 and (i - r0 + 1) * widest_next > _CHUNK_BASES:
            yield r0, i
            r0, widest_next = i, length
        widest = widest_next
    yield r0, n


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
        return iter(_feature_names(self.kmin, self.kmax, self.canonical))

    def __len__(self) -> int:
        return self._size

    def __repr__(self) -> str:
        k = self.kmin if self.kmin == self.kmax else (self.kmin, self.kmax)
        return f"KmerVocabulary(k={k!r}, canonical={self.canonical}, {self._size} k-mers)"


# --------------------------------------------------------------------------- #
# Transformers
# --------------------------------------------------------------------------- #

_MODES = ("count", "presence", "frequency")


class _SequenceInputTags:
    """scikit-learn tags of the transformers here: a 1-D collection of strings in."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags


def _is_dtype(dtype: Any, kinds: str = "iuf") -> bool:
    """Whether ``dtype`` names a numpy dtype of one of ``kinds``."""
    return dtype is not None and np.dtype(dtype).kind in kinds


_NUMERIC_DTYPE = Rule(_is_dtype, "a numeric (int or float) numpy dtype")
_MODE_CONSTRAINT = Rule(lambda mode: mode in _MODES, f"one of {_MODES}")


def _numeric_dtype(owner: str, dtype: Any, kinds: str = "iuf") -> np.dtype:
    """``dtype`` as a numpy dtype of one of ``kinds``, or the uniform parameter error."""
    try:
        checked = np.dtype(dtype)
    except TypeError:
        checked = None
    if dtype is None or checked is None or checked.kind not in kinds:
        expected = "a float" if kinds == "f" else "a numeric (int or float)"
        raise _param_error(owner, "dtype", f"{expected} numpy dtype", dtype)
    return checked


class KmerVectorizer(
    _SequenceInputTags, ParamsChecked, TransformerMixin, BaseEstimator, auto_wrap_output_keys=None
):
    """Encode DNA sequences as a sparse matrix of k-mer counts.

    Every sequence becomes one row; every possible k-mer (all ``4**k`` of them,
    in lexicographic order, so train and test always share columns) is a column.

    Parameters
    ----------
    k : int or (int, int), default=3
        k-mer length, or a ``(kmin, kmax)`` pair to place the blocks for every k
        from ``kmin`` to ``kmax`` side by side (at most 15).
    mode : {"count", "presence", "frequency"}, default="count"
        ``"count"``: how often each k-mer occurs; ``"presence"``: 1 if it occurs,
        else 0; ``"frequency"``: counts divided by the number of counted k-mers
        of the row (for a range of k, each k block sums to 1 separately).
    canonical : bool, default=False
        Merge each k-mer with its reverse complement into one column, named by
        the lexicographically smaller of the two (see :func:`canonical_kmer`).
    dtype : numpy dtype, default=None
        Type of the values; ``None`` means ``int64`` for counts and presence and
        ``float64`` for frequencies (which need a float type).

    Attributes
    ----------
    vocabulary_ : KmerVocabulary
        Read-only mapping k-mer -> column index, like
        ``CountVectorizer.vocabulary_``. Set by ``fit`` from ``k`` and
        ``canonical`` alone: the columns do not depend on the data.
    n_features_out_ : int
        Number of columns.
    dtype_ : numpy.dtype
        Type of the output values.

    Notes
    -----
    - Lowercase bases are counted like uppercase ones.
    - A k-mer that overlaps an ``N`` is skipped (it is not counted anywhere), so a
      row sums to ``L - k + 1`` minus the number of windows touching an ``N``.
    - A sequence shorter than ``k`` gives an all-zero row.
    - Any other character raises a ``ValueError`` naming the row, position and
      character.
    - The output is always a sparse matrix, also under
      ``sklearn.set_config(transform_output="pandas")`` (a data frame of 4**k
      dense columns is rarely what you want); call ``.toarray()`` if you need one.

    See Also
    --------
    sklearn.feature_extraction.text.CountVectorizer :
        gives the same counts with ``analyzer="char", ngram_range=(k, k),
        lowercase=False`` on clean sequences (only k-mers seen in training,
        and much more slowly).

    Examples
    --------
    >>> vec = KmerVectorizer(k=2)
    >>> X = vec.fit_transform(["ACGT", "AAAA", "acgN"])
    >>> X.shape
    (3, 16)
    >>> names = vec.get_feature_names_out()
    >>> {str(names[j]): int(v) for j, v in zip(X[0].indices, X[0].data)}
    {'AC': 1, 'CG': 1, 'GT': 1}
    >>> int(X[1, vec.vocabulary_["AA"]]), int(X[2].sum())
    (3, 2)
    >>> KmerVectorizer(k=2, canonical=True).fit(["A"]).n_features_out_
    10
    >>> KmerVectorizer(k="3").fit(["ACGT"])
    Traceback (most recent call last):
    ...
    ValueError: KmerVectorizer: k must be an int from 1 to 15 or a (kmin, kmax) pair with 1 <= kmin <= kmax <= 15, got '3'
    """

    _parameter_constraints: dict[str, list] = {
        "k": [_K_CONSTRAINT],
        "mode": [_MODE_CONSTRAINT],
        "canonical": ["boolean"],
        "dtype": [Rule(lambda d: d is None or _is_dtype(d), _NUMERIC_DTYPE.description)],
    }

    def __init__(
        self,
        k: int | tuple[int, int] = 3,
        *,
        mode: str = "count",
        canonical: bool = False,
        dtype: Any = None,
    ) -> None:
        self.k = k
        self.mode = mode
        self.canonical = canonical
        self.dtype = dtype

    def _checked_params(self) -> tuple[int, int, np.dtype]:
        """The derived settings, after :func:`fit_context` validated each parameter."""
        name = type(self).__name__
        kmin, kmax = _k_range(self.k)  # type: ignore[misc]
        if self.dtype is None:
            return kmin, kmax, np.dtype(np.float64 if self.mode == "frequency" else np.int64)
        if self.mode == "frequency":
            return kmin, kmax, _numeric_dtype(f"{name} (mode='frequency')", self.dtype, "f")
        return kmin, kmax, _numeric_dtype(name, self.dtype)

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any = None) -> KmerVectorizer:
        """Validate the parameters and the input; set the (data-independent) vocabulary.

        Parameters
        ----------
        X : list, array or Series of str
            Sequences (only the container is checked here; characters are
            checked by :meth:`transform`).
        y : ignored

        Returns
        -------
        self
        """
        kmin, kmax, dtype = self._checked_params()
        check_sequences(X)
        self.vocabulary_ = KmerVocabulary(kmin, kmax, canonical=bool(self.canonical))
        self.n_features_out_ = len(self.vocabulary_)
        self.dtype_ = dtype
        return self

    def transform(self, X: Any) -> sp.csr_matrix:
        """Encode sequences as a sparse k-mer matrix.

        Parameters
        ----------
        X : list, array or Series of str
            Sequences; A, C, G, T and N in either case.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_sequences, n_features_out_)
            Sorted column indices, no explicit zeros.

        Raises
        ------
        ValueError
            On a character other than A, C, G, T, N, naming row, position and
            character; on input that is not a collection of strings.
        sklearn.exceptions.NotFittedError
            Before ``fit``.
        """
        check_is_fitted(self)
        seqs = check_sequences(X)
        vocabulary = self.vocabulary_
        return _kmer_matrix(
            seqs, vocabulary.kmin, vocabulary.kmax, self.mode, vocabulary.canonical, self.dtype_
        )

    def fit_transform(self, X: Any, y: Any = None) -> sp.csr_matrix:
        """Fit and transform in one step (the same as ``fit(X).transform(X)``)."""
        return self.fit(X).transform(X)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The k-mer of each column.

        Returns
        -------
        numpy.ndarray of str (object dtype)
            Lexicographic within each k, blocks in increasing k; canonical
            k-mers are named by the smaller of the k-mer and its reverse complement.
        """
        check_is_fitted(self)
        vocabulary = self.vocabulary_
        names = _feature_names(vocabulary.kmin, vocabulary.kmax, vocabulary.canonical)
        return np.asarray(names, dtype=object)


class OneHotSequenceEncoder(_SequenceInputTags, ParamsChecked, TransformerMixin, BaseEstimator):
    """One-hot encode equal-length sequences, keeping the position of every base.

    Each base becomes four columns (A, C, G, T) with a single 1, so a sequence
    of length L becomes ``L * 4`` columns named ``pos0_A, pos0_C, ..., posL-1_T``
    (positions counted from 0). Unlike k-mer counts, this keeps *where* a base
    is, which position-aware models and in-silico mutagenesis need.

    Parameters
    ----------
    n_value : float, default=0.0
        Value of all four columns at an ``N``: ``0.0`` (an all-zero block, "no
        information"), ``0.25`` (a uniform guess) or ``numpy.nan`` (missing,
        for an imputer to fill).
    dtype : numpy dtype, default=numpy.float64
        Type of the output (an integer type only with a whole ``n_value``).

    Attributes
    ----------
    sequence_length_ : int
        The length every sequence must have, learned by ``fit``.
    n_features_out_ : int
        ``4 * sequence_length_``.

    Raises
    ------
    ValueError
        In ``fit`` on a bad parameter, if there are no sequences, if they are
        empty (length 0: no columns to learn from) or have different lengths
        (naming the first row that differs), in ``transform`` if a length
        differs from the fitted one, and on characters other than A, C, G, T, N.

    See Also
    --------
    one_hot_encode : the same as a 3-D ``(n, L, 4)`` array.

    Examples
    --------
    >>> enc = OneHotSequenceEncoder()
    >>> enc.fit_transform(["ACG", "TTN"])
    array([[1., 0., 0., 0., 0., 1., 0., 0., 0., 0., 1., 0.],
           [0., 0., 0., 1., 0., 0., 0., 1., 0., 0., 0., 0.]])
    >>> enc.get_feature_names_out()[:5].tolist()
    ['pos0_A', 'pos0_C', 'pos0_G', 'pos0_T', 'pos1_A']
    >>> OneHotSequenceEncoder(n_value="x").fit(["ACG"])
    Traceback (most recent call last):
    ...
    ValueError: OneHotSequenceEncoder: n_value must be a number (e.g. 0.0, 0.25 or nan), got 'x'
    """

    _parameter_constraints: dict[str, list] = {
        "n_value": [Rule(lambda v: _is_number(v), "a number (e.g. 0.0, 0.25 or nan)")],
        "dtype": [_NUMERIC_DTYPE],
    }

    def __init__(self, *, n_value: float = 0.0, dtype: Any = np.float64) -> None:
        self.n_value = n_value
        self.dtype = dtype

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any = None) -> OneHotSequenceEncoder:
        """Validate the parameters; learn (and check) the common sequence length.

        Returns
        -------
        self
        """
        _check_one_hot_params(type(self).__name__, self.n_value, self.dtype)
        seqs = check_sequences(X)
        if not seqs:
            raise ValueError("cannot fit on zero sequences")
        length = _common_length(seqs)
        if length == 0:
            raise ValueError(
                f"cannot fit on empty sequences: all {len(seqs)} have length 0, which "
                "gives a matrix with no columns; check the sequence column"
            )
        self.sequence_length_ = length
        self.n_features_out_ = 4 * self.sequence_length_
        return self

    def transform(self, X: Any) -> np.ndarray:
        """One-hot encode sequences of the fitted length.

        Returns
        -------
        numpy.ndarray of shape (n_sequences, 4 * sequence_length_)
        """
        check_is_fitted(self)
        seqs = check_sequences(X)
        length = _common_length(seqs, expected=self.sequence_length_)
        cube = _one_hot_cube(seqs, self.n_value, np.dtype(self.dtype), length)
        return cube.reshape(len(seqs), 4 * length)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Column names ``pos{i}_{base}``, positions from 0."""
        check_is_fitted(self)
        return np.asarray(
            [f"pos{i}_{b}" for i in range(self.sequence_length_) for b in DNA],
            dtype=object,
        )


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool | np.bool_)


def _check_one_hot_params(owner: str, n_value: Any, dtype: Any) -> np.dtype:
    """Validate ``n_value`` and ``dtype`` of one-hot encoding; return the dtype."""
    check_params(
        owner,
        {"n_value": n_value, "dtype": dtype},
        OneHotSequenceEncoder._parameter_constraints,
    )
    checked = np.dtype(dtype)
    if checked.kind != "f" and not (np.isfinite(n_value) and float(n_value).is_integer()):
        raise _param_error(owner, "n_value", f"a whole number to be stored as {checked}", n_value)
    return checked


def _common_length(seqs: Sequence[str], expected: int | None = None) -> int:
    lengths = np.fromiter(map(len, seqs), dtype=np.int64, count=len(seqs))
    if expected is not None:
        target = expected
    else:
        target = int(lengths[0]) if len(lengths) else 0
    differ = np.flatnonzero(lengths != target)
    if len(differ):
        i = int(differ[0])
        where = "the fitted length" if expected is not None else "row 0"
        how_many = "1 row differs" if len(differ) == 1 else f"{len(differ)} rows differ"
        raise ValueError(
            f"one-hot encoding needs sequences of equal length: row {i} has length "
            f"{lengths[i]}, {where} is {target} ({how_many}); trim or pad the sequences "
            "first, or use KmerVectorizer"
        )
    return target


def one_hot_encode(
    seqs: Any, *, n_value: float = 0.0, dtype: Any = np.float64, length: int | None = None
) -> np.ndarray:
    """One-hot encode equal-length sequences as an ``(n, L, 4)`` array (A, C, G, T).

    Parameters
    ----------
    seqs : list, array or Series of str
        Sequences of equal length.
    n_value : float, default=0.0
        Value of the four channels at an ``N``.
    dtype : numpy dtype, default=numpy.float64
    length : int, optional
        Required length; by default the length of the first sequence.

    Returns
    -------
    numpy.ndarray of shape (n_sequences, L, 4)

    Examples
    --------
    >>> one_hot_encode(["AC", "gN"])[:, :, 2]
    array([[0., 0.],
           [1., 0.]])
    """
    dtype = _check_one_hot_params("one_hot_encode", n_value, dtype)
    seqs = check_sequences(seqs)
    if not seqs:
        return np.zeros((0, length or 0, 4), dtype=dtype)
    return _one_hot_cube(seqs, n_value, dtype, _common_length(seqs, expected=length))


def _one_hot_cube(seqs: list[str], n_value: float, dtype: np.dtype, length: int) -> np.ndarray:
    """One-hot cube of checked sequences of one ``length`` (parameters already validated)."""
    if length == 0 or not seqs:
        return np.zeros((len(seqs), length, 4), dtype=dtype)
    lengths = np.full(len(seqs), length, dtype=np.int64)
    base, _ = _encode_chunk(seqs, lengths, seqs)
    table = np.zeros((5, 4), dtype=dtype)
    table[np.arange(4), np.arange(4)] = 1
    table[_N_CODE] = n_value
    return table[base]


class CompositionFeatures(_SequenceInputTags, ParamsChecked, TransformerMixin, BaseEstimator):
    """Sequence composition: length, GC content and the fraction of each base.

    Columns: ``length``, ``gc_content`` (G + C over A + C + G + T, ``N``
    ignored, 0.0 if there is no called base), ``frac_A``, ``frac_C``,
    ``frac_G``, ``frac_T`` and ``frac_N`` (each over the full length, so they sum
    to 1 for a non-empty sequence).

    Attributes
    ----------
    n_features_out_ : int
        7, set by ``fit`` (nothing is learned from the data).

    Examples
    --------
    >>> CompositionFeatures().fit_transform(["GGCA", "ATNN"]).round(3)
    array([[4.  , 0.75, 0.25, 0.25, 0.5 , 0.  , 0.  ],
           [4.  , 0.  , 0.25, 0.  , 0.  , 0.25, 0.5 ]])
    >>> CompositionFeatures().fit(["A"]).get_feature_names_out()[:2].tolist()
    ['length', 'gc_content']
    """

    feature_names = ("length", "gc_content", "frac_A", "frac_C", "frac_G", "frac_T", "frac_N")

    _parameter_constraints: dict[str, list] = {}

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any = None) -> CompositionFeatures:
        """Check the input; nothing is learned. Returns self."""
        check_sequences(X)
        self.n_features_out_ = len(self.feature_names)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Composition of each sequence.

        Returns
        -------
        numpy.ndarray of shape (n_sequences, 7)
        """
        check_is_fitted(self)
        seqs = check_sequences(X)
        n = len(seqs)
        lengths = np.fromiter(map(len, seqs), dtype=np.int64, count=n)
        counts = np.zeros((n, 5), dtype=np.int64)
        for r0, r1 in _chunks(lengths):
            base, _ = _encode_chunk(seqs[r0:r1], lengths[r0:r1], seqs)
            if base.size == 0:
                continue
            padded = lengths[r0:r1].min() < base.shape[1]
            rows = np.repeat(np.arange(r1 - r0), base.shape[1])
            flat = np.bincount(rows * 5 + base.ravel(), minlength=(r1 - r0) * 5)
            counts[r0:r1] = flat.reshape(r1 - r0, 5)
            if padded:  # N padding of shorter rows is not part of the sequence
                counts[r0:r1, 4] -= base.shape[1] - lengths[r0:r1]
        called = counts[:, :4].sum(axis=1)
        out = np.zeros((n, 7), dtype=np.float64)
        out[:, 0] = lengths
        np.divide(counts[:, 1] + counts[:, 2], called, out=out[:, 1], where=called > 0)
        np.divide(counts, lengths[:, None], out=out[:, 2:], where=lengths[:, None] > 0)
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Column names (see the class docstring)."""
        check_is_fitted(self)
        return np.asarray(self.feature_names, dtype=object)
