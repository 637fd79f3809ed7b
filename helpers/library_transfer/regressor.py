"""``ManyLibraryRegressor``: one estimator trained on many libraries at once.

``fit(sequences, y, groups=library)``, ``predict(sequences)``: an average of
latent-site models and a booster on located parts, each trained on the
pooled, standardised libraries (see the class docstring).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.utils.validation import check_is_fitted

from helpers.core.checks import (
    ParamsChecked,
    Rule,
    StrOptions,
    fit_context,
    integers,
    numbers,
)
from helpers.estimators.latent_sites import LatentSiteRegressor
from helpers.features.inputs import _SequenceInputTags, check_sequences
from helpers.features.kmers import KmerVectorizer
from helpers.library_transfer.pooling import (
    POOL,
    _resample_rows,
    normalize_within,
    target_resemblance,
)
from helpers.library_transfer.windows import booster_columns, core_windows
from helpers.sites.finder import find_sites
from helpers.sites.model import SPACERS
from helpers.sites.parts import aligned_parts, parts_from_sites
from helpers.sites.scan import encode_codes

__all__ = ["COMPONENTS", "ManyLibraryRegressor"]

#: The models :class:`ManyLibraryRegressor` can average: latent-site models
#: (placements summed or best site only) on the located window, a gradient
#: booster on the located −35, spacer, −10 and UP-element columns, and a k-mer
#: ridge on the located window.
COMPONENTS: tuple[str, ...] = ("latent_sum", "latent_max", "booster", "kmer")

#: The shortest sequence a σ70 site fits in.
_MIN_LENGTH = 12 + min(SPACERS)


class ManyLibraryRegressor(_SequenceInputTags, ParamsChecked, RegressorMixin, BaseEstimator):
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

    _parameter_constraints: dict[str, list] = {
        "components": [
            Rule(
                lambda c: (
                    not isinstance(c, str)
                    and isinstance(c, Sequence)
                    and len(c) > 0
                    and all(x in COMPONENTS for x in c)
                    and len(set(c)) == len(c)
                ),
                f"a non-empty tuple of {COMPONENTS} without repeats",
            )
        ],
        "normalize": [StrOptions({"zscore", "rank", "none"})],
        "max_rows_per_library": [integers(2), None],
        "flank": [integers(0)],
        "l2": [numbers(0, None)],
        "booster_l2": [numbers(0, None)],
        "ridge_alpha": [numbers(0, None)],
        "max_iter": [integers(1)],
        "booster_trees": [integers(1)],
        "tol": [numbers(0, None, closed="neither")],
        "random_state": [integers(None, None)],
    }

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

    @fit_context(prefer_skip_nested_validation=True)
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
        components = tuple(self.components)
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
