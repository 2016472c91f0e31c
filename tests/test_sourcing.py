"""The sourcing rule (ontology.yaml `sourcing`, enforced by `validate`): every claim has an
evidence item from a document that states it; an editorial note names, per paragraph, the
primary sources it relies on; a claim resting only on editorial notes or inference stands
only as alleged/reported at no more than medium confidence, and is reported (a warning, an
error under --strict)."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from conflictgraph.graph.cli import app
from conflictgraph.graph.dataset import SeedSet

runner = CliRunner()

NOTE = """
  - id: note-a
    kind: editorial_note
    title: Our note
    sources:
      1: [doc-a]
"""
EDITORIAL_ONLY = """
  - id: r-note-only
    type: BACKS
    source: russia
    target: kaniyat
    confidence: {confidence}
    status: {status}
    properties:
      support: [weapons]
    evidence:
      - document: note-a
        paragraph: {paragraph}
        summary: Our note says so.
"""


def run(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _with(mini_dir, documents: str = "", relations: str = ""):
    (mini_dir / "documents.yaml").write_text((mini_dir / "documents.yaml").read_text() + documents)
    (mini_dir / "relations.yaml").write_text((mini_dir / "relations.yaml").read_text() + relations)
    return mini_dir


def _check(folder):
    seeds = SeedSet(folder)
    return [str(p) for p in seeds.check()], [str(w) for w in seeds.warnings]


def test_the_project_seed_passes_the_strict_check():
    r = run("validate", "--strict")
    assert r.exit_code == 0, r.output
    assert "warning" not in r.output


def test_a_claim_only_an_editorial_note_supports_is_a_warning(mini_dir):
    folder = _with(mini_dir, NOTE, EDITORIAL_ONLY.format(confidence="medium", status="reported", paragraph=1))
    problems, warnings = _check(folder)
    assert problems == []
    assert len(warnings) == 1 and "r-note-only" in warnings[0] and "its only support is editorial" in warnings[0]
    r = run("validate", str(folder))
    assert r.exit_code == 0 and "1 warning(s)" in r.output
    r = run("validate", "--strict", str(folder))
    assert r.exit_code == 1 and "0 problem(s), 1 warning(s) (--strict)" in r.output


@pytest.mark.parametrize("confidence,status", [("high", "reported"), ("medium", "confirmed"), ("low", "disputed")])
def test_such_a_claim_cannot_be_stronger_than_the_rule_allows(mini_dir, confidence, status):
    folder = _with(mini_dir, NOTE, EDITORIAL_ONLY.format(confidence=confidence, status=status, paragraph=1))
    problems, _ = _check(folder)
    assert len(problems) == 1
    assert "(id 'r-note-only'): field 'status': no evidence item states this claim" in problems[0]
    assert f"(it is {status}, {confidence})" in problems[0]


def test_an_editorial_paragraph_must_name_its_primary_source(mini_dir):
    folder = _with(mini_dir, NOTE, EDITORIAL_ONLY.format(confidence="low", status="alleged", paragraph=2))
    problems, _ = _check(folder)
    assert len(problems) == 1
    assert "field 'evidence[0].paragraph': 'note-a' is an editorial note, and its paragraph 2 names no primary" \
        in problems[0]


@pytest.mark.parametrize("documents,message", [
    (NOTE.replace("[doc-a]", "[doc-missing]"), "field 'sources.1': unknown document 'doc-missing'"),
    (NOTE + NOTE.replace("note-a", "note-b").replace("[doc-a]", "[note-a]"),
     "field 'sources.1': 'note-a' is itself an editorial note"),
    (NOTE.replace("editorial_note", "news_article"), "field 'sources': only editorial notes"),
    (NOTE.replace("1: [doc-a]", "first: [doc-a]"), "field 'sources.first': 'first' is not a paragraph number"),
    (NOTE + "    held: maybe\n", "field 'held': must be true or false"),
])
def test_bad_sources_are_named(mini_dir, documents, message):
    problems, _ = _check(_with(mini_dir, documents))
    assert any(message in p for p in problems), problems


def test_an_inference_is_not_a_statement(mini_dir):
    rel = (mini_dir / "relations.yaml")
    rel.write_text(rel.read_text().replace("        summary: Russia supports Haftar's forces.\n",
                                           "        summary: Russia supports Haftar's forces.\n"
                                           "        inference: true\n"))
    problems, warnings = _check(mini_dir)
    assert any("(id 'r-backs'): field 'status': no evidence item states this claim" in p for p in problems)
    rel.write_text(rel.read_text().replace("inference: true", "inference: yes please"))
    problems, _ = _check(mini_dir)
    assert any("field 'evidence[0].inference': must be true or false" in p for p in problems)


def test_the_report_shows_each_relation_s_support(mini_dir):
    folder = _with(mini_dir, NOTE, EDITORIAL_ONLY.format(confidence="medium", status="reported", paragraph=1))
    r = runner.invoke(app, ["validate", "--report", str(folder)], catch_exceptions=False,
                      env={"COLUMNS": "240"})
    assert r.exit_code == 0
    rows = {line.split("│")[1].strip(): line for line in r.output.splitlines() if line.count("│") > 5}
    assert "note-a ¶1: editorial" in rows["r-note-only"] and "editorial only" in rows["r-note-only"]
    assert "doc-a ¶2: states" in rows["r-backs"] and "stated, held" in rows["r-backs"]
    assert "editorial only 1 (" in r.output


def test_a_load_says_how_many_claims_rest_only_on_editorial_notes(mini_dir, tmp_path):
    folder = _with(mini_dir, NOTE, EDITORIAL_ONLY.format(confidence="medium", status="reported", paragraph=1))
    r = run("load", "--store", f"embedded:{tmp_path / 'g'}", str(folder))
    assert r.exit_code == 0, r.output
    assert "1 claim(s) rest only on editorial notes or inference" in r.output
