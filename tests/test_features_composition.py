"""Tests of helpers.features.composition: length, GC content and base fractions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.features.composition import CompositionFeatures, gc_content


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="ACGTNacgtn", max_size=60), min_size=1, max_size=6))
def test_composition_fractions(seqs):
    F = CompositionFeatures().fit_transform(seqs)
    for row, s in zip(F, seqs, strict=True):
        u = s.upper()
        assert row[0] == len(s)
        if s:
            assert row[2:].sum() == pytest.approx(1.0)
            assert row[2] == pytest.approx(u.count("A") / len(s))
            assert row[6] == pytest.approx(u.count("N") / len(s))
        called = len(u) - u.count("N")
        gc = (u.count("G") + u.count("C")) / called if called else 0.0
        assert row[1] == pytest.approx(gc)


def test_composition_of_empty_and_all_n_sequences():
    X = CompositionFeatures().fit_transform(["", "NNNN"])
    assert X[0].tolist() == [0.0] * 7
    assert X[1].tolist() == [4.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    assert CompositionFeatures().fit_transform([]).shape == (0, 7)


def test_gc_content():
    assert gc_content("ACGT") == 0.5 and gc_content("NNN") == 0.0 and gc_content("") == 0.0
    assert gc_content("gcat") == 0.5
