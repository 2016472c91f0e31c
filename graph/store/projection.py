"""The read model of one published embedded generation: every actor and relation in
columnar memory (Arrow), with adjacency arrays (numpy, CSR) over it.

Why: LadybugDB 0.22 answers the API's graph questions slowly where they matter most — an
actor's filtered relations cost ~8 ms at 100k relations (the filters and the `r` struct,
not the lookup), `* ALL SHORTEST` costs ~200 ms, and fetching given relations by id is a
table scan. A generation never changes once published (graph/store/embedded.py), so a copy
made once, when the service first reads it, cannot drift from the database; it is dropped
with its generation. Research Cypher still runs on the engine.

The semantics are those of the Cypher the other stores run (cypher/api/, the filters in
cypher/fragments/relation_filters.cypher): tests/test_projection.py asks both the same
questions on the same graph and compares every answer.
"""
from __future__ import annotations

import bisect
import itertools
import threading
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from ..cypher import query_text
from ..dates import NO_END, NO_START, PartialDate, day_key, end_key, holds_on, start_key
from ..ontology import Ontology
from ..records import (ACTOR_COLUMNS, EVIDENCE_SEPARATOR, actor_from_properties, node_size, parse_identifiers, relation_columns,
                       relation_from_properties)
from ..export.shape import edge_columns, node_columns
from ..export.tables import conform
from ..search import match, rank
from .graph_readers import EVERY_ROW, no_actor
from .ladybug_engine import out_of_memory
from .search_index import SearchIndex

def _day(iso: str) -> int:
    return day_key(date.fromisoformat(iso))


def _day_keys(column: pa.ChunkedArray, earliest: bool, missing: int) -> np.ndarray:
    """Each partial date as the day key of its first (or last) day; `missing` for none."""
    encoded = pc.dictionary_encode(column.combine_chunks())
    values = encoded.dictionary.to_pylist()
    key = start_key if earliest else end_key
    keys = np.array([key(PartialDate.parse(v)) for v in values] + [missing], dtype=np.int32)
    return keys[encoded.indices.fill_null(len(values)).to_numpy(zero_copy_only=False)]


def _iso(keys: np.ndarray, missing: int) -> pa.Array:
    """Day keys as ISO dates; null where the bound is open."""
    text = pc.cast(pa.array(keys), pa.string())
    iso = pc.binary_join_element_wise(pc.utf8_slice_codeunits(text, 0, 4), pc.utf8_slice_codeunits(text, 4, 6),
                                      pc.utf8_slice_codeunits(text, 6, 8), "-")
    return pc.if_else(pa.array(keys == missing), pa.nulls(len(keys), pa.string()), iso)


def _joined(lists) -> pa.Array:
    """Lists joined with '|' as the flat formats keep them; null for an empty list."""
    joined = pc.binary_join(lists, "|")
    return pc.if_else(pc.greater(pc.list_value_length(lists).fill_null(0), 0), joined,
                      pa.nulls(len(lists), pa.string()))


ACTORS_PER_READ = 100_000       # actors per read (see fetch_tables)
RELATIONS_PER_READ = 200_000    # relations per read, were degrees even (see fetch_tables)
EVIDENCE_SUMMARIES = "evidence_summaries"   # columns of the projection's relations, derived
EVIDENCE_ITEMS = "evidence_items"           # from evidence_json when the projection is built
DERIVED = (EVIDENCE_SUMMARIES, EVIDENCE_ITEMS)
# The relation columns the projection's arrays are computed from (the rest are only taken).
ARRAY_SOURCES = ("id", "source", "target", "type", "confidence", "status", "start_date", "end_date")


def _evidence_items(evidence_json) -> pa.ChunkedArray:
    """How many evidence items each relation has. evidence_json is compact JSON written by the
    loader: one "document" key per item (a quote inside a text is escaped, so cannot match)."""
    return pc.cast(pc.count_substring(evidence_json.fill_null(""), '"document":'), pa.int32())


def _summaries(evidence_json: pa.ChunkedArray) -> pa.Array:
    """Each relation's evidence summaries, one per line (records.EVIDENCE_SEPARATOR); read
    64k relations at a time, so the texts are never all Python strings at once."""
    parts = []
    for start in range(0, len(evidence_json), 65536):
        out = []
        for text in evidence_json.slice(start, 65536).to_pylist():
            lines = [e["summary"] for e in orjson.loads(text) if e.get("summary")] if text else []
            out.append(EVIDENCE_SEPARATOR.join(lines) or None)
        parts.append(pa.array(out, pa.string()))
    # Chunked: a million relations' summaries fit one array, ten million's may not (2 GB of text).
    return pa.chunked_array(parts, pa.string())


def _codes(column: pa.ChunkedArray, vocabulary: list[str]) -> np.ndarray:
    return pc.index_in(column, value_set=pa.array(vocabulary, pa.string())).fill_null(-1) \
        .to_numpy(zero_copy_only=False).astype(np.int8)


def _csr(ends: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    # Relations are in id order and the sort is stable: each actor's slice stays in id order.
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(ends, minlength=n), out=ptr[1:])
    return ptr, np.argsort(ends, kind="stable").astype(np.int32)


def _slices(ptr: np.ndarray, values: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The values in the CSR slices of `nodes`, and each slice's length."""
    starts = ptr[nodes]
    lengths = ptr[nodes + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, values.dtype), lengths
    offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
    return values[offsets], lengths


def _gather(ptr: np.ndarray, edges: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The relations in the CSR slices of `nodes`, and the node each came from."""
    found, lengths = _slices(ptr, edges, nodes)
    return found, np.repeat(nodes, lengths)


def _distinct(values: np.ndarray, n: int) -> np.ndarray:
    """The distinct values of `values` (each in range(n)), sorted, as int32. Many values (a
    hub's neighbours): marked in a table of n and read back in order, where a hash or a
    sort of a million values took ~10 ms."""
    if values.size * 16 < n:
        return np.unique(values).astype(np.int32, copy=False)
    seen = np.zeros(n, dtype=bool)
    seen[values] = True
    return np.flatnonzero(seen).astype(np.int32)


def _one_chunk(column: pa.ChunkedArray) -> pa.Array:
    return column.chunk(0) if column.num_chunks == 1 else pa.concat_arrays(column.chunks) if column.num_chunks \
        else pa.array([], column.type)


class _SortedIds:
    """The sorted id column as a sequence bisect can search: no Python copy of a million ids."""

    def __init__(self, ids: pa.Array):
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i: int) -> str:
        return self.ids[i].as_py()


# The projection's arrays, as written beside its tables by the load (save_arrays) and mapped
# read-only by every service process on the generation: their pages are shared, not copied.
# Each CSR slice's other ends (dst[out_edges], src[in_edges]): a search that needs only the
# neighbours reads them in order instead of gathering from 10M-row arrays. Saved with ARRAYS
# and derived when opening files written before them.
NEIGHBOURS = ("out_nbr", "in_nbr")
ARRAYS = ("physical", "src", "dst", "type", "confidence", "status", "start", "end",
          "out_ptr", "out_edges", "in_ptr", "in_edges")


def _ranges(below: int, step: int) -> list[dict]:
    """Node offsets [0, below) in ranges of `step`, the last one stopping at `below`."""
    return [{"from": lo, "below": min(lo + step, below)} for lo in range(0, max(below, 1), step)]


def _read_in_ranges(fetch: Callable[[str, dict], pa.Table], text: str, ranges: list[dict]) -> Iterator[pa.Table]:
    """`text` read for each range of node offsets ({"from", "below"}); a range whose result
    the engine's buffer pool cannot hold is read in two halves instead (down to one node)."""
    todo = list(reversed(ranges))
    while todo:
        r = todo.pop()
        try:
            yield fetch(text, r)
        except RuntimeError as e:
            if not out_of_memory(str(e)) or r["below"] - r["from"] <= 1:
                raise
            middle = (r["from"] + r["below"]) // 2
            todo += [{"from": middle, "below": r["below"]}, {"from": r["from"], "below": middle}]


class Projection:
    def __init__(self, ontology: Ontology, actors: pa.Table, relations: pa.Table,
                 arrays: dict[str, np.ndarray] | None = None):
        """`arrays`: ARRAYS computed by an earlier Projection of the same tables (its
        `actors` written as they were, sorted), e.g. mapped from files."""
        self.ontology = ontology
        self.type_names = list(ontology.relation_types)
        self.symmetric = np.array([not t.directed for t in ontology.relation_types.values()])
        self._search: SearchIndex | None = None
        self._search_lock = threading.Lock()
        self._unknown: dict[str, bool] = {}   # see _has_unknown
        rels = relations.combine_chunks()   # no copy when already one chunk (a mapped file)
        self.rows = rels.drop_columns(["source", "target", "type"])
        # The columns the store holds, without those derived for the exports (no copy).
        self.stored_rows = self.rows.drop_columns([c for c in DERIVED if c in self.rows.column_names])
        if arrays is not None:
            self.actors = actors.combine_chunks()
            self._ids = _SortedIds(_one_chunk(self.actors.column("id")))
            self.n_actors = self.actors.num_rows
            for name in ARRAYS:
                setattr(self, name, arrays[name])
            self._set_neighbours(arrays)
            return
        # One chunk per column: take() on a column of many chunks (the engine hands results
        # over in small ones) concatenates them first, on every call.
        self.actors = actors.take(pc.sort_indices(actors, [("id", "ascending")])).combine_chunks()
        self._ids = _SortedIds(_one_chunk(self.actors.column("id")))
        # Positions follow id order, so comparing positions compares ids.
        n = self.n_actors = self.actors.num_rows
        # Relations are numbered in id order (so sorting numbers sorts ids); the Arrow rows
        # stay where the engine put them and `physical` maps a number to its row: sorting
        # the table itself would hold two copies of every text at once.
        order = pc.sort_indices(rels, [("id", "ascending")]).to_numpy().astype(np.int64)
        self.physical = order
        ids = self.actors.column("id")
        self.src = pc.index_in(rels["source"], value_set=ids).to_numpy(zero_copy_only=False).astype(np.int32)[order]
        self.dst = pc.index_in(rels["target"], value_set=ids).to_numpy(zero_copy_only=False).astype(np.int32)[order]
        self.type = rels["type"].to_numpy().astype(np.int8)[order]
        self.confidence = _codes(rels["confidence"], list(ontology.confidence_levels))[order]
        self.status = _codes(rels["status"], list(ontology.statuses))[order]
        self.start = _day_keys(rels["start_date"], True, NO_START)[order]
        self.end = _day_keys(rels["end_date"], False, NO_END)[order]
        self.out_ptr, self.out_edges = _csr(self.src, n)
        self.in_ptr, self.in_edges = _csr(self.dst, n)
        self._set_neighbours({})

    def _set_neighbours(self, arrays: dict[str, np.ndarray]) -> None:
        """NEIGHBOURS from `arrays`, or derived (files written before them)."""
        self.out_nbr = arrays["out_nbr"] if "out_nbr" in arrays else self.dst[self.out_edges]
        self.in_nbr = arrays["in_nbr"] if "in_nbr" in arrays else self.src[self.in_edges]

    def save_arrays(self, folder: Path) -> None:
        """ARRAYS and NEIGHBOURS as .npy files in `folder` (for `arrays=` through load_arrays)."""
        for name in (*ARRAYS, *NEIGHBOURS):
            np.save(folder / f"{name}.npy", getattr(self, name))

    @staticmethod
    def load_arrays(folder: Path) -> dict[str, np.ndarray] | None:
        """save_arrays' files mapped read-only (NEIGHBOURS where written), or None if the
        folder has none."""
        if not all((folder / f"{name}.npy").is_file() for name in ARRAYS):
            return None
        return {name: np.load(folder / f"{name}.npy", mmap_mode="r")
                for name in (*ARRAYS, *NEIGHBOURS) if (folder / f"{name}.npy").is_file()}

    def position(self, actor_id: str) -> int:
        """The actor's position (in id order), -1 if there is none."""
        i = bisect.bisect_left(self._ids, actor_id)
        return i if i < self.n_actors and self._ids[i] == actor_id else -1

    def ids_of(self, positions) -> list[str]:
        return self.actors.column("id").take(pa.array(np.asarray(positions, dtype=np.int64))).to_pylist()

    @classmethod
    def build(cls, ontology: Ontology, fetch: Callable[[str], pa.Table]) -> "Projection":
        return cls(ontology, *cls.fetch_tables(ontology, fetch))

    @staticmethod
    def fetch_tables(ontology: Ontology, fetch: Callable[[str, dict], pa.Table],
                     actors_per_read: int = ACTORS_PER_READ) -> tuple[pa.Table, pa.Table]:
        """A generation's actors and relations, read whole through `fetch` ((Cypher text,
        parameters) -> Arrow table): fetch_actors, and relation_parts put together."""
        return (Projection.fetch_actors(ontology, fetch, actors_per_read),
                pa.concat_tables(list(Projection.relation_parts(ontology, fetch, actors_per_read)),
                                 promote_options="default"))

    @staticmethod
    def fetch_actors(ontology: Ontology, fetch: Callable[[str, dict], pa.Table],
                     actors_per_read: int = ACTORS_PER_READ) -> pa.Table:
        """Every actor, read a range of node offsets at a time (`actors_per_read` actors: the
        engine holds each result whole in its buffer pool), in no particular order (the
        projection sorts them)."""
        below = fetch(query_text("actor_offsets", "embedded"), {}).column(0)[0].as_py()
        ranges = _ranges(below, actors_per_read)
        try:
            text = query_text("projection_actors", "embedded")
            return pa.concat_tables(_read_in_ranges(fetch, text, ranges))
        except RuntimeError as e:
            if "search_text" not in str(e):
                raise
            text = query_text("projection_actors_unsearchable", "embedded")
            return pa.concat_tables(_read_in_ranges(fetch, text, ranges))

    @staticmethod
    def relation_parts(ontology: Ontology, fetch: Callable[[str, dict], pa.Table],
                       actors_per_read: int = ACTORS_PER_READ) -> Iterator[pa.Table]:
        """Every relation, a part at a time as read (one type, a range of source actors): a
        `type` column holds its type's position in the ontology, and the columns DERIVED
        for the exports follow. A type's part lacks the properties only other types have."""
        below = fetch(query_text("actor_offsets", "embedded"), {}).column(0)[0].as_py()
        # About RELATIONS_PER_READ relations a read, if degrees were even; a range that still
        # does not fit is read in halves (_read_in_ranges).
        relations_total = fetch(query_text("relation_count", "embedded"), {}).column(0)[0].as_py()
        step = max(1, min(actors_per_read, below * RELATIONS_PER_READ // max(1, relations_total)))
        ranges = _ranges(below, step)
        for code, name in enumerate(ontology.relation_types):
            columns = ", ".join(f"r.{c} AS {c}" for c in relation_columns(ontology, name))
            text = query_text("projection_relations", "embedded", type=name, columns=columns)
            for part in _read_in_ranges(fetch, text, ranges):
                evidence = part["evidence_json"]
                # Each relation's evidence summaries and its number of evidence items, as the
                # exports show them: derived from the JSON once here (with the load, for large
                # graphs), not per export (counting the items of a million relations took
                # ~0.5 s of each export).
                yield (part.append_column("type", pa.array(np.full(part.num_rows, code, np.int8)))
                       .append_column(EVIDENCE_SUMMARIES, _summaries(evidence) if part.num_rows
                                      else pa.array([], pa.string()))
                       .append_column(EVIDENCE_ITEMS, _evidence_items(evidence)))

    def search_index(self) -> SearchIndex:
        """The actors' search index, built on first use (once)."""
        with self._search_lock:
            if self._search is None:
                self._search = SearchIndex(self.actors)
            return self._search

    @property
    def nbytes(self) -> int:
        arrays = (self.src, self.dst, self.type, self.confidence, self.status, self.start, self.end,
                  self.out_ptr, self.out_edges, self.in_ptr, self.in_edges, self.physical, self.out_nbr, self.in_nbr)
        return self.actors.nbytes + self.rows.nbytes + sum(a.nbytes for a in arrays)

    # --- filters -------------------------------------------------------------------
    def _lookup(self, names, vocabulary) -> np.ndarray:
        ok = np.zeros(len(vocabulary) + 1, dtype=bool)     # the extra slot: code -1 (unknown)
        positions = {v: i for i, v in enumerate(vocabulary)}
        ok[[positions[x] for x in names if x in positions]] = True
        return ok

    def _vocabulary_tests(self, p: dict[str, Any], types=None) -> list[tuple[str, Any, list[str]]]:
        """The filters `p` sets on coded columns: (codes array, names allowed, vocabulary)."""
        tests = [("type", types if types is not None else p["types"], self.type_names)]
        if "confidences" in p:
            tests += [("confidence", p["confidences"], list(self.ontology.confidence_levels)),
                      ("status", p["statuses"], list(self.ontology.statuses))]
        return tests

    def _allows_every(self, codes: str, names, vocabulary) -> bool:
        """Whether every relation's `codes` value is among `names` (the default filters allow
        every type, confidence and status: then nothing need be looked up per relation, and
        on a hub's million relations each gather from a 10M-row array cost milliseconds)."""
        return bool(self._lookup(names, vocabulary)[:-1].all()) and not self._has_unknown(codes)

    def _has_unknown(self, codes: str) -> bool:
        """Whether some relation's `codes` value is none of the vocabulary's (code -1)."""
        if codes not in self._unknown:
            self._unknown[codes] = bool((getattr(self, codes) < 0).any())
        return self._unknown[codes]

    def _filters_nothing(self, p: dict[str, Any]) -> bool:
        """Whether every relation passes `p`."""
        return (not any(p.get(k) for k in ("source", "target", "either", "as_of", "until", "since"))
                and all(self._allows_every(*test) for test in self._vocabulary_tests(p)))

    def _mask(self, e: np.ndarray, p: dict[str, Any], types=None) -> np.ndarray:
        """Which relations `e` pass the API filters `p` (RelationFilter.params): the same
        tests as cypher/fragments/relation_filters.cypher, on day keys instead of texts."""
        ok = np.ones(e.size, dtype=bool)
        for codes, names, vocabulary in self._vocabulary_tests(p, types):
            if not self._allows_every(codes, names, vocabulary):
                ok &= self._lookup(names, vocabulary)[getattr(self, codes)[e]]
        if p.get("source") or p.get("target") or p.get("either"):
            src, dst = self.src[e], self.dst[e]
            sym = self._lookup(p.get("symmetric", ()), self.type_names)[self.type[e]]
            if p.get("source"):
                s = self.position(p["source"])
                ok &= (src == s) | (sym & (dst == s))
            if p.get("target"):
                s = self.position(p["target"])
                ok &= (dst == s) | (sym & (src == s))
            if p.get("either"):
                s = self.position(p["either"])
                ok &= (src == s) | (dst == s)
        if p.get("as_of"):
            ok &= holds_on(self.start[e], self.end[e], _day(p["as_of"]))
        if p.get("until"):
            ok &= self.start[e] <= _day(p["until"])
        if p.get("since"):
            ok &= self.end[e] >= _day(p["since"])
        return ok

    def _incident(self, nodes: np.ndarray, p: dict[str, Any]):
        """Relations touching `nodes` that pass `p`: (relation, from node, other end)."""
        e1, f1 = _gather(self.out_ptr, self.out_edges, nodes)
        e2, f2 = _gather(self.in_ptr, self.in_edges, nodes)
        e, f, other = np.concatenate([e1, e2]), np.concatenate([f1, f2]), \
            np.concatenate([self.dst[e1], self.src[e2]])
        keep = self._mask(e, p)
        return e[keep], f[keep], other[keep]

    def _neighbours(self, nodes: np.ndarray, p: dict[str, Any], origins: bool = False):
        """The other end of each relation touching `nodes` that passes `p` (_incident's
        third part), and with `origins` the node each came from: read in order from
        NEIGHBOURS when `p` lets every relation through."""
        if not self._filters_nothing(p):
            _, came_from, other = self._incident(nodes, p)
        else:
            out, n_out = _slices(self.out_ptr, self.out_nbr, nodes)
            into, n_in = _slices(self.in_ptr, self.in_nbr, nodes)
            other = np.concatenate([out, into])
            came_from = np.concatenate([np.repeat(nodes, n_out), np.repeat(nodes, n_in)]) if origins else None
        return (other, came_from) if origins else other

    def _reach(self, nodes: np.ndarray) -> int:
        """How many relations touch `nodes`: what expanding them reads."""
        return int((self.out_ptr[nodes + 1] - self.out_ptr[nodes] + self.in_ptr[nodes + 1] - self.in_ptr[nodes]).sum())

    def _adjacent(self, layer: np.ndarray, candidates: np.ndarray, p: dict[str, Any]) -> np.ndarray:
        """The `candidates` joined to some actor of `layer` by a relation passing `p`, found
        from whichever side touches fewer relations (a meeting layer of hubs can touch a
        million relations where the frontier behind it touches a thousand)."""
        if self._reach(candidates) < self._reach(layer):
            other, came_from = self._neighbours(candidates, p, origins=True)
            return _distinct(came_from[np.isin(other, layer)], self.n_actors)
        return np.intersect1d(self._neighbours(layer, p), candidates)

    # --- rows ----------------------------------------------------------------------
    def relation_dicts(self, edges) -> list[dict[str, Any]]:
        edges = np.asarray(edges, dtype=np.int64)
        rows = self.stored_rows.take(pa.array(self.physical[edges])).to_pylist()
        names, onto = self.type_names, self.ontology
        return [relation_from_properties(names[t], s, d, row, onto)
                for t, s, d, row in zip(self.type[edges].tolist(), self.ids_of(self.src[edges]),
                                        self.ids_of(self.dst[edges]), rows)]

    def actor_rows(self, positions) -> list[dict[str, Any]]:
        return self.actors.take(pa.array(np.asarray(positions, dtype=np.int64))).to_pylist()

    def find_actors(self, actor_ids) -> dict[str, int]:
        found = {a: self.position(a) for a in actor_ids}
        return {a: i for a, i in found.items() if i >= 0}

    # --- exports -------------------------------------------------------------------
    def export_tables(self, p: dict[str, Any]) -> tuple[pa.Table, pa.Table]:
        """Every actor and the relations passing `p`, as graph/export/tables.py lays them
        out, computed column by column (no per-relation Python)."""
        everything = np.arange(self.type.size, dtype=np.int32)
        edges = everything[self._mask(everything, p)]
        # Only the columns an export shows (evidence is counted, not copied).
        shown = [c for c in self.stored_rows.column_names if c not in ("evidence_json", "notes")]
        where = pa.array(self.physical[edges])
        rows = self.rows.select(shown).take(where)
        evidence = (self.rows[EVIDENCE_ITEMS] if EVIDENCE_ITEMS in self.rows.column_names
                    else _evidence_items(self.rows["evidence_json"]))   # files from before
        t = self.type[edges]
        specs = list(self.ontology.relation_types.values())
        columns: dict[str, Any] = {
            "id": rows["id"],
            "source": self.actors["id"].take(pa.array(self.src[edges])),
            "target": self.actors["id"].take(pa.array(self.dst[edges])),
            "start": _iso(self.start[edges], NO_START), "end": _iso(self.end[edges], NO_END),
            "relation_type": pa.array(self.type_names).take(pa.array(t)),
            "polarity": pa.array(np.array([x.polarity for x in specs], np.int64)[t]),
            "directed": pa.array(~self.symmetric[t]),
            "confidence": rows["confidence"], "status": rows["status"],
            "start_date": rows["start_date"], "end_date": rows["end_date"],
            "start_precision": rows["start_precision"], "end_precision": rows["end_precision"],
            "start_unknown": rows["start_unknown"],
            "attributed_to": rows["attributed_to"], "location": rows["location"],
            "evidence_count": pc.take(evidence, where),
            "documents": _joined(rows["document_ids"]),
            "events": _joined(rows["event_ids"]),
            "evidence": (self.rows[EVIDENCE_SUMMARIES].take(where) if EVIDENCE_SUMMARIES in self.rows.column_names
                         else _summaries(self.rows["evidence_json"].take(where))),   # files from before
        }
        columns["evidence_count"] = pc.cast(columns["evidence_count"], pa.int64())
        for name in sorted({n for x in specs for n in x.properties}):
            values = rows[name]
            columns[name] = _joined(values) if pa.types.is_list(values.type) else values
        degree = np.bincount(np.concatenate([self.src[edges], self.dst[edges]]), minlength=self.n_actors)
        a = self.actors
        nodes: dict[str, Any] = {"id": a["id"], "label": a["name"], "size": pa.array(node_size(degree)),
                                 "name": a["name"], "kind": a["kind"], "country": a["country"],
                                 "aliases": _joined(a["aliases"]), "description": a["description"]}
        identifiers = self._identifier_columns()
        nodes.update(identifiers)
        schemes = [name[len("id_"):] for name in identifiers]
        return (conform(pa.table(nodes), node_columns(schemes)),
                conform(pa.table(columns), edge_columns(self.ontology)))

    def stored_tables(self, p: dict[str, Any], batch: int = 50_000) -> tuple[Iterator[pa.Table], Iterator[pa.Table]]:
        """Every actor and the relations passing `p` (in id order) as their stored columns,
        `batch` rows at a time: actors as records.ACTOR_COLUMNS, relations as `source`,
        `target`, `type` and records.relation_columns (evidence_json as stored), for the
        exports that carry every cell (export/neo4j_csv.py). Taken slice by slice, so only
        a batch's copy of the texts is held at a time."""
        everything = np.arange(self.type.size, dtype=np.int32)
        edges = everything[self._mask(everything, p)]
        names = pa.array(self.type_names)
        stored = self.stored_rows.column_names
        ids = self.actors["id"]

        def actors() -> Iterator[pa.Table]:
            for start in range(0, self.n_actors, batch):
                yield self.actors.slice(start, batch).select(list(ACTOR_COLUMNS))

        def relations() -> Iterator[pa.Table]:
            for start in range(0, edges.size, batch):
                e = edges[start:start + batch]
                rows = self.stored_rows.take(pa.array(self.physical[e]))
                ends = {"source": ids.take(pa.array(self.src[e])), "target": ids.take(pa.array(self.dst[e])),
                        "type": names.take(pa.array(self.type[e]))}
                yield pa.table({**ends, **{c: rows[c] for c in stored}})
        return actors(), relations()

    def _identifier_columns(self) -> dict[str, pa.Array]:
        """id_<scheme> columns from the `scheme:value` identifier lists (few actors have any)."""
        parsed = [parse_identifiers(ids) for ids in self.actors["identifiers"].to_pylist()]
        schemes = sorted({scheme for found in parsed for scheme in found})
        return {f"id_{scheme}": pa.array([found.get(scheme) for found in parsed], pa.string())
                for scheme in schemes}

    # --- the questions -------------------------------------------------------------
    def degree(self, actor: int) -> dict[str, int]:
        e = np.concatenate([self.out_edges[self.out_ptr[actor]:self.out_ptr[actor + 1]],
                            self.in_edges[self.in_ptr[actor]:self.in_ptr[actor + 1]]])
        counts = np.bincount(self.type[e], minlength=len(self.type_names))
        return {name: int(n) for name, n in zip(self.type_names, counts) if n}

    def actor_relations(self, actor: int, out_types: list[str], in_types: list[str], p: dict[str, Any],
                        limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        parts = []
        for ptr, edges, types in ((self.out_ptr, self.out_edges, out_types),
                                  (self.in_ptr, self.in_edges, in_types)):
            if types:
                e = edges[ptr[actor]:ptr[actor + 1]]
                parts.append(e[self._mask(e, p, types)])
        found = np.sort(np.concatenate(parts)) if parts else np.empty(0, np.int32)
        return self.relation_dicts(found[offset:offset + limit]), int(found.size)

    def relations(self, p: dict[str, Any], limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        anchor = p.get("either") or p.get("source") or p.get("target")
        if anchor:
            # Every match touches the anchor: look there instead of at every relation.
            a = self.position(anchor)
            if a < 0:
                return [], 0
            candidates = np.unique(np.concatenate([self.out_edges[self.out_ptr[a]:self.out_ptr[a + 1]],
                                                   self.in_edges[self.in_ptr[a]:self.in_ptr[a + 1]]]))
        else:
            candidates = np.arange(self.type.size, dtype=np.int32)
        found = candidates[self._mask(candidates, p)]
        return self.relation_dicts(found[offset:offset + limit]), int(found.size)

    def subgraph(self, seeds: list[int], depth: int, p: dict[str, Any]):
        """(actor positions with distances, relation positions) of the rings around seeds."""
        distance = np.full(self.n_actors, -1, dtype=np.int32)
        frontier = np.unique(np.asarray(seeds, dtype=np.int32))
        distance[frontier] = 0
        met = []
        for ring in range(1, depth + 1):
            if frontier.size == 0:
                break
            e, _, other = self._incident(frontier, p)
            met.append(e)
            frontier = np.unique(other[distance[other] < 0])
            distance[frontier] = ring
        reached = np.flatnonzero(distance >= 0)
        reached = reached[np.argsort(distance[reached], kind="stable")]   # (distance, id) order
        edges = np.unique(np.concatenate(met)) if met else np.empty(0, np.int32)
        return reached, distance[reached], edges

    def shortest_paths(self, source: int, target: int, max_hops: int, p: dict[str, Any],
                       limit: int) -> list[tuple[list[int], list[int]]]:
        """All shortest paths (any direction) of at most max_hops relations, the first
        `limit` in (actors, relations) order, as (actor positions, relation positions)."""
        n = self.n_actors
        ds, dt = np.full(n, -1, np.int32), np.full(n, -1, np.int32)
        ds[source], dt[target] = 0, 0
        fs, ft = np.array([source], np.int32), np.array([target], np.int32)
        # The frontiers: fronts_s[k] holds the actors k relations from the source (ds == k).
        fronts_s, fronts_t = [fs], [ft]
        ls = lt = 0
        meet = np.empty(0, np.int32)
        while ls + lt < max_hops and fs.size and ft.size:
            # Grow the side with fewer relations to look at: hubs make frontiers lopsided.
            if self._reach(fs) <= self._reach(ft):
                other = self._neighbours(fs, p)
                fs = _distinct(other[ds[other] < 0], n)
                ls += 1
                ds[fs] = ls
                fronts_s.append(fs)
                meet = fs[dt[fs] >= 0]
            else:
                other = self._neighbours(ft, p)
                ft = _distinct(other[dt[other] < 0], n)
                lt += 1
                dt[ft] = lt
                fronts_t.append(ft)
                meet = ft[ds[ft] >= 0]
            if meet.size:
                break
        if not meet.size:
            return []
        d = ls + lt
        # Layer k holds the actors at position k of some shortest path. The meeting layer is
        # `ls`; walking back from it by ds and forward by dt keeps only actors on such paths.
        position = np.full(n, -1, np.int32)
        position[meet] = ls
        layers = {ls: meet}
        for k in range(ls - 1, -1, -1):
            layers[k] = self._adjacent(layers[k + 1], fronts_s[k], p)
            position[layers[k]] = k
        for k in range(ls + 1, d + 1):
            layers[k] = self._adjacent(layers[k - 1], fronts_t[d - k], p)
            position[layers[k]] = k
        successors: dict[int, list[tuple[int, list[int]]]] = {}

        def after(u: int) -> list[tuple[int, list[int]]]:
            if u not in successors:
                # u's relations into the next layer, read from whichever side touches fewer
                # (a hub on a path touches a million relations; the next layer, a few).
                here, ahead = np.array([u], np.int32), layers[int(position[u]) + 1]
                if self._reach(here) <= self._reach(ahead):
                    e, _, other = self._incident(here, p)
                    keep = position[other] == position[u] + 1
                else:
                    e, other, back = self._incident(ahead, p)
                    keep = back == u
                e, other = e[keep], other[keep]
                order = np.lexsort((e, other))
                groups: dict[int, list[int]] = {}
                for w, x in zip(other[order].tolist(), e[order].tolist()):
                    groups.setdefault(w, []).append(x)
                successors[u] = list(groups.items())
            return successors[u]

        def walk(u: int, actors: list[int], hops: list[list[int]]) -> Iterator[tuple[list[int], list[int]]]:
            if u == target:
                for rels in itertools.product(*hops):
                    yield actors, list(rels)
                return
            for w, rels in after(u):
                yield from walk(w, actors + [w], hops + [rels])

        return list(itertools.islice(walk(source, [source], []), limit))


class ProjectionGraphReader:
    """The GraphReader questions (graph/store/graph_readers.py) answered from a Projection."""

    def __init__(self, projection: Projection):
        self.p = projection

    def _positions(self, actor_ids: list[str]) -> dict[str, int]:
        found = self.p.find_actors(actor_ids)
        for a in actor_ids:
            if a not in found:
                raise no_actor(a)
        return found

    def actor(self, actor_id):
        position = self._positions([actor_id])[actor_id]
        degree = self.p.degree(position)
        return actor_from_properties(self.p.actor_rows([position])[0]) | {
            "degree": degree, "total_degree": sum(degree.values())}

    def actor_names(self, actor_ids):
        found = self.p.find_actors(actor_ids)
        return {row["id"]: row["name"] for row in self.p.actor_rows(list(found.values()))}

    def relations(self, params, limit, offset):
        return self.p.relations(params, limit, offset)

    def actor_relations(self, actor_id, out_types, in_types, params, limit, offset):
        position = self._positions([actor_id])[actor_id]
        return self.p.actor_relations(position, out_types, in_types, params, limit, offset)

    def paths(self, source, target, max_hops, params, limit):
        ends = self._positions([source, target])
        found = self.p.shortest_paths(ends[source], ends[target], max_hops, params, limit)
        used = sorted({e for _, edges in found for e in edges})
        rels = dict(zip(used, self.p.relation_dicts(used)))
        return [{"actors": self.p.ids_of(actors), "relations": [rels[e] for e in edges],
                 "length": len(edges)} for actors, edges in found]

    def subgraph(self, seeds, depth, params):
        positions = self._positions(seeds)
        reached, distances, edges = self.p.subgraph(list(positions.values()), depth, params)
        nodes = [actor_from_properties(a) | {"distance": int(d)}
                 for a, d in zip(self.p.actor_rows(reached), distances.tolist())]
        return {"nodes": nodes, "edges": self.p.relation_dicts(edges)}

    def whole_graph(self, params):
        return {"nodes": [actor_from_properties(a) for a in self.p.actors.to_pylist()],
                "edges": self.p.relations(params, EVERY_ROW, 0)[0]}

    def search(self, terms, kind, limit):
        index = self.p.search_index()
        kinds = self.p.actors.column("kind")
        of_kind = (lambda found: found[pc.equal(kinds.take(pa.array(found)), kind).to_numpy(zero_copy_only=False)]
                   ) if kind else None
        positions, complete = index.candidates(terms, of_kind)
        top = rank(terms, index.rows(positions), limit)
        props = self.p.actor_rows([h for h, _, _ in top])
        return [(p, match(p, i, key)) for p, (_, i, key) in zip(props, top)], complete

    def export_tables(self, params):
        return self.p.export_tables(params)

    def stored_tables(self, params):
        return self.p.stored_tables(params)
