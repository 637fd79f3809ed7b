"""Bad input a reader will produce, fed to every public helper.

Readers bring their own files: Excel exports with a byte-order mark or ``;``
separators, lowercase or soft-masked sequences, ``N`` and IUPAC codes, line
breaks pasted into cells, duplicate FASTA ids, missing or infinite
measurements, renamed columns. Each test below asserts one of two outcomes:

* **correct handling**: the helper reads or transforms the input as documented,
  and anything it drops is counted in a report (nothing disappears silently);
* **a clear error**: a ``ValueError`` (or ``FileNotFoundError``) whose message
  names what is wrong (file, row, column, character), checked with
  ``pytest.raises(..., match=...)``.

Tests are grouped by module: ``helpers.io``,
``helpers.datasets`` and
``helpers.report`` (imported as ``coursework``).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from helpers import datasets, io
from helpers import report as coursework


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


def assert_accounted(raw: pd.DataFrame, clean: pd.DataFrame, report: io.QCReport) -> None:
    """Every input row is either kept or listed, with a reason, in the report."""
    assert report.n_input == len(raw)
    assert len(clean) + len(report.dropped) == len(raw)
    assert report.n_output == len(clean)
    assert report.dropped["reason"].ne("").all()
    assert report.dropped["row"].is_unique


# =============================================================================
# helpers.datasets: files in the cache that are not what they should be
# =============================================================================


def test_fetch_unknown_name_lists_known_files(tmp_path):
    with pytest.raises(ValueError, match=r"Unknown dataset file 'nope\.csv'\. Known files: "):
        datasets.fetch("nope.csv", directory=tmp_path)


@pytest.mark.parametrize("content", [b"", b"id,sequence\n1,ACGT\n"], ids=["empty", "truncated"])
@pytest.mark.parametrize(
    ("loader", "name"),
    [
        (datasets.load_lafleur2022, "lafleur2022_supp_data_5.csv"),
        (datasets.load_vaishnav2022_random, "vaishnav2022_hq_random_complex.txt"),
        (datasets.load_vaishnav2022_native, "vaishnav2022_native_complex.csv"),
        (datasets.load_dream2022_demo, "dream2022_demo_train.txt"),
    ],
    ids=["lafleur", "vaishnav-random", "vaishnav-native", "dream"],
)
def test_loaders_reject_a_corrupted_cached_file_without_downloading(
    tmp_path, loader, name, content
):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(datasets.DatasetHashError, match=rf"{re.escape(name)}.*SHA-256"):
        loader(directory=tmp_path)
    assert (tmp_path / name).read_bytes() == content  # never overwritten


# =============================================================================
# helpers.report: the "use your own data" reader (CSV, or FASTA + targets)
# =============================================================================

FASTA3 = ">s1\nACGT\n>s2\nGGCA\n>s3\nTTAA\n"


def _load_with_targets(write, targets: str | bytes, fasta: str = FASTA3):
    return coursework.load_table(
        write("seqs.fa", fasta), targets_path=write("targets.csv", targets)
    )


def test_load_table_csv_with_own_column_names_semicolons_and_lowercase(write):
    path = write("mine.csv", "name;seq;tpm\nA1;acgt;10\nA2;GG CA;100\n")
    table = coursework.load_table(path, id_col="name", sequence_col="seq", target_col="tpm")
    assert table.columns.tolist() == ["id", "sequence", "target"]
    assert table["target"].tolist() == [10.0, 100.0]
    assert table["sequence"].tolist() == ["acgt", "GG CA"]  # as written: QC cleans


def test_load_table_fasta_without_targets_raises(write):
    with pytest.raises(ValueError, match=r"seqs\.fa.*targets_path"):
        coursework.load_table(write("seqs.fa", FASTA3))


def test_load_table_targets_with_byte_order_mark(write):
    table = _load_with_targets(write, "id,expression\ns1,1.5\ns2,2\ns3,3\n".encode("utf-8-sig"))
    assert table["target"].tolist() == [1.5, 2.0, 3.0]


def test_load_table_targets_with_semicolons_and_decimal_commas(write):
    # read_sequences_csv reads this European spreadsheet format; so must the
    # targets file that goes with a FASTA.
    table = _load_with_targets(write, "id;expression\ns1;1,5\ns2;2\ns3;3\n")
    assert table["target"].tolist() == [1.5, 2.0, 3.0]


def test_load_table_empty_targets_file_raises_naming_it(write):
    with pytest.raises(ValueError, match=r"targets\.csv"):
        _load_with_targets(write, "")


def test_load_table_duplicate_target_ids_raise(write):
    with pytest.raises(ValueError, match=r"targets\.csv.*'s1'.*more than once"):
        _load_with_targets(write, "id,expression\ns1,1\ns1,2\ns3,3\n")


def test_load_table_infinite_target_raises(write):
    with pytest.raises(ValueError, match=r"(?i)'expression'.*inf"):
        _load_with_targets(write, "id,expression\ns1,inf\ns2,2\ns3,3\n")


def test_load_table_unmatched_ids_are_counted_and_qc_drops_them(write):
    table = _load_with_targets(write, "id,expression\ns1,1\ns3,3\nzz,4\n")
    assert table["id"].tolist() == ["s1", "s2", "s3"]
    assert table.provenance.targets_without_sequence == 1
    clean = coursework.quality_control(table, cv=1, min_per_fold=1)
    assert clean.qc.dropped["id"].tolist() == ["s2"]
    assert clean.qc.dropped["reason"].tolist() == ["missing target"]
    assert_accounted(table.frame, clean.frame, clean.qc)


def test_load_table_duplicate_fasta_ids_are_dropped_by_qc_with_a_reason(write):
    fasta = ">s1\nACGT\n>s1\nGGCA\n>s3\nTTAA\n>s4\nCCGG\n"
    table = _load_with_targets(write, "id,expression\ns1,1\ns3,3\ns4,4\n", fasta=fasta)
    clean = coursework.quality_control(table, cv=1, min_per_fold=1)
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
        coursework.load_table(path, target_transform="log10")


def test_quality_control_too_few_rows_or_constant_target_raise():
    table = pd.DataFrame(
        {"id": ["a", "b", "c"], "sequence": ["ACGT", "GGCA", "TTAA"], "target": [1.0, 1.0, 1.0]}
    )
    with pytest.raises(ValueError, match=r"only 3 of 3 rows passed quality control"):
        coursework.quality_control(table)
    with pytest.raises(ValueError, match=r"target is constant"):
        coursework.quality_control(table, cv=1, min_per_fold=1)
