"""Exports of a graph (actors + relations, as the API returns them) to analysts' formats.

One internal shape — {"nodes": [actor dicts], "edges": [relation dicts]} — and one thin
writer per format; each writer returns bytes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

import pyarrow as pa

from ..ontology import Ontology
from . import gexf, graphml, json_formats, neo4j_csv

Graph = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class Format:
    name: str
    write: Callable[[Graph, Ontology], bytes]
    media_type: str
    extension: str
    description: str
    # Writers that also take the two tables of export/tables.py and stream the document:
    # the whole graph goes this way, without a dict per relation.
    stream_tables: Callable[[pa.Table, pa.Table, Ontology], Iterator[bytes]] | None = None
    # Writers that also need the documents the relations cite (graph["documents"]).
    needs_documents: bool = False
    # Writers of the whole graph from tables of the stored columns (for formats that carry
    # more than the export tables hold, e.g. each relation's evidence): the store's own, or
    # pages in the API's shape turned into them (neo4j_csv.actor_table, relation_table).
    stream_stored: Callable[..., Iterator[bytes]] | None = None


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("gexf", gexf.write, "application/gexf+xml", "gexf",
           "GEXF 1.3 for Gephi: dynamic (relation dates as edge intervals), colours and sizes",
           gexf.stream),
    Format("graphml", graphml.write, "application/graphml+xml", "graphml",
           "GraphML (lists joined with '|', empty values left out)", graphml.stream),
    Format("cytoscape", json_formats.cytoscape, "application/json", "cytoscape.json",
           "Cytoscape.js elements JSON", json_formats.cytoscape_stream),
    Format("graphology", json_formats.graphology, "application/json", "graphology.json",
           "graphology's serialized graph (mixed, multi)", json_formats.graphology_stream),
    Format("d3", json_formats.d3, "application/json", "d3.json", "d3-force nodes/links JSON",
           json_formats.d3_stream),
    Format("csv", neo4j_csv.write_spreadsheet, "application/zip", "zip",
           "zip of actors.csv, documents.csv and relationships.csv, safe to open in a spreadsheet (a cell "
           "that would run as a formula starts with an apostrophe)",
           needs_documents=True, stream_stored=neo4j_csv.stream_spreadsheet),
    Format("neo4j-csv", neo4j_csv.write, "application/zip", "zip",
           "the same zip with every cell as stored, for neo4j-admin database import (not for spreadsheets)",
           needs_documents=True, stream_stored=neo4j_csv.stream),
)}
