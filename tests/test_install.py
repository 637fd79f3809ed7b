"""Every way a reader installs the helpers: a regular install, a clone, Binder, JupyterLab.

The slow tests install and execute chapter 01 (tools.install_check); the
others check the files Binder and JupyterLab read. The Binder build itself
downloads the locked environment, so CI runs it (`python -m tools.install_check
binder`), not this file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.request
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup
from packaging.specifiers import SpecifierSet

from tools import install_check
from tools.prose_values import glue_outputs, render_value

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
BIN = Path(sys.executable).parent


@pytest.mark.slow
def test_regular_install_runs_chapter_01_outside_the_repository(tmp_path: Path) -> None:
    found = install_check.check_regular(tmp_path)
    site = Path(sysconfig.get_path("purelib")).name  # "site-packages"
    # A regular (not editable) install, in the fresh environment.
    assert found["direct_url"].get("dir_info", {}).get("editable") is None
    assert str(tmp_path / "venv-regular") in found["installed_at"]
    assert f"{site}/helpers/__init__.py" in found["chapter"]["helpers"]
    # Data found through SEQ2EXPR_BOOK_ROOT; without it, from inside the clone
    # (where Binder opens a chapter); and outside, a clear error, not a wrong path.
    assert found["chapter"]["book_root"] == str(ROOT)
    assert found["in_chapters_folder"] == str(ROOT / "data" / "promoters.csv")
    assert found["outside_without_variable"].startswith("BookRootNotFoundError: ")
    assert "set SEQ2EXPR_BOOK_ROOT" in found["outside_without_variable"]


@pytest.mark.slow
def test_downloaded_notebook_imports_helpers_from_the_clone(tmp_path: Path) -> None:
    found = install_check.check_clone(tmp_path)
    clone = tmp_path / "downloads" / "sequence-to-expression"
    # Before: `import helpers` would find the reader's own helpers.py.
    assert found["helpers_before"] == str(tmp_path / "downloads" / "helpers.py")
    # The chapter's own set-up cell put the clone first.
    assert found["chapter"]["helpers"] == str(clone / "helpers" / "__init__.py")
    assert found["chapter"]["book_root"] == str(clone)


# --- the set-up cell (Colab, a downloaded notebook) ------------------------------------


@pytest.mark.slow  # a fresh virtual environment and three runs of the cell: about 25 s
def test_setup_cell_fetches_the_book_ahead_of_a_readers_helpers(tmp_path: Path) -> None:
    found = install_check.check_setup_cell(tmp_path)
    book = tmp_path / "colab" / "sequence-to-expression"
    fetched = found["fetched"]
    # The reader's helpers.py was imported first; the book's package replaced it.
    assert fetched["helpers"] == str(book / "helpers" / "__init__.py")
    assert fetched["book_root"] == str(book)
    # It said where the book is, and installed nothing (every dependency is there).
    assert fetched["printed"] == [f"The book's helpers and data: {book}"]
    # Run again (a restarted kernel), with the archive unreachable: the download is reused.
    assert found["again"]["helpers"] == fetched["helpers"]
    # Run inside a clone (here its data/ folder): the clone is used, nothing fetched.
    assert found["in_clone"]["book_root"] == str(book)
    # No temporary folder left behind.
    assert found["left_in_reader_folder"] == ["helpers.py", "sequence-to-expression"]


def test_setup_cell_is_plain_python_with_one_per_chapter_part() -> None:
    from tools.notebooks import declared_extras, setup_cell_source

    plain, cnn = setup_cell_source(), setup_cell_source(["cnn"])
    for source in (plain, cnn):
        compile(source, "set-up cell", "exec")  # no IPython magics: runs as Python anywhere
        assert not re.search(r"^\s*[!%]", source, re.MULTILINE)
    assert declared_extras(plain) == [] and declared_extras(cnn) == ["cnn"]
    differing = [
        (a, b) for a, b in zip(plain.splitlines(), cnn.splitlines(), strict=True) if a != b
    ]
    assert differing == [(plain.splitlines()[5], cnn.splitlines()[5])]
    # The repository named in _config.yml, as an archive: no git needed.
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    assert f"{url}/archive/refs/heads/main.tar.gz" in plain
    # The book's package is recognised by its paths module, not by the name alone.
    assert 'Path(p, "paths.py").is_file()' in plain


def test_every_extra_named_by_a_chapter_exists() -> None:
    from tools.notebooks import EXTRA_IMPORTS

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert set(EXTRA_IMPORTS) <= set(extras)


# --- helpers.bootstrap: what the set-up cell installs ----------------------------------


class FakePip:
    """Records pip's arguments and the constraints file it was given."""

    def __init__(self, returncode: int = 0, stderr: str = "") -> None:
        self.calls: list[list[str]] = []
        self.constraints: list[str] = []
        self.returncode, self.stderr = returncode, stderr

    def __call__(self, arguments: list[str]) -> subprocess.CompletedProcess:
        self.calls.append(arguments)
        path = arguments[arguments.index("--constraint") + 1]
        self.constraints.append(Path(path).read_text())
        return subprocess.CompletedProcess(arguments, self.returncode, "", self.stderr)


#: A Colab-like runtime: its own numpy, pandas, scikit-learn and matplotlib, no
#: logomaker, no myst-nb, jax without keras.
COLAB = {
    "numpy": "2.0.2",
    "pandas": "2.2.2",
    "scipy": "1.14.1",
    "scikit-learn": "1.6.1",
    "biopython": "1.85",
    "matplotlib": "3.10.0",
    "seaborn": "0.13.2",
    "pooch": "1.8.2",
    "tqdm": "4.67.1",
    "threadpoolctl": "3.5.0",
    "jax": "0.5.2",
    "torch": "2.6.0+cu124",
}


def test_install_missing_installs_only_what_the_runtime_lacks(capsys) -> None:
    from helpers.bootstrap import book_requirements, install_missing

    pip = FakePip()
    install_missing(["cnn"], installed=COLAB, pip=pip)
    (call,) = pip.calls
    installed = call[call.index("--constraint") + 2 :]
    assert installed == ["logomaker>=0.8,<0.9", "keras==3.15.1", "myst-nb"]
    # Nothing the runtime has is named, even where its version is outside the book's range.
    names = {r.name for r in book_requirements() if r.text in installed}
    assert not names & set(COLAB)
    # Every installed version is a constraint, so pip cannot replace one.
    assert "numpy==2.0.2" in pip.constraints[0].splitlines()
    assert "torch==2.6.0+cu124" in pip.constraints[0].splitlines()
    out = capsys.readouterr().out
    assert "Installing what this runtime lacks: logomaker>=0.8,<0.9, keras==3.15.1, myst-nb" in out
    # It says which kept versions differ from the book's (jax is in the cnn extra).
    assert "numpy 2.0.2 (book: numpy==2.4.*)" in out
    assert "jax 0.5.2 (book: jax[cpu]==0.10.2)" in out
    assert "scale" not in out and "pyarrow" not in out  # not this chapter's extra


def test_install_missing_does_nothing_where_everything_is_there(capsys) -> None:
    from helpers.bootstrap import install_missing

    pip = FakePip()
    install_missing(["cnn", "scale"], pip=pip)  # this environment: the book's
    assert pip.calls == []
    assert capsys.readouterr().out == ""


def test_install_missing_says_what_to_do_when_pip_would_replace_a_package() -> None:
    from helpers.bootstrap import install_missing

    pip = FakePip(returncode=1, stderr="ResolutionImpossible: keras 3.15.1 needs numpy>=2.1")
    with pytest.raises(RuntimeError, match=r"ResolutionImpossible.*restart the runtime"):
        install_missing(["cnn"], installed=COLAB, pip=pip, quiet=True)


def test_install_missing_rejects_an_unknown_extra() -> None:
    from helpers.bootstrap import install_missing

    with pytest.raises(ValueError, match=r"extras must be among .*'cnn'.*got \['gpu'\]"):
        install_missing(["gpu"], pip=FakePip())


def test_requirements_from_pyproject_and_from_installed_metadata(tmp_path: Path) -> None:
    from helpers.bootstrap import book_requirements

    from_clone = book_requirements()
    # A regular install has no pyproject.toml beside the package: its metadata is read.
    package = tmp_path / "site-packages" / "helpers"
    package.mkdir(parents=True)
    from_metadata = book_requirements(package)

    def core(requirements):  # name -> specifier (metadata orders a range's bounds otherwise)
        return {
            r.name: SpecifierSet(re.sub(r"^[\w.-]+(\[[^\]]*\])?", "", r.text))
            for r in requirements
            if r.extra is None
        }

    # (The installed metadata is as fresh as the last `make venv`: compare a stable pin.)
    assert core(from_metadata)["numpy"] == core(from_clone)["numpy"]
    assert {r.extra for r in from_metadata} >= {None, "cnn", "scale"}


# --- Binder: the files repo2docker reads ---------------------------------------------


def requirement_lines(path: Path) -> list[str]:
    return [
        line.split("#", 1)[0].strip()
        for line in path.read_text().splitlines()
        if line.split("#", 1)[0].strip()
    ]


def test_binder_requirements_install_the_lock_and_the_helpers() -> None:
    lines = requirement_lines(BINDER / "requirements.txt")
    # pip resolves a nested -r relative to the including file...
    includes = [line.split(None, 1)[1] for line in lines if line.startswith("-r ")]
    assert includes == ["../requirements.lock"]
    assert (BINDER / includes[0]).resolve() == ROOT / "requirements.lock"
    # ...and a path requirement relative to the working directory, which
    # repo2docker sets to the repository's root.
    assert "-e ." in lines
    # jupyterlab-myst, pinned here until the lock pins it.
    lock = (ROOT / "requirements.lock").read_text()
    assert any(re.fullmatch(r"jupyterlab-myst==[\d.]+", line) for line in lines) or re.search(
        r"^jupyterlab-myst==", lock, re.MULTILINE
    )


def test_binder_python_is_the_lowest_supported_one() -> None:
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert runtime == "python-" + ".".join(install_check.supported_pythons()[0].split(".")[:2])
    # The root runtime.txt is gone: with binder/ present repo2docker ignores it.
    assert not (ROOT / "runtime.txt").exists()


def jupytext_factory_name() -> str:
    """The name under which the installed jupytext JupyterLab extension registers its viewer."""
    static = Path(sys.prefix, "share", "jupyter", "labextensions", "jupyterlab-jupytext", "static")
    names = {
        match
        for js in static.glob("*.js")
        for match in re.findall(r'\.FACTORY="([^"]+)"', js.read_text(encoding="utf-8"))
    }
    assert len(names) == 1, names
    return names.pop()


def test_overrides_name_jupytexts_notebook_viewer() -> None:
    overrides = json.loads((BINDER / "overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {"markdown": jupytext_factory_name(), "myst": jupytext_factory_name()}


@pytest.mark.slow  # starts JupyterLab's command line and imports the helpers: about 5 s
def test_post_build_installs_the_default_and_checks_the_data(tmp_path: Path) -> None:
    # JUPYTERLAB_DIR moves JupyterLab's application folder, where postBuild writes.
    env = {
        **os.environ,
        "JUPYTERLAB_DIR": str(tmp_path / "lab"),
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
    }
    result = subprocess.run(
        ["bash", "binder/postBuild"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    installed = tmp_path / "lab" / "settings" / "overrides.d" / "seq2expr.json"
    assert installed.read_bytes() == (BINDER / "overrides.json").read_bytes()
    assert str(ROOT / "data" / "promoters.csv") in result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    """A JupyterLab server with the book's setting, serving a copy of chapter 01 (never the repository)."""
    tmp = tmp_path_factory.mktemp("lab")
    settings = tmp / "settings" / "overrides.d"
    settings.mkdir(parents=True)
    (settings / "seq2expr.json").write_bytes((BINDER / "overrides.json").read_bytes())
    served = tmp / "served" / "chapters"
    served.mkdir(parents=True)
    for suffix in (".md", ".ipynb"):
        (served / f"01_loading{suffix}").write_bytes(
            (ROOT / "chapters" / f"01_loading{suffix}").read_bytes()
        )
    port, token = free_port(), "seq2expr-test"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp / "config")}
    log_path = tmp / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [
                BIN / "jupyter",
                "lab",
                "--no-browser",
                "--allow-root",  # CI runs as root
                "--ip=127.0.0.1",
                f"--port={port}",
                f"--IdentityProvider.token={token}",
                f"--LabApp.app_settings_dir={tmp / 'settings'}",
                f"--ServerApp.root_dir={tmp / 'served'}",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise AssertionError(log_path.read_text()[-3000:]) from None
                    time.sleep(0.5)
            yield {"base": base, "token": token, "tmp": tmp}
        finally:
            server.terminate()
            server.wait(timeout=30)


@pytest.mark.slow
def test_jupyterlab_serves_the_notebook_view_as_default(lab: dict) -> None:
    url = f"{lab['base']}/lab/api/settings/@jupyterlab/docmanager-extension:plugin?token={lab['token']}"
    with urllib.request.urlopen(url, timeout=30) as response:
        answer = json.load(response)
    # The server applies overrides to the schema's defaults, which the page
    # uses wherever the reader's own settings say nothing.
    viewers = answer["schema"]["properties"]["defaultViewers"]["default"]
    assert viewers == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}


CHAPTER_01 = nbformat.read(ROOT / "chapters" / "01_loading.ipynb", as_version=4)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (apt-get install chromium)")
def test_jupyterlab_opens_a_chapter_md_as_a_notebook(lab: dict) -> None:
    """What a reader sees after double-clicking chapters/01_loading.md: a notebook, not text.

    Without the setting the same page holds a ``jp-FileEditor`` and no notebook
    (checked by hand when this test was written).
    """
    page = f"{lab['base']}/lab/tree/chapters/01_loading.md?token={lab['token']}&reset"
    dom = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",  # CI runs as root
            "--disable-gpu",
            "--window-size=1400,900",
            "--virtual-time-budget=30000",
            f"--user-data-dir={lab['tmp'] / 'chromium'}",
            "--dump-dom",
            page,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    ).stdout
    classes = re.findall(r'class="([^"]*)"', dom)
    assert any("jp-NotebookPanel-notebook" in c.split() for c in classes), dom[-2000:]
    assert not any("jp-FileEditor" in c.split() for c in classes)
    # The chapter's prose, rendered as Markdown cells: by jupyterlab-myst (the
    # book's environment), which wraps each cell's output in a `myst` widget,
    # or by JupyterLab's own renderer (`jp-mod-rendered`).
    soup = BeautifulSoup(dom, "html.parser")
    cells = soup.select(".jp-MarkdownCell")
    rendered = [c for c in cells if "jp-mod-rendered" in c["class"] or c.select_one(".myst")]
    assert len(rendered) >= 10
    titles = [h.get_text(strip=True) for h in soup.select("h1")]
    assert "Loading sequences and measurements" in titles
    # MyST directives render: the exercises are boxes numbered within the notebook.
    exercises = [e.get_text(" ", strip=True) for e in soup.select(".myst-exercise-title")]
    if exercises:  # jupyterlab-myst installed
        assert exercises[0].startswith("Exercise 1 (GC content from SeqIO records)")
    # A number from the prose, computed by the chapter (its stored glue output),
    # shows as a number, not as a placeholder.
    n_promoters = render_value("ch01_n_promoters", False, glue_outputs(CHAPTER_01))
    text = " ".join(soup.get_text(" ", strip=True).split())
    assert f"The table has {n_promoters} rows" in text
    assert "{glue" not in text


# --- one supported Python range --------------------------------------------------------


def test_one_python_range_everywhere() -> None:
    spec = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    pythons = install_check.supported_pythons()
    minors = [int(version.split(".")[1]) for version in pythons]
    assert minors == list(range(minors[0], minors[-1] + 1))  # no gap
    stated = f"Python {pythons[0]} to 3.{minors[-1]}"
    assert stated in (ROOT / "README.md").read_text(), f"README.md should say {stated!r}"
    assert (BINDER / "runtime.txt").read_text().strip() == f"python-3.{minors[0]}"
    assert sys.version.split()[0] in SpecifierSet(spec)
    ruff = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["target-version"]
    assert ruff == f"py3{minors[0]}"
    # The lock is compiled for the oldest supported Python.
    assert f"--python-version {pythons[0]}" in (ROOT / "Makefile").read_text()
