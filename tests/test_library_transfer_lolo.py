"""Tests of the nested leave-one-library-out benchmark and its tables (helpers.library_transfer.lolo)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers.library_transfer import lolo_tables
from tools.outputs import values_match

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "bench_transfer_lolo.py"
RESULT = ROOT / "benchmarks" / "results" / "transfer_lolo.json"


@pytest.mark.slow
def test_bench_reproduces():
    """One outer fold (seed 0, Yu) re-run matches the committed result within the tolerance.

    The fold makes every choice again (combination, placement rule, weighting): several
    minutes of CPU.
    """
    if not RESULT.exists():
        pytest.skip(f"{RESULT} not committed")
    stored = next(r for r in json.loads(RESULT.read_text())["runs"] if r["seed"] == 0)
    fold = stored["folds"]["yu"]
    out = subprocess.run(
        [sys.executable, str(BENCH), "--seed", "0", "--library", "yu"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    rerun = json.loads(out.stdout)["folds"]["yu"]
    assert rerun["chosen"] == fold["chosen"] and rerun["weighting"] == fold["weighting"]
    assert rerun["converged"] and fold["converged"]
    for name, entry in fold["models"].items():
        for key in ("r", "lo", "hi"):
            assert values_match(round(entry[key], 3), round(rerun["models"][name][key], 3)), (
                name,
                key,
                entry[key],
                rerun["models"][name][key],
            )
    pd.testing.assert_series_equal(
        pd.Series(fold["inner_mean_r"]).round(3),
        pd.Series(rerun["inner_mean_r"]).round(3),
        atol=0.01,
    )


@pytest.mark.slow
def test_placement_bench_reproduces():
    """The placement benchmark's fold (seed 0, Yu) re-run matches the committed result."""
    result = ROOT / "benchmarks" / "results" / "transfer_lolo_placement.json"
    if not result.exists():
        pytest.skip(f"{result} not committed")
    stored = next(r for r in json.loads(result.read_text())["runs"] if r["seed"] == 0)
    fold = stored["folds"]["yu"]
    out = subprocess.run(
        [sys.executable, str(BENCH), "--placement", "--seed", "0", "--library", "yu"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    rerun = json.loads(out.stdout)["folds"]["yu"]
    assert rerun["chosen"] == fold["chosen"] and rerun["converged"] and fold["converged"]
    for rule in ("sum", "max"):
        for key in ("r", "inner_mean_r"):
            assert values_match(round(fold[key][rule], 3), round(rerun[key][rule], 3)), (rule, key)
    for name in ("chosen_minus_calc", "max_minus_sum"):
        for key in ("lo", "hi"):
            assert values_match(round(fold[name][key], 3), round(rerun[name][key], 3)), (name, key)


def test_lolo_tables_of_the_committed_result_agree_with_their_intervals():
    tables = lolo_tables(json.loads(RESULT.read_text()))
    verdicts = tables["verdicts"]
    assert set(verdicts.index) == set(tables["calc"].index) == set(tables["r"].index)
    assert len(tables["folds"]) == len(verdicts) * 3  # every library on each of 3 seeds
    lo, hi = verdicts["lowest 2.5%"], verdicts["highest 97.5%"]
    for library, word in verdicts["verdict"].items():
        expected = (
            "better" if lo[library] > 0 else "worse" if hi[library] < 0 else "depends on the run"
        )
        if word == "tie":
            expected = "tie"  # every interval covers 0: the lowest/highest bounds cannot say
        assert word == expected, library
    assert (lo <= verdicts["r − r(Calculator)"]).all()
    assert (verdicts["r − r(Calculator)"] <= hi).all()
