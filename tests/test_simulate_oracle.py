"""Tests of helpers.simulate.oracle: the simulator as an oracle (expected_expression)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from helpers.io import load_ground_truth, load_promoters
from helpers.simulate.library import simulate_promoters
from helpers.simulate.model import PromoterModel
from helpers.simulate.oracle import expected_expression, oracle_positions, oracle_spacer


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
    ("args", "kwargs", "message"),
    [
        (["ACGT"], {}, "row 0: length 4, expected 100. 1 of 1 sequences have another length."),
        (
            ["A" * 99 + "X"],
            {},
            "row 0: invalid character 'X' at position 99 (0-based); allowed: 'ACGT' (either "
            "case). 1 of 1 sequences have invalid characters.",
        ),
        (
            "A" * 100,
            {},
            "sequences must be a list of sequences, got a single string; wrap it: [sequence]",
        ),
        (
            ["A" * 100, "C" * 100],
            {"spacer": [17, 20]},
            "expected_expression: spacer must be one of [15, 16, 17, 18, 19], got 20 (row 1)",
        ),
        (
            ["A" * 100, "C" * 100],
            {"spacer": [17, 17, 17]},
            "expected_expression: spacer must be one length or one per sequence (2), got 3",
        ),
    ],
)
def test_oracle_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        expected_expression(args, **kwargs)


@pytest.mark.parametrize(("spacer", "shown"), [(20, "20"), (17.5, "17.5"), (True, "True")])
def test_oracle_positions_bad_spacer(spacer, shown):
    message = f"oracle_positions: spacer must be one of [15, 16, 17, 18, 19], got {shown}"
    with pytest.raises(ValueError, match=re.escape(message)):
        oracle_positions(spacer)
