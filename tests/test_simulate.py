"""Tests of the promoter simulator and the committed embedded dataset."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from helpers.paths import DATA_DIR
from helpers.simulate import PromoterModel, motif_table, simulate_promoters, write_dataset

COMMITTED = [
    "promoters.csv",
    "promoters.fasta",
    "promoters_raw.csv",
    "promoters_raw.fasta",
    "ground_truth_elements.csv",
    "ground_truth_motifs.csv",
    "simulation_parameters.json",
]


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_regeneration_is_byte_identical(tmp_path):
    params = json.loads((DATA_DIR / "simulation_parameters.json").read_text())
    write_dataset(tmp_path, n=params["n"], random_state=params["seed"])
    for name in COMMITTED:
        assert sha256(tmp_path / name) == sha256(DATA_DIR / name), name


@pytest.fixture(scope="module")
def library():
    return simulate_promoters(n=2000, random_state=11)


def test_sequences_are_clean_and_fixed_length(library):
    promoters, _ = library
    assert promoters["sequence"].str.fullmatch("[ACGT]{100}").all()
    assert promoters["id"].is_unique


def test_planted_boxes_are_where_the_ground_truth_says(library):
    promoters, elements = library
    for seq, row in zip(promoters["sequence"], elements.itertuples(), strict=True):
        assert seq[row.minus10_start : row.minus10_start + 6] == row.minus10_seq
        assert seq[row.minus35_start : row.minus35_start + 6] == row.minus35_seq
        assert row.minus10_start - (row.minus35_start + 6) == row.spacer_length
        assert (seq[row.minus10_start - 3 : row.minus10_start - 1] == "TG") == row.extended10_tg


def test_effects_follow_the_model(library):
    _, elements = library
    model = PromoterModel()
    consensus = np.array(list(model.minus10_consensus))
    mism = np.array([np.array(list(s)) != consensus for s in elements["minus10_seq"]])
    expected = -(mism * np.array(model.minus10_penalties)).sum(axis=1)
    np.testing.assert_allclose(elements["effect_minus10"], expected, atol=1e-4)
    perfect = elements["minus10_seq"] == "TATAAT"
    assert (elements.loc[perfect, "effect_minus10"] == 0).all()
    spacer17 = elements["spacer_length"] == 17
    assert (elements.loc[spacer17, "effect_spacer"] == 0).all()
    assert (elements.loc[~spacer17, "effect_spacer"] < 0).all()


def test_better_minus10_box_means_more_expression(library):
    promoters, elements = library
    r = np.corrcoef(elements["effect_minus10"], promoters["expression"])[0, 1]
    assert r > 0.3


def test_replicates_are_noisy_but_agree(library):
    promoters, elements = library
    logs = np.log10(promoters[["rep1", "rep2", "rep3"]])
    r12 = np.corrcoef(logs["rep1"], logs["rep2"])[0, 1]
    assert 0.7 < r12 < 0.99
    expected = np.log10(promoters[["rep1", "rep2", "rep3"]].mean(axis=1))
    np.testing.assert_allclose(promoters["expression"], expected, atol=1e-4)
    assert np.corrcoef(elements["true_expression"], promoters["expression"])[0, 1] > r12


def test_same_seed_same_library_other_seed_other_library():
    a, _ = simulate_promoters(n=50, random_state=3)
    b, _ = simulate_promoters(n=50, random_state=3)
    c, _ = simulate_promoters(n=50, random_state=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a["sequence"].equals(c["sequence"])


def test_motif_table_matches_model():
    table = motif_table()
    m35 = table[table["element"] == "minus35"]
    assert m35["consensus_base"].str.cat() == "TTGACA"
    assert m35["tss_position"].tolist() == list(range(-35, -29))
    m10 = table[table["element"] == "minus10"]
    assert m10["tss_position"].tolist() == list(range(-12, -6))


def test_raw_variant_has_the_documented_defects():
    raw = pd.read_csv(DATA_DIR / "promoters_raw.csv")
    clean = pd.read_csv(DATA_DIR / "promoters.csv")
    assert "expression" not in raw.columns
    seqs = raw["sequence"]
    assert seqs.str.contains("[acgt]").sum() > 0
    assert seqs.str.upper().str.contains("N").sum() >= 40
    assert seqs.str.contains("[^ACGTNacgtn]").sum() == 2
    assert (seqs.str.len() < 100).sum() == 4
    assert raw.duplicated().sum() == 15
    conflicting = raw[raw.duplicated("id", keep=False)].drop_duplicates()
    assert conflicting["id"].duplicated().sum() == 3
    assert raw[["rep1", "rep2", "rep3"]].isna().all(axis=1).sum() >= 8
    assert set(raw["id"]) == set(clean["id"])
