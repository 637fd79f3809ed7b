"""Tests of helpers.features.onehot: one-hot encoding of equal-length sequences, and padding."""

from __future__ import annotations

import re

import numpy as np
import pytest

from helpers.features.onehot import OneHotSequenceEncoder, one_hot_encode, pad_sequences

NUMBER = "a number (e.g. 0.0, 0.25 or nan)"
NUMERIC = "a numeric (int or float) numpy dtype"


def test_one_hot_roundtrip_and_names():
    rng = np.random.default_rng(2)
    seqs = ["".join(rng.choice(list("ACGT"), size=12)) for _ in range(10)]
    encoder = OneHotSequenceEncoder()
    X = encoder.fit_transform(seqs)
    assert X.shape == (10, 48) and X.dtype == np.float64
    assert (X.sum(axis=1) == 12).all()
    cube = X.reshape(10, 12, 4)
    decoded = ["".join("ACGT"[i] for i in row) for row in cube.argmax(axis=2)]
    assert decoded == seqs
    assert encoder.get_feature_names_out()[-1] == "pos11_T"


def test_one_hot_n_value_and_lowercase():
    assert OneHotSequenceEncoder().fit_transform(["N"]).tolist() == [[0, 0, 0, 0]]
    X = OneHotSequenceEncoder().fit_transform(["aN"])
    assert X.tolist() == [[1, 0, 0, 0, 0, 0, 0, 0]]
    X = OneHotSequenceEncoder(n_value=0.25).fit_transform(["aN"])
    assert X.tolist() == [[1, 0, 0, 0, 0.25, 0.25, 0.25, 0.25]]
    assert one_hot_encode(["ACGT"]).shape == (1, 4, 4)


def test_one_hot_accepted_parameter_values():
    assert np.isnan(OneHotSequenceEncoder(n_value=np.nan).fit_transform(["N"])).all()
    X = OneHotSequenceEncoder(n_value=1, dtype=np.int8).fit_transform(["AN"])
    assert X.dtype == np.int8 and X.tolist() == [[1, 0, 0, 0, 1, 1, 1, 1]]
    assert OneHotSequenceEncoder(n_value=np.float32(0.25)).fit_transform(["N"]).sum() == 1.0


def test_one_hot_transform_of_no_rows():
    assert OneHotSequenceEncoder().fit(["ACG"]).transform([]).shape == (0, 12)
    # one_hot_encode itself returns the (n, 0, 4) array it documents for empty sequences
    assert one_hot_encode(["", ""]).shape == (2, 0, 4)


# --------------------------------------------------------------------------- #
# Bad input
# --------------------------------------------------------------------------- #


def _unequal(row: int, length: int, where: str) -> str:
    return (
        f"one-hot encoding needs sequences of equal length: row {row} has length {length}, "
        f"{where} (1 row differs); trim or pad the sequences first, or use KmerVectorizer"
    )


def test_one_hot_mixed_lengths_name_row_and_lengths():
    with pytest.raises(ValueError, match=re.escape(_unequal(2, 3, "row 0 is 4"))):
        OneHotSequenceEncoder().fit(["ACGT", "GGCA", "ACG"])
    encoder = OneHotSequenceEncoder().fit(["ACGT"])
    with pytest.raises(ValueError, match=re.escape(_unequal(0, 5, "the fitted length is 4"))):
        encoder.transform(["ACGTA"])


def test_one_hot_fit_on_nothing_or_on_empty_sequences_raises():
    with pytest.raises(ValueError, match=re.escape("cannot fit on zero sequences")):
        OneHotSequenceEncoder().fit([])
    # Zero-length sequences give a matrix with no columns: a model fitted on
    # it would predict a constant without any warning.
    message = (
        "cannot fit on empty sequences: all 2 have length 0, which gives a matrix with no "
        "columns; check the sequence column"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        OneHotSequenceEncoder().fit(["", ""])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"n_value": "x"}, f"n_value must be {NUMBER}, got 'x'"),
        ({"n_value": None}, f"n_value must be {NUMBER}, got None"),
        ({"n_value": True}, f"n_value must be {NUMBER}, got True"),
        ({"n_value": [0.25]}, f"n_value must be {NUMBER}, got [0.25]"),
        ({"dtype": "x"}, f"dtype must be {NUMERIC}, got 'x'"),
        ({"dtype": object}, f"dtype must be {NUMERIC}, got <class 'object'>"),
        (
            {"dtype": np.int8, "n_value": 0.25},
            "n_value must be a whole number to be stored as int8, got 0.25",
        ),
        (
            {"dtype": np.int64, "n_value": np.nan},
            "n_value must be a whole number to be stored as int64, got nan",
        ),
    ],
    ids=repr,
)
def test_bad_one_hot_parameters(params, message):
    with pytest.raises(ValueError, match=re.escape(f"OneHotSequenceEncoder: {message}")):
        OneHotSequenceEncoder(**params).fit(["ACGT"])


def test_one_hot_encode_validates_its_parameters_too():
    with pytest.raises(
        ValueError, match=re.escape(f"one_hot_encode: n_value must be {NUMBER}, got 'x'")
    ):
        one_hot_encode(["ACGT"], n_value="x")
    with pytest.raises(
        ValueError, match=re.escape(f"one_hot_encode: dtype must be {NUMERIC}, got 'x'")
    ):
        one_hot_encode(["ACGT"], dtype="x")


# --------------------------------------------------------------------------- #
# Padding to one length
# --------------------------------------------------------------------------- #


def test_pad_sequences_align():
    assert pad_sequences(["AC", "GGT"], align="start") == ["ACN", "GGT"]
    assert pad_sequences(["AC"], align="end", before=4, after=0) == ["NNAC"]
    assert pad_sequences(["AATATAATG", "TATAATGGG"], anchors=[2, 0]) == [
        "AATATAATGNN",
        "NNTATAATGGG",
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"X": ["AC", "GGT"], "align": "end", "before": 2, "after": 0},
            "row 1 needs 3 bases before the anchor but before=2; 1 rows do not fit",
        ),
        ({"X": ["AC"], "anchors": [5]}, "anchor 5 at row 0 lies outside its sequence (2 nt)"),
        (
            {"X": ["AC"], "anchors": [1.0]},
            "anchors must be 1 integers (one per sequence), got shape (1,) of float64",
        ),
        (
            {"X": ["AC"], "align": "middle"},
            "pad_sequences: align must be one of 'end', 'start', got 'middle'",
        ),
    ],
    ids=["does-not-fit", "anchor-outside", "float-anchors", "align"],
)
def test_pad_sequences_errors(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        pad_sequences(**kwargs)
