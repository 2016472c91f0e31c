"""A synthetic conflict graph of any size, for benchmarks and load tests.

Seed files in the project's own format (JSON Lines) and ontology, so they pass
`conflictgraph validate`. The shape is meant to look like real conflict data:
- a few large conflicts and many small ones, each with two or three sides (blocs);
- heavy-tailed degree: endpoints are drawn with Zipf-like weights, so a few actors (great
  powers, big militias) take part in very many relations and most in a handful;
- FIGHTS across sides, ALLIED_WITH within a side, BACKS from states and organisations to
  the groups of one side, sanctions, accusations, leadership and membership ties;
- relations dated over three decades at year, month or day precision, some ended;
- one to four evidence items per relation, and aliases for most actors.
Deterministic for a given seed.
"""
from __future__ import annotations

import bisect
import itertools
import random
from pathlib import Path

import orjson

from .dates import PartialDate
from .errors import ValidationFailed
from .models import Dataset
from .ontology import Ontology, default_ontology
from .seeds import RawRecord
from .validation import RecordValidator

KIND_SHARES = [("armed_group", 0.38), ("person", 0.30), ("organization", 0.10), ("government", 0.06),
               ("state", 0.06), ("government_agency", 0.05), ("family", 0.03),
               ("intergovernmental_body", 0.02)]
TYPE_SHARES = [("FIGHTS", 0.26), ("ALLIED_WITH", 0.14), ("BACKS", 0.20), ("SANCTIONS", 0.05),
               ("ACCUSES", 0.10), ("LEADS", 0.09), ("PART_OF", 0.06), ("PROPOSES_SANCTIONS", 0.04),
               ("BLOCKS", 0.02), ("AGREES_CEASEFIRE", 0.04)]
SUPPORT = ["troops", "weapons", "funding", "training", "intelligence", "political", "territory", "other"]
MEASURES = ["asset_freeze", "travel_ban", "business_prohibition", "arms_embargo"]
ALLEGATIONS = ["murder", "torture", "kidnapping", "enforced_disappearance", "forced_displacement",
               "summary_execution", "war_crimes", "corruption", "terrorism"]
SYLLABLES = ["al", "ka", "ni", "ta", "ru", "ha", "ber", "zan", "mo", "ri", "sha", "dor", "vel", "ost", "ya"]


class _Pool:
    """Actors of some kinds, drawn with Zipf-like weights (rank^-0.9): heavy-tailed degree."""

    def __init__(self, ids: list[str], rnd: random.Random):
        self.ids = ids[:]
        rnd.shuffle(self.ids)
        weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(self.ids))]
        self.cum = list(itertools.accumulate(weights))

    def draw(self, rnd: random.Random) -> str:
        return self.ids[bisect.bisect(self.cum, rnd.random() * self.cum[-1])]

    def __bool__(self) -> bool:
        return bool(self.ids)


def _name(rnd: random.Random) -> str:
    return " ".join("".join(rnd.choice(SYLLABLES) for _ in range(rnd.randint(2, 3))).capitalize()
                    for _ in range(rnd.randint(1, 2)))


def _date(rnd: random.Random, year_from: int = 1994, year_to: int = 2025) -> str:
    y = rnd.randint(year_from, year_to)
    m, d = rnd.randint(1, 12), rnd.randint(1, 28)
    precision = rnd.random()
    return f"{y:04d}" if precision < 0.2 else f"{y:04d}-{m:02d}" if precision < 0.6 else f"{y:04d}-{m:02d}-{d:02d}"


def generate(n_actors: int, n_relations: int, seed: int, out: Path, ontology: Ontology) -> dict[str, int]:
    """Seed files (JSON Lines) in `out`; ids start with "syn-". Returns the counts."""
    if n_actors < 50:
        raise ValueError("use at least 50 actors")
    out.mkdir(parents=True, exist_ok=True)
    actors, documents, relations = records(n_actors, n_relations, seed)
    written = 0
    with (out / "relations.jsonl").open("wb") as fh:
        for record in relations:
            fh.write(orjson.dumps(record) + b"\n")
            written += 1
    with (out / "actors.jsonl").open("wb") as fh:
        fh.writelines(orjson.dumps(a) + b"\n" for a in actors)
    with (out / "documents.jsonl").open("wb") as fh:
        fh.writelines(orjson.dumps(d) + b"\n" for d in documents)
    return {"actors": len(actors), "relations": written, "documents": len(documents)}


def dataset(n_actors: int, n_relations: int, seed: int = 7, tag: str = "s",
            ontology: Ontology | None = None) -> Dataset:
    """The same kind of graph in memory, as a validated Dataset (for tests that load many
    small graphs); `tag` starts every id, so graphs of different tags share none."""
    validator = RecordValidator(ontology or default_ontology())
    actors, documents, relations = records(n_actors, n_relations, seed, tag)

    def raw(section: str, items) -> list[RawRecord]:
        return [RawRecord("(synthetic)", section, i, x) for i, x in enumerate(items)]
    validator.check_entities(raw("documents", documents), raw("actors", actors))
    rels = list(validator.check_relations(raw("relations", relations)))
    if validator.problems:
        raise ValidationFailed(validator.problems)
    return Dataset(list(validator.actors.values()), rels, list(validator.documents.values()))


def records(n_actors: int, n_relations: int, seed: int, tag: str = "syn"):
    """(actor records, document records, an iterator of relation records), as seed files
    hold them. At least 2 actors; relation types none of whose actors exist are skipped."""
    if n_actors < 2:
        raise ValueError("use at least 2 actors")
    rnd = random.Random(seed)
    n_docs = max(10, n_relations // 100)
    n_conflicts = max(3, n_actors // 400)

    # Conflicts of very different sizes; each actor belongs to one conflict and side.
    conflict_weights = [1.0 / (c + 1) ** 1.1 for c in range(n_conflicts)]
    conflict_cum = list(itertools.accumulate(conflict_weights))

    kinds: dict[str, list[str]] = {k: [] for k, _ in KIND_SHARES}
    kind_cum = list(itertools.accumulate(s for _, s in KIND_SHARES))
    actors_out, home = [], {}
    for i in range(n_actors):
        kind = KIND_SHARES[bisect.bisect(kind_cum, rnd.random() * kind_cum[-1])][0]
        aid = f"{tag}-{kind.replace('_', '-')}-{i}"
        conflict = bisect.bisect(conflict_cum, rnd.random() * conflict_cum[-1])
        side = rnd.randint(0, 2 if conflict % 3 == 0 else 1)
        home[aid] = (conflict, side)
        kinds[kind].append(aid)
        name = _name(rnd)
        record = {"id": aid, "name": name, "kind": kind,
                  "aliases": [_name(rnd) for _ in range(rnd.choice((0, 1, 1, 2, 3)))]}
        if kind != "intergovernmental_body":
            record["country"] = rnd.choice(["LY", "SY", "SD", "YE", "ML", "UA", "RU", "US", "TR", "AE", "EG"])
        actors_out.append(record)

    def pool(*ks: str) -> _Pool:
        return _Pool([a for k in ks for a in kinds[k]], rnd)

    belligerent = pool("armed_group", "government", "state")
    collective = pool("state", "government", "armed_group", "family", "government_agency",
                      "intergovernmental_body", "organization")
    backer = pool("state", "government", "organization", "government_agency")
    client = pool("armed_group", "government", "person", "organization")
    authority = pool("state", "government", "government_agency", "intergovernmental_body")
    bodies = pool("intergovernmental_body", "government_agency")
    blockers = pool("state", "government", "government_agency")
    leaders = pool("person", "family")
    anyone = pool(*kinds)
    # Actors of each conflict side, to pick allies and enemies that make sense.
    by_side: dict[tuple, list[str]] = {}
    for a in belligerent.ids:
        by_side.setdefault(home[a], []).append(a)

    docs_out = [{"id": f"{tag}-doc-{i}", "title": f"Synthetic report {i}", "kind": "report",
                 "publisher": rnd.choice(["Synthetic Wire", "Example Monitor", "Test Gazette"]),
                 "date": _date(rnd), "language": "en"} for i in range(n_docs)]

    type_cum = list(itertools.accumulate(s for _, s in TYPE_SHARES))
    needs = {"BACKS": (backer, client), "SANCTIONS": (authority,), "PROPOSES_SANCTIONS": (authority, bodies),
             "BLOCKS": (blockers, bodies), "LEADS": (leaders, collective), "PART_OF": (collective,)}

    def relations():
        written = 0
        for i in itertools.count():
            if written >= n_relations:
                return
            if i > 1000 + 100 * n_relations:
                raise ValueError(f"cannot draw {n_relations} relations among {n_actors} actors")
            rtype = TYPE_SHARES[bisect.bisect(type_cum, rnd.random() * type_cum[-1])][0]
            if not all(needs.get(rtype, ())):
                continue   # a small graph may have none of the actors this type needs
            props: dict = {}
            if rtype in ("FIGHTS", "ALLIED_WITH", "AGREES_CEASEFIRE"):
                s = belligerent.draw(rnd)
                conflict, side = home[s]
                if rtype == "ALLIED_WITH":
                    mates = by_side.get((conflict, side), [])
                else:
                    mates = [a for sd in range(3) if sd != side for a in by_side.get((conflict, sd), [])[:200]]
                if not mates:
                    continue
                t = mates[min(int(rnd.paretovariate(1.2)) - 1, len(mates) - 1)]
            elif rtype == "BACKS":
                s, t = backer.draw(rnd), client.draw(rnd)
                props = {"support": sorted(rnd.sample(SUPPORT, rnd.randint(1, 3)))}
            elif rtype == "SANCTIONS":
                s, t = authority.draw(rnd), anyone.draw(rnd)
                props = {"program": rnd.choice(["Global Magnitsky (E.O. 13818)", "UNSC 1970", "EU 2016/44"]),
                         "measures": sorted(rnd.sample(MEASURES, rnd.randint(1, 3)))}
            elif rtype == "PROPOSES_SANCTIONS":
                if not bodies:
                    continue
                s, t = authority.draw(rnd), anyone.draw(rnd)
                props = {"forum": bodies.draw(rnd), "measures": sorted(rnd.sample(MEASURES, 2))}
            elif rtype == "BLOCKS":
                if not bodies:
                    continue
                s, t = blockers.draw(rnd), bodies.draw(rnd)
                props = {"blocked_action": "a proposed listing", "targets": [anyone.draw(rnd)],
                         "reason": "insufficient evidence"}
            elif rtype == "ACCUSES":
                s, t = anyone.draw(rnd), anyone.draw(rnd)
                props = {"allegations": sorted(rnd.sample(ALLEGATIONS, rnd.randint(1, 3)))}
            elif rtype == "LEADS":
                s, t = leaders.draw(rnd), collective.draw(rnd)
                props = {"role": rnd.choice(["commander", "leader", "chair", "founder"])}
            else:  # PART_OF
                s, t = anyone.draw(rnd), collective.draw(rnd)
            if s == t:
                continue
            record = {"id": f"{tag}-r{i}", "type": rtype, "source": s, "target": t,
                      "confidence": rnd.choice(("low", "medium", "medium", "high", "high")),
                      "status": rnd.choice(("alleged", "reported", "reported", "confirmed", "disputed")),
                      "evidence": [{"document": f"{tag}-doc-{rnd.randrange(n_docs)}",
                                    "paragraph": rnd.randint(1, 40),
                                    "summary": f"Synthetic claim {i}, item {k}."}
                                   for k in range(rnd.randint(1, 4))]}
            start = _date(rnd)
            record["start"] = start
            if rnd.random() < 0.3:
                first = PartialDate.parse(start)
                end = _date(rnd, first.year, min(first.year + 8, 2026))
                if PartialDate.parse(end).latest() >= first.earliest():
                    record["end"] = end
            if props:
                record["properties"] = props
            yield record
            written += 1

    return actors_out, docs_out, relations()
