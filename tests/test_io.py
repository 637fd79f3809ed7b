"""Tests of helpers.io: every error path names what is wrong; nothing is dropped silently."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.io import (
    DROP_REASONS,
    QCReport,
    clean_sequences,
    load_ground_truth,
    load_promoters,
    read_fasta,
    read_sequences_csv,
    sequence_stats,
    validate_sequences,
)
from helpers.paths import data_path

CSV = "id,sequence,rep1,expression\nP1,ACGT,1.5,0.2\nP2,GGCA,2.0,\nP3,TTAA,NA,0.1\n"


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


# --- read_sequences_csv ------------------------------------------------------


def test_csv_reads_targets_as_floats_and_missing_tokens_as_nan(write):
    table = read_sequences_csv(write("a.csv", CSV))
    assert list(table.columns) == ["id", "sequence", "rep1", "expression"]
    assert table["rep1"].dtype == float
    assert table["rep1"].isna().tolist() == [False, False, True]
    assert table["expression"].isna().tolist() == [False, True, False]
    assert table["sequence"].tolist() == ["ACGT", "GGCA", "TTAA"]


def test_csv_missing_file_names_the_file_and_folder_content(tmp_path, write):
    write("other.csv", CSV)
    with pytest.raises(FileNotFoundError, match=r"nope\.csv.*other\.csv"):
        read_sequences_csv(tmp_path / "nope.csv")


def test_csv_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist either"):
        read_sequences_csv(tmp_path / "no_folder" / "x.csv")


def test_csv_missing_column_names_expected_and_found(write):
    path = write("a.csv", "name,seq,expression\nP1,ACGT,1\n")
    with pytest.raises(ValueError, match="missing column") as err:
        read_sequences_csv(path)
    message = str(err.value)
    assert "missing column(s) ['id', 'sequence']" in message
    assert "Expected ['id', 'sequence'] and measurement columns" in message
    assert "found ['name', 'seq', 'expression']" in message
    assert "a.csv" in message


def test_csv_missing_target_column(write):
    with pytest.raises(ValueError, match=r"missing column\(s\) \['rep9'\]"):
        read_sequences_csv(write("a.csv", CSV), target_cols=["rep9"])


def test_csv_custom_column_names(write):
    path = write("a.csv", "name,seq,y\nP1,ACGT,1\n")
    table = read_sequences_csv(path, sequence_col="seq", id_col="name")
    assert list(table.columns) == ["name", "seq", "y"]


def test_csv_non_numeric_target_names_file_row_id_column_value(write):
    path = write("a.csv", "id,sequence,expression\nP1,ACGT,1.0\nP2,ACGA,high\nP3,ACGC,x\n")
    with pytest.raises(ValueError, match="must hold numbers") as err:
        read_sequences_csv(path)
    message = str(err.value)
    for part in ["a.csv", "'expression'", "row 1", "'P2'", "'high'", "2 such cells"]:
        assert part in message


def test_csv_non_target_text_column_is_kept_when_targets_are_named(write):
    path = write("a.csv", "id,sequence,library,expression\nP1,ACGT,lib A,1.0\n")
    with pytest.raises(ValueError, match="'library'"):
        read_sequences_csv(path)
    table = read_sequences_csv(path, target_cols=["expression"])
    assert list(table.columns) == ["id", "sequence", "expression", "library"]
    assert table.loc[0, "library"] == "lib A"


def test_csv_byte_order_mark_is_ignored(write):
    path = write("bom.csv", b"\xef\xbb\xbf" + CSV.encode())
    assert list(read_sequences_csv(path).columns)[0] == "id"


def test_csv_semicolon_and_decimal_comma_are_sniffed(write):
    path = write("eu.csv", "id;sequence;expression\nP1;ACGT;1,5\nP2;ACGA;2\n")
    table = read_sequences_csv(path)
    assert table["expression"].tolist() == [1.5, 2.0]


def test_csv_tab_separated_is_sniffed(write):
    path = write("a.tsv", "id\tsequence\texpression\nP1\tACGT\t1.5\n")
    assert read_sequences_csv(path)["expression"].tolist() == [1.5]


def test_csv_empty_file(write):
    with pytest.raises(ValueError, match="is empty"):
        read_sequences_csv(write("empty.csv", "\n  \n"))


@pytest.mark.parametrize("content", ["id,sequence,expression\n", "id;sequence\r\n\r\n\n"])
def test_csv_header_without_rows_raises(write, content):
    with pytest.raises(ValueError, match=r"h\.csv has a header line but no data rows"):
        read_sequences_csv(write("h.csv", content))


@pytest.mark.parametrize(
    "header", ["id,sequence,rep1,rep1", "id,sequence,rep1, rep1 ", "id;sequence;rep1;rep1"]
)
def test_csv_duplicate_column_names_are_named(write, header):
    path = write("dup.csv", header + "\nP1,ACGT,1.0,2.0\n".replace(",", header[2]))
    with pytest.raises(ValueError, match=r"dup\.csv has duplicate column name\(s\).*: 'rep1' \("):
        read_sequences_csv(path)


def test_csv_quoted_header_names_are_compared_unquoted(write):
    path = write("q.csv", '"id","sequence","rep1"\nP1,ACGT,1.0\n')
    assert list(read_sequences_csv(path).columns) == ["id", "sequence", "rep1"]


@pytest.mark.parametrize("value", ["inf", "-Infinity", "1e999"])
def test_csv_infinite_target_names_file_row_id_column_value(write, value):
    path = write("i.csv", f"id,sequence,rep1\nP1,ACGT,1\nP2,ACGA,{value}\nP3,GG,-inf\n")
    message = (
        f"{path}: column 'rep1' must hold finite numbers, but row 1 (id 'P2') holds "
        f"'{value}', which is infinite (2 such cells in this column). An infinite measurement "
        "is often the log of 0: leave the cell empty for a missing measurement, or "
        "log-transform with a pseudocount, log10(x + c)."
    )
    with pytest.raises(ValueError, match=exact(message)):
        read_sequences_csv(path)


def test_csv_row_with_too_many_fields_raises_instead_of_losing_data(write):
    for content in ["id,sequence\nP1,ACGT,1\nP2,ACGA\n", "id,sequence\nP1,ACGT\nP2,ACGA,1,2\n"]:
        with pytest.raises(ValueError, match="could not be read"):
            read_sequences_csv(write("bad.csv", content))


def test_csv_not_utf8_says_how_to_fix(write):
    path = write("latin1.csv", "id,sequence,note\nP1,ACGT,5 \u00b5M\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1\.csv is not UTF-8 text.*CSV UTF-8"):
        read_sequences_csv(path, target_cols=[])


def test_csv_short_row_gives_empty_sequence_and_nan(write):
    table = read_sequences_csv(write("a.csv", "id,sequence,expression\nP1,ACGT,1\nP2\n"))
    assert table.loc[1, "sequence"] == ""
    assert np.isnan(table.loc[1, "expression"])


def test_csv_sequence_that_looks_like_a_missing_token_is_kept(write):
    table = read_sequences_csv(write("a.csv", "id,sequence,expression\nNA,NAN,1\n"))
    assert table.loc[0, "id"] == "NA"
    assert table.loc[0, "sequence"] == "NAN"


# --- read_fasta ------------------------------------------------------------------


def test_fasta_reads_ids_sequences_descriptions(write):
    path = write("a.fasta", ">P1 strong promoter\nACGT\nAC\n>P2\nggca\n")
    table = read_fasta(path)
    assert table.to_dict("list") == {
        "id": ["P1", "P2"],
        "sequence": ["ACGTAC", "ggca"],
        "description": ["strong promoter", ""],
    }


def test_fasta_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"x\.fasta"):
        read_fasta(tmp_path / "x.fasta")


def test_fasta_empty_file(write):
    with pytest.raises(ValueError, match="no FASTA records"):
        read_fasta(write("e.fasta", ""))


def test_fasta_not_fasta_names_the_first_line(write):
    message = r"a\.fasta is not a FASTA file: line 1 is 'id,sequence,rep1,expression', but"
    with pytest.raises(ValueError, match=message):
        read_fasta(write("a.fasta", CSV))
    with pytest.raises(ValueError, match=r"line 3 is 'notes', but a FASTA file starts with"):
        read_fasta(write("a.fasta", "\n  \nnotes\n>P1\nACGT\n"))


@pytest.mark.parametrize("content", ["\n", "\n\n", " \r\n\t\n"])
def test_fasta_blank_file_is_empty(write, content):
    with pytest.raises(ValueError, match=r"b\.fasta is empty: it holds no FASTA records"):
        read_fasta(write("b.fasta", content))


def test_fasta_blank_lines_before_the_first_record_are_skipped(write):
    table = read_fasta(write("s.fasta", "\n \n>P1 x\nACGT\n\n>P2\nGG\n"))
    assert table.to_dict("list") == {
        "id": ["P1", "P2"],
        "sequence": ["ACGT", "GG"],
        "description": ["x", ""],
    }


def test_fasta_not_utf8_is_named(write):
    with pytest.raises(ValueError, match=r"g\.fasta is not a valid FASTA file: it is not UTF-8"):
        read_fasta(write("g.fasta", b"\x1f\x8b\x08\x00\xff\xfe>P1\n"))


def test_fasta_duplicate_ids_are_named(write):
    path = write("d.fasta", ">P1\nACGT\n>P2\nACGA\n>P1\nACGT\n>P3\nA\n>P3\nC\n")
    with pytest.raises(ValueError, match="duplicate id") as err:
        read_fasta(path)
    assert "2 duplicate id(s)" in str(err.value)
    assert "'P1' (2x)" in str(err.value) and "'P3' (2x)" in str(err.value)
    assert len(read_fasta(path, strict=False)) == 5


def test_fasta_empty_sequence_is_named(write):
    path = write("t.fasta", ">P1\nACGT\n>P2 truncated\n")
    with pytest.raises(ValueError, match=r"empty sequence: \['P2'\]"):
        read_fasta(path)
    assert read_fasta(path, strict=False)["sequence"].tolist() == ["ACGT", ""]


# --- sequence_stats and validate_sequences ----------------------------------------


def test_sequence_stats_counts():
    stats = sequence_stats(pd.Series(["ACGT", "acgN", "AC-X", ""], index=list("abcd")))
    assert stats.index.tolist() == list("abcd")
    assert stats["length"].tolist() == [4, 4, 4, 0]
    assert stats["n_lowercase"].tolist() == [0, 3, 0, 0]
    assert stats["n_N"].tolist() == [0, 1, 0, 0]
    assert stats["frac_N"].tolist() == [0.0, 0.25, 0.0, 0.0]
    assert stats["n_invalid"].tolist() == [0, 0, 2, 0]
    assert stats.loc["c", "invalid"] == "-X"


def test_validate_accepts_valid_and_returns_sequences():
    out = validate_sequences(["ACGT", "NNAC"])
    assert out.tolist() == ["ACGT", "NNAC"]


def test_validate_invalid_character_names_row_column_character_position():
    seqs = pd.Series(["ACGT", "ACGT", "ACZT"], index=["s1", "s2", "s3"], name="promoter")
    with pytest.raises(ValueError, match="invalid character") as err:
        validate_sequences(seqs)
    message = str(err.value)
    for part in ["row 's3'", "column 'promoter'", "'Z'", "position 2", "1 of 3"]:
        assert part in message


def test_validate_uses_ids_and_column_arguments():
    with pytest.raises(ValueError, match=r"row 'P2', column 'seq': invalid character '-'"):
        validate_sequences(["ACGT", "A-GT"], ids=["P1", "P2"], column="seq")


def test_validate_lowercase_gets_a_hint():
    with pytest.raises(ValueError, match="Upper-case"):
        validate_sequences(["acgt"])


def test_validate_custom_alphabet():
    validate_sequences(["ACGU"], alphabet="ACGU")
    with pytest.raises(ValueError, match="'N'"):
        validate_sequences(["ACGN"], alphabet="ACGT")


@pytest.mark.parametrize(
    ("empty", "message"),
    [
        ("", r"empty sequence \(1 of 2"),
        (None, r"expected a sequence string, got a missing value\. 1 of 2"),
        (np.nan, r"expected a sequence string, got a missing value\. 1 of 2"),
    ],
)
def test_validate_empty_sequence_is_named(empty, message):
    with pytest.raises(ValueError, match=r"row 1, column 'sequence': " + message):
        validate_sequences(pd.Series(["ACGT", empty], name="sequence"))


def test_validate_length():
    validate_sequences(["ACGT", "ACGA"], length=4)
    with pytest.raises(ValueError, match=r"row 1.*length 3, expected 4\. 1 of 2"):
        validate_sequences(["ACGT", "ACG"], length=4)


# --- clean_sequences and QCReport ----------------------------------------------------


@pytest.fixture
def messy() -> pd.DataFrame:
    """One row for each problem clean_sequences handles, plus two good rows."""
    rows = [
        ("good1", "ACGTACGTAC", 1.0, 2.0),
        ("good2", "acgtacgtaa", 1.0, 2.0),  # lowercase: kept, counted as upper-cased
        ("good2", "ACGTACGTAA", 1.0, 2.0),  # exact duplicate of the row above once upper-cased
        ("conf", "ACGTACGTTT", 1.0, 2.0),  # conflicting duplicate id ...
        ("conf", "ACGTACGTTT", 5.0, 2.0),  # ... same id, other value
        ("", "ACGTACGTCC", 1.0, 2.0),  # missing id
        ("empty", "", 1.0, 2.0),
        ("bad", "ACGTAXGTAC", 1.0, 2.0),  # invalid character
        ("ns", "ACGTNNGTAC", 1.0, 2.0),  # 20 % N
        ("short", "ACGTACG", 1.0, 2.0),  # wrong length
        ("gap", "ACGTACGTGG", np.nan, 2.0),  # one missing target
        ("nodata", "ACGTACGTGC", np.nan, np.nan),  # all targets missing
        ("space", " ACGT ACGTCA", 1.0, 2.0),  # whitespace: kept, counted
    ]
    return pd.DataFrame(rows, columns=["id", "sequence", "rep1", "rep2"])


def test_clean_counts_every_reason_once(messy):
    clean, report = clean_sequences(messy, length="mode")
    counts = report.counts()
    assert counts == {
        "exact duplicate row": 1,
        "conflicting duplicate id": 2,
        "missing id": 1,
        "empty sequence": 1,
        "invalid character": 1,
        "too many N": 1,
        "wrong length": 1,
        "missing target": 2,
    }
    assert clean["id"].tolist() == ["good1", "good2", "space"]
    assert report.n_input == len(messy) == report.n_output + report.n_dropped
    assert report.n_output == len(clean)
    assert report.modified == {"whitespace removed": 1, "upper-cased": 1}


def test_clean_output_is_normalised_and_valid(messy):
    clean, _ = clean_sequences(messy, length=10)
    validate_sequences(clean["sequence"], "ACGT", length=10)
    assert clean.index.equals(pd.RangeIndex(len(clean)))


def test_clean_does_not_modify_its_input(messy):
    before = messy.copy()
    clean_sequences(messy)
    pd.testing.assert_frame_equal(messy, before)


def test_clean_dropped_table_lists_rows_ids_reasons_details(messy):
    _, report = clean_sequences(messy, length="mode")
    dropped = report.dropped.set_index("row")
    assert dropped.loc[2, "reason"] == "exact duplicate row"
    assert dropped.loc[2, "detail"] == "copy of row 1"
    assert dropped.loc[7, "id"] == "bad"
    assert dropped.loc[7, "detail"] == "invalid: X"
    assert dropped.loc[9, "detail"] == "length 7, expected 10"
    assert dropped.loc[10, "detail"] == "missing rep1"
    assert dropped.loc[11, "detail"] == "missing rep1, rep2"
    assert set(dropped["reason"]) <= set(DROP_REASONS)


def test_clean_without_length_keeps_short_sequences(messy):
    clean, report = clean_sequences(messy)
    assert "short" in clean["id"].tolist()
    assert report.counts()["wrong length"] == 0


def test_clean_min_measured_keeps_partially_measured_rows(messy):
    clean, report = clean_sequences(messy, min_measured=1)
    assert "gap" in clean["id"].tolist() and "nodata" not in clean["id"].tolist()
    assert report.counts()["missing target"] == 1
    assert report.flagged["missing target (kept)"] == 1

    clean, report = clean_sequences(messy, min_measured=0)
    assert {"gap", "nodata"} <= set(clean["id"])
    assert report.flagged["missing target (kept)"] == 2


def test_clean_first_failing_check_wins():
    # invalid character and wrong length and missing target: counted once, as invalid
    df = pd.DataFrame({"id": ["a", "b"], "sequence": ["ACGT", "AX"], "y": [1.0, np.nan]})
    _, report = clean_sequences(df, length=4)
    assert report.dropped["reason"].tolist() == ["invalid character"]


def test_clean_flags_one_sequence_under_several_ids():
    df = pd.DataFrame({"id": ["a", "b", "c"], "sequence": ["ACGT", "ACGT", "TTTT"], "y": [1.0] * 3})
    clean, report = clean_sequences(df)
    assert len(clean) == 3
    assert report.flagged["sequence shared by several ids"] == 2


def test_clean_max_n_fraction():
    df = pd.DataFrame({"id": ["a", "b"], "sequence": ["ACGN", "ACGT"], "y": [1.0, 2.0]})
    assert clean_sequences(df)[1].counts()["too many N"] == 1
    assert clean_sequences(df, max_n_fraction=0.25)[1].counts()["too many N"] == 0


def test_clean_works_on_fasta_tables_without_targets(write):
    table = read_fasta(write("a.fasta", ">a x\nACGT\n>a x\nACGT\n>b\n"), strict=False)
    clean, report = clean_sequences(table)
    assert clean["id"].tolist() == ["a"]
    assert report.counts()["exact duplicate row"] == 1
    assert report.counts()["empty sequence"] == 1


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"sequence_col": "seq"},
            r"missing column\(s\) \['seq'\]; found \['id', 'sequence', 'rep1', 'rep2'\]",
        ),
        ({"target_cols": ["y"]}, r"missing column\(s\) \['y'\]"),
        ({"min_measured": 3}, "min_measured must be between 0 and .* \\(2\\)"),
        ({"max_n_fraction": 1.5}, "max_n_fraction"),
    ],
)
def test_clean_bad_arguments(messy, kwargs, match):
    with pytest.raises(ValueError, match=match):
        clean_sequences(messy, **kwargs)


TEXT_ADVICE = (
    "Convert the column with pd.to_numeric, deciding what each non-number means "
    "(or read the file with read_sequences_csv)."
)


@pytest.mark.parametrize(
    ("values", "first"),
    [
        (["1.0", "NA", "x"], "row 1 (id 'b') holds 'NA' (2 such cells in this column)"),
        ([1.0, "x", 2.0], "row 1 (id 'b') holds 'x'"),
        (
            pd.Series([1.0, 2.0, 3.0]).astype(str),
            "row 0 (id 'a') holds '1.0' (3 such cells in this column)",
        ),
    ],
    ids=["strings", "mixed", "numbers-as-text"],
)
def test_clean_text_target_column_raises_naming_column_and_value(values, first):
    raw = pd.DataFrame({"id": ["a", "b", "c"], "sequence": ["ACGT"] * 3, "y": values})
    message = f"clean_sequences: column 'y' must hold numbers, but {first}. {TEXT_ADVICE}"
    with pytest.raises(ValueError, match=exact(message)):
        clean_sequences(raw, target_cols=["y"])
    # without target_cols, a text column is not a target and is kept as it is
    assert clean_sequences(raw)[0]["y"].tolist() == list(values)


def test_clean_text_target_error_points_at_the_first_non_number():
    raw = pd.DataFrame({"id": ["a", "b"], "sequence": ["ACGT"] * 2, "y": ["1.5", "#DIV/0!"]})
    with pytest.raises(ValueError, match=r"row 1 \(id 'b'\) holds '#DIV/0!'"):
        clean_sequences(raw, target_cols=["y"])


def test_clean_infinite_target_raises_naming_column_row_and_id():
    raw = pd.DataFrame(
        {"id": ["a", "b", "c"], "sequence": ["ACGT"] * 3, "y": [1.0, -np.inf, np.inf]}
    )
    message = (
        "clean_sequences: column 'y' must hold finite numbers, but row 1 (id 'b') holds -inf, "
        "which is infinite (2 such cells in this column). An infinite measurement is often "
        "the log of 0: leave the cell empty for a missing measurement, or log-transform with "
        "a pseudocount, log10(x + c)."
    )
    with pytest.raises(ValueError, match=exact(message)):
        clean_sequences(raw)


def test_clean_nullable_and_integer_targets_are_accepted():
    raw = pd.DataFrame(
        {
            "id": ["a", "b"],
            "sequence": ["ACGT", "ACGA"],
            "y": pd.array([1.0, None], dtype="Float64"),
            "n": [1, 2],
        }
    )
    clean, report = clean_sequences(raw, min_measured=1)
    assert len(clean) == 2
    assert report.flagged["missing target (kept)"] == 1


def test_report_summary_and_repr(messy):
    _, report = clean_sequences(messy, length="mode", min_measured=1)
    summary = report.summary()
    assert list(summary.columns) == ["action", "reason", "rows"]
    dropped = summary[summary["action"] == "dropped"]
    assert dropped["reason"].tolist() == list(DROP_REASONS)
    assert dropped["rows"].sum() == report.n_dropped
    assert summary.iloc[-1].tolist() == ["kept", "rows kept", report.n_output]
    text = repr(report)
    assert text.startswith(f"QCReport({len(messy)} rows in, {report.n_output} kept")
    assert "missing target 1" in text and "upper-cased 1" in text
    assert "missing id 0" not in text  # zero counts are left out of the one-line repr


def test_report_from_scratch():
    report = QCReport(n_input=2, dropped=pd.DataFrame(columns=["row", "id", "reason", "detail"]))
    assert report.n_output == 2
    assert repr(report) == "QCReport(2 rows in, 2 kept, 0 dropped)"


sequences = st.text(alphabet="ACGTacgtNX- ", max_size=12)


@settings(max_examples=25, deadline=None)  # 60 cost 2 s of CPU in make test-fast
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "d", ""]),
            sequences,
            st.sampled_from([1.0, 2.0, np.nan]),
        ),
        max_size=15,
    )
)
def test_clean_never_loses_a_row_without_reporting_it(rows):
    df = pd.DataFrame(rows, columns=["id", "sequence", "y"]).astype({"y": float})
    clean, report = clean_sequences(df, length="mode")
    assert len(clean) + report.n_dropped == len(df)
    assert report.dropped["row"].is_unique
    assert clean["id"].is_unique
    if len(clean):
        validate_sequences(clean["sequence"], "ACGTN")


# --- the embedded dataset -----------------------------------------------------------------


def test_load_promoters_is_clean():
    promoters = load_promoters()
    assert list(promoters.columns) == ["id", "sequence", "rep1", "rep2", "rep3", "expression"]
    assert len(promoters) > 1000 and promoters["id"].is_unique
    assert promoters["sequence"].str.len().nunique() == 1
    assert not promoters.isna().any().any()
    mean = promoters[["rep1", "rep2", "rep3"]].mean(axis=1)
    np.testing.assert_allclose(promoters["expression"], np.log10(mean), atol=1e-3)


def test_fasta_and_csv_of_the_embedded_dataset_agree():
    fasta = read_fasta(data_path("promoters.fasta"))
    merged = fasta.merge(load_promoters(), on="id", validate="one_to_one", suffixes=("_fa", ""))
    assert len(merged) == len(fasta)
    assert (merged["sequence_fa"] == merged["sequence"]).all()


def test_ground_truth_matches_promoters():
    truth = load_ground_truth()
    assert truth.elements["id"].tolist() == load_promoters()["id"].tolist()
    assert {"element", "consensus_base", "effect"} <= set(truth.motifs.columns)


def test_raw_dataset_has_every_planted_problem():
    raw = read_sequences_csv(data_path("promoters_raw.csv"))
    clean, report = clean_sequences(raw, length="mode", min_measured=1)
    counts = report.counts()
    for reason in [
        "exact duplicate row",
        "conflicting duplicate id",
        "invalid character",
        "too many N",
        "wrong length",
        "missing target",
    ]:
        assert counts[reason] > 0, reason
    assert counts["invalid character"] == 2
    assert report.modified["upper-cased"] > 0
    assert clean["id"].is_unique
    assert set(clean["id"]) <= set(load_promoters()["id"])


def test_raw_fasta_truncated_record_is_reported(write):
    with pytest.raises(ValueError, match=re.escape("empty sequence")):
        read_fasta(data_path("promoters_raw.fasta"))
    clean, report = clean_sequences(read_fasta(data_path("promoters_raw.fasta"), strict=False))
    assert report.counts()["empty sequence"] == 1


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
