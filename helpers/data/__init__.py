"""Tables of sequences and measurements: the contract, reading, cleaning, the shipped data.

``helpers.data.table``      TableSpec (the reader's settings), SequenceTable, QCReport,
                            the one bad-cell message
``helpers.data.read``       delimited tables (separator sniffed) and FASTA
``helpers.data.load``       load_table: any layout -> one SequenceTable
``helpers.data.clean``      sequence checks, cleaning with a report, quality control
``helpers.data.orient``     rows written on the other strand
``helpers.data.embedded``   the embedded simulated dataset and its ground truth
``helpers.data.registry``   the published files: registry, SHA-256, fetch, refresh
``helpers.data.published``  loaders of the published files (core schema + QC report)

``helpers.io`` and ``helpers.datasets`` re-export these names for older imports.
"""
