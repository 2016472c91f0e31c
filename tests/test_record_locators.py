"""Evidence from a dataset is located by the source record's key (`record`: an FtM entity or
statement id, a UCDP row key) instead of a paragraph; stored, returned and exported like any
evidence, on every store."""
from __future__ import annotations

import pytest

from conflictgraph.graph.dataset import check_seed_path, read_dataset
from conflictgraph.graph.service import GraphService, RelationFilter

BACKS_EVIDENCE = """      - document: doc-a
        paragraph: 2
        summary: Russia supports Haftar's forces."""


def _with(mini_dir, evidence: str, extra_documents: str = "") -> tuple:
    path = mini_dir / "relations.yaml"
    text = path.read_text()
    assert BACKS_EVIDENCE in text, "the fixture edit no longer applies"
    path.write_text(text.replace(BACKS_EVIDENCE, evidence, 1))
    if extra_documents:
        docs = mini_dir / "documents.yaml"
        docs.write_text(docs.read_text() + extra_documents)
    dataset, problems = check_seed_path(mini_dir)
    return dataset, [str(p) for p in problems]


RECORD = """      - document: doc-a
        record: NK-2Ht7xQ4sUbAWXoi8cVqsD4#Sanction
        summary: The dataset lists the designation."""


def test_a_record_locates_dataset_evidence(mini_dir):
    dataset, problems = _with(mini_dir, RECORD)
    assert problems == []
    (item,) = next(r for r in dataset.relations if r.id == "r-backs").evidence
    assert (item.paragraph, item.record) == (None, "NK-2Ht7xQ4sUbAWXoi8cVqsD4#Sanction")


WHERE = "{dir}/relations.yaml: relations[0] (id 'r-backs'): field "


@pytest.mark.parametrize("evidence, message", [
    (RECORD.replace("        record:", "        paragraph: 2\n        record:"),
     "'evidence[0].record': locate the item by paragraph (a text) or by record (a dataset), not both"),
    (RECORD.replace("NK-2Ht7xQ4sUbAWXoi8cVqsD4#Sanction", '""'),
     "'evidence[0].paragraph': must be a paragraph number ≥ 1, got None (or give the dataset record's key as `record`)"),
    (RECORD.replace("NK-2Ht7xQ4sUbAWXoi8cVqsD4#Sanction", "x" * 501),
     "'evidence[0].record': is 501 characters long; a record key has at most 500"),
])
def test_a_bad_locator_names_the_field(mini_dir, evidence, message):
    _, problems = _with(mini_dir, evidence)
    assert problems == [WHERE.format(dir=mini_dir) + message]


def test_an_editorial_note_is_cited_by_paragraph(mini_dir):
    note = "\n  - id: note-a\n    kind: editorial_note\n    title: Our note\n    sources:\n      1: [doc-a]\n"
    _, problems = _with(mini_dir, RECORD.replace("document: doc-a", "document: note-a"), note)
    assert problems == [WHERE.format(dir=mini_dir) + "'evidence[0].record': 'note-a' is an editorial note: cite "
                        "its paragraph, whose sources it names"]


def test_every_store_keeps_and_returns_the_record(store, mini_dir):
    _with(mini_dir, RECORD)
    store.load(read_dataset(mini_dir))
    service = GraphService(store)
    detail = service.relation("r-backs")
    assert [(e["document"]["id"], e["paragraph"], e["record"]) for e in detail["evidence"]] == [
        ("doc-a", None, "NK-2Ht7xQ4sUbAWXoi8cVqsD4#Sanction")]
    listed, _ = service.relations(RelationFilter())
    backs = next(r for r in listed if r["id"] == "r-backs")
    assert [(e["paragraph"], e["record"]) for e in backs["evidence"]] == [(None, "NK-2Ht7xQ4sUbAWXoi8cVqsD4#Sanction")]
    blocks = next(r for r in listed if r["id"] == "r-blocks")
    assert [(e["paragraph"], e["record"]) for e in blocks["evidence"]] == [(3, None)]
