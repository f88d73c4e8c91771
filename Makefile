# Samen Oplopen platform — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app saas.app:create_app
STAMP  := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres lint i18n i18n-extract i18n-update compile bench install migrate seed

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

run: seed  ## install, migrate, seed the demo and serve it on http://127.0.0.1:5000
	@echo ""
	@echo "  Samen Oplopen runs at http://127.0.0.1:5000  (stop with Ctrl+C)"
	@echo "  Demo password for every login: samen-oplopen-demo"
	@echo "  Staff sign in with an authenticator code: $(FLASK) demo code <email>"
	@echo ""
	SAAS_SECURE_COOKIES=false $(FLASK) run --host 127.0.0.1 --port 5000

test: install  ## the whole suite on SQLite, and again on PostgreSQL when SAAS_TEST_DATABASE_URL is set
	$(BIN)/pytest
	@if [ -n "$$SAAS_TEST_DATABASE_URL" ]; then \
		SAAS_TEST_BACKEND=postgresql $(BIN)/pytest -m "not browser" ; \
	else \
		echo "" ; echo "!!! SAAS_TEST_DATABASE_URL is not set: the PostgreSQL/RLS run was SKIPPED. CI always runs it. !!!" ; echo "" ; \
	fi

lint: install
	$(BIN)/ruff check .

i18n-extract: install
	$(BIN)/pybabel extract -F babel.cfg -k L_ -k _ --add-comments=i18n: --no-location --sort-output -o translations/messages.pot .

i18n-update: i18n-extract  ## merge new strings into nl, en and ar; then translate the empty entries
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

i18n: i18n-update compile

bench: install
	$(BIN)/pytest tests/bench -p no:cacheprovider -q
