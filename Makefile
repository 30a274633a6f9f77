# Two commands do everything on a fresh clone: `make book` and `make test`.
# Both create the virtual environment in .venv from the pinned requirements first.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Matplotlib's backend is left alone wherever a Jupyter kernel runs (book build, nbval, lab):
# the kernel's inline backend is what puts every figure on its page. Only the processes
# that never render (unit tests, benchmarks) use Agg.
HEADLESS := MPLBACKEND=Agg
unexport MPLBACKEND

.PHONY: book test lint unit notebooks site-ci browser lab env chromium clean bench paper results

## Build the website into _build/html, executing every notebook at the book scale.
book: $(STAMP)
	NONEQ_SCALE=book NONEQ_SLIDERS=static NONEQ_PROGRESS=0 \
	  $(BIN)/jupyter-book build . -W -n --keep-going

## Run every test: the linter, unit tests, every notebook (nbval, ci scale), then the browser check.
test: lint unit notebooks site-ci browser

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks book/_ext

unit: $(STAMP)
	$(HEADLESS) NONEQ_SCALE=ci $(BIN)/pytest -q -p no:cacheprovider -m "not browser" tests

notebooks: $(STAMP)
	NONEQ_SCALE=ci NONEQ_SLIDERS=live NONEQ_PROGRESS=0 NONEQ_REQUIRE_RESULTS=1 \
	  $(BIN)/pytest -q --nbval-lax -p no:cacheprovider book/

## The website at the ci scale, for the browser check (kept apart from the real build).
site-ci: $(STAMP)
	NONEQ_SCALE=ci NONEQ_SLIDERS=static NONEQ_PROGRESS=0 \
	  $(BIN)/jupyter-book build . -W -n --keep-going --path-output _build/ci -q

browser: $(STAMP) chromium
	NONEQ_SITE=_build/ci/_build/html NONEQ_REQUIRE_SITE=1 \
	  $(BIN)/pytest -q -p no:cacheprovider -m browser tests/test_site.py tests/test_lab_interrupt.py

## Open the book in JupyterLab (live sliders).
lab: $(STAMP)
	NONEQ_SCALE=book $(BIN)/jupyter lab $$( [ "$$(id -u)" = 0 ] && echo --allow-root ) book/

## Every paper-scale computation, as Dask tasks, into the results store $(STORE) (README "Paper scale").
## Resumable: each finished task is stored at once; run it again after an interruption to compute the rest.
## On the local cluster by default (one worker process per core); SCHEDULER=tcp://host:port (or
## NONEQ_SCHEDULER) uses a running scheduler instead.
STORE ?= sweeps
PAPER_FAMILIES ?= mass_transport phase_coexistence ising_chain
paper: $(STAMP)
	@for f in $(PAPER_FAMILIES); do \
	  $(HEADLESS) $(BIN)/python -m noneq.sweep $$f all --scale paper --store $(STORE) \
	    $(if $(SCHEDULER),--scheduler $(SCHEDULER)) || exit $$?; \
	done

## The committed summaries in $(RESULTS) (one file per figure, shown on the website), written
## from the full store $(STORE); runs the paper-scale tasks that are not stored yet first.
RESULTS ?= results
RESULTS_FIGURES ?= mass_transport:fig3 mass_transport:fig5 mass_transport:fig6 mass_transport:fig7 phase_coexistence:fig7 \
  phase_coexistence:fig8 phase_coexistence:large_n_selected phase_coexistence:large_n_noisy ising_chain:fig3
results: $(STAMP)
	@for ff in $(RESULTS_FIGURES); do \
	  $(HEADLESS) $(BIN)/python -m noneq.sweep $${ff%%:*} $${ff#*:} --scale paper --store $(STORE) \
	    --summarise $(RESULTS) $(if $(SCHEDULER),--scheduler $(SCHEDULER)) || exit $$?; \
	done

## Speed measurements (see benchmarks/).
bench: $(STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(HEADLESS) $(BIN)/python $$b || exit 1; done

env: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the pinned environment into $(VENV) (log: $(VENV)/install.log)"
	@{ $(BIN)/python -m pip install --disable-pip-version-check --upgrade pip && \
	   $(BIN)/python -m pip install --disable-pip-version-check -r requirements.txt; } \
	  > $(VENV)/install.log 2>&1 || { tail -n 40 $(VENV)/install.log; exit 1; }
	@touch $(STAMP)

## Debian's chromium for the browser check (installed once, quietly).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

clean:
	rm -rf _build
