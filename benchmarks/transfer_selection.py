"""Choose LatentSiteRegressor's settings on La Fleur alone (chapter 11).

The validation resembles transfer: fit on La Fleur's core rows (only the
boxes vary; a quarter of them held out) and score on held-out part families
(rows whose UP element or spacer differs from every training row). No
validation library is read. Prints mean Pearson r over the families for each
setting; chapter 11 uses aggregate="sum" and l2=1e-3, which scored best;
iterations beyond 40 and the floor change the score little (60 iterations
are used for time; the floor is kept because La Fleur's weakest promoters
level off).

Run: ``.venv/bin/python benchmarks/transfer_selection.py`` (several minutes).
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from helpers.datasets import load_lafleur2022
from helpers.transfer import PART_NAMES, LatentSiteRegressor


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


def main() -> None:
    """Fit every setting of the grid and print its validation scores."""
    threadpool_limits(1)
    promoters = load_lafleur2022()
    y = promoters["observed"].to_numpy()
    fit_rows, family = family_split(promoters)
    families = ["core (held out)", "up", "spacer"]
    for l2, max_iter, floor in itertools.product([1e-3, 1e-2], [40, 80, 150], [True, False]):
        start = time.perf_counter()
        model = LatentSiteRegressor(l2=l2, max_iter=max_iter, floor=floor)
        model.fit(promoters["sequence"][fit_rows], y[fit_rows])
        for aggregate in ["sum", "max"]:
            model.set_params(aggregate=aggregate)
            scores = {
                f: np.corrcoef(model.predict(promoters["sequence"][family == f]), y[family == f])[
                    0, 1
                ]
                for f in families
            }
            print(
                f"l2={l2:g} max_iter={max_iter} floor={floor} aggregate={aggregate}: "
                + ", ".join(f"{f} {r:.3f}" for f, r in scores.items())
                + f"; mean {np.mean(list(scores.values())):.3f} ({time.perf_counter() - start:.0f} s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
