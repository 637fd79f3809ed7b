"""Tests of helpers.features.kmers: KmerVectorizer's parameters and API, and kmer_counts.

How the counts are computed is tested in test_features_kmer_counting.py, the
columns in test_features_vocabulary.py and the input checks shared by every
transformer in test_features_inputs.py.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline

from helpers.features.kmers import KmerVectorizer, kmer_counts

K_RULE = "an int from 1 to 15 or a (kmin, kmax) pair with 1 <= kmin <= kmax <= 15"
NUMERIC = "a numeric (int or float) numpy dtype"


def test_dtype_option():
    X = KmerVectorizer(k=2, dtype=np.float32).fit_transform(["ACGT"])
    assert X.dtype == np.float32
    assert KmerVectorizer(k=2, mode="frequency").fit_transform(["ACGT"]).dtype == np.float64


def test_get_set_params_and_clone():
    vec = KmerVectorizer(k=(1, 3), mode="presence", canonical=True)
    assert vec.get_params() == {"k": (1, 3), "mode": "presence", "canonical": True, "dtype": None}
    copy = clone(vec)
    assert copy.get_params() == vec.get_params() and copy is not vec
    vec.set_params(k=4)
    assert vec.k == 4
    assert repr(KmerVectorizer(k=5)) == "KmerVectorizer(k=5)"


def test_kmer_vectorizer_fitted_attributes():
    vec = KmerVectorizer(k=(1, 2), mode="frequency").fit(["ACGT"])
    assert vec.n_features_out_ == 20 and vec.dtype_ == np.float64
    assert dict(vec.vocabulary_) == {n: i for i, n in enumerate(vec.get_feature_names_out())}
    # the vocabulary is fixed by k and canonical: fitting on other data changes nothing
    assert dict(KmerVectorizer(k=(1, 2)).fit(["TTTT"]).vocabulary_) == dict(vec.vocabulary_)


def test_kmer_counts():
    assert kmer_counts("AAAA", k=2) == {"AA": 3}
    assert kmer_counts("AAAT", k=2, canonical=True) == {"AA": 2, "AT": 1}
    assert kmer_counts("A", k=2) == {}


def test_kmer_counts_names_the_bad_character():
    message = (
        "row 0: invalid character ' ' at position 2 (0-based); allowed: 'ACGTN' (either case). "
        "1 of 1 sequences have invalid characters."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        kmer_counts("AC GT", k=2)


# --------------------------------------------------------------------------- #
# Parameters: declared in _parameter_constraints, checked in fit
# --------------------------------------------------------------------------- #


def test_parameters_are_validated_in_fit_not_in_init():
    vec = KmerVectorizer(k="x", mode="nope")  # constructing never raises
    assert vec.get_params()["k"] == "x"
    with pytest.raises(ValueError, match=re.escape(f"KmerVectorizer: k must be {K_RULE}, got 'x'")):
        vec.fit(["ACGT"])
    vec.set_params(k=2, mode="presence")
    assert vec.fit(["ACGT"]).n_features_out_ == 16
    assert set(KmerVectorizer._parameter_constraints) == {"k", "mode", "canonical", "dtype"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        *[
            ({"k": k}, f"KmerVectorizer: k must be {K_RULE}, got {k!r}")
            for k in [0, 16, -1, None, (3, 2), "3", 2.0, True, [2, 3, 4], (1, 2.5)]
        ],
        (
            {"mode": "counts"},
            "KmerVectorizer: mode must be one of ('count', 'presence', 'frequency'), got 'counts'",
        ),
        (
            {"mode": None},
            "KmerVectorizer: mode must be one of ('count', 'presence', 'frequency'), got None",
        ),
        (
            {"mode": "frequency", "dtype": np.int64},
            "KmerVectorizer (mode='frequency'): dtype must be a float numpy dtype, "
            "got <class 'numpy.int64'>",
        ),
        ({"canonical": "yes"}, "KmerVectorizer: canonical must be True or False, got 'yes'"),
        ({"canonical": 1}, "KmerVectorizer: canonical must be True or False, got 1"),
        ({"dtype": "x"}, f"KmerVectorizer: dtype must be {NUMERIC}, got 'x'"),
        ({"dtype": "str"}, f"KmerVectorizer: dtype must be {NUMERIC}, got 'str'"),
        ({"dtype": bool}, f"KmerVectorizer: dtype must be {NUMERIC}, got <class 'bool'>"),
        ({"dtype": str}, f"KmerVectorizer: dtype must be {NUMERIC}, got <class 'str'>"),
    ],
    ids=repr,
)
def test_bad_parameters(params, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        KmerVectorizer(**params).fit(["ACGT"])


def test_declared_checks_follow_scikit_learns_switch():
    """Parameter validation runs through scikit-learn's fit context (and its global switch)."""
    import sklearn

    with sklearn.config_context(skip_parameter_validation=True):
        vec = KmerVectorizer(canonical="no").fit(["ACGT"])  # not validated: skipped
    assert vec.vocabulary_.canonical is True  # bool("no")
    message = "KmerVectorizer: canonical must be True or False, got 'no'"
    with pytest.raises(ValueError, match=re.escape(message)):
        KmerVectorizer(canonical="no").fit(["ACGT"])


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (np.nan, "Input y contains NaN."),
        (np.inf, "Input y contains infinity or a value too large for dtype('float64')."),
    ],
    ids=["NaN", "inf"],
)
def test_pipeline_with_nonfinite_target_raises(target, message):
    model = make_pipeline(KmerVectorizer(k=2), Ridge())
    with pytest.raises(ValueError, match=re.escape(message)):
        model.fit(["ACGT", "GGCA", "TTAA"], [1.0, target, 2.0])
