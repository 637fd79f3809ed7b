"""The old module paths are thin re-export shims: every name they export is the new object.

``helpers.io``, ``datasets``, ``report``, ``models``, ``encoding``, ``cnn`` and
``transfer`` keep the imports of older code working (``from helpers.models
import GroupedRidgeCV``); the code lives in the packages listed here. A name a
shim exports must be the very object of a new module, not a copy.
"""

from __future__ import annotations

import importlib

import pytest

#: Shim -> the modules its names come from.
SHIMS: dict[str, tuple[str, ...]] = {
    "helpers.io": (
        "helpers.data.clean",
        "helpers.data.embedded",
        "helpers.data.load",
        "helpers.data.read",
        "helpers.data.table",
        "helpers.sequences",
    ),
    "helpers.datasets": (
        "helpers.data.registry",
        "helpers.data.published",
        "helpers.coursework.settings",
    ),
    "helpers.report": (
        "helpers.coursework.pipeline",
        "helpers.coursework.report",
        "helpers.data.clean",
        "helpers.data.load",
        "helpers.data.table",
    ),
    "helpers.models": (
        "helpers.coursework.candidates",
        "helpers.coursework.cross_validation",
        "helpers.coursework.explain",
        "helpers.coursework.folds",
    ),
    "helpers.encoding": ("helpers.features",),
    "helpers.cnn": (
        "helpers.estimators.cnn",
        "helpers.estimators.cnn_filters",
        "helpers.features.onehot",
    ),
    "helpers.transfer": ("helpers.sites", "helpers.estimators.latent_sites"),
    "helpers.scale": ("helpers.estimators.ridge_stats", "helpers.estimators.sharded"),
}

#: Old names kept under another name in the new modules.
RENAMED = {("helpers.datasets", "DatasetQC"): ("helpers.data.table", "QCReport")}

#: Names ``helpers.scale`` still defines itself (the shard files); the rest are re-exported.
SCALE_OWN = {
    "SHARD_COLUMNS",
    "compute",
    "list_shards",
    "read_shard",
    "tree_reduce",
    "tsv_to_shards",
    "write_promoter_shards",
}
#: ``helpers.scale``'s names from the one simulator (tested in tests/test_scale.py).
SCALE_SIMULATOR = {"UP_MUTATION_RATE", "log_rate", "simulate_batch"}


def _exported(shim: str) -> list[str]:
    names = list(importlib.import_module(shim).__all__)
    if shim == "helpers.scale":
        names = [n for n in names if n not in SCALE_OWN | SCALE_SIMULATOR]
    return names


@pytest.mark.parametrize("shim", list(SHIMS))
def test_every_exported_name_is_the_new_object(shim):
    module = importlib.import_module(shim)
    sources = [importlib.import_module(name) for name in SHIMS[shim]]
    names = _exported(shim)
    assert names, shim
    for name in names:
        obj = getattr(module, name)
        if (shim, name) in RENAMED:
            home, new = RENAMED[shim, name]
            assert obj is getattr(importlib.import_module(home), new), name
            continue
        homes = [src.__name__ for src in sources if getattr(src, name, None) is obj]
        assert homes, f"{shim}.{name} is not an object of {', '.join(SHIMS[shim])}"


def test_old_coursework_names_are_the_new_objects():
    from helpers import models
    from helpers.coursework.candidates import GroupedRidgeCV
    from helpers.coursework.cross_validation import cross_validate_models
    from helpers.coursework.folds import plan_folds

    assert models.GroupedRidgeCV is GroupedRidgeCV
    assert models.plan_folds is plan_folds
    assert models.cross_validate_models is cross_validate_models
    assert set(models.__all__) >= {"candidate_models", "scan_sequence", "to_dense", "CVResults"}
