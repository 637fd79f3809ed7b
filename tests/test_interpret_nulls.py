"""Tests of helpers.interpret.nulls, and the book's central interpretation claims.

The claims are checked on the embedded dataset (tests marked ``slow``).

Chapter 06 ranks 5-mers by three importance measures (impurity and
permutation importance of a random forest, standardised ridge coefficients)
and compares each with a null distribution from shuffled-target refits. It
finds that

* permutation importance on held-out promoters recovers the −10 and −35
  boxes, each with a real drop in R²;
* every method's real top 20 beats the top 20 of all its shuffled-target fits;
* the null level differs by method: a forest fitted to noise still ranks
  planted (frequent, AT-rich) k-mers high by impurity, far above the chance
  rate, while the ridge null stays much lower;
* every k-mer whose importance exceeds the largest importance of any
  shuffled fit belongs to a planted element.

These tests repeat that analysis on fewer shuffles, so a change to the
simulator, the encoder or the interpretation helpers that breaks a claim
fails here, not silently in a figure. Runtime: about 15-30 s on 2 cores.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from helpers.encoding import KmerVectorizer
from helpers.interpret import (
    importance_table,
    map_kmers_to_motifs,
    motif_recovery,
    null_p_value,
    restricted_permutation_importance,
    shuffled_target_null,
)
from helpers.io import load_promoters

#: The analysis fits forests and ridges on the embedded data with shuffled
#: targets (about 40 s); the unit tests of the null helpers at the end are fast.
slow = pytest.mark.slow

#: A k-mer is called recovered only if shuffling it costs at least this much
#: held-out R² (the real fit's box k-mers cost 0.02-0.06; the largest drop of
#: a forest fitted to a shuffled target is about 0.005).
MIN_R2_DROP = 0.01
#: Shuffles for the null here (the chapter uses 20).
N_SHUFFLES = 5
#: The chapter's ridge penalty (chosen there by cross-validation).
RIDGE_ALPHA = 3000.0
METHODS = ("impurity", "permutation", "ridge")


class _Analysis:
    """The chapter's models and rankings, refittable to any target."""

    def __init__(self) -> None:
        promoters = load_promoters()
        train, test = train_test_split(promoters, test_size=0.2, random_state=0)
        self.vectorizer = KmerVectorizer(k=5)
        self.X_train = self.vectorizer.fit_transform(train["sequence"])
        self.X_test = self.vectorizer.transform(test["sequence"])
        self.X_scaled = StandardScaler(with_mean=False).fit_transform(self.X_train.astype(float))
        self.y_train = train["expression"].to_numpy()
        self.y_test = test["expression"].to_numpy()
        self.names = self.vectorizer.get_feature_names_out()
        self.kmer_map = map_kmers_to_motifs(self.names)
        self.element = self.kmer_map.set_index("kmer")["element"]

    def rankings(self, y: np.ndarray, size: int = 20, n_repeats: int = 1) -> dict:
        forest = RandomForestRegressor(
            n_estimators=60, max_features="sqrt", min_samples_leaf=5, n_jobs=2, random_state=0
        ).fit(self.X_train, y)
        ridge = Ridge(alpha=RIDGE_ALPHA).fit(self.X_scaled, y)
        impurity = importance_table(forest.feature_importances_, self.names)
        ridge_table = importance_table(ridge.coef_, self.names, sort_by="abs")
        shortlist = pd.unique(
            np.concatenate([impurity["feature"][:size], ridge_table["feature"][:size]])
        )
        forest.set_params(n_jobs=1)
        permuted = restricted_permutation_importance(
            forest,
            self.X_test,
            self.y_test,
            [self.vectorizer.vocabulary_[k] for k in shortlist],
            n_repeats=n_repeats,
            random_state=0,
        )
        permutation = importance_table(
            permuted["importance"], self.names[permuted["column"]], std=permuted["std"]
        )
        return {"impurity": impurity, "permutation": permutation, "ridge": ridge_table}

    def summary(self, tables: dict) -> dict[str, float]:
        out = {}
        for name, table in tables.items():
            out[f"{name}_p20"] = motif_recovery(table, self.kmer_map, top=20)["precision"]
            out[f"{name}_largest"] = float(table["importance"].abs().max())
        return out


@pytest.fixture(scope="module")
def analysis() -> _Analysis:
    return _Analysis()


@pytest.fixture(scope="module")
def real(analysis):
    return analysis.rankings(analysis.y_train, size=40, n_repeats=3)


@pytest.fixture(scope="module")
def null(analysis):
    return shuffled_target_null(
        lambda y: analysis.summary(analysis.rankings(y)),
        analysis.y_train,
        n_shuffles=N_SHUFFLES,
        random_state=0,
    )


@slow
def test_permutation_importance_recovers_both_boxes(analysis, real):
    ranking = real["permutation"]
    scores = motif_recovery(ranking, analysis.kmer_map, top=5)
    # both boxes among the five most important k-mers, the −10 box first
    assert scores["found_minus10"] == 1.0 and scores["rank_minus10"] == 1.0
    assert scores["found_minus35"] == 1.0
    # ... and clearly important, not just ranked: each box's best k-mer
    # costs a real drop in held-out R² when shuffled
    by_element = ranking.assign(element=analysis.element.loc[ranking["feature"]].to_numpy())
    for box in ("minus10", "minus35"):
        best = by_element[by_element["element"] == box].iloc[0]
        assert best["importance"] > MIN_R2_DROP, (box, best.to_dict())
        assert best["importance"] > 3 * best["std"], (box, best.to_dict())


@slow
def test_every_method_beats_its_own_null(analysis, real, null):
    observed = analysis.summary(real)
    for method in METHODS:
        column = null[f"{method}_p20"]
        assert observed[f"{method}_p20"] > column.max(), (method, observed, column.tolist())
        assert null_p_value(observed[f"{method}_p20"], column) == pytest.approx(
            1 / (N_SHUFFLES + 1)
        )


@slow
def test_nulls_differ_by_method(analysis, null):
    """Impurity's null is far above chance (its bias); ridge's is much lower."""
    chance = float((analysis.kmer_map["element"] != "none").mean())
    assert null["impurity_p20"].mean() > chance + 0.3, null["impurity_p20"].tolist()
    assert null["permutation_p20"].mean() > chance, null["permutation_p20"].tolist()
    assert null["ridge_p20"].mean() < null["impurity_p20"].mean() - 0.3


@slow
def test_kmers_above_the_null_maximum_are_planted(analysis, real, null):
    for method in METHODS:
        threshold = null[f"{method}_largest"].max()
        table = real[method]
        above = table.loc[table["importance"].abs() > threshold, "feature"]
        elements = analysis.element.loc[above]
        # the boxes pass the bar ...
        assert {"minus10", "minus35"} <= set(elements), (method, elements.to_dict())
        # ... and (almost) nothing unplanted does
        assert (elements != "none").mean() >= 0.9, (method, elements.to_dict())


@slow
def test_shuffled_target_recovers_nothing(null):
    """Negative control: with no signal, no k-mer may pass the recovery bar."""
    assert null["permutation_largest"].max() < MIN_R2_DROP, null["permutation_largest"].tolist()


@slow
def test_impurity_importances_sum_to_one_even_for_noise(analysis):
    """Why a null forest still has a 'top 20': the shares are normalised."""
    y = np.random.default_rng(0).permutation(analysis.y_train)
    forest = RandomForestRegressor(n_estimators=5, random_state=0).fit(analysis.X_train, y)
    assert forest.feature_importances_.sum() == pytest.approx(1.0)


# ---------------------------------------------------------------------------
# the null helpers on bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("y", "kwargs", "message"),
    [
        ([1.0], {}, "y must hold at least 2 finite values to shuffle"),
        ([1.0, np.nan, 2.0], {}, "y must hold at least 2 finite values to shuffle"),
        (
            [1.0, 2.0],
            {"n_shuffles": 0},
            "shuffled_target_null: n_shuffles must be an int in the range [1, inf), got 0",
        ),
        (
            [1.0, "high"],
            {},
            "y must contain numbers, got 'high' at position 1; "
            "convert the column to numbers first (e.g. pandas.to_numeric).",
        ),
    ],
    ids=["one-value", "NaN", "n_shuffles", "text"],
)
def test_shuffled_target_null_rejects_bad_input(y, kwargs, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        shuffled_target_null(lambda shuffled: {"x": 0.0}, y, **kwargs)


def test_shuffled_target_null_is_seeded_and_shuffles():
    y = np.arange(50.0)
    first = shuffled_target_null(lambda s: {"head": s[0]}, y, n_shuffles=4, random_state=1)
    again = shuffled_target_null(lambda s: {"head": s[0]}, y, n_shuffles=4, random_state=1)
    pd.testing.assert_frame_equal(first, again)
    assert first.index.name == "shuffle" and len(first) == 4
    assert first["head"].nunique() > 1


def test_null_p_value():
    assert null_p_value(5.0, [1.0, 2.0, 3.0]) == pytest.approx(0.25)
    assert null_p_value(0.0, [1.0, 2.0, 3.0]) == pytest.approx(1.0)
    message = "null is empty: compute at least one shuffled-target value"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        null_p_value(1.0, [])
