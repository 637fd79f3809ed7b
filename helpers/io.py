"""Reading, validating and cleaning sequence-to-expression tables (the old names).

The code lives in :mod:`helpers.data`: :mod:`~helpers.data.read` (tables,
FASTA), :mod:`~helpers.data.clean` (checks, cleaning, quality control),
:mod:`~helpers.data.load` (:func:`load_table`), :mod:`~helpers.data.table`
(:class:`TableSpec`, :class:`SequenceTable`, :class:`QCReport`) and
:mod:`~helpers.data.embedded` (the embedded dataset). This module re-exports
their public names so that ``from helpers.io import ...`` keeps working.
"""

from __future__ import annotations

from helpers.data.clean import (
    DROP_REASONS,
    clean_sequences,
    quality_control,
    sequence_stats,
    validate_sequences,
)
from helpers.data.embedded import PROMOTER_TARGETS, GroundTruth, load_ground_truth, load_promoters
from helpers.data.load import FASTA_SUFFIXES, load_table
from helpers.data.read import (
    MISSING_TOKENS,
    SEPARATORS,
    read_fasta,
    read_sequences_csv,
    read_table,
)
from helpers.data.table import (
    TARGET_TRANSFORMS,
    QCReport,
    SequenceTable,
    TableSpec,
)
from helpers.sequences import DNA, DNA_N

__all__ = [
    "DNA",
    "DNA_N",
    "DROP_REASONS",
    "FASTA_SUFFIXES",
    "MISSING_TOKENS",
    "PROMOTER_TARGETS",
    "SEPARATORS",
    "TARGET_TRANSFORMS",
    "GroundTruth",
    "QCReport",
    "SequenceTable",
    "TableSpec",
    "clean_sequences",
    "load_ground_truth",
    "load_promoters",
    "load_table",
    "quality_control",
    "read_fasta",
    "read_sequences_csv",
    "read_table",
    "sequence_stats",
    "validate_sequences",
]
