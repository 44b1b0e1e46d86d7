# debttrap: `make demo` runs the main job, `make test` runs the tests.
# Both create .venv if it is missing and install the package with what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

DEMO_OUT ?= demo-report

demo: $(STAMP)
	COLUMNS=$${COLUMNS:-160} $(BIN)/debttrap assess examples/syria-2025.toml --out $(DEMO_OUT)
	@echo "Open $(DEMO_OUT)/report.html in a browser (machine-readable: $(DEMO_OUT)/assessment.json)."

test: $(STAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/mypy
	$(BIN)/python -m pytest -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/mypy

bench: $(STAMP)
	for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info $(DEMO_OUT)
