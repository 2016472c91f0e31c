"""Runs Neo4j's own Cypher front end (tools/cypher_lint.mjs, npm @neo4j-cypher/language-support)."""
from __future__ import annotations

import json
import shutil
import subprocess

from conflictgraph.graph.ontology import Ontology
from repo import REPO
from conflictgraph.graph.store.neo4j_store import LOAD_ID_PROPERTY, NODE_LABELS, kept_label
from conflictgraph.graph.ontology import PARTICIPATION
from conflictgraph.graph.records import (STORED_ACTOR_COLUMNS, DOCUMENT_COLUMNS, EVENT_COLUMNS, PARTICIPATION_COLUMNS,
                                         relation_columns)

SCRIPT = REPO / "tools" / "cypher_lint.mjs"


def lint_schema(ontology: Ontology) -> dict:
    keys = (set(STORED_ACTOR_COLUMNS) | set(DOCUMENT_COLUMNS) | set(EVENT_COLUMNS) | set(PARTICIPATION_COLUMNS)
            | {"source", "target", "props", LOAD_ID_PROPERTY, "seq", "current", "manifest", "recorded_at"})
    for t in ontology.relation_types:
        keys |= set(relation_columns(ontology, t))
    # GraphVersion and a kept version's labels (template_expansions fills them for version 1)
    return {"labels": [*NODE_LABELS, "GraphVersion", *(kept_label(label, 1) for label in NODE_LABELS)],
            "relationshipTypes": sorted([*ontology.relation_types, PARTICIPATION]), "propertyKeys": sorted(keys)}


def lint(queries: list[dict], ontology: Ontology) -> dict[str, list[dict]]:
    """{name: diagnostics} for [{"name", "text", "params": [names]}]."""
    node = shutil.which("node")
    assert node, "node is required for the Neo4j Cypher lint (see README: make test installs the rest)"
    assert (REPO / "node_modules" / "@neo4j-cypher" / "language-support").exists(), \
        "npm packages missing: run `make test` (it runs `npm ci`)"
    payload = {"schema": lint_schema(ontology),
               "queries": [{"name": q["name"], "text": q["text"],
                            "params": {p: None for p in q.get("params", ())}} for q in queries]}
    proc = subprocess.run([node, str(SCRIPT)], input=json.dumps(payload), capture_output=True,
                          text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return {item["name"]: item["diagnostics"] for item in json.loads(proc.stdout)}
