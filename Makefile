# Samen Oplopen platform — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app saas.app:create_app
STAMP  := $(VENV)/.installed
PORT   ?= 5000
HOST   ?= 127.0.0.1
URL    := http://$(HOST):$(PORT)

.PHONY: run test test-dates lint i18n i18n-extract i18n-update compile bench install migrate seed

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP) compile

compile: $(STAMP)  ## compile the translation catalogues (.mo files are never committed)
	$(BIN)/pybabel compile -d translations

migrate: install
	mkdir -p instance
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) demo seed

run: seed  ## install, migrate, seed the demo and serve it on http://127.0.0.1:5000 (another port: make run PORT=5001)
	@echo ""
	@echo "  Samen Oplopen runs at $(URL)  (stop with Ctrl+C)"
	@echo "  Demo password for every login: samen-oplopen-demo"
	@echo "  Staff sign in with an authenticator code: $(FLASK) demo code coordinator.heusden"
	@echo ""
	SAAS_SECURE_COOKIES=false SAAS_BASE_URL="$${SAAS_BASE_URL:-$(URL)}" $(FLASK) run --host $(HOST) --port $(PORT)

test: install  ## the whole suite on SQLite, and again on PostgreSQL when SAAS_TEST_DATABASE_URL is set
	$(BIN)/pytest
	@if [ -n "$$SAAS_TEST_DATABASE_URL" ]; then \
		SAAS_TEST_BACKEND=postgresql $(BIN)/pytest -m "not browser" ; \
	else \
		echo "" ; echo "!!! SAAS_TEST_DATABASE_URL is not set: the PostgreSQL/RLS run was SKIPPED. CI always runs it. !!!" ; echo "" ; \
	fi

# The tests whose data or expectations follow the calendar, run again on awkward days (CI does;
# tests/support/clock.py moves the clock). Times are Amsterdam wall-clock time, written without a
# colon for make: just after midnight on New Year's Day (still the old year in UTC), late on New
# Year's Eve, a leap day and the day after a quarter ends. All lie after today, because the real
# Chromium of the browser tests must not find the moved server's cookies already expired.
DATE_SENSITIVE := tests/browser tests/test_cli.py tests/foundation tests/publishing tests/impact tests/home \
                  tests/test_jobs.py tests/families tests/volunteers tests/matching tests/trainings
MOVED_DAYS     := 2027-01-01T0030 2027-12-31T2300 2028-02-29 2027-04-01

test-dates: install  ## the date-sensitive tests on each of MOVED_DAYS, two at a time
	$(MAKE) --no-print-directory --keep-going -j2 --output-sync=target $(addprefix test-on-,$(MOVED_DAYS))

test-on-%: install
	SAAS_TEST_NOW=$* $(BIN)/pytest -q $(DATE_SENSITIVE)

lint: install  ## ruff, the allowed imports between packages (.importlinter; docs/architecture.md §13), and mypy (pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/mypy

i18n-extract: install
	$(BIN)/pybabel extract -F babel.cfg -k L_ -k _ --add-comments=i18n: --no-location --sort-output -o translations/messages.pot .

i18n-update: i18n-extract  ## merge new strings into nl, en and ar; then translate the empty entries
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

i18n: i18n-update compile

bench: install
	$(BIN)/pytest tests/bench -p no:cacheprovider -q
