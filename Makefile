# The two commands a newcomer runs: `make report` and `make test`.
# Each (re)creates .venv/ when it is missing or older than the lock file,
# pyproject.toml or setup.py: first exactly the versions of requirements.lock,
# then the project itself (editable, adding nothing: --no-deps).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements.lock
YEAR   ?= all
# What `make report` writes of each report: html, pdf, docx (comma-separated; the PDF needs Chromium).
FORMATS ?= html
# pip itself is not in the lock; this one installs it.
PIP_VERSION := 26.3
# `make lock` compiles the lock with this uv, in a venv of its own.
UV_VERSION  := 0.13.9
LOCK_VENV   := .venv-lock
LOCK_FLAGS  := --extra test --python-version 3.11 --python-platform x86_64-manylinux_2_28

.PHONY: setup browser report test fuzz lab lock clean

$(STAMP): $(LOCK) pyproject.toml setup.py
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet pip==$(PIP_VERSION)
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name juesuan --display-name "Python (juesuan)" >/dev/null
	touch $(STAMP)

setup: $(STAMP)

# Headless Chromium for the tests that read the HTML as a reviewer does, and for the PDF reports.
# Debian's packages (root, as on CI); Playwright drives them and never downloads a browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "make: the tests and PDF reports need Chromium; install the Debian packages as root: apt-get install chromium chromium-driver" >&2; exit 1; fi; \
	  echo "installing chromium (Debian packages chromium, chromium-driver)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

# The PDF is printed by Chromium: asking for it installs the browser first.
report: setup $(if $(findstring pdf,$(FORMATS)),browser)
	$(BIN)/juesuan report --year $(YEAR) --formats $(FORMATS)

test: setup browser
	$(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

# The property tests with random seeds and 25 times the examples (make test runs them derandomized).
fuzz: setup
	JUESUAN_FUZZ=1 $(BIN)/python -m pytest -q tests/test_properties.py tests/test_bad_inputs.py -k "test_properties or any_"

# JupyterLab refuses to run as root unless told; CI and these machines are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/department_report.ipynb

# Re-make requirements.lock after changing pyproject.toml's dependencies. It keeps
# the versions the lock already holds where it can; to move one on, e.g.
#   make lock LOCK_UPGRADE="--upgrade-package pandas"   (or LOCK_UPGRADE=--upgrade for all)
lock:
	test -x $(LOCK_VENV)/bin/uv || { $(PYTHON) -m venv $(LOCK_VENV) && \
	  $(LOCK_VENV)/bin/python -m pip install --quiet uv==$(UV_VERSION); }
	$(LOCK_VENV)/bin/uv pip compile pyproject.toml $(LOCK_FLAGS) $(LOCK_UPGRADE) \
	  --custom-compile-command "make lock  (uv pip compile pyproject.toml $(LOCK_FLAGS) -o $(LOCK))" \
	  -o $(LOCK)

clean:
	rm -rf $(VENV) $(LOCK_VENV) build outputs/[0-9]*
