"""How well each claim is sourced, for a reviewer auditing a seed set (`validate --report`).

The rule itself is enforced in validation.py (ontology.yaml `sourcing`); this module only
describes what a relation or an event rests on, strongest first:

    stated, held        a document we keep a copy of states it
    stated, not held    only documents cited from the public record (url) state it
    editorial only      only our editorial notes support it (they name their sources)
    inference only      only our reading of a document supports it
"""
from __future__ import annotations

from dataclasses import dataclass

from .models import Document, Event, Relation
from .ontology import Ontology

STRENGTHS = ("stated, held", "stated, not held", "editorial only", "inference only")


@dataclass
class Support:
    document: str
    paragraph: int | None
    kind: str          # "states" | "editorial" | "inference"
    held: bool
    record: str | None = None

    @property
    def where(self) -> str:
        """The item's place in its document: ¶paragraph, or the dataset record's key."""
        return f"¶{self.paragraph}" if self.paragraph is not None else f"record {self.record}"


def supports(rel: Relation | Event, documents: dict[str, Document], ontology: Ontology) -> list[Support]:
    editorial = ontology.sourcing.editorial_kinds
    out = []
    for e in rel.evidence:
        doc = documents.get(e.document)
        kind = "inference" if e.inference else "editorial" if doc is not None and doc.kind in editorial else "states"
        out.append(Support(e.document, e.paragraph, kind, bool(doc.held) if doc is not None else False, e.record))
    return out


def strength(items: list[Support]) -> str:
    stated = [s for s in items if s.kind == "states"]
    if any(s.held for s in stated):
        return STRENGTHS[0]
    if stated:
        return STRENGTHS[1]
    if any(s.kind == "editorial" for s in items):
        return STRENGTHS[2]
    return STRENGTHS[3]
