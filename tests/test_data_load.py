"""Tests of helpers.data.load: ``load_table``, the one reader of a reader's own files.

A CSV/TSV with its own column names, or a FASTA file with a separate targets
table; every error names the file, row id, column and value, and every row
quality control drops is counted with a reason.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from helpers.data.clean import quality_control
from helpers.data.load import load_table

FASTA3 = ">s1\nACGT\n>s2\nGGCA\n>s3\nTTAA\n"


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


def assert_accounted(raw: pd.DataFrame, clean: pd.DataFrame, report) -> None:
    """Every input row is either kept or listed, with a reason, in the report."""
    assert report.n_input == len(raw)
    assert len(clean) + len(report.dropped) == len(raw)
    assert report.dropped["reason"].ne("").all()


def _load_with_targets(write, targets: str | bytes, fasta: str = FASTA3):
    return load_table(write("seqs.fa", fasta), targets_path=write("targets.csv", targets))


def test_load_table_csv_with_own_column_names_semicolons_and_lowercase(write):
    path = write("mine.csv", "name;seq;tpm\nA1;acgt;10\nA2;GG CA;100\n")
    table = load_table(path, id_col="name", sequence_col="seq", target_col="tpm")
    assert table.columns.tolist() == ["id", "sequence", "target"]
    assert table["target"].tolist() == [10.0, 100.0]
    assert table["sequence"].tolist() == ["acgt", "GG CA"]  # as written: QC cleans


def test_load_table_fasta_without_targets_raises(write):
    path = write("seqs.fa", FASTA3)
    message = (
        f"{path} is FASTA, which holds no measurements: pass targets_path= (a table with an "
        "id column and the measurement column 'expression')."
    )
    with pytest.raises(ValueError, match=exact(message)):
        load_table(path)


def test_load_table_targets_with_byte_order_mark(write):
    table = _load_with_targets(write, "id,expression\ns1,1.5\ns2,2\ns3,3\n".encode("utf-8-sig"))
    assert table["target"].tolist() == [1.5, 2.0, 3.0]


def test_load_table_targets_with_semicolons_and_decimal_commas(write):
    # read_sequences_csv reads this European spreadsheet format; so must the
    # targets file that goes with a FASTA.
    table = _load_with_targets(write, "id;expression\ns1;1,5\ns2;2\ns3;3\n")
    assert table["target"].tolist() == [1.5, 2.0, 3.0]


def test_load_table_empty_targets_file_raises_naming_it(write):
    message = "targets.csv is empty: expected a header line such as 'id,sequence,expression'."
    with pytest.raises(ValueError, match=re.escape(message) + "$"):
        _load_with_targets(write, "")


def test_load_table_duplicate_target_ids_raise(write):
    message = (
        "targets.csv: id(s) ['s1'] appear more than once in column 'id'; each sequence needs "
        "exactly one row of measurements."
    )
    with pytest.raises(ValueError, match=re.escape(message) + "$"):
        _load_with_targets(write, "id,expression\ns1,1\ns1,2\ns3,3\n")


def test_load_table_infinite_target_raises(write):
    message = (
        "targets.csv: column 'expression' must hold finite numbers, but row 0 (id 's1') holds "
        "'inf', which is infinite. An infinite measurement is often the log of 0: leave the "
        "cell empty for a missing measurement, or log-transform with a pseudocount, log10(x + c)."
    )
    with pytest.raises(ValueError, match=re.escape(message) + "$"):
        _load_with_targets(write, "id,expression\ns1,inf\ns2,2\ns3,3\n")


def test_load_table_unmatched_ids_are_counted_and_qc_drops_them(write):
    table = _load_with_targets(write, "id,expression\ns1,1\ns3,3\nzz,4\n")
    assert table["id"].tolist() == ["s1", "s2", "s3"]
    assert table.provenance.targets_without_sequence == 1
    clean = quality_control(table, cv=1, min_per_fold=1)
    assert clean.qc.dropped["id"].tolist() == ["s2"]
    assert clean.qc.dropped["reason"].tolist() == ["missing target"]
    assert_accounted(table.frame, clean.frame, clean.qc)


def test_load_table_duplicate_fasta_ids_are_dropped_by_qc_with_a_reason(write):
    fasta = ">s1\nACGT\n>s1\nGGCA\n>s3\nTTAA\n>s4\nCCGG\n"
    table = _load_with_targets(write, "id,expression\ns1,1\ns3,3\ns4,4\n", fasta=fasta)
    clean = quality_control(table, cv=1, min_per_fold=1)
    assert clean["id"].tolist() == ["s3", "s4"]
    assert clean.qc.counts()["conflicting duplicate id"] == 2
    assert_accounted(table.frame, clean.frame, clean.qc)


def test_load_table_log10_of_zero_names_the_id(write):
    path = write("mine.csv", "id,sequence,expression\nA1,ACGT,10\nA2,GGCA,0\n")
    message = (
        f"{path}: column 'expression' must be above 0 for target_transform='log10', but "
        "row 1 (id 'A2') holds 0.0. Set a pseudocount in the "
        "settings (pseudocount=1 for counts), which is added before the transform, or set "
        "no transform."
    )
    with pytest.raises(ValueError, match=exact(message)):
        load_table(path, target_transform="log10")


def test_quality_control_too_few_rows_or_constant_target_raise():
    table = pd.DataFrame(
        {"id": ["a", "b", "c"], "sequence": ["ACGT", "GGCA", "TTAA"], "target": [1.0, 1.0, 1.0]}
    )
    too_few = (
        "a DataFrame: only 3 of 3 rows passed quality control (dropped: none); 5-fold "
        "cross-validation needs at least 50. Check the settings (columns, separator, format) "
        "against the file, or lower the number of folds."
    )
    with pytest.raises(ValueError, match=exact(too_few)):
        quality_control(table)
    constant = (
        "a DataFrame: the target is constant after quality control, so there is nothing to predict."
    )
    with pytest.raises(ValueError, match=exact(constant)):
        quality_control(table, cv=1, min_per_fold=1)
