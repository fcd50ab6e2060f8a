# dechaff — developer entry points. Every target sets itself up through `make install`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DECHAFF := $(VENV)/bin/dechaff
STAMP := $(VENV)/.installed
DATA ?= ../shared/data
BENCH_OUT ?= /tmp/dechaff-bench

.PHONY: install demo test lint typecheck bench bench-quick clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	touch $(STAMP)

demo: install
	$(PY) -m dechaff.demo

test: install lint typecheck
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check src tests

typecheck: install
	$(VENV)/bin/mypy

bench: install
	$(DECHAFF) bench --dataset $(DATA)/aeb --dataset $(DATA)/wcxb-dev --dataset $(DATA)/dragnet \
		--extractor dechaff --extractor trafilatura --out $(BENCH_OUT) --write-benchmarks BENCHMARKS.md

bench-quick: install
	$(DECHAFF) bench --dataset $(DATA)/aeb --dataset $(DATA)/wcxb-dev --dataset $(DATA)/dragnet \
		--extractor dechaff --extractor trafilatura --limit 40 --out $(BENCH_OUT)-quick

clean:
	rm -rf $(VENV) build dist src/*.egg-info .mypy_cache .pytest_cache .ruff_cache
