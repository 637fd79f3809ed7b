"""Tests of helpers.interpret.motifs: the k-mer -> motif rule, recovery scores, planted spans, profiles."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from helpers.interpret import (
    importance_table,
    kmer_position_profile,
    map_kmers_to_motifs,
    motif_recovery,
    planted_motifs,
    planted_spans,
)
from helpers.io import load_ground_truth


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


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


INVALID = "(0-based); allowed: 'ACGT'. 1 of 1 k-mers have invalid characters."


@pytest.mark.parametrize(
    ("kmers", "motifs", "kwargs", "message"),
    [
        (["ACGX"], None, {}, f"row 0: invalid character 'X' at position 3 {INVALID}"),
        (["TANAAT"], None, {}, f"row 0: invalid character 'N' at position 2 {INVALID}"),
        (
            ["acgt"],
            None,
            {},
            f"row 0: invalid character 'a' at position 0 {INVALID} Upper-case the k-mers first.",
        ),
        (
            ["tataat"],
            None,
            {},
            f"row 0: invalid character 't' at position 0 {INVALID} Upper-case the k-mers first.",
        ),
        ([""], None, {}, "row 0: empty k-mer (1 of 1 k-mers are empty: [0])."),
        (
            ["ACGT"],
            {"bad": "TTZ"},
            {},
            "motif 'bad': consensus 'TTZ' must be non-empty IUPAC letters (ACGTRYSWKMBDHVN); "
            "found ['Z']",
        ),
        (
            ["ACGT"],
            None,
            {"max_mismatches": -1},
            "map_kmers_to_motifs: max_mismatches must be an int in the range [0, inf), got -1",
        ),
    ],
    ids=["X", "N", "lowercase", "lowercase-tataat", "empty", "consensus", "max_mismatches"],
)
def test_map_kmers_bad_input(kmers, motifs, kwargs, message):
    with pytest.raises(ValueError, match=exact(message)):
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
    message = "1 ranked features are not in kmer_map (e.g. ['AAAAA']); map the whole vocabulary"
    with pytest.raises(ValueError, match=exact(message)):
        motif_recovery(ranking, kmap, top=1)
    ok = importance_table([0.5, 0.4], ["TATAA", "GGCCC"])
    message = (
        "the ranking has only 2 features, fewer than top=5; rank more features "
        "(e.g. a longer permutation shortlist) or lower top"
    )
    with pytest.raises(ValueError, match=exact(message)):
        motif_recovery(ok, kmap, top=5)
    message = "motif_recovery: top must be an int in the range [1, inf), got 0"
    with pytest.raises(ValueError, match=exact(message)):
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
    message = (
        "element_row lacks columns ['up_planted', 'up_start', 'minus35_start', "
        "'extended10_tg']; pass a row of ground_truth_elements.csv"
    )
    with pytest.raises(ValueError, match=exact(message)):
        planted_spans({"minus10_start": 68})


def test_kmer_position_profile_ignores_case():
    lower = kmer_position_profile(["aataa"], ["TAA"])
    upper = kmer_position_profile(["AATAA"], ["TAA"])
    pd.testing.assert_frame_equal(lower, upper)


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
        (
            ["ACGT", None],
            ["AC"],
            "row 1: expected a sequence string, got a missing value. "
            "1 of 2 sequences are not strings.",
        ),
        (
            [np.nan, "AATAA"],
            ["TAA"],
            "row 0: expected a sequence string, got a missing value. "
            "1 of 2 sequences are not strings.",
        ),
        (
            ["ACGT"],
            ["AC", 3],
            "row 1: expected a k-mer string, got int 3. 1 of 2 k-mers are not strings.",
        ),
        (["ACGT"], ["AC", ""], "row 1: empty k-mer (1 of 2 k-mers are empty: [1])."),
    ],
    ids=["None-sequence", "NaN-sequence", "number-kmer", "empty-kmer"],
)
def test_kmer_position_profile_bad_input(sequences, kmers, message):
    with pytest.raises(ValueError, match=exact(message)):
        kmer_position_profile(sequences, kmers)
