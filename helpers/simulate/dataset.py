"""The embedded dataset: the simulated library, its messy variant and its ground truth as files.

``add_raw_defects``  a messy copy of the library, as a sequencing core might deliver it
``write_dataset``    every file of ``data/`` (CSV, FASTA, ground truth, parameters)
``main``             the command line: ``python -m helpers.simulate --out data``

The output is byte-identical for the same seed.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.simulate.library import simulate_promoters
from helpers.simulate.model import PromoterModel, motif_table

__all__ = ["add_raw_defects", "main", "write_dataset"]


def add_raw_defects(promoters: pd.DataFrame, random_state: int = 7) -> pd.DataFrame:
    """Return a messy copy of the library, as a sequencing core might deliver it.

    The copy has replicate columns but no ``expression`` (the reader computes
    it), and these defects, each at rows chosen with ``random_state``:

    * 5% of sequences in lowercase (valid once upper-cased);
    * 40 sequences with a single ``N`` and 6 with more than 10% ``N``;
    * 2 sequences with an invalid character (``X`` and ``-``);
    * 4 sequences cut short (truncated reads);
    * 15 exact duplicate rows and 3 duplicated ids with conflicting values;
    * 60 missing replicate values and 8 promoters with no measurement at all.

    Parameters
    ----------
    promoters : pandas.DataFrame
        Output of :func:`simulate_promoters`.
    random_state : int, default=7
        Seed for choosing the defective rows.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``sequence``, ``rep1``, ``rep2``, ``rep3``.
    """
    rng = np.random.default_rng(random_state)
    raw = promoters[["id", "sequence", "rep1", "rep2", "rep3"]].copy()
    n = len(raw)
    order = rng.permutation(n)
    take = iter(np.split(order, np.cumsum([n // 20, 40, 6, 2, 4, 60, 8])))

    seq = raw["sequence"].to_numpy(dtype=object)
    for i in next(take):
        seq[i] = seq[i].lower()
    for i in next(take):
        pos = rng.integers(0, len(seq[i]))
        seq[i] = seq[i][:pos] + "N" + seq[i][pos + 1 :]
    for i in next(take):
        pos = rng.choice(len(seq[i]), size=15, replace=False)
        chars = list(seq[i])
        for p in pos:
            chars[p] = "N"
        seq[i] = "".join(chars)
    for i, bad in zip(next(take), ["X", "-"], strict=True):
        seq[i] = seq[i][:50] + bad + seq[i][51:]
    for i in next(take):
        seq[i] = seq[i][: int(rng.integers(40, 90))]
    raw["sequence"] = seq

    reps = raw[["rep1", "rep2", "rep3"]].to_numpy(copy=True)
    for i in next(take):
        reps[i, rng.integers(0, 3)] = np.nan
    for i in next(take):
        reps[i, :] = np.nan
    raw[["rep1", "rep2", "rep3"]] = reps

    exact = raw.iloc[rng.choice(n, size=15, replace=False)]
    conflicting = raw.iloc[rng.choice(n, size=3, replace=False)].copy()
    conflicting["rep1"] = np.round(conflicting["rep1"] * 3.0, 4)
    raw = pd.concat([raw, exact, conflicting])
    return raw.iloc[rng.permutation(len(raw))].reset_index(drop=True)


def _write_fasta(ids, sequences, path: Path, line_width: int = 60) -> None:
    """Write sequences as FASTA with fixed line width and Unix line ends."""
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for ident, seq in zip(ids, sequences, strict=True):
            handle.write(f">{ident} simulated sigma70 promoter\n")
            for start in range(0, len(seq), line_width):
                handle.write(seq[start : start + line_width] + "\n")


def write_dataset(out_dir: str | Path, n: int = 4000, random_state: int = 2022) -> list[Path]:
    """Simulate the library and write every file of the embedded dataset.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Folder to write into (created if missing).
    n : int, default=4000
        Number of promoters.
    random_state : int, default=2022
        Seed of the simulation (stored as ``seed`` in
        ``simulation_parameters.json``).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = PromoterModel()
    promoters, elements = simulate_promoters(n=n, random_state=random_state, model=model)
    raw = add_raw_defects(promoters)

    csv = {"index": False, "lineterminator": "\n", "float_format": "%.4f"}
    paths = {
        "promoters": out / "promoters.csv",
        "fasta": out / "promoters.fasta",
        "raw": out / "promoters_raw.csv",
        "raw_fasta": out / "promoters_raw.fasta",
        "elements": out / "ground_truth_elements.csv",
        "motifs": out / "ground_truth_motifs.csv",
        "params": out / "simulation_parameters.json",
    }
    promoters.to_csv(paths["promoters"], **csv)
    _write_fasta(promoters["id"], promoters["sequence"], paths["fasta"])
    raw.to_csv(paths["raw"], **csv)
    raw_seqs = raw.drop_duplicates("id")
    _write_fasta(raw_seqs["id"], raw_seqs["sequence"], paths["raw_fasta"])
    with open(paths["raw_fasta"], "a", encoding="utf-8", newline="\n") as handle:
        handle.write(">P9999 simulated sigma70 promoter (truncated upload)\n")
    elements.to_csv(paths["elements"], **csv)
    motif_table(model).to_csv(paths["motifs"], **csv)
    params = asdict(model) | {"n": n, "seed": random_state, "raw_defects_seed": 7}
    params["spacer_effects"] = {str(k): v for k, v in model.spacer_effects.items()}
    params["spacer_probabilities"] = {str(k): v for k, v in model.spacer_probabilities.items()}
    with open(paths["params"], "w", encoding="utf-8", newline="\n") as handle:
        json.dump(params, handle, indent=2, sort_keys=True)
        handle.write("\n")
    return list(paths.values())


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m helpers.simulate --out data``."""
    parser = argparse.ArgumentParser(
        description="Simulated σ70 promoters: the book's embedded dataset and its ground truth."
    )
    parser.add_argument("--out", default="data", help="output folder (default: data)")
    parser.add_argument("--n", type=int, default=4000, help="number of promoters")
    parser.add_argument(
        "--random-state", dest="random_state", type=int, default=2022, help="random seed"
    )
    args = parser.parse_args(argv)
    for path in write_dataset(args.out, n=args.n, random_state=args.random_state):
        print(path)
