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
import functools
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"

#: The budget every chapter must meet (see CONTRIBUTING.md).
MAX_SECONDS = 60.0
MAX_MB = 1500.0
#: Target for a clean, strict build of the whole book.
MAX_BOOK_SECONDS = 300.0

MB = 1e6
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class ChapterResult:
    """One chapter's measurements."""

    chapter: str
    status: str  # "ok", "error: ...", "timeout"
    code_cells: int
    wall_s: float
    cells_s: float
    peak_mb: float
    tree_peak_mb: float
    within_budget: bool
    outputs: str = "not checked"  # with --check-outputs: "same" or "N cell(s) differ"


def _vm_hwm_bytes(pid: int) -> int:
    """Peak resident set size (``VmHWM``) of a live process, in bytes."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024  # reported in kB
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


class MemorySampler(threading.Thread):
    """Sample a process's memory every ``interval`` seconds until stopped.

    Keeps two peaks: the process's own ``VmHWM`` (exact high-water mark, read
    while the process is alive) and the summed RSS of the process and all its
    descendants (sampled; shared pages are counted once per process, so this
    errs on the high side).
    """

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.hwm_bytes = 0
        self.tree_bytes = 0
        self._stop_event = threading.Event()

    def _tree_rss(self) -> int:
        try:
            root = psutil.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return 0
        total = 0
        for proc in procs:
            try:
                total += proc.memory_info().rss
            except psutil.Error:  # a worker may exit between listing and reading
                pass
        return total

    def sample(self) -> None:
        """Update both peaks now."""
        self.hwm_bytes = max(self.hwm_bytes, _vm_hwm_bytes(self.pid))
        self.tree_bytes = max(self.tree_bytes, self._tree_rss())

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        """Stop sampling (call :meth:`sample` first while the process lives)."""
        self._stop_event.set()
        self.join()


def _compare_with_stored(path: Path, executed: nbformat.NotebookNode) -> str:
    """``"same"`` or ``"N cell(s) differ"``: the fresh outputs vs the stored ones."""
    from check_determinism import compare_runs, load_sanitizer

    problems, _ = compare_runs(nbformat.read(path, as_version=4), [executed], load_sanitizer())
    for problem in problems:
        print("  " + problem.replace("\n", "\n  "), file=sys.stderr)
    return "same" if not problems else f"{len(problems)} cell(s) differ"


def kernel_env() -> dict[str, str]:
    """The environment for a chapter's kernel: ours, without a forced matplotlib backend.

    ipykernel selects the inline backend (figures as ``display_data`` outputs,
    as stored in the chapters) only when ``MPLBACKEND`` is unset; with
    ``MPLBACKEND=Agg`` figures vanish from the outputs and every figure cell
    differs from its stored version (nbval fails the same way).
    """
    env = dict(os.environ)
    backend = env.pop("MPLBACKEND", None)
    if backend and "inline" not in backend:
        _note_backend(backend)
    return env


@functools.cache
def _note_backend(backend: str) -> None:
    print(
        f"note: MPLBACKEND={backend} is not passed to the kernels (it would hide figures).",
        file=sys.stderr,
    )


def _kernel_pid(client: NotebookClient) -> int:
    """PID of the kernel process a running :class:`NotebookClient` started."""
    provisioner = client.km.provisioner
    pid = getattr(provisioner, "pid", None)
    if pid is None:
        pid = provisioner.process.pid
    return int(pid)


def execute_notebook(
    path: Path,
    *,
    timeout: int = 300,
    kernel_name: str = "python3",
    skip_tag: str = "skip-execution",
    max_seconds: float = MAX_SECONDS,
    max_mb: float = MAX_MB,
) -> tuple[nbformat.NotebookNode, ChapterResult]:
    """Execute a copy of the notebook at ``path`` in a fresh kernel and measure it.

    Parameters
    ----------
    path : pathlib.Path
        The notebook. It is read, executed in memory and never written.
    timeout : int, default=300
        Per-cell timeout in seconds passed to nbclient.
    kernel_name : str, default="python3"
        Kernel to start.
    skip_tag : str, default="skip-execution"
        Cells with this tag are not executed (the book's builder skips
        ``skip-execution`` cells; nbval skips ``nbval-skip`` ones).
    max_seconds, max_mb : float
        The budget: wall time in seconds and peak memory in MB.

    Returns
    -------
    notebook : nbformat.NotebookNode
        The executed copy (with fresh outputs).
    result : ChapterResult
        Timings and peak memory; ``within_budget`` is judged against
        ``max_seconds`` and ``max_mb``.
    """
    nb = nbformat.read(path, as_version=4)
    code_cells = sum(cell.cell_type == "code" for cell in nb.cells)
    times: dict[str, float] = {}
    samplers: list[MemorySampler] = []

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel_name,
        skip_cells_with_tag=skip_tag,
        resources={"metadata": {"path": str(path.parent)}},
    )

    def on_notebook_start(**_: object) -> None:
        sampler = MemorySampler(_kernel_pid(client))
        sampler.start()
        samplers.append(sampler)
        times["cells_start"] = times["cells_end"] = time.perf_counter()

    def on_cell_done(**_: object) -> None:
        # Called after each cell's reply, while the kernel is alive: VmHWM read
        # here is exact whatever the sampling interval.
        samplers[-1].sample()
        times["cells_end"] = time.perf_counter()

    client.on_notebook_start = on_notebook_start
    client.on_cell_executed = on_cell_done
    client.on_cell_error = on_cell_done

    status = "ok"
    times["start"] = time.perf_counter()
    try:
        client.execute(env=kernel_env())
    except CellTimeoutError:
        status = "timeout"
    except CellExecutionError as err:
        lines = _ANSI.sub("", str(err)).strip().splitlines()
        status = f"error: {lines[-1][:80] if lines else '?'}"
    except Exception as err:  # kernel died (e.g. out of memory), failed to start...
        status = f"error: {type(err).__name__}: {str(err)[:80]}"
    end = time.perf_counter()

    hwm = tree = 0
    if samplers:
        samplers[-1].stop()
        hwm, tree = samplers[-1].hwm_bytes, samplers[-1].tree_bytes
    # Wall time: kernel start-up and all cells (not the kernel shut-down);
    # after a failure or timeout, up to the moment execution gave up.
    if status != "ok":
        times["cells_end"] = end
    wall_s = times.get("cells_end", end) - times["start"]
    cells_s = times.get("cells_end", end) - times.get("cells_start", times["start"])
    peak_mb = hwm / MB
    tree_peak_mb = tree / MB
    result = ChapterResult(
        chapter=str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path),
        status=status,
        code_cells=code_cells,
        wall_s=round(wall_s, 1),
        cells_s=round(cells_s, 1),
        peak_mb=round(peak_mb),
        tree_peak_mb=round(tree_peak_mb),
        within_budget=(
            status == "ok" and wall_s <= max_seconds and max(peak_mb, tree_peak_mb) <= max_mb
        ),
    )
    return nb, result


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
