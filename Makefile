# Mustafid — two commands on a fresh machine:  make run   and   make test
# Everything the project needs is installed from here (and .ci/run for CI-only system packages).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
PRESET ?= aoun
# `make run` keeps one SQLite file per preset under var/, so trying all five never mixes them.
RUN_DATABASE_URL := $(if $(DATABASE_URL),$(DATABASE_URL),sqlite:///$(CURDIR)/var/demo-$(PRESET).sqlite3)

.PHONY: help install run migrate demo test test-fast messages bench bench-load bench-messages check clean

help:
	@echo "make run     install, migrate, load the demo association (PRESET=$(PRESET)) and serve on 127.0.0.1:$(PORT)"
	@echo "make test    the whole test suite (browser tests run when Chromium is installed, always in CI)"
	@echo "make messages  refresh and compile the English translation catalogue"
	@echo "make bench   generate BENCH_N (20000) beneficiaries through the import and measure (BENCH_DB: an empty PostgreSQL)"
	@echo "make bench-load  the same, then gunicorn (2 workers) under 20 concurrent users (reuses a filled BENCH_DB)"

$(PY):
	$(PYTHON) -m venv $(VENV)

# Re-install only when the pinned requirements change.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Lighthouse, for the portal's accessibility test (e2e/test_portal_accessibility.py): pinned by its lock file, run by
# Node with Debian's Chromium. Without npm the test is skipped on a workstation (CI installs Node: .ci/run).
LIGHTHOUSE := tools/lighthouse/node_modules/.package-lock.json
$(LIGHTHOUSE): tools/lighthouse/package.json tools/lighthouse/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix tools/lighthouse --ignore-scripts --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: Lighthouse is not installed (its test is skipped outside CI)"; fi

install: $(VENV)/.installed $(LIGHTHOUSE)

migrate: install
	@mkdir -p var
	DATABASE_URL=$(RUN_DATABASE_URL) DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput

demo: migrate
	DATABASE_URL=$(RUN_DATABASE_URL) DEBUG=$${DEBUG:-true} PORT=$(PORT) $(PY) manage.py load_demo --preset $(PRESET)

# The web server and, beside it, the background worker that sends the messages (each one written as a file
# under var/messages/ by the demo transport) and runs the reminders every minute. Ctrl+C stops both.
# The demo sends at any hour; a deployment keeps the quiet hours (22:00-07:00 Riyadh time, docs/operations.md).
RUN_ENV := DATABASE_URL=$(RUN_DATABASE_URL) DEBUG=$${DEBUG:-true} MESSAGE_QUIET_START=$${MESSAGE_QUIET_START:-0} MESSAGE_QUIET_END=$${MESSAGE_QUIET_END:-0}

run: demo
	@echo "Serving on http://127.0.0.1:$(PORT)/  (policy page: /policy/ — staff sign-in: /accounts/login/)"
	@echo "Messages to beneficiaries and staff appear in $(CURDIR)/var/messages/"
	$(RUN_ENV) $(PY) manage.py send_reminders --schedule
	@trap 'kill 0' INT TERM EXIT; \
	$(RUN_ENV) $(PY) manage.py db_worker --no-reload --interval 1 & \
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

check: install
	DEBUG=$${DEBUG:-true} $(PY) manage.py check
	DEBUG=$${DEBUG:-true} $(PY) manage.py makemigrations --check --dry-run

test: install check
	$(PY) -m pytest -q

test-fast: install
	$(PY) -m pytest -q -m "not browser"

messages: install
	bash scripts/translations.sh

# Not part of `make test`: minutes of generation. See README «Benchmarks» (BENCH_N, BENCH_DB, BENCH_SAMPLES).
bench: install
	$(PY) bench/run.py

bench-load: install
	$(PY) bench/run.py --load

# The outbox: messages/s with 1 and 2 worker processes, and step commit -> provider p50/p95 (a throw-away PostgreSQL DB).
bench-messages: install
	$(PY) bench/messages.py

clean:
	rm -rf var/demo-*.sqlite3 var/media var/static var/test
