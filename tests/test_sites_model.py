"""Tests of helpers.sites.model: the site geometry and the textbook weights."""

from __future__ import annotations

import numpy as np

from helpers.sites.model import BOX, EXT, SPACERS, SiteWeights, consensus_weights


def test_consensus_weights_table():
    weights = consensus_weights()
    assert weights.table("minus35").idxmax(axis=1).str.cat() == "TTGACA"
    assert np.allclose(weights.table("minus10").sum(axis=1), 0)


def test_consensus_weights_shapes_and_spacer_penalty():
    weights = consensus_weights(match=2.0, spacer_penalty=0.5)
    assert isinstance(weights, SiteWeights)
    assert weights.minus35.shape == weights.minus10.shape == weights.discriminator.shape == (BOX, 4)
    assert weights.extended10.shape == (EXT, 4)
    assert weights.spacer.tolist() == [-1.0, -0.5, 0.0, -0.5, -1.0]
    assert len(weights.spacer) == len(SPACERS)
    assert weights.minus10.max() == 2.0 and not weights.discriminator.any()
    assert weights.table("extended10").index.tolist() == [1, 2, 3]
