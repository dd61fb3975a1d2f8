# mstool: `make demo` and `make test` set everything up on a fresh machine.
# They install the exact versions in requirements.lock (what CI tested), then mstool itself,
# editable, without touching those pins. `make lock` regenerates the lock at the newest versions
# pyproject.toml allows; commit it when `make test` passes with it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock

.PHONY: demo test quick lint install lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml setup.py $(LOCK)
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e ".[all,dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	MSTOOL_PYTHON=$(BIN)/python bash scripts/demo.sh

test: $(STAMP)
	$(BIN)/python -m pytest -n auto -q tests
	$(BIN)/python -m pytest -n auto -q --doctest-modules toolkit schemas cli

# A fast subset (a few minutes on 2 cores) for local runs; CI runs everything.
quick: $(STAMP)
	$(BIN)/python -m pytest -q -m quick tests

lint: $(STAMP)
	$(BIN)/ruff check .

# Resolve `.[all,dev]` afresh in a throw-away venv and write every installed version to the lock.
lock:
	@set -e; tmp=$$(mktemp -d); \
	$(PYTHON) -m venv $$tmp/venv; \
	$$tmp/venv/bin/python -m pip install --quiet --upgrade pip; \
	$$tmp/venv/bin/python -m pip install --quiet ".[all,dev]"; \
	{ echo "# Exact versions CI and \`make test\` install (Linux, Python $$($$tmp/venv/bin/python -c 'import sys; print(*sys.version_info[:2], sep=".")')): \`make lock\` writes this file."; \
	  echo "# Dependency ranges for users stay in pyproject.toml."; \
	  $$tmp/venv/bin/python -m pip freeze --exclude mstool; } > $(LOCK).tmp; \
	mv $(LOCK).tmp $(LOCK); rm -rf $$tmp; \
	echo "wrote $(LOCK) ($$(grep -vc '^#' $(LOCK)) packages)"

clean:
	rm -rf $(VENV) build *.egg-info demo-out
