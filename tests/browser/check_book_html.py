"""Check the built book in a real browser: figures, launch buttons, solutions.

Run after ``make book`` (this is a script, not a pytest test)::

    .venv/bin/python tests/browser/check_book_html.py            # all checks
    .venv/bin/python tests/browser/check_book_html.py --help     # options

It serves ``_build/html`` on a local port, opens every chapter page and the
front and back matter in headless Chromium (Debian package ``chromium``), lets
the page's JavaScript run, and checks the rendered DOM:

* chapter pages (built from ``chapters/*.ipynb``): at least one figure whose
  image file exists, a Binder link (JupyterLab) and a Colab link to this very
  notebook in the same repository and branch, a download link to the
  ``.ipynb``, at least ``--min-exercises`` exercises, each with a solution
  that is hidden by default behind a toggle button, no error output, and the
  Colab install cell hidden;
* ``intro``: links to the glossary, references and the use-your-own-data
  chapter, and at least one resolved citation;
* ``glossary`` and ``references``: non-empty;
* ``execution_times``: one row per page the build executes (the dataset pages;
  chapters show their stored, nbval-tested outputs), all executed without error.

A screenshot of every page goes to ``screenshots/`` (git-ignored) for review.
Exit status 0 if every check passed, 1 otherwise; a summary table is printed
and written to ``screenshots/summary.json``.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]

#: Flags that keep headless Chromium quiet, offline and self-contained.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--hide-scrollbars",
    "--mute-audio",
)

#: Console errors every jupyter-book 1.0 page shows (sphinx-thebe's settings
#: script is included twice); harmless, so not reported.
KNOWN_CONSOLE_NOISE = ("Identifier 'THEBE_JS_URL' has already been declared",)

BINDER_RE = re.compile(
    r"^https://mybinder\.org/v2/gh/(?P<repo>[^/]+/[^/]+)/(?P<branch>[^?]+)\?urlpath=lab/tree/(?P<path>.+)$"
)
COLAB_RE = re.compile(
    r"^https://colab\.research\.google\.com/github/(?P<repo>[^/]+/[^/]+)/blob/(?P<branch>[^/]+)/(?P<path>.+)$"
)


@dataclass
class PageResult:
    """Outcome of the checks on one page."""

    page: str
    kind: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)
    screenshot: str = ""

    def check(self, condition: bool, message: str) -> bool:
        if not condition:
            self.errors.append(message)
        return condition


# ---------------------------------------------------------------------------
# browser
# ---------------------------------------------------------------------------


def find_chromium(explicit: str | None) -> str:
    """Return the Chromium executable to use, or exit with an install hint."""
    candidates = [explicit] if explicit else []
    candidates += [os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome"]
    for name in filter(None, candidates):
        path = shutil.which(name)
        if path:
            return path
    sys.exit(
        "check_book_html: no Chromium found. Install it with "
        "`apt-get update && apt-get install -y chromium`, or pass --chromium PATH."
    )


class Browser:
    """Headless Chromium driven from the command line, one process per call."""

    def __init__(self, executable: str, *, width: int, height: int, wait_ms: int):
        self.executable = executable
        self.width, self.height, self.wait_ms = width, height, wait_ms
        self.profile = Path(tempfile.mkdtemp(prefix="chromium-profile-"))

    def _run(self, url: str, *extra: str) -> subprocess.CompletedProcess:
        command = [
            self.executable,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={self.profile}",
            f"--window-size={self.width},{self.height}",
            f"--virtual-time-budget={self.wait_ms}",
            "--enable-logging=stderr",
            "--v=0",
            *extra,
            url,
        ]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    def dom(self, url: str) -> tuple[str, list[str]]:
        """The DOM after the page's scripts ran, and its console errors."""
        done = self._run(url, "--dump-dom")
        if done.returncode != 0 or not done.stdout.strip():
            raise RuntimeError(f"chromium failed on {url}: {done.stderr[-2000:]}")
        console = [
            line.split("] ", 1)[-1]
            for line in done.stderr.splitlines()
            if "CONSOLE" in line
            and ("Uncaught" in line or "Error" in line)
            and not any(noise in line for noise in KNOWN_CONSOLE_NOISE)
        ]
        return done.stdout, console

    def screenshot(self, url: str, path: Path) -> int:
        """Save a PNG of the top of the page; return its size in bytes."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self._run(url, f"--screenshot={path}")
        return path.stat().st_size if path.exists() else 0

    def close(self) -> None:
        shutil.rmtree(self.profile, ignore_errors=True)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``folder`` on a free local port in a background thread."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


# ---------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------


def _local_file(html_dir: Path, page_url: str, href: str) -> Path | None:
    """The file in ``html_dir`` that ``href`` (relative to the page) points to."""
    target = urlparse(urljoin(page_url, href))
    if target.scheme not in ("http", "https") or target.hostname != "127.0.0.1":
        return None
    return html_dir / unquote(target.path.lstrip("/"))


def check_chapter(
    result: PageResult,
    soup: BeautifulSoup,
    html_dir: Path,
    url: str,
    *,
    min_figures: int,
    min_exercises: int,
) -> None:
    """Checks for a page built from a notebook."""
    notebook = result.page.removesuffix(".html") + ".ipynb"
    article = soup.select_one("article") or soup

    figures = [img for img in article.select("img") if "_images/" in (img.get("src") or "")]
    missing = [
        img["src"]
        for img in figures
        if not (_local_file(html_dir, url, img["src"]) or Path()).is_file()
    ]
    result.facts["figures"] = len(figures)
    result.check(
        len(figures) >= min_figures, f"{len(figures)} figure(s), expected at least {min_figures}"
    )
    result.check(not missing, f"figure files missing: {missing[:3]}")

    launch = {}
    for name, pattern in (("binder", BINDER_RE), ("colab", COLAB_RE)):
        links = [a["href"] for a in soup.select("a[href]") if pattern.match(a["href"])]
        if result.check(bool(links), f"no {name} launch button"):
            match = pattern.match(links[0])
            launch[name] = match.groupdict()
            result.check(
                match["path"] == notebook,
                f"{name} button opens {match['path']!r}, expected {notebook!r}",
            )
    if len(launch) == 2:
        result.check(
            (launch["binder"]["repo"], launch["binder"]["branch"])
            == (launch["colab"]["repo"], launch["colab"]["branch"]),
            f"binder and colab point to different repositories/branches: {launch}",
        )
        result.facts["repository"] = f"{launch['colab']['repo']}@{launch['colab']['branch']}"

    downloads = [a["href"] for a in soup.select("a.btn-download-source-button[href]")]
    ipynb = [h for h in downloads if h.endswith(".ipynb")]
    if result.check(bool(ipynb), f"no .ipynb download button (found {downloads})"):
        target = _local_file(html_dir, url, ipynb[0])
        result.check(
            target is not None and target.is_file(), f"download target {ipynb[0]} not in the build"
        )

    exercises = article.select("div.exercise")
    solutions = article.select("div.solution")
    result.facts["exercises"] = len(exercises)
    result.facts["solutions"] = len(solutions)
    result.check(
        len(exercises) >= min_exercises,
        f"{len(exercises)} exercise(s), expected at least {min_exercises}",
    )
    solved = {a["href"].split("#", 1)[1] for sol in solutions for a in sol.select("a[href*='#']")}
    unsolved = [ex.get("id", "?") for ex in exercises if ex.get("id") not in solved]
    result.check(not unsolved, f"exercises without a solution: {unsolved}")
    shown = [sol.get("id", "?") for sol in solutions if "toggle-hidden" not in sol.get("class", [])]
    result.check(not shown, f"solutions not hidden by default: {shown}")
    buttons = {b.get("data-target") for b in article.select("button.toggle-button")}
    no_button = [sol.get("id", "?") for sol in solutions if sol.get("id") not in buttons]
    result.check(not no_button, f"solutions without a toggle button: {no_button}")

    result.check(
        "google.colab" not in article.get_text(),
        "the Colab install cell is shown (tag it remove-cell)",
    )
    tracebacks = article.select("div.output.traceback, div.output.error")
    result.check(not tracebacks, f"{len(tracebacks)} error output(s) in the page")
    stderr = article.select("div.output.stderr")
    if stderr:
        result.warnings.append(f"{len(stderr)} stderr output(s) (warnings shown to readers)")
    terms = article.select("a[href*='glossary.html#term-']")
    result.facts["glossary_links"] = len(terms)
    if not terms:
        result.warnings.append("no glossary links")
    cites = article.select("a[href*='references.html#']")
    result.facts["citations"] = len(cites)


def check_intro(result: PageResult, soup: BeautifulSoup) -> None:
    article = soup.select_one("article") or soup
    hrefs = [a["href"] for a in article.select("a[href]")]
    for target in (
        "glossary.html",
        "references.html",
        "execution_times.html",
        "09_your_own_data.html",
    ):
        result.check(any(target in h for h in hrefs), f"no link to {target}")
    cites = [h for h in hrefs if "references.html#" in h]
    result.facts["citations"] = len(cites)
    result.check(bool(cites), "no resolved citation")


def check_glossary(result: PageResult, soup: BeautifulSoup) -> None:
    terms = soup.select("dl.glossary dt")
    result.facts["terms"] = len(terms)
    result.check(len(terms) >= 5, f"only {len(terms)} glossary term(s)")


def check_references(result: PageResult, soup: BeautifulSoup) -> None:
    entries = soup.select("div.citation, dl.citation > dt, .bibliography li")
    result.facts["entries"] = len(entries)
    result.check(len(entries) >= 1, "bibliography is empty")


def check_exec_table(result: PageResult, soup: BeautifulSoup, chapters: list[str]) -> None:
    table = next((t for t in soup.select("table") if "Run Time" in t.get_text()), None)
    if not result.check(table is not None, "no execution statistics table"):
        return
    rows = {}
    for tr in table.select("tbody tr"):
        cells = [td.get_text(strip=True) for td in tr.select("td")]
        if cells:
            rows[cells[0]] = cells
    result.facts["rows"] = len(rows)
    for chapter in chapters:
        name = chapter.removesuffix(".html")
        cells = rows.get(name)
        if result.check(cells is not None, f"{name} missing from the table"):
            result.check(cells[-1] == "✅", f"{name} did not execute cleanly: {cells}")


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------


def executed_pages() -> list[str]:
    """Pages the build executes: the dataset pages (MyST notebooks with code cells).

    The chapters are excluded from execution in ``_config.yml``: the book shows
    the outputs stored in ``chapters/*.ipynb``, which ``make test`` checks.
    """
    return sorted(
        f"data/{p.stem}.html"
        for p in (ROOT / "data").glob("*.md")
        if "```{code-cell}" in p.read_text(encoding="utf-8")
    )


def chapter_pages(html_dir: Path) -> list[str]:
    """Pages built from notebooks: ``chapters/X.html`` with a ``_sources/chapters/X.ipynb``."""
    return sorted(
        str(p.relative_to(html_dir))
        for p in (html_dir / "chapters").glob("*.html")
        if (html_dir / "_sources" / "chapters" / (p.stem + ".ipynb")).is_file()
    )


def run(args: argparse.Namespace) -> list[PageResult]:
    html_dir = args.html.resolve()
    if not (html_dir / "intro.html").is_file():
        sys.exit(
            f"check_book_html: {html_dir}/intro.html not found; build the book first (`make book`)."
        )
    chapters = chapter_pages(html_dir)
    if not chapters:
        sys.exit(f"check_book_html: no chapter pages under {html_dir}/chapters.")
    if args.pages:
        chapters = [c for c in chapters if any(p in c for p in args.pages)]
    extra = [
        p
        for p in ("intro.html", "glossary.html", "references.html", "execution_times.html")
        if (html_dir / p).is_file()
    ]
    missing_extra = {
        "intro.html",
        "glossary.html",
        "references.html",
        "execution_times.html",
    } - set(extra)

    browser = Browser(
        find_chromium(args.chromium), width=args.width, height=args.height, wait_ms=args.wait_ms
    )
    server, base = serve(html_dir)
    results = [
        PageResult(page=p, kind="missing", errors=["page not built"]) for p in sorted(missing_extra)
    ]
    try:
        for page in [*extra, *chapters]:
            kind = "chapter" if page in chapters else page.removesuffix(".html")
            result = PageResult(page=page, kind=kind)
            url = base + page
            try:
                dom, console = browser.dom(url)
            except (RuntimeError, subprocess.TimeoutExpired) as err:
                result.errors.append(str(err))
                results.append(result)
                continue
            soup = BeautifulSoup(dom, "html.parser")
            result.warnings += [f"console: {line}" for line in console]
            if kind == "chapter":
                check_chapter(
                    result,
                    soup,
                    html_dir,
                    url,
                    min_figures=args.min_figures,
                    min_exercises=args.min_exercises,
                )
            elif kind == "intro":
                check_intro(result, soup)
            elif kind == "glossary":
                check_glossary(result, soup)
            elif kind == "references":
                check_references(result, soup)
            elif kind == "execution_times":
                check_exec_table(result, soup, executed_pages())
            shot = args.screenshots / (page.removesuffix(".html").replace("/", "__") + ".png")
            size = browser.screenshot(url, shot)
            result.check(size > 10_000, f"screenshot {shot} missing or blank ({size} bytes)")
            result.screenshot = str(shot)
            results.append(result)
    finally:
        server.shutdown()
        browser.close()
    return results


def report(results: list[PageResult], out: Path) -> bool:
    ok = all(not r.errors for r in results)
    width = max(len(r.page) for r in results)
    for r in results:
        status = "ok  " if not r.errors else "FAIL"
        facts = ", ".join(f"{k}={v}" for k, v in r.facts.items())
        print(f"{status} {r.page:<{width}}  {facts}")
        for e in r.errors:
            print(f"     error: {e}")
        for w in r.warnings:
            print(f"     warning: {w}")
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(
        json.dumps([r.__dict__ for r in results], indent=2, default=str)
    )
    n_fail = sum(bool(r.errors) for r in results)
    print(f"\n{len(results)} page(s) checked, {n_fail} failed; screenshots in {out}/")
    return ok


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--html",
        type=Path,
        default=ROOT / "_build" / "html",
        help="built book (default: _build/html)",
    )
    parser.add_argument(
        "--screenshots",
        type=Path,
        default=ROOT / "screenshots",
        help="where PNGs go (default: screenshots/)",
    )
    parser.add_argument(
        "--chromium", help="Chromium executable (default: $CHROMIUM, then chromium on PATH)"
    )
    parser.add_argument(
        "--pages", nargs="*", help="only chapter pages whose path contains one of these strings"
    )
    parser.add_argument(
        "--min-figures", type=int, default=1, help="figures required per chapter (default 1)"
    )
    parser.add_argument(
        "--min-exercises", type=int, default=2, help="exercises required per chapter (default 2)"
    )
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1600)
    parser.add_argument(
        "--wait-ms",
        type=int,
        default=4000,
        help="virtual time for the page's scripts (default 4000)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return 0 if report(run(args), args.screenshots) else 1


if __name__ == "__main__":
    raise SystemExit(main())
