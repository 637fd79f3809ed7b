"""Candidate models and their grouped cross-validation (the old names).

The code lives in :mod:`helpers.coursework`: :mod:`~helpers.coursework.candidates`,
:mod:`~helpers.coursework.folds`, :mod:`~helpers.coursework.cross_validation`
and :mod:`~helpers.coursework.explain`. This module re-exports their public
names so that ``from helpers.models import ...`` keeps working.
"""

from __future__ import annotations

from helpers.coursework.candidates import (
    RIDGE_ALPHAS,
    GroupedRidgeCV,
    candidate_models,
    one_hot_reason,
    to_dense,
)
from helpers.coursework.cross_validation import SUMMARY_METRICS, CVResults, cross_validate_models
from helpers.coursework.explain import model_importance, scan_sequence
from helpers.coursework.folds import FALLBACK_THRESHOLDS, FoldPlan, plan_folds

__all__ = [
    "FALLBACK_THRESHOLDS",
    "RIDGE_ALPHAS",
    "SUMMARY_METRICS",
    "CVResults",
    "FoldPlan",
    "GroupedRidgeCV",
    "candidate_models",
    "cross_validate_models",
    "model_importance",
    "one_hot_reason",
    "plan_folds",
    "scan_sequence",
    "to_dense",
]
