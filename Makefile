# Two commands on a fresh machine (Python 3.11+, make, node):
#   make run    install into .venv, build the Explorer, load the seed data into the embedded
#               store, serve it on http://127.0.0.1:8000 (HOST=0.0.0.0 PORT=8080 to change)
#   make test   install into .venv (and Debian's chromium, for the Explorer's browser tests)
#               and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
STORE  ?= embedded:data/graph
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install load stats clean bench bench-huge neo4j gephi-picture java-tools explorer chromium explorer-picture

run: load explorer
	$(BIN)/conflictgraph serve --store $(STORE) --host $(HOST) --port $(PORT)

test: install node_modules/.installed java-tools explorer chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The Explorer (explorer/): built from npm packages by vite into explorer/dist, which the
# service serves at /. Nothing is fetched at run time.
EXPLORER := explorer/dist/index.html
explorer: $(EXPLORER)
$(EXPLORER): node_modules/.installed $(shell find explorer -path explorer/dist -prune -o -type f -print)
	npm run --silent build:explorer

# The browser the Explorer's end-to-end tests drive: Debian's chromium, never a downloaded one.
CHROMIUM ?= /usr/bin/chromium
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	    if [ "$$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }; \
	    elif command -v sudo >/dev/null; then sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; fi; \
	    [ -x $(CHROMIUM) ] || echo "chromium not installed: the Explorer's browser tests will be skipped"; \
	fi

# The README's picture of the Explorer on the Libya graph, taken by the same browser.
explorer-picture: load explorer chromium
	$(BIN)/python -m benchmarks.explorer --picture docs/explorer.png --store $(STORE)

# Neo4j Community and Gephi Toolkit, pinned in tools/*/pom.xml, fetched by Maven into ~/.m2.
# The suite starts its own Neo4j and runs Gephi's importer with them; without Java and
# Maven those tests skip, saying so.
JAVA_TOOLS := tools/neo4j/target/classpath.txt tools/gephi/target/classpath.txt
java-tools:
	@if command -v java >/dev/null && command -v mvn >/dev/null; then \
	    $(MAKE) --no-print-directory $(JAVA_TOOLS); \
	else echo "java or mvn not found: the Neo4j and Gephi tests will be skipped"; fi

.SECONDEXPANSION:
tools/%/target/classpath.txt: tools/%/pom.xml $$(shell find tools/$$*/src -type f)
	mvn -B -q -f tools/$*/pom.xml package
	touch $@

# A Neo4j for research work without Docker: Neo4j Community (tools/neo4j) on
# bolt://127.0.0.1:$(NEO4J_PORT), auth on; user, password and URI in $(NEO4J_DATA)/connection.env.
NEO4J_DATA ?= data/neo4j
NEO4J_PORT ?= 7687
neo4j:
	tools/neo4j/run --data $(NEO4J_DATA) --port $(NEO4J_PORT)

# The README's picture of the Libya graph: our GEXF, laid out (ForceAtlas2) and rendered by Gephi.
gephi-picture: load
	mkdir -p build
	$(BIN)/conflictgraph export --store $(STORE) -f gexf -o build/libya.gexf
	tools/gephi/run render build/libya.gexf docs/libya-gephi.png 1400

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
	rm -rf $(VENV) data build *.egg-info node_modules tools/neo4j/target tools/gephi/target

# Benchmarks (not part of the tests): SIZE=default (10k actors / 100k relations) or large.
SIZE ?= default
bench: install
	$(BIN)/python -m benchmarks --size $(SIZE)
	$(BIN)/python -m benchmarks.walls
	$(BIN)/python -m benchmarks.abuse --save
	$(BIN)/python -m benchmarks.imports --save
	$(BIN)/python -m benchmarks.ucdp --save
	$(BIN)/python -m benchmarks.ged --save
	$(BIN)/python -m benchmarks.versions --save
	$(BIN)/python -m benchmarks.search --save
	$(BIN)/python -m benchmarks.exports --save --workdir /tmp/conflictgraph-bench-exports
	$(BIN)/python -m benchmarks.workers --save --store embedded:/tmp/conflictgraph-bench-exports/store
	@if command -v java >/dev/null && command -v mvn >/dev/null; then $(MAKE) --no-print-directory java-tools \
	    && $(BIN)/python -m benchmarks.neo4j --size $(SIZE); else echo "no java/mvn: Neo4j benchmark skipped"; fi

# 10M relations on one machine (1M actors): on demand, not in `make bench` (most of an hour,
# ~50 GB of disk under /tmp/conflictgraph-bench/huge).
bench-huge: install
	$(BIN)/python -m benchmarks.huge --save
