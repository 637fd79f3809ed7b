"""Simulating a library: random backgrounds, planted elements, a saturating readout, noise.

The simulator builds promoters the way synthetic promoter libraries are built
(La Fleur et al. 2022): every sequence is a fixed-length background into which
the classic elements of a bacterial σ70 promoter are planted, each as a
mutated copy of its consensus (:class:`~helpers.simulate.model.PromoterModel`).
Expression is then computed from those elements
(:func:`~helpers.simulate.rules.log_rate`) and "measured" three times with
multiplicative noise::

    true expression = basal + vmax * p / (1 + p),  p = exp(E)   (saturating)
    replicate_i     = true expression * exp(noise_i), noise_i ~ Normal(0, sigma)
    expression      = log10(mean of the three replicates)

``simulate_promoters`` returns the library and its ground truth as tables;
``simulate_batch`` the same draws as byte arrays (what a Parquet shard
holds). The order and kind of the draws fix the random stream, and with it
the embedded dataset (``data/``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.core.alphabet import CODE_TO_BYTE, codes_to_strings, iupac_codes
from helpers.simulate.model import UP_MUTATION_RATE, PromoterModel
from helpers.simulate.rules import _G, _T, _effects, _segment, _total, log_rate

__all__ = ["simulate_batch", "simulate_promoters"]

# Rows of random background drawn at a time (bounds the int64 temporaries).
_DRAW_ROWS = 8192


def _mutate(consensus: str, n: int, rate: float, rng: np.random.Generator) -> np.ndarray:
    """Return the base codes of ``n`` mutated copies of ``consensus`` (IUPAC), (n, len) uint8.

    Each position keeps a base matching the consensus with probability
    ``1 - rate`` and is otherwise drawn uniformly from ACGT. A matching base
    is drawn uniformly from the bases the letter stands for
    (:data:`helpers.sequences.IUPAC`; ``N`` stands for any base).
    """
    width = len(consensus)
    out = rng.integers(0, 4, size=(n, width))
    keep = rng.random((n, width)) >= rate
    for j, matches in enumerate(iupac_codes(consensus)):
        chosen = matches[rng.integers(0, len(matches), size=n)]
        out[keep[:, j], j] = chosen[keep[:, j]]
    return out.astype(np.uint8)


def _draw(n: int, rng: np.random.Generator, model: PromoterModel) -> dict[str, np.ndarray]:
    """Draw a library's backgrounds and planted elements from ``rng`` (base codes).

    The order and kind of the draws fix the random stream: the embedded
    dataset (``data/``) is generated from it, so it must not change.
    """
    codes = np.empty((n, model.length), dtype=np.uint8)
    for r in range(0, n, _DRAW_ROWS):  # the same stream as one (n, length) draw
        rows = min(n, r + _DRAW_ROWS) - r
        codes[r : r + rows] = rng.integers(0, 4, size=(rows, model.length))

    lengths = np.array(sorted(model.spacer_probabilities))
    probs = np.array([model.spacer_probabilities[s] for s in lengths])
    spacer = rng.choice(lengths, size=n, p=probs / probs.sum())

    has_up = rng.random(n) < model.up_probability
    up = _mutate(model.up_consensus, n, UP_MUTATION_RATE, rng)
    m35 = _mutate(model.minus35_consensus, n, model.mutation_rate, rng)
    m10 = _mutate(model.minus10_consensus, n, model.mutation_rate, rng)
    has_ext = rng.random(n) < model.extended10_probability

    for s in lengths:  # plant the UP element and the -35 box at each spacer's offset
        rows = np.flatnonzero(spacer == s)
        up_rows = rows[has_up[rows]]
        start = int(model.up_start(int(s)))
        codes[up_rows, start : start + len(model.up_consensus)] = up[up_rows]
        start = int(model.minus35_start(int(s)))
        codes[rows, start : start + 6] = m35[rows]
    ext = model.minus10_start - 3
    codes[has_ext, ext] = _T
    codes[has_ext, ext + 1] = _G
    codes[:, model.minus10_start : model.minus10_start + 6] = m10
    return {"codes": codes, "spacer": spacer, "has_up": has_up}


def _measure(
    log_rates: np.ndarray, rng: np.random.Generator, model: PromoterModel
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Saturating readout and three noisy replicates: true expression, replicates, log10 mean."""
    p = np.exp(log_rates)
    true_expr = model.basal + model.vmax * p / (1 + p)
    noise = rng.normal(0.0, model.noise_sigma, size=(len(log_rates), 3))
    reps = np.round(true_expr[:, None] * np.exp(noise), 4)
    return true_expr, reps, np.round(np.log10(reps.mean(axis=1)), 4)


def simulate_batch(
    n: int, rng: np.random.Generator, model: PromoterModel | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Simulate ``n`` promoters as byte arrays: what a Parquet shard holds.

    The same simulator as :func:`simulate_promoters` (the same draws from
    ``rng`` in the same order), returning only the sequences, as ASCII bytes,
    and the ``expression`` column: with ``default_rng(seed)`` its rows equal
    those of ``simulate_promoters(n, seed)``.

    Parameters
    ----------
    n : int
        Number of promoters.
    rng : numpy.random.Generator
        Source of randomness.
    model : PromoterModel, optional
        Defaults to ``PromoterModel()``.

    Returns
    -------
    sequences : numpy.ndarray of shape (n, model.length), dtype uint8
        ASCII codes of the sequences (``sequences.tobytes()`` is the text).
    expression : numpy.ndarray of shape (n,)
        log10 of the mean of three noisy replicates, rounded to 4 decimals
        (the ``expression`` column of ``data/promoters.csv``).

    Examples
    --------
    >>> seqs, expr = simulate_batch(3, np.random.default_rng(1))
    >>> seqs.shape, expr.tolist() == simulate_promoters(3, 1)[0]["expression"].tolist()
    ((3, 100), True)
    >>> seqs[0].tobytes().decode() == simulate_promoters(3, 1)[0]["sequence"][0]
    True
    """
    model = model or PromoterModel()
    drawn = _draw(int(n), rng, model)
    _, _, expression = _measure(log_rate(drawn["codes"], drawn["spacer"], model), rng, model)
    return CODE_TO_BYTE[drawn["codes"]], expression


def simulate_promoters(
    n: int = 4000,
    random_state: int = 2022,
    model: PromoterModel | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate a promoter library with three replicate measurements.

    Parameters
    ----------
    n : int, default=4000
        Number of promoters.
    random_state : int, default=2022
        Seed of the random generator; the same seed gives the same library.
    model : PromoterModel, optional
        Biology and noise parameters; defaults to ``PromoterModel()``.

    Returns
    -------
    promoters : pandas.DataFrame
        Columns ``id``, ``sequence``, ``rep1``, ``rep2``, ``rep3`` (linear,
        arbitrary units, rounded to 4 decimals) and ``expression``
        (log10 of the mean replicate, rounded to 4 decimals).
    elements : pandas.DataFrame
        The ground truth for each promoter: where every element was planted
        (0-based start index), its sequence, and its contribution to the
        log-rate, plus the noise-free ``true_expression`` (log10).

    Examples
    --------
    >>> promoters, elements = simulate_promoters(n=5, random_state=1)
    >>> promoters.columns.tolist()
    ['id', 'sequence', 'rep1', 'rep2', 'rep3', 'expression']
    >>> promoters["sequence"].str.len().unique().tolist()
    [100]
    """
    model = model or PromoterModel()
    rng = np.random.default_rng(random_state)
    drawn = _draw(n, rng, model)
    codes, spacer = drawn["codes"], drawn["spacer"]
    effects = _effects(codes, spacer, model)
    true_expr, reps, expression = _measure(_total(effects, model), rng, model)

    ids = [f"P{i:04d}" for i in range(n)]
    m35_start = model.minus35_start(spacer)
    promoters = pd.DataFrame(
        {
            "id": ids,
            "sequence": codes_to_strings(codes),
            "rep1": reps[:, 0],
            "rep2": reps[:, 1],
            "rep3": reps[:, 2],
            "expression": expression,
        }
    )
    elements = pd.DataFrame(
        {
            "id": ids,
            "up_planted": drawn["has_up"],
            "up_start": model.up_start(spacer),
            "up_match": np.round(effects["up_match"], 4),
            "minus35_start": m35_start,
            "minus35_seq": codes_to_strings(_segment(codes, m35_start, 6)),
            "spacer_length": spacer,
            "extended10_tg": effects["extended10_tg"],
            "minus10_start": model.minus10_start,
            "minus10_seq": codes_to_strings(
                codes[:, model.minus10_start : model.minus10_start + 6]
            ),
            "discriminator_seq": codes_to_strings(
                codes[:, model.discriminator_start : model.tss_index]
            ),
            **{
                name: np.round(effects[name], 4)
                for name in (
                    "effect_up",
                    "effect_minus35",
                    "effect_spacer",
                    "effect_extended10",
                    "effect_minus10",
                    "effect_discriminator",
                )
            },
            "true_expression": np.round(np.log10(true_expr), 4),
        }
    )
    return promoters, elements
