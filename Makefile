# pku-eval: `make report` and `make test` are all a newcomer needs (each sets up .venv itself).
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DATA   ?=
JOBS   ?=
PYTEST_ARGS ?=

DATA_ARG := $(if $(DATA),--data $(DATA),)
JOBS_ARG := $(if $(JOBS),--jobs $(JOBS),)
FORCE_ARG := $(if $(FORCE),--force,)
ROOT_ARG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help setup lock demo-data validate report report-interim report-final reports-projects codebook test test-fast lab clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-17s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=23.2"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[test]"
	@touch $(STAMP)

setup: $(STAMP) ## create .venv and install the pinned packages (requirements.lock)

lock: ## re-pin: resolve pyproject.toml's ranges in a scratch venv and write requirements.lock
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/python -m pip install --quiet --upgrade "pip>=23.2"
	.lockvenv/bin/python -m pip install --quiet -e ".[test]"
	( echo "# Pinned by 'make lock' from the ranges in pyproject.toml ($$(date -u +%Y-%m-%d))."; \
	  .lockvenv/bin/python -m pip freeze --exclude-editable | sort -f ) > requirements.lock
	rm -rf .lockvenv

demo-data: $(STAMP) ## generate the demo data in data/demo/ (seeded, deterministic)
	$(BIN)/pku-eval demo-data --out data/demo

validate: $(STAMP) ## check a data directory against the contract (DATA=path, default demo)
	$(BIN)/pku-eval validate --data $(if $(DATA),$(DATA),data/demo)

report: $(STAMP) ## build the interim and final reports (DATA=path for real data; FORCE=1 re-runs all)
	$(BIN)/pku-eval build params/interim.yml params/final.yml $(DATA_ARG) $(JOBS_ARG) $(FORCE_ARG)

PROJECTS := klar ungjobb sortrondelag
reports-projects: $(STAMP) ## build interim and final reports per county project (reports/<stage>-<project>/)
	for p in $(PROJECTS); do \
	  $(BIN)/pku-eval build params/interim.yml params/final.yml --filter project=$$p \
	    $(DATA_ARG) $(JOBS_ARG) || exit 1; \
	done

codebook: $(STAMP) ## write the data dictionary (HTML + CSV, nb and en) to reports/codebook/
	$(BIN)/pku-eval codebook --language nb --out reports/codebook
	$(BIN)/pku-eval codebook --language en --out reports/codebook

report-interim: $(STAMP) ## build reports/interim/ only
	$(BIN)/pku-eval build params/interim.yml $(DATA_ARG) $(JOBS_ARG)

report-final: $(STAMP) ## build reports/final/ only
	$(BIN)/pku-eval build params/final.yml $(DATA_ARG) $(JOBS_ARG)

test: $(STAMP) ## run the whole test suite (unit, reference-value and end-to-end tests)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP) ## run the tests without the slow (end-to-end, large-data) ones
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

lab: $(STAMP) ## start JupyterLab on localhost (token-protected) in notebooks/
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --notebook-dir=notebooks --no-browser $(ROOT_ARG)

clean: ## remove build products the suite made (reports, caches); keeps .venv, data/ and anything else
	PYTHONPATH=src $(PYTHON) -m pku_eval.clean
	rm -rf .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
