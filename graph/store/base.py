"""The store interface every engine implements: load a dataset, read consistent snapshots."""
from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, ContextManager, Iterator

from ..errors import ConflictGraphError, QueryAbandoned
from ..versions import check_id, pick
from ..models import Dataset
from ..ontology import Ontology
from .graph_readers import CypherGraphReader, GraphReader
from .reader import QueryResult, Reader

# progress(stage, done, total): called after every written batch; raising aborts the load,
# which must then leave the previously loaded graph untouched.
Progress = Callable[[str, int, int], None]


@dataclass
class LoadReport:
    location: str
    counts: dict[str, int]
    relations_by_type: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    version: str | None = None     # the id of the version now current (graph/versions.py)
    unchanged: bool = False        # what was loaded is the current version already: nothing written
    pruned: list[str] = field(default_factory=list)   # versions the retention policy removed


class GraphStore(ABC):
    """A graph of actors and relations, loaded whole from a validated Dataset."""

    dialect: str  # "embedded" | "neo4j": picks the text of each named query
    # Read-only catalogue procedures a research query may CALL (lower-case names).
    allowed_procedures: frozenset[str] = frozenset()

    def __init__(self, ontology: Ontology):
        self.ontology = ontology

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the store is, for messages (a path or a URI without credentials)."""

    @abstractmethod
    def load(self, dataset: Dataset, *, batch_size: int = 2000,
             progress: Progress | None = None) -> LoadReport:
        """Replace the graph with `dataset`, atomically: readers see the old graph or the new one."""

    @abstractmethod
    def reading(self, *, timeout_ms: int | None = None, row_limit: int | None = None,
                version: str | None = None) -> ContextManager[Reader]:
        """A Reader whose queries all see the same graph, even if a load replaces it
        meanwhile; `timeout_ms` bounds the whole read on the server side. `version`: a kept
        version's id (graph/versions.py) instead of the current graph; NotFound if not kept."""

    # --- versions ----------------------------------------------------------------------
    def versions(self) -> list[dict[str, Any]]:
        """The versions this store keeps, newest first: each one's manifest (graph/versions.py)
        with `seq`, `recorded_at`, `counts`, `current` and what it costs on disk."""
        return []

    def version_info(self, version: str) -> dict[str, Any]:
        """One kept version's manifest, as versions() lists it (NotFound if not kept)."""
        return pick(self.versions(), check_id(version))

    def at(self, version: str | None) -> "GraphStore":
        """This store as of a kept version (None or "": as it is now, following loads)."""
        if not version:
            return self
        return PinnedStore(self, version)

    @contextmanager
    def graph_reading(self, *, row_limit: int | None = None) -> Iterator[GraphReader]:
        """The service's graph questions on one snapshot (see reading), answered the way this
        store answers them best (graph/store/graph_readers.py)."""
        with self.reading(row_limit=row_limit) as reader:
            yield self.graph_reader(reader)

    def graph_reader(self, reader: Reader) -> GraphReader:
        """The GraphReader over `reader`: Cypher, unless a store keeps something faster."""
        return CypherGraphReader(reader, self.ontology)

    def query(self, cypher: str, params: dict[str, Any] | None = None, *,
              row_limit: int | None = None, timeout_ms: int | None = None) -> QueryResult:
        """Run one read-only query; writes are rejected with WriteRejected."""
        with self.reading(timeout_ms=timeout_ms, row_limit=row_limit) as reader:
            return reader.query(cypher, params)

    def init_schema(self) -> list[str]:
        """Create constraints and indexes where the engine keeps them apart from loads;
        returns the statements run (none for a store that builds its schema per load)."""
        return []

    @abstractmethod
    def engine_read_only_check(self, cypher: str, params: dict[str, Any] | None = None) -> None:
        """Ask the engine itself whether `cypher` is read-only, without the lexical check;
        raise WriteRejected if not. The second line of defence, testable on its own."""

    def close(self) -> None:
        pass

    def warm_up(self) -> None:
        """Prepare what the first request would otherwise wait for (nothing, by default)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def research_query(self, cypher: str, params: dict[str, Any] | None = None, *,
                       row_limit: int | None = None, timeout_ms: int | None = None,
                       cancelled: Callable[[], bool] | None = None, version: str | None = None) -> QueryResult:
        """A researcher's own query, from the API: read-only, bounded in time, rows and
        memory, and unable to take the service down with it. When `cancelled()` turns true
        (its client went away) the query is stopped and QueryAbandoned raised."""
        if cancelled is not None and cancelled():
            raise QueryAbandoned("the query was not run: its client went away while it waited")
        with self.reading(timeout_ms=timeout_ms, row_limit=row_limit, version=version) as reader:
            return reader.query(cypher, params)

    def version(self) -> str | None:
        """What identifies the published graph: it changes with every load and only then.
        None where the store cannot tell (answers derived from it are then not cached)."""
        return None

    def run_named(self, name: str, /, **params: Any) -> QueryResult:
        with self.reading() as reader:
            return reader.run_named(name, **params)

    def stats(self, version: str | None = None) -> dict[str, Any]:
        with self.reading(version=version) as r:
            kinds = {x["kind"]: x["n"] for x in r.run_named("stats_actors_by_kind").records()}
            types = {x["type"]: x["n"] for x in r.run_named("stats_relations_by_type").records()}
            docs = r.run_named("stats_documents").rows[0][0]
            events = r.run_named("count_events").rows[0][0]
        return {"actors": sum(kinds.values()), "relations": sum(types.values()), "documents": docs, "events": events,
                "actors_by_kind": dict(sorted(kinds.items())),
                "relations_by_type": dict(sorted(types.items()))}


class PinnedStore(GraphStore):
    """A store read as of one kept version: every read goes to the owner with that version.
    Loading through it is refused; a version never changes."""

    def __init__(self, owner: GraphStore, version: str):
        super().__init__(owner.ontology)
        self.owner, self.pinned = owner, check_id(version)
        self.dialect, self.allowed_procedures = owner.dialect, owner.allowed_procedures
        owner.version_info(self.pinned)     # NotFound when not kept, before any read

    @property
    def location(self) -> str:
        return f"{self.owner.location} as of version {self.pinned}"

    def load(self, dataset, *, batch_size: int = 2000, progress: Progress | None = None) -> LoadReport:
        raise ConflictGraphError(f"version {self.pinned} is a published version: it cannot be loaded into")

    def reading(self, *, timeout_ms: int | None = None, row_limit: int | None = None,
                version: str | None = None):
        return self.owner.reading(timeout_ms=timeout_ms, row_limit=row_limit, version=version or self.pinned)

    def graph_reader(self, reader: Reader) -> GraphReader:
        return self.owner.graph_reader(reader)

    def research_query(self, cypher: str, params: dict[str, Any] | None = None, *,
                       row_limit: int | None = None, timeout_ms: int | None = None,
                       cancelled: Callable[[], bool] | None = None, version: str | None = None) -> QueryResult:
        return self.owner.research_query(cypher, params, row_limit=row_limit, timeout_ms=timeout_ms,
                                         cancelled=cancelled, version=version or self.pinned)

    def engine_read_only_check(self, cypher: str, params: dict[str, Any] | None = None) -> None:
        self.owner.engine_read_only_check(cypher, params)

    def versions(self) -> list[dict[str, Any]]:
        return self.owner.versions()

    def version_info(self, version: str) -> dict[str, Any]:
        return self.owner.version_info(version)

    def at(self, version: str | None) -> GraphStore:
        return self.owner.at(version)

    def version(self) -> str | None:
        return self.pinned

    def stats(self) -> dict[str, Any]:
        return self.owner.stats(version=self.pinned)
