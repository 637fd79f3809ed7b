"""Tables of a nested leave-one-library-out result (``benchmarks/bench_transfer_lolo.py``).

Chapters 11 and 14 read the same committed result through :func:`lolo_tables`,
so they cannot disagree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["lolo_tables"]


def _seed_verdict(bounds: list[tuple[float, float]], n_seeds: int) -> str:
    """One word for a library's paired intervals over the seeds (see :func:`lolo_tables`)."""
    if len(bounds) < n_seeds:
        return f"{len(bounds)} of {n_seeds} seeds run"
    if all(lo > 0 for lo, _ in bounds):
        return "better"
    if all(hi < 0 for _, hi in bounds):
        return "worse"
    if all(lo <= 0 <= hi for lo, hi in bounds):
        return "tie"
    return "depends on the run"


def lolo_tables(result: dict) -> dict[str, pd.DataFrame | pd.Series]:
    """Tables of a nested leave-one-library-out result (``benchmarks/bench_transfer_lolo.py``).

    Chapters 11 and 14 read the same committed result through this one
    function, so they cannot disagree.

    Parameters
    ----------
    result : dict
        The merged result (``benchmarks/results/transfer_lolo.json``): its
        ``config`` (``libraries``, ``seeds``) and ``runs``, each with ``seed``
        and ``folds`` (per held-out library: ``calc_r``, ``chosen``,
        ``weighting`` and ``models``, each model with ``r``, ``minus_calc``,
        ``lo``, ``hi``; ``"combination"`` is the nested choice).

    Returns
    -------
    dict
        ``"folds"``: one row per library and seed; ``"r_runs"``: one row per
        library, seed and model; ``"r"``: mean r over the seeds (libraries ×
        models); ``"spread"``: the range of r over the seeds; ``"calc"``: the
        Promoter Calculator's r per library; ``"verdicts"``: per library, the
        nested choice's mean r − r(Calculator), the lowest 2.5 % and highest
        97.5 % bound over the seeds and one verdict word: *better* (every
        lower bound above 0), *worse* (every upper bound below 0), *tie*
        (every interval covers 0), otherwise *depends on the run* (or
        "k of n seeds run").

    Examples
    --------
    >>> fold = {"calc_r": 0.5, "chosen": "booster", "weighting": "uniform",
    ...         "models": {"combination": {"r": 0.6, "minus_calc": 0.1, "lo": 0.05, "hi": 0.15}}}
    >>> result = {"config": {"libraries": ["a"], "seeds": [0, 1]},
    ...           "runs": [{"seed": 0, "folds": {"a": fold}}, {"seed": 1, "folds": {"a": fold}}]}
    >>> lolo_tables(result)["verdicts"].loc["a", "verdict"]
    'better'
    """
    libraries = list(result["config"]["libraries"])
    n_seeds = len(result["config"]["seeds"])
    folds = pd.DataFrame(
        [
            {"library": name, "seed": run["seed"], **run["folds"][name]}
            for run in result["runs"]
            for name in libraries
            if name in run["folds"]
        ]
    )
    models = list(folds["models"].iloc[0])
    r_runs = pd.DataFrame(
        [
            {"library": f.library, "seed": f.seed, "model": model, "r": f.models[model]["r"]}
            for f in folds.itertuples()
            for model in models
        ]
    )
    r = r_runs.pivot_table(index="library", columns="model", values="r", aggfunc="mean")
    spread = r_runs.pivot_table(index="library", columns="model", values="r", aggfunc=np.ptp)
    rows = {}
    for name, group in folds.groupby("library", sort=False):
        entries = [entry["combination"] for entry in group["models"]]
        bounds = [(e["lo"], e["hi"]) for e in entries]
        rows[name] = {
            "r − r(Calculator)": float(np.mean([e["minus_calc"] for e in entries])),
            "lowest 2.5%": min(lo for lo, _ in bounds),
            "highest 97.5%": max(hi for _, hi in bounds),
            "verdict": _seed_verdict(bounds, n_seeds),
            "chosen (by seed)": "; ".join(
                c.replace("+", " + ") + (" (weighted)" if w == "resemblance" else "")
                for c, w in zip(group["chosen"], group["weighting"], strict=True)
            ),
        }
    return {
        "folds": folds,
        "r_runs": r_runs,
        "r": r.reindex(index=libraries, columns=models),
        "spread": spread.reindex(index=libraries, columns=models),
        "calc": folds.groupby("library")["calc_r"].first().reindex(libraries),
        "verdicts": pd.DataFrame(rows).T.reindex(libraries),
    }
