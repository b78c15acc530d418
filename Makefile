# Samling: `make run` sets everything up and serves the app; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.13 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test lint format messages compile venv clean bench

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 13) else "Samling needs Python 3.13 or newer (set PYTHON=/path/to/python3.13).")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo
	@echo "  Samling runs on http://127.0.0.1:$(PORT)/  (stop with Ctrl+C)"
	@echo "  Log in as the facilitator 'kursholder', HR 'hr' or the organisation's administrator"
	@echo "  'orgadmin', password 'samling-demo' (demo only). The operator 'drift' (same password)"
	@echo "  has the Django admin at /admin/ and belongs to no organisation."
	@echo
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(VENV)/bin/uvicorn config.asgi:application --host 127.0.0.1 --port $(PORT) --no-access-log

# In parallel, one process per core (pytest-xdist): each gets its own test database
# (test_<name>_gwN) and, with REDIS_URL, its own Redis database (tests/conftest.py).
TEST_WORKERS ?= auto
test: venv
	$(PY) -m pytest -n $(TEST_WORKERS)

# Benchmarks against real PostgreSQL and Redis (BENCH_DATABASE_URL, BENCH_REDIS_URL; defaults
# to the local servers). Not part of `make test`; figures land in tests/bench/out/, targets and
# the figures measured are in docs/performance.md.
bench: venv
	$(PY) tests/bench/fanout.py
	$(PY) tests/bench/poster.py
	$(PY) tests/bench/burst.py
	$(PY) -m pytest tests/bench/paths.py -p no:xdist -p no:randomly -q -s

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Needs GNU gettext (msgfmt). The compiled .mo files are committed, so `make run` does not.
messages: venv
	$(PY) manage.py makemessages --locale nb --locale nn --locale en --no-obsolete --ignore '.venv/*' --ignore 'tests/*'
	@# English is the source language: every msgstr is its msgid (makemessages' fuzzy guesses
	@# would otherwise survive as "translations").
	$(PY) -c 'import polib; po = polib.pofile("locale/en/LC_MESSAGES/django.po"); \
	[(setattr(e, "msgstr_plural", {0: e.msgid, 1: e.msgid_plural}) if e.msgid_plural else setattr(e, "msgstr", e.msgid), \
	  e.flags.remove("fuzzy") if "fuzzy" in e.flags else None, setattr(e, "previous_msgid", None), setattr(e, "previous_msgid_plural", None), setattr(e, "previous_msgctxt", None)) for e in po]; po.save()'
	@echo "Now translate the new nb and nn entries (tests/test_i18n.py lists them), then: make compile"

compile: venv
	$(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
