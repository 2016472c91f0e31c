"""The service's graph questions, asked of one snapshot: one interface, two implementations.

`GraphReader` is what GraphService calls; the store picks the implementation
(GraphStore.graph_reading): `CypherGraphReader` answers with the named queries of cypher/api/
on any store's Reader, and the embedded store answers from its in-memory projection
(`ProjectionGraphReader`, graph/store/projection.py) when it keeps one. tests/test_projection.py
asks both the same questions on the same graph and compares every answer.

`params` is always RelationFilter.params(): every filter bound, '' or every value for "none".
"""
from __future__ import annotations

from typing import Any, Iterator, Protocol

import pyarrow as pa

from ..errors import NotFound
from ..export.tables import from_graph
from ..ontology import Ontology
from ..records import actor_from_properties, relation_from_properties
from ..search import CANDIDATES, INDEX_HITS, lucene_query, match, rank, text_has
from .reader import Reader

# Where a query takes "all the rows" as a LIMIT: the largest 64-bit integer both engines accept.
EVERY_ROW = (1 << 63) - 1
# Shortest paths fetched from an engine before they are put in one order and cut to the
# limit asked for: the engines list paths of equal length each in its own order.
MAX_PATHS = 100


def no_actor(actor_id: str) -> NotFound:
    return NotFound(f"no actor with id {actor_id!r}")


def page(reader: Reader, name: str, params: dict[str, Any], limit: int, offset: int) -> tuple[list, int]:
    """Rows `offset`.. of the named query `<name>_page` (at most `limit`), and `<name>_count`'s total."""
    total = reader.run_named(f"{name}_count", **params).rows[0][0]
    if offset >= total:
        # Past the end there is nothing to fetch, and the embedded engine (0.22) crashes
        # on ORDER BY ... SKIP beyond the last row of a node scan.
        return [], total
    rows = reader.run_own(reader.text_of(f"{name}_page"), {**params, "offset": offset, "limit": limit},
                          row_limit=limit).rows
    return rows, total


class GraphReader(Protocol):
    """What the service asks of a snapshot. Unknown actor ids raise NotFound."""

    def actor(self, actor_id: str) -> dict[str, Any]:
        """The API's actor plus `degree` ({relation type: count}) and `total_degree`."""

    def actor_names(self, actor_ids: list[str]) -> dict[str, str]:
        """id -> name, for the ids that exist."""

    def search(self, terms: list[str], kind: str, limit: int) -> tuple[list[tuple[dict, dict]], bool]:
        """The best `limit` actors for the query tokens `terms` (graph/search.py), as
        (stored properties, match), and whether every candidate was looked at."""

    def relations(self, params: dict[str, Any], limit: int, offset: int) -> tuple[list[dict], int]:
        """A page of relations passing `params`, in id order, and how many pass."""

    def actor_relations(self, actor_id: str, out_types: list[str], in_types: list[str],
                        params: dict[str, Any], limit: int, offset: int) -> tuple[list[dict], int]:
        """An actor's relations of `out_types` leaving it and `in_types` reaching it, in id order."""

    def paths(self, source: str, target: str, max_hops: int, params: dict[str, Any],
              limit: int) -> list[dict[str, Any]]:
        """Every shortest path (any direction, at most max_hops) through relations passing
        `params`' types and as_of: the first `limit` in (actors, relation ids) order."""

    def subgraph(self, seeds: list[str], depth: int, params: dict[str, Any]) -> dict[str, list]:
        """The seeds and every actor within `depth` relations (nodes carry `distance`), with
        the relations met on the way; nodes in (distance, id) order, edges in id order."""

    def whole_graph(self, params: dict[str, Any]) -> dict[str, list]:
        """Every actor, and every relation passing `params`."""

    def export_tables(self, params: dict[str, Any]) -> tuple[pa.Table, pa.Table]:
        """whole_graph as the export tables (graph/export/tables.py)."""

    def stored_tables(self, params: dict[str, Any]) -> tuple[Iterator[pa.Table], Iterator[pa.Table]] | None:
        """Every actor and the relations passing `params` as tables of their stored columns,
        a batch at a time (Projection.stored_tables); None where the reader has them only
        through its queries (the service then pages through them, in bounded memory)."""


class CypherGraphReader:
    """The questions answered by the named queries of cypher/api/, in the reader's dialect."""

    def __init__(self, reader: Reader, ontology: Ontology):
        self.r, self.ontology = reader, ontology

    def _relations(self, rows) -> list[dict[str, Any]]:
        return [relation_from_properties(rel["_type"], src, dst, rel, self.ontology) for src, dst, rel in rows]

    def _every_row(self, name: str, params: dict[str, Any]) -> list:
        # A subgraph is answered whole, as the projection answers it: the reader's row limit
        # is for researchers' queries (at 1M relations on Neo4j a 2-hop reached more than
        # its 10,000 actors, and the cut answer ended in a KeyError, a 500).
        return self.r.run_own(self.r.text_of(name), params, row_limit=EVERY_ROW).rows

    def _count(self, name: str, params: dict[str, Any]) -> int:
        return self.r.run_named(name, **params).rows[0][0]

    def _require(self, actor_ids: list[str]) -> None:
        found = {row[0]["id"] for row in self.r.run_named("actors_by_id", ids=actor_ids).rows}
        for a in actor_ids:
            if a not in found:
                raise no_actor(a)

    def actor(self, actor_id: str) -> dict[str, Any]:
        rows = self.r.run_named("actor", id=actor_id).rows
        if not rows:
            raise no_actor(actor_id)
        degree = {t: n for t, n in self.r.run_named("actor_degree", id=actor_id).rows}
        return actor_from_properties(rows[0][0]) | {"degree": degree, "total_degree": sum(degree.values())}

    def actor_names(self, actor_ids: list[str]) -> dict[str, str]:
        return {row[0]["id"]: row[0]["name"] for row in self.r.run_named("actors_by_id", ids=actor_ids).rows}

    def relations(self, params, limit, offset):
        rows, total = page(self.r, "relations", params, limit, offset)
        return self._relations(rows), total

    def actor_relations(self, actor_id, out_types, in_types, params, limit, offset):
        if not self.r.run_named("actor", id=actor_id).rows:
            raise no_actor(actor_id)   # 404 for an unknown actor rather than an empty list
        rows, total = [], 0
        for name, wanted in (("actor_out", out_types), ("actor_in", in_types)):
            if not wanted:
                continue
            p = {**params, "id": actor_id, "types": wanted}
            total += self._count(f"{name}_count", p)
            # Each side's first offset+limit rows in id order hold the merged page.
            rows += self.r.run_own(self.r.text_of(f"{name}_page"), {**p, "limit": offset + limit},
                                   row_limit=offset + limit).rows
        rows.sort(key=lambda row: row[2]["id"])
        return self._relations(rows[offset:offset + limit]), total

    def paths(self, source, target, max_hops, params, limit):
        self._require([source, target])
        found = self.r.run_named("paths", source=source, target=target, max_hops=max_hops,
                                 types=params["types"], as_of=params["as_of"], limit=MAX_PATHS).rows
        keys = sorted({key for _, _, keys in found for key in keys})
        rels = {x["id"]: x for x in self._relations(self.r.run_named("relations_by_key", keys=keys).rows)}
        paths = [{"actors": actors, "relations": [rels[i] for i in rids], "length": len(rids)}
                 for actors, rids, _ in found]
        return sorted(paths, key=lambda p: (p["actors"], [x["id"] for x in p["relations"]]))[:limit]

    def subgraph(self, seeds, depth, params):
        self._require(seeds)
        distance = {s: 0 for s in seeds}
        edges: dict[str, dict] = {}
        frontier = list(seeds)
        for ring in range(1, depth + 1):
            if not frontier:
                break
            rows = []
            for name in ("relations_from", "relations_to"):
                rows += self._every_row(name, {**params, "ids": frontier})
            # A relation between two actors of the frontier comes back from both queries, and
            # the next ring meets the last ring's relations again: shape each once.
            new = {row[2]["id"]: row for row in rows if row[2]["id"] not in edges}
            nxt = []
            for rel in self._relations(new.values()):
                edges[rel["id"]] = rel
                for end in (rel["source"], rel["target"]):
                    if end not in distance:
                        distance[end] = ring
                        nxt.append(end)
            frontier = nxt
        actors = {row[0]["id"]: actor_from_properties(row[0])
                  for row in self._every_row("actors_by_id", {"ids": sorted(distance)})}
        nodes = [actors[a] | {"distance": d} for a, d in sorted(distance.items(), key=lambda x: (x[1], x[0]))]
        return {"nodes": nodes, "edges": sorted(edges.values(), key=lambda e: e["id"])}

    def search(self, terms, kind, limit):
        if self.r.dialect == "neo4j":
            # The current graph's full-text index, or the one made for a kept version's label.
            label = (self.r.kept_labels or {}).get("Actor", "Actor")
            lucene = lucene_query(terms) + (f" +kind:{kind}" if kind else "")
            rows = self.r.run_named("search_actors", index=f"{label.lower()}_search", lucene=lucene,
                                    cap=INDEX_HITS).rows
            read_all = len(rows) < INDEX_HITS
        else:
            rows = self.r.run_named("search_actors_scan", initials=sorted({t[0] for t in terms}), kind=kind).rows
            read_all = True
        # The index over-collects: keep those with a token for every term (as the embedded
        # index's candidates are), then rank.
        kept = [(aid, aid, values) for aid, text, values in rows if all(text_has(text or "", t) for t in terms)]
        top = rank(terms, kept[:CANDIDATES], limit)
        found = {row[0]["id"]: row[0] for row in self.r.run_named("actors_by_id", ids=[h for h, _, _ in top]).rows} \
            if top else {}
        return [(found[h], match(found[h], i, key)) for h, i, key in top], read_all and len(kept) <= CANDIDATES

    def whole_graph(self, params):
        actors = self.r.run_named("actors_page", q="", kind="", offset=0, limit=EVERY_ROW).rows
        rels = self.r.run_named("relations_page", **params, offset=0, limit=EVERY_ROW).rows
        return {"nodes": [actor_from_properties(row[0]) for row in actors], "edges": self._relations(rels)}

    def export_tables(self, params):
        return from_graph(self.whole_graph(params), self.ontology)

    def stored_tables(self, params):
        return None   # paged by the service: a whole graph's rows at once would hold them all
