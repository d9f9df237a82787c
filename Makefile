# `make run` starts the dashboard on the sample data; `make test` runs every test.
# Both work on a fresh machine with Python 3.11: they create .venv and install what
# is missing (the browser tests also need Debian's chromium and fonts-noto-cjk).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
DATA_DIR ?= $(if $(TRACKER_DATA_DIR),$(TRACKER_DATA_DIR),data)
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint format browser sample bench

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

# Debian's Chromium and CJK fonts, for the browser tests and the weekly report.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then \
		echo "Installing Debian's chromium and fonts-noto-cjk ..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

run: $(STAMP)
	@[ -f "$(DATA_DIR)/manifest.json" ] || $(PY) -m tracker --data-dir "$(DATA_DIR)" import sample_data
	TRACKER_DATA_DIR="$(DATA_DIR)" $(VENV)/bin/streamlit run server.py \
		--server.port $(PORT) --server.headless true --browser.gatherUsageStats false

test: $(STAMP) browser
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports --no-logo
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports --no-logo

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Rebuild sample_data/ from its generator (deterministic).
sample: $(STAMP)
	$(PY) -m synth.sample sample_data

bench: $(STAMP)
	$(PY) bench/import_throughput.py
