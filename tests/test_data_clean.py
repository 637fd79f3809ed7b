"""Tests of helpers.data.clean: checking and cleaning sequences; every dropped row is counted.

Every error names the row, column and value; every row ``clean_sequences``
drops is listed in its report with a reason (nothing disappears silently).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.data.clean import clean_sequences, sequence_stats, validate_sequences
from helpers.data.read import read_fasta
from helpers.data.table import DROP_REASONS, QCReport


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


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


MISSING_ADVICE = "Pass `id_col=`, `sequence_col=` or `target_cols=`."


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"sequence_col": "seq"},
            "clean_sequences: missing column(s) ['seq']; found ['id', 'sequence', 'rep1', "
            "'rep2']. " + MISSING_ADVICE,
        ),
        (
            {"target_cols": ["y"]},
            "clean_sequences: missing column(s) ['y']; found ['id', 'sequence', 'rep1', "
            "'rep2']. " + MISSING_ADVICE,
        ),
        (
            {"min_measured": 3},
            "clean_sequences: min_measured must be an int from 0 to the number of target columns (2), got 3",
        ),
        (
            {"min_measured": True},
            "clean_sequences: min_measured must be an int from 0 to the number of target columns (2), got True",
        ),
        (
            {"max_n_fraction": 1.5},
            "clean_sequences: max_n_fraction must be a float in the range [0.0, 1.0], got 1.5",
        ),
    ],
    ids=["renamed sequence column", "absent target", "min_measured", "bool", "max_n_fraction"],
)
def test_clean_bad_arguments(messy, kwargs, message):
    with pytest.raises(ValueError, match=exact(message)):
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
    message = f"clean_sequences: column 'y' must hold numbers, but row 1 (id 'b') holds '#DIV/0!'. {TEXT_ADVICE}"
    with pytest.raises(ValueError, match=exact(message)):
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


@pytest.mark.slow  # 25 generated tables: about 0.7 s of CPU, kept out of make test-fast
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


# --- bad input a reader produces (formerly tests/test_bad_inputs.py) -----------------------

INVALID = "1 of 2 sequences have invalid characters."


@pytest.mark.parametrize(
    ("sequence", "message"),
    [
        (
            "acgt",
            "invalid character 'a' at position 0 (0-based); allowed: 'ACGTN'. "
            + INVALID
            + " Upper-case the sequences first (or use clean_sequences).",
        ),
        ("ACRT", f"invalid character 'R' at position 2 (0-based); allowed: 'ACGTN'. {INVALID}"),
        ("ACYT", f"invalid character 'Y' at position 2 (0-based); allowed: 'ACGTN'. {INVALID}"),
        ("ACUT", f"invalid character 'U' at position 2 (0-based); allowed: 'ACGTN'. {INVALID}"),
        ("AC GT", f"invalid character ' ' at position 2 (0-based); allowed: 'ACGTN'. {INVALID}"),
        ("AC\nGT", f"invalid character '\\n' at position 2 (0-based); allowed: 'ACGTN'. {INVALID}"),
        ("AC\tGT", f"invalid character '\\t' at position 2 (0-based); allowed: 'ACGTN'. {INVALID}"),
        ("", "empty sequence (1 of 2 sequences are empty: ['s2'])."),
        (
            np.nan,
            "expected a sequence string, got a missing value. 1 of 2 sequences are not strings.",
        ),
    ],
    ids=["lowercase", "R", "Y", "RNA-U", "space", "newline", "tab", "empty", "NaN"],
)
def test_validate_names_row_column_character_and_position(sequence, message):
    seqs = pd.Series(["ACGT", sequence], name="seq")
    with pytest.raises(ValueError, match=exact("row 's2', column 'seq': " + message)):
        validate_sequences(seqs, ids=["s1", "s2"])


def test_sequence_stats_counts_whitespace_and_iupac_as_invalid():
    stats = sequence_stats(["ac gt", "ACRY", "", "NNNN"])
    assert stats["n_lowercase"].tolist() == [4, 0, 0, 0]
    assert stats["n_N"].tolist() == [0, 0, 0, 4]
    assert stats["invalid"].tolist() == [" ", "RY", "", ""]
    assert stats["length"].tolist() == [5, 4, 0, 4]


def assert_accounted(raw: pd.DataFrame, clean: pd.DataFrame, report: QCReport) -> None:
    """Every input row is either kept or listed, with a reason, in the report."""
    assert report.n_input == len(raw)
    assert len(clean) + len(report.dropped) == len(raw)
    assert report.n_output == len(clean)
    assert report.dropped["reason"].ne("").all()
    assert report.dropped["row"].is_unique


def test_clean_accounts_for_every_messy_row():
    raw = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e", "f", "g", None, "i"],
            "sequence": ["ac gt\n", "ACRT", "", "NNNA", "ACGT", "ACGTA", "ACGG", "ACGC", None],
            "expression": [1.0, 2.0, 3.0, 4.0, np.nan, 1.0, 2.0, 3.0, 1.0],
        }
    )
    clean, report = clean_sequences(raw, length="mode")
    assert clean["id"].tolist() == ["a", "g"]
    assert clean["sequence"].tolist() == ["ACGT", "ACGG"]
    assert dict(zip(report.dropped["id"], report.dropped["reason"], strict=True)) == {
        "b": "invalid character",
        "c": "empty sequence",
        "d": "too many N",
        "e": "missing target",
        "f": "wrong length",
        "": "missing id",
        "i": "empty sequence",
    }
    assert report.modified == {"whitespace removed": 1, "upper-cased": 1}
    assert_accounted(raw, clean, report)


def test_clean_names_the_invalid_iupac_characters():
    raw = pd.DataFrame({"id": ["a", "b"], "sequence": ["ACGT", "RYKM"], "expression": [1.0, 2.0]})
    clean, report = clean_sequences(raw)
    assert report.dropped["detail"].tolist() == ["invalid: KMRY"]
    assert_accounted(raw, clean, report)


def test_clean_nan_target_dropped_or_kept_and_flagged():
    raw = pd.DataFrame(
        {"id": ["a", "b"], "sequence": ["ACGT", "GGCA"], "rep1": [1.0, np.nan], "rep2": [1.0, 2.0]}
    )
    clean, report = clean_sequences(raw)
    assert report.counts()["missing target"] == 1
    assert report.dropped["detail"].tolist() == ["missing rep1"]
    assert_accounted(raw, clean, report)
    clean, report = clean_sequences(raw, min_measured=1)
    assert len(clean) == 2
    assert report.flagged["missing target (kept)"] == 1


def test_clean_non_string_sequences_are_dropped_with_a_reason():
    raw = pd.DataFrame({"id": ["a", "b"], "sequence": ["ACGT", 1234], "expression": [1.0, 2.0]})
    clean, report = clean_sequences(raw)
    assert clean["id"].tolist() == ["a"]
    assert report.dropped["reason"].tolist() == ["invalid character"]
    assert_accounted(raw, clean, report)
