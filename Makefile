# Two commands: `make run` (serve the app) and `make test` (lint + the whole test suite).
# Both build .venv from the pinned requirements on a fresh machine; a stamp file re-installs when they change.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test lint bench chromium haproxy install install-dev clean

run: $(VENV)/.runtime-installed
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.address 0.0.0.0

test: $(VENV)/.dev-installed chromium haproxy lint
	$(BIN)/pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile

bench: $(VENV)/.dev-installed chromium
	$(BIN)/python -m bench.run $(ARGS)

install: $(VENV)/.runtime-installed
install-dev: $(VENV)/.dev-installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

# Browser tests drive Debian's Chromium (never a downloaded browser); install it when it is missing.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		echo "installing Debian's chromium"; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
	fi

# The deploy test (tests/test_deploy.py) runs app replicas behind Debian's haproxy; install it when it is missing.
haproxy:
	@if [ ! -x /usr/sbin/haproxy ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		echo "installing Debian's haproxy"; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq haproxy; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis bench/results
