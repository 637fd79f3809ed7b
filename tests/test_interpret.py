"""Unit and bad-input tests for helpers.interpret (and chapter 06's figures)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.ensemble import RandomForestRegressor
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.pipeline import Pipeline

from helpers.encoding import KmerVectorizer, OneHotSequenceEncoder
from helpers.interpret import (
    importance_table,
    kmer_position_profile,
    map_kmers_to_motifs,
    motif_recovery,
    mutagenesis_matrix,
    mutagenesis_scan,
    planted_motifs,
    planted_spans,
    restricted_permutation_importance,
)
from helpers.io import load_ground_truth
from helpers.plotting import (
    plot_importance_bars,
    plot_mutagenesis_heatmap,
    plot_mutagenesis_logo,
    plot_observed_vs_predicted,
    plot_residuals,
)


class CountT:
    """A toy 'pipeline': predicts the number of T in each sequence."""

    def predict(self, seqs):
        return np.array([s.count("T") for s in seqs], dtype=float)


# --------------------------------------------------------------------------
# importance_table
# --------------------------------------------------------------------------


def test_importance_table_sorts_by_value_and_abs():
    values, names = [0.1, -0.5, 0.3], ["a", "b", "c"]
    assert importance_table(values, names)["feature"].tolist() == ["c", "a", "b"]
    by_abs = importance_table(values, names, sort_by="abs")
    assert by_abs["feature"].tolist() == ["b", "c", "a"]
    assert by_abs["rank"].tolist() == [1, 2, 3]
    assert by_abs["importance"].tolist() == [-0.5, 0.3, 0.1]  # sign kept


def test_importance_table_top_and_std():
    table = importance_table([1.0, 3.0, 2.0], ["a", "b", "c"], std=[0.1, 0.3, 0.2], top=2)
    assert table["feature"].tolist() == ["b", "c"]
    assert table["std"].tolist() == [0.3, 0.2]


def test_importance_table_ties_keep_input_order():
    table = importance_table([1.0, 1.0, 1.0], ["x", "y", "z"])
    assert table["feature"].tolist() == ["x", "y", "z"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"importances": [1.0, 2.0], "feature_names": ["a"]}, "2 values but feature_names has 1"),
        ({"importances": [1.0, np.nan], "feature_names": ["a", "b"]}, "'b' \\(index 1\\)"),
        ({"importances": [1.0], "feature_names": ["a"], "sort_by": "size"}, "sort_by"),
        ({"importances": [1.0], "feature_names": ["a"], "top": 0}, "top must be"),
        ({"importances": [1.0], "feature_names": ["a"], "std": [1.0, 2.0]}, "std has 2"),
        ({"importances": [1.0, "x"], "feature_names": ["a", "b"]}, "importances .* entry 1 is 'x'"),
        (
            {"importances": [1.0], "feature_names": ["a"], "std": ["wide"]},
            "std .* entry 0 is .wide.",
        ),
    ],
)
def test_importance_table_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        importance_table(**kwargs)


# --------------------------------------------------------------------------
# restricted_permutation_importance
# --------------------------------------------------------------------------


def test_restricted_permutation_matches_sklearn_on_the_same_columns():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(150, 5))
    y = 3 * X[:, 1] - X[:, 3] + rng.normal(scale=0.1, size=150)
    model = RandomForestRegressor(n_estimators=20, random_state=0).fit(X, y)
    full = permutation_importance(model, X, y, n_repeats=4, random_state=0)
    # the same seed shuffles column j identically whether or not others are shuffled
    mine = restricted_permutation_importance(model, X, y, [0, 1, 2, 3, 4], n_repeats=4)
    np.testing.assert_allclose(mine["importance"], full.importances_mean)
    subset = restricted_permutation_importance(model, X, y, [1, 3], n_repeats=4)
    assert subset["column"].tolist() == [1, 3]
    # shuffling only a shortlist gives the same numbers for those columns
    np.testing.assert_allclose(subset["importance"], full.importances_mean[[1, 3]])
    assert (subset["importance"] > 0.1).all()


def test_restricted_permutation_accepts_sparse_and_scoring():
    from scipy import sparse

    X = np.random.default_rng(0).normal(size=(100, 3))
    y = X[:, 0]
    model = LinearRegression().fit(X, y)
    table = restricted_permutation_importance(
        model, sparse.csr_matrix(X), y, [0], scoring="neg_mean_absolute_error", n_repeats=2
    )
    assert table["importance"].iloc[0] > 0.5


@pytest.mark.parametrize(("columns", "message"), [([], "empty"), ([0, 7], "index 7 is outside")])
def test_restricted_permutation_bad_columns(columns, message):
    X = np.zeros((10, 3))
    model = LinearRegression().fit(X, np.arange(10.0))
    with pytest.raises(ValueError, match=message):
        restricted_permutation_importance(model, X, np.arange(10.0), columns)


# --------------------------------------------------------------------------
# k-mer -> motif mapping and recovery
# --------------------------------------------------------------------------


def test_planted_motifs_follow_the_simulator():
    from helpers.simulate import PromoterModel

    motifs = planted_motifs()
    model = PromoterModel()
    assert motifs["minus10"] == model.minus10_consensus == "TATAAT"
    assert motifs["minus35"] == model.minus35_consensus == "TTGACA"
    assert motifs["extended10"].endswith(motifs["minus10"])
    assert list(motifs)[:2] == ["minus10", "extended10"]


@pytest.mark.parametrize(
    ("kmer", "element", "mismatches"),
    [
        ("TATAAT", "minus10", 0),
        ("TATAA", "minus10", 0),
        ("ATAAT", "minus10", 0),
        ("TACAA", "minus10", 1),  # one substitution
        ("CTATA", "minus10", 1),  # hangs over the left end by one base
        ("TTGAC", "minus35", 0),
        ("GTTGA", "minus35", 1),
        ("TGCTA", "extended10", 1),  # TG, the unspecified base, TA
        ("AAAAT", "up_element", 0),  # W agrees with A and T
        ("GGCCC", "none", 3),
        ("GCGCG", "none", 4),
    ],
)
def test_map_kmers_to_motifs_rule(kmer, element, mismatches):
    row = map_kmers_to_motifs([kmer]).iloc[0]
    assert row["element"] == element
    assert row["mismatches"] == mismatches


def test_map_kmers_strict_rule_and_custom_motifs():
    strict = map_kmers_to_motifs(["TATAA", "TACAA", "CTATA"], max_mismatches=0)
    assert strict["element"].tolist() == ["minus10", "none", "none"]
    custom = map_kmers_to_motifs(["GAATTC", "GAATTA"], {"ecori": "GAATTC"})
    assert custom["element"].tolist() == ["ecori", "ecori"]
    assert custom["mismatches"].tolist() == [0, 1]
    # N never agrees: an all-N consensus claims nothing
    assert map_kmers_to_motifs(["ACGT"], {"anything": "NNNNNN"})["element"].iloc[0] == "none"


def test_map_kmers_reports_other_qualifying_elements():
    row = map_kmers_to_motifs(["TATAAT"]).iloc[0]
    assert row["element"] == "minus10"
    assert "extended10" in row["also"].split(",")


@pytest.mark.parametrize(
    ("kmers", "motifs", "kwargs", "message"),
    [
        (["ACGX"], None, {}, r"^row 0: invalid character 'X' at position 3 .*1 of 1 k-mers"),
        (["acgt"], None, {}, r"invalid character 'a' at position 0.*Upper-case the k-mers"),
        ([""], None, {}, r"^row 0: empty k-mer"),
        (["ACGT"], {"bad": "TTZ"}, {}, "motif 'bad'.*\\['Z'\\]"),
        (["ACGT"], None, {"max_mismatches": -1}, "non-negative"),
    ],
)
def test_map_kmers_bad_input(kmers, motifs, kwargs, message):
    with pytest.raises(ValueError, match=message):
        map_kmers_to_motifs(kmers, motifs, **kwargs)


def test_motif_recovery_scores():
    kmap = map_kmers_to_motifs(["TATAA", "GGCCC", "TTGAC", "CCCGG", "GCGCG"])
    ranking = importance_table([0.5, 0.4, 0.3, 0.2, 0.1], kmap["kmer"])
    result = motif_recovery(ranking, kmap, top=3)
    assert result["precision"] == pytest.approx(2 / 3)
    assert result["chance"] == pytest.approx(2 / 5)
    assert result["enrichment"] == pytest.approx((2 / 3) / (2 / 5))
    assert result["found_minus10"] == 1.0 and result["rank_minus10"] == 1.0
    assert result["found_minus35"] == 1.0 and result["rank_minus35"] == 3.0
    low = motif_recovery(ranking, kmap, top=2)
    assert low["found_minus35"] == 0.0 and low["rank_minus35"] == 3.0
    absent = motif_recovery(ranking, kmap, top=2, elements=["up_element"])
    assert np.isnan(absent["rank_up_element"])


def test_motif_recovery_bad_input():
    kmap = map_kmers_to_motifs(["TATAA", "GGCCC"])
    ranking = importance_table([0.5, 0.4], ["TATAA", "AAAAA"])
    with pytest.raises(ValueError, match="not in kmer_map"):
        motif_recovery(ranking, kmap, top=1)
    ok = importance_table([0.5, 0.4], ["TATAA", "GGCCC"])
    with pytest.raises(ValueError, match="only 2 features, fewer than top=5"):
        motif_recovery(ok, kmap, top=5)
    with pytest.raises(ValueError, match="at least 1"):
        motif_recovery(ok, kmap, top=0)


def test_planted_spans_match_ground_truth():
    elements = load_ground_truth().elements
    for _, row in elements.head(50).iterrows():
        spans = planted_spans(row)
        assert spans["minus10"] == (68, 74)
        assert spans["discriminator"] == (74, 80)
        start, stop = spans["minus35"]
        assert stop - start == 6 and 68 - stop == row["spacer_length"]
        assert ("up_element" in spans) == bool(row["up_planted"])
        assert ("extended10" in spans) == bool(row["extended10_tg"])


def test_planted_spans_missing_column():
    with pytest.raises(ValueError, match="lacks columns \\['up_planted'"):
        planted_spans({"minus10_start": 68})


def test_kmer_position_profile_counts_overlaps():
    profile = kmer_position_profile(["AAAA", "CAAA"], ["AA"])
    assert profile.loc["AA"].tolist() == [1, 2, 2, 0]
    assert profile.shape == (1, 4)


def test_kmer_position_profile_ignores_case_and_keeps_kmer_labels():
    profile = kmer_position_profile(["aaTA", "AATA"], ["ta"])
    assert profile.index.tolist() == ["ta"]
    assert profile.loc["ta"].tolist() == [0, 0, 2, 0]


@pytest.mark.parametrize(
    ("sequences", "kmers", "message"),
    [
        (["ACGT", None], ["AC"], r"^row 1: expected a sequence string, got a missing value"),
        (["ACGT"], ["AC", 3], r"^row 1: expected a k-mer string, got int 3"),
        (["ACGT"], ["AC", ""], r"^row 1: empty k-mer"),
    ],
    ids=["None-sequence", "number-kmer", "empty-kmer"],
)
def test_kmer_position_profile_bad_input(sequences, kmers, message):
    with pytest.raises(ValueError, match=message):
        kmer_position_profile(sequences, kmers)


# --------------------------------------------------------------------------
# mutagenesis
# --------------------------------------------------------------------------


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


@pytest.mark.parametrize(
    ("sequence", "message"),
    [
        ("ACGTN", "invalid character 'N' at position 4"),
        ("AC-GT", "invalid character '-' at position 2"),
        ("ACGU", "invalid character 'U' at position 3"),
        ("", "empty"),
        (["ACGT"], "expected one sequence as a str, got list"),
    ],
)
def test_mutagenesis_scan_rejects_bad_sequences(sequence, message):
    with pytest.raises(ValueError, match=message):
        mutagenesis_scan(CountT(), sequence)


def test_mutagenesis_scan_checks_prediction_count():
    class Broken:
        def predict(self, seqs):
            return np.zeros(3)

    with pytest.raises(ValueError, match="returned 3 values for 13 sequences"):
        mutagenesis_scan(Broken(), "ACGT")


@pytest.mark.parametrize(
    ("bad_index", "message"),
    [
        (0, r"returned inf for the reference sequence: 1 of 13"),
        (4, r"returned inf for the variant C>A at position 1: 1 of 13"),
    ],
    ids=["reference", "variant"],
)
def test_mutagenesis_scan_names_the_non_finite_prediction(bad_index, message):
    class Infinite:
        def predict(self, seqs):
            predictions = np.zeros(len(seqs))
            predictions[bad_index] = np.inf
            return predictions

    with pytest.raises(ValueError, match=message):
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
    with pytest.raises(ValueError, match="scan needs columns"):
        mutagenesis_matrix(pd.DataFrame({"position": [0]}))


# --------------------------------------------------------------------------
# figures
# --------------------------------------------------------------------------


def test_importance_bars_colour_by_element():
    table = importance_table([0.3, 0.2, 0.1], ["TATAA", "TTGAC", "GGCCC"])
    ax = plot_importance_bars(table, elements={"TATAA": "minus10", "TTGAC": "minus35"})
    assert [t.get_text() for t in ax.get_yticklabels()] == ["TATAA", "TTGAC", "GGCCC"]
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"minus10", "minus35", "none"}
    plt.close("all")


def test_importance_bars_requires_columns():
    with pytest.raises(ValueError, match="no column 'rank'"):
        plot_importance_bars(pd.DataFrame({"feature": ["A"], "importance": [1.0]}))


def test_mutagenesis_figures_draw():
    scan = mutagenesis_scan(CountT(), "ATGCTA")
    matrix = mutagenesis_matrix(scan)
    ax = plot_mutagenesis_heatmap(matrix, sequence="ATGCTA", spans={"minus10": (1, 4)})
    assert ax.get_xlabel() == "position (0-based)"
    ax = plot_mutagenesis_logo(matrix, "ATGCTA", spans={"minus10": (1, 4)})
    assert any(t.get_text() == "−10" for t in ax.texts)
    with pytest.raises(ValueError, match="length 3 but matrix has 6"):
        plot_mutagenesis_logo(matrix, "ATG")
    plt.close("all")


@pytest.mark.parametrize("plot", [plot_observed_vs_predicted, plot_residuals])
@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [
        ([1.0, 2.0], [1.0, 2.0, 3.0], r"same length, got 2 and 3"),
        ([[1.0, 2.0]], [1.0, 2.0], r"y_true must be 1-D, got shape \(1, 2\)"),
        ([1.0, 2.0], ["a", 2.0], r"y_pred must hold numbers"),
    ],
    ids=["lengths", "2-D", "text"],
)
def test_scatter_plots_bad_arrays_name_them(plot, y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        plot(y_true, y_pred)
    plt.close("all")
