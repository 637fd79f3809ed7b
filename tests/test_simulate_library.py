"""Tests of helpers.simulate.library: simulating a library (tables, bytes, one random stream)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.simulate.library import simulate_batch, simulate_promoters


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


# --------------------------------------------------------------------------- #
# one simulator: the byte-code batch, the chunked draw, the shard writer
# --------------------------------------------------------------------------- #


def test_chunked_background_draw_is_one_stream(monkeypatch):
    """Drawing the backgrounds in row blocks leaves the random stream (and data/) unchanged."""
    import helpers.simulate.library as sim

    whole = simulate_promoters(n=50, random_state=5)
    monkeypatch.setattr(sim, "_DRAW_ROWS", 7)
    chunked = simulate_promoters(n=50, random_state=5)
    pd.testing.assert_frame_equal(whole[0], chunked[0])
    pd.testing.assert_frame_equal(whole[1], chunked[1])


def test_simulate_batch_equals_simulate_promoters():
    seqs, expression = simulate_batch(40, np.random.default_rng(9))
    promoters, _ = simulate_promoters(n=40, random_state=9)
    assert seqs.view("S100").ravel().astype(str).tolist() == promoters["sequence"].tolist()
    np.testing.assert_array_equal(expression, promoters["expression"].to_numpy())


def test_up_mutation_rate_is_declared_once():
    import helpers.scale
    import helpers.simulate

    assert helpers.scale.UP_MUTATION_RATE is helpers.simulate.UP_MUTATION_RATE
    source = Path(helpers.scale.__file__).read_text(encoding="utf-8")
    assert "rng.integers" not in source and "default_rng(np.random.SeedSequence" in source


def test_the_package_re_exports_each_name_from_its_module():
    import importlib

    import helpers.simulate

    exported = []
    for part in ("model", "rules", "library", "oracle", "dataset"):
        module = importlib.import_module(f"helpers.simulate.{part}")
        for name in module.__all__:
            assert getattr(helpers.simulate, name) is getattr(module, name), name
        exported += module.__all__
    assert sorted(helpers.simulate.__all__) == sorted(exported)
