"""The identifier crosswalk: which existing actor an incoming entity is.

Matched by identifier first (`scheme:value`: wikidata, opensanctions, iso3166, ...), then by
normalised name or alias. A match is *certain* when an identifier agrees, or when exactly one
actor of a compatible kind carries the name; then the existing id is reused. A near name
(similarity at least REVIEW_SCORE) is *uncertain*: never merged, but written to the review
file with its candidate, score and reason, and the entity gets an id of its own.
"""
from __future__ import annotations

import difflib
import heapq
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from ..models import Actor

REVIEW_SCORE = 0.85
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 "   # all normalise() leaves
_INDEX = {c: i for i, c in enumerate(ALPHABET)}


def _letters(text: str) -> list[int]:
    counts = [0] * len(ALPHABET)
    for c in text:
        counts[_INDEX[c]] += 1
    return counts


def normalise(name: str) -> str:
    """Case, accents, punctuation and an article folded away: "Al-Kaniyat" ~ "al kaniyat"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


@dataclass(frozen=True)
class Match:
    actor: str | None          # the existing actor's id, when certain
    candidate: str | None      # an uncertain candidate, for the review file
    score: float
    reason: str


class Crosswalk:
    def __init__(self, actors: Iterable[Actor]):
        self.kinds: dict[str, str] = {}
        self.by_identifier: dict[str, str] = {}
        self.by_name: dict[str, set[str]] = {}
        self._vectors = None     # the names' letter counts, built at the first fuzzy match
        for a in actors:
            self.kinds[a.id] = a.kind
            for scheme, value in a.identifiers.items():
                self.by_identifier[f"{scheme}:{value}".casefold()] = a.id
            for name in (a.name, *a.aliases):
                if name:
                    self.by_name.setdefault(normalise(name), set()).add(a.id)

    def match(self, identifiers: dict[str, str], names: Iterable[str], person: bool) -> Match:
        for scheme, value in sorted(identifiers.items()):
            found = self.by_identifier.get(f"{scheme}:{value}".casefold())
            if found:
                return Match(found, None, 1.0, f"identifier {scheme}:{value}")
        def compatible(ids: set[str]) -> set[str]:
            # Per candidate, not a set of every compatible actor per call: an import adds
            # actors as it goes, and that set would make it quadratic.
            return {a for a in ids if (self.kinds.get(a) == "person") == person}
        keys = [normalise(n) for n in names if n and normalise(n)]
        for key in keys:
            found = compatible(self.by_name.get(key, set()))
            if len(found) == 1:
                return Match(next(iter(found)), None, 1.0, f"name {key!r}")
            if len(found) > 1:
                return Match(None, sorted(found)[0], 1.0, f"name {key!r} is borne by {', '.join(sorted(found))}")
        best: tuple[float, str, str] = (0.0, "", "")
        for key in keys:
            for other in self._close_matches(key):
                for actor in sorted(compatible(self.by_name[other])):
                    score = difflib.SequenceMatcher(None, key, other).ratio()
                    if score > best[0]:
                        best = (score, actor, f"name {key!r} is close to {other!r}")
        if best[1]:
            return Match(None, best[1], round(best[0], 3), best[2])
        return Match(None, None, 0.0, "no actor with these identifiers or names")

    def _close_matches(self, key: str) -> list[str]:
        """What difflib.get_close_matches(key, names, n=3, cutoff=REVIEW_SCORE) returns, sooner.

        difflib skips a name only after its own bounds (the lengths, then the letters the two
        share) fall under the cutoff, one name at a time in Python; on an import of 50,000
        entities that was two thirds of the time. The same letter bound for every name at
        once (numpy, over the letters normalise() leaves) keeps the exact answer: only names
        the bound cannot rule out are scored, by the same SequenceMatcher.ratio."""
        if self._vectors is None:
            self._names = list(self.by_name)
            self._vectors = np.array([_letters(n) for n in self._names], dtype=np.int32).reshape(-1, len(ALPHABET))
            self._lengths = np.array([len(n) for n in self._names], dtype=np.int32)
        if not self._names:
            return []
        bound = 2.0 * np.minimum(self._vectors, _letters(key)).sum(axis=1) / (len(key) + self._lengths)
        scored = []
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(key)
        for i in np.nonzero(bound >= REVIEW_SCORE)[0]:
            matcher.set_seq1(self._names[i])
            if matcher.ratio() >= REVIEW_SCORE:
                scored.append((matcher.ratio(), self._names[i]))
        return [name for _, name in heapq.nlargest(3, scored)]

    def add(self, actor: Actor) -> None:
        """An actor the import creates, so later entities of the same file can match it."""
        self.kinds[actor.id] = actor.kind
        for scheme, value in actor.identifiers.items():
            self.by_identifier[f"{scheme}:{value}".casefold()] = actor.id


def existing_actors(seeds, exclude=None) -> list[Actor]:
    """The valid actors of the seed folder `seeds`, leaving out the files under `exclude` (an
    import's own folder: importing again must not match its previous output)."""
    from pathlib import Path

    from ..ontology import default_ontology
    from ..seeds import YAML_SUFFIXES, jsonl_section, read_jsonl, read_yaml, seed_files
    from ..validation import RecordValidator
    exclude = Path(exclude).resolve() if exclude else None
    records = []
    for f in seed_files(Path(seeds)):
        if exclude and f.resolve().is_relative_to(exclude):
            continue
        if f.suffix in YAML_SUFFIXES:
            records += [r for r in read_yaml(f, []) if r.section == "actors"]
        elif jsonl_section(f) == "actors":
            records += list(read_jsonl(f, "actors", []))
    validator = RecordValidator(default_ontology())
    validator.check_entities([], records)
    return list(validator.actors.values())
