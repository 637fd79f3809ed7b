"""Turn DNA sequences into numbers: k-mer counts, one-hot and composition features.

Three scikit-learn transformers, each taking a list, numpy array or pandas
Series of sequence strings (so they drop into a ``Pipeline`` or a
``ColumnTransformer`` column), and plain functions for one-off use:

``helpers.features.inputs``         the container check, the transformers' tags, chunks of base codes
``helpers.features.vocabulary``     k-mer columns: ``all_kmers``, ``canonical_kmer``, ``KmerVocabulary``
``helpers.features.kmer_counting``  the counting kernel (sequences -> CSR, no Python per k-mer)
``helpers.features.kmers``          ``KmerVectorizer``, ``kmer_counts``
``helpers.features.onehot``         ``OneHotSequenceEncoder``, ``one_hot_encode``, ``pad_sequences``
``helpers.features.composition``    ``CompositionFeatures``, ``gc_content``

The alphabet is ``A``, ``C``, ``G``, ``T`` plus ``N`` for an unknown base, in
either case (see :mod:`helpers.sequences` for what ``N`` means here). Any
other character raises the ``ValueError`` of
:func:`helpers.sequences.validate_sequences`, which names the row, the position
and the character, so bad input is never silently dropped.

The transformers follow scikit-learn's conventions: the constructor only
stores the parameters, ``fit`` validates them (declared in
``_parameter_constraints``; one message format: ``"<Class>: <parameter> must
be ..., got ..."``) and sets the fitted attributes (names ending in ``_``), and
``transform`` and ``get_feature_names_out`` raise ``NotFittedError`` before
``fit``. :mod:`helpers.encoding` re-exports everything here under its old name.
"""

from helpers.features.composition import CompositionFeatures, gc_content
from helpers.features.inputs import check_sequences
from helpers.features.kmers import KmerVectorizer, kmer_counts
from helpers.features.onehot import OneHotSequenceEncoder, one_hot_encode, pad_sequences
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
    "pad_sequences",
    "reverse_complement",
]
