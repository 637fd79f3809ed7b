# Two commands for readers: `make book` renders the book, `make test` tests it.
# Both create and reuse the virtual environment in .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

# The published datasets ship in data/real (hash-checked when read), so nothing
# is downloaded. To read other copies, set SEQ2EXPR_DATA_DIR to their folder.

.PHONY: venv lab lock book strict-book test test-elsewhere test-fast lint format data budget bench execute sync bench-scale bench-report browser-check clean

$(STAMP): requirements.txt requirements.lock pyproject.toml binder/postBuild binder/overrides.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	# JupyterLab defaults, as on Binder: the chapters' .md files open as notebooks
	PATH="$(abspath $(BIN)):$$PATH" bash binder/postBuild
	touch $(STAMP)

venv: $(STAMP)  ## create or update the virtual environment

lab: $(STAMP)  ## JupyterLab with the book's settings (chapters' .md open as notebooks)
	$(BIN)/jupyter lab

lock: $(STAMP)  ## recompile requirements.lock from pyproject.toml (then: make venv, make execute, make test)
	$(BIN)/uv pip compile --quiet pyproject.toml --all-extras --python-version 3.11.5 --universal \
		--custom-compile-command "make lock" -o requirements.lock $(LOCK_ARGS)

book: $(STAMP)  ## build the HTML book (executes changed notebooks)
	$(BIN)/jupyter-book build . -W -n --keep-going

strict-book: $(STAMP)  ## clean build from scratch, as CI does
	$(BIN)/jupyter-book clean --all .
	$(BIN)/jupyter-book build . -W -n --keep-going

test: $(STAMP)  ## unit tests, doctests and nbval over every chapter
	$(BIN)/pytest

test-elsewhere: $(STAMP)  ## re-execute the chapters as another CPU would (another BLAS kernel, no AVX2 paths, XLA at SSE4.2, 2 threads); outputs compared within the tolerance: make test-elsewhere [NB=chapters/10_cnn.ipynb]
	$(BIN)/python -m tools.elsewhere $(or $(NB),chapters)

# Bytecode caches on (git-ignored) even where the environment turns them off:
# without them every run recompiles and re-rewrites ~200 modules (about 5 s of CPU).
# One BLAS/OpenMP thread: on toy data extra threads only spin (about 7 s of CPU).
test-fast: $(STAMP)  ## unit tests and doctests only, without the slow ones (at most 30 s of CPU)
	PYTHONDONTWRITEBYTECODE= OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
	  $(BIN)/pytest tests helpers tools -m "not slow" -q

lint: $(STAMP)  ## ruff over helpers, tests, benchmarks and notebooks
	$(BIN)/ruff check helpers tests benchmarks tools chapters
	$(BIN)/ruff format --check helpers tests benchmarks tools
	$(BIN)/python -m tools.notebooks check
	$(BIN)/python -m tools.lockfile

format: $(STAMP)
	$(BIN)/ruff check --fix helpers tests benchmarks tools chapters
	$(BIN)/ruff format helpers tests benchmarks tools

data: $(STAMP)  ## regenerate the embedded dataset (byte-identical)
	$(BIN)/python -m helpers.simulate --out data

sync: $(STAMP)  ## carry a prose-only edit of a .md into its .ipynb (outputs kept): make sync NB=chapters/07_case_ecoli.md
	$(BIN)/python -m tools.notebooks sync $(NB)

execute: $(STAMP)  ## execute chapters from their .md source and sync the pair: make execute NB=chapters/03_kmer_encoding.md
	$(BIN)/python -m tools.notebooks execute $(or $(NB),chapters/[0-9]*.md)

budget: $(STAMP)  ## per-chapter time and memory budget, outputs compared with the stored ones
	$(BIN)/python benchmarks/check_determinism.py --list-only
	$(BIN)/python benchmarks/chapter_budget.py --check-outputs

bench: $(STAMP)  ## performance benchmarks (not tests)
	$(BIN)/python benchmarks/bench_kmers.py

bench-scale: $(STAMP)  ## Dask scale-out: 100k, 1M, 5M promoters on 1 and 2 workers, with the in-memory recipe (about 30 min)
	$(BIN)/python benchmarks/bench_scale.py

bench-report: $(STAMP)  ## the coursework template on published files and a 10,000 x 150-nt file (chapter 09 reads the result; re-execute it after)
	$(BIN)/python benchmarks/bench_report.py --published

browser-check: $(STAMP)  ## headless-Chromium check of _build/html (after make book)
	$(BIN)/python tests/browser/check_book_html.py

clean:
	$(BIN)/jupyter-book clean --all . || true
