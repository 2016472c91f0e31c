"""A small valid dataset of any size, built in memory, for load tests."""
from __future__ import annotations

import random

from conflictgraph.graph.dates import PartialDate
from conflictgraph.graph.models import Actor, Dataset, Document, Evidence, Relation


def synthetic_dataset(n_actors: int, n_relations: int, seed: int = 7, tag: str = "s") -> Dataset:
    rnd = random.Random(seed)
    doc = Document(f"{tag}-doc", "Synthetic source")
    kinds = ["state", "armed_group", "government"]
    actors = [Actor(f"{tag}-a{i}", f"Actor {i}", kinds[i % 3], aliases=[f"A{i}"] if i % 2 else [])
              for i in range(n_actors)]
    relations = []
    for i in range(n_relations):
        s, t = rnd.sample(range(n_actors), 2)
        kind = ("FIGHTS", "BACKS")[i % 2]
        # BACKS may not target a state.
        if kind == "BACKS" and actors[t].kind == "state":
            kind = "FIGHTS"
        relations.append(Relation(
            f"{tag}-r{i}", kind, actors[s].id, actors[t].id, "medium", "reported",
            [Evidence(doc.id, 1, "synthetic")], start=PartialDate(2000 + i % 20, 1 + i % 12),
            properties={"support": ["weapons"]} if kind == "BACKS" else {}))
    return Dataset(actors, relations, [doc])
