"""Nested leave-one-library-out (LOLO) for chapter 14: trained on many libraries, tested on the next.

For each of the five large validation libraries ``L`` (the *outer* fold),
every model trains on La Fleur's library plus the other four, never on
``L``, and is compared with the Promoter Calculator on all of ``L``'s rows
with a paired bootstrap (95 % interval of r(model) − r(Calculator)).

Every choice is made **without** ``L`` (nested): for each of the four other
libraries ``V`` (the *inner* folds), the models train on La Fleur plus the
remaining three and predict ``V``;

1. the combination of components (:data:`COMBOS`: the latent-site model, the
   booster, the k-mer ridge, alone or averaged) with the highest mean inner
   r is chosen;
2. then the chosen combination is refitted with its training rows drawn by
   their resemblance to ``V``'s *sequences* (``target=``, a covariate-shift
   weight from a classifier that tells libraries apart; no measurement of
   ``V`` used), and that weighting is kept if its mean inner r is higher.

So each outer fold tries :data:`VARIANTS_TRIED` variants. The held-out
library ``L`` is read only once, after the choice. The single-model rows
(latent-site, booster, k-mer ridge) are the same outer fits, each alone.
The two small sets (Anderson, 18 rows; La Fleur's de novo designs, 35 rows)
are never trained on nor used for a choice: a full seed run ends with a
model trained on all six large libraries with the variant chosen most often,
scored on them (chapter 14 shows the same check live, with its model fitted
without Yu).

Each run ``s`` (``SEEDS``) draws its own ``CAP`` training rows per library
(seed ``s``) and uses bootstrap seed ``s``. The chapter-10 CNN is not run
here (its fits on every fold would multiply the time several-fold on two
cores); chapter 14 says so.

Writes ``benchmarks/results/transfer_lolo_seed<S>.json`` per run and merges
them into ``benchmarks/results/transfer_lolo.json``, which chapter 14 reads;
``tests/test_library_transfer_lolo.py::test_bench_reproduces`` (slow) re-runs one
outer fold and compares within the book's output tolerance.

The baseline ``--lafleur-only`` trains the same components on La Fleur's
library alone, with as many rows as a LOLO fold (``CAP`` × 5), so the chapter
can show what more libraries buy.

The placement rule of the latent-site model (placements summed, or the
best site only) is chosen by a second, smaller nested benchmark
(``--placement``; :func:`placement_run`): both rules are refitted on every
inner and outer fold (``PLACEMENT_CAP`` rows per library, because the
best-site fits need thousands of L-BFGS iterations), the rule with the
higher mean inner r is chosen, and the held-out library is read once. Its
runs are written to ``transfer_lolo_placement_seed<S>.json`` and merged into
``transfer_lolo_placement.json`` (chapters 11 and 14 read it). Together the
two benchmarks score ``VARIANTS_TRIED`` + 2 variants under LOLO.

Run: ``.venv/bin/python benchmarks/bench_transfer_lolo.py --seed 0`` (one run;
about 10–20 min of CPU), ``--lafleur-only``, ``--merge`` to merge the files,
``--seed 0 --library yu`` for one outer fold (printed as JSON; saved as
``transfer_lolo_seed0_yu.json`` it fills that fold in ``--merge``);
``--placement --seed 0`` (about 3 min of CPU), ``--placement --merge``, and
``--placement --seed 0 --library yu`` (one fold, printed).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from helpers.datasets import load_lafleur2022, load_lafleur2022_validation
from helpers.evaluation import paired_bootstrap_diff
from helpers.library_transfer import ManyLibraryRegressor

RESULTS = Path(__file__).parent / "results"
RESULT = RESULTS / "transfer_lolo.json"
LARGE = ("hossain", "yu", "lagator_pl", "lagator_pr", "lagator_36n")
SMALL = ("anderson", "denovo")
SEEDS = (0, 1, 2)
CAP = 200
#: Convergence tolerance of the latent-site fits (the estimator's default is 1e-5).
TOL = 1e-4
#: The placement benchmark (``--placement``): rows per library, and the L-BFGS cap of its
#: latent-site fits. The best-site (max) rule is not smooth in the weights and needs
#: about 2,700 iterations on 1,000 rows (the sum: a few hundred); the cap sits far
#: above, so every fit converges (``converged`` per fold; a fit at the cap warns).
PLACEMENT_CAP = 100
PLACEMENT_MAX_ITER = 10000
PLACEMENT_RESULT = RESULTS / "transfer_lolo_placement.json"
N_BOOT = 1000
BASE = ("latent_sum", "booster", "kmer")
#: Every non-empty combination of the components, in a fixed order (ties go to the first).
COMBOS: tuple[tuple[str, ...], ...] = tuple(
    combo for k in range(1, len(BASE) + 1) for combo in combinations(BASE, k)
)
#: Variants tried per outer fold: each combination, then the chosen one with the resemblance weighting.
VARIANTS_TRIED = len(COMBOS) + 1
#: Model names in the results (the chapter's glue names use them).
MODELS = {"latent_site": ("latent_sum",), "booster": ("booster",), "kmer_ridge": ("kmer",)}


def load_all() -> dict:
    """Sequences, targets and Calculator predictions of La Fleur and the seven validation sets."""
    promoters = load_lafleur2022()
    data = {
        "lafleur": {
            "sequence": promoters["sequence"].tolist(),
            "y": promoters["observed"].to_numpy(),
            "calculator": promoters["predicted_biophysical"].to_numpy(),
        }
    }
    for name in LARGE + SMALL:
        lib = load_lafleur2022_validation(name)
        data[name] = {
            "sequence": lib["sequence"].tolist(),
            "y": lib["expression"].to_numpy(),
            "calculator": lib["calculator"].to_numpy(),
        }
    return data


def pooled(data: dict, names) -> tuple[list[str], np.ndarray, list[str]]:
    """Sequences, targets and library labels of several libraries, concatenated."""
    seqs, ys, groups = [], [], []
    for name in names:
        seqs += data[name]["sequence"]
        ys.append(data[name]["y"])
        groups += [name] * len(data[name]["y"])
    return seqs, np.concatenate(ys), groups


def pearson(a, b) -> float:
    """Pearson r of two 1-D arrays."""
    return float(np.corrcoef(a, b)[0, 1])


def fit(data, names, seed, components=BASE, target=None) -> ManyLibraryRegressor:
    """A ManyLibraryRegressor on La Fleur plus ``names`` (CAP rows each, seed)."""
    seqs, y, groups = pooled(data, ["lafleur", *names])
    model = ManyLibraryRegressor(
        components=tuple(components), max_rows_per_library=CAP, tol=TOL, random_state=seed
    )
    return model.fit(seqs, y, groups=groups, target=target)


def combo_r(parts, combo, observed) -> float:
    """r of the average of the combination's component predictions."""
    return pearson(parts[list(combo)].mean(axis=1).to_numpy(), observed)


def outer_fold(data: dict, held: str, seed: int, cache: dict) -> dict:
    """Nested choice without ``held``, then one test on ``held``."""
    others = [n for n in LARGE if n != held]
    inner = {combo: [] for combo in COMBOS}
    for v in others:
        key = frozenset((held, v))
        if key not in cache:
            cache[key] = fit(data, [n for n in others if n != v], seed)
        parts = cache[key].predict_components(data[v]["sequence"])
        for combo in COMBOS:
            inner[combo].append(combo_r(parts, combo, data[v]["y"]))
    converged = [cache[frozenset((held, v))].converged_ for v in others]
    inner_mean = {combo: float(np.mean(rs)) for combo, rs in inner.items()}
    chosen = max(COMBOS, key=lambda c: inner_mean[c])  # first of equals in COMBOS order
    resembling = []
    for v in others:
        model = fit(data, [n for n in others if n != v], seed, chosen, target=data[v]["sequence"])
        converged.append(model.converged_)
        resembling.append(pearson(model.predict(data[v]["sequence"]), data[v]["y"]))
    resemblance_mean = float(np.mean(resembling))
    weighting = "resemblance" if resemblance_mean > inner_mean[chosen] else "uniform"
    # the held-out library, read once
    observed, calc = data[held]["y"], data[held]["calculator"]
    uniform = fit(data, others, seed)
    parts = uniform.predict_components(data[held]["sequence"])
    predictions = {name: parts[list(c)].mean(axis=1).to_numpy() for name, c in MODELS.items()}
    if weighting == "uniform":
        predictions["combination"] = parts[list(chosen)].mean(axis=1).to_numpy()
    else:
        model = fit(data, others, seed, chosen, target=data[held]["sequence"])
        converged.append(model.converged_)
        predictions["combination"] = model.predict(data[held]["sequence"])
    out = {
        "n_rows": len(observed),
        "calc_r": pearson(calc, observed),
        "inner_mean_r": {"+".join(c): inner_mean[c] for c in COMBOS},
        "inner_resemblance_r": resemblance_mean,
        "chosen": "+".join(chosen),
        "weighting": weighting,
        "converged": bool(uniform.converged_ and all(converged)),
        "models": {},
    }
    for name, pred in predictions.items():
        diff = paired_bootstrap_diff(observed, pred, calc, n_boot=N_BOOT, random_state=seed)
        out["models"][name] = {
            "r": pearson(pred, observed),
            "minus_calc": float(diff.estimate),
            "lo": float(diff.low),
            "hi": float(diff.high),
        }
    return out


def final_check(data: dict, seed: int, combo: tuple[str, ...]) -> dict:
    """Trained on all six large libraries; scored on the two small sets (never used before)."""
    model = fit(data, LARGE, seed, combo)
    out = {}
    for name in SMALL:
        pred = model.predict(data[name]["sequence"])
        out[name] = {
            "n_rows": len(pred),
            "r": pearson(pred, data[name]["y"]),
            "calc_r": pearson(data[name]["calculator"], data[name]["y"]),
        }
    return out


def _fold_done(label: str, start: float, out: dict, progress: Path | None) -> None:
    """Report a finished outer fold on stderr and save the run so far to ``progress``."""
    print(f"{label} done ({time.process_time() - start:.0f} s of CPU)", file=sys.stderr, flush=True)
    if progress is not None:
        progress.write_text(json.dumps(out, indent=1) + "\n")


def one_run(seed: int, libraries=LARGE, progress: Path | None = None) -> dict:
    """One seed: every outer fold (written to ``progress`` after each), then the final check."""
    data = load_all()
    start = time.process_time()
    cache: dict = {}
    folds: dict = {}
    out = {"seed": seed, "folds": folds}
    for held in libraries:
        folds[held] = outer_fold(data, held, seed, cache)
        _fold_done(f"seed {seed}: {held}", start, out, progress)
    if tuple(libraries) == LARGE:
        chosen = Counter(f["chosen"] for f in folds.values()).most_common(1)[0][0]
        out["final_combo"] = chosen
        out["final_check"] = final_check(data, seed, tuple(chosen.split("+")))
    out["cpu_seconds"] = round(time.process_time() - start, 1)
    return out


def lafleur_only(seed: int) -> dict:
    """The same components trained on La Fleur alone (as many rows as a LOLO fold), per library."""
    data = load_all()
    start = time.process_time()
    seqs, y, groups = pooled(data, ["lafleur"])
    model = ManyLibraryRegressor(
        components=BASE, max_rows_per_library=CAP * len(LARGE), tol=TOL, random_state=seed
    ).fit(seqs, y, groups=groups)
    out: dict = {"seed": seed, "converged": bool(model.converged_), "libraries": {}}
    for name in LARGE:
        parts = model.predict_components(data[name]["sequence"])
        out["libraries"][name] = {"+".join(c): combo_r(parts, c, data[name]["y"]) for c in COMBOS}
    out["cpu_seconds"] = round(time.process_time() - start, 1)
    return out


def placement_run(seed: int, libraries=LARGE, progress: Path | None = None) -> dict:
    """Nested LOLO of the placement rule alone: the latent-site model, placements summed or best site.

    Both rules are **fitted** (not one fit re-scored) on La Fleur plus the other
    libraries (``PLACEMENT_CAP`` rows each, seed ``seed``). For each held-out
    library ``L``, the rule with the higher mean r over the four inner libraries
    (each predicted by fits without it and without ``L``) is chosen; then both
    rules are fitted without ``L`` and ``L`` is read once.
    """
    data = load_all()
    start = time.process_time()
    rules = ("sum", "max")

    def fit_rules(names):
        seqs, y, groups = pooled(data, ["lafleur", *names])
        out = {}
        for rule in rules:
            model = ManyLibraryRegressor(
                components=(f"latent_{rule}",),
                max_rows_per_library=PLACEMENT_CAP,
                tol=TOL,
                max_iter=PLACEMENT_MAX_ITER,
                random_state=seed,
            )
            out[rule] = model.fit(seqs, y, groups=groups)
        return out

    inner: dict = {}  # frozenset({L, V}) -> fits without L and V
    folds: dict = {}
    out = {"seed": seed, "folds": folds}
    for held in libraries:
        others = [n for n in LARGE if n != held]
        converged = []
        inner_r = {rule: [] for rule in rules}
        for v in others:
            key = frozenset((held, v))
            if key not in inner:
                inner[key] = fit_rules([n for n in others if n != v])
            for rule in rules:
                model = inner[key][rule]
                converged.append(model.converged_)
                inner_r[rule].append(pearson(model.predict(data[v]["sequence"]), data[v]["y"]))
        inner_mean = {rule: float(np.mean(inner_r[rule])) for rule in rules}
        chosen = max(rules, key=lambda rule: inner_mean[rule])  # the sum on a tie
        outer = fit_rules(others)
        observed, calc = data[held]["y"], data[held]["calculator"]
        pred = {rule: outer[rule].predict(data[held]["sequence"]) for rule in rules}
        converged += [outer[rule].converged_ for rule in rules]
        fold = {
            "n_rows": len(observed),
            "calc_r": pearson(calc, observed),
            "inner_mean_r": inner_mean,
            "chosen": chosen,
            "converged": bool(all(converged)),
            "r": {rule: pearson(pred[rule], observed) for rule in rules},
        }
        for name, (a, b) in {
            "chosen_minus_calc": (pred[chosen], calc),
            "max_minus_sum": (pred["max"], pred["sum"]),
        }.items():
            diff = paired_bootstrap_diff(observed, a, b, n_boot=N_BOOT, random_state=seed)
            fold[name] = {
                "estimate": float(diff.estimate),
                "lo": float(diff.low),
                "hi": float(diff.high),
            }
        folds[held] = fold
        _fold_done(f"placement seed {seed}: {held}", start, out, progress)
    out["cpu_seconds"] = round(time.process_time() - start, 1)
    return out


def merge_placement() -> dict:
    """Merge the placement runs into PLACEMENT_RESULT."""
    paths = [RESULTS / f"transfer_lolo_placement_seed{s}.json" for s in SEEDS]
    result = {
        "config": {
            "cap_rows_per_library": PLACEMENT_CAP,
            "tol": TOL,
            "max_iter": PLACEMENT_MAX_ITER,
            "seeds": list(SEEDS),
            "n_boot": N_BOOT,
            "rules": ["sum", "max"],
            "libraries": list(LARGE),
        },
        "runs": [json.loads(path.read_text()) for path in paths if path.exists()],
    }
    PLACEMENT_RESULT.write_text(json.dumps(result, indent=1) + "\n")
    return result


def merge() -> dict:
    """Merge the per-seed files into RESULT (a run still going contributes its finished folds)."""
    runs = []
    for seed in SEEDS:
        path = RESULTS / f"transfer_lolo_seed{seed}.json"
        if path.exists():
            runs.append(json.loads(path.read_text()))
        elif any((RESULTS / f"transfer_lolo_seed{seed}_{name}.json").exists() for name in LARGE):
            runs.append({"seed": seed, "folds": {}})  # only folds run on their own
    for run in runs:  # folds run on their own (``--library``, stdout saved) fill the gaps
        for name in LARGE:
            extra = RESULTS / f"transfer_lolo_seed{run['seed']}_{name}.json"
            if name not in run["folds"] and extra.exists():
                run["folds"][name] = json.loads(extra.read_text())["folds"][name]
        run["folds"] = {name: run["folds"][name] for name in LARGE if name in run["folds"]}
    result = {
        "config": {
            "cap_rows_per_library": CAP,
            "tol": TOL,
            "seeds": list(SEEDS),
            "n_boot": N_BOOT,
            "combos": ["+".join(c) for c in COMBOS],
            "variants_tried": VARIANTS_TRIED,
            "libraries": list(LARGE),
        },
        "runs": runs,
    }
    baseline = RESULTS / "transfer_lolo_lafleur_only.json"
    if baseline.exists():
        result["lafleur_only"] = json.loads(baseline.read_text())
    RESULT.write_text(json.dumps(result, indent=1) + "\n")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, help="run one seed (writes its file)")
    parser.add_argument("--library", help="with --seed: one outer fold, printed only")
    parser.add_argument("--merge", action="store_true", help="merge the per-seed files")
    parser.add_argument(
        "--placement",
        action="store_true",
        help="with --seed: the placement benchmark (sum or best site); with --merge: merge it",
    )
    parser.add_argument(
        "--lafleur-only", action="store_true", help="the La Fleur-only baseline, every seed"
    )
    args = parser.parse_args()
    run_seed, stem = (
        (placement_run, "transfer_lolo_placement") if args.placement else (one_run, "transfer_lolo")
    )
    with threadpool_limits(1):
        if args.seed is not None and args.library:
            print(json.dumps(run_seed(args.seed, (args.library,)), indent=1))
        elif args.seed is not None:
            path = RESULTS / f"{stem}_seed{args.seed}.json"
            run = run_seed(args.seed, progress=path)
            path.write_text(json.dumps(run, indent=1) + "\n")
            print(f"wrote {path} ({run['cpu_seconds']} s of CPU)")
        if args.placement:
            if args.merge:
                merge_placement()
                print(f"wrote {PLACEMENT_RESULT}")
            return
        if args.lafleur_only:
            runs = [lafleur_only(seed) for seed in SEEDS]
            path = RESULTS / "transfer_lolo_lafleur_only.json"
            path.write_text(json.dumps(runs, indent=1) + "\n")
            print(f"wrote {path}")
        if args.merge:
            merge()
            print(f"wrote {RESULT}")


if __name__ == "__main__":
    main()
