"""The Neo4j store (production), through the official `neo4j` driver.

Works unchanged on a single server (`bolt://`, `neo4j://`) and on a cluster or Aura
(`neo4j+s://`): reads go through read transactions, which the driver routes to readers;
loads go through one managed write transaction, routed to the leader.

Loading is atomic per load: one write transaction deletes what the new seed set no longer
has and MERGEs everything else by id in UNWIND batches, then checks the counts before it
commits. Versions are kept in the same database (one user database in Community): the
load first moves the current version's nodes to labels of their own (Actor_v<seq>, ...),
relationships and all, so every kept version is a graph apart that the same queries read
with its labels (cypher_text.relabel); `:GraphVersion` nodes hold the manifests. Readers see the old graph until the commit and the new one after it; a failure at
any point (or a killed loader) rolls the whole load back. Neo4j keeps a transaction's state
in memory, so a load is limited to `max_tx_records` records; larger graphs are bulk-imported
(neo4j-admin database import) rather than loaded through the driver.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
import re
import threading
import time
import uuid

import orjson
from collections import Counter, defaultdict
from typing import Any, Callable, Iterator

from neo4j import GraphDatabase, READ_ACCESS
from neo4j import exceptions as nx

from ..cypher import query_text
from ..cypher_text import relabel
from ..versions import dropped, manifest_for, now, pick
from ..errors import (ConflictGraphError, QueryAbandoned, QuerySyntaxError,
                      StoreEmpty, StoreUnavailable, WriteRejected)
from ..dataset import SeedSet
from ..models import Dataset
from ..ontology import Ontology
from ..settings import NEO4J_MAX_TX_RECORDS
from .base import GraphStore, LoadReport, Progress
from . import engine_errors
from .loading import check_stored, report, stored_counts
from .reader import CANCEL_POLL_S, RESULT_MAX_BYTES, QueryResult, Reader, collect_rows
from ..records import actor_stored_row, document_row, event_row, participation_rows, relation_row
from .values import plain

_POSITION = re.compile(r"\(line (\d+), column (\d+) \(offset: \d+\)\)")
# Research queries are classified by running "EXPLAIN " + text first: the server's syntax
# errors count columns of line 1 in that longer text.
_EXPLAIN = "EXPLAIN "
# The driver logs connection failures that we raise as StoreUnavailable anyway; without a
# handler Python would print them to stderr beside our own message.
logging.getLogger("neo4j").addHandler(logging.NullHandler())
log = logging.getLogger("conflictgraph.neo4j")


# Written by loads on every node and relationship: the load that last wrote it, so one
# transaction can upsert a stream and then delete whatever it did not write.
LOAD_ID_PROPERTY = "load_id"
NODE_LABELS = ("Actor", "Document", "Event")


def kept_label(label: str, seq: int) -> str:
    """The label a kept version's `label` nodes carry (graph/store/values.py reads it back)."""
    return f"{label}_v{int(seq)}"


def kept_labels(seq: int) -> dict[str, str]:
    return {label: kept_label(label, seq) for label in NODE_LABELS}


def _kept_index_name(label: str, seq: int) -> str:
    return f"kept_{label.lower()}_v{int(seq)}_id"


def _search_index_name(label: str) -> str:
    """The full-text index searching `label` (Actor or a kept Actor_v<seq>): graph_readers asks for it."""
    return f"{label.lower()}_search"


INDEX_WAIT_S = 600   # a full-text index over a million actors populates in well under this


def schema_statements(ontology: Ontology) -> list[str]:
    """Constraints and indexes, each idempotent (IF NOT EXISTS)."""
    stmts = [query_text(name, "neo4j") for name in
             ("actor_id_unique", "document_id_unique", "event_id_unique", "actor_kind_index",
              "actor_name_text_index", "actor_search_index", "graph_version_seq_unique")]
    expansions = template_expansions(ontology)
    return stmts + expansions["relation_id_index"] + expansions["relation_start_index"]


def template_expansions(ontology: Ontology) -> dict[str, list[str]]:
    """Every text each placeholder query becomes, by query name: with the texts that
    need no filling, this is everything the Neo4j store can send (CI lints all of it)."""
    return {
        "upsert_nodes": [upsert_nodes_statement(label) for label in ("Actor", "Document", "Event")],
        "upsert_relations": [upsert_relations_statement(t) for t in ontology.relation_types],
        "relation_id_index": [query_text("relation_id_index", "neo4j", type=t, name=t.lower())
                              for t in ontology.relation_types],
        "relation_start_index": [query_text("relation_start_index", "neo4j", type=t, name=t.lower())
                                 for t in ontology.relation_types],
        "keep_version_nodes": [query_text("keep_version_nodes", "neo4j", label=label, kept=kept_label(label, 1))
                               for label in NODE_LABELS],
        "drop_version_nodes": [query_text("drop_version_nodes", "neo4j", kept=kept_label(label, 1))
                               for label in NODE_LABELS],
        "kept_id_index": [query_text("kept_id_index", "neo4j", name=_kept_index_name(label, 1),
                                     label=kept_label(label, 1)) for label in NODE_LABELS],
        "drop_kept_id_index": [query_text("drop_kept_id_index", "neo4j", name=_kept_index_name(label, 1))
                               for label in NODE_LABELS],
        "kept_search_index": [query_text("kept_search_index", "neo4j", name=_search_index_name(kept_label("Actor", 1)),
                                         label=kept_label("Actor", 1))],
    }


def upsert_relations_statement(type_name: str) -> str:
    return query_text("upsert_relations", "neo4j", type=type_name)


def upsert_nodes_statement(label: str) -> str:
    return query_text("upsert_nodes", "neo4j", label=label)


def _relation_params(row: dict[str, Any]) -> dict[str, Any]:
    # Neo4j drops a property set to null, so only present values are sent.
    props = {k: v for k, v in row.items() if k not in ("source", "target") and v is not None}
    return {"id": row["id"], "source": row["source"], "target": row["target"], "props": props}


def _node_params(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v is not None}


def _translate(e: Exception, where: str) -> ConflictGraphError:
    if isinstance(e, nx.AuthError):
        return StoreUnavailable(f"Neo4j at {where} rejected the user name or password "
                                "(check NEO4J_USER and NEO4J_PASSWORD)")
    if isinstance(e, (nx.ServiceUnavailable, nx.SessionExpired)):
        return StoreUnavailable(f"cannot reach Neo4j at {where}: {e}")
    if isinstance(e, nx.CypherSyntaxError):
        return _syntax_error(str(e.message or e), None, 0)
    code = getattr(e, "code", "") or ""
    if "TransactionTimedOut" in code or "Terminated" in code:
        return engine_errors.timed_out()
    if "Forbidden" in code or "AccessMode" in code:
        return engine_errors.writes_refused(str(getattr(e, "message", e)))
    if "MemoryPoolOutOfMemoryError" in code:
        return engine_errors.out_of_memory()
    if isinstance(e, nx.Neo4jError):
        return engine_errors.refused(getattr(e, "message", None) or str(e))
    return ConflictGraphError(str(e))


# What the driver raises: the server's errors and the driver's own (connection, session,
# protocol). Nothing else is translated.
_DRIVER_ERRORS = (nx.Neo4jError, nx.DriverError)
# The metadata key that tags a research query's transaction, so it can be stopped by name.
_REQUEST_KEY = "conflictgraph_request"


def _syntax_error(message: str, text: str | None, shift: int) -> QuerySyntaxError:
    """The server's syntax error, its position in the user's own text (`shift` characters
    of line 1 were ours) and that line echoed with a caret, as the server would have."""
    m = _POSITION.search(message)
    if not m:
        return QuerySyntaxError(message, None, None)
    line, column = int(m[1]), int(m[2])
    if line == 1:
        column = max(1, column - shift)
    head = message[:m.start()].rstrip()
    detail = f"{head} (line {line}, column {column})"
    lines = (text or "").splitlines()
    if 0 < line <= len(lines):
        detail += f"\n{lines[line - 1]}\n{' ' * (column - 1)}^"
    return QuerySyntaxError(detail, line, column)


def _versions(rows: list[list[Any]]) -> list[dict[str, Any]]:
    """The rows of cypher/store/versions_kept as the versions' manifests, newest first."""
    out = []
    for seq, version_id, current, manifest in rows:
        try:
            described = orjson.loads(manifest or "{}")
        except orjson.JSONDecodeError:
            described = {}
        out.append({**described, "id": version_id, "seq": seq, "current": bool(current),
                    "labels": None if current else kept_labels(seq)})
    return out


class _Neo4jReader(Reader):
    def __init__(self, tx, allowed: frozenset[str], row_limit: int | None, uri: str,
                 byte_limit: int | None = None, labels: dict[str, str] | None = None):
        super().__init__("neo4j", allowed)
        self._tx, self._row_limit, self._uri = tx, row_limit, uri
        self._byte_limit = byte_limit   # for researchers' own queries only
        # A kept version's labels: every text read through this reader is read on them.
        self._labels = labels
        self.kept_labels = labels or None

    def classify(self, cypher: str, params: dict[str, Any]) -> None:
        """The planner's own verdict: only read-only queries (query type "r") may run."""
        try:
            summary = self._tx.run(_EXPLAIN + cypher, params).consume()
        except nx.CypherSyntaxError as e:
            raise _syntax_error(str(e.message or e), cypher, len(_EXPLAIN)) from e
        if summary.query_type != "r":
            raise WriteRejected("writes are not allowed: research queries are read-only "
                                f"(Neo4j classifies this query as {summary.query_type!r})")

    def _execute(self, cypher: str, params: dict[str, Any], row_limit: int | None, *,
                 trusted: bool) -> QueryResult:
        limit = row_limit if row_limit is not None else self._row_limit
        if self._labels:
            cypher = relabel(cypher, self._labels)
        try:
            if not trusted:
                self.classify(cypher, params)
            result = self._tx.run(cypher, params)
            rows, truncated = collect_rows(([plain(v) for v in record.values()] for record in result),
                                           limit, None if trusted else self._byte_limit)
            return QueryResult(list(result.keys()), rows, truncated)
        except _DRIVER_ERRORS as e:
            raise _translate(e, self._uri) from e


class Neo4jStore(GraphStore):
    dialect = "neo4j"
    allowed_procedures = frozenset({"db.labels", "db.relationshiptypes", "db.propertykeys",
                                    "db.schema.visualization", "db.schema.nodetypeproperties",
                                    "db.schema.reltypeproperties"})

    def __init__(self, uri: str, ontology: Ontology, *, user: str = "neo4j", password: str = "",
                 database: str = "neo4j", query_timeout_ms: int = 10_000,
                 row_limit: int | None = 10_000, max_tx_records: int = NEO4J_MAX_TX_RECORDS,
                 result_max_bytes: int | None = RESULT_MAX_BYTES,
                 keep_versions: int | None = None, keep_days: float | None = None):
        super().__init__(ontology)
        self.keep_versions, self.keep_days = keep_versions, keep_days   # retention (graph/versions.py)
        self.uri, self.database = uri, database
        self.query_timeout_ms, self.row_limit = query_timeout_ms, row_limit
        self.result_max_bytes = result_max_bytes
        self.max_tx_records = max_tx_records
        self._driver = GraphDatabase.driver(uri, auth=(user, password))
        self._verified = False
        self._lock = threading.Lock()

    @property
    def location(self) -> str:
        return f"{self.uri} (database {self.database})"

    def _ensure_connected(self) -> None:
        if self._verified:
            return
        with self._lock:
            try:
                self._driver.verify_connectivity()
            except Exception as e:  # noqa: BLE001 - every failure here means "cannot use the store"
                raise _translate(e, self.uri) from e
            self._verified = True

    def close(self) -> None:
        self._driver.close()

    # --- schema --------------------------------------------------------------------
    def init_schema(self) -> list[str]:
        self._ensure_connected()
        stmts = schema_statements(self.ontology)
        try:
            with self._driver.session(database=self.database) as session:
                for stmt in stmts:
                    session.run(stmt).consume()
                # Made on a graph already loaded, the search index fills in the background.
                session.run(query_text("await_index", "neo4j"), name=_search_index_name("Actor"),
                            seconds=INDEX_WAIT_S).consume()
        except Exception as e:  # noqa: BLE001
            raise _translate(e, self.uri) from e
        return stmts

    # --- reading -------------------------------------------------------------------
    @contextmanager
    def reading(self, *, timeout_ms: int | None = None, row_limit: int | None = None,
                metadata: dict[str, str] | None = None, version: str | None = None) -> Iterator["_Neo4jReader"]:
        """One read transaction (routed to a reader on a cluster) for all queries of the block;
        `metadata` is attached to it (SHOW TRANSACTIONS lists it). `version`: a kept version,
        read on its own labels."""
        self._ensure_connected()
        timeout = (timeout_ms or self.query_timeout_ms) / 1000
        try:
            with self._driver.session(database=self.database, default_access_mode=READ_ACCESS) as session:
                with session.begin_transaction(timeout=timeout, metadata=metadata) as tx:
                    labels = None
                    if version is not None:   # resolved in the read's own transaction: one round trip
                        kept = _versions([list(r.values()) for r in tx.run(query_text("versions_kept", "neo4j"))])
                        info = pick(kept, version)
                        labels = None if info["current"] else kept_labels(info["seq"])
                    yield _Neo4jReader(tx, self.allowed_procedures,
                                       row_limit if row_limit is not None else self.row_limit, self.uri,
                                       self.result_max_bytes, labels)
                    # Nothing to commit: a read transaction is rolled back when the block ends.
        except _DRIVER_ERRORS as e:
            # Only the driver's and the server's errors are translated: anything else raised
            # inside the block (NotFound, a bad parameter) is the caller's and passes as it is.
            raise _translate(e, self.uri) from e

    def research_query(self, cypher: str, params: dict[str, Any] | None = None, *,
                       row_limit: int | None = None, timeout_ms: int | None = None,
                       cancelled: Callable[[], bool] | None = None, version: str | None = None) -> QueryResult:
        """As every store's; when `cancelled()` turns true the server terminates the query's
        transaction (found by a token in its metadata), so an abandoned query stops costing
        the database at once rather than at its time limit."""
        if cancelled is None:
            return super().research_query(cypher, params, row_limit=row_limit, timeout_ms=timeout_ms,
                                          version=version)
        if cancelled():
            raise QueryAbandoned("the query was not run: its client went away while it waited")
        token = uuid.uuid4().hex
        done = threading.Event()

        def watch():
            while not done.wait(CANCEL_POLL_S):
                if cancelled():
                    self._terminate(token)
                    return
        watcher = threading.Thread(target=watch, name="research-query-watch", daemon=True)
        watcher.start()
        try:
            with self.reading(timeout_ms=timeout_ms, row_limit=row_limit, metadata={_REQUEST_KEY: token},
                              version=version) as reader:
                return reader.query(cypher, params)
        except ConflictGraphError as e:
            if cancelled():
                raise QueryAbandoned("the query was stopped: its client went away") from e
            raise
        finally:
            done.set()
            watcher.join()

    def _terminate(self, token: str) -> None:
        try:
            with self._driver.session(database=self.database) as session:
                found = session.run(query_text("transactions_tagged", "neo4j"), key=_REQUEST_KEY, token=token)
                ids = [r["id"] for r in found]
                if ids:
                    session.run(query_text("terminate_transactions", "neo4j"), ids=ids).consume()
        except _DRIVER_ERRORS as e:   # it may have finished meanwhile; its deadline still stands
            log.warning("could not stop an abandoned research query: %s", e)

    def stats(self, version: str | None = None) -> dict[str, Any]:
        st = super().stats(version)
        if not (st["actors"] or st["relations"] or st["documents"]):
            # A Neo4j database that was never loaded and one loaded with nothing look alike;
            # both have nothing to serve (the embedded store says the same).
            raise StoreEmpty(f"nothing has been loaded into {self.location} yet: run `conflictgraph load`")
        return st

    def version(self) -> str | None:
        with self.reading() as reader:
            rows = reader.run_named("version_current").rows or reader.run_named("load_id").rows
        return rows[0][0] if rows else None   # load_id: a graph loaded before versions were kept

    def versions(self) -> list[dict[str, Any]]:
        return _versions(self.run_named("versions_kept").rows)

    def engine_read_only_check(self, cypher: str, params: dict[str, Any] | None = None) -> None:
        with self.reading() as reader:
            reader.classify(cypher, params or {})

    # --- loading -------------------------------------------------------------------
    def load(self, source: Dataset | SeedSet, *, batch_size: int = 20_000,
             progress: Progress | None = None) -> LoadReport:
        total = source.estimated_total()
        if total > self.max_tx_records:
            raise ConflictGraphError(
                f"{total} records exceed the one-transaction load limit of {self.max_tx_records} "
                "(CONFLICTGRAPH_NEO4J_MAX_TX_RECORDS). Raise it together with Neo4j's "
                "db.memory.transaction.total.max, or bulk-import with neo4j-admin database import "
                "(conflictgraph export -f csv).")
        started = time.perf_counter()
        self.init_schema()
        load_id = uuid.uuid4().hex
        manifest = manifest_for(source, self.ontology)
        kept = self.versions()
        current = next((v for v in kept if v["current"]), None)
        if current is not None and current["id"] == manifest["id"]:
            # The same files (or records) under the same ontology: the same graph.
            return LoadReport(self.location, dict(current.get("counts") or {}),
                              dict(current.get("relations_by_type") or {}),
                              round(time.perf_counter() - started, 3), version=manifest["id"], unchanged=True)
        seq = 1 + max((v["seq"] for v in kept), default=0)
        recorded_at = now()
        drop = dropped([(seq, recorded_at)] + [(v["seq"], v.get("recorded_at")) for v in kept],
                       self.keep_versions, self.keep_days)
        # The current version moves to labels of its own unless the policy drops it: then the
        # load overwrites it in place, as a load did before versions were kept.
        keep_current = current is not None and current["seq"] not in drop

        def work(tx) -> dict[str, int]:
            # A managed transaction may run this again after a transient error: everything,
            # the relation stream included, is produced afresh inside it.
            done, expected = 0, Counter()
            if keep_current:
                for label in NODE_LABELS:
                    tx.run(query_text("keep_version_nodes", "neo4j", label=label,
                                      kept=kept_label(label, current["seq"]))).consume()
            for old in drop:
                if current is None or old != current["seq"]:
                    for label in NODE_LABELS:
                        tx.run(query_text("drop_version_nodes", "neo4j", kept=kept_label(label, old))).consume()

            def write(stage: str, statement: str, rows: list[dict]) -> None:
                nonlocal done
                try:
                    tx.run(statement, rows=rows, load_id=load_id).consume()
                except nx.Neo4jError as e:
                    if "MemoryPoolOutOfMemoryError" not in (e.code or ""):
                        raise
                    # The driver would retry this "transient" error for 30 s and fail the
                    # same way: it is the load's size, so stop at once and say so.
                    raise ConflictGraphError(
                        f"the load ran out of Neo4j's transaction memory after {done} of {total} "
                        f"records ({e.message}); nothing was loaded. Lower "
                        "CONFLICTGRAPH_NEO4J_MAX_TX_RECORDS to refuse such loads up front, raise "
                        "db.memory.transaction.total.max (and the heap), or bulk-import with "
                        "neo4j-admin database import (conflictgraph export -f csv).") from e
                done += len(rows)
                if progress:
                    progress(stage, done, total)

            for label, items, shape in (("Document", source.documents, document_row),
                                        ("Actor", source.actors, actor_stored_row),
                                        ("Event", source.events, event_row)):
                for i in range(0, len(items), batch_size):
                    write(label.lower() + "s", upsert_nodes_statement(label),
                          [_node_params(shape(x)) for x in items[i:i + batch_size]])
            for i in range(0, len(source.events), batch_size):
                write("participations", query_text("upsert_participations", "neo4j"),
                      [p for e in source.events[i:i + batch_size] for p in participation_rows(e)])
            for batch in source.relation_batches(batch_size):
                grouped: dict[str, list[dict]] = defaultdict(list)
                for r in batch:
                    grouped[r.type].append(_relation_params(relation_row(r, self.ontology)))
                    expected[r.type] += 1
                for type_name, rows in grouped.items():
                    write(f"relations:{type_name}", upsert_relations_statement(type_name), rows)
            for name in ("delete_stale_relations", "delete_stale_participations", "delete_stale_events",
                         "delete_stale_actors", "delete_stale_documents"):
                tx.run(query_text(name, "neo4j"), load_id=load_id).consume()
            # Raising here (LoadFailed) rolls the whole transaction back.
            by_type = check_stored(source, expected,
                                   stored_counts(lambda text: [list(rec.values()) for rec in tx.run(text)], "neo4j"))
            counted = report(self.location, source, by_type, started)
            tx.run(query_text("record_version", "neo4j"), seq=seq, id=manifest["id"], recorded_at=recorded_at,
                   dropped=drop, manifest=orjson.dumps({
                       **manifest, "seq": seq, "recorded_at": recorded_at, "counts": counted.counts,
                       "relations_by_type": dict(sorted(by_type.items()))}).decode()).consume()
            return by_type

        try:
            with self._driver.session(database=self.database) as session:
                by_type = session.execute_write(work)
                # Index changes cannot share a transaction with writes: after the commit.
                if keep_current:
                    for label in NODE_LABELS:
                        session.run(query_text("kept_id_index", "neo4j", name=_kept_index_name(label, current["seq"]),
                                               label=kept_label(label, current["seq"]))).consume()
                    actors = kept_label("Actor", current["seq"])
                    session.run(query_text("kept_search_index", "neo4j", name=_search_index_name(actors),
                                           label=actors)).consume()
                    session.run(query_text("await_index", "neo4j"), name=_search_index_name(actors),
                                seconds=INDEX_WAIT_S).consume()
                for old in drop:
                    for label in NODE_LABELS:
                        session.run(query_text("drop_kept_id_index", "neo4j",
                                               name=_kept_index_name(label, old))).consume()
                    session.run(query_text("drop_kept_id_index", "neo4j",
                                           name=_search_index_name(kept_label("Actor", old)))).consume()
        except ConflictGraphError:
            raise
        except _DRIVER_ERRORS as e:
            raise _translate(e, self.uri) from e
        done = report(self.location, source, by_type, started)
        done.version, done.pruned = manifest["id"], [v["id"] for v in kept if v["seq"] in drop]
        return done
