"""Tests of the promoter simulator and the committed embedded dataset."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

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


# --- the oracle (expected_expression) -------------------------------------------------

from helpers.io import load_ground_truth, load_promoters  # noqa: E402
from helpers.simulate import expected_expression, oracle_positions, oracle_spacer  # noqa: E402


def test_oracle_reproduces_the_truth_of_every_committed_promoter():
    promoters = load_promoters()
    elements = load_ground_truth().elements
    oracle = expected_expression(promoters["sequence"], spacer=elements["spacer_length"])
    assert np.array_equal(np.round(oracle, 4), elements["true_expression"].to_numpy())


def test_oracle_best_placement_is_never_below_the_planted_one():
    promoters = load_promoters()
    elements = load_ground_truth().elements
    planted = expected_expression(promoters["sequence"], spacer=elements["spacer_length"])
    best = expected_expression(promoters["sequence"])
    assert np.all(best >= planted - 1e-12)
    agree = oracle_spacer(promoters["sequence"]) == elements["spacer_length"].to_numpy()
    assert agree.mean() > 0.85  # the planted site is usually the best one
    assert np.allclose(best[agree], planted[agree])


def test_oracle_scores_mutants_as_the_rules_say():
    model = PromoterModel()
    promoters, elements = simulate_promoters(n=50, random_state=3)
    seqs = promoters["sequence"].tolist()
    spacers = elements["spacer_length"].to_numpy()
    base = expected_expression(seqs, spacer=spacers)
    m10 = model.minus10_start
    # restoring the −10 consensus never lowers expression; breaking its first base never raises it
    fixed = [s[:m10] + "TATAAT" + s[m10 + 6 :] for s in seqs]
    assert np.all(expected_expression(fixed, spacer=spacers) >= base - 1e-12)
    broken = [s[:m10] + ("G" if s[m10] != "G" else "C") + s[m10 + 1 :] for s in fixed]
    assert np.all(
        expected_expression(broken, spacer=spacers) < expected_expression(fixed, spacer=spacers)
    )
    # a base the rules do not read changes nothing
    outside = ~oracle_positions(17)
    pos = int(np.flatnonzero(outside)[0])
    rows = spacers == 17
    moved = [s[:pos] + ("A" if s[pos] != "A" else "C") + s[pos + 1 :] for s in np.array(seqs)[rows]]
    assert np.array_equal(expected_expression(moved, spacer=17), base[rows])


def test_oracle_on_shuffles_and_bounds():
    model = PromoterModel()
    promoters, _ = simulate_promoters(n=200, random_state=5)
    rng = np.random.default_rng(0)
    shuffled = ["".join(rng.permutation(list(s))) for s in promoters["sequence"]]
    original = expected_expression(promoters["sequence"])
    scrambled = expected_expression(shuffled)
    assert np.median(scrambled) < np.median(original) - 0.5  # shuffles lose the boxes
    floor, ceiling = np.log10(model.basal), np.log10(model.basal + model.vmax)
    assert np.all((scrambled >= floor) & (scrambled <= ceiling))
    best = (
        "A" * 23 + "AAAAATATTTTAAAAAAAAA" + "AA" + "TTGACA" + "A" * 14 + "TGA" + "TATAAT" + "A" * 26
    )
    assert len(best) == 100
    assert expected_expression([best])[0] > np.log10(model.basal + 0.95 * model.vmax)
    assert expected_expression([best.lower()])[0] == expected_expression([best])[0]
    assert expected_expression([]).shape == (0,)


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (["ACGT"], {}, "length"),
        (["A" * 99 + "X"], {}, "invalid character"),
        ("A" * 100, {}, "single string"),
        (["A" * 100], {"spacer": 14}, "spacer must be one of"),
        (["A" * 100, "C" * 100], {"spacer": [17, 17, 17]}, "one per sequence"),
    ],
)
def test_oracle_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        expected_expression(args, **kwargs)


def test_oracle_positions_bad_spacer():
    with pytest.raises(ValueError, match="spacer must be one of"):
        oracle_positions(20)


# --------------------------------------------------------------------------- #
# one simulator: the byte-code batch, the chunked draw, the shard writer
# --------------------------------------------------------------------------- #


def test_chunked_background_draw_is_one_stream(monkeypatch):
    """Drawing the backgrounds in row blocks leaves the random stream (and data/) unchanged."""
    import helpers.simulate as sim

    whole = simulate_promoters(n=50, random_state=5)
    monkeypatch.setattr(sim, "_DRAW_ROWS", 7)
    chunked = simulate_promoters(n=50, random_state=5)
    pd.testing.assert_frame_equal(whole[0], chunked[0])
    pd.testing.assert_frame_equal(whole[1], chunked[1])


def test_simulate_batch_equals_simulate_promoters():
    from helpers.simulate import simulate_batch

    seqs, expression = simulate_batch(40, np.random.default_rng(9))
    promoters, _ = simulate_promoters(n=40, random_state=9)
    assert seqs.view("S100").ravel().astype(str).tolist() == promoters["sequence"].tolist()
    np.testing.assert_array_equal(expression, promoters["expression"].to_numpy())


def test_log_rate_gives_the_ground_truth():
    from helpers.core.alphabet import encode_codes
    from helpers.simulate import log_rate

    model = PromoterModel()
    promoters, elements = simulate_promoters(n=60, random_state=4, model=model)
    codes = encode_codes("".join(promoters["sequence"])).reshape(60, model.length)
    p = np.exp(log_rate(codes, elements["spacer_length"].to_numpy(), model))
    truth = np.round(np.log10(model.basal + model.vmax * p / (1 + p)), 4)
    np.testing.assert_array_equal(truth, elements["true_expression"].to_numpy())


def test_up_mutation_rate_is_declared_once():
    import helpers.scale
    import helpers.simulate

    assert helpers.scale.UP_MUTATION_RATE is helpers.simulate.UP_MUTATION_RATE
    source = Path(helpers.scale.__file__).read_text(encoding="utf-8")
    assert "rng.integers" not in source and "default_rng(np.random.SeedSequence" in source
