"""Tests of the table contract (helpers.data.table); orientation is in test_data_orient.py.

TableSpec validates its settings with one message format; SequenceTable carries
the frame, its provenance and one QCReport (nothing in ``DataFrame.attrs``);
bad_cell_error is the one message for a bad cell.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from helpers import datasets, io
from helpers.coursework.settings import TEMPLATE_SETTINGS
from helpers.data.load import load_table
from helpers.data.read import one_line_records
from helpers.data.table import QCReport, SequenceTable, TableSpec


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


# --- TableSpec -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"fmt": "xlsx"},
            "TableSpec: fmt must be one of 'csv', 'fasta', 'table' or None, got 'xlsx'",
        ),
        (
            {"target_transform": "log"},
            "TableSpec: target_transform must be one of 'ln', 'log10', 'log2' or None, got 'log'",
        ),
        ({"header": "no"}, "TableSpec: header must be True or False, got 'no'"),
        ({"orient": 1}, "TableSpec: orient must be True or False, got 1"),
        (
            {"replicate_cols": ["r1"]},
            "TableSpec: replicate_cols names one column ('r1'); replicates are two or more "
            "measurements of the same sequence.",
        ),
        (
            {"target_col": None},
            "TableSpec: target_col is None but no replicate_cols are given: name the "
            "measurement column, or the replicate columns whose mean is the target.",
        ),
        (
            {"pseudocount": -1},
            "TableSpec: pseudocount must be a float in the range [0.0, inf], got -1",
        ),
        (
            {"pseudocount": 1},
            "TableSpec: pseudocount=1 is added before a log transform, but target_transform "
            "is None: set both, or neither.",
        ),
    ],
)
def test_table_spec_refuses_bad_settings_with_one_message_format(settings, message):
    with pytest.raises(ValueError, match=exact(message)):
        TableSpec(**settings)


def test_table_spec_is_one_object_everywhere():
    spec = TableSpec(replicate_cols=["a", "b"], target_col=None)
    assert spec.replicate_cols == ("a", "b")  # stored as a tuple: hashable, frozen
    assert TableSpec(**spec.as_dict()) == spec
    json.dumps(spec.as_dict())  # a benchmark passes it to a fresh process
    assert io.TableSpec is TableSpec
    assert datasets.TEMPLATE_SETTINGS is TEMPLATE_SETTINGS
    assert all(isinstance(s, TableSpec) for s in TEMPLATE_SETTINGS.values())


def test_transform_adds_the_pseudocount_first():
    spec = TableSpec(target_transform="log10", pseudocount=1)
    np.testing.assert_allclose(spec.transform(np.array([0.0, 9.0])), [0.0, 1.0])
    np.testing.assert_allclose(TableSpec().transform(np.array([3.0])), [3.0])


def test_load_table_takes_a_spec_or_keywords(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("name,seq,v\na,ACGT,1\nb,GGCA,2\n")
    spec = TableSpec(id_col="name", sequence_col="seq", target_col="v")
    by_spec = load_table(path, spec)
    by_keywords = load_table(path, id_col="name", sequence_col="seq", target_col="v")
    pd.testing.assert_frame_equal(by_spec.frame, by_keywords.frame)
    assert by_spec.provenance == by_keywords.provenance
    assert load_table(path, spec, target_transform="log10")["target"].tolist() == [0.0, np.log10(2)]
    assert not by_spec.frame.attrs  # nothing travels in attrs


# --- SequenceTable and QCReport -----------------------------------------------


def test_sequence_table_subsample_keeps_provenance():
    frame = pd.DataFrame({"id": list("abcdef"), "sequence": ["ACGT"] * 6, "target": range(6)})
    table = SequenceTable.from_frame(frame)
    part = table.subsample(3, random_state=0)
    assert len(part) == 3 and part.provenance is table.provenance
    assert part["id"].tolist() == sorted(part["id"].tolist())  # file order
    assert table.subsample(10) is table
    with pytest.raises(
        ValueError,
        match=exact(
            "SequenceTable: frame must have columns 'id', 'sequence' and 'target'; missing "
            "['target'], found ['id', 'sequence']."
        ),
    ):
        SequenceTable.from_frame(frame[["id", "sequence"]])


def test_one_qc_report_for_files_tables_and_published_loaders():
    assert datasets.DatasetQC is QCReport is io.QCReport
    earlier = QCReport(5, modified={"id generated (no id column)": 5})
    later = QCReport(5, flagged={"x": 1}).including(earlier)
    assert later.modified == {"id generated (no id column)": 5} and later.flagged == {"x": 1}
    assert repr(QCReport(3, source="f.csv")) == "QCReport(f.csv: 3 rows in, 3 kept, 0 dropped)"
    summary = QCReport(2).summary()
    assert summary.iloc[-1].tolist() == ["kept", "rows kept", 2]


# --- one-line records ---------------------------------------------------------------


def test_one_line_records_need_every_line_to_be_one(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text(">a\tACGT\n>b\tGG\n")
    assert one_line_records(path) == [("a", "ACGT", ""), ("b", "GG", "")]
    path.write_text(">a\tACGT\n>b\nGG\n")
    assert one_line_records(path) is None
    path.write_text(">a\nACGT\n")
    assert one_line_records(path) is None


def test_generated_ids_are_counted_on_the_rows_kept_after_a_subsample(tmp_path):
    from helpers.data.clean import quality_control

    path = tmp_path / "no_ids.txt"
    rng = np.random.default_rng(0)
    rows = ["".join(rng.choice(list("ACGT"), 20)) + f" {i}" for i in range(40)]
    path.write_text("dna value\n" + "\n".join(rows) + "\n")
    table = load_table(path, TableSpec(id_col=None, sequence_col="dna", target_col="value"))
    assert table.provenance.ids_generated and table.qc.modified == {}
    clean = quality_control(table.subsample(12), cv=2, min_per_fold=1)
    assert clean.qc.n_input == 12
    assert clean.qc.modified["id generated (no id column)"] == 12
