"""Benchmark: the sharded Dask pipeline against the in-memory recipe as N grows.

For each N (default 100k, 1M, 5M simulated 100-nt promoters) and k-mers of
k = 1..5 (1,364 features), runs in a fresh process (so peak memory is that
run's own):

* **sharded**, with 1 and 2 Dask workers (``LocalCluster``, processes, one
  thread each): simulate N promoters into Parquet shards, featurise + reduce
  (exact ridge from sufficient statistics, alpha chosen on one validation
  shard), evaluate on held-out shards. Wall time of each step, throughput,
  peak resident memory of each worker and of all processes together;
* **in memory** (the book's recipe: one DataFrame, one sparse k-mer matrix,
  ``Ridge``) at the sizes it survives under an address-space limit.

The last line summarises ``peak_ratio=<total peak at the largest N / at the
smallest N> speedup_2w=<1-worker / 2-worker featurise+reduce time at the
largest N>``. The machine is shared: timings are noisy.

Usage::

    nice python benchmarks/bench_scale.py                     # 100k, 1M, 5M
    nice python benchmarks/bench_scale.py --n 100000,1000000 --csv results.csv
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _vmhwm_mb() -> float:
    """Peak resident memory of this process in MB (Linux VmHWM)."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # pragma: no cover


def _one_thread() -> None:
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def run_sharded(n: int, workers: int, kmin: int, kmax: int, shard_size: int) -> dict:
    """One sharded run in this process (called in a fresh subprocess)."""
    from distributed import Client, LocalCluster
    from threadpoolctl import threadpool_limits

    from helpers.encoding import KmerVectorizer
    from helpers.scale import ShardedRidge, write_promoter_shards

    threadpool_limits(1)
    n_val = n_test = max(1, shard_size // 2)
    with tempfile.TemporaryDirectory(prefix="bench_scale_") as tmp:
        with (
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                memory_limit=0,
            ) as cluster,
            Client(cluster) as client,
        ):
            client.run(_one_thread)
            t0 = time.perf_counter()
            train = write_promoter_shards(
                Path(tmp) / "train", n, random_state=1, shard_size=shard_size
            )
            held = write_promoter_shards(
                Path(tmp) / "held", n_val + n_test, random_state=2, shard_size=n_val
            )
            t1 = time.perf_counter()
            model = ShardedRidge(
                KmerVectorizer(k=(kmin, kmax)), alphas=(1.0, 10.0, 100.0, 1000.0)
            ).fit(train, validation_shards=held[:1])
            t2 = time.perf_counter()
            scores = model.score_shards(held[1:])
            t3 = time.perf_counter()
            worker_peaks = client.run(_vmhwm_mb)
        peaks = sorted(worker_peaks.values())
    client_peak = _vmhwm_mb()
    total = t3 - t0
    return {
        "recipe": "sharded",
        "n": n,
        "workers": workers,
        "simulate_s": round(t1 - t0, 2),
        "featurise_reduce_s": round(t2 - t1, 2),
        "evaluate_s": round(t3 - t2, 2),
        "total_s": round(total, 2),
        "seq_per_s": round(n / total),
        "peak_worker_mb": round(max(peaks)),
        "peak_total_mb": round(sum(peaks) + client_peak),
        "heldout_r": round(scores["pearson_r"], 4),
        "alpha": model.alpha_,
    }


def run_in_memory(n: int, kmin: int, kmax: int, limit_gb: float) -> dict:
    """The in-memory recipe under an address-space limit (fresh subprocess)."""
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import Ridge

    from helpers.encoding import KmerVectorizer
    from helpers.scale import simulate_batch

    limit = int(limit_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    row = {"recipe": "in-memory", "n": n, "workers": 1}
    t0 = time.perf_counter()
    try:
        seqs, expr = simulate_batch(n, np.random.default_rng(1))
        frame = pd.DataFrame(
            {"sequence": seqs.view(f"S{seqs.shape[1]}").ravel().astype(str), "expression": expr}
        )
        del seqs
        t1 = time.perf_counter()
        X = KmerVectorizer(k=(kmin, kmax)).fit_transform(frame["sequence"])
        Ridge(alpha=100.0).fit(X, frame["expression"])
        t2 = time.perf_counter()
    except MemoryError:
        row.update(status=f"MemoryError under {limit_gb:g} GB", peak_total_mb=_vmhwm_mb())
        return row
    row.update(
        simulate_s=round(t1 - t0, 2),
        featurise_reduce_s=round(t2 - t1, 2),
        total_s=round(t2 - t0, 2),
        seq_per_s=round(n / (t2 - t0)),
        peak_worker_mb=round(_vmhwm_mb()),
        peak_total_mb=round(_vmhwm_mb()),
        status="ok",
    )
    return row


def _subprocess(args: list[str]) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    out = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, env=env, check=False
    )
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode != 0 or not lines:
        return {"status": f"failed (exit {out.returncode}): {out.stderr.strip()[-300:]}"}
    return json.loads(lines[-1])


def main(argv: list[str] | None = None) -> None:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", default="100000,1000000,5000000", help="comma-separated sizes")
    parser.add_argument("--k", default="1,5", help="kmin,kmax of the k-mers (default 1,5)")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--shard-size", type=int, default=100_000)
    parser.add_argument("--inmemory-max", type=int, default=1_000_000, help="largest in-memory N")
    parser.add_argument(
        "--inmemory-limit-gb", type=float, default=4.0, help="address-space limit (a laptop)"
    )
    parser.add_argument("--csv", help="also write the table to this CSV file")
    parser.add_argument(
        "--previous", help="CSV of an earlier run (--csv) to include in the table and summary"
    )
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)  # internal: sharded N W
    parser.add_argument("--one-in-memory", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    kmin, kmax = (int(v) for v in args.k.split(","))
    if args.one:
        row = run_sharded(int(args.one[0]), int(args.one[1]), kmin, kmax, args.shard_size)
        print(json.dumps(row))
        return
    if args.one_in_memory:
        print(json.dumps(run_in_memory(args.one_in_memory, kmin, kmax, args.inmemory_limit_gb)))
        return

    import pandas as pd

    sizes = [int(v) for v in args.n.split(",")]
    workers = [int(v) for v in args.workers.split(",")]
    common = ["--k", args.k, "--shard-size", str(args.shard_size)]
    rows = []
    for n in sizes:
        for w in workers:
            print(f"sharded N={n:,} workers={w} ...", file=sys.stderr, flush=True)
            rows.append(
                {"recipe": "sharded", "n": n, "workers": w}
                | _subprocess(["--one", str(n), str(w), *common])
            )
            print(rows[-1], file=sys.stderr, flush=True)
        if n <= args.inmemory_max:
            print(f"in-memory N={n:,} ...", file=sys.stderr, flush=True)
            extra = ["--inmemory-limit-gb", str(args.inmemory_limit_gb)]
            rows.append(
                {"recipe": "in-memory", "n": n}
                | _subprocess(["--one-in-memory", str(n), *common, *extra])
            )
            print(rows[-1], file=sys.stderr, flush=True)
    table = pd.DataFrame(rows)
    if args.previous:
        table = pd.concat([pd.read_csv(args.previous), table], ignore_index=True)
        table = table.sort_values(["n", "recipe"], kind="stable", ignore_index=True)
    columns = [
        "recipe",
        "n",
        "workers",
        "simulate_s",
        "featurise_reduce_s",
        "evaluate_s",
        "total_s",
        "seq_per_s",
        "peak_worker_mb",
        "peak_total_mb",
        "heldout_r",
        "status",
    ]
    table = table.reindex(columns=[c for c in columns if c in table.columns])
    print(f"k = {kmin}..{kmax}, shard size {args.shard_size:,}; shared machine: timings are noisy")
    print(table.to_string(index=False))
    if args.csv:
        table.to_csv(args.csv, index=False)
    sharded = table[table["recipe"] == "sharded"]
    two = sharded[sharded["workers"] == max(workers)].dropna(subset=["peak_total_mb"])
    peak_ratio = float("nan")
    if len(two) >= 2:
        peak_ratio = two["peak_total_mb"].iloc[-1] / two["peak_total_mb"].iloc[0]
    speedup, speedup_n = float("nan"), None
    for n_value, group in sharded.dropna(subset=["featurise_reduce_s"]).groupby("n"):
        by_workers = group.set_index("workers")["featurise_reduce_s"]
        if {1, 2} <= set(by_workers.index):  # the largest N run with both worker counts
            speedup, speedup_n = by_workers[1] / by_workers[2], n_value
    if speedup_n is not None and speedup_n != sharded["n"].max():
        print(f"(speedup_2w measured at N={speedup_n:,}, the largest N run with 1 and 2 workers)")
    print(f"peak_ratio={peak_ratio:.2f} speedup_2w={speedup:.2f}")


if __name__ == "__main__":
    main()
