"""Tests of the coursework models (helpers.coursework; old names in helpers.models).

Candidates, the grouped ridge, fold plans, cross-validation and the two looks
inside the best model, on small synthetic tables built from the book's
simulator's alphabet (random sequences with a planted box).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from helpers import models
from helpers.coursework.candidates import (
    RIDGE_ALPHAS,
    GroupedRidgeCV,
    candidate_models,
    one_hot_reason,
    to_dense,
)
from helpers.coursework.cross_validation import CVResults, as_frame, cross_validate_models
from helpers.coursework.explain import model_importance, scan_sequence
from helpers.coursework.folds import FoldPlan, plan_folds
from helpers.data.table import SequenceTable

BOX = "TATAAT"


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


@pytest.fixture(autouse=True)
def _one_thread():
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


def toy(n: int = 90, length: int = 30, seed: int = 0) -> pd.DataFrame:
    """Random sequences whose target is 2 where the box is planted at 10, plus noise."""
    rng = np.random.default_rng(seed)
    seqs = ["".join(rng.choice(list("ACGT"), length)) for _ in range(n)]
    planted = rng.random(n) < 0.5
    seqs = [s[:10] + BOX + s[16:] if p else s for s, p in zip(seqs, planted, strict=True)]
    target = 2.0 * planted + rng.normal(0, 0.2, n)
    return pd.DataFrame({"id": [f"s{i}" for i in range(n)], "sequence": seqs, "target": target})


def test_old_names_are_the_new_objects():
    assert models.GroupedRidgeCV is GroupedRidgeCV
    assert models.plan_folds is plan_folds
    assert models.cross_validate_models is cross_validate_models
    assert set(models.__all__) >= {"candidate_models", "scan_sequence", "to_dense", "CVResults"}


# --- candidates ---------------------------------------------------------------


def test_candidates_offer_one_hot_only_for_one_length():
    assert list(candidate_models(k=1, one_hot=True)) == [
        "mean baseline",
        "k-mer ridge",
        "k-mer boosting",
        "one-hot ridge",
        "one-hot boosting",
    ]
    assert list(candidate_models(k=1)) == [
        "mean baseline",
        "k-mer ridge",
        "k-mer boosting",
    ]
    assert one_hot_reason(["ACGT", "GGCA"]) is None
    assert "lengths vary" in one_hot_reason(["ACGT", "GGC"])


def test_to_dense_accepts_sparse_and_dense():
    import scipy.sparse as sp

    assert to_dense(sp.csr_matrix([[0, 1]])).tolist() == [[0, 1]]
    assert to_dense(np.array([[2.0]])).tolist() == [[2.0]]


def test_grouped_ridge_chooses_a_penalty_by_grouped_folds():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 5))
    y = X @ np.array([1.0, 0, 0, 2, 0]) + rng.normal(0, 0.1, 80)
    groups = np.repeat(np.arange(8), 10)
    model = GroupedRidgeCV().fit(X, y, groups=groups)
    assert model.alpha_ in RIDGE_ALPHAS
    assert model.score(X, y) > 0.9
    assert clone(model).get_params().keys() == model.get_params().keys()
    with pytest.raises(NotFittedError):
        GroupedRidgeCV().predict(X)


# --- folds --------------------------------------------------------------------


def test_plan_folds_keeps_near_copies_together():
    table = toy()
    seqs = [*table["sequence"], "G" + table["sequence"].iloc[0][1:]]
    plan = plan_folds(seqs, np.arange(len(seqs), dtype=float), n_folds=3)
    assert isinstance(plan, FoldPlan) and plan.n_folds == 3
    assert plan.groups[0] == plan.groups[-1]
    assert plan.table["n_test"].sum() == len(seqs)


def test_plan_folds_with_fewer_groups_than_folds_is_leave_one_group_out():
    seqs = toy(90)["sequence"].tolist()
    plan = plan_folds(seqs, np.arange(90.0), n_folds=5, groups=["a", "b", "c"] * 30)
    assert plan.method == "your groups" and plan.n_folds == 3
    assert plan.notes[0] == (
        "Your group column has only 3 groups, fewer than the 5 folds asked for: each group "
        "is one fold (leave-one-group-out, 3 folds), so every score is for a group the model "
        "never saw."
    )
    assert (plan.table["flag"] == "").all()  # one group per fold is the design, not odd


def test_plan_folds_with_few_of_your_groups_says_leave_one_background_out():
    seqs = toy(60)["sequence"].tolist()
    plan = plan_folds(seqs, np.arange(60.0), n_folds=3, groups=[f"bg{i % 4}" for i in range(60)])
    assert plan.notes[-1].startswith(
        "The 4 groups of your column are few and large, as in a designed library built on 4 "
        "backgrounds: each fold holds 1 to 2 whole groups, so this cross-validation amounts "
        "to leave-one-background-out."
    )


def test_plan_folds_bad_arguments():
    with pytest.raises(
        ValueError, match=exact("plan_folds: n_folds must be an int in the range [2, inf), got 1")
    ):
        plan_folds(["ACGT", "GGCA"], [1.0, 2.0], n_folds=1)
    with pytest.raises(ValueError, match=exact("2 sequences but 1 targets.")):
        plan_folds(["ACGT", "GGCA"], [1.0], n_folds=2)


# --- cross-validation ---------------------------------------------------------


def test_cross_validation_takes_a_sequence_table_or_a_frame():
    frame = toy()
    chosen = {name: candidate_models(k=1)[name] for name in ("mean baseline", "k-mer ridge")}
    from_frame = cross_validate_models(chosen, frame, n_folds=3)
    from_table = cross_validate_models(chosen, SequenceTable.from_frame(frame), n_folds=3)
    assert isinstance(from_table, CVResults)
    pd.testing.assert_frame_equal(from_frame.summary, from_table.summary)
    assert from_table.best_model == "k-mer ridge"
    assert from_table.predictions["id"].tolist() == frame["id"].tolist()
    assert as_frame(SequenceTable.from_frame(frame)) is frame


def test_one_hot_model_finds_the_planted_box():
    frame = toy(120)
    candidates = candidate_models(k=1, one_hot=True)
    chosen = {name: candidates[name] for name in ("mean baseline", "one-hot ridge")}
    results = cross_validate_models(chosen, frame, n_folds=3)
    assert results.summary.loc["one-hot ridge", "r2_pooled"] > 0.5
    importance = model_importance(results, frame, n_candidates=10, n_repeats=2)
    planted = {f"pos{10 + i}_{base}" for i, base in enumerate(BOX)}
    assert importance.table.iloc[0]["feature"] in planted
    assert (importance.model, importance.fold) == ("one-hot ridge", 0)
    scan = scan_sequence(results, frame)
    assert scan.matrix.shape == (4, 30)
    assert scan.model == "one-hot ridge"
    assert scan.sequence == frame.set_index("id").loc[scan.id, "sequence"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"alphas": ()}, "alphas must be a non-empty sequence of positive numbers, got ()"),
        (
            {"alphas": (1, -2)},
            "alphas must be a non-empty sequence of positive numbers, got (1, -2)",
        ),
        ({"n_splits": 1}, "n_splits must be an int in the range [2, inf), got 1"),
        ({"n_splits": True}, "n_splits must be an int in the range [2, inf), got True"),
    ],
)
def test_grouped_ridge_cv_bad_parameters_name_the_owner(params, message):
    X, y = np.ones((4, 2)), np.arange(4.0)
    with pytest.raises(ValueError, match="^" + re.escape("GroupedRidgeCV: " + message) + "$"):
        GroupedRidgeCV(**params).fit(X, y, groups=[0, 0, 1, 1])
