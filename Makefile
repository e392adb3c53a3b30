# cgkg developer commands. `make help` lists them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= build

.PHONY: help install lint test build serve run check clean

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

test: install  ## run the whole test suite
	$(BIN)/pytest -n 2

$(OUT)/current/manifest.json: install $(shell find data ontology shapes queries loader -type f 2>/dev/null)
	$(BIN)/cgkg build --out $(OUT)

build: $(OUT)/current/manifest.json  ## build the knowledge graph into $(OUT)/ (only if inputs changed)

run: build  ## build if needed, then serve
	$(BIN)/cgkg serve --out $(OUT)

check: lint test  ## what CI runs

clean:  ## remove build output
	rm -rf $(OUT)
