"""Tests of helpers.coursework.cross_validation: the honest comparison of the candidates.

``cross_validate_models`` takes a SequenceTable or a frame, is deterministic,
keeps near-copies in one fold, and lets a capped solver's ConvergenceWarning
through.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso
from sklearn.pipeline import make_pipeline

from helpers.coursework.candidates import candidate_models
from helpers.coursework.cross_validation import CVResults, as_frame, cross_validate_models
from helpers.data.embedded import load_promoters
from helpers.data.table import SequenceTable
from helpers.features.onehot import OneHotSequenceEncoder


@pytest.fixture(autouse=True)
def _one_thread():
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


def test_cross_validation_takes_a_sequence_table_or_a_frame(planted_box_table):
    frame = planted_box_table()
    chosen = {name: candidate_models(k=1)[name] for name in ("mean baseline", "k-mer ridge")}
    from_frame = cross_validate_models(chosen, frame, n_folds=3)
    from_table = cross_validate_models(chosen, SequenceTable.from_frame(frame), n_folds=3)
    assert isinstance(from_table, CVResults)
    pd.testing.assert_frame_equal(from_frame.summary, from_table.summary)
    assert from_table.best_model == "k-mer ridge"
    assert from_table.predictions["id"].tolist() == frame["id"].tolist()
    assert as_frame(SequenceTable.from_frame(frame)) is frame


def test_cross_validation_is_deterministic_and_grouped():
    table = (
        load_promoters()
        .iloc[:200]
        .rename(columns={"expression": "target"})[["id", "sequence", "target"]]
    )
    # a near-copy of row 0 (one substitution) must share row 0's fold
    copy = table.iloc[[0]].assign(id="copy", sequence=lambda d: "G" + d["sequence"].str[1:])
    table = pd.concat([table, copy], ignore_index=True)
    models = {name: m for name, m in candidate_models(k=2).items() if name != "k-mer boosting"}
    first = cross_validate_models(models, table, n_folds=4)
    second = cross_validate_models(models, table, n_folds=4)
    pd.testing.assert_frame_equal(first.summary, second.summary)
    folds = first.predictions.set_index("id")["fold"]
    assert folds["P0000"] == folds["copy"]
    assert first.groups[0] == first.groups[-1]


def test_a_capped_solver_warns_through_cross_validate_models():
    # cross_validate_models must not swallow a ConvergenceWarning of a model it fits
    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), 20)) for _ in range(60)]
    target = [s.count("A") / 20 + 0.05 * rng.normal() for s in seqs]
    toy = pd.DataFrame({"id": [f"s{i}" for i in range(60)], "sequence": seqs, "target": target})
    capped = {"lasso": make_pipeline(OneHotSequenceEncoder(), Lasso(alpha=1e-4, max_iter=1))}
    with pytest.warns(ConvergenceWarning):
        cross_validate_models(capped, toy, n_folds=3)
