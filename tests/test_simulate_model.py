"""Tests of helpers.simulate.model: the promoter layout, its parameters and the motif table."""

from __future__ import annotations

import numpy as np

from helpers.simulate.model import PromoterModel, motif_table


def test_motif_table_matches_model():
    table = motif_table()
    m35 = table[table["element"] == "minus35"]
    assert m35["consensus_base"].str.cat() == "TTGACA"
    assert m35["tss_position"].tolist() == list(range(-35, -29))
    m10 = table[table["element"] == "minus10"]
    assert m10["tss_position"].tolist() == list(range(-12, -6))


def test_layout_follows_the_spacer():
    model = PromoterModel()
    assert (model.minus10_start, model.discriminator_start) == (68, 74)
    spacer = np.array([15, 17, 19])
    assert model.minus35_start(spacer).tolist() == [47, 45, 43]
    assert (model.minus35_start(spacer) + 6 + spacer == model.minus10_start).all()
    assert (
        model.up_start(spacer) + len(model.up_consensus) + 2 == model.minus35_start(spacer)
    ).all()
