"""Interpreting fitted sequence models: importance tables, motifs, mutagenesis.

The functions, in the order chapter 06 uses them, by module:

:mod:`~helpers.interpret.importance`
    ``importance_table`` (any importance vector -> ranked, tidy table),
    ``restricted_permutation_importance`` (permutation importance of chosen columns only)
:mod:`~helpers.interpret.motifs`
    ``planted_motifs``, ``map_kmers_to_motifs`` (the k-mer -> motif rule),
    ``motif_recovery``, ``planted_spans``, ``kmer_position_profile``
:mod:`~helpers.interpret.mutagenesis`
    ``mutagenesis_scan`` (predicted effect of every single-base substitution),
    ``mutagenesis_matrix`` (the scan as a base x position matrix for plotting)
:mod:`~helpers.interpret.nulls`
    ``shuffled_target_null``, ``null_p_value``

Every name is importable from ``helpers.interpret``.
"""

from helpers.interpret.importance import importance_table, restricted_permutation_importance
from helpers.interpret.motifs import (
    kmer_position_profile,
    map_kmers_to_motifs,
    motif_recovery,
    planted_motifs,
    planted_spans,
)
from helpers.interpret.mutagenesis import mutagenesis_matrix, mutagenesis_scan
from helpers.interpret.nulls import null_p_value, shuffled_target_null
from helpers.sequences import IUPAC

__all__ = [
    "IUPAC",
    "importance_table",
    "restricted_permutation_importance",
    "planted_motifs",
    "map_kmers_to_motifs",
    "motif_recovery",
    "planted_spans",
    "kmer_position_profile",
    "mutagenesis_scan",
    "mutagenesis_matrix",
    "shuffled_target_null",
    "null_p_value",
]
