# INS'pir Events — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
CATALOGS := inspir_events/translations
export FLASK_APP := inspir_events

.PHONY: run test install install-test translations extract-messages update-messages lint bench bench-needs bench-events bench-teams bench-voting bench-voting-scaleout clean

# Set up everything, then serve on http://127.0.0.1:5000 (gevent).
run: install translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/python wsgi.py

# Set up with the test tools, lint, then the whole suite.
test: install-test translations
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(STAMP)

install: $(STAMP)
install-test: $(TEST_STAMP)

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

# Benchmarks (not tests): figures in bench/results/, see bench/README.md.
# `make bench` runs the quick mode of each (under ~3 minutes in all, results in *_quick.*);
# the bench-* targets run the full ones (about a minute each; QUICK=--quick for the quick one).
QUICK ?=
bench: install-test translations
	$(BIN)/python bench/needs_board.py --quick
	$(BIN)/python bench/events_feed.py --quick
	$(BIN)/python bench/live_voting.py --quick
	$(BIN)/python bench/teams_matching.py --quick

bench-needs: install translations
	$(BIN)/python bench/needs_board.py $(QUICK)

bench-events: install translations
	$(BIN)/python bench/events_feed.py $(QUICK)

bench-teams: install translations
	$(BIN)/python bench/teams_matching.py $(QUICK)

# aiohttp (the light websocket clients) comes with the test tools.
bench-voting: install-test translations
	$(BIN)/python bench/live_voting.py $(QUICK)

# PostgreSQL + Redis, two server processes (PG_URL, REDIS_URL; see bench/live_voting.py).
bench-voting-scaleout: install-test translations
	$(BIN)/python bench/live_voting.py --scale-out $(QUICK)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
