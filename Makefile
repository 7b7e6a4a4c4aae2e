# The two commands a newcomer runs: `make report` and `make test`.
# Each creates .venv/ when it is missing or older than pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
YEAR   ?= latest

.PHONY: setup browser report test fuzz lab clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name juesuan --display-name "Python (juesuan)" >/dev/null
	touch $(STAMP)

setup: $(STAMP)

# Headless Chromium for the tests that read the HTML as a reviewer does.
# Debian's packages (root, as on CI); Playwright drives them and never downloads a browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "make: the tests need Chromium; install the Debian packages as root: apt-get install chromium chromium-driver" >&2; exit 1; fi; \
	  echo "installing chromium (Debian packages chromium, chromium-driver)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

report: setup
	$(BIN)/juesuan report --year $(YEAR)

test: setup browser
	$(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

# The property tests with random seeds and 25 times the examples (make test runs them derandomized).
fuzz: setup
	JUESUAN_FUZZ=1 $(BIN)/python -m pytest -q tests/test_properties.py tests/test_bad_inputs.py -k "test_properties or any_"

# JupyterLab refuses to run as root unless told; CI and these machines are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/department_report.ipynb

clean:
	rm -rf $(VENV) outputs/[0-9]*
