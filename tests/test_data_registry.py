"""Tests of helpers.data.registry: shipped copies, hashes, overrides, the cache, refresh.

No test touches the network: every test runs with sockets blocked (the
``offline`` fixture) and pooch's downloader replaced where a download is
simulated. A test that needs a shipped file that is missing is skipped, and
its reason names the file.
"""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import pooch
import pytest

from helpers import datasets
from helpers.data import registry
from helpers.data.published import (
    load_dream2022_demo,
    load_lafleur2022,
    load_vaishnav2022_native,
    load_vaishnav2022_random,
)
from helpers.data.registry import (
    ENV_VAR,
    REGISTRY,
    DatasetHashError,
    DatasetUnavailableError,
    data_dir,
    fetch,
    file_sha256,
    missing_files,
    refresh,
)

pytestmark = pytest.mark.usefixtures("offline")


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


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


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_shipped_copy_has_the_published_hash(name, no_downloads, shipped_copy):
    shipped = shipped_copy(name)
    path = fetch(name)
    assert path == shipped
    assert file_sha256(path) == REGISTRY[name].sha256
    # reproducible gzip: no file name, no timestamp in the header
    header = path.read_bytes()[:10]
    assert header[3] & 0x08 == 0 and header[4:8] == b"\0\0\0\0"


def test_shipped_copies_are_small():
    present = [registry.SHIPPED_DIR / f"{name}.gz" for name in REGISTRY]
    assert sum(path.stat().st_size for path in present if path.is_file()) < 4_000_000


def test_missing_files_is_empty_when_everything_is_shipped():
    expected = sorted(
        name for name in REGISTRY if not (registry.SHIPPED_DIR / f"{name}.gz").is_file()
    )
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


def test_fetch_unknown_name_lists_known_files(tmp_path):
    known = ", ".join(REGISTRY)
    message = f"Unknown dataset file 'nope.csv'. Known files: {known}."
    with pytest.raises(ValueError, match=exact(message)):
        fetch("nope.csv", directory=tmp_path)


# ---------------------------------------------------------------------------
# overrides: SEQ2EXPR_DATA_DIR and the directory argument
# ---------------------------------------------------------------------------

NATIVE = "vaishnav2022_native_complex.csv"


def test_environment_variable_overrides_the_shipped_copy(
    tmp_path, monkeypatch, no_downloads, shipped_copy
):
    (tmp_path / NATIVE).write_bytes(gzip.decompress(shipped_copy(NATIVE).read_bytes()))
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert fetch(NATIVE) == tmp_path / NATIVE
    assert len(load_vaishnav2022_native()) == 3_733


def test_gzipped_copy_in_the_override_folder_is_used(tmp_path, no_downloads, shipped_copy):
    shutil.copyfile(shipped_copy(NATIVE), tmp_path / f"{NATIVE}.gz")
    assert fetch(NATIVE, directory=tmp_path) == tmp_path / f"{NATIVE}.gz"


def test_override_folder_without_the_file_falls_back_to_the_shipped_copy(
    tmp_path, monkeypatch, no_downloads, shipped_copy
):
    shipped = shipped_copy(NATIVE)
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert fetch(NATIVE) == shipped


def test_refreshed_copy_in_the_download_cache_is_found(
    tmp_path, monkeypatch, no_downloads, shipped_copy
):
    content = gzip.decompress(shipped_copy(NATIVE).read_bytes())
    monkeypatch.setattr(registry, "SHIPPED_DIR", tmp_path / "shipped")
    monkeypatch.setattr(pooch, "os_cache", lambda project: tmp_path / "cache")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / NATIVE).write_bytes(content)
    assert fetch(NATIVE) == tmp_path / "cache" / NATIVE


def test_command_line_check_lists_every_file(capsys, no_downloads, shipped_copy):
    shipped_copy(*REGISTRY)
    assert datasets._main([]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(REGISTRY) and all(line.startswith("ok ") for line in lines)


# ---------------------------------------------------------------------------
# corrupted copies: a clear error, the file left alone
# ---------------------------------------------------------------------------


def test_truncated_copy_fails_hash_check(tmp_path, no_downloads, shipped_copy):
    data = gzip.decompress(shipped_copy(NATIVE).read_bytes())
    (tmp_path / NATIVE).write_bytes(data[: len(data) // 2])
    with pytest.raises(DatasetHashError) as info:
        load_vaishnav2022_native(tmp_path)
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
def test_corrupted_shipped_copy_is_reported(
    tmp_path, monkeypatch, no_downloads, shipped_copy, damage
):
    (tmp_path / f"{NATIVE}.gz").write_bytes(damage(shipped_copy(NATIVE).read_bytes()))
    monkeypatch.setattr(registry, "SHIPPED_DIR", tmp_path)
    with pytest.raises(DatasetHashError, match=re.escape(NATIVE)) as info:
        load_vaishnav2022_native()
    assert "git checkout -- data/real" in str(info.value)


def test_hash_error_renders_as_one_line_in_a_notebook():
    error = DatasetHashError("x.csv does not have the published SHA-256")
    assert error._render_traceback_() == [
        "DatasetHashError: x.csv does not have the published SHA-256"
    ]


@pytest.mark.parametrize("content", [b"", b"id,sequence\n1,ACGT\n"], ids=["empty", "truncated"])
@pytest.mark.parametrize(
    ("loader", "name"),
    [
        (load_lafleur2022, "lafleur2022_supp_data_5.csv"),
        (load_vaishnav2022_random, "vaishnav2022_hq_random_complex.txt"),
        (load_vaishnav2022_native, "vaishnav2022_native_complex.csv"),
        (load_dream2022_demo, "dream2022_demo_train.txt"),
    ],
    ids=["lafleur", "vaishnav-random", "vaishnav-native", "dream"],
)
def test_loaders_reject_a_corrupted_cached_file_without_downloading(
    tmp_path, loader, name, content
):
    (tmp_path / name).write_bytes(content)
    start = f"{tmp_path / name} does not have the published SHA-256 of {name}: expected "
    with pytest.raises(DatasetHashError, match="^" + re.escape(start)):
        loader(directory=tmp_path)
    assert (tmp_path / name).read_bytes() == content  # never overwritten


# ---------------------------------------------------------------------------
# missing files: one short error naming all of them
# ---------------------------------------------------------------------------


def test_missing_files_give_one_short_error_naming_all_of_them(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "SHIPPED_DIR", tmp_path / "shipped")
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "cache"))
    with pytest.raises(DatasetUnavailableError) as info:
        load_lafleur2022()
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


def test_mirror_is_used_when_the_source_fails(tmp_path, monkeypatch, shipped_copy):
    content = gzip.decompress(shipped_copy(DREAM).read_bytes())
    monkeypatch.setattr(registry, "SHIPPED_DIR", tmp_path / "shipped")

    def serve(url):
        if url.startswith("https://raw.githubusercontent.com/"):
            raise OSError("source gone")
        return content

    requested = _serve(monkeypatch, serve)
    assert fetch(DREAM, directory=tmp_path) == tmp_path / DREAM
    assert requested == [REGISTRY[DREAM].url, REGISTRY[DREAM].mirrors[0]]
    assert file_sha256(tmp_path / DREAM) == REGISTRY[DREAM].sha256


def test_refresh_rebuilds_a_byte_identical_shipped_copy(tmp_path, monkeypatch, shipped_copy):
    shipped = shipped_copy(DREAM)
    content = gzip.decompress(shipped.read_bytes())
    _serve(monkeypatch, lambda url: content)
    [path] = refresh([DREAM], directory=tmp_path, compress=True, progressbar=False)
    assert path == tmp_path / f"{DREAM}.gz"
    assert file_sha256(path) == REGISTRY[DREAM].sha256
    assert path.read_bytes() == shipped.read_bytes()
