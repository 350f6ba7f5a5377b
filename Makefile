# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
# The address `make run` serves, printed with the demo logins (and linked from staff alerts).
SITE_URL ?= http://$(HOST)

.PHONY: run test install migrate seed lint format check worker beat bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --no-input

seed: migrate
	SITE_URL=$(SITE_URL) $(PY) manage.py seed --demo

# `exec`: make passes SIGTERM and SIGHUP to its child, which must be runserver itself, not a
# shell that would die and leave it running. runserver then exits through its exit handlers,
# as on Ctrl-C, and the embedded PostgreSQL stops with it (myhibachi/devdb.py).
run: seed
	@echo "Serving http://$(HOST)/  (staff panel: http://$(HOST)/admin/, API docs: http://$(HOST)/api/docs/)"
	SITE_URL=$(SITE_URL) exec $(PY) manage.py runserver $(HOST)

test: install
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: lint
	$(PY) manage.py makemigrations --check --dry-run

worker: install
	$(VENV)/bin/celery -A myhibachi worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A myhibachi beat --loglevel=INFO

clean:
	rm -rf $(VENV) .devdata
