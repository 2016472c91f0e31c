"""Validated seed data: the only way seed data enters a store.

A SeedSet reads documents, actors and events whole and streams relations in validated batches, so
a million relations never sit in memory at once; a store writes the batches somewhere
readers cannot see (a new generation, an open transaction) and publishes only when the
stream ends without a problem. `read_dataset` is the in-memory form for small sets.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Iterator

from .models import Dataset, Relation
from .ontology import Ontology, default_ontology
from .paths import SEED_DIR
from .seeds import (YAML_SUFFIXES, RawRecord, count_lines, display_path, jsonl_section, read_jsonl,
                    read_yaml, seed_files)
from .errors import ValidationFailed
from .validation import Problem, RecordValidator


class SeedSet:
    def __init__(self, path: Path | str = SEED_DIR, ontology: Ontology | None = None):
        self.ontology = ontology or default_ontology()
        self.path = Path(path)
        files = seed_files(self.path)
        self.files = files    # what a version's manifest lists and digests (graph/versions.py)
        self.validator = RecordValidator(self.ontology)
        self.problems: list[Problem] = self.validator.problems
        self.warnings: list[Problem] = self.validator.warnings   # the sourcing rule's reports
        if not files:
            self.problems.append(Problem(display_path(self.path), None, None, None,
                                         "no seed files (*.yaml, *.jsonl) found here"))
        entities: dict[str, list[RawRecord]] = {"documents": [], "actors": [], "events": []}
        self._yaml_relations: list[RawRecord] = []
        self._relation_files: list[Path] = []
        for f in files:
            if f.suffix in YAML_SUFFIXES:
                for rec in read_yaml(f, self.problems):
                    (self._yaml_relations if rec.section == "relations" else entities[rec.section]).append(rec)
            elif (section := jsonl_section(f)) is None:
                self.problems.append(Problem(display_path(f), None, None, None,
                                             "cannot tell the section of a JSON Lines file: name it "
                                             "actors*.jsonl, relations*.jsonl, documents*.jsonl "
                                             "or events*.jsonl"))
            elif section == "relations":
                self._relation_files.append(f)
            else:
                entities[section].extend(read_jsonl(f, section, self.problems))
        # A file that could not be read would make every reference into it look broken:
        # such problems are reported alone, and the records checked once they are fixed.
        self._unreadable = bool(self.problems)
        if not self._unreadable:
            self.validator.check_entities(entities["documents"], entities["actors"])
            self.validator.check_events(entities["events"])
        self._entity_problems, self._entity_warnings = len(self.problems), len(self.warnings)
        self.documents = list(self.validator.documents.values())
        self.actors = list(self.validator.actors.values())
        self.events = list(self.validator.events.values())
        self.relation_counts: Counter[str] = Counter()

    def estimated_total(self) -> int:
        """Records to load (documents, actors, events and their participations, relations),
        counted without parsing."""
        return (len(self.documents) + len(self.actors) + len(self.events) +
                sum(len(e.participants) for e in self.events) + len(self._yaml_relations) +
                sum(count_lines(f) for f in self._relation_files))

    def _relation_records(self) -> Iterator[RawRecord]:
        yield from self._yaml_relations
        for f in self._relation_files:
            yield from read_jsonl(f, "relations", self.problems)

    def parallel_relation_files(self) -> list[Path] | None:
        """The relation files, when workers may check and stage them (graph.store.
        relation_workers): every relation is in JSON Lines and the documents and actors have
        no problems. Otherwise None: the sequential path reports every problem."""
        if self.problems or self._yaml_relations:
            return None
        return list(self._relation_files)

    def accept_staged_counts(self, counts: dict[str, int]) -> None:
        """Record the relations that workers validated, as relation_batches would have."""
        self.relation_counts = Counter(counts)

    def relation_batches(self, batch_size: int) -> Iterator[list[Relation]]:
        """Valid relations in batches. After the first problem nothing more is yielded, but
        the rest is still checked so that every problem is reported; ValidationFailed at
        the end (or at once, for unreadable files) lists them all."""
        if self._unreadable:
            raise ValidationFailed(self.problems)
        # Each call reads the relations afresh (a retried Neo4j transaction calls it again).
        del self.problems[self._entity_problems:]
        del self.warnings[self._entity_warnings:]
        self.validator.reset_relations()
        self.relation_counts = Counter()
        batch: list[Relation] = []
        for rel in self.validator.check_relations(self._relation_records()):
            if self.problems:
                continue
            batch.append(rel)
            self.relation_counts[rel.type] += 1
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if self.problems:
            raise ValidationFailed(self.problems)
        if batch:
            yield batch

    def check(self) -> list[Problem]:
        """Every problem, reading the whole set once without keeping the relations."""
        try:
            for _ in self.relation_batches(1 << 16):
                pass
        except ValidationFailed:
            pass
        return self.problems

    def counts(self) -> dict[str, int]:
        return {"actors": len(self.actors), "relations": sum(self.relation_counts.values()),
                "documents": len(self.documents), "events": len(self.events)}


def check_seed_path(path: Path | str = SEED_DIR, ontology: Ontology | None = None
                    ) -> tuple[Dataset, list[Problem]]:
    """The dataset under `path` in memory (complete only without problems), and the problems."""
    seeds = SeedSet(path, ontology)
    relations: list[Relation] = []
    try:
        for batch in seeds.relation_batches(1 << 16):
            relations.extend(batch)
    except ValidationFailed:
        pass
    return Dataset(seeds.actors, relations, seeds.documents, seeds.events), seeds.problems


def read_dataset(path: Path | str = SEED_DIR, ontology: Ontology | None = None) -> Dataset:
    """The dataset under `path`; ValidationFailed listing every problem otherwise."""
    dataset, problems = check_seed_path(path, ontology)
    if problems:
        raise ValidationFailed(problems)
    return dataset
