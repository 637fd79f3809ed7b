"""Sphinx extension: no Colab button on pages whose source is a MyST Markdown notebook.

Colab opens ``.ipynb`` files only. The chapters' pages are built from their
executed ``.ipynb`` twins, so their Colab button opens a notebook. The dataset
pages (``data/*.md``) are MyST notebooks without an ``.ipynb`` twin: the
build executes them, and sphinx-book-theme's Colab button would point at the
``.md`` file, which Colab cannot open. This extension drops that one button
from those pages. Their Binder button stays: the Binder image opens ``.md``
files as notebooks (``binder/overrides.json``), and their download button
still offers the executed ``.ipynb`` the build wrote.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: sphinx-book-theme adds launch buttons at priority 501; this runs after it.
PRIORITY: int = 502


def is_text_notebook(source: str | Path) -> bool:
    """Whether a page's source is a Markdown notebook without an ``.ipynb`` twin.

    Examples
    --------
    >>> from tools.notebooks import ROOT
    >>> is_text_notebook(ROOT / "data" / "lafleur2022.md")
    True
    >>> is_text_notebook(ROOT / "chapters" / "01_loading.ipynb")
    False
    """
    source = Path(source)
    return source.suffix == ".md" and not source.with_suffix(".ipynb").exists()


def drop_colab_button(app, pagename: str, templatename: str, context: dict[str, Any], doctree):
    """``html-page-context`` handler: remove the Colab entry of the launch-buttons group."""
    if not is_text_notebook(app.env.doc2path(pagename)):
        return
    for group in context.get("header_buttons", []):
        if group.get("label") == "launch-buttons":
            group["buttons"] = [b for b in group["buttons"] if b.get("text") != "Colab"]
    context["header_buttons"] = [
        group
        for group in context.get("header_buttons", [])
        if group.get("label") != "launch-buttons" or group["buttons"]
    ]


def setup(app) -> dict:
    """Register the handler after sphinx-book-theme's launch buttons."""
    app.connect("html-page-context", drop_colab_button, priority=PRIORITY)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
