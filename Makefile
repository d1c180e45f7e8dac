# CM 101 Studio. `make serve` sets everything up and serves the course; `make test` sets
# everything up and runs all tests. Both create a local virtual environment in .venv.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8866
# Kernels kept waiting for the course app, each with every page read ahead (README: "How fast
# a page opens"; PREHEAT=0 starts every kernel on request; a room of 30: PREHEAT=30).
PREHEAT ?= 1
# Shared laptops: sign a trainee out after this many idle minutes (0: personal devices).
SHARED_MINUTES ?= 0
export PATH := $(abspath $(BIN)):$(PATH)

# The slow suites (browser, hub, nbgrader, servers, notebook execution): `make test` runs them,
# `make check` does not.
SLOW   := browser or hub or nbgrader or server or notebooks

.PHONY: setup serve classroom test check lint lock audit bench clean hub hub-accounts grade moodle-xml \
  scorm

# Python packages come from requirements.lock: every package pinned with its hashes, so a fresh
# machine next year installs what was tested. pip brings only uv (pinned by hash), which installs
# the lock in seconds; `make lock` writes the lock again after pyproject.toml changes.
# --compile-bytecode as pip does: with PYTHONDONTWRITEBYTECODE set (as on these machines) every
# kernel would otherwise compile Jupyter from source again (0.4 s more per kernel start).
$(STAMP): pyproject.toml requirements.lock requirements-bootstrap.lock hub/package-lock.json \
  tests/scorm/package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements-bootstrap.lock 2>&1 \
	  | grep -v '^WARNING: Location' || true
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes --compile-bytecode \
	  -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -c "import cmsim, voila, nbgrader, ipywidgets, pytest, playwright"
	# matplotlib builds its font cache on first import (~10 s): do it now, not in a page load.
	MPLBACKEND=Agg $(BIN)/python -c "import matplotlib.pyplot"
	# Browser tests drive Debian's chromium (no browser download: only package registries).
	command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }
	# Grading runs trainees' notebooks in a bubblewrap sandbox (Debian's bubblewrap).
	command -v bwrap >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq bubblewrap; }
	# The workshop hub: JupyterHub, and its HTTP proxy from the npm registry (pinned by the lock).
	$(BIN)/python -c "import jupyterhub, jupyterhub_idle_culler"
	cd hub && npm ci --no-audit --no-fund --loglevel=error
	# The SCORM package's tests: a real SCORM 1.2 runtime (scorm-again) and the SCORM 1.2 schemas.
	cd tests/scorm && npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

setup: $(STAMP)

# The workshop hub on http://127.0.0.1:$(HUB_PORT), run as root (each trainee's server runs as
# their own system account). Accounts first: sudo make hub-accounts ACCOUNTS=my-workshop.yaml
HUB_PORT ?= 8000
hub: setup
	CM101_HUB_PORT=$(HUB_PORT) $(BIN)/jupyterhub -f hub/jupyterhub_config.py

hub-accounts: setup
	$(BIN)/python hub/accounts.py create $(ACCOUNTS)

# Grade an assignment's collected submissions (nbgrader autograde, from workshop/): every
# trainee's notebook runs in the grading sandbox (cmcourse/assignments/sandbox.py), never as
# root or as the trainer. e.g. sudo make grade ASSIGNMENT=module1
grade: setup
	@test -n "$(ASSIGNMENT)" || { echo "Which assignment? e.g. make grade ASSIGNMENT=module1"; exit 2; }
	$(BIN)/python -m cmcourse.assignments.sandbox --check
	cd workshop && nbgrader autograde $(ASSIGNMENT)

serve: setup
	$(BIN)/python -m cmcourse.core.serve --port=$(PORT) --preheat=$(PREHEAT) \
	  --shared-minutes=$(SHARED_MINUTES) $(if $(NO_BROWSER),--no-browser,)

# A room's course on one laptop, no root: served on the room's network, sign-in from the class
# list only, at most MAX_TRAINEES at once; it prints the address and a QR code to show.
MAX_TRAINEES ?= 40
classroom: setup
	$(BIN)/python -m cmcourse.core.serve --classroom --port=$(PORT) --preheat=$(PREHEAT) \
	  --max-trainees=$(MAX_TRAINEES) --shared-minutes=$(SHARED_MINUTES) --no-browser

# The question bank as Moodle XML, for a trainer to import into Moodle (README: "The question
# bank in Moodle").
moodle-xml: setup
	mkdir -p build
	$(BIN)/cm101 export moodle-xml --out build/cm101-question-bank.xml

# The course's three modules as one SCORM 1.2 package, for Moodle, Kaya or any platform that
# plays SCORM 1.2 (README: "CM 101 on a learning platform"); it prints its size.
scorm: setup
	mkdir -p build
	$(BIN)/cm101 export scorm --out build/cm101-scorm12.zip

# Lint, formatting, types, the layers, and the fast tests: under a minute.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

check: lint
	$(BIN)/python -m pytest -q -n auto -m "not ($(SLOW))"

# All of `check`, then every suite, the slow ones included.
test: lint
	$(BIN)/python -m pytest

lock: setup
	$(BIN)/uv pip compile --quiet pyproject.toml --extra test --generate-hashes --universal \
	  --python-version 3.11 -o requirements.lock

# Known vulnerabilities of the packages in requirements.lock (pip-audit, tools/audit.py): fails
# on one not accepted with its reason in tools/audit-ignore.toml, and when pip-audit itself
# cannot run (exit 2). With no advisory database reachable (no internet), or one without
# advisories (it does not flag a known one), it says that nothing was checked, and does not fail.
audit: setup
	$(BIN)/python tools/audit.py

bench: setup
	$(BIN)/python bench/bench_simulate.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
