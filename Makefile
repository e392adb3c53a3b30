# cgkg developer commands. `make help` lists them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= build

.PHONY: help install browser lint test build run check clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

$(BIN)/cgkg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/cgkg  ## create .venv and install cgkg with its dev tools

lint: install  ## ruff, ruff format --check, mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

browser:  ## install Debian's chromium and a Chinese font for the browser tests, if missing
	@command -v chromium >/dev/null 2>&1 && fc-list :lang=zh | grep -q . || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null; }

test: install browser  ## run the whole test suite
	$(BIN)/pytest -n 2

INPUTS := $(shell find data ontology shapes queries loader -type f -not -path '*/__pycache__/*' 2>/dev/null)

$(OUT)/current/manifest.json: $(BIN)/cgkg $(INPUTS)
	$(BIN)/cgkg build --out $(OUT)

build: $(OUT)/current/manifest.json  ## build the knowledge graph into $(OUT)/ (only if inputs changed)

run: build  ## build if needed, then serve
	$(BIN)/cgkg serve --out $(OUT)

check: lint test  ## what CI runs

clean:  ## remove build output
	rm -rf $(OUT)
