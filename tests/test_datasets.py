"""Tests of helpers.datasets: shipped copies, hashes, overrides, offline errors, loaders.

No test touches the network: every test runs with sockets blocked (and pooch's
downloader replaced where a download is simulated). The loaders read the
copies shipped in ``data/real``; a test that needs a shipped file that is
missing is skipped, and its reason names the file.
"""

from __future__ import annotations

import gzip
import re
import shutil
import socket
from pathlib import Path

import numpy as np
import pandas as pd
import pooch
import pytest

from helpers import datasets
from helpers.data import registry
from helpers.datasets import (
    ENV_VAR,
    REGISTRY,
    SHIPPED_DIR,
    VALIDATION_LIBRARIES,
    DatasetHashError,
    DatasetQC,
    DatasetUnavailableError,
    data_dir,
    fetch,
    file_sha256,
    missing_files,
)


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


def shipped(name: str) -> Path:
    return SHIPPED_DIR / f"{name}.gz"


def needs(*names: str) -> pytest.MarkDecorator:
    """Skip unless the shipped copies of ``names`` exist; the reason names the missing ones."""
    missing = [f"data/real/{name}.gz" for name in names if not shipped(name).is_file()]
    return pytest.mark.skipif(
        bool(missing), reason=f"missing shipped file(s): {', '.join(missing)}"
    )


def with_files(name: str, *values) -> pytest.param:
    """A parameter that is skipped, naming the file, when its shipped copy is missing."""
    return pytest.param(*values, marks=needs(name), id=name)


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """Every test: no network, no SEQ2EXPR_DATA_DIR (so the shipped copies are what is read)."""

    def refuse(*args, **kwargs):
        raise OSError("network access blocked by the test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.fixture
def no_downloads(monkeypatch):
    """Fail the test if anything tries to download."""

    def forbidden(*args, **kwargs):
        raise AssertionError("a download was attempted")

    monkeypatch.setattr(pooch, "retrieve", forbidden)


def _serve(monkeypatch, content_for_url) -> list[str]:
    """Replace pooch's downloader: ``content_for_url(url)`` returns bytes or raises."""
    requested: list[str] = []

    def choose(url, progressbar=False):
        def download(url, output_file, pooch_instance, check_only=False):
            requested.append(url)
            Path(output_file).write_bytes(content_for_url(url))

        return download

    monkeypatch.setattr(pooch.core, "choose_downloader", choose)
    return requested


# ---------------------------------------------------------------------------
# registry and shipped copies
# ---------------------------------------------------------------------------


def test_registry_is_pinned_with_a_mirror():
    for name, remote in REGISTRY.items():
        assert remote.url.startswith("https://raw.githubusercontent.com/"), name
        assert re.fullmatch(r"[0-9a-f]{64}", remote.sha256), name
        commit = re.search(r"/([0-9a-f]{40})/", remote.url).group(1)
        assert remote.mirrors == (
            remote.url.replace(
                "https://raw.githubusercontent.com/", "https://cdn.jsdelivr.net/gh/"
            ).replace(f"/{commit}/", f"@{commit}/", 1),
        ), name


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


@pytest.mark.parametrize("name", [with_files(name, name) for name in sorted(REGISTRY)])
def test_shipped_copy_has_the_published_hash(name, no_downloads):
    path = fetch(name)
    assert path == shipped(name)
    assert file_sha256(path) == REGISTRY[name].sha256
    # reproducible gzip: no file name, no timestamp in the header
    header = path.read_bytes()[:10]
    assert header[3] & 0x08 == 0 and header[4:8] == b"\0\0\0\0"


def test_shipped_copies_are_small():
    present = [shipped(name) for name in REGISTRY if shipped(name).is_file()]
    assert sum(path.stat().st_size for path in present) < 4_000_000


def test_missing_files_is_empty_when_everything_is_shipped():
    expected = sorted(name for name in REGISTRY if not shipped(name).is_file())
    assert missing_files() == expected


def test_file_sha256_hashes_the_uncompressed_content(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"ACGT\n" * 100)
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(b"ACGT\n" * 100))
    assert file_sha256(tmp_path / "a.txt.gz") == file_sha256(tmp_path / "a.txt")


def test_data_dir_follows_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert data_dir() == tmp_path
    monkeypatch.delenv(ENV_VAR)
    assert data_dir().name == "seq2expr"


def test_unknown_name_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match=r"Unknown dataset file 'nope\.csv'"):
        fetch("nope.csv", directory=tmp_path)


# ---------------------------------------------------------------------------
# overrides: SEQ2EXPR_DATA_DIR and the directory argument
# ---------------------------------------------------------------------------

NATIVE = "vaishnav2022_native_complex.csv"


@needs(NATIVE)
def test_environment_variable_overrides_the_shipped_copy(tmp_path, monkeypatch, no_downloads):
    (tmp_path / NATIVE).write_bytes(gzip.decompress(shipped(NATIVE).read_bytes()))
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert fetch(NATIVE) == tmp_path / NATIVE
    assert len(datasets.load_vaishnav2022_native()) == 3_733


@needs(NATIVE)
def test_gzipped_copy_in_the_override_folder_is_used(tmp_path, no_downloads):
    shutil.copyfile(shipped(NATIVE), tmp_path / f"{NATIVE}.gz")
    assert fetch(NATIVE, directory=tmp_path) == tmp_path / f"{NATIVE}.gz"


@needs(NATIVE)
def test_override_folder_without_the_file_falls_back_to_the_shipped_copy(
    tmp_path, monkeypatch, no_downloads
):
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert fetch(NATIVE) == shipped(NATIVE)


@needs(NATIVE)
def test_refreshed_copy_in_the_download_cache_is_found(tmp_path, monkeypatch, no_downloads):
    monkeypatch.setattr(registry, "SHIPPED_DIR", tmp_path / "shipped")
    monkeypatch.setattr(pooch, "os_cache", lambda project: tmp_path / "cache")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / NATIVE).write_bytes(gzip.decompress(shipped(NATIVE).read_bytes()))
    assert fetch(NATIVE) == tmp_path / "cache" / NATIVE


@needs(*REGISTRY)
def test_command_line_check_lists_every_file(capsys, no_downloads):
    assert datasets._main([]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(REGISTRY) and all(line.startswith("ok ") for line in lines)


# ---------------------------------------------------------------------------
# corrupted copies: a clear error, the file left alone
# ---------------------------------------------------------------------------


@needs(NATIVE)
def test_truncated_copy_fails_hash_check(tmp_path, no_downloads):
    data = gzip.decompress(shipped(NATIVE).read_bytes())
    (tmp_path / NATIVE).write_bytes(data[: len(data) // 2])
    with pytest.raises(DatasetHashError) as info:
        datasets.load_vaishnav2022_native(tmp_path)
    message = str(info.value)
    assert NATIVE in message
    assert REGISTRY[NATIVE].sha256 in message
    assert file_sha256(tmp_path / NATIVE) in message
    assert "Delete it" in message
    assert isinstance(info.value, ValueError)
    # the bad copy is reported, not silently replaced or skipped
    assert (tmp_path / NATIVE).stat().st_size == len(data) // 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: gzip.compress(gzip.decompress(raw).replace(b"A", b"C", 1), mtime=0),
        lambda raw: raw[: len(raw) // 2],
    ],
    ids=["edited-content", "truncated-gzip"],
)
@needs(NATIVE)
def test_corrupted_shipped_copy_is_reported(tmp_path, monkeypatch, no_downloads, damage):
    (tmp_path / f"{NATIVE}.gz").write_bytes(damage(shipped(NATIVE).read_bytes()))
    monkeypatch.setattr(registry, "SHIPPED_DIR", tmp_path)
    with pytest.raises(DatasetHashError, match=re.escape(NATIVE)) as info:
        datasets.load_vaishnav2022_native()
    assert "git checkout -- data/real" in str(info.value)


def test_hash_error_renders_as_one_line_in_a_notebook():
    error = DatasetHashError("x.csv does not have the published SHA-256")
    assert error._render_traceback_() == [
        "DatasetHashError: x.csv does not have the published SHA-256"
    ]


# ---------------------------------------------------------------------------
# offline: loaders read the shipped copies; missing files give one short error
# ---------------------------------------------------------------------------


@needs(*REGISTRY)
def test_every_loader_works_offline_from_the_shipped_copies(no_downloads):
    assert len(datasets.load_lafleur2022()) == 13_481
    assert len(datasets.load_vaishnav2022_random()) == 3_331
    assert len(datasets.load_vaishnav2022_native()) == 3_733
    assert len(datasets.load_dream2022_demo()) == 6_370
    for name in VALIDATION_LIBRARIES:
        assert len(datasets.load_lafleur2022_validation(name)) > 0


def test_missing_files_give_one_short_error_naming_all_of_them(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "SHIPPED_DIR", tmp_path / "shipped")
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "cache"))
    with pytest.raises(DatasetUnavailableError) as info:
        datasets.load_lafleur2022()
    error = info.value
    message = str(error)
    for name in REGISTRY:
        assert name in message
    assert message.startswith(f"{len(REGISTRY)} dataset file(s) missing")
    assert "git checkout -- data/real" in message
    assert ENV_VAR in message
    assert "refresh" in message
    assert len(message) < 2_000
    # no chained traceback, and a notebook shows the message alone
    assert error.__cause__ is None and error.__suppress_context__
    assert error._render_traceback_() == [f"DatasetUnavailableError: {message}"]
    assert not (tmp_path / "cache" / "lafleur2022_supp_data_5.csv").exists()


# ---------------------------------------------------------------------------
# downloads (simulated): hash-checked, mirror used, refresh
# ---------------------------------------------------------------------------

DREAM = "dream2022_demo_train.txt"


def test_corrupted_download_fails_hash_check(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "SHIPPED_DIR", tmp_path / "shipped")
    _serve(monkeypatch, lambda url: b"not the real file\n")
    with pytest.raises(DatasetHashError, match=REGISTRY[DREAM].sha256):
        fetch(DREAM, directory=tmp_path)
    assert not (tmp_path / DREAM).exists()


@needs(DREAM)
def test_mirror_is_used_when_the_source_fails(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "SHIPPED_DIR", tmp_path / "shipped")
    content = gzip.decompress(shipped(DREAM).read_bytes())

    def serve(url):
        if url.startswith("https://raw.githubusercontent.com/"):
            raise OSError("source gone")
        return content

    requested = _serve(monkeypatch, serve)
    assert fetch(DREAM, directory=tmp_path) == tmp_path / DREAM
    assert requested == [REGISTRY[DREAM].url, REGISTRY[DREAM].mirrors[0]]
    assert file_sha256(tmp_path / DREAM) == REGISTRY[DREAM].sha256


@needs(DREAM)
def test_refresh_rebuilds_a_byte_identical_shipped_copy(tmp_path, monkeypatch):
    content = gzip.decompress(shipped(DREAM).read_bytes())
    _serve(monkeypatch, lambda url: content)
    [path] = datasets.refresh([DREAM], directory=tmp_path, compress=True, progressbar=False)
    assert path == tmp_path / f"{DREAM}.gz"
    assert file_sha256(path) == REGISTRY[DREAM].sha256
    assert path.read_bytes() == shipped(DREAM).read_bytes()


# ---------------------------------------------------------------------------
# loaders: one core schema, validated sequences, a QC report
# ---------------------------------------------------------------------------

LOADERS = [
    with_files("lafleur2022_supp_data_5.csv", datasets.load_lafleur2022, "ACGT"),
    with_files("vaishnav2022_hq_random_complex.txt", datasets.load_vaishnav2022_random, "ACGT"),
    with_files(NATIVE, datasets.load_vaishnav2022_native, "ACGT"),
    with_files(DREAM, datasets.load_dream2022_demo, "ACGTN"),
    *[
        with_files(
            lib.file,
            lambda directory=None, name=name: datasets.load_lafleur2022_validation(name, directory),
            "ACGT",
        )
        for name, lib in VALIDATION_LIBRARIES.items()
    ],
]


@pytest.mark.parametrize(("loader", "alphabet"), LOADERS)
def test_every_loader_returns_the_core_schema_and_a_qc_report(loader, alphabet):
    frame = loader()
    assert frame.columns[:3].tolist() == ["id", "sequence", "expression"]
    assert frame["id"].is_unique
    assert frame["sequence"].str.fullmatch(f"[{alphabet}]+").all()
    assert frame["expression"].dtype == float and np.isfinite(frame["expression"]).all()
    assert isinstance(frame.index, pd.RangeIndex)
    qc = frame.attrs["qc"]
    assert isinstance(qc, DatasetQC)
    assert qc.n_input == qc.n_output == len(frame) and qc.n_dropped == 0
    assert qc.sha256 == REGISTRY[qc.source].sha256
    summary = qc.summary()
    assert summary.iloc[-1].tolist() == ["kept", "rows kept", len(frame)]


@needs("lafleur2022_supp_data_5.csv")
def test_load_lafleur2022():
    df = datasets.load_lafleur2022()
    assert len(df) == 13_481
    assert df.columns[:4].tolist() == ["id", "sequence", "expression", "observed"]
    assert (df["expression"] == df["observed"]).all()
    parts = list(datasets.LAFLEUR_PARTS.values())
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
    [
        with_files(VALIDATION_LIBRARIES[name].file, name, rows, r)
        for name, (rows, r) in VALIDATION_EXPECTED.items()
    ],
)
def test_load_lafleur2022_validation(name, rows, r):
    df = datasets.load_lafleur2022_validation(name)
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
    raw = pd.read_csv(shipped(VALIDATION_LIBRARIES[name].file))
    # expression is the file's column, unchanged
    assert np.array_equal(df["expression"].to_numpy(), raw["Observed log(TX/Txref)"].to_numpy())
    assert df["id"].tolist() == raw["ID"].astype(str).tolist()


@needs("lafleur2022_validation_lagator2022_pl.csv")
def test_validation_qc_counts_uppercasing_and_duplicates():
    qc = datasets.load_lafleur2022_validation("lagator_pl").attrs["qc"]
    assert dict(qc.modified) == {"upper-cased sequence": 2_903}
    assert dict(qc.flagged) == {"duplicated sequence (kept)": 1}
    assert "upper-cased sequence 2903" in repr(qc)


def test_unknown_validation_library_is_a_clear_error():
    with pytest.raises(ValueError, match=r"Unknown validation library 'smith'.*hossain, yu"):
        datasets.load_lafleur2022_validation("smith")


@needs(*(lib.file for lib in VALIDATION_LIBRARIES.values()))
def test_frames_from_different_loaders_concatenate():
    frames = [datasets.load_lafleur2022_validation(name) for name in ("anderson", "denovo")]
    both = pd.concat(frames, ignore_index=True)
    assert len(both) == 18 + 35
    assert both["library"].value_counts().to_dict() == {"denovo": 35, "anderson": 18}


@needs("vaishnav2022_hq_random_complex.txt", NATIVE, DREAM)
def test_load_yeast_files():
    random = datasets.load_vaishnav2022_random()
    native = datasets.load_vaishnav2022_native()
    demo = datasets.load_dream2022_demo()
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
    fake[name] = datasets.RemoteFile(REGISTRY[name].url, file_sha256(tmp_path / name))
    monkeypatch.setattr(registry, "REGISTRY", fake)


def test_bad_character_names_file_and_character(tmp_path, monkeypatch):
    name = "vaishnav2022_hq_random_complex.txt"
    _install_fake(monkeypatch, tmp_path, name, "ACGTACGT\t1.5\nACGXACGT\t2.5\n")
    with pytest.raises(ValueError, match=r"hq_random_complex\.txt.*'X'"):
        datasets.load_vaishnav2022_random(tmp_path)


def test_missing_expression_is_reported(tmp_path, monkeypatch):
    _install_fake(monkeypatch, tmp_path, DREAM, "ACGT\t1\nACGT\n")
    with pytest.raises(ValueError, match="data row 1 has no expression"):
        datasets.load_dream2022_demo(tmp_path)


def test_missing_sequence_is_reported(tmp_path, monkeypatch):
    content = ",sequence,Measured Expression,Predicted Expression\n0,ACGT,1.0,2.0\n1,,1.0,2.0\n"
    _install_fake(monkeypatch, tmp_path, NATIVE, content)
    with pytest.raises(ValueError, match=r"native_complex\.csv: data row 1 has no sequence"):
        datasets.load_vaishnav2022_native(tmp_path)


def test_non_finite_number_is_reported(tmp_path, monkeypatch):
    content = ",sequence,Measured Expression,Predicted Expression\n0,ACGT,1.0,2.0\n1,ACGA,1.0,inf\n"
    _install_fake(monkeypatch, tmp_path, NATIVE, content)
    message = (
        f"{tmp_path / NATIVE}: column 'predicted_published' must hold finite numbers, but "
        "row 1 (id 1) holds inf, which is infinite. An infinite measurement is often the "
        "log of 0: leave the cell empty for a missing measurement, or log-transform with a "
        "pseudocount, log10(x + c)."
    )
    with pytest.raises(ValueError, match=exact(message)):
        datasets.load_vaishnav2022_native(tmp_path)


def test_duplicate_id_is_reported(tmp_path, monkeypatch):
    name = VALIDATION_LIBRARIES["anderson"].file
    header = "ID,Promoter Sequence,Observed Fluorescence [au],Observed log(TX/Txref),Predicted log(TX/Txref)\n"
    _install_fake(monkeypatch, tmp_path, name, header + "7,ACGT,1,-1,-1\n7,ACGA,2,-2,-2\n")
    with pytest.raises(ValueError, match=r"id '7' at data row 1 is not unique"):
        datasets.load_lafleur2022_validation("anderson", tmp_path)


def test_missing_column_is_reported(tmp_path, monkeypatch):
    _install_fake(monkeypatch, tmp_path, NATIVE, ",sequence,Measured Expression\n0,ACGT,1.0\n")
    with pytest.raises(ValueError, match=r"missing column.*Predicted Expression"):
        datasets.load_vaishnav2022_native(tmp_path)


def test_native_loader_returns_plain_frame(tmp_path, monkeypatch):
    content = ",sequence,Measured Expression,Predicted Expression\n0,acgt,1.0,2.0\n"
    _install_fake(monkeypatch, tmp_path, NATIVE, content)
    frame = datasets.load_vaishnav2022_native(tmp_path)
    expected = pd.DataFrame(
        {"id": [0], "sequence": ["ACGT"], "expression": [1.0], "predicted_published": [2.0]}
    )
    pd.testing.assert_frame_equal(frame, expected, check_dtype=False)
    assert dict(frame.attrs["qc"].modified) == {"upper-cased sequence": 1}


# --- files in the cache that are not what they should be -------------------------------


def test_fetch_unknown_name_lists_known_files(tmp_path):
    known = ", ".join(datasets.REGISTRY)
    message = f"Unknown dataset file 'nope.csv'. Known files: {known}."
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
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
    start = f"{tmp_path / name} does not have the published SHA-256 of {name}: expected "
    with pytest.raises(datasets.DatasetHashError, match="^" + re.escape(start)):
        loader(directory=tmp_path)
    assert (tmp_path / name).read_bytes() == content  # never overwritten
