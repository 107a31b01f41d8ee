# Spine Metastasis Assistant. `make help` lists the targets.
# The two set-up commands from the README: `make run` and `make test`.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
RASA := $(BIN)/rasa
STAMPS := .stamps
SPACY_PIPELINE := build/spacy/en_spine_assistant
MODEL := models/spine.tar.gz

TRAINING_INPUTS := config.yml domain.yml $(shell find data knowledge extensions -type f \( -name '*.yml' -o -name '*.py' -o -name '*.txt' \) 2>/dev/null)

.DEFAULT_GOAL := help
.PHONY: help install spacy train run shell serve actions run-scaled test lint typecheck validate test-stories evaluate bench bench-scaled lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMPS)/installed: requirements.lock scripts/python310.sh
	@mkdir -p $(STAMPS)
	@PY310="$$(scripts/python310.sh)" && { [ -x $(PYTHON) ] && $(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' || "$$PY310" -m venv --clear $(VENV); }
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(PYTHON) -m pip check
	@touch $@

install: $(STAMPS)/installed ## Create the Python 3.10 venv and install the pinned dependencies

$(SPACY_PIPELINE)/meta.json: $(STAMPS)/installed data/knowledge/lexicon.yml scripts/build_spacy_pipeline.py knowledge/lexicon.py
	$(PYTHON) scripts/build_spacy_pipeline.py $(SPACY_PIPELINE)

spacy: $(SPACY_PIPELINE)/meta.json ## Build the project's spaCy pipeline from data/knowledge/lexicon.yml

# Retrains only when training inputs changed. --force because Rasa's cache does not
# see changes inside the spaCy pipeline folder.
$(MODEL): $(SPACY_PIPELINE)/meta.json $(TRAINING_INPUTS)
	$(RASA) train --force --fixed-model-name spine --out models

train: $(MODEL) ## Train the model (only when data, config or lexicon changed)

MODE ?= shell

run: $(MODEL) ## Set up everything, then chat in the terminal (MODE=serve: serve REST + socket.io)
	scripts/run_assistant.sh $(MODE)

shell: $(MODEL) ## Start the action server and open rasa shell
	scripts/run_assistant.sh shell

serve: $(MODEL) ## Start the action server and serve REST + socket.io on port 5005
	scripts/run_assistant.sh serve

actions: $(STAMPS)/installed ## Run only the action server (port 5055)
	$(RASA) run actions --actions actions

run-scaled: $(MODEL) ## PostgreSQL, Redis, RASA_SERVERS Rasa servers (2) and nginx in .scaled/; Ctrl-C stops
	$(PYTHON) -m evaluation.scaled_stack

lint: $(STAMPS)/installed ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMPS)/installed ## mypy on the Python packages
	$(BIN)/mypy

validate: $(STAMPS)/installed $(SPACY_PIPELINE)/meta.json ## rasa data validate
	$(RASA) data validate

test-stories: $(MODEL) ## rasa test core on the test stories in tests/stories
	$(RASA) test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors --out results/core

test: lint typecheck $(MODEL) ## Set up everything and run every check and test
	$(BIN)/pytest

evaluate: $(MODEL) ## Compare pipelines on the held-out set; writes reports/evaluation.md
	$(PYTHON) -m evaluation.compare --cross-validation

bench: $(MODEL) ## Latency, throughput, start-up, memory vs Rasa's default config; writes reports/benchmark.md
	$(PYTHON) -m evaluation.benchmark

bench-scaled: $(MODEL) ## Throughput and latency of 1 vs 2 Rasa servers behind nginx; writes reports/scaling.md
	$(PYTHON) -m evaluation.scaling_benchmark

lock: $(STAMPS)/installed ## Re-compile requirements.lock from requirements.in
	$(PYTHON) -m pip install --quiet uv==0.5.26
	$(BIN)/uv pip compile requirements.in --python-version 3.10 --exclude-newer 2025-02-01 --generate-hashes -o requirements.lock

clean: ## Remove the venv, builds, models and results
	rm -rf $(VENV) $(STAMPS) build results models/*.tar.gz .pytest_cache .mypy_cache .ruff_cache
