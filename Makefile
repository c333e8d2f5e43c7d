# Two commands for a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app survey_app
PORT ?= 5000
export PORT

.PHONY: run test init serve lint bench clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Official administrative divisions (Etalab) and axe-core come from the npm
# registry; nothing is bundled or built.
node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

init: $(VENV)/.installed node_modules/.installed
	$(FLASK) init

run: init
	$(FLASK) demo --if-empty
	$(MAKE) serve

# The production server, exactly as the benches in bench/ launch it.
serve:
	$(VENV)/bin/gunicorn -c gunicorn.conf.py

# Lint first: a broken import contract or type error fails the build early.
test: lint node_modules/.installed
	$(PY) -m pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) node_modules
