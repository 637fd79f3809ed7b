"""The "use your own data" template on files shaped like real ones (issue 13).

Each synthetic test reproduces one failure met when the template was tried on
published promoter files; the tests marked ``slow`` run the whole template on
those published files, changing only settings.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import datasets
from helpers.data.table import TableSpec
from helpers.datasets import TEMPLATE_SETTINGS
from helpers.io import load_table, quality_control
from helpers.models import (
    candidate_models,
    cross_validate_models,
    plan_folds,
)
from helpers.report import run_coursework_report

REPO = Path(__file__).resolve().parents[1]
BOX = "TATAAT"


@pytest.fixture(autouse=True)
def _one_thread():
    """Gradient boosting's OpenMP threads on a busy 2-core machine: 10x slower; use one."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


def _library(n: int, length: int = 60, seed: int = 0) -> pd.DataFrame:
    """Random sequences; the target counts a planted box (plus noise), 3 replicates."""
    rng = np.random.default_rng(seed)
    seqs = ["".join(rng.choice(list("ACGT"), length)) for _ in range(n)]
    planted = rng.random(n) < 0.5
    seqs = [s[:20] + BOX + s[26:] if p else s for s, p in zip(seqs, planted, strict=True)]
    signal = planted * 2.0 + np.array([s.count("GC") for s in seqs]) * 0.1
    reps = 10 ** (signal[:, None] + rng.normal(0, 0.15, size=(n, 3)))
    return pd.DataFrame(
        {
            "name": [f"p{i}" for i in range(n)],
            "sequence": seqs,
            "rep1": reps[:, 0],
            "rep2": reps[:, 1],
            "rep3": reps[:, 2],
        }
    )


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


def _fast(**settings):
    """Settings that keep a test run short."""
    return {"k": (1, 3), "n_folds": 3, "max_iter": 20, "mutagenesis": False} | settings


def _report_on(lib: pd.DataFrame, path: Path, out: Path, **settings):
    """Write ``lib`` to ``path`` (CSV) and run the whole template on it, ids in ``name``."""
    lib.to_csv(path, index=False)
    return run_coursework_report(path, id_col="name", output_dir=out, **_fast(**settings))


# ---------------------------------------------------------------------------
# reading: no id column, positions, joins (separators: test_data_read.py;
# a FASTA that is a table and back: test_data_load.py)
# ---------------------------------------------------------------------------


@pytest.mark.slow  # runs the whole report template
def test_whitespace_targets_with_replicates_and_fasta(tmp_path):
    """Failure: a space-separated targets file was blamed on its column names."""
    lib = _library(150)
    fasta = tmp_path / "seqs.fa"
    fasta.write_text(
        "".join(f">{n}\n{s}\n" for n, s in zip(lib["name"], lib["sequence"], strict=True))
    )
    targets = tmp_path / "targets.txt"
    lines = ["name RNA_exp_rep1.1 RNA_exp_rep1.2 RNA_exp_rep1.3"]
    lines += [f"{n} {a:.5f} {b:.5f} {c:.5f}" for n, a, b, c in lib.iloc[:, [0, 2, 3, 4]].values]
    lines.append("not_in_fasta 1 2 3")
    targets.write_text("\n".join(lines) + "\n")
    settings = {
        "targets_path": targets,
        "join_key": "name",
        "target_col": None,
        "replicate_cols": ["RNA_exp_rep1.1", "RNA_exp_rep1.2", "RNA_exp_rep1.3"],
        "target_transform": "log10",
    }

    table = load_table(fasta, **settings)
    assert table.provenance.targets_sep == r"\s+"
    assert table.provenance.targets_without_sequence == 1
    assert table.provenance.sequences_without_target == 0
    expected = np.log10(lib[["rep1", "rep2", "rep3"]].mean(axis=1))
    np.testing.assert_allclose(table["target"], expected, atol=1e-4)

    report = run_coursework_report(fasta, output_dir=tmp_path / "out", **_fast(**settings))
    assert report.ceiling is not None and 0.8 < report.ceiling.r2 <= 1
    text = report.paths["report_md"].read_text()
    assert "Noise ceiling from 3 replicates" in text
    assert "1 measurement row(s) had no sequence" in text

    # forcing the wrong separator gives a message about the separator, not the names
    message = (
        f"{targets} has no column 'name' (join_key); found ['name RNA_exp_rep1.1 "
        "RNA_exp_rep1.2 RNA_exp_rep1.3']. Name one of these in the settings (or a 0-based "
        "position). The file was read as a single column, so its separator is probably not "
        "comma: pass `sep=` (',', ';', 'tab' or 'whitespace')."
    )
    with pytest.raises(ValueError, match=exact(message)):
        load_table(fasta, **settings, targets_sep=",")


@pytest.mark.slow  # runs the whole report template
def test_file_without_id_column(tmp_path):
    """Failure: ID_COL = None gave `missing column(s) [None]`; ids were required."""
    lib = _library(120)
    path = tmp_path / "no_ids.csv"
    lib[["sequence", "rep1"]].to_csv(path, index=False)
    report = run_coursework_report(
        path,
        id_col=None,
        target_col="rep1",
        target_transform="log10",
        output_dir=tmp_path / "out",
        **_fast(),
    )
    assert report.data["id"].iloc[0] == "row1"
    assert report.qc.modified["id generated (no id column)"] == 120
    assert "ids row1, row2" in report.paths["report_md"].read_text()
    # the sequence column as id column no longer crashes inside pandas
    table = load_table(path, id_col="sequence", target_col="rep1")
    assert table["id"].tolist() == table["sequence"].tolist()


def test_headerless_positions_and_lowercase(tmp_path):
    lib = _library(60)
    path = tmp_path / "plain.txt"
    path.write_text(
        "".join(
            f"{s.lower()}\t{v:.4f}\n" for s, v in zip(lib["sequence"], lib["rep1"], strict=True)
        )
    )
    table = load_table(path, header=False, id_col=None, sequence_col=0, target_col=1)
    clean = quality_control(table, cv=3)
    assert clean.qc.modified["upper-cased"] == 60
    assert clean["sequence"].iloc[0] == lib["sequence"].iloc[0]
    message = (
        f"{path} has 2 column(s) ['0', '1'], so target_col=5 (a 0-based position) does not exist."
    )
    with pytest.raises(ValueError, match=exact(message)):
        load_table(path, header=False, id_col=None, sequence_col=0, target_col=5)


def test_two_tables_joined_on_a_key(tmp_path):
    lib = _library(100)
    seqs = tmp_path / "seqs.tsv"
    lib[["name", "sequence"]].iloc[:90].to_csv(seqs, sep="\t", index=False)
    values = tmp_path / "values.csv"
    lib[["name", "rep1"]].iloc[5:].rename(columns={"name": "promoter"}).to_csv(values, index=False)
    table = load_table(
        seqs, id_col="name", targets_path=values, join_key="promoter", target_col="rep1"
    )
    assert len(table) == 90
    assert table.provenance.sequences_without_target == 5  # p0..p4
    assert table.provenance.targets_without_sequence == 10  # p90..p99
    clean = quality_control(table, cv=3)
    assert clean.qc.counts()["missing target"] == 5
    message = (
        f"{seqs} has no id column (id_col=None), so its rows cannot be matched to the "
        f"measurements in {values}: name the column that both tables share."
    )
    with pytest.raises(ValueError, match=exact(message)):
        load_table(seqs, id_col=None, targets_path=values, join_key="promoter", target_col="rep1")


# ---------------------------------------------------------------------------
# honest cross-validation
# ---------------------------------------------------------------------------


def _variants(n: int, length: int = 80, seed: int = 1, mutations: int = 1) -> list[str]:
    """A designed library: point mutants of one parent (one similarity group)."""
    rng = np.random.default_rng(seed)
    parent = "".join(rng.choice(list("ACGT"), length))
    out = []
    for _ in range(n):
        seq = list(parent)
        for pos in rng.choice(length, size=mutations, replace=False):
            seq[pos] = rng.choice([b for b in "ACGT" if b != seq[pos]])
        out.append("".join(seq))
    return out


@pytest.mark.slow  # runs the whole report template (issue 19: make test-fast <= 30 s CPU)
def test_one_similarity_group_falls_back_and_says_so(tmp_path):
    """Failure: 'only 1 groups ..., lower cv' – which cannot help – and a crash."""
    seqs = _variants(200)
    rng = np.random.default_rng(0)
    y = np.array([s.count("A") for s in seqs]) + rng.normal(0, 0.5, 200)
    path = tmp_path / "variants.csv"
    pd.DataFrame({"id": range(200), "sequence": seqs, "expression": y}).to_csv(path, index=False)
    report = run_coursework_report(path, output_dir=tmp_path / "out", **_fast())
    plan = report.cv.plan
    assert plan.n_folds == 3
    notes = " ".join(plan.notes)
    assert "gave 1 group(s)" in notes
    assert "raised the threshold" in notes or plan.method == "identical sequences"
    assert "gave 1 group(s)" in report.paths["report_md"].read_text()


def test_unbalanced_folds_are_flagged_and_pooled_scores_reported():
    """Failure: a fold of 96 controls scored alone; the mean over folds hid it."""
    lib = _library(300, seed=3)
    controls = _variants(40, length=60, seed=9)  # near-identical controls, very low values
    table = pd.DataFrame(
        {
            "id": [*lib["name"], *(f"c{i}" for i in range(40))],
            "sequence": [*lib["sequence"], *controls],
            "target": [*np.log10(lib["rep1"]), *np.full(40, -3.0)],
        }
    )
    plan = plan_folds(table["sequence"], table["target"], n_folds=5, max_group_share=0.5)
    assert plan.table["n_test"].sum() == 340
    flagged = plan.flagged
    assert len(flagged) >= 1
    assert flagged["flag"].str.contains("unusual targets|one group").any()
    models = {n: candidate_models(k=2)[n] for n in ("mean baseline", "k-mer ridge")}
    result = cross_validate_models(models, table, plan=plan)
    assert {"r2_pooled", "r2_mean", "r2_std", "pearson_r_pooled"} <= set(result.summary.columns)
    best = result.summary.drop(index="mean baseline")["r2_pooled"].idxmax()
    assert result.best_model == best


def test_inner_ridge_search_is_grouped():
    """Failure: RidgeCV's ungrouped leave-one-out inner search (R² −13.9).

    GroupedRidgeCV refuses to fit without groups (tests/test_coursework_candidates.py).
    """
    lib = _library(90)
    table = pd.DataFrame(
        {"id": lib["name"], "sequence": lib["sequence"], "target": np.log10(lib["rep1"])}
    )
    models = {"k-mer ridge": candidate_models(k=2)["k-mer ridge"]}
    result = cross_validate_models(models, table, n_folds=3)
    assert result.folds["chosen"].str.startswith("alpha=").all()


@pytest.mark.slow  # runs the whole report template (issue 19: make test-fast <= 30 s CPU)
def test_one_hot_offered_for_equal_lengths_and_explained_otherwise(tmp_path):
    lib = _library(90)
    settings = {"target_col": "rep1", "target_transform": "log10"}
    report = _report_on(lib, tmp_path / "equal.csv", tmp_path / "a", **settings)
    assert {"one-hot ridge", "one-hot boosting"} <= set(report.metrics.index)
    # the planted box is at a fixed position: the position-aware models find it
    assert report.metrics.loc["one-hot ridge", "r2_pooled"] > 0.5

    lib.loc[0, "sequence"] = lib.loc[0, "sequence"][:50]
    report = _report_on(lib, tmp_path / "equal.csv", tmp_path / "b", **settings)
    assert "one-hot ridge" not in report.metrics.index
    assert "sequence lengths vary (50–60 nt" in report.notes["one_hot"]
    assert (
        "One-hot (position-aware) models were not offered" in report.paths["report_md"].read_text()
    )


@pytest.mark.slow  # runs the whole report template (issue 19: make test-fast <= 30 s CPU)
def test_lower_is_stronger_flips_the_sign(tmp_path):
    """Failure: no 'lower is stronger' setting; mutagenesis scanned the weakest."""
    lib = _library(90)
    lib["dG"] = -np.log10(lib["rep1"])  # lower = stronger
    report = _report_on(
        lib,
        tmp_path / "lower.csv",
        tmp_path / "out",
        target_col="dG",
        higher_is_stronger=False,
        mutagenesis=True,
    )
    np.testing.assert_allclose(report.data["target"], np.log10(lib["rep1"]))
    test_ids = report.data["id"].iloc[report.cv.test_indices[0]]
    raw = lib.set_index("name")["dG"]
    assert report.mutagenesis.id == raw[test_ids].idxmin()  # lowest dG = strongest
    assert "higher = stronger" in report.paths["report_md"].read_text()


@pytest.mark.slow  # runs the whole report template (issue 19: make test-fast <= 30 s CPU)
def test_report_states_its_limits(tmp_path):
    report = _report_on(
        _library(90),
        tmp_path / "lib.csv",
        tmp_path / "out",
        target_col=None,
        replicate_cols=["rep1", "rep2", "rep3"],
        target_transform="log10",
        subsample=80,
    )
    text = report.paths["report_md"].read_text()
    for phrase in (
        "new sequences *like these*",
        "same assay",
        "Noise ceiling",
        "Fold sizes",
        "dropped",
        "transfer chapter",
        "random 80 of the 90 rows",
    ):
        assert phrase in text, phrase
    assert pd.read_csv(report.paths["fold_sizes_csv"])["n_test"].sum() == 80


# ---------------------------------------------------------------------------
# the published files, changing only settings
# ---------------------------------------------------------------------------


def published_path(name: str) -> Path:
    """The verified copy of the published file ``name`` (shipped, or in
    ``$SEQ2EXPR_DATA_DIR``); skips the test, naming the file, if there is none."""
    try:
        return datasets.fetch(name)
    except datasets.DatasetUnavailableError:
        pytest.skip(f"published file {name} not found (see data/real/README.md)")


@pytest.mark.slow
@pytest.mark.parametrize("name", list(TEMPLATE_SETTINGS))
def test_template_runs_on_published_file(tmp_path, name):
    report = run_coursework_report(
        published_path(name),
        output_dir=tmp_path / "out",
        subsample=600,
        n_folds=3,
        max_iter=20,
        spec=TEMPLATE_SETTINGS[name],
    )
    assert report.qc.n_output >= 550
    assert report.cv.best_model != "mean baseline"
    assert report.metrics.loc[report.cv.best_model, "r2_pooled"] > 0.05
    assert report.cv.plan.table["n_test"].sum() == report.qc.n_output
    assert report.paths["report_md"].is_file()
    provenance = report.data.provenance
    if name.startswith("lafleur"):
        assert not provenance.spec.higher_is_stronger
    if name == "lafleur2022_validation_yu2021.csv":  # one similarity group at 0.5
        assert "gave 1 group(s)" in " ".join(report.cv.plan.notes)
    if name == "lafleur2022_validation_lagator2022_36n.csv":  # lowercase
        assert report.qc.modified["upper-cased"] == report.qc.n_input
    if name in ("dream2022_demo_train.txt", "vaishnav2022_native_complex.csv"):
        assert provenance.ids_generated
    if name == "dream2022_demo_train.txt":  # N in sequences, lengths vary
        assert "sequence lengths vary" in report.notes["one_hot"]


def test_chapter_exercises_never_touch_the_users_file():
    """Failure: the exercise cells re-ran CV on the user's table (and compared it with the
    embedded FASTA). Now every exercise cell is skipped by RUN_EXERCISES and uses only the
    book's embedded data."""
    text = (REPO / "chapters" / "09_your_own_data.md").read_text()
    assert "RUN_EXERCISES = " in text.split("## Step 1")[0]  # a setting
    exercises = text.split("## Exercises", 1)[1]
    cells = [c.split("```", 1)[0] for c in exercises.split("```{code-cell}\n")[1:]]
    cells = [re.sub(r"\A(:[^\n]*\n)+\n", "", cell) for cell in cells]  # cell options (tags)
    assert cells
    for cell in cells:
        assert cell.startswith("if RUN_EXERCISES:"), cell[:60]
        code = re.sub(r'"[^"\n]*"', '""', cell)  # names inside strings are just words
        for name in ("INPUT_PATH", "clean", "table", "cv", "plan", "qc"):
            assert not re.search(rf"(?<![\w.]){name}\b", code), (name, cell[:60])


# ---------------------------------------------------------------------------
# issue 21: the four your-own-data cases, through chapter 09's settings cell alone
# ---------------------------------------------------------------------------


def _chapter_settings(input_path: Path, **changes) -> tuple[Path, TableSpec]:
    """Run chapter 09's settings cell as written; return its INPUT_PATH and SPEC, changed.

    ``input_path`` replaces the embedded file and ``changes`` are settings of the
    cell's ``TableSpec``: what a reader edits, and nothing else.
    """
    from helpers.paths import data_path

    text = (REPO / "chapters" / "09_your_own_data.md").read_text()
    section = text.split("## Settings: the only cell you change", 1)[1].split("## Step 1")[0]
    cell = section.split("```{code-cell}\n", 1)[1].split("```", 1)[0]
    namespace = {"data_path": data_path, "Path": Path, "TableSpec": TableSpec}
    exec(cell, namespace)
    assert isinstance(namespace["SPEC"], TableSpec)
    return input_path, namespace["SPEC"].replace(**changes)


def _write_library(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False)
    return path


def test_case_one_line_records_are_read_with_every_format_setting(tmp_path):
    """Failure: '>name<TAB>sequence' lines could not be read with any setting (issue 21)."""
    lib = _library(60)
    path = tmp_path / "library.txt"
    path.write_text(
        "".join(f">{n}\t{s}\n" for n, s in zip(lib["name"], lib["sequence"], strict=True))
    )
    targets = _write_library(tmp_path / "values.csv", lib[["name", "rep1"]])
    common = {
        "id_col": "name",
        "target_col": "rep1",
        "replicate_cols": [],
        "targets_path": targets,
    }
    for changes in (
        {},  # sniffed from the content
        {"fmt": "fasta"},  # set: wins
        {"fmt": "table", "header": False, "id_col": 0, "sequence_col": 1, "join_key": "name"},
    ):
        table = load_table(*_chapter_settings(path, **(common | changes)))
        assert table["id"].tolist() == lib["name"].tolist()
        assert table["sequence"].tolist() == lib["sequence"].tolist()
        assert table["target"].tolist() == pytest.approx(np.log10(lib["rep1"]).tolist())
        assert "one-line '>name<TAB>sequence' records" in table.provenance.layout


def test_case_a_set_format_wins_over_the_file_name(tmp_path):
    """An explicit fmt='table' was ignored for a '.fasta' name (issue 21)."""
    path = tmp_path / "mine.fasta"
    path.write_text("name,sequence,tpm\np1,ACGT,1\np2,GGCA,2\n")
    table = load_table(path, TableSpec(fmt="table", id_col="name", target_col="tpm"))
    assert table["sequence"].tolist() == ["ACGT", "GGCA"]


def test_case_both_orientations_are_detected_and_oriented(tmp_path):
    """Failure: a library with half its rows reverse-complemented was not detected (issue 21)."""
    from helpers.coursework.report import report_limits  # noqa: F401 - the report says it too
    from helpers.data.clean import ORIENTATION_FLAG
    from helpers.sequences import reverse_complement

    lib = _library(120, length=50, seed=3)
    left, right = "GCTAGCAATTCCGATC", "GGATCCTTACGACTGA"
    forward = [left + s + right for s in lib["sequence"]]
    written = [reverse_complement(s) if i % 3 == 0 else s for i, s in enumerate(forward)]
    path = _write_library(tmp_path / "both.csv", lib.assign(sequence=written))

    as_is = quality_control(load_table(*_chapter_settings(path, id_col="name")), cv=3)
    assert as_is.qc.flagged[ORIENTATION_FLAG] == 40
    assert as_is["sequence"].tolist() == written

    oriented = quality_control(
        load_table(*_chapter_settings(path, id_col="name", orient=True)), cv=3
    )
    assert oriented.qc.modified["reverse-complemented to the library's orientation"] == 40
    assert ORIENTATION_FLAG not in oriented.qc.flagged
    assert oriented["sequence"].tolist() == forward


def test_case_orientation_is_not_claimed_without_constant_flanks():
    from helpers.data.orient import detect_orientation

    assert detect_orientation(_library(200)["sequence"].tolist()) is None


def test_case_replicates_with_zeros_take_a_pseudocount(tmp_path):
    """Failure: zeros lost the ceiling with advice no setting could carry out (issue 21)."""
    from helpers.coursework.pipeline import compute_noise_ceiling

    lib = _library(90)
    counts = np.round(lib[["rep1", "rep2", "rep3"]] * 10).astype(int)
    assert (counts > 0).all().all()
    counts.iloc[7, 1] = 0  # p7, rep2
    counts.iloc[11, 2] = 0
    path = _write_library(tmp_path / "counts.csv", lib[["name", "sequence"]].join(counts))

    table = quality_control(load_table(*_chapter_settings(path, id_col="name")), cv=3)
    ceiling, note = compute_noise_ceiling(table)
    assert ceiling is None
    assert note == (
        "The noise ceiling could not be computed: the log10 transform needs replicate values "
        "above 0, but id 'p7' has 0 in column 'rep2' (2 such value(s)). Set a pseudocount in "
        "the settings (pseudocount=1 for counts) to add before the transform."
    )

    table = quality_control(
        load_table(*_chapter_settings(path, id_col="name", pseudocount=1)), cv=3
    )
    ceiling, note = compute_noise_ceiling(table)
    assert ceiling is not None and 0 < ceiling.r2 <= 1
    mean = counts.mean(axis=1).to_numpy()
    np.testing.assert_allclose(table["target"].to_numpy(), np.log10(mean + 1))
    assert table.provenance.target_name == "log10(mean of rep1, rep2, rep3 + 1)"


def test_case_designed_backgrounds_are_named_leave_one_background_out(tmp_path):
    """Failure: 8 backgrounds as similarity groups made every fold 'odd', unexplained."""
    from helpers.coursework.folds import plan_folds

    rng = np.random.default_rng(5)
    backgrounds = ["".join(rng.choice(list("ACGT"), 80)) for _ in range(8)]
    rows = []
    for b, background in enumerate(backgrounds):
        for j in range(30):
            seq = list(background)
            for position in rng.choice(80, 2, replace=False):
                seq[position] = "ACGT"[("ACGT".index(seq[position]) + 1) % 4]
            rows.append((f"b{b}v{j}", "".join(seq), 1.0 + b + rng.normal(0, 0.1)))
    path = _write_library(
        tmp_path / "designed.csv", pd.DataFrame(rows, columns=["name", "sequence", "value"])
    )
    settings = {"id_col": "name", "target_col": "value", "replicate_cols": []}
    table = quality_control(load_table(*_chapter_settings(path, **settings)), cv=5)
    plan = plan_folds(table["sequence"].tolist(), table["target"].to_numpy(), n_folds=5)
    assert plan.method == "similarity groups"
    assert plan.notes[-1] == (
        "The 8 similarity groups are few and large, as in a designed library built on 8 "
        "backgrounds: each fold holds 1 to 2 whole groups, so this cross-validation amounts "
        "to leave-one-background-out. Every score is for a background the model never saw, "
        "which is harder than predicting new variants of backgrounds it has seen; a fold "
        "made of one group is expected here, not odd."
    )
    assert not plan.table["flag"].str.contains("one group").any()
