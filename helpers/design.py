"""From prediction to design: variant effects and model-guided sequence search.

A model that predicts expression from sequence is used for two more things:
to say what a mutation does (a *variant effect*: the predicted expression of
the mutant minus that of the reference) and to propose sequences to build
(*design*). On the book's simulated library both can be checked against the
truth, :func:`helpers.simulate.expected_expression`, which this module wraps
as :class:`Oracle` so that it has the ``predict`` of a fitted model.

``Oracle``                 the simulator's rules with a ``predict`` method
``effect_table``           every single-base substitution of some sequences,
                           effects by each model and by the oracle
``effect_scores``          Pearson and Spearman of effects, sign accuracy of
                           large effects, errors inside and outside the elements
``greedy_design``          edit sequences one base at a time towards a target,
                           guided by a model, optionally penalised
``ensemble_disagreement``  the spread of several models' predictions (a penalty)
``hit_rate``, ``diversity``, ``seed_verdict``  scoring designs and runs

Every function is deterministic: the search breaks ties by taking the first
candidate (lowest position, then ``A < C < G < T``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from helpers.core.checks import Rule, check_params, integers, numbers
from helpers.evaluation import verdict
from helpers.interpret import mutagenesis_scan
from helpers.sequences import DNA, validate_sequences
from helpers.simulate import PromoterModel, expected_expression, oracle_positions, oracle_spacer

__all__ = [
    "DesignResult",
    "Oracle",
    "diversity",
    "effect_scores",
    "effect_table",
    "ensemble_disagreement",
    "greedy_design",
    "hit_rate",
    "seed_verdict",
    "single_substitutions",
]

Predictor = Callable[[list[str]], np.ndarray]


class Oracle:
    """The simulator's noise-free rules, with a model's ``predict``.

    Parameters
    ----------
    model : PromoterModel, optional
        The rules (default: those of the embedded dataset).

    Examples
    --------
    >>> from helpers.simulate import simulate_promoters
    >>> promoters, elements = simulate_promoters(n=2, random_state=1)
    >>> Oracle().predict(promoters["sequence"]).round(3).tolist()
    [1.516, 2.02]
    """

    def __init__(self, model: PromoterModel | None = None) -> None:
        self.model = model

    def predict(self, sequences: Any) -> np.ndarray:
        """log10 expression of each sequence (:func:`expected_expression`, best placement)."""
        return expected_expression(sequences, model=self.model)


def _predictor(model: Any) -> Predictor:
    """A fitted model (anything with ``predict``) or a callable, as a callable."""
    if hasattr(model, "predict"):
        return lambda seqs: np.asarray(model.predict(list(seqs)), dtype=float).ravel()
    if callable(model):
        return lambda seqs: np.asarray(model(list(seqs)), dtype=float).ravel()
    raise TypeError(
        f"expected a fitted model with predict() or a callable, got {type(model).__name__}"
    )


def single_substitutions(sequence: str, *, alphabet: str = DNA) -> pd.DataFrame:
    """Every single-base substitution of a sequence.

    Parameters
    ----------
    sequence : str
        The reference (``alphabet`` letters, either case; upper-cased).
    alphabet : str, default="ACGT"

    Returns
    -------
    pandas.DataFrame
        ``position`` (0-based), ``ref``, ``alt`` and ``sequence`` (the
        variant), ordered by position then ``alt``.

    Examples
    --------
    >>> single_substitutions("AC")["sequence"].tolist()
    ['CC', 'GC', 'TC', 'AA', 'AG', 'AT']
    """
    (seq,) = validate_sequences([sequence], alphabet=alphabet, ignore_case=True)
    seq = seq.upper()
    rows = [
        (i, ref, alt, seq[:i] + alt + seq[i + 1 :])
        for i, ref in enumerate(seq)
        for alt in alphabet
        if alt != ref
    ]
    return pd.DataFrame(rows, columns=["position", "ref", "alt", "sequence"])


def effect_table(
    models: Mapping[str, Any],
    sequences: Sequence[str],
    *,
    oracle: Any | None = None,
    simulator: PromoterModel | None = None,
) -> pd.DataFrame:
    """Predicted and true effects of every single-base substitution.

    Each sequence is scanned with :func:`helpers.interpret.mutagenesis_scan`
    by every model and by the oracle; an effect is the prediction for the
    variant minus that for the reference (log10 units).

    Parameters
    ----------
    models : mapping of str to fitted model
        Name to anything with ``predict`` on a list of sequences.
    sequences : sequence of str
        Reference sequences of the simulated architecture.
    oracle : object with ``predict``, optional
        The truth (default :class:`Oracle`).
    simulator : PromoterModel, optional
        The rules whose element positions define ``inside``.

    Returns
    -------
    pandas.DataFrame
        One row per (sequence, substitution): ``sequence_index``,
        ``position``, ``ref``, ``alt``, ``inside`` (the oracle reads this
        position at the reference's best placement, see
        :func:`helpers.simulate.oracle_positions`), ``oracle`` (true effect)
        and one column of predicted effects per model.

    Examples
    --------
    >>> from helpers.simulate import simulate_promoters
    >>> promoters, _ = simulate_promoters(n=1, random_state=1)
    >>> table = effect_table({"truth": Oracle()}, promoters["sequence"])
    >>> len(table), bool((table["truth"] == table["oracle"]).all())
    (300, True)
    """
    oracle = oracle if oracle is not None else Oracle(simulator)
    sequences = list(sequences)
    spacers = oracle_spacer(sequences, model=simulator)
    frames = []
    for i, seq in enumerate(sequences):
        scan = mutagenesis_scan(oracle, seq)
        frame = scan[["position", "ref", "alt"]].copy()
        frame.insert(0, "sequence_index", i)
        frame["inside"] = oracle_positions(int(spacers[i]), model=simulator)[frame["position"]]
        frame["oracle"] = scan["effect"].to_numpy()
        for name, model in models.items():
            frame[name] = mutagenesis_scan(model, seq)["effect"].to_numpy()
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def effect_scores(
    table: pd.DataFrame, models: Sequence[str], *, threshold: float = 0.1
) -> pd.DataFrame:
    """How well each model's variant effects match the oracle's.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`effect_table`.
    models : sequence of str
        Columns of ``table`` to score.
    threshold : float, default=0.1
        A *large* effect moves the true log10 expression by more than this.

    Returns
    -------
    pandas.DataFrame
        One row per model: ``pearson_r`` and ``spearman_r`` of predicted
        against true effects (all substitutions), ``sign_accuracy`` (share of
        large true effects whose predicted sign is right), ``mae_inside`` and
        ``mae_outside`` (mean absolute error of the effect at positions the
        oracle reads and at the others), and ``false_share_outside`` (share
        of predicted effects larger than ``threshold`` that fall where the
        oracle reads nothing).

    Raises
    ------
    ValueError
        If ``threshold`` is not positive or no true effect exceeds it.
    """
    if not threshold > 0:
        raise ValueError(f"effect_scores: threshold must be positive, got {threshold!r}")
    truth = table["oracle"].to_numpy()
    large = np.abs(truth) > threshold
    if not large.any():
        raise ValueError(f"effect_scores: no true effect exceeds threshold={threshold}")
    inside = table["inside"].to_numpy(dtype=bool)
    rows = {}
    for name in models:
        pred = table[name].to_numpy()
        err = np.abs(pred - truth)
        big_pred = np.abs(pred) > threshold
        rows[name] = {
            "pearson_r": float(stats.pearsonr(pred, truth)[0]),
            "spearman_r": float(stats.spearmanr(pred, truth)[0]),
            "sign_accuracy": float(np.mean(np.sign(pred[large]) == np.sign(truth[large]))),
            "mae_inside": float(err[inside].mean()),
            "mae_outside": float(err[~inside].mean()),
            "false_share_outside": float(np.mean(~inside[big_pred])) if big_pred.any() else 0.0,
        }
    return pd.DataFrame(rows).T


def ensemble_disagreement(models: Sequence[Any]) -> Predictor:
    """A penalty: the standard deviation of several models' predictions.

    Where models trained differently agree, a prediction is more likely to be
    supported by the data; where they part, at least one of them is guessing.

    Parameters
    ----------
    models : sequence of fitted models (or callables)
        At least two.

    Returns
    -------
    callable
        ``penalty(sequences) -> numpy.ndarray``, one value per sequence.

    Examples
    --------
    >>> penalty = ensemble_disagreement([lambda s: np.zeros(len(s)), lambda s: np.full(len(s), 2.0)])
    >>> penalty(["A", "C"]).tolist()
    [1.0, 1.0]
    """
    if len(models) < 2:
        raise ValueError(f"ensemble_disagreement: needs at least two models, got {len(models)}")
    predictors = [_predictor(m) for m in models]

    def penalty(sequences: Sequence[str]) -> np.ndarray:
        return np.std(np.vstack([p(sequences) for p in predictors]), axis=0)

    return penalty


@dataclass(frozen=True)
class DesignResult:
    """What :func:`greedy_design` returns.

    Attributes
    ----------
    sequences : list of str
        The final design of each start.
    predicted : numpy.ndarray
        The guiding model's prediction for each design.
    n_edits : numpy.ndarray of int
        Substitutions made from each start.
    trajectory : pandas.DataFrame
        One row per start and step (0 = the start): ``start``, ``step``,
        ``sequence``, ``predicted``; a start that stopped keeps its last
        sequence in later steps, so every start has ``max_edits + 1`` rows.
    """

    sequences: list[str]
    predicted: np.ndarray
    n_edits: np.ndarray
    trajectory: pd.DataFrame


def greedy_design(
    model: Any,
    starts: Sequence[str],
    target: float,
    *,
    max_edits: int = 10,
    stop_within: float = 0.05,
    penalty: Predictor | None = None,
    penalty_weight: float = 1.0,
    alphabet: str = DNA,
) -> DesignResult:
    """Edit sequences one base at a time until a model predicts a target.

    At each step every single-base substitution of every current sequence is
    predicted (one ``predict`` call for all starts), and each sequence takes
    the substitution with the lowest objective
    ``|prediction - target| + penalty_weight * penalty(variant)``. A
    position is edited at most once, so the number of steps is the number of
    edits. A sequence stops when its prediction is within ``stop_within`` of
    the target, when no substitution lowers its objective, or after
    ``max_edits`` edits. Ties go to the first candidate (lowest position,
    then alphabet order): the search is deterministic.

    Greedy search is the simplest model-guided search: it needs no
    temperature or population, and its steps are edits, so the trajectory
    shows what each added edit does.

    Parameters
    ----------
    model : fitted model or callable
        Anything with ``predict`` on a list of sequences (or a callable).
    starts : sequence of str
        Starting sequences (equal lengths not required).
    target : float
        The wanted prediction (same scale as the model's).
    max_edits : int, default=10
        Edit budget (the trust region's radius in substitutions).
    stop_within : float, default=0.05
        Stop once the prediction is this close to the target.
    penalty : callable, optional
        ``penalty(sequences) -> array``; added to the objective (for example
        :func:`ensemble_disagreement`).
    penalty_weight : float, default=1.0
    alphabet : str, default="ACGT"

    Returns
    -------
    DesignResult

    Raises
    ------
    ValueError
        On an empty ``starts``, invalid sequences, a negative ``max_edits``
        or ``stop_within``, or a non-finite ``target``.

    Examples
    --------
    >>> count_t = lambda seqs: np.array([s.count("T") for s in seqs], dtype=float)
    >>> result = greedy_design(count_t, ["AAAA"], target=2, max_edits=3)
    >>> result.sequences, result.n_edits.tolist()
    (['TTAA'], [2])
    """
    check_params(
        "greedy_design",
        {"max_edits": max_edits, "target": target, "stop_within": stop_within},
        {
            "max_edits": [integers(0)],
            "target": [
                Rule(
                    lambda t: numbers(None, None).is_satisfied_by(t) and np.isfinite(t),
                    "a finite number",
                )
            ],
            "stop_within": [numbers(0, None)],
        },
    )
    starts = list(starts)
    if not starts:
        raise ValueError("greedy_design: starts is empty")
    current = [s.upper() for s in validate_sequences(starts, alphabet=alphabet, ignore_case=True)]
    predict = _predictor(model)
    pred = predict(current)

    def objective(seqs: list[str], values: np.ndarray) -> np.ndarray:
        out = np.abs(values - target)
        if penalty is not None:
            out = out + penalty_weight * np.asarray(penalty(seqs), dtype=float)
        return out

    score = objective(current, pred)
    edited = [set() for _ in current]
    active = np.abs(pred - target) > stop_within
    n_edits = np.zeros(len(current), dtype=int)
    rows = [(i, 0, s, float(p)) for i, (s, p) in enumerate(zip(current, pred, strict=True))]
    for step in range(1, max_edits + 1):
        owners, candidates, where = [], [], []
        for i in np.flatnonzero(active):
            seq = current[i]
            for pos, ref in enumerate(seq):
                if pos in edited[i]:
                    continue
                for alt in alphabet:
                    if alt != ref:
                        owners.append(i)
                        candidates.append(seq[:pos] + alt + seq[pos + 1 :])
                        where.append(pos)
        if candidates:
            values = predict(candidates)
            scores = objective(candidates, values)
            owners_arr = np.asarray(owners)
            for i in np.flatnonzero(active):
                mine = np.flatnonzero(owners_arr == i)
                if mine.size == 0:
                    active[i] = False
                    continue
                best = mine[int(np.argmin(scores[mine]))]
                if not scores[best] < score[i]:
                    active[i] = False
                    continue
                current[i] = candidates[best]
                pred[i], score[i] = values[best], scores[best]
                edited[i].add(where[best])
                n_edits[i] += 1
                if abs(pred[i] - target) <= stop_within:
                    active[i] = False
        rows.extend(
            (i, step, s, float(p)) for i, (s, p) in enumerate(zip(current, pred, strict=True))
        )
    trajectory = pd.DataFrame(rows, columns=["start", "step", "sequence", "predicted"])
    return DesignResult(list(current), pred.copy(), n_edits, trajectory)


def hit_rate(values: Any, target: float, *, tolerance: float = 0.25) -> float:
    """Share of values within ``tolerance`` of ``target``.

    Examples
    --------
    >>> hit_rate([1.0, 1.2, 1.6], 1.1)
    0.667
    """
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        raise ValueError("hit_rate: no values")
    return round(float(np.mean(np.abs(values - target) <= tolerance)), 3)


def diversity(sequences: Sequence[str]) -> float:
    """Mean pairwise Hamming distance of equal-length sequences (0 for fewer than two).

    Examples
    --------
    >>> diversity(["AAAA", "AAAT", "TTAA"])
    2.0
    """
    seqs = list(sequences)
    if len(seqs) < 2:
        return 0.0
    codes = np.array([np.frombuffer(s.encode(), dtype=np.uint8) for s in seqs])
    diffs = [
        (codes[i] != codes[j]).sum() for i in range(len(seqs)) for j in range(i + 1, len(seqs))
    ]
    return float(np.mean(diffs))


def seed_verdict(differences: Any, *, confidence: float = 0.95) -> dict[str, Any]:
    """Summarise paired differences over seeds, and say whether they hold.

    Parameters
    ----------
    differences : array-like of float
        One paired difference (A minus B) per seed; at least 3.
    confidence : float, default=0.95
        Level of the t interval of the mean difference.

    Returns
    -------
    dict
        ``mean``, ``low``, ``high`` (t interval), ``min``, ``max`` (the
        spread over seeds), ``n`` and ``verdict``: ``"A"`` if the interval
        lies above 0 and every seed agrees, ``"B"`` if below 0 and every seed
        agrees, ``"tie"`` otherwise. The interval is read by
        :func:`helpers.evaluation.verdict`, whose margin keeps a bound near 0
        from flipping the word between machines.

    Examples
    --------
    >>> seed_verdict([0.1, 0.2, 0.15])["verdict"]
    'A'
    >>> seed_verdict([0.1, -0.05, 0.02])["verdict"]
    'tie'
    """
    d = np.asarray(differences, dtype=float)
    if d.ndim != 1 or d.size < 3 or not np.all(np.isfinite(d)):
        raise ValueError(f"seed_verdict: needs at least 3 finite differences, got {d.tolist()!r}")
    mean = float(d.mean())
    half = float(stats.t.ppf(0.5 + confidence / 2, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size))
    low, high = mean - half, mean + half
    word = verdict((mean, low, high), words=("A", "B", "tie"))
    if (word == "A" and d.min() <= 0) or (word == "B" and d.max() >= 0):
        word = "tie"
    return {
        "mean": mean,
        "low": low,
        "high": high,
        "min": float(d.min()),
        "max": float(d.max()),
        "n": int(d.size),
        "verdict": word,
    }
