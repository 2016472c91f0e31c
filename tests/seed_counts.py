"""What the project's seed set holds, counted from the seed files themselves, so tests that
check a whole-graph answer follow the data instead of repeating its size."""
from conflictgraph.graph.dataset import read_dataset
from conflictgraph.graph.ontology import default_ontology
from conflictgraph.graph.paths import SEED_DIR

_SEED = read_dataset(SEED_DIR)
_SYMMETRIC = {n for n, t in default_ontology().relation_types.items() if not t.directed}

ACTORS, RELATIONS, DOCUMENTS = len(_SEED.actors), len(_SEED.relations), len(_SEED.documents)
EVENTS, PARTICIPATIONS = len(_SEED.events), sum(len(e.participants) for e in _SEED.events)
SYMMETRIC_RELATIONS = sum(r.type in _SYMMETRIC for r in _SEED.relations)
CITED_DOCUMENTS = len({e.document for r in _SEED.relations for e in r.evidence})
# The whole-graph export's timeline (Gephi's time bounds): the first day of the earliest start
# to the last day of the latest bound.
_DAYS = [r.start.earliest() for r in _SEED.relations if r.start] + [r.end.latest() for r in _SEED.relations if r.end]
TIME_BOUNDS = (min(_DAYS).isoformat(), max(_DAYS).isoformat())
