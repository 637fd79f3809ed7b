"""Tests of helpers.data.load: ``load_table``, the one reader of a reader's own files.

A CSV/TSV with its own column names, or a FASTA file with a separate targets
table; every error names the file, row id, column and value, and every row
quality control drops is counted with a reason.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from helpers.data.clean import quality_control
from helpers.data.embedded import load_promoters
from helpers.data.load import load_table
from helpers.data.table import TableSpec

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


#: A bad targets file -> the whole message (the file is written as targets.csv).
BAD_TARGETS = {
    "empty": ("", "targets.csv is empty: expected a header line such as 'id,sequence,expression'."),
    "duplicate-ids": (
        "id,expression\ns1,1\ns1,2\ns3,3\n",
        "targets.csv: id(s) ['s1'] appear more than once in column 'id'; each sequence needs "
        "exactly one row of measurements.",
    ),
    "infinite": (
        "id,expression\ns1,inf\ns2,2\ns3,3\n",
        "targets.csv: column 'expression' must hold finite numbers, but row 0 (id 's1') holds "
        "'inf', which is infinite. An infinite measurement is often the log of 0: leave the "
        "cell empty for a missing measurement, or log-transform with a pseudocount, log10(x + c).",
    ),
}


@pytest.mark.parametrize(("targets", "message"), list(BAD_TARGETS.values()), ids=list(BAD_TARGETS))
def test_load_table_bad_targets_file_raises_naming_it(write, targets, message):
    with pytest.raises(ValueError, match=re.escape(message) + "$"):
        _load_with_targets(write, targets)


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


# --- moved from the coursework tests: FASTA with targets, missing files, bad cells -------


def test_load_table_fasta_with_a_targets_table(tmp_path):
    subset = load_promoters().iloc[:120]
    fasta = tmp_path / "mine.fa"
    fasta.write_text(
        "".join(f">{i} test\n{s}\n" for i, s in zip(subset["id"], subset["sequence"], strict=True))
    )
    targets = pd.DataFrame({"name": subset["id"], "value": subset["expression"]})
    targets.loc[0, "value"] = np.nan  # one record without a measurement
    extra = pd.DataFrame({"name": ["not-in-fasta"], "value": [1.0]})
    pd.concat([targets, extra]).to_csv(tmp_path / "values.tsv", sep="\t", index=False)

    table = load_table(
        fasta, id_col="name", target_col="value", targets_path=tmp_path / "values.tsv"
    )
    assert table["id"].tolist() == subset["id"].tolist()
    assert table.provenance.targets_without_sequence == 1
    assert np.isnan(table["target"].iloc[0])
    clean = quality_control(table, cv=3)
    assert clean.qc.counts()["missing target"] == 1
    assert len(clean) == 119


def test_load_table_missing_file_lists_the_folder(tmp_path, write):
    write("promoters.csv", "name,seq,tpm\n")
    message = f"No such file: {tmp_path / 'promoter.csv'}. Files in {tmp_path}: promoters.csv."
    with pytest.raises(FileNotFoundError, match=exact(message)):
        load_table(tmp_path / "promoter.csv")


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        (
            "name,level\nA1,1\n",
            "{path} has no column 'value' (target_col); found ['name', 'level']. Name one of "
            "these in the settings (or a 0-based position).",
        ),
        (
            "name,value\nA1,1\nA2,high\n",
            "{path}: column 'value' must hold numbers, but row 1 (id 'A2') holds 'high'. Fix "
            "the value, leave the cell empty for a missing measurement, or pass `target_cols=` "
            "without this column if it is not a measurement.",
        ),
    ],
    ids=["without-the-target-column", "a-word-for-a-number"],
)
def test_load_table_bad_named_targets_column(write, targets, message):
    fasta = write("x.fasta", ">A1\nACGT\n>A2\nACGA\n")
    path = write("t.csv", targets)
    with pytest.raises(ValueError, match=exact(message.format(path=path))):
        load_table(fasta, id_col="name", target_col="value", targets_path=path)


def test_load_table_targets_read_like_a_sequence_table(tmp_path, write):
    """A targets file gets the CSV reader's BOM, separator, CRLF and decimal-comma handling."""
    fasta = write("x.fasta", ">A1\nACGT\n>A2\nACGA\n")
    targets = write("t.csv", "name;value;note\r\nA2;2,5;x\r\nA1;;y\r\n".encode("utf-8-sig"))
    table = load_table(fasta, id_col="name", target_col="value", targets_path=targets)
    assert table["id"].tolist() == ["A1", "A2"]
    np.testing.assert_array_equal(table["target"].to_numpy(), [np.nan, 2.5])
    message = f"No such file: {tmp_path / 'nope.csv'}. Files in {tmp_path}: t.csv, x.fasta."
    with pytest.raises(FileNotFoundError, match=exact(message)):
        load_table(fasta, id_col="name", target_col="value", targets_path=tmp_path / "nope.csv")


# --- the format: FASTA that is a table, a table that is FASTA (from test_own_data.py) -------


def test_load_table_table_given_as_fasta_is_refused(tmp_path, write):
    """Failure: name<TAB>sequence read as FASTA gave empty sequences, no warning."""
    path = write("mine.fasta", "p1\tACGTACGT\np2\tGGCAGGCA\np3\tTTTTAAAA\n")
    targets = write("t.csv", "id,expression\np1,1\np2,2\np3,3\n")
    message = (
        f"{path} is not a FASTA file: line 1 is 'p1\\tACGTACGT', but a FASTA file starts with "
        "a '>id' header line. For a table of sequences use read_sequences_csv. If it is a table "
        "(e.g. name<TAB>sequence lines), set fmt='table' in the settings (the TableSpec) and "
        "name its columns."
    )
    with pytest.raises(ValueError, match=exact(message)):
        load_table(path, targets_path=targets)
    # read as a table it works
    spec = TableSpec(fmt="table", header=False, id_col=0, sequence_col=1, targets_path=targets)
    table = load_table(path, spec)
    assert table["sequence"].tolist() == ["ACGTACGT", "GGCAGGCA", "TTTTAAAA"]


@pytest.mark.parametrize(
    ("name", "content", "settings", "message"),
    [
        (
            "t.csv",
            "name,seq,value\nA1,ACGT,1\nA2,ACGA,-inf\n",
            {"id_col": "name", "target_col": "value", "sequence_col": "seq"},
            "{path}: column 'value' must hold finite numbers, but row 1 (id 'A2') holds '-inf', "
            "which is infinite. An infinite measurement is often the log of 0: leave the cell "
            "empty for a missing measurement, or log-transform with a pseudocount, "
            "log10(x + c).",
        ),
        (
            "mine.txt",
            ">p1\nACGT\n>p2\nGGCA\n",
            {},
            "{path} looks like a FASTA file (it starts with a '>' header line), but is read as "
            "a table: set fmt='fasta' in the settings (the TableSpec) and give the measurements "
            "in targets_path; or set fmt='table' to read it as a table all the same.",
        ),
    ],
    ids=["infinite-target-in-a-csv", "fasta-given-as-a-table"],
)
def test_load_table_refuses_a_table_naming_the_file(write, name, content, settings, message):
    path = write(name, content)
    with pytest.raises(ValueError, match=exact(message.format(path=path))):
        load_table(path, **settings)
