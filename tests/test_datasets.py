"""Tests of helpers.datasets: local copies, hash failures, offline errors, loaders.

No test touches the network: the good path uses temporary copies of the real
files (from ``$SEQ2EXPR_DATA_DIR``, or ``../shared/data/real`` next to the
repository) and the offline test blocks sockets.
"""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pandas as pd
import pooch
import pytest

from helpers import datasets
from helpers.datasets import (
    ENV_VAR,
    REGISTRY,
    DatasetHashError,
    DatasetUnavailableError,
    data_dir,
    fetch,
    file_sha256,
)


def _real_dir() -> Path | None:
    """Folder holding the real files, or None if this machine has none."""
    candidates = [os.environ.get(ENV_VAR, ""), "../shared/data/real"]
    root = Path(__file__).resolve().parent.parent
    for candidate in candidates:
        if not candidate:
            continue
        folder = Path(candidate)
        folder = folder if folder.is_absolute() else (root / folder).resolve()
        if all((folder / name).exists() for name in REGISTRY):
            return folder
    return None


REAL = _real_dir()
needs_real = pytest.mark.skipif(REAL is None, reason="the real dataset files are not available")


@pytest.fixture
def no_network(monkeypatch):
    """Make every attempt to open a network connection fail immediately."""

    def refuse(*args, **kwargs):
        raise OSError("network access blocked by the test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def local_copies(tmp_path, no_network):
    """A temporary folder with byte copies of the four real files."""
    if REAL is None:
        pytest.skip("the real dataset files are not available")
    for name in REGISTRY:
        shutil.copyfile(REAL / name, tmp_path / name)
    return tmp_path


def test_registry_is_pinned():
    for name, remote in REGISTRY.items():
        assert remote.url.startswith("https://raw.githubusercontent.com/"), name
        assert len(remote.sha256) == 64 and set(remote.sha256) <= set("0123456789abcdef")


def test_data_dir_follows_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert data_dir() == tmp_path
    monkeypatch.delenv(ENV_VAR)
    assert data_dir().name == "seq2expr"


def test_unknown_name_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match=r"Unknown dataset file 'nope\.csv'"):
        fetch("nope.csv", directory=tmp_path)


@needs_real
@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_local_copy_is_used_without_download(local_copies, name):
    path = fetch(name, directory=local_copies)
    assert path == local_copies / name
    assert file_sha256(path) == REGISTRY[name].sha256


@needs_real
def test_environment_variable_points_at_local_copy(local_copies, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(local_copies))
    assert fetch("dream2022_demo_train.txt") == local_copies / "dream2022_demo_train.txt"


@needs_real
def test_truncated_copy_fails_hash_check(tmp_path, no_network):
    name = "vaishnav2022_native_complex.csv"
    data = (REAL / name).read_bytes()
    (tmp_path / name).write_bytes(data[: len(data) // 2])
    with pytest.raises(DatasetHashError) as info:
        fetch(name, directory=tmp_path)
    message = str(info.value)
    assert name in message
    assert REGISTRY[name].sha256 in message
    assert file_sha256(tmp_path / name) in message
    assert "Delete it" in message
    assert isinstance(info.value, ValueError)
    # the bad copy is reported, not silently replaced
    assert (tmp_path / name).stat().st_size == len(data) // 2


def test_offline_without_copy_names_file_url_and_variable(tmp_path, no_network):
    name = "lafleur2022_supp_data_5.csv"
    with pytest.raises(DatasetUnavailableError) as info:
        fetch(name, directory=tmp_path, progressbar=False)
    message = str(info.value)
    assert name in message
    assert REGISTRY[name].url in message
    assert ENV_VAR in message
    assert not (tmp_path / name).exists()


def test_corrupted_download_fails_hash_check(tmp_path, monkeypatch):
    """A download whose bytes do not match is rejected with the same clear error."""
    name = "dream2022_demo_train.txt"

    def fake_download(url, output_file, pooch_instance, check_only=False):
        Path(output_file).write_bytes(b"not the real file\n")

    monkeypatch.setattr(
        pooch.core, "choose_downloader", lambda url, progressbar=False: fake_download
    )
    with pytest.raises(DatasetHashError, match=REGISTRY[name].sha256):
        fetch(name, directory=tmp_path, progressbar=False)
    assert not (tmp_path / name).exists()


@needs_real
def test_load_lafleur2022(local_copies):
    df = datasets.load_lafleur2022(local_copies)
    assert len(df) == 13_481
    assert df.columns[:3].tolist() == ["id", "sequence", "observed"]
    parts = list(datasets.LAFLEUR_PARTS.values())
    assert (df["sequence"] == df[parts].agg("".join, axis=1)).all()
    assert df["sequence"].str.len().between(57, 87).all()
    assert df["high_quality"].dtype == bool and df["high_quality"].sum() == 5_193
    r = df["observed"].corr(df["predicted_biophysical"])
    assert round(r, 3) == 0.795
    assert {"tx1", "tx2", "tx3", "dg10", "dg_up"} <= set(df.columns)


@needs_real
def test_load_yeast_files(local_copies):
    random = datasets.load_vaishnav2022_random(local_copies)
    native = datasets.load_vaishnav2022_native(local_copies)
    demo = datasets.load_dream2022_demo(local_copies)
    assert random.shape == (3_331, 2)
    assert native.columns.tolist() == ["sequence", "expression", "predicted_published"]
    assert len(native) == 3_733
    assert round(native["expression"].corr(native["predicted_published"]), 3) == 0.961
    assert demo.shape == (6_370, 2)
    assert demo["expression"].between(0, 17).all()
    for frame in (random, native, demo):
        assert frame["sequence"].str.fullmatch("[ACGTN]+").all()


def _install_fake(monkeypatch, tmp_path, name: str, content: str) -> None:
    """Register hand-written content under a registry name with its own hash."""
    (tmp_path / name).write_text(content)
    fake = dict(REGISTRY)
    fake[name] = datasets.RemoteFile(REGISTRY[name].url, file_sha256(tmp_path / name))
    monkeypatch.setattr(datasets, "REGISTRY", fake)


def test_bad_character_names_file_and_row(tmp_path, monkeypatch, no_network):
    name = "vaishnav2022_hq_random_complex.txt"
    _install_fake(monkeypatch, tmp_path, name, "ACGTACGT\t1.5\nACGXACGT\t2.5\n")
    with pytest.raises(ValueError, match=r"hq_random_complex.txt.*data row 1 \('X'"):
        datasets.load_vaishnav2022_random(tmp_path)


def test_missing_expression_is_reported(tmp_path, monkeypatch, no_network):
    name = "dream2022_demo_train.txt"
    _install_fake(monkeypatch, tmp_path, name, "ACGT\t1\nACGT\n")
    with pytest.raises(ValueError, match="data row 1 has no expression"):
        datasets.load_dream2022_demo(tmp_path)


def test_missing_column_is_reported(tmp_path, monkeypatch, no_network):
    name = "vaishnav2022_native_complex.csv"
    _install_fake(monkeypatch, tmp_path, name, ",sequence,Measured Expression\n0,ACGT,1.0\n")
    with pytest.raises(ValueError, match=r"missing column.*Predicted Expression"):
        datasets.load_vaishnav2022_native(tmp_path)


def test_native_loader_returns_plain_frame(tmp_path, monkeypatch, no_network):
    name = "vaishnav2022_native_complex.csv"
    content = ",sequence,Measured Expression,Predicted Expression\n0,acgt,1.0,2.0\n"
    _install_fake(monkeypatch, tmp_path, name, content)
    frame = datasets.load_vaishnav2022_native(tmp_path)
    expected = pd.DataFrame(
        {"sequence": ["ACGT"], "expression": [1.0], "predicted_published": [2.0]}
    )
    pd.testing.assert_frame_equal(frame, expected)
