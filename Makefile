# Entregent: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run setup test test-fast lint format typecheck check bench bench-search bench-search-quality bench-dedupe bench-imports bench-tend bench-method bench-opinions bench-synthesis bench-results lock messages clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "entregent needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

setup: $(STAMP)
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py demo --if-empty
	$(PY) manage.py rebuild_search_index --if-stale

# The site, the task worker and the scheduler, together; Ctrl-C stops all three.
run: setup
	@bin/run-all

# Unit tests on in-memory SQLite, then the tests that need a file database (worker,
# scheduler, browser, concurrent writers). With DATABASE_URL set, both run on that database.
test: $(STAMP)
	@mkdir -p var
	$(BIN)/pytest -m "not filedb" -q
	SQLITE_TEST_PATH=var/test-filedb.sqlite3 $(BIN)/pytest -m filedb -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP)
	$(BIN)/mypy entregent bench

check: lint typecheck
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

bench: $(STAMP)
	$(PY) bench/pages.py
	$(PY) bench/search.py
	$(PY) bench/search_quality.py
	$(PY) bench/dedupe.py
	$(PY) bench/imports.py
	$(PY) bench/tend.py
	$(PY) bench/method.py
	$(PY) bench/opinions.py
	$(PY) bench/synthesis.py
	$(PY) bench/results.py

# Search speed at 10,000 and 100,000 contacts; search quality on held-out ESCO labels (reads
# ../shared/data/esco at bench time only). See docs/benchmarks.md.
bench-search: $(STAMP)
	$(PY) bench/search.py

bench-search-quality: $(STAMP)
	$(PY) bench/search_quality.py

bench-dedupe: $(STAMP)
	$(PY) bench/dedupe.py

bench-imports: $(STAMP)
	$(PY) bench/imports.py

# The tend page and the progress report at 1,000 and 10,000 contacts. See docs/benchmarks.md.
bench-tend: $(STAMP)
	$(PY) bench/tend.py

# A step's page with 500 comments and 20,000 votes, against 50 and 2,000. See docs/benchmarks.md.
bench-method: $(STAMP)
	$(PY) bench/method.py

# `manage.py analyze_votes` on a real Polis conversation (canadian-electoral-reform).
bench-opinions: $(STAMP)
	$(PY) bench/opinions.py

# The synthesis workspace with 500 participants and 200 statements, the analysis cached.
bench-synthesis: $(STAMP)
	$(PY) bench/synthesis.py

# The results page and results.json with 2,000 adopters over 10 versions.
bench-results: $(STAMP)
	$(PY) bench/results.py

# Regenerate the French catalogue and its compiled form, both committed (needs GNU gettext; set-up does not).
messages: $(STAMP)
	$(PY) manage.py makemessages -l fr --no-obsolete --ignore=.venv --ignore=var --ignore=bench --ignore=entregent/imports/tests/data
	$(PY) manage.py compilemessages --ignore=.venv

lock:
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock.tmp
	printf '%s\n%s\n' '# Exact versions of every dependency (runtime and development), from `pip freeze`.' '# Regenerate after changing pyproject.toml: make lock' | cat - requirements.lock.tmp > requirements.lock
	rm requirements.lock.tmp

clean:
	rm -rf $(VENV) var
