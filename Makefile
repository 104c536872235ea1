# newsflow: `make run` (everything, seeds ingested, serving), `make test` (the whole suite),
# `make check` (the unit tier, seconds).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test check bench install clean

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

# The fast tier for your own loop: unit tests only (no Redis, no models, no subprocess).
check: $(STAMP)
	$(PY) -m pytest -q -m unit

bench: $(STAMP)
	nice $(PY) bench/intake.py --rounds 3
	nice $(PY) bench/latency.py
	nice $(PY) bench/worker.py

clean:
	rm -rf var .pytest_cache
