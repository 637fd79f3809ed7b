"""Sphinx extension: give a notebook's kernel time to start on a busy machine.

jupyter-book executes the dataset pages with nbclient, whose kernel start-up
timeout (60 s) cannot be set from ``_config.yml``. On a cold virtual
environment and a loaded two-core machine (load average 6), the first kernel
took longer than that and the build failed with ``RuntimeError: Kernel didn't
respond in 60 seconds``. This extension raises nbclient's default to
:data:`STARTUP_TIMEOUT`; a kernel that starts in time is not slowed.
"""

from __future__ import annotations

import functools

import nbclient
from jupyter_cache.executors import utils

#: Seconds a kernel may take to start (nbclient's default: 60).
STARTUP_TIMEOUT: int = 300


def setup(app) -> dict:
    """Raise nbclient's kernel start-up timeout for this build.

    myst-nb executes notebooks through ``jupyter_cache``'s
    ``single_nb_execution``, which calls ``nbclient.execute``; the keyword is
    passed on to ``nbclient.NotebookClient``.
    """
    utils.executenb = functools.partial(nbclient.execute, startup_timeout=STARTUP_TIMEOUT)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
