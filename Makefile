# dechaff — developer entry points. Every target sets itself up through `make install`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DECHAFF := $(VENV)/bin/dechaff
STAMP := $(VENV)/.installed
DATA ?= ../shared/data
BENCH_OUT ?= /tmp/dechaff-bench
# worker processes for bench runs: the 2 cores of the reference machine
BENCH_JOBS ?= 2
# pages per set in bench-quick: a fixed sample that runs in under two minutes
BENCH_QUICK_PAGES ?= 40

.PHONY: install demo test lint typecheck bench bench-quick clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,bench,corpus,ray]"
	touch $(STAMP)

demo: install
	$(PY) -m dechaff.demo

test: install lint typecheck
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check src tests

typecheck: install
	$(VENV)/bin/mypy

# Every installed extractor (the default) on the three shared sets; pages shared out to
# BENCH_JOBS worker processes, each timing every extractor on its own pages.
bench: install
	$(DECHAFF) bench --dataset $(DATA)/aeb --dataset $(DATA)/wcxb-dev --dataset $(DATA)/dragnet \
		--jobs $(BENCH_JOBS) --out $(BENCH_OUT) --write-benchmarks BENCHMARKS.md

# The same on a fixed sample: the first BENCH_QUICK_PAGES page ids of each set.
bench-quick: install
	$(DECHAFF) bench --dataset $(DATA)/aeb --dataset $(DATA)/wcxb-dev --dataset $(DATA)/dragnet \
		--jobs $(BENCH_JOBS) --limit $(BENCH_QUICK_PAGES) --out $(BENCH_OUT)-quick

clean:
	rm -rf $(VENV) build dist src/*.egg-info .mypy_cache .pytest_cache .ruff_cache
