"""Tests of helpers.data.published: the published datasets' loaders and their QC.

Every loader returns the core schema (``id``, ``sequence``, ``expression``)
with a QC report; bad files name the file, the row and the column. The
loaders read the copies shipped in ``data/real`` with sockets blocked (the
``offline`` fixture); a test that needs a missing copy is skipped, naming it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from helpers.data import registry
from helpers.data.published import (
    LAFLEUR_PARTS,
    VALIDATION_LIBRARIES,
    load_dream2022_demo,
    load_lafleur2022,
    load_lafleur2022_validation,
    load_vaishnav2022_native,
    load_vaishnav2022_random,
)
from helpers.data.registry import REGISTRY, RemoteFile, file_sha256
from helpers.data.table import QCReport

pytestmark = pytest.mark.usefixtures("offline")

NATIVE = "vaishnav2022_native_complex.csv"
DREAM = "dream2022_demo_train.txt"


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


def test_validation_libraries_are_registered():
    assert list(VALIDATION_LIBRARIES) == [
        "hossain",
        "yu",
        "lagator_pl",
        "lagator_pr",
        "lagator_36n",
        "anderson",
        "denovo",
    ]
    assert {lib.file for lib in VALIDATION_LIBRARIES.values()} <= set(REGISTRY)


def test_every_loader_works_offline_from_the_shipped_copies(no_downloads, shipped_copy):
    shipped_copy(*REGISTRY)
    assert len(load_lafleur2022()) == 13_481
    assert len(load_vaishnav2022_random()) == 3_331
    assert len(load_vaishnav2022_native()) == 3_733
    assert len(load_dream2022_demo()) == 6_370
    for name in VALIDATION_LIBRARIES:
        assert len(load_lafleur2022_validation(name)) > 0


# ---------------------------------------------------------------------------
# loaders: one core schema, validated sequences, a QC report
# ---------------------------------------------------------------------------

#: (shipped file, its loader, the sequences' alphabet), one per loader and validation library.
LOADERS = [
    ("lafleur2022_supp_data_5.csv", load_lafleur2022, "ACGT"),
    ("vaishnav2022_hq_random_complex.txt", load_vaishnav2022_random, "ACGT"),
    (NATIVE, load_vaishnav2022_native, "ACGT"),
    (DREAM, load_dream2022_demo, "ACGTN"),
    *[
        (
            lib.file,
            lambda directory=None, name=name: load_lafleur2022_validation(name, directory),
            "ACGT",
        )
        for name, lib in VALIDATION_LIBRARIES.items()
    ],
]


@pytest.mark.parametrize(
    ("file", "loader", "alphabet"), LOADERS, ids=[file for file, *_ in LOADERS]
)
def test_every_loader_returns_the_core_schema_and_a_qc_report(file, loader, alphabet, shipped_copy):
    shipped_copy(file)
    frame = loader()
    assert frame.columns[:3].tolist() == ["id", "sequence", "expression"]
    assert frame["id"].is_unique
    assert frame["sequence"].str.fullmatch(f"[{alphabet}]+").all()
    assert frame["expression"].dtype == float and np.isfinite(frame["expression"]).all()
    assert isinstance(frame.index, pd.RangeIndex)
    qc = frame.attrs["qc"]
    assert isinstance(qc, QCReport)
    assert qc.n_input == qc.n_output == len(frame) and qc.n_dropped == 0
    assert qc.sha256 == REGISTRY[qc.source].sha256
    summary = qc.summary()
    assert summary.iloc[-1].tolist() == ["kept", "rows kept", len(frame)]


def test_load_lafleur2022(shipped_copy):
    shipped_copy("lafleur2022_supp_data_5.csv")
    df = load_lafleur2022()
    assert len(df) == 13_481
    assert df.columns[:4].tolist() == ["id", "sequence", "expression", "observed"]
    assert (df["expression"] == df["observed"]).all()
    parts = list(LAFLEUR_PARTS.values())
    assert (df["sequence"] == sum((df[part] for part in parts[1:]), df[parts[0]])).all()
    assert df["sequence"].str.len().between(57, 87).all()
    assert df["high_quality"].dtype == bool and df["high_quality"].sum() == 5_193
    assert round(df["observed"].corr(df["predicted_biophysical"]), 3) == 0.795
    hq = df[df["high_quality"]]
    assert round(hq["observed"].corr(hq["predicted_biophysical"]), 3) == 0.890
    assert {"tx1", "tx2", "tx3", "dg10", "dg_up"} <= set(df.columns)


#: rows and Calculator r per library, as listed in ../shared/data/README.md
VALIDATION_EXPECTED = {
    "hossain": (4_350, 0.674),
    "yu": (1_493, 0.808),
    "lagator_pl": (2_903, 0.683),
    "lagator_pr": (12_194, 0.590),
    "lagator_36n": (11_485, 0.433),
    "anderson": (18, 0.889),
    "denovo": (35, 0.892),
}


@pytest.mark.parametrize(
    ("name", "rows", "r"),
    [(name, rows, r) for name, (rows, r) in VALIDATION_EXPECTED.items()],
    ids=[VALIDATION_LIBRARIES[name].file for name in VALIDATION_EXPECTED],
)
def test_load_lafleur2022_validation(name, rows, r, shipped_copy):
    shipped = shipped_copy(VALIDATION_LIBRARIES[name].file)
    df = load_lafleur2022_validation(name)
    assert df.columns.tolist() == [
        "id",
        "sequence",
        "expression",
        "calculator",
        "library",
        "observed_raw",
        "upstream",
        "downstream",
    ]
    assert len(df) == rows
    assert (df["library"] == name).all()
    assert round(df["expression"].corr(df["calculator"]), 3) == r
    # the sign convention: expression is minus the log of the raw rate (more negative = stronger)
    assert np.corrcoef(np.log(df["observed_raw"]), df["expression"])[0, 1] < -0.999
    raw = pd.read_csv(shipped)
    # expression is the file's column, unchanged
    assert np.array_equal(df["expression"].to_numpy(), raw["Observed log(TX/Txref)"].to_numpy())
    assert df["id"].tolist() == raw["ID"].astype(str).tolist()


def test_validation_qc_counts_uppercasing_and_duplicates(shipped_copy):
    shipped_copy("lafleur2022_validation_lagator2022_pl.csv")
    qc = load_lafleur2022_validation("lagator_pl").attrs["qc"]
    assert dict(qc.modified) == {"upper-cased sequence": 2_903}
    assert dict(qc.flagged) == {"duplicated sequence (kept)": 1}
    assert "upper-cased sequence 2903" in repr(qc)


def test_unknown_validation_library_is_a_clear_error():
    message = (
        "Unknown validation library 'smith'; choose one of hossain, yu, lagator_pl, lagator_pr, "
        "lagator_36n, anderson, denovo."
    )
    with pytest.raises(ValueError, match=exact(message)):
        load_lafleur2022_validation("smith")


def test_frames_from_different_loaders_concatenate(shipped_copy):
    shipped_copy(*(lib.file for lib in VALIDATION_LIBRARIES.values()))
    frames = [load_lafleur2022_validation(name) for name in ("anderson", "denovo")]
    both = pd.concat(frames, ignore_index=True)
    assert len(both) == 18 + 35
    assert both["library"].value_counts().to_dict() == {"denovo": 35, "anderson": 18}


def test_load_yeast_files(shipped_copy):
    shipped_copy("vaishnav2022_hq_random_complex.txt", NATIVE, DREAM)
    random = load_vaishnav2022_random()
    native = load_vaishnav2022_native()
    demo = load_dream2022_demo()
    assert random.columns.tolist() == ["id", "sequence", "expression"]
    assert random.shape == (3_331, 3)
    assert native.columns.tolist() == ["id", "sequence", "expression", "predicted_published"]
    assert len(native) == 3_733
    assert round(native["expression"].corr(native["predicted_published"]), 3) == 0.961
    assert demo.shape == (6_370, 3)
    assert demo["expression"].between(0, 17).all()
    assert dict(demo.attrs["qc"].flagged)["sequence contains N (kept)"] == 25


# ---------------------------------------------------------------------------
# bad files: errors name the file, the row and the column
# ---------------------------------------------------------------------------


def _install_fake(monkeypatch, tmp_path, name: str, content: str) -> None:
    """Register hand-written content under a registry name with its own hash."""
    (tmp_path / name).write_text(content)
    fake = dict(REGISTRY)
    fake[name] = RemoteFile(REGISTRY[name].url, file_sha256(tmp_path / name))
    monkeypatch.setattr(registry, "REGISTRY", fake)


NATIVE_HEADER = ",sequence,Measured Expression,Predicted Expression\n"
ANDERSON_HEADER = (
    "ID,Promoter Sequence,Observed Fluorescence [au],Observed log(TX/Txref),"
    "Predicted log(TX/Txref)\n"
)

#: (file, its hand-written content, the loader, the whole message after "{path}: ").
BAD_FILES = {
    "bad-character": (
        "vaishnav2022_hq_random_complex.txt",
        "ACGTACGT\t1.5\nACGXACGT\t2.5\n",
        load_vaishnav2022_random,
        "row 1, column 'sequence': invalid character 'X' at position 3 (0-based); allowed: "
        "'ACGT'. 1 of 2 sequences have invalid characters.",
    ),
    "missing-expression": (
        DREAM,
        "ACGT\t1\nACGT\n",
        load_dream2022_demo,
        "data row 1 has no expression value (expected 2 columns).",
    ),
    "missing-sequence": (
        NATIVE,
        NATIVE_HEADER + "0,ACGT,1.0,2.0\n1,,1.0,2.0\n",
        load_vaishnav2022_native,
        "data row 1 has no sequence.",
    ),
    "non-finite-number": (
        NATIVE,
        NATIVE_HEADER + "0,ACGT,1.0,2.0\n1,ACGA,1.0,inf\n",
        load_vaishnav2022_native,
        "column 'predicted_published' must hold finite numbers, but row 1 (id 1) holds inf, "
        "which is infinite. An infinite measurement is often the log of 0: leave the cell "
        "empty for a missing measurement, or log-transform with a pseudocount, log10(x + c).",
    ),
    "duplicate-id": (
        VALIDATION_LIBRARIES["anderson"].file,
        ANDERSON_HEADER + "7,ACGT,1,-1,-1\n7,ACGA,2,-2,-2\n",
        lambda directory: load_lafleur2022_validation("anderson", directory),
        "id '7' at data row 1 is not unique.",
    ),
    "missing-column": (
        NATIVE,
        ",sequence,Measured Expression\n0,ACGT,1.0\n",
        load_vaishnav2022_native,
        "missing column(s) ['Predicted Expression']; the file has ['Unnamed: 0', 'sequence', "
        "'Measured Expression'].",
    ),
}


@pytest.mark.parametrize(
    ("name", "content", "loader", "message"), list(BAD_FILES.values()), ids=list(BAD_FILES)
)
def test_bad_file_is_reported_naming_file_row_and_column(
    tmp_path, monkeypatch, name, content, loader, message
):
    _install_fake(monkeypatch, tmp_path, name, content)
    with pytest.raises(ValueError, match=exact(f"{tmp_path / name}: {message}")):
        loader(tmp_path)


def test_native_loader_returns_plain_frame(tmp_path, monkeypatch):
    content = NATIVE_HEADER + "0,acgt,1.0,2.0\n"
    _install_fake(monkeypatch, tmp_path, NATIVE, content)
    frame = load_vaishnav2022_native(tmp_path)
    expected = pd.DataFrame(
        {"id": [0], "sequence": ["ACGT"], "expression": [1.0], "predicted_published": [2.0]}
    )
    pd.testing.assert_frame_equal(frame, expected, check_dtype=False)
    assert dict(frame.attrs["qc"].modified) == {"upper-cased sequence": 1}
