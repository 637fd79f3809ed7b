"""Tests of helpers.sequences: the alphabet, IUPAC, reverse complement, the one validator."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.sequences import (
    DNA,
    DNA_N,
    IUPAC,
    reverse_complement,
    validate_sequence,
    validate_sequences,
)

dna = st.text(alphabet=DNA, min_size=1, max_size=80)
dna_any_case = st.text(alphabet="ACGTNacgtn", max_size=80)
not_dna = st.characters(exclude_characters="ACGTN", exclude_categories=("Cs",))


# --------------------------------------------------------------------------- #
# Properties
# --------------------------------------------------------------------------- #


@settings(max_examples=100, deadline=None)
@given(st.lists(dna, max_size=10))
def test_validator_accepts_every_acgt_string(seqs):
    assert validate_sequences(seqs) == seqs
    assert validate_sequences(seqs, alphabet=DNA) == seqs
    assert validate_sequences([s.lower() for s in seqs], ignore_case=True) == [
        s.lower() for s in seqs
    ]


@settings(max_examples=150, deadline=None)
@given(st.lists(dna, min_size=1, max_size=6), st.data())
def test_validator_names_first_invalid_row_position_and_character(seqs, data):
    row = data.draw(st.integers(0, len(seqs) - 1), label="row")
    position = data.draw(st.integers(0, len(seqs[row])), label="position")
    char = data.draw(not_dna, label="char")
    seqs = list(seqs)
    seqs[row] = seqs[row][:position] + char + seqs[row][position:]
    expected = (
        f"row {row}: invalid character {char!r} at position {position} (0-based); "
        "allowed: 'ACGTN'. 1 of "
    )
    with pytest.raises(ValueError, match="^" + re.escape(expected)):
        validate_sequences(seqs)
    # the same through a Series with labels, a column and a file
    labelled = pd.Series(seqs, index=[f"s{i}" for i in range(len(seqs))], name="seq")
    with pytest.raises(ValueError, match=re.escape(f"in.csv: row 's{row}', column 'seq': ")):
        validate_sequences(labelled, column="seq", source="in.csv")


@settings(max_examples=100, deadline=None)
@given(dna_any_case)
def test_reverse_complement_is_an_involution(seq):
    assert reverse_complement(reverse_complement(seq)) == seq
    assert len(reverse_complement(seq)) == len(seq)


@settings(max_examples=100, deadline=None)
@given(dna)
def test_reverse_complement_pairs_bases(seq):
    pairs = dict(zip("ACGT", "TGCA", strict=True))
    assert reverse_complement(seq) == "".join(pairs[b] for b in reversed(seq))


# --------------------------------------------------------------------------- #
# The table and its one meaning of N
# --------------------------------------------------------------------------- #


def test_alphabet_and_iupac_table():
    assert DNA == "ACGT" and DNA_N == "ACGTN"
    assert IUPAC["N"] == DNA  # N stands for any base
    assert all(IUPAC[b] == b for b in DNA)
    assert all(set(bases) <= set(DNA) and list(bases) == sorted(bases) for bases in IUPAC.values())
    assert len(IUPAC) == 15
    with pytest.raises(TypeError):
        IUPAC["X"] = "A"  # read-only


# --------------------------------------------------------------------------- #
# The validator's messages
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("seqs", "kwargs", "message"),
    [
        (["ACGT", None], {}, r"^row 1: expected a sequence string, got a missing value\. 1 of 2"),
        ([np.nan, 3], {}, r"^row 0: .*missing value\. 2 of 2 sequences are not strings\.$"),
        (["ACGT", b"AC"], {}, r"^row 1: expected a sequence string, got bytes b'AC'"),
        (["ACGT", ""], {}, r"^row 1: empty sequence \(1 of 2 sequences are empty: \[1\]\)\.$"),
        (
            ["acgt"],
            {},
            r"^row 0: invalid character 'a' at position 0 \(0-based\); allowed: 'ACGTN'\. "
            r"1 of 1 sequences have invalid characters\. Upper-case the sequences first",
        ),
        (
            ["acgx"],
            {"ignore_case": True},
            r"'x' at position 3 \(0-based\); allowed: 'ACGTN' \(either case\)\. 1 of",
        ),
        (["ACGN"], {"alphabet": DNA}, r"'N' at position 3 .*allowed: 'ACGT'\."),
        (
            ["ACGT", "ACG"],
            {"length": 4},
            r"^row 1: length 3, expected 4\. 1 of 2 sequences have another length\.$",
        ),
        (["AC", "ACGX"], {"length": 4}, r"invalid character"),  # characters before length
        (["TAT", "TANAT"], {"alphabet": DNA, "what": "k-mer"}, r"1 of 2 k-mers have invalid"),
        ("ACGT", {}, r"got a single str; wrap it in a list"),
        (["A", "C"], {"ids": ["a"]}, r"ids has 1 labels for 2 sequences"),
    ],
)
def test_validator_messages(seqs, kwargs, message):
    with pytest.raises(ValueError, match=message):
        validate_sequences(seqs, **kwargs)


def test_validator_labels_and_return_value():
    series = pd.Series(["ACGT", "GG"], index=["p1", "p2"])
    assert validate_sequences(series) == ["ACGT", "GG"]
    with pytest.raises(ValueError, match=r"^row 'p2': length 2"):
        validate_sequences(series, length=4)
    with pytest.raises(ValueError, match=r"^row 'x2': length 2"):
        validate_sequences(series, length=4, ids=["x1", "x2"])
    assert validate_sequences(["", "A"], allow_empty=True) == ["", "A"]
    out = validate_sequences(np.array(["AC", "GT"]))  # numpy.str_ -> str
    assert out == ["AC", "GT"] and all(type(s) is str for s in out)


@pytest.mark.parametrize(
    ("seq", "message"),
    [
        (
            "ACXT",
            r"^sequence: invalid character 'X' at position 2 \(0-based\); allowed: 'ACGTN'\.$",
        ),
        ("", r"^sequence: empty sequence\.$"),
        (None, r"^expected one sequence as a str, got NoneType$"),
        (["ACGT"], r"^expected one sequence as a str, got list$"),
    ],
)
def test_single_sequence_messages(seq, message):
    with pytest.raises(ValueError, match=message):
        validate_sequence(seq)


def test_reverse_complement_rejects_what_the_validator_rejects():
    assert reverse_complement("") == ""
    with pytest.raises(ValueError, match=r"invalid character 'R' at position 3 .*either case"):
        reverse_complement("ACGR")
    with pytest.raises(ValueError, match=r"got list; for several sequences"):
        reverse_complement(["ACGT"])
