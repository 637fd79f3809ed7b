"""The k-mer counting kernel: sequences -> a sparse CSR matrix, with no Python per k-mer.

:func:`_kmer_matrix` is what :class:`helpers.features.kmers.KmerVectorizer`
calls after checking its parameters and input.

How it is fast
--------------
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

import numpy as np
import scipy.sparse as sp

from helpers.core.alphabet import N_CODE
from helpers.features.inputs import _chunks, _encode_chunk
from helpers.features.vocabulary import _canonical_columns

__all__: list[str] = []


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
            n_positions = np.flatnonzero(base.ravel() == N_CODE)
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
