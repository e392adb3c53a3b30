# cgkg developer commands. `make help` lists them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= build

.PHONY: help install lock browser balancer engines lint test build run check clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

LOCK := requirements.lock

# Every package, the build backend and pip itself come from the lock, each checked against
# its sha256; the project is then added without resolving anything.
$(BIN)/cgkg: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

install: $(BIN)/cgkg  ## create .venv and install the locked versions, then cgkg itself

# The lock covers the runtime dependencies, the dev extra, the build backend (with editables,
# which hatchling asks for when installing in editable mode) and pip, for
# every platform and Python >= 3.11 (uv's universal resolution, hashes of every file).
# It needs only uv (from the lock itself; pip brings it in once where .venv has none yet).
lock:  ## re-resolve pyproject.toml's dependencies into requirements.lock
	test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/pip install --quiet uv; }
	{ $(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")'; echo editables; echo pip; } | \
	  $(BIN)/uv pip compile --quiet pyproject.toml - --extra dev --generate-hashes --universal \
	  --python-version 3.11 --custom-compile-command 'make lock' -o $(LOCK)

lint: install  ## ruff, ruff format --check, mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

browser:  ## install Debian's chromium and a Chinese font for the browser tests, if missing
	@command -v chromium >/dev/null 2>&1 && fc-list :lang=zh | grep -q . || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null; }

balancer:  ## install Debian's HAProxy for the replica and rollout tests, if missing
	@command -v haproxy >/dev/null 2>&1 || test -x /usr/sbin/haproxy || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null; }

engines:  ## install Debian's Virtuoso for the engine tests, if missing
	@command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  virtuoso-opensource >/dev/null; }

test: install browser balancer engines  ## run the whole test suite
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
