"""The one lookup of the book's folder (helpers.paths), for every way helpers is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import paths
from helpers.paths import ENV_VAR, BookRootNotFoundError, find_book_root, is_book_root

REPO = Path(__file__).resolve().parents[1]


def make_book(folder: Path) -> Path:
    """A minimal book folder: the two marker files."""
    (folder / "data").mkdir(parents=True)
    (folder / "_config.yml").write_text("title: test\n")
    (folder / "data" / "promoters.csv").write_text("id,sequence,expression\n")
    (folder / "chapters").mkdir()
    return folder


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return make_book(tmp_path / "book")


@pytest.fixture
def site_packages(tmp_path: Path) -> Path:
    """A folder standing for site-packages: holds a helpers package, not the book."""
    site = tmp_path / "site-packages"
    (site / "helpers").mkdir(parents=True)
    return site


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere" / "deeper"
    folder.mkdir(parents=True)
    return folder


def test_markers_make_a_book_folder(book: Path) -> None:
    assert is_book_root(book)
    assert not is_book_root(book / "chapters")
    (book / "data" / "promoters.csv").unlink()
    assert not is_book_root(book)


def test_environment_variable_comes_first(book: Path, tmp_path: Path, outside: Path) -> None:
    # Even when the package sits in another book folder, the variable wins.
    other = make_book(tmp_path / "other")
    found = find_book_root(environ={ENV_VAR: str(book)}, package_dir=other / "helpers", cwd=outside)
    assert found == book.resolve()


def test_environment_variable_expands_user(
    book: Path, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(book.parent))
    found = find_book_root(environ={ENV_VAR: "~/book"}, package_dir=outside, cwd=outside)
    assert found == book.resolve()


def test_environment_variable_pointing_elsewhere_is_an_error(
    book: Path, site_packages: Path
) -> None:
    # Not silently ignored, even though the package's parent would be found.
    with pytest.raises(BookRootNotFoundError, match=rf"{ENV_VAR} is set to .*no _config.yml"):
        find_book_root(environ={ENV_VAR: str(book / "data")}, package_dir=book / "helpers")


def test_blank_environment_variable_is_unset(book: Path, outside: Path) -> None:
    found = find_book_root(environ={ENV_VAR: "  "}, package_dir=book / "helpers", cwd=outside)
    assert found == book.resolve()


def test_editable_install_or_clone_uses_the_package_parent(book: Path, outside: Path) -> None:
    assert find_book_root(environ={}, package_dir=book / "helpers", cwd=outside) == book.resolve()


def test_regular_install_searches_the_current_folder_and_its_parents(
    book: Path, site_packages: Path
) -> None:
    package = site_packages / "helpers"
    assert find_book_root(environ={}, package_dir=package, cwd=book) == book.resolve()
    assert find_book_root(environ={}, package_dir=package, cwd=book / "chapters") == book.resolve()


def test_defaults_read_the_environment_and_the_current_folder(
    book: Path, site_packages: Path, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = site_packages / "helpers"
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(book / "chapters")
    assert find_book_root(package_dir=package) == book.resolve()
    monkeypatch.chdir(outside)
    monkeypatch.setenv(ENV_VAR, str(book))
    assert find_book_root(package_dir=package) == book.resolve()


def test_nothing_found_says_where_it_looked_and_what_to_do(
    site_packages: Path, outside: Path
) -> None:
    with pytest.raises(BookRootNotFoundError) as error:
        find_book_root(environ={}, package_dir=site_packages / "helpers", cwd=outside)
    message = str(error.value)
    assert str(site_packages.resolve()) in message
    assert str(outside.resolve()) in message
    assert f"set {ENV_VAR}" in message
    assert "git clone https://github.com/" in message
    assert isinstance(error.value, FileNotFoundError)


def test_this_checkout_is_found() -> None:
    assert paths.BOOK_ROOT == REPO
    assert paths.DATA_DIR == REPO / "data"
    assert paths.REAL_DATA_DIR == REPO / "data" / "real"
    assert paths.book_root() == REPO
    assert paths.data_path("promoters.csv") == REPO / "data" / "promoters.csv"


def test_missing_data_file_lists_the_others() -> None:
    with pytest.raises(
        FileNotFoundError, match=r"no_such\.csv does not exist\. Files in .*promoters\.csv"
    ):
        paths.data_path("no_such.csv")


# Import-time behaviour: a fresh interpreter imports a copy of the package, as
# a regular install (site-packages) would hold it.

PROBE = """
import sys
from helpers import paths
print("ROOT", paths.BOOK_ROOT)
print("DATA", paths.DATA_DIR)
try:
    print("FILE", paths.data_path("promoters.csv"))
except paths.BookRootNotFoundError as error:
    print("ERROR", error)
"""


def run_probe(site: Path, cwd: Path, env_value: str | None) -> dict[str, str]:
    shutil.copy(REPO / "helpers" / "__init__.py", site / "helpers" / "__init__.py")
    shutil.copy(REPO / "helpers" / "paths.py", site / "helpers" / "paths.py")
    env = {k: v for k, v in os.environ.items() if k not in (ENV_VAR, "PYTHONPATH")}
    env["PYTHONPATH"] = str(site)
    if env_value is not None:
        env[ENV_VAR] = env_value
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(line.split(" ", 1) for line in result.stdout.splitlines())


def test_import_never_fails_and_the_first_data_file_raises(
    site_packages: Path, outside: Path
) -> None:
    out = run_probe(site_packages, outside, None)
    assert out["ROOT"] == str(paths.NOT_FOUND)
    assert out["DATA"] == str(paths.NOT_FOUND / "data")
    assert out["ERROR"].startswith("helpers cannot find the book's folder")
    assert f"set {ENV_VAR}" in out["ERROR"]


def test_import_from_a_regular_install_inside_the_book(book: Path, site_packages: Path) -> None:
    out = run_probe(site_packages, book / "chapters", None)
    assert out["ROOT"] == str(book.resolve())
    assert out["FILE"] == str(book.resolve() / "data" / "promoters.csv")


def test_import_from_a_regular_install_with_the_variable(
    book: Path, site_packages: Path, outside: Path
) -> None:
    out = run_probe(site_packages, outside, str(book))
    assert out["FILE"] == str(book.resolve() / "data" / "promoters.csv")


def test_import_with_a_wrong_variable_fails_only_when_data_is_needed(
    book: Path, site_packages: Path
) -> None:
    out = run_probe(site_packages, book / "chapters", str(book / "chapters"))
    assert out["ROOT"] == str(paths.NOT_FOUND)
    assert out["ERROR"].startswith(f"{ENV_VAR} is set to")
