"""Tests of helpers.encoding: exactness against scikit-learn, properties, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import Ridge
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

from helpers import encoding as enc
from helpers.encoding import (
    CompositionFeatures,
    KmerVectorizer,
    OneHotSequenceEncoder,
    all_kmers,
    canonical_kmer,
    gc_content,
    kmer_counts,
    one_hot_encode,
    reverse_complement,
)

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
    monkeypatch.setattr(enc, "_CHUNK_BASES", 97)
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


def test_dtype_option():
    X = KmerVectorizer(k=2, dtype=np.float32).fit_transform(["ACGT"])
    assert X.dtype == np.float32
    assert KmerVectorizer(k=2, mode="frequency").fit_transform(["ACGT"]).dtype == np.float64


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


@settings(max_examples=40, deadline=None)
@given(st.lists(any_case_seq, min_size=1, max_size=6))
def test_composition_fractions(seqs):
    F = CompositionFeatures().fit_transform(seqs)
    for row, s in zip(F, seqs, strict=True):
        u = s.upper()
        assert row[0] == len(s)
        if s:
            assert row[2:].sum() == pytest.approx(1.0)
            assert row[2] == pytest.approx(u.count("A") / len(s))
            assert row[6] == pytest.approx(u.count("N") / len(s))
        called = len(u) - u.count("N")
        gc = (u.count("G") + u.count("C")) / called if called else 0.0
        assert row[1] == pytest.approx(gc)


# --------------------------------------------------------------------------- #
# scikit-learn API
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


def test_get_set_params_and_clone():
    vec = KmerVectorizer(k=(1, 3), mode="presence", canonical=True)
    assert vec.get_params() == {"k": (1, 3), "mode": "presence", "canonical": True, "dtype": None}
    copy = clone(vec)
    assert copy.get_params() == vec.get_params() and copy is not vec
    vec.set_params(k=4)
    assert vec.k == 4
    assert repr(KmerVectorizer(k=5)) == "KmerVectorizer(k=5)"


def test_pipeline_column_transformer_and_cross_validation():
    rng = np.random.default_rng(0)
    seqs = random_sequences(120, 50, seed=1)
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


ENCODERS = {
    "KmerVectorizer": lambda **kw: KmerVectorizer(k=2, **kw),
    "OneHotSequenceEncoder": OneHotSequenceEncoder,
    "CompositionFeatures": CompositionFeatures,
}


@pytest.mark.parametrize("name", ENCODERS)
def test_transform_and_names_need_fit_and_fit_returns_self(name):
    encoder = ENCODERS[name]()
    with pytest.raises(NotFittedError, match=f"This {name} instance is not fitted yet"):
        encoder.transform(["ACG"])
    with pytest.raises(NotFittedError, match="not fitted"):
        encoder.get_feature_names_out()
    assert encoder.fit(["ACG"]) is encoder
    fitted = {a for a in vars(encoder) if a.endswith("_")}
    assert "n_features_out_" in fitted
    assert encoder.transform(["ACG"]).shape == (1, encoder.n_features_out_)
    assert len(encoder.get_feature_names_out()) == encoder.n_features_out_
    assert not {a for a in vars(ENCODERS[name]()) if a.endswith("_")}  # __init__ sets none


def test_kmer_vectorizer_fitted_attributes():
    vec = KmerVectorizer(k=(1, 2), mode="frequency").fit(["ACGT"])
    assert vec.n_features_out_ == 20 and vec.dtype_ == np.float64
    assert dict(vec.vocabulary_) == {n: i for i, n in enumerate(vec.get_feature_names_out())}
    # the vocabulary is fixed by k and canonical: fitting on other data changes nothing
    assert dict(KmerVectorizer(k=(1, 2)).fit(["TTTT"]).vocabulary_) == dict(vec.vocabulary_)


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


def test_parameters_are_validated_in_fit_not_in_init():
    vec = KmerVectorizer(k="x", mode="nope")  # constructing never raises
    assert vec.get_params()["k"] == "x"
    with pytest.raises(ValueError, match=r"^KmerVectorizer: k must be"):
        vec.fit(["ACGT"])
    vec.set_params(k=2, mode="presence")
    assert vec.fit(["ACGT"]).n_features_out_ == 16


def test_empty_input():
    X = KmerVectorizer(k=3).fit_transform([])
    assert X.shape == (0, 64) and X.nnz == 0
    assert CompositionFeatures().fit_transform([]).shape == (0, 7)


# --------------------------------------------------------------------------- #
# Bad input
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("seqs", "message"),
    [
        (["ACGT", "ACXT"], r"^row 1: invalid character 'X' at position 2 \(0-based\)"),
        (["ACGT", "AC GT"], r"^row 1: invalid character ' ' at position 2 "),
        (["ACGT"] * 5 + ["ACGTü"], r"^row 5: invalid character 'ü' at position 4 "),
        (["ACGT", "AC-T", "GG"], r"^row 1: invalid character '-' at position 2 "),
        (["ACGT", "ACG\n"], r"^row 1: invalid character '\\n' at position 3 "),
    ],
)
def test_invalid_character_names_row_and_character(seqs, message):
    for transformer in (KmerVectorizer(k=2), CompositionFeatures(), KmerVectorizer(k=(1, 2))):
        with pytest.raises(ValueError, match=message):
            transformer.fit_transform(seqs)


def test_invalid_character_row_index_beyond_first_chunk(monkeypatch):
    monkeypatch.setattr(enc, "_CHUNK_BASES", 10)
    seqs = ["ACGT"] * 20 + ["ACGR"]
    with pytest.raises(ValueError, match=r"row 20: invalid character 'R' at position 3"):
        KmerVectorizer(k=2).fit_transform(seqs)


@pytest.mark.parametrize(
    ("X", "message"),
    [
        ("ACGT", "got a single str"),
        (["ACGT", None], "row 1: expected a sequence string, got a missing value"),
        (pd.Series(["ACGT", np.nan]), "row 1: .*missing value"),
        (["ACGT", 5], "row 1: expected a sequence string, got int 5"),
        (pd.DataFrame({"a": ["A"], "b": ["C"]}), "one column"),
        (np.array([["A", "C"]]), "1-D array"),
    ],
)
def test_bad_containers(X, message):
    with pytest.raises(ValueError, match=message):
        KmerVectorizer().fit_transform(X)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"k": 0}, "1 <= kmin <= kmax <= 15"),
        ({"k": 16}, "1 <= kmin <= kmax <= 15"),
        ({"k": (3, 2)}, "1 <= kmin <= kmax <= 15"),
        ({"k": "3"}, "k must be an int"),
        ({"k": 2.0}, "k must be an int"),
        ({"mode": "counts"}, "mode must be one of"),
        ({"mode": "frequency", "dtype": np.int64}, "dtype must be a float numpy dtype"),
        ({"canonical": "yes"}, "canonical must be True or False"),
    ],
)
def test_bad_parameters(params, message):
    with pytest.raises(ValueError, match=r"^KmerVectorizer\b.*" + message):
        KmerVectorizer(**params).fit(["ACGT"])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"dtype": "x"},
            r"KmerVectorizer: dtype must be a numeric \(int or float\) numpy dtype, got 'x'",
        ),
        ({"dtype": bool}, r"dtype must be a numeric"),
        ({"dtype": str}, r"dtype must be a numeric"),
        (
            {"mode": None},
            r"KmerVectorizer: mode must be one of \('count', 'presence', 'frequency'\), got None",
        ),
        ({"canonical": 1}, r"canonical must be True or False, got 1"),
        ({"k": [2, 3, 4]}, r"k must be an int from 1 to 15 or a \(kmin, kmax\) pair"),
        ({"k": (1, 2.5)}, r"got \(1, 2.5\)"),
        ({"k": True}, r"got True"),
    ],
)
def test_more_bad_kmer_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        KmerVectorizer(**params).fit(["ACGT"])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"n_value": "x"},
            r"^OneHotSequenceEncoder: n_value must be a number \(e.g. 0.0, 0.25 or nan\), got 'x'$",
        ),
        ({"n_value": None}, r"n_value must be a number .*got None"),
        ({"n_value": True}, r"n_value must be a number .*got True"),
        ({"n_value": [0.25]}, r"n_value must be a number .*got \[0.25\]"),
        ({"dtype": "x"}, r"^OneHotSequenceEncoder: dtype must be a numeric .*got 'x'"),
        ({"dtype": object}, r"dtype must be a numeric"),
        (
            {"dtype": np.int8, "n_value": 0.25},
            r"n_value must be a whole number to be stored as int8, got 0.25",
        ),
        ({"dtype": np.int64, "n_value": np.nan}, r"n_value must be a whole number .*got nan"),
    ],
)
def test_bad_one_hot_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        OneHotSequenceEncoder(**params).fit(["ACGT"])


def test_one_hot_encode_validates_its_parameters_too():
    with pytest.raises(ValueError, match=r"^one_hot_encode: n_value must be a number"):
        one_hot_encode(["ACGT"], n_value="x")
    with pytest.raises(ValueError, match=r"^one_hot_encode: dtype must be a numeric"):
        one_hot_encode(["ACGT"], dtype="x")


def test_one_hot_accepted_parameter_values():
    assert np.isnan(OneHotSequenceEncoder(n_value=np.nan).fit_transform(["N"])).all()
    X = OneHotSequenceEncoder(n_value=1, dtype=np.int8).fit_transform(["AN"])
    assert X.dtype == np.int8 and X.tolist() == [[1, 0, 0, 0, 1, 1, 1, 1]]
    assert OneHotSequenceEncoder(n_value=np.float32(0.25)).fit_transform(["N"]).sum() == 1.0


# --------------------------------------------------------------------------- #
# One-hot and the small functions
# --------------------------------------------------------------------------- #


def test_one_hot_roundtrip_and_names():
    seqs = random_sequences(10, 12, seed=2)
    enc1 = OneHotSequenceEncoder()
    X = enc1.fit_transform(seqs)
    assert X.shape == (10, 48) and X.dtype == np.float64
    assert (X.sum(axis=1) == 12).all()
    cube = X.reshape(10, 12, 4)
    decoded = ["".join("ACGT"[i] for i in row) for row in cube.argmax(axis=2)]
    assert decoded == seqs
    assert enc1.get_feature_names_out()[-1] == "pos11_T"


def test_one_hot_n_value_and_lowercase():
    X = OneHotSequenceEncoder().fit_transform(["aN"])
    assert X.tolist() == [[1, 0, 0, 0, 0, 0, 0, 0]]
    X = OneHotSequenceEncoder(n_value=0.25).fit_transform(["aN"])
    assert X.tolist() == [[1, 0, 0, 0, 0.25, 0.25, 0.25, 0.25]]
    assert one_hot_encode(["ACGT"]).shape == (1, 4, 4)


def test_one_hot_mixed_lengths():
    with pytest.raises(ValueError, match="row 2 has length 3, row 0 is 4"):
        OneHotSequenceEncoder().fit(["ACGT", "ACGT", "ACG"])
    enc1 = OneHotSequenceEncoder().fit(["ACGT"])
    with pytest.raises(ValueError, match="row 0 has length 5, the fitted length is 4"):
        enc1.transform(["ACGTA"])
    with pytest.raises(ValueError, match="row 0: invalid character 'x' at position 1"):
        enc1.transform(["AxGT"])


def test_one_hot_transform_of_no_rows():
    assert OneHotSequenceEncoder().fit(["ACG"]).transform([]).shape == (0, 12)


def test_one_hot_fit_on_empty_sequences_raises():
    with pytest.raises(ValueError, match="all 2 have length 0"):
        OneHotSequenceEncoder().fit(["", ""])
    # one_hot_encode itself still returns the (n, 0, 4) array it documents
    assert one_hot_encode(["", ""]).shape == (2, 0, 4)


def test_one_hot_requires_fit():
    with pytest.raises(NotFittedError):
        OneHotSequenceEncoder().transform(["ACGT"])


def test_small_functions():
    assert reverse_complement("ACGTTn") == "nAACGT"
    with pytest.raises(ValueError, match="invalid character 'X'"):
        reverse_complement("ACXG")
    assert canonical_kmer("GGG") == "CCC"
    assert gc_content("ACGT") == 0.5 and gc_content("NNN") == 0.0 and gc_content("") == 0.0
    assert kmer_counts("AAAA", k=2) == {"AA": 3}
    assert kmer_counts("AAAT", k=2, canonical=True) == {"AA": 2, "AT": 1}
    assert kmer_counts("A", k=2) == {}


@pytest.mark.parametrize("seq", [["ACGT"], ("ACGT",), b"ACGT", None, np.array(["ACGT"])])
def test_reverse_complement_needs_one_str(seq):
    with pytest.raises(ValueError, match=r"expected one sequence as a str, got \w+"):
        reverse_complement(seq)
    assert reverse_complement(np.str_("ACGG")) == "CCGT"


# --------------------------------------------------------------------------- #
# the one byte-code table and the one parameter check (helpers.core)
# --------------------------------------------------------------------------- #


def test_encoding_uses_the_one_byte_table():
    from helpers.core import alphabet

    assert enc._TABLE is alphabet.BYTE_TO_CODE
    assert (enc._N_CODE, enc._BAD_CODE) == (alphabet.N_CODE, alphabet.BAD_CODE)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(alphabet="ACGTN", min_size=5, max_size=5), min_size=1, max_size=8))
def test_codes_round_trip(seqs):
    from helpers.core.alphabet import codes_to_strings, encode_codes

    codes = encode_codes("".join(seqs)).reshape(len(seqs), 5)
    assert codes_to_strings(codes) == seqs
    assert encode_codes("".join(seqs).lower()).tolist() == codes.ravel().tolist()


def test_codes_bad_input():
    from helpers.core.alphabet import codes_to_strings, encode_codes, iupac_codes

    assert encode_codes("AXé-").tolist() == [0, 255, 255, 255]
    with pytest.raises(ValueError, match=r"^codes_to_strings: codes must be 0\.\.4, got 255$"):
        codes_to_strings(np.array([[0, 255]], dtype=np.uint8))
    with pytest.raises(ValueError, match=r"^codes_to_strings: codes must be 2-D, got 1 dim"):
        codes_to_strings(np.array([0, 1]))
    with pytest.raises(ValueError, match=r"^iupac_codes: letter must be one of .*, got 'X'$"):
        iupac_codes("AX")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"k": 0}, "KmerVectorizer: k must be an int from 1 to 15 or a (kmin, kmax) pair"),
        ({"k": True}, "KmerVectorizer: k must be an int from 1 to 15"),
        (
            {"mode": "tf-idf"},
            "KmerVectorizer: mode must be one of ('count', 'presence', 'frequency'), got 'tf-idf'",
        ),
        ({"canonical": "no"}, "KmerVectorizer: canonical must be True or False, got 'no'"),
        (
            {"dtype": "str"},
            "KmerVectorizer: dtype must be a numeric (int or float) numpy dtype, got 'str'",
        ),
    ],
)
def test_kmer_parameter_messages_are_declared(params, message):
    import re

    with pytest.raises(ValueError, match="^" + re.escape(message)):
        KmerVectorizer(**params).fit(["ACGT"])
    assert set(KmerVectorizer._parameter_constraints) == {"k", "mode", "canonical", "dtype"}


def test_declared_checks_follow_scikit_learns_switch():
    """Parameter validation runs through scikit-learn's fit context (and its global switch)."""
    import sklearn

    with sklearn.config_context(skip_parameter_validation=True):
        vec = KmerVectorizer(canonical="no").fit(["ACGT"])  # not validated: skipped
    assert vec.vocabulary_.canonical is True  # bool("no")
    with pytest.raises(ValueError, match="canonical must be True or False"):
        KmerVectorizer(canonical="no").fit(["ACGT"])


def test_check_params_rules():
    from helpers.core.checks import check_params, integers, numbers

    rules = {"n": [integers(1)], "tol": [numbers(0, None, closed="neither")], "x": None}
    check_params("f", {"n": 3, "tol": 0.5, "x": object()}, rules)
    for params, message in [
        ({"n": True}, "f: n must be an int in the range [1, inf), got True"),
        ({"tol": float("inf")}, "f: tol must be a float in the range (0.0, inf), got inf"),
        ({"tol": float("nan")}, "f: tol must be a float in the range (0.0, inf), got nan"),
    ]:
        with pytest.raises(ValueError, match=r"^f: ") as err:
            check_params("f", params, rules)
        assert str(err.value) == message
