# Every target works from a fresh clone: the ones that need tools depend on `install`, which is idempotent.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp
NODE_STAMP := tools/node_modules/.install-stamp
EXTRAS := cli,server,progress,images,formats,speedups,torch,hf,ray,dev
# Exactly this torch in the test environment: it installs as a CPU build of about 190 MB here, while an unpinned
# or newer one pulls a CUDA build of several GB (issue 19). Named in the same pip call, so nothing can move it.
TORCH_PIN := torch==2.13.0
# Exactly this Ray in the test environment (pictograph.ray is tested against it; it adds about 20 s to an install).
RAY_PIN := ray[data]==2.60.0
PYTEST_WORKERS ?= auto

.PHONY: install generate unasync lint test stress demo bench clean

install: $(STAMP) $(NODE_STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed: run make PYTHON=python3.11 ...")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[$(EXTRAS)]' '$(TORCH_PIN)' '$(RAY_PIN)'
	@touch $@

$(NODE_STAMP): tools/package.json tools/package-lock.json
	cd tools && npm ci --silent --no-audit --no-fund
	@touch $@

generate: $(STAMP)
	scripts/generate

unasync: $(STAMP)
	$(BIN)/python scripts/unasync.py

lint: install
	$(BIN)/ruff check pictograph scripts tests bench
	$(BIN)/mypy

test: install lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q -m "not stress"

stress: install
	$(BIN)/python tests/stress/report.py

demo: install
	$(BIN)/python examples/demo.py

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) tools/node_modules .mypy_cache .ruff_cache .pytest_cache
