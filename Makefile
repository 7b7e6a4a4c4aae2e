# The two commands a newcomer runs: `make report` and `make test`.
# Each creates .venv/ when it is missing or older than pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
YEAR   ?= latest

.PHONY: setup report test lab clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name juesuan --display-name "Python (juesuan)" >/dev/null
	touch $(STAMP)

setup: $(STAMP)

report: setup
	$(BIN)/juesuan report --year $(YEAR)

test: setup
	$(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

lab: setup
	$(BIN)/jupyter lab notebooks/department_report.ipynb

clean:
	rm -rf $(VENV) outputs/[0-9]*
