# newsflow: `make run` (everything, seeds ingested, serving) and `make test` (the whole suite).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test bench install clean

# (Re)install only when pyproject.toml changed since the last install (stamp file).
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==26.3
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/newsflow up

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	nice $(PY) bench/intake.py
	nice $(PY) bench/worker.py

clean:
	rm -rf var .pytest_cache
