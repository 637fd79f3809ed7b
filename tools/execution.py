"""Execute a chapter notebook in a fresh kernel and measure its time and memory.

Shared by ``benchmarks/chapter_budget.py`` (the 60 s / 1.5 GB budget) and
``benchmarks/check_determinism.py`` (outputs reproduce). Execution itself is
:func:`tools.notebooks.execute`, the same call ``make execute`` uses.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

from tools.notebooks import ROOT, kernel_env, make_client

#: The budget every chapter must meet (see CONTRIBUTING.md).
MAX_SECONDS = 60.0
MAX_MB = 1500.0

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

    client = make_client(
        nb, path.parent, timeout=timeout, kernel_name=kernel_name, skip_cells_with_tag=skip_tag
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
