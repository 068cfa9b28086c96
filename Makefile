# The two commands of the whole set-up: `make run` and `make test`. Everything else is theirs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test lint setup setup-test browser migrate clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-dev browser

# End-to-end tests drive Debian's chromium; Playwright downloads no browser of its own.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the end-to-end tests…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

migrate: setup
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py setup_demo
	@echo ""
	@echo "Serving on http://127.0.0.1:8000 — sign in as admin / reviewer / leader / finance"
	@echo "or a unit account (listed above) with the password $${DEMO_PASSWORD:-yunyang-demo-2022}."
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup-test
	$(PY) -m pytest $(PYTEST_ARGS)

# The linter and the formatter's check (rules in pyproject.toml); `$(VENV)/bin/ruff format .` applies the format.
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles artifacts
