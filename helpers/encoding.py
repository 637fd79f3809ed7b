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
:func:`check_sequences`, :func:`pad_sequences`.
"""

from helpers import features as _features
from helpers.features import *  # noqa: F403  (the names of helpers.features.__all__)
from helpers.features.inputs import _SequenceInputTags  # noqa: F401  (an old import path)

__all__ = list(_features.__all__)
