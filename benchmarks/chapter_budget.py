"""Measure each chapter's wall time and peak memory against the book's budget.

Every chapter must execute in a fresh kernel in under 60 s and 1.5 GB on a
2-core machine (what Binder and a student laptop give). This script executes
each ``chapters/*.ipynb`` in its own fresh kernel with :mod:`nbclient`, working
on an in-memory copy (the files are never modified), and records

``wall_s``
    seconds from starting the kernel to the end of the last cell (what a reader
    waits for with "Restart and run all");
``cells_s``
    seconds spent executing cells only (``wall_s`` minus kernel start-up);
``peak_mb``
    the peak resident memory of the kernel process (``VmHWM`` in
    ``/proc/<pid>/status``: the kernel's high-water mark, exact, not sampled);
``tree_peak_mb``
    the peak of the summed resident memory of the kernel and all its child
    processes (e.g. joblib workers), sampled every 0.1 s with :mod:`psutil`.

The budget is checked against ``max(peak_mb, tree_peak_mb)`` and ``wall_s``.
MB means 10**6 bytes, so 1.5 GB is 1500 MB.

The table is printed and written to ``benchmarks/results/chapter_budget.csv``
and ``.md``; the exit status is 1 if any chapter fails or exceeds the budget.

``--book`` also times a clean, strict build of the whole book (``jupyter-book
clean --all .`` then ``jupyter-book build . -W -n --keep-going``; target under
5 minutes) and appends it to the Markdown report. It rebuilds ``_build/``: do
not run it while others are building.

Examples
--------
::

    python benchmarks/chapter_budget.py                      # every chapter
    python benchmarks/chapter_budget.py --chapters 'chapters/03_*.ipynb'
    python benchmarks/chapter_budget.py --skip-chapters --book
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, fields
from pathlib import Path

import nbformat
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools.execution import MAX_MB, MAX_SECONDS, MB, ChapterResult, execute_notebook  # noqa: E402
from tools.outputs import compare_runs, load_sanitizer  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"

#: Target for a clean, strict build of the whole book.
MAX_BOOK_SECONDS = 300.0


def _compare_with_stored(path: Path, executed: nbformat.NotebookNode) -> str:
    """``"same"`` or ``"N cell(s) differ"``: the fresh outputs vs the stored ones."""
    problems, _ = compare_runs(nbformat.read(path, as_version=4), [executed], load_sanitizer())
    for problem in problems:
        print("  " + problem.replace("\n", "\n  "), file=sys.stderr)
    return "same" if not problems else f"{len(problems)} cell(s) differ"


_BUILD_WRAPPER = """
import json, resource, subprocess, sys
jb, out = sys.argv[1], sys.argv[2]
code = subprocess.call([jb, "clean", "--all", "."])
if code == 0:
    code = subprocess.call([jb, "build", ".", "-W", "-n", "--keep-going"])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
with open(out, "w") as handle:
    json.dump({"code": code, "peak_bytes": peak}, handle)
"""


def time_book_build() -> tuple[float, int, float]:
    """Clean and strictly build the whole book; return (seconds, exit status, peak MB).

    The build runs in a wrapper process, so that the peak memory reported is
    the largest resident set of any process *of the build* (``RUSAGE_CHILDREN``
    of the wrapper), typically the kernel of the heaviest chapter.
    """
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "build.json"
        start = time.perf_counter()
        subprocess.call(
            [sys.executable, "-c", _BUILD_WRAPPER, str(bin_dir / "jupyter-book"), str(out)],
            cwd=ROOT,
            env=env,
        )
        seconds = time.perf_counter() - start
        info = json.loads(out.read_text()) if out.exists() else {"code": -1, "peak_bytes": 0}
    return seconds, int(info["code"]), info["peak_bytes"] / MB


def to_markdown(results: list[ChapterResult]) -> str:
    """The results as a Markdown table."""
    names = [f.name for f in fields(ChapterResult)]
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    for res in results:
        row = asdict(res)
        row["within_budget"] = "yes" if res.within_budget else "**NO**"
        lines.append("| " + " | ".join(str(row[n]) for n in names) + " |")
    return "\n".join(lines)


def write_results(
    results: list[ChapterResult],
    book_line: str | None,
    out: Path,
    *,
    max_seconds: float = MAX_SECONDS,
    max_mb: float = MAX_MB,
) -> None:
    """Write ``chapter_budget.csv`` and ``chapter_budget.md`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "chapter_budget.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[f.name for f in fields(ChapterResult)])
        writer.writeheader()
        writer.writerows(asdict(res) for res in results)
    header = (
        f"Budget per chapter: {max_seconds:.0f} s wall time and {max_mb:.0f} MB peak memory "
        f"(MB = 10**6 bytes); machine: {os.cpu_count()} CPUs, "
        f"{psutil.virtual_memory().total / 1e9:.1f} GB RAM; load average at the end "
        f"{os.getloadavg()[0]:.1f} (other work on the machine slows the chapters down).\n\n"
    )
    text = header + to_markdown(results) + "\n"
    if results:
        total = sum(r.wall_s for r in results)
        text += f"\nTotal wall time of the chapters: {total:.0f} s.\n"
    if book_line:
        text += "\n" + book_line + "\n"
    (out / "chapter_budget.md").write_text(text, encoding="utf-8")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--chapters",
        default="chapters/*.ipynb",
        help="glob of notebooks, relative to the repository root (default: %(default)s)",
    )
    parser.add_argument(
        "--timeout", type=int, default=300, help="per-cell timeout in seconds (default: 300)"
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=MAX_SECONDS,
        help="wall-time budget per chapter (default: %(default)s)",
    )
    parser.add_argument(
        "--max-mb",
        type=float,
        default=MAX_MB,
        help="peak-memory budget per chapter in MB (default: %(default)s)",
    )
    parser.add_argument(
        "--book", action="store_true", help="also time a clean strict build of the book"
    )
    parser.add_argument(
        "--skip-chapters", action="store_true", help="do not execute the chapters (with --book)"
    )
    parser.add_argument(
        "--check-outputs",
        action="store_true",
        help="also compare each fresh execution with the stored outputs, with nbval's "
        "rules and sanitizer (see check_determinism.py); a difference fails the run",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the tables")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    budget = {"max_seconds": args.max_seconds, "max_mb": args.max_mb}

    results: list[ChapterResult] = []
    if not args.skip_chapters:
        paths = sorted(Path(p) for p in glob.glob(str(ROOT / args.chapters)))
        if not paths:
            print(f"No notebooks match {args.chapters!r}.", file=sys.stderr)
            return 2
        for path in paths:
            print(f"executing {path.relative_to(ROOT)} ...", file=sys.stderr, flush=True)
            executed, result = execute_notebook(path, timeout=args.timeout, **budget)
            if args.check_outputs and result.status == "ok":
                result.outputs = _compare_with_stored(path, executed)
            results.append(result)
            print(
                f"  {result.status}: {result.wall_s} s, kernel peak {result.peak_mb} MB, "
                f"with children {result.tree_peak_mb} MB",
                file=sys.stderr,
                flush=True,
            )

    book_line = None
    book_ok = True
    if args.book:
        print("clean strict build of the book ...", file=sys.stderr, flush=True)
        seconds, code, peak_mb = time_book_build()
        book_ok = code == 0 and seconds <= MAX_BOOK_SECONDS
        book_line = (
            f"Clean strict book build: {seconds:.0f} s (target {MAX_BOOK_SECONDS:.0f} s), "
            f"exit status {code}, largest process {peak_mb:.0f} MB"
            + ("" if book_ok else " -- **OVER BUDGET OR FAILED**")
            + "."
        )

    write_results(results, book_line, args.out, **budget)
    if results:
        print(to_markdown(results))
    if book_line:
        print("\n" + book_line)
    print(f"\n(written to {args.out / 'chapter_budget.md'} and .csv)", file=sys.stderr)

    over = [
        r.chapter
        for r in results
        if not r.within_budget or r.outputs not in ("same", "not checked")
    ]
    if over:
        print(
            f"\nOVER BUDGET, failed or outputs differ ({args.max_seconds:.0f} s / {args.max_mb:.0f} MB): "
            + ", ".join(over),
            file=sys.stderr,
        )
    return 0 if not over and book_ok else 1


if __name__ == "__main__":
    sys.exit(main())
