"""Choose LatentSiteRegressor's penalty and placement rule on La Fleur alone (chapter 11).

The validation resembles transfer: fit on La Fleur's core rows (only the
boxes vary; a quarter of them held out) and score on held-out part families
(rows whose UP element or spacer differs from every training row, and the
held-out core rows). No validation library is read. Every setting is
**refitted** (the "max" rule is fitted with "max", not a "sum" model
re-scored) and run to convergence (``tol``), so the penalty ``l2``, not an
iteration cap, is the regulariser.

Writes ``benchmarks/results/transfer_selection.json``: for each setting the
Pearson r on each family, their mean, whether the fit converged, and its
iterations. Run: ``.venv/bin/python benchmarks/transfer_selection.py``
(one fit per setting; several minutes each on one core), or pass settings
as ``l2:aggregate`` (or ``l2:aggregate:max_iter``) arguments to run some
of them (e.g. in parallel) and merge them into the file.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from helpers.datasets import load_lafleur2022
from helpers.transfer import PART_NAMES, LatentSiteRegressor

RESULT = Path(__file__).parent / "results" / "transfer_selection.json"
GRID = [(l2, aggregate) for l2 in (1e-3, 3e-3, 1e-2, 1e-1) for aggregate in ("sum", "max")]
FAMILIES = ["core (held out)", "up", "spacer"]


def family_split(promoters: pd.DataFrame, seed: int = 0) -> tuple[np.ndarray, pd.Series]:
    """Training rows (core, three quarters) and each row's family label (as in chapter 11)."""
    dominant = {part: promoters[part].value_counts().index[0] for part in PART_NAMES}
    family = pd.Series("core", index=promoters.index)
    for part in ["itr", "discriminator", "up", "spacer"]:
        family[promoters[part] != dominant[part]] = part
    is_core = (family == "core").to_numpy()
    held = is_core & (np.random.default_rng(seed).random(len(family)) < 0.25)
    family[held] = "core (held out)"
    return is_core & ~held, family


def evaluate(l2: float, aggregate: str, max_iter: int | None = None) -> dict:
    """Fit one setting on the training rows and score it on each held-out family.

    ``max_iter`` raises the estimator's iteration cap (the "max" rule's
    objective has a kink wherever the best placement changes, and L-BFGS
    needs more iterations to meet its tolerance there).
    """
    promoters = load_lafleur2022()
    y = promoters["observed"].to_numpy()
    fit_rows, family = family_split(promoters)
    start = time.process_time()
    model = LatentSiteRegressor(l2=l2, aggregate=aggregate)
    if max_iter is not None:
        model.set_params(max_iter=max_iter)
    model.fit(promoters["sequence"][fit_rows], y[fit_rows])
    scores = {
        f: float(
            np.corrcoef(model.predict(promoters["sequence"][family == f]), y[family == f])[0, 1]
        )
        for f in FAMILIES
    }
    return {
        "l2": l2,
        "aggregate": aggregate,
        "r": scores,
        "mean_r": float(np.mean(list(scores.values()))),
        "converged": model.converged_,
        "n_iter": model.n_iter_,
        "max_iter": model.max_iter,
        "cpu_seconds": round(time.process_time() - start, 1),
    }


def main(argv: list[str]) -> None:
    """Run the grid (or the settings named in ``argv``) and merge into the result file."""
    threadpool_limits(1)
    grid = [a.split(":") for a in argv] or [(l2, agg) for l2, agg in GRID]
    for spec in grid:
        l2, aggregate = float(spec[0]), spec[1]
        row = evaluate(l2, aggregate, int(spec[2]) if len(spec) > 2 else None)
        print(json.dumps(row), flush=True)
        results = json.loads(RESULT.read_text()) if RESULT.exists() else {"settings": []}
        results["settings"] = [
            s for s in results["settings"] if (s["l2"], s["aggregate"]) != (l2, aggregate)
        ] + [row]
        results["settings"].sort(key=lambda s: (s["aggregate"], s["l2"]))
        RESULT.parent.mkdir(exist_ok=True)
        RESULT.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
