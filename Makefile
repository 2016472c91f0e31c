# Two commands on a fresh machine (Python 3.11+, make, node):
#   make run    install into .venv, load the seed data into the embedded store, serve it
#               on http://127.0.0.1:8000 (HOST=0.0.0.0 PORT=8080 to change)
#   make test   install into .venv and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
STORE  ?= embedded:data/graph
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install load stats clean bench

run: load
	$(BIN)/conflictgraph serve --store $(STORE) --host $(HOST) --port $(PORT)

test: install node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(STAMP)

# Neo4j's own Cypher front end, for the lint of every Cypher text the Neo4j store sends.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

load: install
	$(BIN)/conflictgraph load --store $(STORE)

stats: install
	$(BIN)/conflictgraph stats --store $(STORE)

clean:
	rm -rf $(VENV) data build *.egg-info node_modules

# Benchmarks (not part of the tests): SIZE=default (10k actors / 100k relations) or large.
SIZE ?= default
bench: install
	$(BIN)/python -m benchmarks --size $(SIZE)
	$(BIN)/python -m benchmarks.walls
