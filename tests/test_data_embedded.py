"""Tests of helpers.data.embedded: the book's simulated promoter dataset as shipped in data/."""

from __future__ import annotations

import re

import numpy as np
import pytest

from helpers.data.clean import clean_sequences
from helpers.data.embedded import load_ground_truth, load_promoters
from helpers.data.read import read_fasta, read_sequences_csv
from helpers.paths import data_path


def test_load_promoters_is_clean():
    promoters = load_promoters()
    assert list(promoters.columns) == ["id", "sequence", "rep1", "rep2", "rep3", "expression"]
    assert len(promoters) > 1000 and promoters["id"].is_unique
    assert promoters["sequence"].str.len().nunique() == 1
    assert not promoters.isna().any().any()
    mean = promoters[["rep1", "rep2", "rep3"]].mean(axis=1)
    np.testing.assert_allclose(promoters["expression"], np.log10(mean), atol=1e-3)


def test_fasta_and_csv_of_the_embedded_dataset_agree():
    fasta = read_fasta(data_path("promoters.fasta"))
    merged = fasta.merge(load_promoters(), on="id", validate="one_to_one", suffixes=("_fa", ""))
    assert len(merged) == len(fasta)
    assert (merged["sequence_fa"] == merged["sequence"]).all()


def test_ground_truth_matches_promoters():
    truth = load_ground_truth()
    assert truth.elements["id"].tolist() == load_promoters()["id"].tolist()
    assert {"element", "consensus_base", "effect"} <= set(truth.motifs.columns)


def test_raw_dataset_has_every_planted_problem():
    raw = read_sequences_csv(data_path("promoters_raw.csv"))
    clean, report = clean_sequences(raw, length="mode", min_measured=1)
    counts = report.counts()
    for reason in [
        "exact duplicate row",
        "conflicting duplicate id",
        "invalid character",
        "too many N",
        "wrong length",
        "missing target",
    ]:
        assert counts[reason] > 0, reason
    assert counts["invalid character"] == 2
    assert report.modified["upper-cased"] > 0
    assert clean["id"].is_unique
    assert set(clean["id"]) <= set(load_promoters()["id"])


def test_raw_fasta_truncated_record_is_reported(write):
    with pytest.raises(ValueError, match=re.escape("empty sequence")):
        read_fasta(data_path("promoters_raw.fasta"))
    clean, report = clean_sequences(read_fasta(data_path("promoters_raw.fasta"), strict=False))
    assert report.counts()["empty sequence"] == 1
