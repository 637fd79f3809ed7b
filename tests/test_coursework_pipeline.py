"""Tests of helpers.coursework.pipeline: the whole coursework template in one call.

``run_coursework_report`` on the embedded data and on a reader's own files
(every report file written), and bad files failing with the helpers' messages
before anything is written.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from helpers.coursework.pipeline import run_coursework_report
from helpers.data.embedded import load_promoters
from helpers.paths import data_path


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


#: The files every report must contain.
REPORT_FILES = {
    "metrics_csv",
    "metrics_md",
    "folds_csv",
    "fold_sizes_csv",
    "predictions_csv",
    "qc_csv",
    "dropped_csv",
    "importance_csv",
    "data_overview",
    "model_comparison",
    "fold_sizes",
    "observed_vs_predicted",
    "importance",
    "mutagenesis",
    "report_md",
}


@pytest.fixture(autouse=True)
def _one_thread():
    """Gradient boosting's OpenMP threads on a busy 2-core machine: 10x slower; use one."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


#: Consensus of the two planted boxes of the embedded dataset.
PLANTED = ("TATAAT", "TTGACA")


@pytest.fixture(scope="module")
def promoters() -> pd.DataFrame:
    return load_promoters()


def _check_written(report, out) -> None:
    assert REPORT_FILES <= set(report.paths)
    for name, path in report.paths.items():
        assert path.is_file(), name
        assert path.stat().st_size > 0, name
        assert out in path.parents, name
        if path.suffix == ".png":
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    metrics = pd.read_csv(report.paths["metrics_csv"], index_col="model")
    assert {"mean baseline", "k-mer ridge", "k-mer boosting"} <= set(metrics.index)
    assert {"r2_pooled", "r2_mean", "r2_std", "pearson_r_pooled", "rmse_pooled"} <= set(
        metrics.columns
    )
    text = report.paths["report_md"].read_text()
    assert f"Best model (pooled out-of-fold R²): **{report.cv.best_model}**" in text
    for name in ("model_comparison", "importance", "mutagenesis"):
        assert f"figures/{name}.png" in text


@pytest.mark.slow
def test_embedded_dataset_report(tmp_path):
    out = tmp_path / "report"
    report = run_coursework_report(
        data_path("promoters.csv"), output_dir=out, n_folds=3, max_iter=30, one_hot=False
    )

    assert report.qc.n_input == report.qc.n_output == 4000
    summary = report.metrics
    assert report.cv.best_model in {"k-mer ridge", "k-mer boosting"}
    assert summary.loc[report.cv.best_model, "r2_pooled"] > 0.15
    assert abs(summary.loc["mean baseline", "r2_pooled"]) < 0.05
    # the planted boxes are what the best model relies on most
    top = report.importance.table["feature"].head(5)
    assert any(kmer in box for kmer in top for box in PLANTED), top.tolist()
    ranks = report.importance.table["rank"]
    assert (ranks == np.arange(1, len(ranks) + 1)).all()
    # out-of-fold predictions: every row predicted exactly once, by a model that did not see it
    predictions = report.cv.predictions
    assert len(predictions) == 4000
    assert predictions["fold"].between(0, 2).all()
    assert predictions[["k-mer ridge", "k-mer boosting"]].notna().all().all()
    _check_written(report, out)


@pytest.mark.slow  # runs the whole report template (issue 19: make test-fast <= 30 s CPU)
def test_user_csv_with_other_column_names(tmp_path, promoters):
    """A semicolon-separated file with decimal commas, linear values and defects."""
    subset = promoters.iloc[:300]
    rows = [
        f"{i};{s};{str(round(10**e, 4)).replace('.', ',')}"
        for i, s, e in zip(subset["id"], subset["sequence"], subset["expression"], strict=True)
    ]
    rows[0] = (
        rows[0].split(";")[0]
        + ";"
        + subset["sequence"].iloc[0].lower()
        + ";"
        + rows[0].split(";")[2]
    )
    rows.append(rows[1])  # an exact duplicate row
    rows.append("X1;" + "ACGX" * 25 + ";12,5")  # not DNA
    rows.append("X2;" + "ACGT" * 25 + ";")  # no measurement
    path = tmp_path / "my lab's promoters.csv"
    path.write_text("Promoter name;DNA;Activity (a.u.)\n" + "\n".join(rows) + "\n")

    out = tmp_path / "reports" / "mine"
    report = run_coursework_report(
        path,
        id_col="Promoter name",
        sequence_col="DNA",
        target_col="Activity (a.u.)",
        target_transform="log10",
        output_dir=out,
        n_folds=3,
        max_iter=20,
    )

    assert report.qc.n_input == 303
    assert report.qc.n_output == 300
    assert report.qc.counts()["exact duplicate row"] == 1
    assert report.qc.counts()["invalid character"] == 1
    assert report.qc.counts()["missing target"] == 1
    assert report.qc.modified["upper-cased"] == 1
    assert sorted(report.qc.dropped["id"]) == ["P0001", "X1", "X2"]
    # the log10 of the linear values gives back the original target
    np.testing.assert_allclose(
        report.data["target"].to_numpy(), subset["expression"].to_numpy(), atol=1e-4
    )
    assert report.data.provenance.target_name == "log10(Activity (a.u.))"
    _check_written(report, out)
    assert pd.read_csv(report.paths["dropped_csv"])["reason"].tolist() == [
        "exact duplicate row",
        "invalid character",
        "missing target",
    ]


# ---------------------------------------------------------------------------
# bad files fail with the helpers' clear messages, before anything is written
# ---------------------------------------------------------------------------

GOOD_HEADER = "name,seq,tpm\n"


@pytest.mark.parametrize(
    ("content", "settings", "message"),
    [
        (
            "id,sequence,expression\nA1,ACGT,1\n",
            {},
            "{path} has no column 'seq' (sequence_col); found ['id', 'sequence', 'expression']. "
            "Name one of these in the settings (or a 0-based position).",
        ),
        (
            GOOD_HEADER + "A1,ACGT,1.5\nA2,ACGA,n.d.\n",
            {},
            "{path}: column 'tpm' must hold numbers, but row 1 (id 'A2') holds 'n.d.'. Fix the "
            "value, leave the cell empty for a missing measurement, or pass `target_cols=` "
            "without this column if it is not a measurement.",
        ),
        (
            GOOD_HEADER + "A1,ACGT,10\nA2,ACGA,0\n",
            {"target_transform": "log10"},
            "{path}: column 'tpm' must be above 0 for target_transform='log10', but row 1 "
            "(id 'A2') holds 0.0. Set a pseudocount in the settings (pseudocount=1 for counts), "
            "which is added before the transform, or set no transform.",
        ),
        ("", {}, "{path} is empty: expected a header line such as 'id,sequence,expression'."),
        (
            GOOD_HEADER + "A1,ACGT,1\n",
            {"fmt": "xlsx"},
            "TableSpec: fmt must be one of 'csv', 'fasta', 'table' or None, got 'xlsx'",
        ),
        (
            GOOD_HEADER + "A1,ACGT,1\n",
            {"fmt": "fasta"},
            "{path} is FASTA, which holds no measurements: pass targets_path= (a table with an "
            "id column and the measurement column 'tpm').",
        ),
        (
            GOOD_HEADER + "".join(f"A{i},ACGTACGT,{i}\n" for i in range(20)),
            {},
            "{path}: only 20 of 20 rows passed quality control (dropped: none); 5-fold "
            "cross-validation needs at least 50. Check the settings (columns, separator, "
            "format) against the file, or lower the number of folds.",
        ),
        (
            GOOD_HEADER + "".join(f"A{i},ACGTACGTAC{'ACGT'[i % 4]},2.0\n" for i in range(60)),
            {},
            "{path}: the target is constant after quality control, so there is nothing to predict.",
        ),
    ],
    ids=[
        "wrong-columns",
        "not-a-number",
        "log-of-zero",
        "empty",
        "unknown-format",
        "fasta-no-targets",
        "too-small",
        "constant",
    ],
)
def test_bad_file_gives_a_clear_error(tmp_path, content, settings, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    out = tmp_path / "report"
    with pytest.raises(ValueError, match=exact(message.format(path=path))):
        run_coursework_report(
            path, id_col="name", sequence_col="seq", target_col="tpm", output_dir=out, **settings
        )
    assert not out.exists()


@pytest.mark.slow  # runs the whole report template (issue 19: make test-fast <= 30 s CPU)
def test_long_sequences_keep_figures_readable(tmp_path):
    """Any length works; the mutagenesis figure stays at most 14 inches wide."""
    from PIL import Image

    rng = np.random.default_rng(1)
    seqs = ["".join(rng.choice(list("ACGT"), 400)) for _ in range(60)]
    rows = [f"s{i},{s},{s.count('TA') / 10}" for i, s in enumerate(seqs)]
    path = tmp_path / "long.csv"
    path.write_text("id,sequence,expression\n" + "\n".join(rows) + "\n")
    report = run_coursework_report(
        path, output_dir=tmp_path / "out", k=(1, 2), n_folds=3, max_iter=5, one_hot=False
    )
    assert report.mutagenesis.matrix.shape == (4, 400)
    with Image.open(report.paths["mutagenesis"]) as image:
        assert image.width <= 14 * 120 + 100
