"""Tests of helpers.evaluation.splits: similarity groups, by hand, at scale and on bad input."""

from __future__ import annotations

import re
import time

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GroupKFold

from helpers.evaluation import similarity_groups


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


# --- similarity_groups -------------------------------------------------------------


def _mutate(seq: str, positions: list[int]) -> str:
    swap = {"A": "C", "C": "G", "G": "T", "T": "A"}
    chars = list(seq)
    for p in positions:
        chars[p] = swap[chars[p]]
    return "".join(chars)


def test_similarity_groups_by_hand():
    # 4-mers of s0: ACGT CGTA GTAC TACG GTAA TAAA AAAC (7 distinct);
    # s1 swaps the last C for G: shares 6 of 8 distinct -> Jaccard 0.75;
    # s2 shares none; s3 is s2 in lowercase (compared case-insensitively)
    seqs = ["ACGTACGTACGTAAAC", "ACGTACGTACGTAAAG", "TTTTGGGGCCCCAAAT", "ttttggggccccaaat"]
    assert similarity_groups(seqs, k=4, threshold=0.5).tolist() == [0, 0, 1, 1]
    # at a threshold above 0.75 the mutant leaves its parent's group
    assert similarity_groups(seqs, k=4, threshold=0.8).tolist() == [0, 1, 2, 2]


def test_similarity_groups_accept_n():
    seqs = ["ACGTACGTACGTAAAC", "ACGTACGTACGTAAAN", "TTTTGGGGCCCCAAAT"]
    assert similarity_groups(seqs, k=4).tolist() == [0, 0, 1]


def test_similarity_groups_leave_out_kmers_touching_n():
    # N is an unknown base: k-mers touching it are not counted (as in KmerVectorizer),
    # so two all-N sequences share nothing and an all-N sequence is a group of its own
    seqs = ["NNNNNNNN", "NNNNNNNN", "ACGTNNNN", "ACGTNNNA"]
    assert similarity_groups(seqs, k=4).tolist() == [0, 1, 2, 2]


def test_similarity_groups_transitive_families():
    rng = np.random.default_rng(1)
    parents = ["".join(rng.choice(list("ACGT"), size=100)) for _ in range(30)]
    # chain: parent -> 1 mutation -> 2 mutations; all must share the parent's group
    seqs, family = [], []
    for f, parent in enumerate(parents):
        for positions in ([], [10], [10, 60]):
            seqs.append(_mutate(parent, positions))
            family.append(f)
    order = rng.permutation(len(seqs))
    groups = similarity_groups([seqs[i] for i in order])
    family = np.asarray(family)[order]
    assert len(set(groups.tolist())) == 30
    for f in range(30):
        assert len(set(groups[family == f].tolist())) == 1
    # labels numbered in order of first appearance
    first_seen = pd.unique(groups)
    assert first_seen.tolist() == list(range(30))
    # usable with GroupKFold: no family split between train and test
    for train, test in GroupKFold(n_splits=5).split(np.zeros(len(seqs)), groups=groups):
        assert not set(family[train]) & set(family[test])


@pytest.mark.slow  # 15,000 sequences: a scaling check, not a unit test
def test_similarity_groups_scale():
    rng = np.random.default_rng(2)
    codes = rng.integers(0, 4, size=(15_000, 100))
    seqs = ["".join("ACGT"[c] for c in row) for row in codes]
    start = time.perf_counter()
    groups = similarity_groups(seqs)
    assert time.perf_counter() - start < 20
    assert len(set(groups.tolist())) == 15_000


SHORT = "choose a smaller k or drop it. 1 of 2 sequences are shorter than k."
INVALID = "(0-based); allowed: 'ACGTN' (either case). 1 of 2 sequences have invalid characters."


@pytest.mark.parametrize(
    ("seqs", "kwargs", "message"),
    [
        ([], {}, "sequences is empty."),
        ("ACGTACGTAC", {}, "sequences must be a list of sequences, not a single string."),
        (["ACGTACGTAC", "ACG"], {}, f"row 1: length 3, shorter than k=8; {SHORT}"),
        (["ACGTACGTAC", ""], {"k": 4}, f"row 1: length 0, shorter than k=4; {SHORT}"),
        (
            ["ACGTACGTAC", None],
            {},
            "row 1: expected a sequence string, got a missing value. "
            "1 of 2 sequences are not strings.",
        ),
        (
            pd.Series(["ACGTACGTAC", np.nan]),
            {"k": 4},
            "row 1: expected a sequence string, got a missing value. "
            "1 of 2 sequences are not strings.",
        ),
        (
            ["ACGTACGTAC", "ACGTAC GTAC"],
            {},
            f"row 1: invalid character ' ' at position 6 {INVALID}",
        ),
        (["ACGTACGTAC", "acgtRcgtac"], {}, f"row 1: invalid character 'R' at position 4 {INVALID}"),
        (["ACGTACGTAC", "ACGTACGTA-"], {}, f"row 1: invalid character '-' at position 9 {INVALID}"),
        (
            ["ACGTACGTAC"],
            {"k": 0},
            "similarity_groups: k must be an int in the range [1, 15], got 0",
        ),
        (
            ["ACGTACGTAC" * 2],
            {"k": 16},
            "similarity_groups: k must be an int in the range [1, 15], got 16",
        ),
        (
            ["ACGTACGTAC"],
            {"k": True},
            "similarity_groups: k must be an int in the range [1, 15], got True",
        ),
        (
            ["ACGTACGTAC"],
            {"threshold": 0},
            "similarity_groups: threshold must be a float in the range (0.0, 1.0], got 0",
        ),
        (
            ["ACGTACGTAC"],
            {"chunk_size": 0},
            "similarity_groups: chunk_size must be an int in the range [1, inf), got 0",
        ),
    ],
    ids=[
        "empty",
        "single-str",
        "too-short",
        "empty-str",
        "None",
        "NaN",
        "space",
        "IUPAC",
        "dash",
        "k=0",
        "k=16",
        "k=True",
        "threshold",
        "chunk_size",
    ],
)
def test_similarity_groups_bad_input(seqs, kwargs, message):
    with pytest.raises(ValueError, match=exact(message)):
        similarity_groups(seqs, **kwargs)


def test_similarity_groups_ignore_case():
    seqs = ["acgtacgtac", "ACGTACGTAC", "TTTTGGGGCC"]
    assert similarity_groups(seqs, k=4).tolist() == [0, 0, 1]
