"""Helpers for the book *Sequence to Expression*.

The chapters import from the submodules, each of which holds one concept:

``helpers.paths``       where the embedded data lives
``helpers.simulate``    the promoter simulator behind the embedded dataset
``helpers.io``          reading CSV/FASTA, validation, cleaning, QC reports
``helpers.encoding``    k-mer, one-hot and composition features (scikit-learn transformers)
``helpers.evaluation``  metrics tables, noise ceiling, leakage-aware groups, bootstrap
``helpers.interpret``   importance tables, k-mer to motif mapping, in-silico mutagenesis
``helpers.plotting``    shared figures
``helpers.datasets``    downloads of published datasets (pooch, SHA-256 checked)
``helpers.report``      the "use your own data" pipeline that writes a coursework report
``helpers.notebook``    one call that sets display options and seeds for a chapter
"""

__version__ = "0.1.0"
