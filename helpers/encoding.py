"""Turn DNA sequences into numbers: the old name of :mod:`helpers.features`.

Everything now lives in the package :mod:`helpers.features` (one module per
concept: ``inputs``, ``vocabulary``, ``kmer_counting``, ``kmers``, ``onehot``,
``composition``); this module re-exports the names the chapters import, so
``from helpers.encoding import KmerVectorizer`` keeps working.

``KmerVectorizer``           sparse matrix of k-mer counts, presence or frequencies
``OneHotSequenceEncoder``    dense position-aware one-hot matrix for equal-length sequences
``CompositionFeatures``      length, GC content and base fractions

and :func:`kmer_counts`, :func:`all_kmers`, :func:`gc_content`,
:func:`reverse_complement`, :func:`canonical_kmer`, :func:`one_hot_encode`,
:func:`check_sequences`.
"""

from helpers.features.composition import CompositionFeatures, gc_content
from helpers.features.inputs import (
    _SequenceInputTags,  # noqa: F401  (transfer imports it here)
    check_sequences,
)
from helpers.features.kmers import KmerVectorizer, kmer_counts
from helpers.features.onehot import OneHotSequenceEncoder, one_hot_encode
from helpers.features.vocabulary import MAX_K, KmerVocabulary, all_kmers, canonical_kmer
from helpers.sequences import reverse_complement

__all__ = [
    "MAX_K",
    "CompositionFeatures",
    "KmerVectorizer",
    "KmerVocabulary",
    "OneHotSequenceEncoder",
    "all_kmers",
    "canonical_kmer",
    "check_sequences",
    "gc_content",
    "kmer_counts",
    "one_hot_encode",
    "reverse_complement",
]
