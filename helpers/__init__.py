"""Helpers for the book *Sequence to Expression*.

The chapters import from the submodules, each of which holds one concept:

``helpers.paths``       where the embedded and the shipped published data live
``helpers.bootstrap``   the set-up cell's installer (standard library only)
``helpers.notebook``    one call that sets display options, seeds and threads for a chapter
``helpers.sequences``   the alphabet, the IUPAC table and the one sequence validator
``helpers.core``        the one byte-code table, declarative parameter checks, array checks
``helpers.simulate``    the one promoter simulator (the embedded dataset and the shards)
``helpers.data``        the table contract (``TableSpec``, ``SequenceTable``, one ``QCReport``),
                        reading, cleaning, orientation, the shipped published files
``helpers.features``    k-mer, one-hot and composition features (scikit-learn transformers)
``helpers.evaluation``  metrics tables, noise ceiling, leakage-aware groups, bootstrap
``helpers.interpret``   importance tables, k-mer to motif mapping, in-silico mutagenesis
``helpers.sites``       the σ70 site model, the scanner and the site finder
``helpers.estimators``  the CNN, the latent-site model, the sharded estimators
``helpers.library_transfer``  one estimator trained on several libraries at once
``helpers.scale``       Parquet shards and Dask
``helpers.design``      variant effects and designed promoters
``helpers.plotting``    shared figures
``helpers.coursework``  the "use your own data" report: settings, candidates, folds,
                        cross-validation, explanations

Chapters also import a few entry points by their older, shorter names, kept
as re-exports: ``helpers.io`` and ``helpers.datasets`` (from ``data``),
``helpers.encoding`` (``features``), ``helpers.cnn`` and ``helpers.transfer``
(``estimators`` and ``sites``), ``helpers.models`` and ``helpers.report``
(``coursework``).
"""

__version__ = "0.1.0"
