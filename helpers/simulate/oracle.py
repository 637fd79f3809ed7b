"""The simulator as an oracle: the noise-free expression of any sequence of its architecture.

``expected_expression``  noise-free log10 expression, scored with the
                         simulator's own rules (:mod:`helpers.simulate.rules`)
``oracle_spacer``        the spacer length (−35 placement) the rules score best
``oracle_positions``     which positions the rules read, for one spacer length

Design (chapter 13) scores its proposals with it: a perfect, infinitely
replicated measurement.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.core.alphabet import DNA, encode_codes
from helpers.core.checks import Rule, check_params, param_error
from helpers.sequences import validate_sequences
from helpers.simulate.model import PromoterModel
from helpers.simulate.rules import log_rate

__all__ = ["expected_expression", "oracle_positions", "oracle_spacer"]


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
    >>> from helpers.simulate.library import simulate_promoters
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
    allowed = sorted(model.spacer_effects)
    spacer_rule = Rule(
        lambda v: not isinstance(v, bool | np.bool_) and int(v) == v and int(v) in allowed,
        f"one of {allowed}",
    )
    check_params("oracle_positions", {"spacer": spacer}, {"spacer": [spacer_rule]})
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
    simulator's own rules (:mod:`helpers.simulate.rules`): mismatch penalties of the −10
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
    >>> from helpers.simulate.library import simulate_promoters
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
            raise param_error(
                "expected_expression",
                "spacer",
                f"one length or one per sequence ({len(seqs)})",
                chosen.shape[0] if chosen.ndim else 1,
            )
        bad = ~np.isin(chosen, lengths)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            error = param_error(
                "expected_expression", "spacer", f"one of {lengths.tolist()}", chosen[i].item()
            )
            raise ValueError(f"{error} (row {i})")
        column = np.searchsorted(lengths, chosen.astype(int))
        log_rate = rates[np.arange(len(seqs)), column]
    p = np.exp(log_rate)
    return np.log10(model.basal + model.vmax * p / (1 + p))
