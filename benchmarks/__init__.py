"""ConflictGraph benchmarks: `python -m benchmarks [--size default|large]` (or `make bench`).

Every figure is measured beside its baseline in the same run: the loader against the
engine's own bulk COPY, store-interface queries against the same query on a raw engine
connection and against networkx in memory, the HTTP API against a constant endpoint in the
same server. Results go to benchmarks/results-<size>.json and benchmarks/RESULTS.md.
"""
