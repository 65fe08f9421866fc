# Serverless CSV ETL pipeline: every command a user or CI runs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Lambda runs Python 3.13, so the tools and tests do too; fall back to python3 where 3.13 is absent.
PYTHON ?= $(shell for p in python3.13 $$(ls -d /root/.pyenv/versions/3.13*/bin/python3.13 2>/dev/null) python3; do $$p -c "import sys; sys.exit(sys.version_info < (3, 13))" 2>/dev/null && { echo $$p; break; }; done || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
CHECKOV_VENV := .venv-checkov
UV_VERSION := 0.13.9

# Deployment settings (override on the command line: `make deploy STACK_NAME=... EMAIL=...`).
STACK_NAME ?= csv-etl
STAGE ?= prod
EMAIL ?=
# ProjectName prefixes the bucket, function and state machine names: 3-21 of [a-z0-9-].
PROJECT ?= $(STACK_NAME)
# Further root template parameters, e.g. PARAMS="MaxInvalidRowRatio=0.01 SourceTimezone=Europe/Berlin".
PARAMS ?=
# YES=1 skips the confirmation prompt of `make destroy`.
YES ?=
REGION ?= $(or $(AWS_REGION),$(AWS_DEFAULT_REGION),us-east-1)
INPUT ?=
# `make local`: seconds to wait for the outcomes once uploaded (default: from file count and size).
TIMEOUT ?=
# `make status`: one file's full history (FILE=raw/x.csv), a window (SINCE=24h, 7d, ISO time), JSON=1.
FILE ?=
SINCE ?=
JSON ?=
# `make fuzz`: how many generated files, from which seed.
FILES ?= 3000
SEED ?= 1
# `make unit`: pytest-xdist workers (auto: one per core; 0: no workers).
UNIT_JOBS ?= auto

# --compile-bytecode: the packages' .pyc are written once here, as the Lambda layer ships them
# (tools/build_layer.py). Without them every fresh interpreter compiles what it imports
# again where bytecode is not cached (PYTHONDONTWRITEBYTECODE, a read-only tree): polars'
# import took 0.44 s instead of 0.15 s, which the benchmark and every test subprocess paid.
$(VENV)/.installed: requirements/dev.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@$(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) --no-deps -r requirements/dev.lock
	@touch $@

$(CHECKOV_VENV)/.installed: requirements/checkov.lock
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	@$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@$(CHECKOV_VENV)/bin/uv pip install --quiet --python $(CHECKOV_VENV)/bin/python --no-deps -r requirements/checkov.lock
	@touch $@

$(VENV)/.bench-installed: $(VENV)/.installed requirements/bench.lock
	@$(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) --no-deps -r requirements/bench.lock
	@touch $@

# The core's C routines (every .c file of functions/core/native), built for this machine
# (tools/build_native.py; the function zips carry Lambda's arm64 build). Every target that
# runs the core depends on it.
NATIVE := functions/core/native/_native.so
$(NATIVE): $(wildcard functions/core/native/*.c) functions/core/native/arrow.h tools/build_native.py | $(VENV)/.installed
	@$(PY) -m tools.build_native

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: venv
venv: $(VENV)/.installed ## Create .venv from the pinned lock (every other target does this itself)

.PHONY: native
native: $(NATIVE) ## Build the core's C routines for this machine (functions/core/native)

.PHONY: templates
templates: $(VENV)/.installed ## Render every CloudFormation template into templates/
	$(PY) generate.py

.PHONY: lint
lint: $(VENV)/.installed $(CHECKOV_VENV)/.installed lock-check ## ruff, mypy, template drift, cfn-lint, checkov, lock freshness
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) generate.py --check
	$(VENV)/bin/cfn-lint --include-checks I --format parseable -- templates/*.json
	$(CHECKOV_VENV)/bin/checkov --quiet --compact --framework cloudformation --directory templates --skip-download

.PHONY: test
test: lint unit e2e ## Everything CI runs: lint, then the unit suite, then the end-to-end suite

.PHONY: unit
# The unit suite includes the benchmark's agreement test (baselines vs the core): bench extras.
unit: $(VENV)/.bench-installed $(NATIVE) ## Unit, template and emulator-bridge tests (ARGS="-k name" to narrow)
	$(PY) -m pytest --ignore=tests/e2e -n $(UNIT_JOBS) $(ARGS)

.PHONY: e2e
# Its own process: the emulator patches moto process-wide, which no unit test may see.
e2e: $(VENV)/.installed $(NATIVE) ## End-to-end tests: the deployed pipeline on the embedded emulator (ARGS=...)
	$(PY) -m pytest tests/e2e $(ARGS)

.PHONY: fuzz
fuzz: $(VENV)/.installed $(NATIVE) ## Differential fuzzing: the core against the reference of the data contract (FILES=3000 SEED=1)
	$(PY) -m tests.functions.core.fuzz --files $(FILES) --seed $(SEED)

.PHONY: format
format: $(VENV)/.installed ## Apply ruff formatting and safe fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

.PHONY: package-functions
package-functions: $(VENV)/.installed ## Build the deterministic function zips and the polars layer under build/
	$(PY) -m tools.build_functions

.PHONY: package
package: package-functions ## Upload code and nested templates to the artifacts bucket; write build/packaged-root.json
	$(PY) -m tools.package --stack-name $(STACK_NAME) --region $(REGION)

.PHONY: bootstrap
bootstrap: $(VENV)/.installed ## Create the artifacts bucket stack (once per account and region)
	$(PY) -m tools.deploy bootstrap --stack-name $(STACK_NAME) --region $(REGION)

.PHONY: deploy
deploy: package ## Deploy or update: make deploy STACK_NAME=csv-etl STAGE=prod EMAIL=ops@example.com [PARAMS="K=V ..."]
	$(PY) -m tools.deploy deploy --stack-name $(STACK_NAME) --stage $(STAGE) --email "$(EMAIL)" --region $(REGION) \
		--parameter ProjectName=$(PROJECT) $(foreach p,$(PARAMS),--parameter $(p))

.PHONY: destroy
destroy: $(VENV)/.installed ## Delete the pipeline stack (the data bucket and table are retained)
	$(PY) -m tools.deploy destroy --stack-name $(STACK_NAME) --region $(REGION) $(if $(YES),--yes)

.PHONY: redrive
redrive: $(VENV)/.installed ## Replay every function's DLQ (validation, sweeper) to its function, deleting each message once replayed
	$(PY) -m tools.redrive --stack-name $(STACK_NAME) --region $(REGION)

# `make replay`: which failed uploads (one of FILE=raw/<key>, PREFIX=raw/<folder>/, SINCE=<ISO time>).
FILE ?=
PREFIX ?=
SINCE ?=

.PHONY: replay
replay: $(VENV)/.installed ## Re-run FAILED uploads once fixed: FILE=raw/x.csv | PREFIX=raw/dir/ [SINCE=2026-12-01] [YES=1] (docs/pipeline.md §9)
	$(PY) -m tools.replay --stack-name $(STACK_NAME) --region $(REGION) \
		$(if $(FILE),--file "$(FILE)") $(if $(PREFIX),--prefix "$(PREFIX)") $(if $(SINCE),--since "$(SINCE)") $(if $(YES),--yes)

.PHONY: local
local: $(VENV)/.installed $(NATIVE) ## Run the whole pipeline on the embedded emulator (INPUT=file-or-folder, default samples/; TIMEOUT=s)
	@$(PY) -m tools.local $(if $(INPUT),--input "$(INPUT)") $(if $(TIMEOUT),--timeout $(TIMEOUT))

.PHONY: status
status: $(VENV)/.installed ## Recent uploads and their attempts from the metadata table, flagging what does not add up (FILE= SINCE= JSON=1)
	@$(PY) -m tools.status --stack-name $(STACK_NAME) --region $(REGION) $(if $(FILE),--file "$(FILE)") $(if $(SINCE),--since "$(SINCE)") $(if $(JSON),--json)

.PHONY: chaos
SEED ?= 1
FILES ?= 200
FAULT_RATE ?= 0.1
chaos: $(VENV)/.installed $(NATIVE) ## Uploads under random AWS faults, one invariant verdict each (SEED= FILES= FAULT_RATE=)
	$(PY) -m tools.chaos --seed $(SEED) --files $(FILES) --fault-rate $(FAULT_RATE)

.PHONY: bench
bench: $(VENV)/.bench-installed $(NATIVE) ## Benchmark the data path against csv, pandas and DuckDB (BENCH_ARGS=--big for 20M rows)
	$(PY) -m bench.run $(BENCH_ARGS)

.PHONY: clean
clean: ## Remove build outputs and local run results (keeps the virtualenvs)
	rm -rf build out .pytest_cache .mypy_cache .ruff_cache $(NATIVE)

LOCKS := dev bench checkov layer

.PHONY: lock
lock: $(VENV)/.installed ## Re-resolve the pinned locks from requirements/*.in
	cd requirements && for f in $(LOCKS); do ../$(VENV)/bin/uv pip compile $$f.in --python-version 3.13 -o $$f.lock; done

UV_COMPILE = $(CURDIR)/$(VENV)/bin/uv pip compile --python-version 3.13 --quiet

.PHONY: lock-check
# Re-resolves each .in in a scratch copy with its lock as the preference: an up-to-date lock
# comes back unchanged, a lock missing (or still holding) a requirement of its .in does not.
# From uv's cache when it has every pin (2 s), else from PyPI (~40 s on a cold machine). The
# header line naming the compile command is left out of the comparison.
lock-check: $(VENV)/.installed ## Fail when a lock is stale against its .in (run `make lock`)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && cp requirements/*.in requirements/*.lock "$$tmp"/ && \
	for f in $(LOCKS); do \
	  (cd "$$tmp" && { $(UV_COMPILE) $$f.in -o $$f.lock --offline 2>/dev/null || $(UV_COMPILE) $$f.in -o $$f.lock; }) || exit 1; \
	  if ! stale=$$(diff <(grep -v '^#    uv pip compile' requirements/$$f.lock) <(grep -v '^#    uv pip compile' "$$tmp/$$f.lock")); then \
	    echo "requirements/$$f.lock is stale against requirements/$$f.in: run \`make lock\` and commit it"; \
	    echo "$$stale" | head -20; exit 1; fi; \
	done; echo "locks up to date: $(LOCKS)"
