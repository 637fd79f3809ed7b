"""Tests of helpers.interpret.mutagenesis: in-silico saturation mutagenesis and its matrix."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline

from helpers.encoding import KmerVectorizer, OneHotSequenceEncoder
from helpers.interpret import mutagenesis_matrix, mutagenesis_scan


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


class CountT:
    """A toy 'pipeline': predicts the number of T in each sequence."""

    def predict(self, seqs):
        return np.array([s.count("T") for s in seqs], dtype=float)


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet="ACGTacgt", min_size=1, max_size=30))
def test_mutagenesis_scan_any_length(sequence):
    scan = mutagenesis_scan(CountT(), sequence)
    assert len(scan) == 3 * len(sequence)
    upper = sequence.upper()
    assert scan.attrs["sequence"] == upper
    assert scan.attrs["reference_prediction"] == upper.count("T")
    # effect of changing a base to T is +1, of changing a T away is -1, else 0
    expected = (scan["alt"] == "T").astype(float) - (scan["ref"] == "T").astype(float)
    np.testing.assert_array_equal(scan["effect"].to_numpy(), expected.to_numpy())
    matrix = mutagenesis_matrix(scan)
    assert matrix.shape == (4, len(sequence))
    for position, base in enumerate(upper):
        assert matrix.loc[base, position] == 0.0


INVALID = "(0-based); allowed: 'ACGT' (either case)."


@pytest.mark.parametrize(
    ("sequence", "message"),
    [
        ("ACGTN", f"sequence: invalid character 'N' at position 4 {INVALID}"),
        ("ACNT", f"sequence: invalid character 'N' at position 2 {INVALID}"),
        ("ACRT", f"sequence: invalid character 'R' at position 2 {INVALID}"),
        ("AC-GT", f"sequence: invalid character '-' at position 2 {INVALID}"),
        ("ACGU", f"sequence: invalid character 'U' at position 3 {INVALID}"),
        ("AC T", f"sequence: invalid character ' ' at position 2 {INVALID}"),
        ("AC\nT", f"sequence: invalid character '\\n' at position 2 {INVALID}"),
        ("", "sequence: empty sequence."),
        (["ACGT"], "expected one sequence as a str, got list"),
        (None, "expected one sequence as a str, got NoneType"),
        (b"ACGT", "expected one sequence as a str, got bytes"),
    ],
    ids=["N-end", "N", "R", "dash", "U", "space", "newline", "empty", "list", "None", "bytes"],
)
def test_mutagenesis_scan_rejects_bad_sequences(sequence, message):
    with pytest.raises(ValueError, match=exact(message)):
        mutagenesis_scan(CountT(), sequence)


def test_mutagenesis_scan_upper_cases_lowercase_input():
    scan = mutagenesis_scan(CountT(), "acgt")
    assert len(scan) == 12
    assert scan.attrs["sequence"] == "ACGT"


def test_mutagenesis_scan_checks_prediction_count():
    class Broken:
        def predict(self, seqs):
            return np.zeros(3)

    message = (
        "pipeline.predict returned 3 values for 13 sequences; "
        "it must return one prediction per sequence"
    )
    with pytest.raises(ValueError, match=exact(message)):
        mutagenesis_scan(Broken(), "ACGT")


FIX = "Check that the pipeline was fitted on finite targets."


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            [0],
            "pipeline.predict returned inf for the reference sequence: "
            f"1 of 13 predictions are NaN or infinite. {FIX}",
        ),
        (
            [4],
            "pipeline.predict returned inf for the variant C>A at position 1: "
            f"1 of 13 predictions are NaN or infinite. {FIX}",
        ),
        (
            list(range(13)),
            "pipeline.predict returned inf for the reference sequence: "
            f"13 of 13 predictions are NaN or infinite. {FIX}",
        ),
    ],
    ids=["reference", "variant", "all"],
)
def test_mutagenesis_scan_names_the_non_finite_prediction(bad, message):
    class Infinite:
        def predict(self, seqs):
            predictions = np.zeros(len(seqs))
            predictions[bad] = np.inf
            return predictions

    with pytest.raises(ValueError, match=exact(message)):
        mutagenesis_scan(Infinite(), "ACGT")


def test_mutagenesis_scan_real_pipelines_agree_with_predict():
    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), size=12)) for _ in range(60)]
    y = np.array([s.count("TA") for s in seqs], dtype=float)
    for encoder in (KmerVectorizer(k=2), OneHotSequenceEncoder()):
        pipe = Pipeline([("enc", encoder), ("model", Ridge(alpha=1.0))]).fit(seqs, y)
        scan = mutagenesis_scan(pipe, seqs[0])
        row = scan.iloc[7]
        variant = seqs[0][: row["position"]] + row["alt"] + seqs[0][row["position"] + 1 :]
        assert row["prediction"] == pytest.approx(pipe.predict([variant])[0])
        assert row["effect"] == pytest.approx(
            pipe.predict([variant])[0] - pipe.predict([seqs[0]])[0]
        )


def test_mutagenesis_matrix_needs_scan_columns():
    message = "scan needs columns ['alt', 'effect', 'position'], got ['position']"
    with pytest.raises(ValueError, match=exact(message)):
        mutagenesis_matrix(pd.DataFrame({"position": [0]}))
