"""Tests of helpers.coursework.explain: importance and mutagenesis of the best model."""

from __future__ import annotations

import pytest

from helpers.coursework.candidates import candidate_models
from helpers.coursework.cross_validation import cross_validate_models
from helpers.coursework.explain import model_importance, scan_sequence

#: The box conftest's ``planted_box_table`` plants at position 10.
PLANTED_BOX = "TATAAT"


@pytest.fixture(autouse=True)
def _one_thread():
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


def test_one_hot_model_finds_the_planted_box(planted_box_table):
    frame = planted_box_table(120)
    candidates = candidate_models(k=1, one_hot=True)
    chosen = {name: candidates[name] for name in ("mean baseline", "one-hot ridge")}
    results = cross_validate_models(chosen, frame, n_folds=3)
    assert results.summary.loc["one-hot ridge", "r2_pooled"] > 0.5
    importance = model_importance(results, frame, n_candidates=10, n_repeats=2)
    planted = {f"pos{10 + i}_{base}" for i, base in enumerate(PLANTED_BOX)}
    assert importance.table.iloc[0]["feature"] in planted
    assert (importance.model, importance.fold) == ("one-hot ridge", 0)
    scan = scan_sequence(results, frame)
    assert scan.matrix.shape == (4, 30)
    assert scan.model == "one-hot ridge"
    assert scan.sequence == frame.set_index("id").loc[scan.id, "sequence"]
