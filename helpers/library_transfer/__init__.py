"""Transfer trained on many libraries: one estimator a reader can fit on every public library.

Chapter 11 trains on La Fleur et al.'s library alone; chapter 14 trains on
several libraries at once and predicts a library it never saw
(leave-one-library-out). Libraries differ in their measurement (plasmid,
reporter, normalisation), in their construct lengths and in where the
promoter sits inside the construct. This package holds the pieces that handle
those differences (``pooling``, ``windows``, ``regressor``; ``lolo`` reads the
nested leave-one-library-out benchmark's result for chapters 11 and 14):

``normalize_within``           the target standardised within each library
                               (z-score or rank), so libraries measured on
                               different scales can be pooled
``core_windows``               the stretch around the σ70 site the consensus
                               search finds, so flanking plasmid sequence
                               cannot leak into a model
``target_resemblance``         how much each training row resembles a target
                               library's *sequences* (a classifier telling
                               them apart; no measurement of the target used)
``ManyLibraryRegressor``       the recommended estimator: ``fit(sequences, y,
                               groups=library)``, ``predict(sequences)``; an
                               average of latent-site models and a booster on
                               located parts, each trained on the pooled,
                               standardised libraries

Sign convention: as in :mod:`helpers.transfer`, targets where **more
negative means a stronger promoter** (La Fleur's ``observed``, the Promoter
Calculator) are the default; the standardisation keeps the sign.
"""

from __future__ import annotations

from helpers.library_transfer.lolo import lolo_tables
from helpers.library_transfer.pooling import normalize_within, target_resemblance
from helpers.library_transfer.regressor import COMPONENTS, ManyLibraryRegressor
from helpers.library_transfer.windows import booster_columns, core_windows, shared_flanks

__all__ = [
    "COMPONENTS",
    "ManyLibraryRegressor",
    "booster_columns",
    "core_windows",
    "lolo_tables",
    "normalize_within",
    "shared_flanks",
    "target_resemblance",
]
