# WSIS Monitor: the two commands are `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test setup setup-test lint build serve clean node-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP) $@

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
