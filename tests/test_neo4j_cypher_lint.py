"""Every Cypher text the Neo4j store can send passes Neo4j's own parser and semantic checks.

No Neo4j server runs in CI, so this is what stands between a typo (or a slip into the
embedded dialect, like label(r)) and a production failure.
"""
from __future__ import annotations

import re

import pytest

from conflictgraph.graph.cypher import registry
from conflictgraph.graph.cypher_text import parameter_names
from conflictgraph.graph.store import neo4j_store
from neo4j_lint import lint


def neo4j_texts(ontology) -> list[dict]:
    expansions = neo4j_store.template_expansions(ontology)
    texts = []
    for name, q in sorted(registry().items()):
        if "neo4j" not in q.texts or q.group == "fragments":  # fragments are linted inside their queries
            continue
        filled = expansions.get(name, [q.text("neo4j")])
        for i, text in enumerate(filled):
            assert not re.search(r"__[A-Z]+__", text), \
                f"{name} has placeholders but no expansion in template_expansions()"
            label = name if len(filled) == 1 else f"{name}[{i}]"
            texts.append({"name": label, "text": text, "params": sorted(parameter_names(text)),
                          "file": str(q.files["neo4j"])})
    return texts


def test_every_neo4j_text_passes_neo4js_parser(ontology):
    texts = neo4j_texts(ontology)
    assert len(texts) >= 30  # schema, load, stats and the research query library
    results = lint(texts, ontology)
    failures = [f"{t['file']} ({t['name']}) {d['line']}:{d['column']}: {d['severity']}: {d['message']}"
                for t in texts for d in results[t["name"]]]
    assert not failures, "Neo4j's parser rejects:\n" + "\n".join(failures)


BAD = {
    "MATCH (a:Actor) RETURN a LIMIT": "1:31: error: Invalid input ''",
    "MATCH (a:Actor)-[r]->(b:Actor) RETURN label(r)": "Function label is not present",
    "MATCH p = (a:Actor)-[* SHORTEST 1..4]-(b:Actor) RETURN p": "Invalid input 'SHORTEST'",
    "MATCH (a:Actr) RETURN a.id": "Label Actr is not present",
    "MATCH (a:Actor) RETURN a.id, $undeclared": "Parameter $undeclared is not defined",
}


@pytest.fixture(scope="module")
def bad_results(ontology):
    return lint([{"name": text, "text": text} for text in BAD], ontology)


def _as_it_stands(path) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    while lines and lines[0].startswith("//"):
        lines.pop(0)
    return "\n".join(lines)


def test_every_query_file_is_a_complete_statement_as_it_stands(ontology):
    """Before any fragment is composed in or placeholder filled: an include is a comment (or
    `true /* include: NAME */`) and a placeholder an identifier, so each file parses. Only
    "not present" diagnostics about a placeholder's own name are expected."""
    texts = []
    for name, q in sorted(registry().items()):
        if q.group == "fragments":
            continue
        for dialect, path in {d: q.files[d] for d in q.files}.items():
            if dialect != "neo4j" and path.name.count(".") > 1:
                continue   # an embedded-only file: Neo4j's parser does not know that dialect
            text = _as_it_stands(path)
            texts.append({"name": f"{path.name}", "text": text, "params": sorted(parameter_names(text)),
                          "file": str(path)})
    texts = list({t["name"]: t for t in texts}.values())
    assert len(texts) >= 40
    results = lint(texts, ontology)
    failures = [f"{t['file']} {d['line']}:{d['column']}: {d['severity']}: {d['message']}"
                for t in texts for d in results[t["name"]]
                if not (re.search(r"__[A-Z]+__", d["message"]) and "is not present" in d["message"])]
    assert not failures, "Neo4j's parser rejects these files as they stand:\n" + "\n".join(failures)


@pytest.mark.parametrize("text", list(BAD))
def test_the_lint_rejects_known_bad_queries(bad_results, text):
    rendered = [f"{d['line']}:{d['column']}: {d['severity']}: {d['message']}" for d in bad_results[text]]
    assert any(BAD[text] in r for r in rendered), rendered
