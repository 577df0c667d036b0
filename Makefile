# WSIS Monitor: the two commands are `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test setup setup-test lint lock build serve clean node-deps

RUN_LOCK := requirements/run.lock
TEST_LOCK := requirements/test.lock
# Installs come from the lock files (every package pinned with its hashes, build backend included); the
# project itself goes in without dependencies and without build isolation, so nothing unpinned is fetched.
PIP_LOCKED = $(BIN)/pip install -q --require-hashes --no-deps -r

$(STAMP): pyproject.toml $(RUN_LOCK)
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(PIP_LOCKED) $(RUN_LOCK)
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(TEST_LOCK)
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(PIP_LOCKED) $(TEST_LOCK)
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP) $@

## make lock: re-resolve both lock files after a change to the dependencies in pyproject.toml (needs uv).
UV ?= uv
UV_COMPILE = $(UV) pip compile pyproject.toml requirements/build.in --universal --python-version 3.11 --generate-hashes -q
lock:
	$(UV_COMPILE) --extra test -o $(TEST_LOCK)
	$(UV_COMPILE) -c $(TEST_LOCK) -o $(RUN_LOCK)

setup: $(STAMP) node-deps
setup-test: $(TEST_STAMP) node-deps

# world-atlas (Natural Earth 110m TopoJSON) and axe-core come from the npm registry.
node-deps: node_modules/.installed
node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	touch $@

## make run: set up, build a release from the offline mirror, then serve the dashboard on 127.0.0.1:8000.
run: setup
	$(BIN)/wsis build
	$(BIN)/wsis serve

## make test: set up with the test extras and run the whole suite.
test: setup-test
	$(BIN)/python -m pytest -q

## make lint: ruff, and the import-linter contracts of the layer map (pyproject.toml, docs/architecture.md).
lint: setup-test
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) var node_modules
