"""Tests of helpers.simulate.dataset: the committed embedded dataset and its regeneration."""

from __future__ import annotations

import hashlib
import json

import pandas as pd

from helpers.paths import DATA_DIR
from helpers.simulate.dataset import main, write_dataset

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


def test_command_line_writes_every_file(tmp_path, capsys):
    main(["--out", str(tmp_path), "--n", "200", "--random-state", "3"])
    assert sorted(capsys.readouterr().out.split()) == sorted(str(tmp_path / n) for n in COMMITTED)
    params = json.loads((tmp_path / "simulation_parameters.json").read_text())
    assert (params["n"], params["seed"]) == (200, 3)
    assert len(pd.read_csv(tmp_path / "promoters.csv")) == 200
