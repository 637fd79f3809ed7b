"""Tests of helpers.data.read: reading CSV/TSV and FASTA files as readers export them.

Every bad file gets one error that names the file and, where there is one,
the line, row id, column and value; each test pins the whole message. Files
that are messy but readable (byte-order marks, ``;`` and decimal commas,
CRLF, wrapped or lower-case FASTA) are read as documented, and anything
cleaned later is counted.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from helpers.data.clean import clean_sequences
from helpers.data.read import read_fasta, read_sequences_csv, read_table, read_text_table

CSV = "id,sequence,rep1,expression\nP1,ACGT,1.5,0.2\nP2,GGCA,2.0,\nP3,TTAA,NA,0.1\n"
ADVICE_COLUMNS = (
    "Pass `id_col=`, `sequence_col=` or `target_cols=` to name the columns of your file."
)
ADVICE_NUMBER = (
    "Fix the value, leave the cell empty for a missing measurement, or pass `target_cols=` "
    "without this column if it is not a measurement."
)
ADVICE_INFINITE = (
    "An infinite measurement is often the log of 0: leave the cell empty for a missing "
    "measurement, or log-transform with a pseudocount, log10(x + c)."
)
ADVICE_UTF8 = (
    "If it is a spreadsheet (.xlsx), export it as 'CSV UTF-8'; if it is a CSV in another "
    "encoding, re-save it as UTF-8."
)
EMPTY_FASTA = (
    "is empty: it holds no FASTA records (lines of '>id' headers followed by sequence lines)."
)
NOT_FASTA = "but a FASTA file starts with a '>id' header line. For a table of sequences use read_sequences_csv."


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


def assert_accounted(raw, clean, report) -> None:
    """Every input row is either kept or listed, with a reason, in the report."""
    assert report.n_input == len(raw)
    assert len(clean) + len(report.dropped) == len(raw)
    assert report.dropped["reason"].ne("").all()


# --- read_sequences_csv: files that cannot be read ------------------------------------

CSV_ERRORS = {
    "renamed columns": (
        "name,seq,expression\nP1,ACGT,1\n",
        {},
        "{path} is missing column(s) ['id', 'sequence']. Expected ['id', 'sequence'] and "
        "measurement columns; found ['name', 'seq', 'expression'] (separator comma). "
        + ADVICE_COLUMNS,
    ),
    "capitalised header (not guessed)": (
        "ID,Sequence,Expression\nA1,ACGT,1.5\n",
        {},
        "{path} is missing column(s) ['id', 'sequence']. Expected ['id', 'sequence'] and "
        "measurement columns; found ['ID', 'Sequence', 'Expression'] (separator comma). "
        + ADVICE_COLUMNS,
    ),
    "missing target column": (
        CSV,
        {"target_cols": ["rep9"]},
        "{path} is missing column(s) ['rep9']. Expected ['id', 'sequence', 'rep9']; found "
        "['id', 'sequence', 'rep1', 'expression'] (separator comma). " + ADVICE_COLUMNS,
    ),
    "text in a target": (
        "id,sequence,expression\nP1,ACGT,1.0\nP2,ACGA,high\nP3,ACGC,x\n",
        {},
        "{path}: column 'expression' must hold numbers, but row 1 (id 'P2') holds 'high' "
        "(2 such cells in this column). " + ADVICE_NUMBER,
    ),
    "spreadsheet error in a target": (
        "id,sequence,expression\nA1,ACGT,1.5\nA2,GGCA,#DIV/0!\n",
        {},
        "{path}: column 'expression' must hold numbers, but row 1 (id 'A2') holds '#DIV/0!'. "
        + ADVICE_NUMBER,
    ),
    "text column taken for a target": (
        "id,sequence,library,expression\nP1,ACGT,lib A,1.0\n",
        {},
        "{path}: column 'library' must hold numbers, but row 0 (id 'P1') holds 'lib A'. "
        + ADVICE_NUMBER,
    ),
    "0 bytes": (
        "",
        {},
        "{path} is empty: expected a header line such as 'id,sequence,expression'.",
    ),
    "blank lines": (
        "\n  \n",
        {},
        "{path} is empty: expected a header line such as 'id,sequence,expression'.",
    ),
    "header only": (
        "id,sequence,expression\n",
        {},
        "{path} has a header line but no data rows: found columns ['id', 'sequence', "
        "'expression'] and nothing below them. Is this the right file, or was the export cut short?",
    ),
    "header and blank CRLF lines": (
        "id;sequence\r\n\r\n\n",
        {},
        "{path} has a header line but no data rows: found columns ['id', 'sequence'] and "
        "nothing below them. Is this the right file, or was the export cut short?",
    ),
    **{
        f"duplicate column ({name})": (
            header + "\nP1,ACGT,1.0,2.0\n".replace(",", header[2]),
            {},
            "{path} has duplicate column name(s) in its header: 'rep1' (header ['id', "
            "'sequence', 'rep1', 'rep1']). Which of them holds the data is a guess: rename or "
            "delete the extra column(s).",
        )
        for name, header in [
            ("commas", "id,sequence,rep1,rep1"),
            ("spaces around a name", "id,sequence,rep1, rep1 "),
            ("semicolons", "id;sequence;rep1;rep1"),
        ]
    },
    **{
        f"infinite target ({value})": (
            f"id,sequence,rep1\nP1,ACGT,1\nP2,ACGA,{value}\nP3,GG,-inf\n",
            {},
            f"{{path}}: column 'rep1' must hold finite numbers, but row 1 (id 'P2') holds "
            f"'{value}', which is infinite (2 such cells in this column). " + ADVICE_INFINITE,
        )
        for value in ["inf", "-Infinity", "1e999"]
    },
    "extra field on the first row": (
        "id,sequence,expression\nA1,ACGT,1.5,7\n",
        {},
        "{path} could not be read as a comma-separated table with one field per header column: "
        "line 2 has 4 fields but the header has 3 (['id', 'sequence', 'expression']). A value "
        "may hold an unquoted comma: quote it, or remove the extra field(s).",
    ),
    "extra fields further down": (
        "id,sequence\nP1,ACGT\nP2,ACGA,1,2\n",
        {},
        "{path} could not be read as a comma-separated table with one field per header column: "
        "line 3 has 4 fields but the header has 2 (['id', 'sequence']). A value may hold an "
        "unquoted comma: quote it, or remove the extra field(s).",
    ),
    "latin-1 text": (
        "id,sequence,note\nA1,ACGT,5 µg\n".encode("latin-1"),
        {"target_cols": []},
        "{path} is not UTF-8 text (invalid start byte at byte 27). " + ADVICE_UTF8,
    ),
    "an .xlsx renamed .csv": (
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe",
        {"target_cols": []},
        "{path} is not UTF-8 text (invalid start byte at byte 14). " + ADVICE_UTF8,
    ),
}


@pytest.mark.parametrize(("content", "settings", "message"), CSV_ERRORS.values(), ids=CSV_ERRORS)
def test_csv_that_cannot_be_read_names_file_and_fix(write, content, settings, message):
    path = write("mine.csv", content)
    with pytest.raises(ValueError, match=exact(message.format(path=path))):
        read_sequences_csv(path, **settings)


def test_csv_missing_file_names_it_and_lists_the_folder(tmp_path, write):
    write("other.csv", CSV)
    message = f"No such file: {tmp_path / 'nope.csv'}. Files in {tmp_path}: other.csv."
    with pytest.raises(FileNotFoundError, match=exact(message)):
        read_sequences_csv(tmp_path / "nope.csv")


def test_csv_missing_folder_is_named(tmp_path):
    folder = tmp_path / "no_folder"
    message = f"No such file: {folder / 'x.csv'}. The folder {folder} does not exist either."
    with pytest.raises(FileNotFoundError, match=exact(message)):
        read_sequences_csv(folder / "x.csv")


# --- read_sequences_csv: messy files that are read ------------------------------------


@pytest.mark.parametrize("missing", ["NA", "", "n/a"])
def test_csv_reads_targets_as_floats_and_missing_tokens_as_nan(write, missing):
    table = read_sequences_csv(write("a.csv", CSV.replace(",NA,", f",{missing},")))
    assert list(table.columns) == ["id", "sequence", "rep1", "expression"]
    assert table["rep1"].dtype == float
    assert table["rep1"].isna().tolist() == [False, False, True]
    assert table["expression"].isna().tolist() == [False, True, False]
    assert table["sequence"].tolist() == ["ACGT", "GGCA", "TTAA"]


def test_csv_with_byte_order_mark_and_crlf_reads_clean_names_and_values(write):
    rows = "id,sequence,expression\r\nA1,ACGT,1.5\r\nA2,GGCA,2.0\r\n"
    table = read_sequences_csv(write("excel.csv", rows.encode("utf-8-sig")))
    assert table.to_dict("list") == {
        "id": ["A1", "A2"],
        "sequence": ["ACGT", "GGCA"],
        "expression": [1.5, 2.0],
    }


@pytest.mark.parametrize(
    "content",
    [
        "id;sequence;expression\nP1;ACGT;1,5\nP2;ACGA;2\n",
        "id\tsequence\texpression\nP1\tACGT\t1.5\nP2\tACGA\t2\n",
    ],
    ids=["semicolons and decimal commas", "tabs"],
)
def test_csv_separator_and_decimal_comma_are_sniffed(write, content):
    assert read_sequences_csv(write("eu.csv", content))["expression"].tolist() == [1.5, 2.0]


def test_csv_custom_column_names(write):
    path = write("a.csv", "name,seq,y\nP1,ACGT,1\n")
    table = read_sequences_csv(path, sequence_col="seq", id_col="name")
    assert list(table.columns) == ["name", "seq", "y"]


def test_csv_text_column_is_kept_when_targets_are_named(write):
    path = write("a.csv", "id,sequence,library,expression\nP1,ACGT,lib A,1.0\n")
    table = read_sequences_csv(path, target_cols=["expression"])
    assert list(table.columns) == ["id", "sequence", "expression", "library"]
    assert table.loc[0, "library"] == "lib A"


def test_csv_quoted_header_names_are_compared_unquoted(write):
    path = write("q.csv", '"id","sequence","rep1"\nP1,ACGT,1.0\n')
    assert list(read_sequences_csv(path).columns) == ["id", "sequence", "rep1"]


def test_csv_short_row_gives_empty_sequence_and_nan(write):
    table = read_sequences_csv(write("a.csv", "id,sequence,expression\nP1,ACGT,1\nP2\n"))
    assert table.loc[1, "sequence"] == ""
    assert np.isnan(table.loc[1, "expression"])


def test_csv_sequence_that_looks_like_a_missing_token_is_kept(write):
    table = read_sequences_csv(write("a.csv", "id,sequence,expression\nNA,NAN,1\n"))
    assert (table.loc[0, "id"], table.loc[0, "sequence"]) == ("NA", "NAN")


def test_csv_whitespace_inside_sequences_is_kept_then_cleaned_and_counted(write):
    path = write("pasted.csv", 'id,sequence,expression\nA1,"ACG\nTTA",1.5\nA2,AC GT,2.0\n')
    table = read_sequences_csv(path)
    assert table["sequence"].tolist() == ["ACG\nTTA", "AC GT"]  # as written
    clean, report = clean_sequences(table)
    assert clean["sequence"].tolist() == ["ACGTTA", "ACGT"]
    assert report.modified["whitespace removed"] == 2
    assert_accounted(table, clean, report)


# --- read_fasta: files that cannot be read ----------------------------------------------

FASTA_ERRORS = {
    "0 bytes": ("", "{path} " + EMPTY_FASTA),
    "blank lines": (" \r\n\t\n", "{path} " + EMPTY_FASTA),
    "a CSV file": (
        CSV,
        "{path} is not a FASTA file: line 1 is 'id,sequence,rep1,expression', " + NOT_FASTA,
    ),
    "a FASTQ file": (
        "@read1\nACGT\n+\nIIII\n",
        "{path} is not a FASTA file: line 1 is '@read1', " + NOT_FASTA,
    ),
    "text before the first record": (
        "\n  \nnotes\n>P1\nACGT\n",
        "{path} is not a FASTA file: line 3 is 'notes', " + NOT_FASTA,
    ),
    "compressed": (
        b"\x1f\x8b\x08\x00\xff\xfe>P1\n",
        "{path} is not a valid FASTA file: it is not UTF-8 text (invalid start byte at byte 1). "
        "Is it compressed (.gz) or binary?",
    ),
    "duplicate ids": (
        ">P1\nACGT\n>P2\nACGA\n>P1\nACGT\n>P3\nA\n>P3\nC\n",
        "{path} has 2 duplicate id(s): 'P1' (2x), 'P3' (2x). Ids must be unique; read with "
        "strict=False and use clean_sequences to drop duplicates with a report.",
    ),
    "a record without sequence": (
        ">s1\nACGT\n>s2\n>s3\nGG\n",
        "{path} has 1 record(s) with an empty sequence: ['s2']. Is the file truncated? Read "
        "with strict=False and use clean_sequences to drop them.",
    ),
}


@pytest.mark.parametrize(("content", "message"), FASTA_ERRORS.values(), ids=FASTA_ERRORS)
def test_fasta_that_cannot_be_read_names_file_and_fix(write, content, message):
    path = write("mine.fa", content)
    with pytest.raises(ValueError, match=exact(message.format(path=path))):
        read_fasta(path)


def test_fasta_missing_file_is_named(tmp_path):
    message = f"No such file: {tmp_path / 'x.fa'}. Files in {tmp_path}: none."
    with pytest.raises(FileNotFoundError, match=exact(message)):
        read_fasta(tmp_path / "x.fa")


# --- read_fasta: messy files that are read ------------------------------------------------


def test_fasta_reads_ids_sequences_descriptions(write):
    table = read_fasta(write("a.fasta", "\n \n>P1 strong promoter\nACGT\nAC\n\n>P2\nggca\n"))
    assert table.to_dict("list") == {
        "id": ["P1", "P2"],
        "sequence": ["ACGTAC", "ggca"],
        "description": ["strong promoter", ""],
    }


def test_fasta_wrapped_lowercase_crlf_record_is_joined_then_cleaned(write):
    raw = read_fasta(write("soft.fa", ">s1 masked\r\nacgt\r\nNNAC\r\n>s2\r\nGGCA\r\n"))
    assert raw["sequence"].tolist() == ["acgtNNAC", "GGCA"]
    assert raw["description"].tolist() == ["masked", ""]
    clean, report = clean_sequences(raw, max_n_fraction=0.5)
    assert clean["sequence"].tolist() == ["ACGTNNAC", "GGCA"]
    assert report.modified["upper-cased"] == 1
    assert_accounted(raw, clean, report)


def test_fasta_lax_duplicates_and_missing_ids_are_dropped_with_reasons(write):
    path = write("dup.fa", ">s1\nACGT\n>s2\nGGCA\n>s1\nTTTT\n>s3\nCCCC\n>s3\nCCCC\n>\nACGT\n")
    raw = read_fasta(path, strict=False)
    assert raw["id"].tolist() == ["s1", "s2", "s1", "s3", "s3", ""]
    clean, report = clean_sequences(raw)
    assert clean["id"].tolist() == ["s2", "s3"]
    counts = report.counts()
    assert (counts["conflicting duplicate id"], counts["exact duplicate row"]) == (2, 1)
    assert counts["missing id"] == 1
    assert_accounted(raw, clean, report)


def test_fasta_lax_keeps_an_empty_record_for_the_report(write):
    path = write("t.fasta", ">P1\nACGT\n>P2 truncated\n")
    assert read_fasta(path, strict=False)["sequence"].tolist() == ["ACGT", ""]


# --- measurement tables without sequences (the targets of a FASTA file) -----------------


def test_measurements_table_without_sequence_column(tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("\ufeffid;expression;batch\ns1;1,5;a\ns2;;b\n", encoding="utf-8")
    table = read_sequences_csv(path, sequence_col=None, target_cols=["expression"])
    assert table.columns.tolist() == ["id", "expression", "batch"]
    assert table["expression"].tolist()[0] == 1.5
    assert np.isnan(table["expression"].iloc[1])


def test_measurements_table_missing_target_names_expected_columns(tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("id,level\ns1,1\n")
    with pytest.raises(
        ValueError, match=r"missing column\(s\) \['expression'\]\. Expected \['id', 'expression'\]"
    ):
        read_sequences_csv(path, sequence_col=None, target_cols=["expression"])


# --- any text table: the separator sniffed or set (from tests/test_own_data.py) ----------


@pytest.mark.parametrize(
    ("sep", "expected"),
    [(",", ","), (";", ";"), ("\t", "\t"), ("   ", r"\s+"), (" ", r"\s+")],
    ids=["comma", "semicolon", "tab", "spaces", "one-space"],
)
def test_separator_is_sniffed(tmp_path, sep, expected):
    rows = ["name", "value", "note"], ["a1", "1.5", "x"], ["a2", "2", "y"], ["a3", "3", "z"]
    path = tmp_path / "t.txt"
    path.write_text("\n".join(sep.join(r) for r in rows) + "\n")
    table, used = read_text_table(path)
    assert used == expected
    assert table.columns.tolist() == ["name", "value", "note"]
    assert table["value"].tolist() == ["1.5", "2", "3"]


def test_separator_can_be_overridden(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("a|b\n1|2\n")
    assert read_table(path, sep="|").columns.tolist() == ["a", "b"]
    message = (
        "sep must be one of ['comma', 'semicolon', 'tab', 'whitespace'], ',', ';', a tab, '|' "
        "or None (sniff it from the file), got 'pipe'."
    )
    with pytest.raises(ValueError, match=exact(message)):
        read_table(path, sep="pipe")
