"""Tests of helpers.design: variant effects, the greedy search and its scoring."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline

from helpers.design import (
    Oracle,
    diversity,
    effect_scores,
    effect_table,
    ensemble_disagreement,
    greedy_design,
    hit_rate,
    seed_verdict,
    single_substitutions,
)
from helpers.encoding import OneHotSequenceEncoder
from helpers.simulate import expected_expression, simulate_promoters

ROOT = Path(__file__).resolve().parents[1]


def count_t(seqs):
    return np.array([s.count("T") for s in seqs], dtype=float)


@pytest.fixture(scope="module")
def library():
    return simulate_promoters(n=600, random_state=4)


@pytest.fixture(scope="module")
def onehot_ridge(library):
    promoters, _ = library
    model = make_pipeline(OneHotSequenceEncoder(), Ridge(alpha=1.0))
    return model.fit(promoters["sequence"], promoters["expression"])


def test_single_substitutions_are_all_distinct_single_edits():
    table = single_substitutions("acgt")
    assert len(table) == 12
    assert table["sequence"].is_unique
    for row in table.itertuples():
        diff = [i for i, (a, b) in enumerate(zip("ACGT", row.sequence, strict=True)) if a != b]
        assert diff == [row.position]


def test_effect_table_oracle_column_is_the_oracle(library):
    promoters, _ = library
    seqs = promoters["sequence"].iloc[:2].tolist()
    table = effect_table({"truth": Oracle()}, seqs)
    assert len(table) == 600
    assert np.array_equal(table["truth"], table["oracle"])
    ref = expected_expression(seqs[:1])[0]
    row = table.iloc[5]
    variant = seqs[0][: row.position] + row.alt + seqs[0][row.position + 1 :]
    assert np.isclose(expected_expression([variant])[0] - ref, row.oracle)
    # the oracle reads no position outside the elements (at the same placement)
    outside = table.loc[~table["inside"], "oracle"]
    assert (outside.abs() < 1e-12).mean() > 0.9


def test_effect_scores_perfect_and_bad(library):
    promoters, _ = library
    table = effect_table({"truth": Oracle()}, promoters["sequence"].iloc[:3])
    table["negated"] = -table["oracle"]
    scores = effect_scores(table, ["truth", "negated"])
    assert scores.loc["truth", "pearson_r"] == pytest.approx(1.0)
    assert scores.loc["truth", "sign_accuracy"] == 1.0
    assert scores.loc["negated", "sign_accuracy"] == 0.0
    with pytest.raises(ValueError, match="threshold must be positive"):
        effect_scores(table, ["truth"], threshold=0)
    with pytest.raises(ValueError, match="no true effect"):
        effect_scores(table, ["truth"], threshold=100.0)


def test_greedy_design_is_deterministic_and_scored_by_the_oracle(library, onehot_ridge):
    promoters, _ = library
    weak = promoters.nsmallest(4, "expression")["sequence"].tolist()
    first = greedy_design(onehot_ridge, weak, target=2.5, max_edits=4)
    second = greedy_design(onehot_ridge, weak, target=2.5, max_edits=4)
    assert first.sequences == second.sequences
    assert np.array_equal(first.predicted, second.predicted)
    assert np.all(first.n_edits <= 4)
    for start, design, n in zip(weak, first.sequences, first.n_edits, strict=True):
        assert sum(a != b for a, b in zip(start, design, strict=True)) == n
    # the stored predictions are the model's, and the oracle recomputes each design's truth
    assert np.allclose(first.predicted, onehot_ridge.predict(first.sequences))
    oracle = expected_expression(first.sequences)
    assert np.all(oracle > expected_expression(weak))  # a position-aware model finds real gains
    assert len(first.trajectory) == 4 * 5
    steps = first.trajectory.pivot(index="start", columns="step", values="predicted")
    assert np.all(np.diff(np.abs(steps.to_numpy() - 2.5), axis=1) <= 1e-12)


def test_greedy_design_stops_and_respects_budget():
    result = greedy_design(count_t, ["AAAA", "TTTT"], target=2, max_edits=3)
    assert result.sequences == ["TTAA", "AATT"]  # the first candidate wins a tie
    assert result.n_edits.tolist() == [2, 2]
    assert result.predicted.tolist() == [2.0, 2.0]
    none = greedy_design(count_t, ["AAAA"], target=2, max_edits=0)
    assert none.sequences == ["AAAA"] and none.n_edits.tolist() == [0]


def test_greedy_design_penalty_steers_the_search():
    def avoid_g(seqs):
        return np.array([10.0 * s.count("G") for s in seqs])

    free = greedy_design(lambda s: np.array([x.count("G") for x in s], float), ["AAAA"], target=1)
    assert free.sequences[0].count("G") == 1
    penalised = greedy_design(
        lambda s: np.array([x.count("G") for x in s], float), ["AAAA"], target=1, penalty=avoid_g
    )
    assert penalised.sequences == ["AAAA"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"starts": []}, "starts is empty"),
        ({"starts": ["ACXT"]}, "invalid character"),
        (
            {"max_edits": -1},
            r"^greedy_design: max_edits must be an int in the range \[0, inf\), got -1$",
        ),
        ({"target": float("nan")}, "^greedy_design: target must be a finite number, got nan$"),
        ({"target": float("inf")}, "^greedy_design: target must be a finite number, got inf$"),
        (
            {"stop_within": -0.1},
            r"^greedy_design: stop_within must be a float in the range \[0\.0, inf\], got -0\.1$",
        ),
    ],
)
def test_greedy_design_bad_input(kwargs, match):
    args = {"starts": ["ACGT"], "target": 1.0} | kwargs
    with pytest.raises(ValueError, match=match):
        greedy_design(count_t, **args)


def test_greedy_design_rejects_a_non_model():
    with pytest.raises(TypeError, match="predict"):
        greedy_design(42, ["ACGT"], 1.0)


def test_scoring_helpers():
    assert hit_rate([1.0, 1.3, 0.7], 1.0, tolerance=0.25) == pytest.approx(1 / 3, abs=1e-3)
    assert diversity(["AAAA"]) == 0.0
    assert diversity(["AAAA", "TTTT"]) == 4.0
    penalty = ensemble_disagreement([count_t, lambda s: count_t(s) + 2])
    assert penalty(["AT"]).tolist() == [1.0]
    with pytest.raises(ValueError, match="at least two"):
        ensemble_disagreement([count_t])
    with pytest.raises(ValueError, match="no values"):
        hit_rate([], 1.0)


def test_seed_verdict():
    assert seed_verdict([0.1, 0.12, 0.09])["verdict"] == "A"
    assert seed_verdict([-0.1, -0.12, -0.09])["verdict"] == "B"
    tie = seed_verdict([0.1, -0.1, 0.0])
    assert tie["verdict"] == "tie" and tie["min"] == -0.1 and tie["n"] == 3
    with pytest.raises(ValueError, match="at least 3"):
        seed_verdict([0.1, 0.2])


def _load_bench():
    spec = importlib.util.spec_from_file_location(
        "bench_design", ROOT / "benchmarks" / "bench_design.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _numbers(tree, prefix=""):
    """Flatten a JSON tree to {path: leaf}."""
    if isinstance(tree, dict):
        out = {}
        for key, value in tree.items():
            out |= _numbers(value, f"{prefix}/{key}")
        return out
    if isinstance(tree, list):
        out = {}
        for i, value in enumerate(tree):
            out |= _numbers(value, f"{prefix}/{i}")
        return out
    return {prefix: tree}


def _involves_cnn(key: str) -> bool:
    """Stored values that depend on the CNN: its own, and every trust-region run (its penalty)."""
    return "cnn" in key or "/trust/" in key


@pytest.mark.slow
def test_committed_design_benchmark_reproduces(tmp_path):
    """Re-run benchmarks/bench_design.py and compare with the committed result.

    Values that do not involve the CNN (the ridge's and the boosting model's
    effects and unpenalised designs) must agree within the project's
    tolerance (abs 0.005 or rel 1%), integers and strings exactly. The CNN
    trains in float32 along a path that depends on the CPU, so values that
    involve it are compared as what the chapter states: the mean hit rate
    of each model and search over the seeds within abs 0.1, and the
    verdicts (which model designs best, whether the trust region helps)
    exactly.
    """
    bench = _load_bench()
    committed = json.loads(bench.RESULT.read_text())
    fresh = bench.main(
        [
            "--out",
            str(tmp_path / "design.json"),
            "--seeds",
            *map(str, committed["settings"]["seeds"]),
        ]
    )
    assert fresh["settings"] == committed["settings"]
    new, old = _numbers(fresh["runs"]), _numbers(committed["runs"])
    assert new.keys() == old.keys()
    for key, value in old.items():
        if _involves_cnn(key):
            continue
        if isinstance(value, float):
            assert abs(new[key] - value) <= max(0.005, 0.01 * abs(value)), (key, new[key], value)
        else:
            assert new[key] == value, key
    summary_new, summary_old = fresh["summary"], committed["summary"]
    for condition in ("free", "trust"):
        for model in ("ridge", "boosting", "cnn"):
            mean_new = np.mean(summary_new["hit_rate"][condition][model])
            mean_old = np.mean(summary_old["hit_rate"][condition][model])
            assert abs(mean_new - mean_old) <= 0.1, (condition, model, mean_new, mean_old)
    assert (
        summary_new["best_vs_runner_up"]["verdict"] == summary_old["best_vs_runner_up"]["verdict"]
    )
    if summary_old["best_vs_runner_up"]["verdict"] != "tie":
        assert summary_new["best_model"] == summary_old["best_model"]
    for model in ("ridge", "boosting", "cnn"):
        assert (
            summary_new["trust_minus_free"][model]["verdict"]
            == summary_old["trust_minus_free"][model]["verdict"]
        ), model
