"""Settings from the environment, read in one place."""
from __future__ import annotations

import os
from dataclasses import dataclass

# Records one Neo4j load may hold in its transaction. Measured on Neo4j 5.26 with the
# db.memory.transaction.total.max of 512 MiB that tools/neo4j and docker-compose.yml set:
# synthetic seed sets of 66,000 records loaded, 77,000 ran out of transaction memory (about
# 6 KB of transaction state per record). 60,000 keeps a margin for records with long evidence.
NEO4J_MAX_TX_RECORDS = 60_000

DEFAULT_STORE = "embedded:data/graph"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"setting {name}={raw!r} must be a whole number") from None


def _bool(name: str, default: bool) -> bool:
    raw = (os.environ.get(name) or "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SystemExit(f"setting {name}={raw!r} must be 1 or 0")


def _accept(name: str) -> bool:
    # A deliberate word, not a boolean: it lowers a security wall.
    raw = (os.environ.get(name) or "").strip().lower()
    if raw in ("", "refuse"):
        return False
    if raw == "accept":
        return True
    raise SystemExit(f"setting {name}={raw!r} must be 'accept' or 'refuse'")


def _optional(name: str, kind, least):
    """A number setting that is unset (no limit) unless given; at least `least`."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or value < least or value != value:
        raise SystemExit(f"setting {name}={raw!r} must be a number of at least {least} (or unset: no limit)")
    return value


@dataclass(frozen=True)
class Settings:
    store: str                  # CONFLICTGRAPH_STORE: embedded:PATH or neo4j://host:7687
    query_timeout_ms: int       # CONFLICTGRAPH_QUERY_TIMEOUT_MS: server-side limit for research queries
    row_limit: int              # CONFLICTGRAPH_ROW_LIMIT: rows returned before `truncated`
    result_max_mb: int          # CONFLICTGRAPH_RESULT_MAX_MB: a research query's result stops (truncated) at this size of JSON
    max_body_kb: int            # CONFLICTGRAPH_MAX_BODY_KB: largest request body; larger is 413
    batch_size: int             # CONFLICTGRAPH_BATCH_SIZE: records per write batch when loading
    load_workers: int           # CONFLICTGRAPH_LOAD_WORKERS: processes checking large relation files (embedded; 1 = none)
    buffer_pool_mb: int         # CONFLICTGRAPH_BUFFER_POOL_MB: embedded engine's memory cap (0 = engine default)
    load_buffer_pool_mb: int    # CONFLICTGRAPH_LOAD_BUFFER_POOL_MB: the engine's memory cap while a load copies (0 = half the machine's memory)
    query_workers: int          # CONFLICTGRAPH_QUERY_WORKERS: processes for research queries (embedded)
    query_memory_mb: int        # CONFLICTGRAPH_QUERY_MEMORY_MB: resident memory of one research-query worker, its buffer pool included (embedded)
    unconfined_queries: bool    # CONFLICTGRAPH_UNCONFINED_QUERIES=accept: run research queries where the kernel cannot confine them (embedded)
    projection: bool            # CONFLICTGRAPH_PROJECTION: answer graph questions from memory (embedded; 1/0)
    analytics_timeout_s: int    # CONFLICTGRAPH_ANALYTICS_TIMEOUT_S: time one /analytics computation may take (then 504)
    analytics_memory_mb: int    # CONFLICTGRAPH_ANALYTICS_MEMORY_MB: memory one /analytics computation may use
    research_queue: int         # CONFLICTGRAPH_RESEARCH_QUEUE: research queries that may wait for a worker; more get 503
    heavy_slots: int            # CONFLICTGRAPH_HEAVY_SLOTS: whole-graph requests (analytics, exports, subgraphs, paths) run at once
    heavy_queue: int            # CONFLICTGRAPH_HEAVY_QUEUE: whole-graph requests that may wait; more get 503
    cors_origins: list[str]     # CONFLICTGRAPH_CORS_ORIGINS: comma-separated origins allowed to call the API
    header_timeout_s: int       # CONFLICTGRAPH_HEADER_TIMEOUT_S: a connection that has not sent a request head by then is closed
    request_timeout_s: int      # CONFLICTGRAPH_REQUEST_TIMEOUT_S: ... and one that has not sent its whole request
    max_connections: int        # CONFLICTGRAPH_MAX_CONNECTIONS: open connections per process (held below the descriptor limit)
    neo4j_user: str             # NEO4J_USER
    neo4j_password: str         # NEO4J_PASSWORD
    neo4j_database: str         # NEO4J_DATABASE
    neo4j_max_tx_records: int   # CONFLICTGRAPH_NEO4J_MAX_TX_RECORDS: largest load done in one transaction
    explorer_dir: str = ""      # CONFLICTGRAPH_EXPLORER_DIR: the Explorer's built files (default: explorer/dist)
    keep_versions: int | None = None   # CONFLICTGRAPH_KEEP_VERSIONS: versions a load keeps, the newest (default: all)
    keep_days: float | None = None     # CONFLICTGRAPH_KEEP_DAYS: ... and none recorded longer ago (default: no limit)

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            store=os.environ.get("CONFLICTGRAPH_STORE") or DEFAULT_STORE,
            query_timeout_ms=_int("CONFLICTGRAPH_QUERY_TIMEOUT_MS", 10_000),
            row_limit=_int("CONFLICTGRAPH_ROW_LIMIT", 10_000),
            result_max_mb=_int("CONFLICTGRAPH_RESULT_MAX_MB", 32),
            max_body_kb=_int("CONFLICTGRAPH_MAX_BODY_KB", 1024),
            batch_size=_int("CONFLICTGRAPH_BATCH_SIZE", 2_000),
            load_workers=_int("CONFLICTGRAPH_LOAD_WORKERS", min(4, os.cpu_count() or 1)),
            buffer_pool_mb=_int("CONFLICTGRAPH_BUFFER_POOL_MB", 1_024),
            load_buffer_pool_mb=_int("CONFLICTGRAPH_LOAD_BUFFER_POOL_MB", 0),
            query_workers=_int("CONFLICTGRAPH_QUERY_WORKERS", 2),
            query_memory_mb=_int("CONFLICTGRAPH_QUERY_MEMORY_MB", 1_024),
            unconfined_queries=_accept("CONFLICTGRAPH_UNCONFINED_QUERIES"),
            projection=_bool("CONFLICTGRAPH_PROJECTION", True),
            analytics_timeout_s=_int("CONFLICTGRAPH_ANALYTICS_TIMEOUT_S", 30),
            analytics_memory_mb=_int("CONFLICTGRAPH_ANALYTICS_MEMORY_MB", 1024),
            research_queue=_int("CONFLICTGRAPH_RESEARCH_QUEUE", 16),
            heavy_slots=_int("CONFLICTGRAPH_HEAVY_SLOTS", 2),
            heavy_queue=_int("CONFLICTGRAPH_HEAVY_QUEUE", 16),
            cors_origins=[o.strip() for o in os.environ.get("CONFLICTGRAPH_CORS_ORIGINS", "").split(",")
                          if o.strip()],
            header_timeout_s=_int("CONFLICTGRAPH_HEADER_TIMEOUT_S", 15),
            request_timeout_s=_int("CONFLICTGRAPH_REQUEST_TIMEOUT_S", 60),
            max_connections=_int("CONFLICTGRAPH_MAX_CONNECTIONS", 1000),
            neo4j_user=os.environ.get("NEO4J_USER") or "neo4j",
            neo4j_password=os.environ.get("NEO4J_PASSWORD") or "",
            neo4j_database=os.environ.get("NEO4J_DATABASE") or "neo4j",
            neo4j_max_tx_records=_int("CONFLICTGRAPH_NEO4J_MAX_TX_RECORDS", NEO4J_MAX_TX_RECORDS),
            explorer_dir=os.environ.get("CONFLICTGRAPH_EXPLORER_DIR", ""),
            keep_versions=_optional("CONFLICTGRAPH_KEEP_VERSIONS", int, 1),
            keep_days=_optional("CONFLICTGRAPH_KEEP_DAYS", float, 0),
        )
