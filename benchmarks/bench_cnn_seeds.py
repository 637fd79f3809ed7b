"""Chapter 10's verdicts over seeds: reverse-complement augmentation, and the CNN against boosting.

A single CNN fit depends on its seed (weight initialisation, validation split,
shuffling) and, through float32 rounding, on the CPU. Chapter 10 therefore
states its two verdicts from this script's result, computed over
:data:`SEEDS`, instead of from the one network it trains live:

* **Reverse complements** (embedded library, chapters 4–5's split): for each
  seed, test R² of the CNN without and with ``reverse_complement=True``,
  the paired bootstrap interval of the difference (same test rows), and
  whether either fit collapsed (validation R² below
  :data:`helpers.cnn.COLLAPSED_R2`).
* **CNN against gradient boosting**: on the embedded library, chapter 4's
  one-hot gradient boosting (R², paired bootstrap of the difference); on La
  Fleur, chapter 7's boosting on the aligned parts (Pearson r,
  :func:`helpers.evaluation.paired_bootstrap_diff`). Gradient boosting has
  no randomness here (no subsampling, no early stopping), so only the CNN
  is refitted per seed.
* **Yeast** (Vaishnav random promoters, chapter 8's split): the spread of
  the CNN's Pearson r on held-out random and on native promoters over the
  seeds (chapter 10 compares it with chapter 8's k-mer model).

Per seed the verdict is "better" or "worse" when the 95% paired interval
excludes 0 and "tie" otherwise; over seeds it is the common per-seed
verdict, or "depends on the run" when seeds disagree.

Run: ``.venv/bin/python benchmarks/bench_cnn_seeds.py`` (about 5 minutes on a
quiet 2-core machine); writes ``benchmarks/results/cnn_seeds.json``, which
chapter 10 reads. ``tests/test_estimators_cnn.py::test_cnn_seeds_benchmark_reproduces``
(marked slow) re-runs it and compares with the committed file within the
project's tolerance.
"""

from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from helpers.cnn import COLLAPSED_R2, CNNRegressor, pad_sequences
from helpers.datasets import (
    load_lafleur2022,
    load_vaishnav2022_native,
    load_vaishnav2022_random,
)
from helpers.encoding import OneHotSequenceEncoder
from helpers.evaluation import paired_bootstrap_diff
from helpers.io import load_promoters
from helpers.notebook import setup_notebook
from helpers.transfer import PART_NAMES, aligned_parts

SEEDS = (0, 1, 2)
N_BOOT = 1000
RESULT = Path(__file__).resolve().parent / "results" / "cnn_seeds.json"

#: Chapter 10's settings for La Fleur (the largest fit of the chapter).
LAFLEUR_CNN = {"n_filters": 8, "batch_size": 128, "learning_rate": 5e-3, "max_epochs": 100}
#: Chapter 10's settings for the yeast promoters, and the plasmid flanks it cuts off.
VAISHNAV_CNN = {"conv_activation": "relu"}
FLANK_5, FLANK_3 = "TGCATTTTTTTCACATC", "GGTTACGGCTGTT"


def paired_r2_diff(
    y_true, pred_a, pred_b, *, n_boot: int = N_BOOT, random_state: int = 0
) -> tuple[float, float, float]:
    """R²(a) − R²(b) on all rows and its 95% paired percentile bootstrap interval."""
    y, a, b = (np.asarray(v, dtype=float) for v in (y_true, pred_a, pred_b))
    rng = np.random.default_rng(random_state)
    rows = rng.integers(0, len(y), size=(n_boot, len(y)))
    ys = y[rows]
    ss = ((ys - ys.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    # R²(a) − R²(b) = (SSE(b) − SSE(a)) / SS on the same resampled rows
    diffs = (((ys - b[rows]) ** 2).sum(axis=1) - ((ys - a[rows]) ** 2).sum(axis=1)) / ss
    low, high = np.quantile(diffs, [0.025, 0.975])
    return float(r2_score(y, a) - r2_score(y, b)), float(low), float(high)


def seed_verdict(low: float, high: float) -> str:
    """'better' (interval above 0), 'worse' (below 0) or 'tie'."""
    return "better" if low > 0 else "worse" if high < 0 else "tie"


def overall_verdict(verdicts: list[str]) -> str:
    """The common per-seed verdict, or 'depends on the run'."""
    return verdicts[0] if len(set(verdicts)) == 1 else "depends on the run"


def fit_cnn(X, y, **params) -> tuple[CNNRegressor, bool]:
    """Fit a CNN; also say whether it collapsed (its warning is recorded, not shown)."""
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        model = CNNRegressor(**params).fit(X, y)
    return model, bool(model.val_r2_ < COLLAPSED_R2)


def simulated(seeds) -> dict:
    """Reverse complements and CNN vs one-hot boosting on the embedded library."""
    promoters = load_promoters()
    X = promoters["sequence"].to_numpy()
    y = promoters["expression"].to_numpy()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
    boosting = make_pipeline(
        OneHotSequenceEncoder(),
        HistGradientBoostingRegressor(max_iter=500, max_depth=3, random_state=0),
    ).fit(X_train, y_train)
    pred_gb = boosting.predict(X_test)
    rc_rows, gb_rows = [], []
    for seed in seeds:
        plain, plain_collapsed = fit_cnn(X_train, y_train, random_state=seed)
        rc, rc_collapsed = fit_cnn(X_train, y_train, reverse_complement=True, random_state=seed)
        pred_plain, pred_rc = plain.predict(X_test), rc.predict(X_test)
        diff, low, high = paired_r2_diff(y_test, pred_rc, pred_plain)
        rc_rows.append(
            {
                "seed": seed,
                "r2_without": r2_score(y_test, pred_plain),
                "r2_with": r2_score(y_test, pred_rc),
                "diff": diff,
                "low": low,
                "high": high,
                "verdict": seed_verdict(low, high),
                "val_r2_without": plain.val_r2_,
                "val_r2_with": rc.val_r2_,
                "collapsed_without": plain_collapsed,
                "collapsed_with": rc_collapsed,
            }
        )
        diff, low, high = paired_r2_diff(y_test, pred_plain, pred_gb)
        gb_rows.append(
            {
                "seed": seed,
                "r2_cnn": r2_score(y_test, pred_plain),
                "r2_boosting": r2_score(y_test, pred_gb),
                "diff": diff,
                "low": low,
                "high": high,
                "verdict": seed_verdict(low, high),
            }
        )
    return {
        "reverse_complement": rc_rows,
        "reverse_complement_verdict": overall_verdict([r["verdict"] for r in rc_rows]),
        "vs_boosting": gb_rows,
        "vs_boosting_verdict": overall_verdict([r["verdict"] for r in gb_rows]),
    }


def lafleur(seeds) -> dict:
    """CNN (aligned on the −10 box) vs boosting on the aligned parts, chapter 7's split."""
    frame = load_lafleur2022()
    anchors = frame["up"].str.len() + frame["box35"].str.len() + frame["spacer"].str.len()
    frame["padded"] = pad_sequences(frame["sequence"], anchors=anchors.to_numpy())
    train, test = train_test_split(
        frame, test_size=0.2, random_state=0, stratify=frame["high_quality"]
    )
    y_train, y_test = train["observed"].to_numpy(), test["observed"].to_numpy()
    A_train, A_test = aligned_parts(train[list(PART_NAMES)]), aligned_parts(test[list(PART_NAMES)])
    base_columns = [c for c in A_train.columns if not c.endswith("_length")]
    boosting = HistGradientBoostingRegressor(
        max_iter=300, categorical_features=base_columns, random_state=0
    ).fit(A_train, y_train)
    pred_gb = boosting.predict(A_test)
    rows = []
    for seed in seeds:
        cnn, collapsed = fit_cnn(train["padded"], y_train, **LAFLEUR_CNN, random_state=seed)
        pred = cnn.predict(test["padded"])
        diff, low, high = paired_bootstrap_diff(y_test, pred, pred_gb, n_boot=N_BOOT)
        rows.append(
            {
                "seed": seed,
                "r_cnn": float(np.corrcoef(y_test, pred)[0, 1]),
                "r_boosting": float(np.corrcoef(y_test, pred_gb)[0, 1]),
                "diff": diff,
                "low": low,
                "high": high,
                "verdict": seed_verdict(low, high),
                "converged": bool(cnn.converged_),
                "collapsed": collapsed,
            }
        )
    return {
        "vs_boosting": rows,
        "vs_boosting_verdict": overall_verdict([r["verdict"] for r in rows]),
    }


def vaishnav(seeds) -> dict:
    """The CNN's r on held-out random and on native yeast promoters, per seed."""
    random_promoters = load_vaishnav2022_random()
    native = load_vaishnav2022_native()
    region = random_promoters["sequence"].str[len(FLANK_5) : -len(FLANK_3)]
    random_promoters["padded"] = pad_sequences(region, align="end")
    width = len(random_promoters["padded"].iloc[0])
    native_region = native["sequence"].str[len(FLANK_5) : -len(FLANK_3)]
    native["padded"] = pad_sequences(native_region, align="end", before=width, after=0)
    train, test = train_test_split(random_promoters, test_size=0.2, random_state=0)
    rows = []
    for seed in seeds:
        cnn, collapsed = fit_cnn(
            train["padded"], train["expression"], **VAISHNAV_CNN, random_state=seed
        )
        pred_test, pred_native = cnn.predict(test["padded"]), cnn.predict(native["padded"])
        rows.append(
            {
                "seed": seed,
                "r_random": float(np.corrcoef(test["expression"], pred_test)[0, 1]),
                "r_native": float(np.corrcoef(native["expression"], pred_native)[0, 1]),
                "converged": bool(cnn.converged_),
                "collapsed": collapsed,
            }
        )
    return {"cnn": rows}


def run(seeds=SEEDS) -> dict:
    """Every number chapter 10 reads, as a JSON-ready dict."""
    setup_notebook()
    return {
        "seeds": list(seeds),
        "collapsed_r2": COLLAPSED_R2,
        "simulated": simulated(seeds),
        "lafleur": lafleur(seeds),
        "vaishnav": vaishnav(seeds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULT, help="where to write the JSON")
    args = parser.parse_args()
    result = run()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
