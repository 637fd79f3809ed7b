"""Helpers for the book *Sequence to Expression*.

The chapters import from the submodules, each of which holds one concept:

``helpers.paths``       where the embedded and the shipped published data live
``helpers.notebook``    one call that sets display options, seeds and threads for a chapter
``helpers.sequences``   the alphabet, the IUPAC table and the one sequence validator
``helpers.simulate``    the promoter simulator behind the embedded dataset
``helpers.io``          reading tables and FASTA, joins, validation, cleaning, QC reports
``helpers.datasets``    published datasets shipped in data/real (SHA-256 checked)
``helpers.encoding``    k-mer, one-hot and composition features (scikit-learn transformers)
``helpers.evaluation``  metrics tables, noise ceiling, leakage-aware groups, bootstrap
``helpers.interpret``   importance tables, k-mer to motif mapping, in-silico mutagenesis
``helpers.models``      candidate models and their grouped cross-validation
``helpers.cnn``         a small convolutional network on CPU (Keras 3 on JAX)
``helpers.transfer``    the σ70 site finder and a model built to transfer between libraries
``helpers.scale``       Parquet shards and Dask: the pipeline on millions of sequences
``helpers.plotting``    shared figures
``helpers.report``      assembles and writes the "use your own data" coursework report
"""

__version__ = "0.1.0"
