"""Tests of helpers.simulate.rules: the log-rate model read off the bases."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.core.alphabet import encode_codes
from helpers.simulate.library import simulate_promoters
from helpers.simulate.model import PromoterModel
from helpers.simulate.rules import log_rate


@pytest.fixture(scope="module")
def library():
    return simulate_promoters(n=500, random_state=11)


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


def test_log_rate_gives_the_ground_truth():
    model = PromoterModel()
    promoters, elements = simulate_promoters(n=60, random_state=4, model=model)
    codes = encode_codes("".join(promoters["sequence"])).reshape(60, model.length)
    p = np.exp(log_rate(codes, elements["spacer_length"].to_numpy(), model))
    truth = np.round(np.log10(model.basal + model.vmax * p / (1 + p)), 4)
    np.testing.assert_array_equal(truth, elements["true_expression"].to_numpy())
