"""Tests of helpers.coursework.folds: folds that keep related sequences together.

``plan_folds`` groups near-copies into one fold, takes a reader's own groups
(leave-one-group-out when they are fewer than the folds; said in words when
they look like designed backgrounds) and checks its parameters.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from helpers.coursework.folds import FoldPlan, plan_folds


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


def test_plan_folds_keeps_near_copies_together(planted_box_table):
    table = planted_box_table()
    seqs = [*table["sequence"], "G" + table["sequence"].iloc[0][1:]]
    plan = plan_folds(seqs, np.arange(len(seqs), dtype=float), n_folds=3)
    assert isinstance(plan, FoldPlan) and plan.n_folds == 3
    assert plan.groups[0] == plan.groups[-1]
    assert plan.table["n_test"].sum() == len(seqs)


def test_plan_folds_with_fewer_groups_than_folds_is_leave_one_group_out(planted_box_table):
    seqs = planted_box_table(90)["sequence"].tolist()
    plan = plan_folds(seqs, np.arange(90.0), n_folds=5, groups=["a", "b", "c"] * 30)
    assert plan.method == "your groups" and plan.n_folds == 3
    assert plan.notes[0] == (
        "Your group column has only 3 groups, fewer than the 5 folds asked for: each group "
        "is one fold (leave-one-group-out, 3 folds), so every score is for a group the model "
        "never saw."
    )
    assert (plan.table["flag"] == "").all()  # one group per fold is the design, not odd


def test_plan_folds_with_few_of_your_groups_says_leave_one_background_out(planted_box_table):
    seqs = planted_box_table(60)["sequence"].tolist()
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
