"""Helpers for the book *Sequence to Expression*.

The chapters import from the submodules, each of which holds one concept:

``helpers.paths``       where the embedded and the shipped published data live
``helpers.bootstrap``   the set-up cell's installer (standard library only)
``helpers.notebook``    one call that sets display options, seeds and threads for a chapter
``helpers.sequences``   the alphabet, the IUPAC table and the one sequence validator
``helpers.core``        the one byte-code table (``alphabet``), declarative parameter checks
``helpers.simulate``    the one promoter simulator (the embedded dataset and the shards)
``helpers.data``        the table contract (``TableSpec``, ``SequenceTable``, one ``QCReport``),
                        reading, cleaning, orientation, the shipped published files
``helpers.io``          the reader's entry points (``load_table``, FASTA), re-exported from ``data``
``helpers.datasets``    published datasets shipped in data/real (SHA-256 checked)
``helpers.encoding``    k-mer, one-hot and composition features (scikit-learn transformers)
``helpers.evaluation``  metrics tables, noise ceiling, leakage-aware groups, bootstrap
``helpers.interpret``   importance tables, k-mer to motif mapping, in-silico mutagenesis
``helpers.coursework``  the "use your own data" report: settings, candidates, folds,
                        cross-validation, explanations (``models`` and ``report`` re-export it)
``helpers.cnn``         a small convolutional network on CPU (Keras 3 on JAX)
``helpers.transfer``    the σ70 site finder and a model built to transfer between libraries
``helpers.library_transfer``  one estimator trained on several libraries at once
``helpers.scale``       Parquet shards and Dask; ``helpers.estimators`` holds the sharded estimators
``helpers.design``      variant effects and designed promoters
``helpers.plotting``    shared figures
"""

__version__ = "0.1.0"
