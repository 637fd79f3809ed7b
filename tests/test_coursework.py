"""The "use your own data" template: embedded data, a user's files, bad files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.io import load_promoters, load_table, quality_control
from helpers.models import candidate_models, cross_validate_models
from helpers.paths import data_path
from helpers.report import markdown_table, run_coursework_report

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


def test_fasta_with_a_targets_table(tmp_path, promoters):
    subset = promoters.iloc[:120]
    fasta = tmp_path / "mine.fa"
    fasta.write_text(
        "".join(f">{i} test\n{s}\n" for i, s in zip(subset["id"], subset["sequence"], strict=True))
    )
    targets = pd.DataFrame({"name": subset["id"], "value": subset["expression"]})
    targets.loc[0, "value"] = np.nan  # one record without a measurement
    extra = pd.DataFrame({"name": ["not-in-fasta"], "value": [1.0]})
    pd.concat([targets, extra]).to_csv(tmp_path / "values.tsv", sep="\t", index=False)

    table = load_table(
        fasta, id_col="name", target_col="value", targets_path=tmp_path / "values.tsv"
    )
    assert table["id"].tolist() == subset["id"].tolist()
    assert table.provenance.targets_without_sequence == 1
    assert np.isnan(table["target"].iloc[0])
    clean = quality_control(table, cv=3)
    assert clean.qc.counts()["missing target"] == 1
    assert len(clean) == 119


def test_cross_validation_is_deterministic_and_grouped(promoters):
    table = promoters.iloc[:200].rename(columns={"expression": "target"})[
        ["id", "sequence", "target"]
    ]
    # a near-copy of row 0 (one substitution) must share row 0's fold
    copy = table.iloc[[0]].assign(id="copy", sequence=lambda d: "G" + d["sequence"].str[1:])
    table = pd.concat([table, copy], ignore_index=True)
    models = {name: m for name, m in candidate_models(k=2).items() if name != "k-mer boosting"}
    first = cross_validate_models(models, table, n_folds=4)
    second = cross_validate_models(models, table, n_folds=4)
    pd.testing.assert_frame_equal(first.summary, second.summary)
    folds = first.predictions.set_index("id")["fold"]
    assert folds["P0000"] == folds["copy"]
    assert first.groups[0] == first.groups[-1]


def test_markdown_table():
    frame = pd.DataFrame({"r2": [0.51234, np.nan], "name": ["a|b", "c"]}, index=["x", "y"])
    assert markdown_table(frame).splitlines() == [
        "|   | r2 | name |",
        "|---|---|---|",
        "| x | 0.512 | a\\|b |",
        "| y | – | c |",
    ]


# ---------------------------------------------------------------------------
# bad files fail with the helpers' clear messages, before anything is written
# ---------------------------------------------------------------------------

GOOD_HEADER = "name,seq,tpm\n"


@pytest.mark.parametrize(
    ("content", "settings", "error", "message"),
    [
        (
            "id,sequence,expression\nA1,ACGT,1\n",
            {},
            ValueError,
            r"no column 'seq' \(sequence_col\); found \['id', 'sequence', 'expression'\]",
        ),
        (
            GOOD_HEADER + "A1,ACGT,1.5\nA2,ACGA,n.d.\n",
            {},
            ValueError,
            r"'tpm' must hold numbers, but row 1 \(id 'A2'\) holds 'n.d.'",
        ),
        (
            GOOD_HEADER + "A1,ACGT,10\nA2,ACGA,0\n",
            {"target_transform": "log10"},
            ValueError,
            r"'tpm' must be above 0 for target_transform='log10', but row 1 \(id 'A2'\) holds 0",
        ),
        ("", {}, ValueError, r"is empty"),
        (
            GOOD_HEADER + "A1,ACGT,1\n",
            {"fmt": "xlsx"},
            ValueError,
            r"^TableSpec: fmt must be one of 'csv', 'fasta', 'table' or None, got 'xlsx'$",
        ),
        (
            GOOD_HEADER + "A1,ACGT,1\n",
            {"fmt": "fasta"},
            ValueError,
            r"FASTA, which holds no measurements: pass targets_path=",
        ),
        (
            GOOD_HEADER + "".join(f"A{i},ACGTACGT,{i}\n" for i in range(20)),
            {},
            ValueError,
            r"only 20 of 20 rows passed quality control.*needs at least 50",
        ),
        (
            GOOD_HEADER + "".join(f"A{i},ACGTACGTAC{'ACGT'[i % 4]},2.0\n" for i in range(60)),
            {},
            ValueError,
            r"target is constant",
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
def test_bad_file_gives_a_clear_error(tmp_path, content, settings, error, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    out = tmp_path / "report"
    with pytest.raises(error, match=message):
        run_coursework_report(
            path, id_col="name", sequence_col="seq", target_col="tpm", output_dir=out, **settings
        )
    assert not out.exists()


def test_missing_file_lists_the_folder(tmp_path):
    (tmp_path / "promoters.csv").write_text(GOOD_HEADER)
    with pytest.raises(FileNotFoundError, match=r"No such file: .*promoter\.csv.*promoters\.csv"):
        load_table(tmp_path / "promoter.csv")


def test_bad_targets_table(tmp_path):
    fasta = tmp_path / "x.fasta"
    fasta.write_text(">A1\nACGT\n>A2\nACGA\n")
    (tmp_path / "t.csv").write_text("name,value\nA1,1\nA1,2\nA2,3\n")
    with pytest.raises(
        ValueError, match=r"id\(s\) \['A1'\] appear more than once in column 'name'"
    ):
        load_table(fasta, id_col="name", target_col="value", targets_path=tmp_path / "t.csv")
    (tmp_path / "t.csv").write_text("name,level\nA1,1\n")
    with pytest.raises(
        ValueError, match=r"t\.csv has no column 'value' \(target_col\); found \['name', 'level'\]"
    ):
        load_table(fasta, id_col="name", target_col="value", targets_path=tmp_path / "t.csv")
    (tmp_path / "t.csv").write_text("name,value\nA1,1\nA2,high\n")
    with pytest.raises(ValueError, match=r"row 1 \(id 'A2'\) holds 'high'"):
        load_table(fasta, id_col="name", target_col="value", targets_path=tmp_path / "t.csv")


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


def test_targets_table_read_like_a_sequence_table(tmp_path):
    """A targets file gets the CSV reader's BOM, separator and decimal-comma handling."""
    fasta = tmp_path / "x.fasta"
    fasta.write_text(">A1\nACGT\n>A2\nACGA\n")
    targets = tmp_path / "t.csv"
    targets.write_bytes("name;value;note\r\nA2;2,5;x\r\nA1;;y\r\n".encode("utf-8-sig"))
    table = load_table(fasta, id_col="name", target_col="value", targets_path=targets)
    assert table["id"].tolist() == ["A1", "A2"]
    np.testing.assert_array_equal(table["target"].to_numpy(), [np.nan, 2.5])
    targets.write_text("")
    with pytest.raises(ValueError, match=r"t\.csv is empty"):
        load_table(fasta, id_col="name", target_col="value", targets_path=targets)
    with pytest.raises(FileNotFoundError, match=r"No such file: .*nope\.csv"):
        load_table(fasta, id_col="name", target_col="value", targets_path=tmp_path / "nope.csv")


@pytest.mark.parametrize("fasta", [False, True], ids=["csv", "fasta+targets"])
def test_infinite_target_names_file_row_and_id(tmp_path, fasta):
    rows = "name,value\nA1,1\nA2,-inf\n"
    if fasta:
        (tmp_path / "x.fa").write_text(">A1\nACGT\n>A2\nACGA\n")
        (tmp_path / "t.csv").write_text(rows)
        path, settings = tmp_path / "x.fa", {"targets_path": tmp_path / "t.csv"}
    else:
        (tmp_path / "t.csv").write_text("name,seq,value\nA1,ACGT,1\nA2,ACGA,-inf\n")
        path, settings = tmp_path / "t.csv", {"sequence_col": "seq"}
    with pytest.raises(ValueError, match=r"(?i)t\.csv.*'value'.*row 1.*'A2'.*inf"):
        load_table(path, id_col="name", target_col="value", **settings)
