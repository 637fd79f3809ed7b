"""Install the book's helpers the ways readers do, then execute chapter 01 with each install.

Used by ``tests/test_install.py`` (offline: the regular install, the clone and the set-up cell)
and by CI (``python -m tools.install_check binder`` and ``... wheels``, which
reach the package registry).

``regular``
    ``pip install .`` (not editable) into a fresh virtual environment, then
    chapter 01 executed from a folder outside the repository. The fresh
    environment takes the locked dependencies from this one's site-packages
    through a ``.pth`` line (so nothing is downloaded); the ``.pth`` files
    *inside* that folder are not read, so this environment's editable install
    of ``helpers`` is not visible there.
``clone``
    A fresh environment without ``helpers``; chapter 01, downloaded alone into
    a folder that holds a clone of the book and a reader's own ``helpers.py``,
    imports ``helpers`` from the clone: its own set-up cell finds the clone and
    puts it first on ``sys.path``.
``setup-cell``
    The set-up cell alone (``tools.notebooks.setup_cell_source``), as Colab or
    a downloaded notebook runs it, in a fresh environment without ``helpers``
    and from a folder holding a reader's own ``helpers.py``: it downloads the
    book's archive (a ``file://`` copy of this checkout, through
    ``SEQ2EXPR_ARCHIVE_URL``), imports the book's ``helpers`` ahead of the
    reader's, installs nothing (every dependency is there) and, run again,
    reuses the download; from a clone's ``chapters/`` it uses the clone.
``binder``
    What repo2docker does with ``binder/``: a fresh environment with nothing in
    it, ``pip install -r binder/requirements.txt`` from the repository's root,
    ``binder/postBuild``, then chapter 01 executed in ``chapters/``, where
    Binder opens it. Downloads the whole locked environment (about 1.5 GB).
``wheels``
    For the oldest Python of every minor version that ``requires-python``
    admits (3.11.5, 3.12.0, ...), every pin
    of ``requirements.lock`` has a wheel for Linux x86-64 (``uv pip compile
    --only-binary :all:``; asks the registry, installs nothing).

Run ``python -m tools.install_check {regular,clone,setup-cell,binder,wheels}``; each
prints what it checked and exits 1 on a failure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import tomllib
from pathlib import Path

from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "chapters" / "01_loading.ipynb"
#: What the probe cell, appended to the executed notebook, prints after this marker.
PROBE_MARK = "SEQ2EXPR_INSTALL_PROBE "
PROBE = (
    "import json, helpers, helpers.paths\n"
    f"print({PROBE_MARK!r} + json.dumps("
    '{"helpers": helpers.__file__, "book_root": str(helpers.paths.book_root())}))'
)
#: Run by the fresh environment's Python: execute a notebook in memory, print the probe's JSON.
RUNNER = """
import sys, nbformat, nbclient
path, cwd, prelude, probe, mark = sys.argv[1:6]
nb = nbformat.read(path, as_version=4)
if prelude:
    nb.cells.insert(0, nbformat.v4.new_code_cell(prelude))
nb.cells.append(nbformat.v4.new_code_cell(probe))
client = nbclient.NotebookClient(
    nb, timeout=300, startup_timeout=300, kernel_name="python3",
    resources={"metadata": {"path": cwd}},
)
client.execute()
text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout")
print(text[text.index(mark) + len(mark):].strip())
"""


def python_of(venv: Path) -> Path:
    """The interpreter of a virtual environment."""
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without what would leak this checkout into a child.

    Jupyter's user folders point into ``jupyter_home`` (given in ``extra``), so
    only the fresh environment's kernel spec is found.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "VIRTUAL_ENV", "SEQ2EXPR_BOOK_ROOT", "PYTHONHOME"}
    }
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    env.update(extra)
    return env


def run(cmd: list[str | Path], *, cwd: Path, env: dict[str, str]) -> str:
    """Run a command; on failure raise with its output."""
    result = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, cmd))} (in {cwd}) exited {result.returncode}:\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


def make_venv(venv: Path, *, borrow_site_packages: bool, env: dict[str, str]) -> Path:
    """A fresh virtual environment; optionally seeing this one's packages (read-only).

    With ``borrow_site_packages``, a ``.pth`` line adds this environment's
    site-packages folder to the new one's ``sys.path``: its packages import,
    but the ``.pth`` files inside it (this checkout's editable ``helpers``)
    are not processed.
    """
    args = [sys.executable, "-m", "venv"]
    if borrow_site_packages:
        args.append("--without-pip")
    run([*args, venv], cwd=venv.parent, env=env)
    python = python_of(venv)
    if borrow_site_packages:
        purelib = run(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            cwd=venv.parent,
            env=env,
        ).strip()
        Path(purelib, "_seq2expr_borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n")
        # The kernel spec of the new environment, found before any user or system one.
        run(
            [python, "-m", "ipykernel", "install", "--prefix", venv, "--name", "python3"],
            cwd=venv.parent,
            env=env,
        )
    return python


def source_copy(dest: Path) -> Path:
    """What an sdist holds: pyproject.toml, README.md and the package, without caches."""
    dest.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(
        ROOT / "helpers", dest / "helpers", ignore=shutil.ignore_patterns("__pycache__")
    )
    return dest


def clone_copy(dest: Path) -> Path:
    """A clone of the book as far as the helpers use it: the package, the data, the configuration."""
    dest.mkdir(parents=True)
    for name in ("_config.yml", "pyproject.toml"):
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(
        ROOT / "helpers", dest / "helpers", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(ROOT / "data", dest / "data", ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def execute(
    python: Path, notebook: Path, *, cwd: Path, env: dict[str, str], prelude: str = ""
) -> dict[str, str]:
    """Execute ``notebook`` (in memory) with ``python``'s kernel in ``cwd``; the probe's answer."""
    out = run([python, "-c", RUNNER, notebook, cwd, prelude, PROBE, PROBE_MARK], cwd=cwd, env=env)
    return json.loads(out.strip().splitlines()[-1])


def lookup(python: Path, *, cwd: Path, env: dict[str, str]) -> str:
    """``data_path("promoters.csv")`` as ``python`` sees it from ``cwd``, or the error's first words."""
    code = (
        "from helpers.paths import data_path, BookRootNotFoundError\n"
        "try:\n    print(data_path('promoters.csv'))\n"
        "except BookRootNotFoundError as e:\n    print('BookRootNotFoundError:', e)"
    )
    return run([python, "-c", code], cwd=cwd, env=env).strip()


def check_regular(work: Path) -> dict[str, object]:
    """``pip install .`` into a fresh environment; chapter 01 from outside the repository."""
    home = work / "jupyter-home"
    env = clean_env(JUPYTER_DATA_DIR=str(home / "data"), IPYTHONDIR=str(home / "ipython"))
    python = make_venv(work / "venv-regular", borrow_site_packages=True, env=env)
    src = source_copy(work / "src")
    run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            src,
        ],
        cwd=work,
        env=env,
    )
    outside = work / "reader"
    outside.mkdir()
    installed = run(
        [
            python,
            "-c",
            "import helpers, importlib.metadata as m; print(helpers.__file__); "
            "print(m.distribution('seq2expr-helpers').read_text('direct_url.json'))",
        ],
        cwd=outside,
        env=env,
    ).splitlines()
    notebook = Path(shutil.copy(CHAPTER, outside / CHAPTER.name))
    started = time.perf_counter()
    probe = execute(python, notebook, cwd=outside, env={**env, "SEQ2EXPR_BOOK_ROOT": str(ROOT)})
    return {
        "installed_at": installed[0],
        "direct_url": json.loads(installed[1]),
        "outside_without_variable": lookup(python, cwd=outside, env=env),
        "in_chapters_folder": lookup(python, cwd=ROOT / "chapters", env=env),
        "chapter": probe,
        "chapter_seconds": round(time.perf_counter() - started, 1),
    }


#: A reader's own module named ``helpers`` (common in coursework folders).
READERS_HELPERS = "def mean(values):\n    return sum(values) / len(values)\n"


def check_clone(work: Path) -> dict[str, object]:
    """Chapter 01 downloaded alone next to a clone and a reader's helpers.py, without helpers installed."""
    home = work / "jupyter-home"
    env = clean_env(JUPYTER_DATA_DIR=str(home / "data"), IPYTHONDIR=str(home / "ipython"))
    python = make_venv(work / "venv-clone", borrow_site_packages=True, env=env)
    reader = work / "downloads"
    clone_copy(reader / "sequence-to-expression")
    (reader / "helpers.py").write_text(READERS_HELPERS)
    before = run(
        [python, "-c", "import importlib.util; print(importlib.util.find_spec('helpers').origin)"],
        cwd=reader,
        env=env,
    ).strip()
    notebook = Path(shutil.copy(CHAPTER, reader / CHAPTER.name))
    started = time.perf_counter()
    probe = execute(python, notebook, cwd=reader, env=env)
    return {
        "helpers_before": before,
        "chapter": probe,
        "chapter_seconds": round(time.perf_counter() - started, 1),
    }


def book_archive(dest: Path, top: str = "sequence-to-expression-main") -> Path:
    """A ``.tar.gz`` laid out as the repository host's archive of a branch (one top folder)."""
    clone = clone_copy(dest.parent / "archive-source" / top)
    with tarfile.open(dest, "w:gz") as tar:
        tar.add(clone, arcname=top)
    return dest


#: Printed by :data:`CELL_PROBE` after the set-up cell ran.
CELL_PROBE = (
    "\nimport json, helpers, helpers.paths\n"
    f"print({PROBE_MARK!r} + json.dumps("
    '{"helpers": helpers.__file__, "book_root": str(helpers.paths.book_root())}))'
)


def run_setup_cell(
    python: Path, cwd: Path, *, env: dict[str, str], extras: tuple[str, ...] = (), before: str = ""
) -> dict[str, object]:
    """Run the set-up cell (plain Python) with ``python`` in ``cwd``; what it printed and imported."""
    from tools.notebooks import setup_cell_source

    code = f"{before}\n{setup_cell_source(list(extras))}\n{CELL_PROBE}"
    out = run([python, "-c", code], cwd=cwd, env=env)
    printed, _, probe = out.partition(PROBE_MARK)
    return {"printed": printed.strip().splitlines(), **json.loads(probe.strip())}


def check_setup_cell(work: Path) -> dict[str, object]:
    """The set-up cell as Colab or a downloaded notebook runs it (see the module's docstring)."""
    env = clean_env()
    python = make_venv(work / "venv-cell", borrow_site_packages=True, env=env)
    archive = book_archive(work / "main.tar.gz")
    reader = work / "colab"
    reader.mkdir()
    (reader / "helpers.py").write_text(READERS_HELPERS)
    fetched = run_setup_cell(
        python,
        reader,
        env={**env, "SEQ2EXPR_ARCHIVE_URL": archive.as_uri()},
        # the reader's own helpers, imported before the set-up cell ran
        before="import helpers\nassert helpers.mean([1, 3]) == 2",
    )
    nowhere = (work / "no-such-archive.tar.gz").as_uri()
    again = run_setup_cell(python, reader, env={**env, "SEQ2EXPR_ARCHIVE_URL": nowhere})
    in_clone = run_setup_cell(
        python,
        reader / "sequence-to-expression" / "data",
        env={**env, "SEQ2EXPR_ARCHIVE_URL": nowhere},
        extras=("cnn", "scale"),
    )
    return {
        "archive": str(archive),
        "fetched": fetched,
        "again": again,
        "in_clone": in_clone,
        "left_in_reader_folder": sorted(p.name for p in reader.iterdir()),
    }


def check_binder(work: Path) -> dict[str, object]:
    """repo2docker's steps for binder/, in a fresh, empty environment (downloads the lock)."""
    home = work / "jupyter-home"
    env = clean_env(JUPYTER_DATA_DIR=str(home / "data"), IPYTHONDIR=str(home / "ipython"))
    venv = work / "venv-binder"
    # --work of an earlier run: its environment is reused (pip then only checks it).
    python = (
        python_of(venv)
        if python_of(venv).exists()
        else make_venv(venv, borrow_site_packages=False, env=env)
    )
    env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
    started = time.perf_counter()
    run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "-r",
            "binder/requirements.txt",
        ],
        cwd=ROOT,
        env=env,
    )
    install_seconds = round(time.perf_counter() - started, 1)
    post = run(["bash", "binder/postBuild"], cwd=ROOT, env=env)
    listed = subprocess.run(
        [python, "-m", "jupyter", "labextension", "list"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    extensions = re.sub(r"\x1b\[[0-9;]*m", "", listed.stdout + listed.stderr)  # no colours
    for name in ("jupyterlab-jupytext", "jupyterlab-myst"):
        # Not "OK" but enabled is enough: JupyterLab 4.6 flags jupyterlab-myst 2.7.0
        # as built for @jupyter/ydoc 3 (JupyterLab ships 4), yet loads it and it renders.
        if not re.search(rf"{name} v\S+ enabled", extensions):
            raise RuntimeError(f"{name} is not an enabled JupyterLab extension:\n{extensions}")
    started = time.perf_counter()
    probe = execute(python, CHAPTER, cwd=ROOT / "chapters", env=env)
    return {
        "install_seconds": install_seconds,
        "postBuild": post.strip().splitlines(),
        "extensions": [line.strip() for line in extensions.splitlines() if " enabled" in line],
        "settings_file": str(
            next((venv / "share" / "jupyter" / "lab" / "settings" / "overrides.d").glob("*.json"))
        ),
        "chapter": probe,
        "chapter_seconds": round(time.perf_counter() - started, 1),
    }


def supported_pythons(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The oldest Python of each minor version that ``requires-python`` admits (3.0 to 3.29).

    Examples
    --------
    >>> supported_pythons()
    ['3.11.5', '3.12.0', '3.13.0', '3.14.0']
    """
    spec = SpecifierSet(tomllib.loads(pyproject.read_text())["project"]["requires-python"])
    oldest = (
        next((f"3.{minor}.{patch}" for patch in range(30) if f"3.{minor}.{patch}" in spec), None)
        for minor in range(30)
    )
    return [version for version in oldest if version is not None]


def check_wheels(work: Path) -> dict[str, object]:
    """Every pin of the lock has a Linux x86-64 wheel for the oldest Python of each supported minor version."""
    uv = Path(sys.executable).parent / "uv"
    results = {}
    for version in supported_pythons():
        run(
            [
                uv,
                "pip",
                "compile",
                ROOT / "requirements.lock",
                "--no-deps",
                "--only-binary",
                ":all:",
                "--python-version",
                version,
                "--python-platform",
                "x86_64-manylinux_2_28",
                "--quiet",
                "-o",
                work / f"lock-{version}.txt",
            ],
            cwd=ROOT,
            env=clean_env(),
        )
        results[version] = "every pin has a wheel"
    return results


CHECKS = {
    "regular": check_regular,
    "clone": check_clone,
    "binder": check_binder,
    "setup-cell": check_setup_cell,
    "wheels": check_wheels,
}


def main(argv: list[str] | None = None) -> int:
    """Run one check in a temporary folder; print its findings as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("check", choices=sorted(CHECKS))
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--work", type=Path, help="folder to work in (kept; binder reuses its environment)"
    )
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix=f"seq2expr-{args.check}-"))
    args.keep = args.keep or args.work is not None
    try:
        findings = CHECKS[args.check](work)
    except RuntimeError as error:
        print(f"install check {args.check!r} failed: {error}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(findings, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
