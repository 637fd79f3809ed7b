"""How long the "use your own data" template takes, by file size (a benchmark, not a test).

Runs :func:`helpers.report.run_coursework_report` with the chapter's default
settings (5 folds, every candidate model, importance and mutagenesis) in a
fresh Python process per run, with BLAS/OpenMP limited to one thread as the
chapter does, and records wall time, CPU time and peak memory (the process's
maximum resident set size):

- synthetic libraries of 150-nt sequences (random sequence with planted
  boxes, as a designed library would be), 1,000 to 10,000 rows: the budget
  is under 60 s and 1.5 GB for 10,000 sequences on 2 cores;
- optionally (``--published``) the published files the tests use, with the
  settings a reader would put in the settings cell.

Results go to ``benchmarks/bench_report_results.csv`` and ``.md`` (committed:
``benchmarks/results/`` is git-ignored); the chapter reads the CSV to say what
size takes how long, so re-execute chapter 09 after re-running this. On a shared machine wall time
is inflated by other processes: the load average is recorded beside it, and
CPU time is the fairer number.

Usage::

    .venv/bin/python benchmarks/bench_report.py                 # synthetic sizes
    .venv/bin/python benchmarks/bench_report.py --published     # + published files
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from helpers import datasets
from helpers.coursework.settings import TEMPLATE_SETTINGS

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "bench_report_results.csv"


def synthetic_file(n: int, length: int, folder: Path, seed: int = 0) -> Path:
    """A CSV of ``n`` random ``length``-nt sequences with planted boxes and a noisy target."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    bases = np.array(list("ACGT"))
    seqs = bases[rng.integers(0, 4, size=(n, length))]
    signal = np.zeros(n)
    for box, where, effect in (("TTGACA", 40, 1.0), ("TATAAT", 63, 1.5)):
        planted = rng.random(n) < 0.5
        seqs[planted, where : where + 6] = list(box)
        signal += effect * planted
    strings = ["".join(row) for row in seqs]
    target = signal + 0.3 * np.array([s.count("GC") for s in strings]) / 10 + rng.normal(0, 0.5, n)
    path = folder / f"synthetic_{n}x{length}.csv"
    pd.DataFrame(
        {"id": [f"s{i}" for i in range(n)], "sequence": strings, "expression": target}
    ).to_csv(path, index=False)
    return path


def published_path(name: str) -> Path | None:
    """The verified copy of a published file (shipped, or in ``$SEQ2EXPR_DATA_DIR``), or None."""
    try:
        return datasets.fetch(name)
    except datasets.DatasetUnavailableError:
        return None


def worker(spec: dict) -> dict:
    """One run in this (fresh) process; returns what was measured."""
    import resource

    from threadpoolctl import threadpool_limits

    wall, cpu = time.perf_counter(), time.process_time()
    from helpers.coursework.pipeline import run_coursework_report
    from helpers.data.table import TableSpec

    with threadpool_limits(1):
        table_spec = TableSpec(**spec["settings"])
        report = run_coursework_report(spec["path"], table_spec, output_dir=spec["out"])
    best = report.cv.best_model
    return {
        "file": spec["label"],
        "rows": report.qc.n_output,
        "length": int(report.data["sequence"].str.len().median()),
        "best_model": best,
        "pooled_r": round(float(report.cv.summary.loc[best, "pearson_r_pooled"]), 3),
        "pooled_r2": round(float(report.cv.summary.loc[best, "r2_pooled"]), 3),
        "fold_sizes": " ".join(str(n) for n in report.cv.plan.table["n_test"]),
        "folds_by": report.cv.plan.method,
        "wall_s": round(time.perf_counter() - wall, 1),
        "cpu_s": round(time.process_time() - cpu, 1),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def run(spec: dict) -> dict:
    """Run :func:`worker` in a fresh interpreter (clean peak memory)."""
    result = subprocess.run(
        [sys.executable, __file__, "--worker", json.dumps(spec)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    row = json.loads(result.stdout.strip().splitlines()[-1])
    row["load_avg"] = round(os.getloadavg()[0], 1)
    return row


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2500, 5000, 10000])
    parser.add_argument("--length", type=int, default=150)
    parser.add_argument("--published", action="store_true", help="also the published files")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return 0

    import pandas as pd

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in args.sizes:
            path = synthetic_file(n, args.length, folder)
            spec = {
                "label": path.name,
                "path": str(path),
                "out": str(folder / "out"),
                "settings": {},
            }
            rows.append(run(spec))
            print(rows[-1], flush=True)
        if args.published:
            for name, settings in TEMPLATE_SETTINGS.items():
                path = published_path(name)
                if path is None:
                    print(f"skipped {name}: file not found", flush=True)
                    continue
                spec = {
                    "label": name,
                    "path": str(path),
                    "out": str(folder / "out"),
                    "settings": settings.as_dict(),
                }
                rows.append(run(spec))
                print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False)
    header = (
        f"# bench_report: the coursework template, whole run per file\n\n"
        f"{os.cpu_count()} cores; one BLAS/OpenMP thread (as in the chapter); load_avg is the "
        "machine's 1-minute load average after the run (wall time grows with it; CPU time "
        "does not).\n\n"
    )
    args.out.with_suffix(".md").write_text(header + table.to_markdown(index=False) + "\n")
    print(table.to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
