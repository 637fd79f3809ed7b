"""Transfer trained on many libraries: one estimator a reader can fit on every public library.

Chapter 11 trains on La Fleur et al.'s library alone; chapter 14 trains on
several libraries at once and predicts a library it never saw
(leave-one-library-out). Libraries differ in their measurement (plasmid,
reporter, normalisation), in their construct lengths and in where the
promoter sits inside the construct. This module holds the pieces that handle
those differences:

``normalize_within``           the target standardised within each library
                               (z-score or rank), so libraries measured on
                               different scales can be pooled
``core_windows``               the stretch around the σ70 site the consensus
                               search finds, so flanking plasmid sequence
                               cannot leak into a model
``target_resemblance``         how much each training row resembles a target
                               library's *sequences* (a classifier telling
                               them apart; no measurement of the target used)
``ManyLibraryRegressor``       the recommended estimator: ``fit(sequences, y,
                               groups=library)``, ``predict(sequences)``; an
                               average of latent-site models and a booster on
                               located parts, each trained on the pooled,
                               standardised libraries

Sign convention: as in :mod:`helpers.transfer`, targets where **more
negative means a stronger promoter** (La Fleur's ``observed``, the Promoter
Calculator) are the default; the standardisation keeps the sign.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm, rankdata
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.utils.validation import check_is_fitted

from helpers.encoding import KmerVectorizer, _SequenceInputTags, check_sequences
from helpers.transfer import (
    BOX,
    SPACERS,
    LatentSiteRegressor,
    aligned_parts,
    encode_codes,
    find_sites,
    parts_from_sites,
)

__all__ = [
    "COMPONENTS",
    "ManyLibraryRegressor",
    "booster_columns",
    "core_windows",
    "lolo_tables",
    "normalize_within",
    "shared_flanks",
    "target_resemblance",
]

#: The models :class:`ManyLibraryRegressor` can average: latent-site models
#: (placements summed or best site only) on the located window, a gradient
#: booster on the located −35, spacer, −10 and UP-element columns, and a k-mer
#: ridge on the located window.
COMPONENTS: tuple[str, ...] = ("latent_sum", "latent_max", "booster", "kmer")

_MIN_LENGTH = 12 + min(SPACERS)
#: With a ``target``, the resemblance is computed on a uniform pool of this many
#: times ``max_rows_per_library`` rows per library, from which the rows are drawn.
POOL = 4


def _param_error(name: str, expected: str, got: Any) -> ValueError:
    return ValueError(f"ManyLibraryRegressor: {name} must be {expected}, got {got!r}")


def normalize_within(y: Any, groups: Any, method: str = "zscore") -> np.ndarray:
    """Standardise a target within each group (library).

    Parameters
    ----------
    y : array-like of shape (n,)
        Finite targets.
    groups : array-like of shape (n,)
        Library label of each row.
    method : {"zscore", "rank", "none"}, default="zscore"
        ``"zscore"``: subtract the library's mean, divide by its standard
        deviation; ``"rank"``: normal scores of the within-library ranks
        (robust to a monotone but nonlinear difference between reporters);
        ``"none"``: unchanged.

    Returns
    -------
    numpy.ndarray of shape (n,)

    Raises
    ------
    ValueError
        On a length mismatch, a non-finite target, an unknown method, or a
        library whose targets are all equal (it carries no ranking).

    Examples
    --------
    >>> normalize_within([1.0, 3.0, 10.0, 30.0], ["a", "a", "b", "b"]).tolist()
    [-1.0, 1.0, -1.0, 1.0]
    """
    values = np.asarray(y, dtype=np.float64).ravel()
    labels = np.asarray(groups).ravel()
    if method not in ("zscore", "rank", "none"):
        raise ValueError(f"method must be 'zscore', 'rank' or 'none', got {method!r}")
    if values.shape != labels.shape:
        raise ValueError(f"y has {values.size} values but groups has {labels.size}")
    if not np.all(np.isfinite(values)):
        row = int(np.flatnonzero(~np.isfinite(values))[0])
        raise ValueError(f"y must be finite; row {row} is {values[row]}")
    if method == "none":
        return values.copy()
    out = np.empty_like(values)
    for label in pd.unique(labels):
        rows = labels == label
        part = values[rows]
        if np.ptp(part) == 0:
            raise ValueError(
                f"library '{label}': all {part.size} targets are equal, so it cannot be "
                "standardised; drop it or pass normalize='none'"
            )
        if method == "zscore":
            out[rows] = (part - part.mean()) / part.std()
        else:
            out[rows] = norm.ppf((rankdata(part) - 0.5) / part.size)
    return out


def core_windows(sequences: Any, sites: pd.DataFrame | None = None, flank: int = 20) -> list[str]:
    """The stretch from ``flank`` nt before the −35 box to ``flank`` nt after the −10 box.

    The site is the one the consensus search (:func:`helpers.transfer.find_sites`)
    finds; the window is cut at the sequence's ends. A model that reads only
    the window cannot use the construct's length or its flanking plasmid
    sequence, and a latent-site model on it can still move the site within
    ``flank`` nt if the consensus search picked a neighbour.

    Parameters
    ----------
    sequences : list, numpy array or pandas Series of str
        DNA sequences (ACGTN, at least 27 nt).
    sites : pandas.DataFrame, optional
        Output of :func:`~helpers.transfer.find_sites` for the same
        sequences (computed when omitted).
    flank : int, default=20
        Bases kept on each side of the site.

    Returns
    -------
    list of str

    Examples
    --------
    >>> promoter = "GGGGGGTTGACAATTAATCATCGGCTCGATATAATGTGTGGAAAA"
    >>> core_windows([promoter], flank=2)
    ['GGTTGACAATTAATCATCGGCTCGATATAATGT']
    """
    if not isinstance(flank, Integral) or isinstance(flank, bool) or flank < 0:
        raise ValueError(f"flank must be an integer >= 0, got {flank!r}")
    seqs = [s.upper() for s in check_sequences(sequences)]
    sites = find_sites(seqs) if sites is None else sites
    if len(sites) != len(seqs):
        raise ValueError(f"{len(seqs)} sequences but {len(sites)} rows of sites")
    starts = np.maximum(sites["minus35_start"].to_numpy() - flank, 0)
    ends = sites["minus10_start"].to_numpy() + BOX + flank
    return [s[a:b] for s, a, b in zip(seqs, starts, ends, strict=True)]


def shared_flanks(sequences: Any) -> tuple[str, str]:
    """The constant flanks of a library: the longest prefix and suffix all its sequences share.

    A library cloned into one plasmid carries the same sequence on either side
    of its variable part; read from the data, these flanks let one pad another
    library's promoters as if they had been cloned there (a test that a model
    reads constructs of any layout the same way). The suffix is shortened if
    it would overlap the prefix in the shortest sequence.

    Parameters
    ----------
    sequences : list, numpy array or pandas Series of str
        At least two DNA sequences (ACGTN, either case).

    Returns
    -------
    prefix, suffix : str
        Uppercase; either may be empty.

    Raises
    ------
    ValueError
        On fewer than two sequences or an invalid sequence.

    Examples
    --------
    >>> shared_flanks(["GGATTTACAAA", "ggaCCCACAAA", "GGAGGGGACAAA"])
    ('GGA', 'ACAAA')
    """
    seqs = [s.upper() for s in check_sequences(sequences)]
    if len(seqs) < 2:
        raise ValueError(f"shared_flanks needs at least 2 sequences, got {len(seqs)}")
    encode_codes(seqs, min_length=1)  # the one validation of the sequences
    prefix = os.path.commonprefix(seqs)
    suffix = os.path.commonprefix([s[::-1] for s in seqs])[::-1]
    room = min(len(s) for s in seqs) - len(prefix)
    return prefix, suffix[len(suffix) - min(len(suffix), room) :]


def booster_columns(features: pd.DataFrame) -> list[str]:
    """The aligned columns the booster reads: UP element, −35, spacer, −10 (not ITR, discriminator).

    Examples
    --------
    >>> seq = "GGGGGGTTGACAATTAATCATCGGCTCGATATAATGTGTGGAAAA"
    >>> table = aligned_parts(parts_from_sites([seq], find_sites([seq])))
    >>> len(booster_columns(table))
    45
    """
    return [c for c in features.columns if c.startswith(("up_", "box35_", "spacer", "box10_"))]


def _composition(sequences: Sequence[str], k: int = 3) -> np.ndarray:
    """k-mer frequencies (rows sum to 1) of sequences of any lengths."""
    counts = KmerVectorizer(k=k).fit_transform(list(sequences))
    counts = counts.toarray().astype(np.float64)
    return counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)


def target_resemblance(
    train_sequences: Any,
    target_sequences: Any,
    *,
    flank: int = 20,
    C: float = 1.0,
    max_target: int = 2000,
) -> np.ndarray:
    """How much each training row resembles the target library, from sequences alone.

    A logistic regression on the 3-mer composition of the located core
    windows (:func:`core_windows`; lengths and flanks are not seen) learns to
    tell the target's sequences from the training rows; the odds it gives a
    training row, ``p(target | x) / p(train | x)``, is the classic
    covariate-shift importance weight. No measurement of the target is used.

    Parameters
    ----------
    train_sequences, target_sequences : list, numpy array or pandas Series of str
    flank : int, default=20
        Window flank (see :func:`core_windows`).
    C : float, default=1.0
        Inverse L2 penalty of the classifier.
    max_target : int, default=2000
        Target sequences used at most (a seeded draw from larger targets).

    Returns
    -------
    numpy.ndarray of shape (n_train,)
        Importance weights, clipped to [0.01, 100] times their median and
        scaled to mean 1.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> at_rich = ["".join(rng.choice(list("AATTCG"), 60)) for _ in range(50)]
    >>> gc_rich = ["".join(rng.choice(list("GGCCAT"), 60)) for _ in range(50)]
    >>> w = target_resemblance(at_rich + gc_rich, at_rich[:25])
    >>> bool(w[:50].mean() > w[50:].mean())
    True
    """
    train = core_windows(train_sequences, flank=flank)
    target = check_sequences(target_sequences)
    if len(target) > max_target:  # a seeded draw: the composition needs no more rows
        keep = np.sort(np.random.default_rng(0).choice(len(target), max_target, replace=False))
        target = [target[i] for i in keep]
    target = core_windows(target, flank=flank)
    features = _composition(train + target)
    label = np.r_[np.zeros(len(train)), np.ones(len(target))]
    classifier = LogisticRegression(C=C, max_iter=5000, tol=1e-8)
    with warnings.catch_warnings():
        warnings.simplefilter("error", category=Warning)  # a non-converged classifier is an error
        classifier.fit(features, label)
    logit = classifier.decision_function(features[: len(train)])
    odds = np.exp(logit - np.median(logit))
    odds = np.clip(odds, 0.01, 100.0)
    return odds / odds.mean()


def _resample_rows(
    groups: np.ndarray,
    cap: int | None,
    rng: np.random.Generator,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Row indices kept: at most ``cap`` rows per library (all without a cap).

    With ``weights`` (importance of each row for the target), the total number
    of rows stays that of the uniform draw, but each library's share and the
    rows drawn follow the weights (sampling without replacement).
    """
    labels = pd.unique(groups)
    per_library = {lab: np.flatnonzero(groups == lab) for lab in labels}
    if cap is None:
        sizes = {lab: len(rows) for lab, rows in per_library.items()}
    else:
        sizes = {lab: min(cap, len(rows)) for lab, rows in per_library.items()}
    if weights is not None:
        total = sum(sizes.values())
        mass = {lab: float(weights[rows].sum()) for lab, rows in per_library.items()}
        scale = total / sum(mass.values())
        sizes = {
            lab: int(min(len(per_library[lab]), max(50, round(mass[lab] * scale))))
            for lab in labels
        }
    kept = []
    for lab in labels:
        rows = per_library[lab]
        n = sizes[lab]
        if n >= len(rows):
            kept.append(rows)
            continue
        p = None
        if weights is not None:
            p = weights[rows] / weights[rows].sum()
        kept.append(np.sort(rng.choice(rows, size=n, replace=False, p=p)))
    return np.concatenate(kept)


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


class ManyLibraryRegressor(_SequenceInputTags, RegressorMixin, BaseEstimator):
    r"""Promoter strength trained on several libraries at once, for a library not yet seen.

    ``fit(sequences, y, groups=library)`` pools libraries measured on
    different scales by standardising ``y`` within each library
    (``normalize``), then fits each of ``components`` on the pooled rows and
    predicts their average:

    - ``"latent_sum"``, ``"latent_max"``: :class:`~helpers.transfer.LatentSiteRegressor`
      (placements summed as a partition function, or the best site only) on
      the **core window** around the site the consensus search finds
      (:func:`core_windows`), so constructs of any length and any flanking
      sequence are read the same way; fitted to convergence with the explicit
      penalty ``l2`` (a ``ConvergenceWarning`` at ``max_iter``). The best-site
      rule is not smooth in the weights and can need more than ``max_iter``
      iterations on thousands of rows (it warns then; pass a larger
      ``max_iter``); chapter 14 chooses between the two rules by nested
      leave-one-library-out;
    - ``"booster"``: gradient boosting on chapter 07's aligned columns of the
      UP element, −35 box, spacer and −10 box cut at the found site (no
      discriminator or ITR columns: they mostly say which library a row came
      from); a fixed number of trees, ``booster_l2`` as its penalty and no
      early stopping;
    - ``"kmer"``: 1- to 4-mer counts of the core window and a ridge
      (``ridge_alpha``).

    The predictions are on the standardised scale (a library's mean is 0, its
    spread 1; more negative = stronger by default), so they rank a new
    library's promoters; map them to a reporter's units with a few measured
    rows if needed. Passing the new library's sequences as ``target`` to
    :meth:`fit` draws the training rows by how much they resemble them
    (:func:`target_resemblance`, a covariate-shift weight; no measurement of
    the target is used).

    Parameters
    ----------
    components : tuple of str, default=("latent_sum", "booster")
        Models averaged (a subset of :data:`COMPONENTS`). The default is the
        variant chosen most often by nested leave-one-library-out in
        ``benchmarks/bench_transfer_lolo.py``.
    normalize : {"zscore", "rank", "none"}, default="zscore"
        Standardisation of ``y`` within each library (:func:`normalize_within`).
    max_rows_per_library : int or None, default=1000
        Rows drawn (seeded by ``random_state``) from each library; ``None``
        keeps all. Caps the time of a fit and keeps one large library from
        dominating.
    flank : int, default=20
        Bases kept on each side of the found site (:func:`core_windows`).
    l2 : float, default=1e-2
        Penalty of the latent-site models (chosen in chapter 11's La Fleur
        part-family validation).
    max_iter : int, default=2000
        L-BFGS cap of the latent-site models.
    tol : float, default=1e-5
        Convergence tolerance of the latent-site models.
    booster_trees : int, default=200
        Trees of the booster (fixed, not early-stopped).
    booster_l2 : float, default=1.0
        L2 penalty of the booster's leaves.
    ridge_alpha : float, default=10.0
        Penalty of the k-mer ridge.
    random_state : int, default=0
        Seed of the row draw and the booster.

    Attributes
    ----------
    models_ : dict of str to estimator
        The fitted components.
    libraries_ : list
        Library labels seen in ``fit``.
    n_rows_ : dict
        Rows used per library.
    converged_ : bool
        Whether every latent-site component converged.
    training_rows_ : numpy.ndarray of int
        Positions in ``X`` of the rows drawn for the fit (sorted within each
        library): the other rows of a training library were never seen.

    Examples
    --------
    Train on a small draw of two shipped libraries and predict a FASTA file:

    >>> import tempfile, pathlib
    >>> from helpers.datasets import load_lafleur2022, load_lafleur2022_validation
    >>> from helpers.io import read_fasta
    >>> lafleur = load_lafleur2022().sample(300, random_state=0)
    >>> hossain = load_lafleur2022_validation("hossain").sample(300, random_state=0)
    >>> sequences = pd.concat([lafleur["sequence"], hossain["sequence"]])
    >>> y = np.r_[lafleur["observed"], hossain["expression"]]
    >>> library = ["lafleur"] * 300 + ["hossain"] * 300
    >>> model = ManyLibraryRegressor(components=("latent_sum", "booster"), booster_trees=50)
    >>> model = model.fit(sequences, y, groups=library)
    >>> model.converged_, model.n_rows_
    (True, {'lafleur': 300, 'hossain': 300})
    >>> yu = load_lafleur2022_validation("yu").head(200)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "new_library.fasta"
    >>> _ = path.write_text("".join(f">{i}\n{s}\n" for i, s in zip(yu["id"], yu["sequence"])))
    >>> predicted = model.predict(read_fasta(path)["sequence"])
    >>> predicted.shape, bool(np.corrcoef(predicted, yu["expression"])[0, 1] > 0.4)
    ((200,), True)
    """

    def __init__(
        self,
        components: tuple[str, ...] = ("latent_sum", "booster"),
        normalize: str = "zscore",
        max_rows_per_library: int | None = 1000,
        flank: int = 20,
        l2: float = 1e-2,
        max_iter: int = 2000,
        tol: float = 1e-5,
        booster_trees: int = 200,
        booster_l2: float = 1.0,
        ridge_alpha: float = 10.0,
        random_state: int = 0,
    ) -> None:
        self.components = components
        self.normalize = normalize
        self.max_rows_per_library = max_rows_per_library
        self.flank = flank
        self.l2 = l2
        self.max_iter = max_iter
        self.tol = tol
        self.booster_trees = booster_trees
        self.booster_l2 = booster_l2
        self.ridge_alpha = ridge_alpha
        self.random_state = random_state

    def _check_params(self) -> tuple[str, ...]:
        components = tuple(self.components) if not isinstance(self.components, str) else ()
        if not components or any(c not in COMPONENTS for c in components):
            raise _param_error("components", f"a non-empty tuple of {COMPONENTS}", self.components)
        if len(set(components)) != len(components):
            raise _param_error("components", "free of repeats", self.components)
        if self.normalize not in ("zscore", "rank", "none"):
            raise _param_error("normalize", "'zscore', 'rank' or 'none'", self.normalize)
        cap = self.max_rows_per_library
        if cap is not None and (not isinstance(cap, Integral) or isinstance(cap, bool) or cap < 2):
            raise _param_error("max_rows_per_library", "an integer >= 2 or None", cap)
        if not isinstance(self.flank, Integral) or isinstance(self.flank, bool) or self.flank < 0:
            raise _param_error("flank", "an integer >= 0", self.flank)
        for name in ("l2", "booster_l2", "ridge_alpha"):
            value = getattr(self, name)
            if not isinstance(value, Real) or isinstance(value, bool) or value < 0:
                raise _param_error(name, "a number >= 0", value)
        for name in ("max_iter", "booster_trees"):
            value = getattr(self, name)
            if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
                raise _param_error(name, "a positive integer", value)
        if not isinstance(self.tol, Real) or isinstance(self.tol, bool) or not self.tol > 0:
            raise _param_error("tol", "a number > 0", self.tol)
        if not isinstance(self.random_state, Integral) or isinstance(self.random_state, bool):
            raise _param_error("random_state", "an integer", self.random_state)
        return components

    # -- features ---------------------------------------------------------- #

    def _located(self, sequences: list[str]) -> tuple[list[str], pd.DataFrame]:
        """Core windows and the booster's aligned columns, from one consensus search."""
        sites = find_sites(sequences)
        windows = core_windows(sequences, sites, flank=self.flank)
        table = aligned_parts(parts_from_sites(sequences, sites))
        return windows, table[booster_columns(table)]

    def _component(self, name: str, features: pd.DataFrame):
        if name.startswith("latent"):
            return LatentSiteRegressor(
                aggregate=name.split("_")[1], l2=self.l2, max_iter=self.max_iter, tol=self.tol
            )
        if name == "booster":
            categorical = [c for c in features.columns if not c.endswith("_length")]
            return HistGradientBoostingRegressor(
                max_iter=self.booster_trees,
                l2_regularization=self.booster_l2,
                early_stopping=False,
                categorical_features=categorical,
                random_state=self.random_state,
            )
        return make_pipeline(KmerVectorizer(k=(1, 4)), Ridge(alpha=self.ridge_alpha))

    # -- scikit-learn API --------------------------------------------------- #

    def fit(self, X, y, groups=None, target=None) -> ManyLibraryRegressor:
        """Fit every component on the pooled libraries.

        Parameters
        ----------
        X : list, numpy array or pandas Series of str
            Sequences of any lengths (at least 27 nt; ACGTN, either case).
        y : array-like of shape (n,)
            Measured strength; only its order and spread *within* a library
            are used (see ``normalize``).
        groups : array-like of shape (n,), optional
            Library of each row; ``None`` means one library.
        target : list, numpy array or pandas Series of str, optional
            Sequences of the library to be predicted (no measurements): the
            training rows are drawn by their resemblance to it
            (:func:`target_resemblance`, computed on a uniform pool of
            :data:`POOL` times ``max_rows_per_library`` rows per library).

        Returns
        -------
        self
        """
        components = self._check_params()
        sequences = [s.upper() for s in check_sequences(X)]
        encode_codes(sequences, min_length=_MIN_LENGTH)  # the one validation of the sequences
        labels = np.zeros(len(sequences), dtype=int) if groups is None else np.asarray(groups)
        if labels.ndim != 1 or len(labels) != len(sequences):
            raise ValueError(
                f"groups must hold one library label per sequence: {len(sequences)} sequences, "
                f"got groups of shape {labels.shape}"
            )
        values = np.asarray(y, dtype=np.float64).ravel()
        if values.shape[0] != len(sequences):
            raise ValueError(f"X has {len(sequences)} sequences but y has {values.shape[0]} values")
        rng = np.random.default_rng(self.random_state)
        cap = self.max_rows_per_library
        if target is None:
            rows = _resample_rows(labels, cap, rng)
        else:
            # a pool of up to POOL x cap rows per library, then a draw weighted by resemblance
            pool = _resample_rows(labels, None if cap is None else POOL * cap, rng)
            weights = target_resemblance([sequences[i] for i in pool], target, flank=self.flank)
            rows = pool[_resample_rows(labels[pool], cap, rng, weights)]
        self.training_rows_ = np.asarray(rows, dtype=np.intp)
        labels, values = labels[rows], values[rows]
        sequences = [sequences[i] for i in rows]
        z = normalize_within(values, labels, self.normalize)
        windows, table = self._located(sequences)
        self.models_ = {}
        converged = True
        for name in components:
            model = clone(self._component(name, table))
            data = table if name == "booster" else windows
            model.fit(data, z)
            converged &= bool(getattr(model, "converged_", True))
            self.models_[name] = model
        self.converged_ = converged
        self.libraries_ = [lab.item() if hasattr(lab, "item") else lab for lab in pd.unique(labels)]
        self.n_rows_ = {lab: int(np.sum(labels == lab)) for lab in self.libraries_}
        self.n_features_in_ = 1
        return self

    def predict_components(self, X) -> pd.DataFrame:
        """Each component's prediction (columns in the order of ``components``)."""
        check_is_fitted(self, "models_")
        sequences = [s.upper() for s in check_sequences(X)]
        encode_codes(sequences, min_length=_MIN_LENGTH)
        windows, table = self._located(sequences)
        return pd.DataFrame(
            {
                name: model.predict(table if name == "booster" else windows)
                for name, model in self.models_.items()
            }
        )

    def predict(self, X) -> np.ndarray:
        """Predicted strength of each sequence, on the standardised scale.

        Parameters
        ----------
        X : list, numpy array or pandas Series of str

        Returns
        -------
        numpy.ndarray of shape (n,)
        """
        return self.predict_components(X).mean(axis=1).to_numpy()
