# CM 101 Studio. `make serve` sets everything up and serves the course; `make test` sets
# everything up and runs all tests. Both create a local virtual environment in .venv.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8866
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: setup serve test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
	$(BIN)/pip install --quiet -e '.[test]' 2>&1 | grep -v '^WARNING: Location' || true
	$(BIN)/python -c "import cmsim, voila, nbgrader, ipywidgets, pytest, playwright"
	# matplotlib builds its font cache on first import (~10 s): do it now, not in a page load.
	MPLBACKEND=Agg $(BIN)/python -c "import matplotlib.pyplot"
	# Browser tests drive Debian's chromium (no browser download: only package registries).
	command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }
	touch $(STAMP)

setup: $(STAMP)

serve: setup
	$(BIN)/python -m cmcourse.serve --port=$(PORT) $(if $(NO_BROWSER),--no-browser,)

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python bench/bench_simulate.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
