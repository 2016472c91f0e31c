"""Opening a store from its location setting (CONFLICTGRAPH_STORE)."""
from __future__ import annotations

from ..errors import StoreUnavailable
from ..ontology import Ontology, default_ontology
from ..settings import Settings
from .base import GraphStore

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def open_store(uri: str | None = None, ontology: Ontology | None = None,
               settings: Settings | None = None) -> GraphStore:
    """`embedded:PATH` (or a plain path) opens the embedded store; Neo4j URIs the Neo4j store."""
    settings = settings or Settings.from_env()
    uri = uri or settings.store
    ontology = ontology or default_ontology()
    if uri.startswith(NEO4J_SCHEMES):
        from .neo4j_store import Neo4jStore
        try:
            return Neo4jStore(uri, ontology, user=settings.neo4j_user, password=settings.neo4j_password,
                              database=settings.neo4j_database, query_timeout_ms=settings.query_timeout_ms,
                              row_limit=settings.row_limit, max_tx_records=settings.neo4j_max_tx_records,
                              result_max_bytes=settings.result_max_mb << 20,
                              keep_versions=settings.keep_versions, keep_days=settings.keep_days)
        except ValueError as e:  # the driver's verdict on a malformed URI
            raise StoreUnavailable(f"bad Neo4j URI {uri!r}: {e}") from e
    from .embedded import EmbeddedStore
    path = uri[len("embedded:"):] if uri.startswith("embedded:") else uri
    if not path:
        raise StoreUnavailable("the embedded store needs a path: embedded:PATH")
    return EmbeddedStore(path, ontology, buffer_pool_mb=settings.buffer_pool_mb,
                         load_buffer_pool_mb=settings.load_buffer_pool_mb,
                         query_timeout_ms=settings.query_timeout_ms, row_limit=settings.row_limit,
                         query_workers=settings.query_workers, query_memory_mb=settings.query_memory_mb,
                         projection=settings.projection, load_workers=settings.load_workers,
                         accept_unconfined_queries=settings.unconfined_queries,
                         result_max_bytes=settings.result_max_mb << 20,
                         keep_versions=settings.keep_versions, keep_days=settings.keep_days)
