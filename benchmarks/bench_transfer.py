"""Chapter 11's verdicts over several runs: the latent-site model against the Promoter Calculator.

One fit of :class:`~helpers.transfer.LatentSiteRegressor` on La Fleur's
library gives one r per test library; whether it "beats the Calculator on
k of 5 libraries" can then hinge on the last digits of a fit. Here each
verdict is computed over ``SEEDS`` runs: run ``s`` fits on a random 90 % of
La Fleur's rows (seed ``s``), for each placement rule (``"sum"`` and
``"max"``, each **refitted**), and compares it with the Calculator on each of
the five large libraries with a paired bootstrap (95 % interval of
r(model) − r(Calculator), bootstrap seed ``s``). A fit from a neutral start
(``init_scale=0.05``, all La Fleur rows) records which −35 and −10 words the
weights end at.

Writes ``benchmarks/results/transfer_runs.json``; chapter 11 reads it and
``tests/test_transfer.py::test_bench_transfer_reproduces`` (slow) re-runs
one seed and compares within the book's output tolerance.
Run: ``.venv/bin/python benchmarks/bench_transfer.py`` (about ten converged
fits on 12,000 rows; tens of minutes on one core), or ``--seed S`` /
``--neutral`` for one part (merged into the file).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from helpers.datasets import load_lafleur2022, load_lafleur2022_validation
from helpers.evaluation import paired_bootstrap_diff
from helpers.transfer import LatentSiteRegressor

RESULT = Path(__file__).parent / "results" / "transfer_runs.json"
LARGE = ["hossain", "yu", "lagator_pl", "lagator_pr", "lagator_36n"]
SEEDS = (0, 1, 2)
AGGREGATES = ("sum", "max")
SUBSAMPLE = 0.9


def one_run(seed: int, aggregate: str, libraries: dict) -> dict:
    """Fit on a 90 % subsample of La Fleur (seed) and compare with the Calculator per library."""
    promoters = load_lafleur2022()
    rows = np.random.default_rng(seed).random(len(promoters)) < SUBSAMPLE
    start = time.process_time()
    model = LatentSiteRegressor(aggregate=aggregate).fit(
        promoters["sequence"][rows], promoters["observed"].to_numpy()[rows]
    )
    out = {"seed": seed, "aggregate": aggregate, "converged": model.converged_, "libraries": {}}
    for name in LARGE:
        lib = libraries[name]
        observed = lib["expression"].to_numpy()
        predicted = model.predict(lib["sequence"])
        diff = paired_bootstrap_diff(
            observed, predicted, lib["calculator"].to_numpy(), n_boot=500, random_state=seed
        )
        out["libraries"][name] = {
            "r": float(np.corrcoef(observed, predicted)[0, 1]),
            "minus_calc": float(diff.estimate),
            "lo": float(diff.low),
            "hi": float(diff.high),
        }
    out["mean_r"] = float(np.mean([v["r"] for v in out["libraries"].values()]))
    out["cpu_seconds"] = round(time.process_time() - start, 1)
    return out


def neutral_start() -> dict:
    """Fit all of La Fleur from near-zero weights: which boxes does the fit find on its own?"""
    promoters = load_lafleur2022()
    model = LatentSiteRegressor(init_scale=0.05)
    model.fit(promoters["sequence"], promoters["observed"].to_numpy())
    words = {
        part: model.weights_.table(part).idxmax(axis=1).str.cat() for part in ("minus35", "minus10")
    }
    return {"init_scale": 0.05, "converged": model.converged_, **words}


def _merge(key: str, value) -> None:
    results = json.loads(RESULT.read_text()) if RESULT.exists() else {}
    if key == "runs":
        old = [
            r
            for r in results.get("runs", [])
            if (r["seed"], r["aggregate"]) not in {(v["seed"], v["aggregate"]) for v in value}
        ]
        value = sorted(old + value, key=lambda r: (r["aggregate"], r["seed"]))
    results[key] = value
    RESULT.parent.mkdir(exist_ok=True)
    RESULT.write_text(json.dumps(results, indent=1) + "\n")


def main() -> None:
    """Run the seeds (or the part named on the command line) and merge into the result file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, action="append", help="run only these seeds")
    parser.add_argument("--aggregate", action="append", choices=AGGREGATES)
    parser.add_argument("--neutral", action="store_true", help="run only the neutral start")
    args = parser.parse_args()
    threadpool_limits(1)
    libraries = {name: load_lafleur2022_validation(name) for name in LARGE}
    if args.neutral:
        _merge("neutral_start", neutral_start())
        return
    for aggregate in args.aggregate or AGGREGATES:
        for seed in args.seed or SEEDS:
            run = one_run(seed, aggregate, libraries)
            print(json.dumps(run), flush=True)
            _merge("runs", [run])
    if not args.seed and not args.aggregate:
        _merge("neutral_start", neutral_start())


if __name__ == "__main__":
    main()
