# debttrap: `make demo` runs the main job, `make test` runs the tests.
# Both create .venv if it is missing; demo installs the package alone, test adds the test tools.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_STAMP := $(VENV)/.installed-demo
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test lint bench smoke clean

$(BIN)/python:
	@echo "debttrap: creating the virtual environment $(VENV) ..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	@echo "debttrap: installing debttrap and what it needs (numpy, pandas, pydantic, plotly, ...) into $(VENV); the first time takes a minute ..."
	$(BIN)/python -m pip install --quiet --progress-bar off -e .
	touch $(DEMO_STAMP)

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	@echo "debttrap: installing debttrap with its test tools (pytest, hypothesis, QuantLib, mypy, ruff, ...) into $(VENV) ..."
	$(BIN)/python -m pip install --quiet --progress-bar off -e ".[test]"
	touch $(TEST_STAMP) $(DEMO_STAMP)

DEMO_OUT ?= demo-report

demo: $(DEMO_STAMP)
	COLUMNS=$${COLUMNS:-160} $(BIN)/debttrap assess examples/syria-2025.toml --out $(DEMO_OUT)
	@echo "Open $(DEMO_OUT)/report.html in a browser (machine-readable: $(DEMO_OUT)/assessment.json)."

test: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/mypy
	$(BIN)/python -m pytest -m "not slow"

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/mypy

bench: $(TEST_STAMP)
	for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# A plain `pip install .` (no extras) in a throw-away venv must give a working command.
smoke:
	bash tools/smoke_plain_install.sh

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info $(DEMO_OUT)
