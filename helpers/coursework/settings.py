"""The coursework template's settings for the shipped published files.

A reader describes a file with one :class:`~helpers.data.table.TableSpec`
(chapter 09's settings cell). These are the specs of real files' layouts the
template was run on, changing nothing else: used by the tests and
``benchmarks/bench_report.py``.
"""

from __future__ import annotations

from helpers.data.table import TableSpec

__all__ = ["TEMPLATE_SETTINGS"]

_LAFLEUR = TableSpec(
    id_col="ID",
    sequence_col="Promoter Sequence",
    target_col="Observed log(TX/Txref)",
    higher_is_stronger=False,
)

#: Shipped file -> the :class:`~helpers.data.table.TableSpec` a reader writes to
#: run the template on it (lower log(TX/TXref) is stronger in La Fleur's files).
TEMPLATE_SETTINGS: dict[str, TableSpec] = {
    "lafleur2022_validation_hossain2020.csv": _LAFLEUR,
    "lafleur2022_validation_yu2021.csv": _LAFLEUR,
    "lafleur2022_validation_lagator2022_36n.csv": _LAFLEUR,
    "dream2022_demo_train.txt": TableSpec(header=False, id_col=None, sequence_col=0, target_col=1),
    "vaishnav2022_native_complex.csv": TableSpec(
        id_col=None, sequence_col="sequence", target_col="Measured Expression"
    ),
}
