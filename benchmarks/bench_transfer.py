"""Chapter 11's verdicts over several runs: the latent-site model against the Promoter Calculator.

One fit of :class:`~helpers.transfer.LatentSiteRegressor` on La Fleur's
library gives one r per test library; whether it "beats the Calculator on
k of 5 libraries" can then hinge on the last digits of a fit. Here each
verdict is computed over ``SEEDS`` runs. Run ``s`` fits both placement rules
(``"sum"`` and ``"max"``, each **refitted** to convergence) on the same random
90 % of La Fleur's rows (seed ``s``) and compares, on each of the five large
libraries, each rule with the Calculator and ``"max"`` with ``"sum"`` by a
paired bootstrap (95 % interval, bootstrap seed ``s``), and the mean r over
the five libraries by a paired bootstrap that resamples every library at
once. An interval is read with :func:`helpers.evaluation.verdict` (a bound
must clear 0 by the book's output tolerance, 0.005, so a verdict cannot flip
on rounding). Across runs a verdict is stated only where every run agrees;
otherwise it is "depends on the run".

Two more fits on all of La Fleur's rows: the model chapter 11 shows (the
rule chosen by ``benchmarks/transfer_selection.py``, La Fleur only), whose
fitted parameters (92 numbers) the chapter loads instead of refitting them
(a converged fit takes about a minute of CPU), and the same fit from a
neutral start (``init_scale=0.05``), which records which −35 and −10 words
the weights reach on their own.

Writes ``benchmarks/results/transfer_runs.json``; chapter 11 reads it and
``tests/test_estimators_latent_sites.py::test_bench_transfer_reproduces`` (slow) re-runs
seed 0, the final fit and the neutral start and compares numbers within the
book's output tolerance and verdict words exactly.
Run: ``.venv/bin/python benchmarks/bench_transfer.py`` (eight converged fits
on about 12,000 rows; about 15 minutes on one core), or ``--seed S`` /
``--final`` / ``--neutral`` for one part (merged into the file).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from helpers.datasets import load_lafleur2022, load_lafleur2022_validation
from helpers.evaluation import paired_bootstrap_diff, verdict
from helpers.transfer import LatentSiteRegressor

RESULT = Path(__file__).parent / "results" / "transfer_runs.json"
SELECTION = Path(__file__).parent / "results" / "transfer_selection.json"
LARGE = ["hossain", "yu", "lagator_pl", "lagator_pr", "lagator_36n"]
SEEDS = (0, 1, 2)
AGGREGATES = ("sum", "max")
SUBSAMPLE = 0.9
N_BOOT = 500
#: Words of :func:`helpers.evaluation.verdict` for "model minus Calculator".
VS_CALC = ("model ahead", "Calculator ahead", "tie")
#: Words for "max minus sum".
MAX_VS_SUM = ("max ahead", "sum ahead", "tie")


def chosen_aggregate() -> str:
    """The placement rule with the higher mean validation r at the default penalty."""
    default_l2 = LatentSiteRegressor().l2
    settings = [s for s in json.loads(SELECTION.read_text())["settings"] if s["l2"] == default_l2]
    return max(settings, key=lambda s: s["mean_r"])["aggregate"]


def mean_r_bootstrap(observed, pred_a, pred_b, *, n_boot=N_BOOT, random_state=0) -> tuple:
    """Paired bootstrap of mean-over-libraries r(a) − r(b), resampling every library's rows.

    Parameters
    ----------
    observed, pred_a, pred_b : list of 1-D arrays
        One array per library (the same rows in the three lists).

    Returns
    -------
    (estimate, low, high)
    """
    rng = np.random.default_rng(random_state)
    total = np.zeros(n_boot)
    estimate = 0.0
    for y, a, b in zip(observed, pred_a, pred_b, strict=True):
        estimate += np.corrcoef(y, a)[0, 1] - np.corrcoef(y, b)[0, 1]
        for start in range(0, n_boot, 50):
            rows = rng.integers(0, len(y), size=(min(50, n_boot - start), len(y)))
            ys, as_, bs = y[rows], a[rows], b[rows]
            ys = ys - ys.mean(axis=1, keepdims=True)
            as_ = as_ - as_.mean(axis=1, keepdims=True)
            bs = bs - bs.mean(axis=1, keepdims=True)
            yy = np.sqrt((ys**2).sum(axis=1))
            ra = (ys * as_).sum(axis=1) / (yy * np.sqrt((as_**2).sum(axis=1)))
            rb = (ys * bs).sum(axis=1) / (yy * np.sqrt((bs**2).sum(axis=1)))
            total[start : start + len(rows)] += ra - rb
    k = len(observed)
    low, high = np.quantile(total / k, [0.025, 0.975])
    return float(estimate / k), float(low), float(high)


def _interval(diff, words) -> dict:
    estimate, low, high = (float(v) for v in diff)
    return {"diff": estimate, "lo": low, "hi": high, "verdict": verdict(diff, words=words)}


def one_run(seed: int, libraries: dict) -> dict:
    """Fit both rules on a 90 % subsample of La Fleur (seed) and compare them per library."""
    promoters = load_lafleur2022()
    rows = np.random.default_rng(seed).random(len(promoters)) < SUBSAMPLE
    out: dict = {"seed": seed, "n_rows": int(rows.sum())}
    predictions = {}
    for aggregate in AGGREGATES:
        start = time.process_time()
        model = LatentSiteRegressor(aggregate=aggregate).fit(
            promoters["sequence"][rows], promoters["observed"].to_numpy()[rows]
        )
        out[f"converged_{aggregate}"] = model.converged_
        out[f"n_iter_{aggregate}"] = model.n_iter_
        out[f"cpu_seconds_{aggregate}"] = round(time.process_time() - start, 1)
        predictions[aggregate] = {
            name: model.predict(libraries[name]["sequence"]) for name in LARGE
        }
    observed = {name: libraries[name]["expression"].to_numpy() for name in LARGE}
    calc = {name: libraries[name]["calculator"].to_numpy() for name in LARGE}
    out["libraries"] = {}
    for name in LARGE:
        entry = {
            f"r_{agg}": float(np.corrcoef(observed[name], predictions[agg][name])[0, 1])
            for agg in AGGREGATES
        }
        entry["r_calculator"] = float(np.corrcoef(observed[name], calc[name])[0, 1])
        for agg in AGGREGATES:
            diff = paired_bootstrap_diff(
                observed[name], predictions[agg][name], calc[name], n_boot=N_BOOT, random_state=seed
            )
            entry[f"{agg}_vs_calc"] = _interval(diff, VS_CALC)
        diff = paired_bootstrap_diff(
            observed[name],
            predictions["max"][name],
            predictions["sum"][name],
            n_boot=N_BOOT,
            random_state=seed,
        )
        entry["max_vs_sum"] = _interval(diff, MAX_VS_SUM)
        out["libraries"][name] = entry
    obs = [observed[n] for n in LARGE]
    for agg in AGGREGATES:
        preds = [predictions[agg][n] for n in LARGE]
        out[f"mean_r_{agg}"] = float(np.mean([out["libraries"][n][f"r_{agg}"] for n in LARGE]))
        out[f"mean_{agg}_vs_calc"] = _interval(
            mean_r_bootstrap(obs, preds, [calc[n] for n in LARGE], random_state=seed), VS_CALC
        )
        wins = sum(out["libraries"][n][f"{agg}_vs_calc"]["verdict"] == VS_CALC[0] for n in LARGE)
        out[f"clear_wins_{agg}"] = int(wins)
        out[f"target_{agg}"] = (
            "met"
            if wins >= 3 and out[f"mean_{agg}_vs_calc"]["verdict"] == VS_CALC[0]
            else "not met"
        )
    out["mean_r_calculator"] = float(np.mean([out["libraries"][n]["r_calculator"] for n in LARGE]))
    out["mean_max_vs_sum"] = _interval(
        mean_r_bootstrap(
            obs,
            [predictions["max"][n] for n in LARGE],
            [predictions["sum"][n] for n in LARGE],
            random_state=seed,
        ),
        MAX_VS_SUM,
    )
    return out


def _agree(words: list[str]) -> str:
    """One word if every run says it, otherwise 'depends on the run'."""
    return words[0] if len(set(words)) == 1 else "depends on the run"


def summarise(runs: list[dict]) -> dict:
    """Verdicts across runs: stated where every run agrees, 'depends on the run' otherwise."""
    out: dict = {"n_runs": len(runs), "seeds": [r["seed"] for r in runs]}
    for agg in AGGREGATES:
        wins = [r[f"clear_wins_{agg}"] for r in runs]
        out[f"clear_wins_{agg}"] = (
            str(wins[0])
            if len(set(wins)) == 1
            else f"{min(wins)}–{max(wins)}, depending on the run"
        )
        out[f"target_{agg}"] = _agree([r[f"target_{agg}"] for r in runs])
        out[f"mean_{agg}_vs_calc"] = _agree([r[f"mean_{agg}_vs_calc"]["verdict"] for r in runs])
        out[f"libraries_{agg}_vs_calc"] = {
            n: _agree([r["libraries"][n][f"{agg}_vs_calc"]["verdict"] for r in runs]) for n in LARGE
        }
        means = [r[f"mean_r_{agg}"] for r in runs]
        out[f"mean_r_{agg}_min"], out[f"mean_r_{agg}_max"] = min(means), max(means)
        out[f"all_converged_{agg}"] = all(r[f"converged_{agg}"] for r in runs)
    out["mean_max_vs_sum"] = _agree([r["mean_max_vs_sum"]["verdict"] for r in runs])
    out["libraries_max_vs_sum"] = {
        n: _agree([r["libraries"][n]["max_vs_sum"]["verdict"] for r in runs]) for n in LARGE
    }
    return out


def _words(model: LatentSiteRegressor) -> dict:
    """The best base at each box position, and the smallest lead of best over second best."""
    out = {}
    for part in ("minus35", "minus10"):
        table = model.weights_.table(part).to_numpy()
        ordered = np.sort(table, axis=1)
        out[part] = "".join("ACGT"[i] for i in table.argmax(axis=1))
        out[f"{part}_min_lead"] = float((ordered[:, -1] - ordered[:, -2]).min())
    return out


def full_fit(init_scale: float = 1.0) -> dict:
    """Fit the chosen rule on all of La Fleur's rows (from ``init_scale``); parameters and words."""
    promoters = load_lafleur2022()
    aggregate = chosen_aggregate()
    start = time.process_time()
    model = LatentSiteRegressor(aggregate=aggregate, init_scale=init_scale)
    model.fit(promoters["sequence"], promoters["observed"].to_numpy())
    return {
        "aggregate": aggregate,
        "init_scale": init_scale,
        "converged": model.converged_,
        "n_iter": model.n_iter_,
        "cpu_seconds": round(time.process_time() - start, 1),
        **_words(model),
        "model": model.to_dict(),
    }


def _merge(key: str, value) -> None:
    """Merge one part into the result file (locked: parts may run in parallel)."""
    RESULT.parent.mkdir(exist_ok=True)
    with open(RESULT.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        results = json.loads(RESULT.read_text()) if RESULT.exists() else {}
        if key == "runs":
            old = [r for r in results.get("runs", []) if r["seed"] != value["seed"]]
            results["runs"] = sorted([*old, value], key=lambda r: r["seed"])
            results["summary"] = summarise(results["runs"])
        else:
            results[key] = value
        RESULT.write_text(json.dumps(results, indent=1) + "\n")


def main() -> None:
    """Run the seeds, the final fit and the neutral start (or the parts named) and merge them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, action="append", help="run only these seeds")
    parser.add_argument("--final", action="store_true", help="run only the fit on all rows")
    parser.add_argument("--neutral", action="store_true", help="run only the neutral start")
    args = parser.parse_args()
    threadpool_limits(1)
    everything = not (args.seed or args.final or args.neutral)
    if everything or args.seed:
        libraries = {name: load_lafleur2022_validation(name) for name in LARGE}
        for seed in args.seed or SEEDS:
            run = one_run(seed, libraries)
            print(json.dumps({k: v for k, v in run.items() if k != "libraries"}), flush=True)
            _merge("runs", run)
    if everything or args.final:
        _merge("final", full_fit())
    if everything or args.neutral:
        _merge("neutral_start", full_fit(init_scale=0.05))


if __name__ == "__main__":
    main()
