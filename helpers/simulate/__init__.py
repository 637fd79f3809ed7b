"""Simulated σ70 promoters: the book's embedded dataset and its ground truth.

One simulator, in the order a promoter is made:

``helpers.simulate.model``    ``PromoterModel`` (the layout and every parameter),
                              ``UP_MUTATION_RATE``, ``motif_table``
``helpers.simulate.rules``    ``log_rate``: the additive log-rate model read off the bases
``helpers.simulate.library``  ``simulate_promoters`` (tables and ground truth) and
                              ``simulate_batch`` (the same draws as bytes, for shards)
``helpers.simulate.oracle``   ``expected_expression``, ``oracle_spacer``, ``oracle_positions``
``helpers.simulate.dataset``  ``add_raw_defects``, ``write_dataset``: the files of ``data/``

Regenerate the committed files with ``python -m helpers.simulate --out data``;
the output is byte-identical for the same seed.
"""

from __future__ import annotations

from helpers.simulate.dataset import add_raw_defects, main, write_dataset
from helpers.simulate.library import simulate_batch, simulate_promoters
from helpers.simulate.model import UP_MUTATION_RATE, PromoterModel, motif_table
from helpers.simulate.oracle import expected_expression, oracle_positions, oracle_spacer
from helpers.simulate.rules import log_rate

__all__ = [
    "UP_MUTATION_RATE",
    "PromoterModel",
    "add_raw_defects",
    "expected_expression",
    "log_rate",
    "main",
    "motif_table",
    "oracle_positions",
    "oracle_spacer",
    "simulate_batch",
    "simulate_promoters",
    "write_dataset",
]
