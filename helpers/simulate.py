"""Simulated σ70 promoters: the book's embedded dataset and its ground truth.

The simulator builds promoters the way synthetic promoter libraries are built
(La Fleur et al. 2022): every sequence is a fixed-length background into which
the classic elements of a bacterial σ70 promoter are planted, each as a
mutated copy of its consensus. Expression is then computed from those
elements with a simple thermodynamic-style model and "measured" three times
with multiplicative noise.

Layout of every sequence (``length=100``, 0-based indices, the transcription
start site +1 at index 80)::

    background | UP element | -35 box | spacer (15-19) | ext -10 | -10 box | discriminator | +1 ...
                                                          TGn      TATAAT    6 nt

The −10 box sits at a fixed distance from the start site (positions −12 to −7);
the −35 box and the UP element move with the spacer length, as in real
promoters.

Model (natural-log units of transcription rate, all effects additive)::

    E = offset
        - sum of mismatch penalties in the −10 box     (Harley & Reynolds 1987)
        - sum of mismatch penalties in the −35 box     (Kinney et al. 2010)
        + spacer effect (17 nt best)                   (Hook-Barnard & Hinton 2007)
        + extended −10 'TG' bonus                      (Hook-Barnard & Hinton 2007)
        + UP element bonus, scaled by its AT match     (Ross et al. 1993; Estrem et al. 1998)
        - discriminator GC penalty                     (Haugen et al. 2006)

    true expression = basal + vmax * p / (1 + p),  p = exp(E)   (saturating)
    replicate_i     = true expression * exp(noise_i), noise_i ~ Normal(0, sigma)
    expression      = log10(mean of the three replicates)

Regenerate the committed files with ``python -m helpers.simulate --out data``;
the output is byte-identical for the same seed.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.core.alphabet import CODE_TO_BYTE, DNA, codes_to_strings, encode_codes, iupac_codes
from helpers.sequences import validate_sequences


@dataclass(frozen=True)
class PromoterModel:
    """Parameters of the simulated promoter biology.

    All effects are in natural-log units of the transcription rate, so an
    effect of ``-0.69`` halves expression in the linear (unsaturated) regime.

    Attributes
    ----------
    length : int
        Length of every promoter sequence.
    tss_index : int
        0-based index of the transcription start site (+1).
    minus10_consensus, minus35_consensus : str
        Consensus hexamers of the −10 and −35 boxes.
    minus10_penalties, minus35_penalties : tuple of float
        Loss of log-rate for a mismatch at each position of the box.
    spacer_effects : dict
        Effect of each allowed spacer length (15–19 nt; 17 is best).
    extended10_effect : float
        Bonus for a ``TG`` at positions −15/−14.
    up_consensus : str
        UP element consensus (−57 to −38 for a 17-nt spacer) in IUPAC letters.
    up_max_effect : float
        Bonus of a perfect UP element; scaled linearly from 0 at a match
        fraction of ``up_threshold`` to the maximum at a perfect match.
    discriminator_gc_penalty : float
        Loss of log-rate per G or C in the 6-nt discriminator.
    offset : float
        Log-rate of a promoter with consensus boxes and no other effects,
        before saturation.
    vmax, basal : float
        Saturating maximum and background of the expression readout (au).
    noise_sigma : float
        Standard deviation of the multiplicative (log-normal) noise of each
        replicate, in natural-log units.
    mutation_rate : float
        Probability that each position of a planted box differs from the
        consensus in the library.
    """

    length: int = 100
    tss_index: int = 80
    minus10_consensus: str = "TATAAT"
    minus10_penalties: tuple[float, ...] = (1.6, 1.9, 0.7, 0.8, 1.0, 1.8)
    minus35_consensus: str = "TTGACA"
    minus35_penalties: tuple[float, ...] = (1.3, 1.4, 1.2, 0.6, 0.5, 0.4)
    spacer_effects: dict[int, float] = field(
        default_factory=lambda: {15: -2.0, 16: -0.7, 17: 0.0, 18: -0.6, 19: -1.8}
    )
    spacer_probabilities: dict[int, float] = field(
        default_factory=lambda: {15: 0.1, 16: 0.2, 17: 0.4, 18: 0.2, 19: 0.1}
    )
    extended10_effect: float = 1.2
    extended10_probability: float = 0.3
    up_consensus: str = "AAAWWTWTTTTNNAAAANNN"
    up_max_effect: float = 2.0
    up_threshold: float = 0.4
    up_probability: float = 0.4
    discriminator_gc_penalty: float = 0.25
    offset: float = 0.5
    vmax: float = 1000.0
    basal: float = 0.5
    noise_sigma: float = 0.5
    mutation_rate: float = 0.3

    @property
    def minus10_start(self) -> int:
        """0-based index of the first base of the −10 box (position −12)."""
        return self.tss_index - 12

    @property
    def discriminator_start(self) -> int:
        """0-based index of the first base of the discriminator (position −6)."""
        return self.tss_index - 6

    def minus35_start(self, spacer: int | np.ndarray) -> int | np.ndarray:
        """0-based index of the first base of the −35 box for a spacer length."""
        return self.minus10_start - spacer - 6

    def up_start(self, spacer: int | np.ndarray) -> int | np.ndarray:
        """0-based index of the first base of the UP element (2 nt gap to −35)."""
        return self.minus35_start(spacer) - 2 - len(self.up_consensus)


#: Mutation rate of the planted UP element (the boxes use ``PromoterModel.mutation_rate``).
UP_MUTATION_RATE: float = 0.2

# Rows of random background drawn at a time (bounds the int64 temporaries).
_DRAW_ROWS = 8192

_A, _C, _G, _T = range(4)


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


def _segment(codes: np.ndarray, start: np.ndarray | int, width: int) -> np.ndarray:
    """The ``width`` codes of each row from its own ``start`` (one start or one per row)."""
    n, length = codes.shape
    row_start = np.arange(n, dtype=np.int64) * length + np.asarray(start, dtype=np.int64)
    return codes.ravel().take(row_start[:, None] + np.arange(width))


def _match_fraction(segments: np.ndarray, consensus: str) -> np.ndarray:
    """Fraction of the specified consensus positions a segment of codes matches.

    ``N`` positions are left out: every base matches them, so they say nothing.
    """
    matches = iupac_codes(consensus)
    scored = [j for j, letter in enumerate(consensus) if letter != "N"]
    hits = np.zeros(segments.shape[0])
    for j in scored:
        hits += np.isin(segments[:, j], matches[j])
    return hits / len(scored)


def _penalty(segments: np.ndarray, consensus: str, penalties: tuple[float, ...]) -> np.ndarray:
    """Sum of mismatch penalties of each segment of codes against an ACGT consensus."""
    target = np.array([DNA.index(b) for b in consensus])
    return (segments != target).astype(float) @ np.asarray(penalties)


def _effects(codes: np.ndarray, spacer: np.ndarray, model: PromoterModel) -> dict[str, np.ndarray]:
    """Every rule of the model (module docstring) read off the sequences' codes."""
    up_match = _match_fraction(
        _segment(codes, model.up_start(spacer), len(model.up_consensus)), model.up_consensus
    )
    m35 = _segment(codes, model.minus35_start(spacer), 6)
    m10 = codes[:, model.minus10_start : model.minus10_start + 6]
    lengths = np.array(sorted(model.spacer_effects))
    effects = np.array([model.spacer_effects[s] for s in lengths])
    ext = model.minus10_start - 3
    ext_tg = (codes[:, ext] == _T) & (codes[:, ext + 1] == _G)
    disc = codes[:, model.discriminator_start : model.tss_index]
    return {
        "up_match": up_match,
        "effect_up": model.up_max_effect
        * np.clip((up_match - model.up_threshold) / (1 - model.up_threshold), 0, 1),
        "effect_minus35": -_penalty(m35, model.minus35_consensus, model.minus35_penalties),
        "effect_minus10": -_penalty(m10, model.minus10_consensus, model.minus10_penalties),
        "effect_spacer": effects[np.searchsorted(lengths, spacer)],
        "extended10_tg": ext_tg,
        "effect_extended10": model.extended10_effect * ext_tg,
        "effect_discriminator": -model.discriminator_gc_penalty
        * ((disc == _C) | (disc == _G)).sum(axis=1),
    }


def _total(effects: dict[str, np.ndarray], model: PromoterModel) -> np.ndarray:
    """The log-rate ``E``: the effects summed in one fixed order."""
    total = model.offset + effects["effect_up"] + effects["effect_minus35"]
    total = total + effects["effect_minus10"] + effects["effect_spacer"]
    return total + effects["effect_extended10"] + effects["effect_discriminator"]


def log_rate(
    codes: np.ndarray, spacer: np.ndarray, model: PromoterModel | None = None
) -> np.ndarray:
    """Log transcription rate of promoters given as base codes (the simulator's model).

    Parameters
    ----------
    codes : numpy.ndarray of shape (n, model.length)
        Base codes, 0-3 for A, C, G, T (:mod:`helpers.core.alphabet`).
    spacer : numpy.ndarray of shape (n,)
        Spacer length of each promoter (where its −35 box and UP element sit).
    model : PromoterModel, optional
        Defaults to ``PromoterModel()``.

    Returns
    -------
    numpy.ndarray of shape (n,)
        The log-rate ``E`` of the module docstring (before saturation).

    Examples
    --------
    >>> m = PromoterModel()
    >>> codes = np.zeros((1, m.length), dtype=np.uint8)  # poly-A
    >>> float(np.round(log_rate(codes, np.array([17]), m), 3)[0])
    -7.111
    """
    model = model or PromoterModel()
    return _total(_effects(np.asarray(codes), np.asarray(spacer), model), model)


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


def motif_table(model: PromoterModel | None = None) -> pd.DataFrame:
    """The planted motifs as a tidy table: one row per element and motif position.

    Positions are given relative to the transcription start site for the
    optimal 17-nt spacer (the −35 box and UP element shift with the spacer).

    Parameters
    ----------
    model : PromoterModel, optional
        Defaults to ``PromoterModel()``.

    Returns
    -------
    pandas.DataFrame
        Columns ``element``, ``motif_position`` (1-based), ``tss_position``,
        ``consensus_base`` and ``effect`` (the mismatch penalty for the boxes;
        the bonus of the whole element for the others).

    Examples
    --------
    >>> table = motif_table()
    >>> table.loc[table["element"] == "minus10", "consensus_base"].str.cat()
    'TATAAT'
    """
    model = model or PromoterModel()

    def tss_pos(index: int) -> int:
        return index - model.tss_index + (1 if index >= model.tss_index else 0)

    rows = []

    def add(element: str, start: int, consensus: str, effects) -> None:
        for j, (base, eff) in enumerate(zip(consensus, effects, strict=True)):
            rows.append((element, j + 1, tss_pos(start + j), base, eff))

    add(
        "up_element",
        model.up_start(17),
        model.up_consensus,
        [model.up_max_effect] * len(model.up_consensus),
    )
    add("minus35", model.minus35_start(17), model.minus35_consensus, model.minus35_penalties)
    ext = model.minus10_start - 3
    add("extended10", ext, "TG", [model.extended10_effect] * 2)
    add("minus10", model.minus10_start, model.minus10_consensus, model.minus10_penalties)
    add("discriminator", model.discriminator_start, "WWWWWW", [model.discriminator_gc_penalty] * 6)
    return pd.DataFrame(
        rows, columns=["element", "motif_position", "tss_position", "consensus_base", "effect"]
    )


def _as_base_array(sequences: Any, model: PromoterModel) -> np.ndarray:
    """Validate sequences of the simulated architecture; return their (n, length) base codes."""
    if isinstance(sequences, str):
        raise ValueError(
            "sequences must be a list of sequences, got a single string; wrap it: [sequence]"
        )
    seqs = validate_sequences(
        sequences if isinstance(sequences, pd.Series) else list(sequences),
        alphabet=DNA,
        ignore_case=True,
        length=model.length,
    )
    return encode_codes("".join(seqs)).reshape(len(seqs), model.length)


def _site_log_rates(codes: np.ndarray, model: PromoterModel) -> tuple[np.ndarray, np.ndarray]:
    """Log-rate of every sequence for each allowed spacer length (n, n_spacers).

    The same function (:func:`log_rate`) as in :func:`simulate_promoters`, so
    at the planted spacer the result is bit-identical to the simulator's.
    """
    lengths = np.array(sorted(model.spacer_effects))
    rates = np.empty((codes.shape[0], len(lengths)))
    for j, spacer in enumerate(lengths):
        rates[:, j] = log_rate(codes, np.full(codes.shape[0], spacer), model)
    return rates, lengths


def oracle_spacer(sequences: Any, *, model: PromoterModel | None = None) -> np.ndarray:
    """The spacer length at which the simulator's rules score each sequence best.

    This is the placement :func:`expected_expression` uses when it is not told
    the spacer: of the five placements of the −35 box (and of the UP element
    that moves with it), the one with the highest log-rate, as a polymerase
    would pick the best site. Ties go to the shortest spacer.

    Parameters
    ----------
    sequences : list, array or Series of str
        Sequences of the simulated architecture (``model.length`` bases,
        A/C/G/T in either case).
    model : PromoterModel, optional
        Defaults to ``PromoterModel()``.

    Returns
    -------
    numpy.ndarray of int
        One spacer length (15–19) per sequence.

    Examples
    --------
    >>> promoters, elements = simulate_promoters(n=3, random_state=1)
    >>> oracle_spacer(promoters["sequence"]).tolist(), elements["spacer_length"].tolist()
    ([19, 17, 16], [19, 17, 16])
    """
    model = model or PromoterModel()
    rates, lengths = _site_log_rates(_as_base_array(sequences, model), model)
    return lengths[np.argmax(rates, axis=1)] if len(rates) else np.empty(0, dtype=int)


def oracle_positions(spacer: int, *, model: PromoterModel | None = None) -> np.ndarray:
    """Which positions the simulator's rules read, for one spacer length.

    The UP element window, the −35 box, the extended −10 ``TG``, the −10 box
    and the discriminator: a substitution anywhere else leaves
    :func:`expected_expression` unchanged, unless it creates a better −35
    placement at another spacer length.

    Parameters
    ----------
    spacer : int
        A spacer length of ``model.spacer_effects`` (15–19).
    model : PromoterModel, optional
        Defaults to ``PromoterModel()``.

    Returns
    -------
    numpy.ndarray of bool
        Length ``model.length``; True where a rule reads the base.

    Raises
    ------
    ValueError
        If ``spacer`` is not an allowed spacer length.

    Examples
    --------
    >>> int(oracle_positions(17).sum())  # 20 + 6 + 2 + 6 + 6
    40
    """
    model = model or PromoterModel()
    if isinstance(spacer, bool) or int(spacer) != spacer or int(spacer) not in model.spacer_effects:
        raise ValueError(
            f"oracle_positions: spacer must be one of {sorted(model.spacer_effects)}, got {spacer!r}"
        )
    spacer = int(spacer)
    mask = np.zeros(model.length, dtype=bool)
    up = int(model.up_start(spacer))
    mask[up : up + len(model.up_consensus)] = True
    m35 = int(model.minus35_start(spacer))
    mask[m35 : m35 + 6] = True
    mask[model.minus10_start - 3 : model.minus10_start - 1] = True
    mask[model.minus10_start : model.minus10_start + 6] = True
    mask[model.discriminator_start : model.tss_index] = True
    return mask


def expected_expression(
    sequences: Any,
    *,
    spacer: int | Any | None = None,
    model: PromoterModel | None = None,
) -> np.ndarray:
    """The simulator as an oracle: noise-free log10 expression of any sequence.

    Every sequence of the simulated architecture (``model.length`` bases, the
    transcription start at ``model.tss_index``) is scored with the
    simulator's own rules (module docstring): mismatch penalties of the −10
    and −35 boxes, the spacer effect, the extended −10 bonus, the UP element
    bonus and the discriminator penalty, summed and passed through the
    saturating readout. There is no noise: this is the ``true_expression``
    a perfect, infinitely replicated measurement would give.

    Where a sequence's −35 box is depends on its spacer. With ``spacer``
    given (for example the ``spacer_length`` column of
    ``ground_truth_elements.csv``), that placement is scored, and the result
    equals the simulator's ``true_expression`` exactly. Without it, the best
    of the five placements is scored (:func:`oracle_spacer`): the oracle then
    rewards a better −35 box wherever it is, and can exceed the planted
    truth when the random background happens to hold a better site.

    Sequences without a recognisable architecture (a shuffle, a random
    sequence) are still scored at the fixed positions: their boxes match the
    consensus poorly, so they score near the floor ``log10(basal)``; no
    sequence scores above ``log10(basal + vmax)`` (saturation).

    Parameters
    ----------
    sequences : list, array or Series of str
        Sequences of length ``model.length``, A/C/G/T in either case.
    spacer : int or array-like of int, optional
        Spacer length(s) (15–19) to score: one for all sequences or one per
        sequence. Default: the best placement of each sequence.
    model : PromoterModel, optional
        The rules; defaults to ``PromoterModel()`` (the embedded dataset's).

    Returns
    -------
    numpy.ndarray of float
        log10 expression, one value per sequence (not rounded).

    Raises
    ------
    ValueError
        If a sequence has the wrong length or a character other than A, C,
        G, T (the message names the row), if ``sequences`` is a single
        string, or if a spacer is not 15–19 or their number does not match.

    Examples
    --------
    >>> promoters, elements = simulate_promoters(n=3, random_state=1)
    >>> truth = expected_expression(promoters["sequence"], spacer=elements["spacer_length"])
    >>> bool(np.allclose(np.round(truth, 4), elements["true_expression"]))
    True
    >>> ideal = "A" * 45 + "TTGACA" + "A" * 17 + "TATAAT" + "A" * 26
    >>> float(np.round(expected_expression([ideal]), 3)[0])  # near the ceiling log10(1000.5)
    2.904
    """
    model = model or PromoterModel()
    seqs = _as_base_array(sequences, model)
    rates, lengths = _site_log_rates(seqs, model)
    if spacer is None:
        log_rate = rates.max(axis=1) if len(rates) else np.empty(0)
    else:
        chosen = (
            np.broadcast_to(np.asarray(spacer), (len(seqs),))
            if np.ndim(spacer) == 0
            else np.asarray(spacer)
        )
        if chosen.shape != (len(seqs),):
            raise ValueError(
                f"expected_expression: spacer must be one length or one per sequence "
                f"({len(seqs)}), got {chosen.shape[0] if chosen.ndim else 1}"
            )
        bad = ~np.isin(chosen, lengths)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"expected_expression: spacer must be one of {lengths.tolist()}, "
                f"got {chosen[i]!r} (row {i})"
            )
        column = np.searchsorted(lengths, chosen.astype(int))
        log_rate = rates[np.arange(len(seqs)), column]
    p = np.exp(log_rate)
    return np.log10(model.basal + model.vmax * p / (1 + p))


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="data", help="output folder (default: data)")
    parser.add_argument("--n", type=int, default=4000, help="number of promoters")
    parser.add_argument(
        "--random-state", dest="random_state", type=int, default=2022, help="random seed"
    )
    args = parser.parse_args(argv)
    for path in write_dataset(args.out, n=args.n, random_state=args.random_state):
        print(path)


if __name__ == "__main__":
    main()
