# Two commands do all the set-up on a fresh machine (see README):
#   make demo   – install, migrate a SQLite database, load the demo city, serve on http://127.0.0.1:5000
#   make test   – install and run the whole test suite (SQLite; set TEST_DATABASE_URL for PostgreSQL)
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   ?= .venv
BIN     = $(VENV)/bin
# the demo runs in the explicit development mode: no SECRET_KEY needed (a random one is kept in
# instance/secret_key, mode 0600) and only this machine is served; set SECRET_KEY to serve others
EVALSITE_ENV ?= development
FLASK   = EVALSITE_ENV=$(EVALSITE_ENV) $(BIN)/flask --app evalsite
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: demo test install install-test migrate run clean bench bench-submit

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11（$(PYTHON)）"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-test.txt
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install-test
	$(BIN)/python bench/bench_scoring.py

# the survey submit against a bare insert, PostgreSQL + Redis, gunicorn; see bench/README.md
# (BENCH_DB is dropped and created, BENCH_REDIS_URL flushed; BENCH_ARGS e.g. "--rounds 3 --profile")
bench-submit: install-test
	$(BIN)/python bench/bench_submit.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache
