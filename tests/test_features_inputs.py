"""Tests of helpers.features.inputs: what every sequence transformer takes in, and how it fails.

The three transformers share the container check, the character check (the
one validator's message: row, position, character), the chunking and the
scikit-learn conventions; each behaviour is checked on all three.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

from helpers.core import alphabet
from helpers.features import inputs
from helpers.features.composition import CompositionFeatures
from helpers.features.inputs import _encode_chunk, check_sequences
from helpers.features.kmers import KmerVectorizer
from helpers.features.onehot import OneHotSequenceEncoder

TRANSFORMERS = {
    "KmerVectorizer": lambda: KmerVectorizer(k=2),
    "KmerVectorizer-range": lambda: KmerVectorizer(k=(1, 2)),
    "OneHotSequenceEncoder": OneHotSequenceEncoder,
    "CompositionFeatures": CompositionFeatures,
}


def _dense(matrix):
    return matrix.toarray() if hasattr(matrix, "toarray") else np.asarray(matrix)


def invalid(row: int, char: str, position: int, n_bad: int, n: int) -> str:
    """The one validator's message for an invalid character."""
    return (
        f"row {row}: invalid character {char!r} at position {position} (0-based); "
        f"allowed: 'ACGTN' (either case). {n_bad} of {n} sequences have invalid characters."
    )


def not_a_string(row: int, what: str, n: int) -> str:
    return f"row {row}: expected a sequence string, got {what}. 1 of {n} sequences are not strings."


# --------------------------------------------------------------------------- #
# Containers and characters
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "make_input",
    [list, np.asarray, pd.Series, lambda s: np.asarray(s, dtype=object)[:, None]],
    ids=["list", "array", "series", "2d-one-column"],
)
def test_accepts_list_array_series(make_input):
    seqs = ["ACGTA", "GGGCC", "TTNAA"]
    expected = KmerVectorizer(k=2).fit_transform(seqs)
    assert (KmerVectorizer(k=2).fit_transform(make_input(seqs)) != expected).nnz == 0


def test_accepts_one_column_frame_as_column_transformer_passes_it():
    frame = pd.DataFrame({"sequence": ["ACGT", "GGCA"]})
    assert KmerVectorizer(k=2).fit_transform(frame).shape == (2, 16)
    assert check_sequences(frame) == ["ACGT", "GGCA"]


@pytest.mark.parametrize("name", TRANSFORMERS)
def test_lowercase_is_read_like_uppercase(name):
    lower = _dense(TRANSFORMERS[name]().fit_transform(["acgt", "ggNa"]))
    upper = _dense(TRANSFORMERS[name]().fit_transform(["ACGT", "GGNA"]))
    np.testing.assert_array_equal(lower, upper)


@pytest.mark.parametrize("name", TRANSFORMERS)
@pytest.mark.parametrize(
    ("seqs", "message"),
    [
        (["ACGT", "ACXT"], invalid(1, "X", 2, 1, 2)),
        (["ACGT", "ACRT"], invalid(1, "R", 2, 1, 2)),
        (["ACGT", "ACYT"], invalid(1, "Y", 2, 1, 2)),
        (["ACGT", "ACUT"], invalid(1, "U", 2, 1, 2)),
        (["ACGT", "AC T"], invalid(1, " ", 2, 1, 2)),
        (["ACGT", "AC\nT"], invalid(1, "\n", 2, 1, 2)),
        (["ACGT", "ACÉT"], invalid(1, "É", 2, 1, 2)),
        (["ACGT", "AC-T"], invalid(1, "-", 2, 1, 2)),
        (["ACGT"] * 5 + ["ACGü"], invalid(5, "ü", 3, 1, 6)),
    ],
    ids=["X", "R", "Y", "U", "space", "newline", "non-ascii", "gap", "row-5"],
)
def test_invalid_character_names_row_position_and_character(name, seqs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        TRANSFORMERS[name]().fit_transform(seqs)


def test_invalid_character_row_index_beyond_first_chunk(monkeypatch):
    monkeypatch.setattr(inputs, "_CHUNK_BASES", 10)
    seqs = ["ACGT"] * 20 + ["ACGR"]
    with pytest.raises(ValueError, match=re.escape(invalid(20, "R", 3, 1, 21))):
        KmerVectorizer(k=2).fit_transform(seqs)


@pytest.mark.parametrize("name", TRANSFORMERS)
@pytest.mark.parametrize(
    ("X", "message"),
    [
        (
            "ACGT",
            'expected a list, array or Series of sequences, got a single str; wrap it in a list: ["ACGT"]',
        ),
        (["ACGT", None], not_a_string(1, "a missing value", 2)),
        ([None, "ACGT"], not_a_string(0, "a missing value", 2)),
        (pd.Series(["ACGT", np.nan]), not_a_string(1, "a missing value", 2)),
        (pd.Series(["ACGT", pd.NA], dtype="string"), not_a_string(1, "a missing value", 2)),
        (["ACGT", 5], not_a_string(1, "int 5", 2)),
        ([b"ACGT"], not_a_string(0, "bytes b'ACGT'", 1)),
        (
            pd.DataFrame({"id": ["a"], "sequence": ["ACGT"]}),
            "expected one column of sequences, got a DataFrame with 2 columns ['id', 'sequence']; "
            "select the sequence column",
        ),
        (
            np.array([["AC", "GG"]]),
            "expected a 1-D array of sequences (or one column), got shape (1, 2)",
        ),
        (None, "expected a list, array or Series of sequences, got NoneType"),
    ],
    ids=[
        "single-str",
        "None",
        "None-first",
        "NaN",
        "pd.NA",
        "int",
        "bytes",
        "2-col-frame",
        "2-D",
        "None-X",
    ],
)
def test_wrong_containers_and_rows_are_named(name, X, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        TRANSFORMERS[name]().fit_transform(X)


def test_chunks_use_the_one_byte_table():
    """Base codes come from helpers.core.alphabet (no second table in helpers.features)."""
    seqs = ["ACGTN", "acgtn"]
    codes, has_n = _encode_chunk(seqs, np.array([5, 5]), seqs)
    expected = alphabet.encode_codes("".join(seqs)).reshape(2, 5)
    np.testing.assert_array_equal(codes, expected)
    assert has_n and inputs.BYTE_TO_CODE is alphabet.BYTE_TO_CODE


# --------------------------------------------------------------------------- #
# scikit-learn conventions, shared by the three transformers
# --------------------------------------------------------------------------- #

ENCODERS = {
    "KmerVectorizer": lambda **kw: KmerVectorizer(k=2, **kw),
    "OneHotSequenceEncoder": OneHotSequenceEncoder,
    "CompositionFeatures": CompositionFeatures,
}


@pytest.mark.parametrize("name", ENCODERS)
def test_transform_and_names_need_fit_and_fit_returns_self(name):
    encoder = ENCODERS[name]()
    message = (
        f"This {name} instance is not fitted yet. Call 'fit' with appropriate arguments "
        "before using this estimator."
    )
    with pytest.raises(NotFittedError, match=re.escape(message)):
        encoder.transform(["ACG"])
    with pytest.raises(NotFittedError, match=re.escape(message)):
        encoder.get_feature_names_out()
    assert encoder.fit(["ACG"]) is encoder
    fitted = {a for a in vars(encoder) if a.endswith("_")}
    assert "n_features_out_" in fitted
    assert encoder.transform(["ACG"]).shape == (1, encoder.n_features_out_)
    assert len(encoder.get_feature_names_out()) == encoder.n_features_out_
    assert not {a for a in vars(ENCODERS[name]()) if a.endswith("_")}  # __init__ sets none


def test_pipeline_column_transformer_and_cross_validation():
    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), size=50)) for _ in range(120)]
    y = np.array([s.count("TATA") + s.count("GC") for s in seqs], float) + rng.normal(0, 0.1, 120)
    df = pd.DataFrame({"sequence": seqs, "other": rng.normal(size=120)})
    pipe = make_pipeline(KmerVectorizer(k=2), Ridge(alpha=1.0))
    scores = cross_val_score(pipe, df["sequence"], y, cv=3)
    assert np.isfinite(scores).all()
    ct = ColumnTransformer(
        [
            ("kmers", KmerVectorizer(k=2), "sequence"),
            ("comp", CompositionFeatures(), "sequence"),
            ("onehot", OneHotSequenceEncoder(), ["sequence"]),
            ("num", "passthrough", ["other"]),
        ]
    )
    Z = ct.fit_transform(df)
    assert Z.shape == (120, 16 + 7 + 200 + 1)
    names = ct.get_feature_names_out()
    assert names[0] == "kmers__AA" and "comp__gc_content" in names and "onehot__pos0_A" in names
    fitted = make_pipeline(clone(ct), Ridge()).fit(df, y)
    assert fitted.predict(df).shape == (120,)


def test_sparse_output_kept_under_global_pandas_output():
    from sklearn import config_context

    with config_context(transform_output="pandas"):
        assert sp.issparse(KmerVectorizer(k=2).fit_transform(["ACGT"]))
        frame = CompositionFeatures().fit_transform(["ACGT"])
        assert list(frame.columns)[:2] == ["length", "gc_content"]
        assert OneHotSequenceEncoder().fit_transform(["AC"]).columns[0] == "pos0_A"
