"""Tests of helpers.features.vocabulary: the k-mer columns, canonical pairs, the allowed k."""

from __future__ import annotations

import re

import numpy as np
import pytest

from helpers.features.kmers import KmerVectorizer
from helpers.features.vocabulary import KmerVocabulary, all_kmers, canonical_kmer
from helpers.sequences import reverse_complement

K_MESSAGE = (
    "{owner}: k must be an int from 1 to 15 or a (kmin, kmax) pair with "
    "1 <= kmin <= kmax <= 15, got {value!r}"
)


def test_feature_names_lexicographic():
    names = KmerVectorizer(k=3).fit([]).get_feature_names_out()
    assert list(names) == sorted(names) == all_kmers(3)
    assert names.dtype == object


def test_canonical_feature_names():
    names = KmerVectorizer(k=2, canonical=True).fit([]).get_feature_names_out().tolist()
    assert len(names) == 10  # (16 + 4 palindromes) / 2
    assert all(canonical_kmer(n) == n for n in names)
    assert names == sorted(names)
    for k in (3, 4, 5):
        assert (
            KmerVectorizer(k=k, canonical=True).fit(["A"]).n_features_out_
            == (4**k + (4 ** (k // 2) if k % 2 == 0 else 0)) // 2
        )


@pytest.mark.parametrize("k", [1, (1, 3), 4])
@pytest.mark.parametrize("canonical", [False, True])
def test_vocabulary_is_a_lazy_dict_of_the_feature_names(k, canonical):
    vec = KmerVectorizer(k=k, canonical=canonical).fit([])
    names = vec.get_feature_names_out().tolist()
    vocabulary = vec.vocabulary_
    assert len(vocabulary) == len(names) and list(vocabulary) == names
    assert all(vocabulary[n] == i for i, n in enumerate(names))
    for missing in ["", "ACGTN", "acg", "AN", 3, "A" * 9]:
        assert missing not in vocabulary
    if canonical:
        assert "T" * vocabulary.kmax not in vocabulary  # the pair is named by A...A
    assert "KmerVocabulary" in repr(vocabulary)


def test_vocabulary_of_large_k_costs_no_table():
    vec = KmerVectorizer(k=15).fit([])
    assert len(vec.vocabulary_) == 4**15
    assert vec.vocabulary_["T" * 15] == 4**15 - 1
    assert repr(KmerVocabulary(15, 15)) == (
        "KmerVocabulary(k=15, canonical=False, 1073741824 k-mers)"
    )


def test_small_functions():
    assert all_kmers(1) == ["A", "C", "G", "T"]
    assert canonical_kmer("GGG") == "CCC"
    assert canonical_kmer("acgt") == "ACGT"
    assert reverse_complement("ACGTTn") == "nAACGT"


@pytest.mark.parametrize("k", [0, 16, "3", (3, 2)])
def test_all_kmers_bad_k(k):
    with pytest.raises(ValueError, match=re.escape(K_MESSAGE.format(owner="all_kmers", value=k))):
        all_kmers(k)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: reverse_complement("ACGR"),
            "sequence: invalid character 'R' at position 3 (0-based); allowed: 'ACGTN' "
            "(either case).",
        ),
        (
            lambda: canonical_kmer("ACR"),
            "sequence: invalid character 'R' at position 2 (0-based); allowed: 'ACGTN' "
            "(either case).",
        ),
    ],
    ids=["reverse_complement", "canonical_kmer"],
)
def test_sequence_functions_name_the_bad_character(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


@pytest.mark.parametrize("seq", [["ACGT"], ("ACGT",), b"ACGT", None, np.array(["ACGT"])])
def test_reverse_complement_needs_one_str(seq):
    message = (
        f"expected one sequence as a str, got {type(seq).__name__}; "
        "for several sequences use [reverse_complement(s) for s in seqs]"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        reverse_complement(seq)
    assert reverse_complement(np.str_("ACGG")) == "CCGT"
