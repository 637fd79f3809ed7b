"""Tests of helpers.features.kmer_counting: the counting kernel, exact and by its properties.

The kernel is reached through :class:`KmerVectorizer` (its only caller) and
compared with scikit-learn's ``CountVectorizer`` and with plain Python.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer

from helpers.features import inputs
from helpers.features.kmers import KmerVectorizer
from helpers.sequences import reverse_complement

clean_seq = st.text(alphabet="ACGT", min_size=0, max_size=60)
any_case_seq = st.text(alphabet="ACGTNacgtn", min_size=0, max_size=60)


def random_sequences(n: int, length: int | tuple[int, int], seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    if isinstance(length, tuple):
        lengths = rng.integers(length[0], length[1] + 1, n)
    else:
        lengths = np.full(n, length)
    return ["".join(rng.choice(list("ACGT"), size=int(m))) for m in lengths]


def reference_counts(seqs: list[str], k: int) -> tuple[sp.csr_matrix, np.ndarray]:
    """k-mer counts by CountVectorizer (the trusted reference)."""
    cv = CountVectorizer(analyzer="char", ngram_range=(k, k), lowercase=False)
    return cv.fit_transform(seqs), cv.get_feature_names_out()


def naive_counts(seq: str, k: int, canonical: bool = False) -> dict[str, int]:
    """Plain-Python k-mer counts, skipping k-mers with N (the documented rule)."""
    out: dict[str, int] = {}
    s = seq.upper()
    for i in range(len(s) - k + 1):
        w = s[i : i + k]
        if "N" in w:
            continue
        if canonical:
            w = min(w, reverse_complement(w))
        out[w] = out.get(w, 0) + 1
    return dict(sorted(out.items()))


def as_dicts(X: sp.csr_matrix, names: np.ndarray) -> list[dict[str, float]]:
    X = sp.csr_matrix(X)
    return [
        {str(names[j]): v for j, v in zip(X[i].indices, X[i].data.tolist(), strict=True)}
        for i in range(X.shape[0])
    ]


# --------------------------------------------------------------------------- #
# Exactness
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("k", [1, 2, 3, 5, 6, 8])
@pytest.mark.parametrize("length", [30, (0, 40)])
def test_counts_equal_countvectorizer(k, length):
    seqs = random_sequences(300, length, seed=k)
    seqs = [s for s in seqs if len(s) >= k] or ["A" * k]  # CountVectorizer skips short docs
    X = KmerVectorizer(k=k).fit_transform(seqs)
    Y, names = reference_counts(seqs, k)
    vocabulary = KmerVectorizer(k=k).fit([]).vocabulary_
    cols = [vocabulary[n] for n in names]
    assert X.shape == (len(seqs), 4**k)
    assert X.nnz == Y.nnz
    assert (X[:, cols] != Y).nnz == 0


def test_output_is_canonical_csr():
    X = KmerVectorizer(k=3).fit_transform(random_sequences(50, (0, 50)) + ["ANNA", "acgtn"])
    assert sp.issparse(X) and X.format == "csr"
    assert X.has_sorted_indices
    assert X.dtype == np.int64
    assert (X.data > 0).all()
    Y = X.copy()
    Y.sum_duplicates()
    assert Y.nnz == X.nnz


def test_chunking_does_not_change_result(monkeypatch):
    seqs = random_sequences(200, (0, 80), seed=3) + ["NNACGTNNA", "", "ac"]
    expected = KmerVectorizer(k=(1, 4)).fit_transform(seqs)
    monkeypatch.setattr(inputs, "_CHUNK_BASES", 97)
    got = KmerVectorizer(k=(1, 4)).fit_transform(seqs)
    assert (got != expected).nnz == 0


@pytest.mark.parametrize("k", [1, 3, 4])
@pytest.mark.parametrize("mode", ["count", "presence", "frequency"])
def test_matches_naive_with_n_lowercase_and_short(k, mode):
    seqs = ["ACGTNACGT", "acgtacgtAC", "", "A", "NNNN", "ANA", "GATTACA" * 3, "ttTT"]
    for canonical in (False, True):
        vec = KmerVectorizer(k=k, mode=mode, canonical=canonical)
        got = as_dicts(vec.fit_transform(seqs), vec.get_feature_names_out())
        for row, seq in zip(got, seqs, strict=True):
            ref = naive_counts(seq, k, canonical)
            if mode == "presence":
                ref = dict.fromkeys(ref, 1)
            elif mode == "frequency":
                total = sum(ref.values())
                ref = {w: c / total for w, c in ref.items()}
            assert row == pytest.approx(ref)


def test_k_range_stacks_blocks():
    seqs = random_sequences(40, (0, 30), seed=5) + ["ACNGT"]
    X = KmerVectorizer(k=(2, 4)).fit_transform(seqs)
    blocks = [KmerVectorizer(k=k).fit_transform(seqs) for k in (2, 3, 4)]
    assert (X != sp.hstack(blocks, format="csr")).nnz == 0
    assert X.has_sorted_indices
    names = KmerVectorizer(k=(2, 4)).fit([]).get_feature_names_out()
    assert len(names) == 16 + 64 + 256 == X.shape[1]
    assert names[0] == "AA" and names[16] == "AAA" and names[-1] == "TTTT"


def test_k_range_frequency_normalises_each_block():
    X = KmerVectorizer(k=(1, 3), mode="frequency").fit_transform(["ACGTTGCA", "GGGG"])
    for lo, hi in [(0, 4), (4, 20), (20, 84)]:
        np.testing.assert_allclose(np.asarray(X[:, lo:hi].sum(axis=1)).ravel(), 1.0)


def test_large_k_uses_wider_codes():
    seqs = random_sequences(20, 60, seed=9)
    X = KmerVectorizer(k=10).fit_transform(seqs)
    Y, names = reference_counts(seqs, 10)
    vocab_cols = [int("".join(str("ACGT".index(c)) for c in n), 4) for n in names]
    assert (X[:, vocab_cols] != Y).nnz == 0


@pytest.mark.parametrize("k", [7, 8, 9])
def test_canonical_with_wide_codes_matches_naive(k):
    seqs = random_sequences(15, (0, 40), seed=k) + ["ACGTNNACGTACGTAAC", "ttttttttttgggg"]
    vec = KmerVectorizer(k=k, canonical=True)
    got = as_dicts(vec.fit_transform(seqs), vec.get_feature_names_out())
    assert got == [naive_counts(s, k, canonical=True) for s in seqs]


def test_windows_touching_n_are_skipped_and_short_rows_are_zero():
    X = KmerVectorizer(k=2).fit_transform(["ACNGT", "", "A", "NNNN"]).toarray()
    assert X.sum(axis=1).tolist() == [2, 0, 0, 0]


def test_empty_input():
    X = KmerVectorizer(k=3).fit_transform([])
    assert X.shape == (0, 64) and X.nnz == 0


# --------------------------------------------------------------------------- #
# Properties (hypothesis)
# --------------------------------------------------------------------------- #


@settings(max_examples=60, deadline=None)
@given(st.lists(clean_seq, min_size=1, max_size=8), st.integers(1, 6))
def test_row_sums_are_number_of_windows(seqs, k):
    X = KmerVectorizer(k=k).fit_transform(seqs)
    expected = [max(len(s) - k + 1, 0) for s in seqs]
    assert np.asarray(X.sum(axis=1)).ravel().tolist() == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(any_case_seq, min_size=1, max_size=8), st.integers(1, 5))
def test_canonical_invariant_under_reverse_complement(seqs, k):
    vec = KmerVectorizer(k=k, canonical=True).fit([])
    X = vec.transform(seqs)
    Y = vec.transform([reverse_complement(s) for s in seqs])
    assert (X != Y).nnz == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(any_case_seq, min_size=1, max_size=8), st.integers(1, 5), st.booleans())
def test_presence_is_counts_positive(seqs, k, canonical):
    counts = KmerVectorizer(k=k, canonical=canonical).fit_transform(seqs)
    presence = KmerVectorizer(k=k, mode="presence", canonical=canonical).fit_transform(seqs)
    assert (presence != (counts > 0).astype(np.int64)).nnz == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(any_case_seq, min_size=1, max_size=8), st.integers(1, 5))
def test_lowercase_same_as_uppercase_and_matches_naive(seqs, k):
    vec = KmerVectorizer(k=k).fit([])
    X = vec.transform(seqs)
    assert (X != vec.transform([s.upper() for s in seqs])).nnz == 0
    got = as_dicts(X, vec.get_feature_names_out())
    assert got == [naive_counts(s, k) for s in seqs]


@settings(max_examples=40, deadline=None)
@given(st.lists(any_case_seq, min_size=1, max_size=6), st.integers(1, 3), st.integers(3, 5))
def test_k_range_equals_single_k_blocks(seqs, kmin, kmax):
    X = KmerVectorizer(k=(kmin, kmax)).fit_transform(seqs)
    blocks = [KmerVectorizer(k=k).fit_transform(seqs) for k in range(kmin, kmax + 1)]
    assert (X != sp.hstack(blocks, format="csr")).nnz == 0
