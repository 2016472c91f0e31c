"""Every export format, read back by a real independent reader (networkx, graphology,
graphology-gexf, Cytoscape.js, the official GEXF 1.3 schema), never by string matching."""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import zipfile

import networkx as nx
import pytest

from conftest import SHARED
from conflictgraph.graph.export import FORMATS
from conflictgraph.graph.export.streaming import events
from conflictgraph.graph.export.streaming import stream as stream_events
from conflictgraph.graph.records import relation_from_properties
from repo import REPO
from conflictgraph.graph.service import GraphService, RelationFilter
from seed_counts import ACTORS, CITED_DOCUMENTS, RELATIONS

SYMMETRIC = {"ALLIED_WITH", "FIGHTS", "AGREES_CEASEFIRE"}


@pytest.fixture(scope="module")
def service(loaded_store):
    return GraphService(loaded_store)


@pytest.fixture(scope="module")
def whole(service):
    return service.whole_graph()


@pytest.fixture(scope="module")
def files(whole, service, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    out = {}
    for name, f in FORMATS.items():
        out[name] = folder / f"graph.{f.extension}"
        out[name].write_bytes(service.export(whole, name))
    # The whole graph with its events (nodes with a date interval, PARTICIPATED_IN edges).
    out["gexf-events"] = folder / "graph-events.gexf"
    out["gexf-events"].write_bytes(b"".join(service.export_whole(RelationFilter(), "gexf", events=True)[0]))
    return out


def node_reader(fmt: str, path) -> dict:
    node = shutil.which("node")
    assert node, "node is required (README: make test)"
    proc = subprocess.run([node, str(REPO / "tools" / "read_export.mjs"), fmt, str(path)],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("name", ["gexf", "gexf-events"])
def test_gexf_is_valid_gexf_1_3_by_the_official_schema(files, name):
    validator = SHARED / "tools" / "validate_gexf.py"
    if not validator.exists():
        pytest.skip("the project's shared/ folder (GEXF 1.3 schema and validator) is not beside the checkout")
    proc = subprocess.run([sys.executable, str(validator), str(files[name])], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "valid GEXF 1.3" in proc.stdout


def test_gexf_is_a_mixed_graph_networkx_cannot_read(files):
    # Symmetric relations are undirected edges in a graph of directed ones, which Gephi and
    # graphology read (tests/test_gephi.py) and networkx refuses: its users take GraphML.
    with pytest.raises(nx.NetworkXError, match="edge found in"):
        nx.read_gexf(files["gexf"])


def test_gexf_read_by_graphology_gexf(files, whole):
    g = node_reader("gexf", files["gexf"])
    assert (g["nodes"], g["edges"]) == (ACTORS, RELATIONS)
    assert g["multi"] is True
    fights = g["edgeAttributes"]["ly-gna-fights-haftar-forces"]
    assert fights["_undirected"] is True and fights["polarity"] == -1 and fights["relation_type"] == "FIGHTS"
    backs = g["edgeAttributes"]["ly-russia-backs-haftar-forces"]
    assert backs["_undirected"] is False and (backs["_source"], backs["_target"]) == ("russia", "haftar-forces")
    assert backs["color"] == "rgb(44,160,44)"                       # cooperative: green
    assert g["nodeAttributes"]["russia"]["kind"] == "state"
    # Parallel relations between one pair stay separate edges.
    assert {"ly-gna-fights-haftar-forces", "ly-gna-haftar-forces-ceasefire-2020"} <= set(g["edgeAttributes"])


def test_gexf_is_dynamic_with_relation_intervals(files):
    import xml.etree.ElementTree as ET
    ns = {"g": "http://gexf.net/1.3"}
    root = ET.parse(files["gexf"]).getroot()
    graph = root.find("g:graph", ns)
    assert (graph.get("mode"), graph.get("timeformat")) == ("dynamic", "date")
    edges = {e.get("id"): e for e in graph.iter("{http://gexf.net/1.3}edge")}
    # partial dates widen to the days they cover; undated relations are static
    assert edges["ly-kaniyat-allied-with-gna"].get("end") == "2019-04-30"
    assert edges["ly-kaniyat-allied-with-haftar-forces"].get("start") == "2019-04-01"
    assert edges["ly-turkey-backs-gna"].get("start") == "2019-01-01"
    undated = edges["ly-mohamed-al-kani-leads-kaniyat"]
    assert (undated.get("start"), undated.get("end")) == (None, None)


def test_graphml_read_by_networkx(files, whole):
    g = nx.read_graphml(files["graphml"])
    assert (g.number_of_nodes(), g.number_of_edges()) == (ACTORS, RELATIONS)
    keys = {k for _, _, k in g.edges(keys=True)}
    assert keys == {e["id"] for e in whole["edges"]}
    u, v, d = next((u, v, d) for u, v, k, d in g.edges(keys=True, data=True) if k == "ly-russia-blocks-libya-committee-2020")
    assert (u, v) == ("russia", "unsc-libya-sanctions-committee")
    assert d["targets"] == "kaniyat|mohamed-al-kani" and d["polarity"] == -1
    assert "end_date" not in d  # nulls are dropped


def test_graphology_json_imported_by_graphology(files):
    g = node_reader("graphology", files["graphology"])
    assert (g["nodes"], g["edges"], g["type"], g["multi"]) == (ACTORS, RELATIONS, "mixed", True)
    assert g["edgeAttributes"]["ly-kaniyat-allied-with-gna"]["_undirected"] is True
    assert g["nodeAttributes"]["haftar-forces"]["aliases"][0] == "LNA"


def test_cytoscape_json_loaded_by_headless_cytoscape(files):
    g = node_reader("cytoscape", files["cytoscape"])
    assert (g["nodes"], g["edges"]) == (ACTORS, RELATIONS)
    assert g["degree"]["kaniyat"] == 9
    assert g["edgeAttributes"]["ly-turkey-backs-gna"]["source"] == "turkey"


def test_d3_nodes_and_links(files):
    data = json.loads(files["d3"].read_text())
    ids = {n["id"] for n in data["nodes"]}
    assert len(ids) == ACTORS and len(data["links"]) == RELATIONS
    assert all(link["source"] in ids and link["target"] in ids for link in data["links"])


def test_neo4j_import_csv_round_trips_every_relation(files, whole, ontology):
    z = zipfile.ZipFile(files["neo4j-csv"])
    assert {"actors.csv", "relationships.csv"} <= set(z.namelist())
    actors = list(csv.DictReader(io.StringIO(z.read("actors.csv").decode())))
    rels = list(csv.DictReader(io.StringIO(z.read("relationships.csv").decode())))
    assert "id:ID(Actor)" in actors[0] and "aliases:string[]" in actors[0] and ":LABEL" in actors[0]
    assert {":START_ID(Actor)", ":END_ID(Actor)", ":TYPE", "measures:string[]"} <= set(rels[0])
    assert len(actors) == ACTORS and len(rels) == RELATIONS
    by_id = {r["id"]: r for r in rels}
    for e in whole["edges"]:
        r = by_id[e["id"]]
        assert (r[":START_ID(Actor)"], r[":END_ID(Actor)"], r[":TYPE"]) == (e["source"], e["target"], e["type"])
        # The cell is the text the store holds; read as a store reads it, it is the API's evidence.
        assert relation_from_properties(e["type"], e["source"], e["target"], {"id": e["id"], "evidence_json":
                                        r["evidence_json"]}, ontology)["evidence"] == e["evidence"]
    assert by_id["ly-russia-blocks-libya-committee-2020"]["targets:string[]"] == "kaniyat;mohamed-al-kani"


def test_neo4j_import_csv_keeps_the_cited_documents(files, whole):
    # Without documents.csv an import of the zip lost every source the evidence cites.
    z = zipfile.ZipFile(files["neo4j-csv"])
    docs = list(csv.DictReader(io.StringIO(z.read("documents.csv").decode())))
    rels = list(csv.DictReader(io.StringIO(z.read("relationships.csv").decode())))
    assert list(docs[0])[0] == "id:ID(Document)" and list(docs[0])[-1] == ":LABEL"
    assert {d[":LABEL"] for d in docs} == {"Document"} and all(d["title"] for d in docs)
    cited = {i for r in rels for i in r["document_ids:string[]"].split(";") if i}
    assert cited == {d["id:ID(Document)"] for d in docs} and len(cited) == CITED_DOCUMENTS
    assert "--nodes=Document=documents.csv" in z.read("README.txt").decode()


@pytest.mark.parametrize("source", ["a subgraph's dicts", "the whole graph's tables"])
def test_gephi_stream_events(service, whole, source):
    chunks = (events(whole, service.ontology) if source.startswith("a subgraph")
              else stream_events(*service.whole_graph_tables(), service.ontology))
    body = b"".join(chunks)
    assert body.endswith(b"\r\n")
    parsed = [json.loads(line) for line in body.split(b"\r\n")[:-1]]
    assert sum("an" in p for p in parsed) == ACTORS and sum("ae" in p for p in parsed) == RELATIONS
    ae = next(p["ae"] for p in parsed if "ae" in p and "ly-turkey-backs-gna" in p["ae"])
    assert ae["ly-turkey-backs-gna"]["source"] == "turkey" and ae["ly-turkey-backs-gna"]["directed"] is True


def test_filtered_exports(service):
    g = service.whole_graph(RelationFilter(types=["BACKS"], as_of="2020-06-01"))
    assert {e["type"] for e in g["edges"]} == {"BACKS"} and len(g["edges"]) == 4


def test_export_and_subgraph_formats_over_http(client, tmp_path):
    r = client.get("/export", params={"format": "gexf"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/gexf+xml")
    assert 'filename="conflictgraph.gexf"' in r.headers["content-disposition"]
    path = tmp_path / "api.gexf"
    path.write_bytes(r.content)
    assert node_reader("gexf", path)["nodes"] == ACTORS
    r = client.get("/subgraph", params={"seeds": "kaniyat", "format": "graphml"})
    path = tmp_path / "sub.graphml"
    path.write_bytes(r.content)
    assert nx.read_graphml(path).number_of_nodes() == 8
    r = client.get("/subgraph", params={"seeds": "kaniyat", "format": "cytoscape"})
    assert len(r.json()["elements"]["edges"]) == 9


def test_gephi_stream_over_http(client):
    with client.stream("GET", "/gephi/stream", params={"seeds": "russia"}) as r:
        assert r.status_code == 200
        lines = [json.loads(line) for line in r.iter_lines() if line.strip()]
    assert {next(iter(p["an"])) for p in lines if "an" in p} == {"russia", "haftar-forces", "unsc",
                                                                 "unsc-libya-sanctions-committee"}


def test_gexf_escapes_every_special_character(ontology, tmp_path):
    # Texts with XML's special characters, tabs and newlines must come back from a real XML
    # parser exactly as they went in (the writer assembles markup column by column).
    nasty = 'Al-Kani & sons <"the seventh"> \'brigade\'\tTarhuna\r\nline 2'
    graph = {"nodes": [{"id": "a&b", "name": "  A  &\tB  ", "kind": "armed_group", "aliases": ["x|y", "<z>"],
                        "description": nasty, "identifiers": {}},
                       {"id": "c", "name": "", "kind": "state", "aliases": [], "identifiers": {}}],
             "edges": [{"id": "r<1>", "type": "BACKS", "source": "c", "target": "a&b", "directed": True,
                        "start": "2019-04", "end": None, "confidence": "high", "status": "reported",
                        "location": nasty, "properties": {"support": ["arms & \"money\""]},
                        "evidence": [{"document": "d1"}, {"document": "d2"}]}]}
    path = tmp_path / "nasty.gexf"
    path.write_bytes(FORMATS["gexf"].write(graph, ontology))
    validator = SHARED / "tools" / "validate_gexf.py"
    if not validator.exists():
        pytest.skip(f"{validator} is absent: the strict GEXF 1.3 check lives in the project's shared "
                    "folder beside the checkout (CI has it; a user's clone does not)")
    proc = subprocess.run([sys.executable, str(validator), str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    import xml.etree.ElementTree as ET
    ns = "{http://gexf.net/1.3}"
    root = ET.parse(path).getroot()
    nodes = {n.get("id"): n for n in root.iter(f"{ns}node")}

    def values(element):
        return {v.get("for"): v.get("value") for v in element.iter(f"{ns}attvalue")}
    assert nodes["a&b"].get("label") == "A & B"          # xsd:token: spaces collapsed
    assert nodes["c"].get("label") == "c"                # no name: the id
    assert values(nodes["a&b"])["description"] == nasty  # \r, \n, \t kept as character references
    assert values(nodes["a&b"])["aliases"] == "x|y|<z>"
    edge, = root.iter(f"{ns}edge")
    attrs = values(edge)
    assert edge.get("id") == "r<1>" and attrs["support"] == 'arms & "money"' and attrs["evidence_count"] == "2"
    assert attrs["location"] == nasty
    assert attrs["documents"] == "d1|d2" and edge.get("start") == "2019-04-01"


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_xml_exports_are_well_formed_whatever_text_they_are_given(ontology, tmp_path, fmt):
    # A store that predates the text rule (or a bug) may hold characters XML 1.0 cannot: one
    # such name once made every whole-graph export unreadable. The writers drop them.
    hostile = "Evil\x01\x02\x0bCorp\x1f\ufffe"
    graph = {"nodes": [{"id": "a", "name": hostile, "kind": "organization", "aliases": [hostile],
                        "description": f"{hostile} \u202e", "identifiers": {}},
                       {"id": "c", "name": "C", "kind": "state", "aliases": [], "identifiers": {}}],
             "edges": [{"id": "r1", "type": "SANCTIONS", "source": "c", "target": "a", "directed": True,
                        "start": "2020", "end": None, "confidence": "high", "status": "confirmed",
                        "location": hostile, "properties": {"program": hostile},
                        "evidence": [{"document": "d1"}]}]}
    path = tmp_path / f"hostile.{fmt}"
    path.write_bytes(FORMATS[fmt].write(graph, ontology))
    from lxml import etree
    etree.parse(str(path))                              # a strict XML parser: well-formed
    if fmt == "graphml":
        g = nx.read_graphml(path)
        assert g.nodes["a"]["label"] == "EvilCorp"
    else:
        assert b'label="EvilCorp"' in path.read_bytes() and b"\x01" not in path.read_bytes()


def test_the_spreadsheet_csv_never_holds_a_formula_and_the_neo4j_csv_keeps_cells_as_stored(ontology):
    formula = '=HYPERLINK("http://evil.example","click")'
    graph = {"nodes": [{"id": "a", "name": formula, "kind": "organization", "aliases": ["+cmd|' /C calc'!A0", "-2+3"],
                        "description": "@SUM(1)", "identifiers": {}},
                       {"id": "c", "name": "Clean name", "kind": "state", "aliases": [], "identifiers": {}}],
             "edges": [{"id": "r1", "type": "SANCTIONS", "source": "c", "target": "a", "directed": True,
                        "start": "2020", "end": None, "confidence": "high", "status": "confirmed",
                        "location": "\tTarhuna", "properties": {"program": "=1+1"}, "evidence": []}],
             "documents": []}

    def rows(fmt, name):
        with zipfile.ZipFile(io.BytesIO(FORMATS[fmt].write(graph, ontology))) as z:
            return list(csv.DictReader(io.StringIO(z.read(name).decode())))
    safe, raw = rows("csv", "actors.csv"), rows("neo4j-csv", "actors.csv")
    leads = ("=", "+", "-", "@", "\t", "\r")
    assert not any(cell.startswith(leads) for row in safe for cell in row.values())
    assert safe[0]["name"] == "'" + formula and safe[0]["aliases:string[]"] == "'+cmd|' /C calc'!A0;-2+3"
    assert safe[1]["name"] == "Clean name"                         # ordinary text untouched
    assert raw[0]["name"] == formula and raw[0]["description"] == "@SUM(1)"
    rel = rows("csv", "relationships.csv")[0]
    assert rel["program"] == "'=1+1" and rel["location"] == "'\tTarhuna"


@pytest.mark.parametrize("fmt", ["csv", "neo4j-csv"])
def test_csv_cells_are_quoted_as_python_s_csv_writer_quotes_them(ontology, fmt):
    """The CSV files are written column by column with Arrow; each line must be what Python's
    csv writer makes of the same cells (quotes doubled, a field with a comma, quote, CR or LF
    quoted, CRLF line ends), hostile text included, and read back to the same cells."""
    from conflictgraph.graph.export.neo4j_csv import ARRAY_DELIMITER, neutral

    names = ['plain', 'comma, inside', 'quote " inside', 'line\nbreak', 'cr\ronly', '"quoted"', '', 'ünïcødé ليبيا',
             '=1+2', '-5', '@x', '\tTab', ' lead space', 'a;b', "'apostrophe", '""']
    graph = {"nodes": [{"id": f"a{i}", "name": n, "kind": "organization", "aliases": [n, "x"] if i % 2 else [],
                        "description": None if i % 3 else n, "identifiers": {"wikidata": f"Q{i}"} if i % 4 else {}}
                       for i, n in enumerate(names)],
             "edges": [], "documents": []}
    with zipfile.ZipFile(io.BytesIO(FORMATS[fmt].write(graph, ontology))) as z:
        got = z.read("actors.csv")
    want = io.StringIO()
    w = csv.writer(want)
    w.writerow(["id:ID(Actor)", "name", "kind", "aliases:string[]", "country", "description", "identifiers:string[]",
                ":LABEL"])
    for a in graph["nodes"]:
        cells = [a["id"], a["name"], a["kind"], ARRAY_DELIMITER.join(a["aliases"]), "", a["description"] or "",
                 ARRAY_DELIMITER.join(f"{k}:{v}" for k, v in sorted(a["identifiers"].items())), "Actor"]
        w.writerow([neutral(c) for c in cells] if fmt == "csv" else cells)
    assert got == want.getvalue().encode()
    back = list(csv.reader(io.StringIO(got.decode(), newline="")))
    assert [row[1] for row in back[1:]] == [neutral(n) if fmt == "csv" else n for n in names]


def test_graphml_booleans_are_the_spec_s_true_and_false(files):
    text = files["graphml"].read_text()
    assert '<data key="directed">true</data>' in text and '<data key="directed">false</data>' in text
    assert ">True<" not in text and ">False<" not in text


def test_evidence_summaries_reach_the_gexf_and_graphml_attributes(files, whole):
    # Analysts read them in Gephi's data laboratory.
    from xml.sax.saxutils import escape
    rel = next(e for e in whole["edges"] if e["id"] == "ly-usa-sanctions-kaniyat-2020")
    summaries = "\n".join(ev["summary"] for ev in rel["evidence"])
    g = nx.read_graphml(files["graphml"])
    data = next(d for _, _, k, d in g.edges(keys=True, data=True) if k == rel["id"])
    assert data["evidence"] == summaries
    assert escape(rel["evidence"][0]["summary"]) in files["gexf"].read_text()


def test_the_whole_graph_csv_holds_what_the_graph_writer_does(service, files, monkeypatch):
    # The whole-graph csv is written from the store's stored columns (the embedded store's
    # projection) or from pages of actors and relations (the others; pages made small so the
    # seed graph spans several); either must hold what the writer of the API's graph does.
    monkeypatch.setattr("conflictgraph.graph.service.EXPORT_PAGE", 4)
    pieces, n_actors, n_relations = service.export_whole(RelationFilter(), "csv")
    paged = zipfile.ZipFile(io.BytesIO(b"".join(pieces)))
    whole = zipfile.ZipFile(files["csv"])
    assert (n_actors, n_relations) == (ACTORS, RELATIONS)
    for name in ("actors.csv", "relationships.csv", "documents.csv"):
        got = list(csv.reader(io.StringIO(paged.read(name).decode())))
        want = list(csv.reader(io.StringIO(whole.read(name).decode())))
        assert got[0] == want[0] and sorted(got[1:]) == sorted(want[1:]), name


@pytest.mark.parametrize("fmt", ["cytoscape", "graphology", "d3"])
def test_json_exports_written_by_column_hold_what_a_row_by_row_writer_does(ontology, fmt):
    """The JSON formats are written column by column (export/json_columns.py); a row by row
    reference, from the same tables with orjson, must read back the same, hostile text included."""
    import json

    import orjson

    from conflictgraph.graph.export.rows import degree, list_attributes
    from conflictgraph.graph.export.shape import EDGE_COLUMNS, LIST_SEPARATOR, NODE_COLUMNS

    def batches(table):
        yield table.to_pylist()

    def attributes(row, own, lists):
        return {k: (v.split(LIST_SEPARATOR) if k in lists else v)
                for k, v in row.items() if k not in own and v is not None}
    from conflictgraph.graph.export.tables import from_graph
    hostile = 'Q"uote\\back\nline\ttab\x01\x1f "end" \u2028 é'
    graph = {"nodes": [{"id": "a", "name": hostile, "kind": "organization", "aliases": [hostile, "plain"],
                        "description": None, "identifiers": {"wikidata": "Q1"}},
                       {"id": "c", "name": "", "kind": "no-such-kind", "aliases": [], "identifiers": {}}],
             "edges": [{"id": "r1", "type": "SANCTIONS", "source": "c", "target": "a", "directed": True,
                        "start": "2020", "end": None, "confidence": "high", "status": "confirmed",
                        "location": hostile, "properties": {"program": hostile},
                        "evidence": [{"document": "d1", "summary": hostile}]},
                       {"id": "r2", "type": "FIGHTS", "source": "a", "target": "c", "directed": False,
                        "start": None, "end": None, "confidence": "low", "status": "alleged",
                        "properties": {}, "evidence": []}]}
    nodes, edges = from_graph(graph, ontology)
    lists = list_attributes(ontology)
    got = json.loads(FORMATS[fmt].write(graph, ontology))     # strict JSON
    rows_n = [r for rows in batches(nodes) for r in rows]
    rows_e = [r for rows in batches(edges) for r in rows]
    colour = {r["id"]: ontology.node_colors.get(r.get("kind"), "#7f7f7f") for r in rows_n}
    n_attrs = {r["id"]: attributes(r, NODE_COLUMNS, lists) for r in rows_n}
    e_attrs = {r["id"]: attributes(r, EDGE_COLUMNS, lists) for r in rows_e}
    label = {r["id"]: r.get("label") or r["id"] for r in rows_n}
    if fmt == "d3":
        want_nodes = [{"id": r["id"], **n_attrs[r["id"]], "degree": degree(r["size"]), "color": colour[r["id"]]}
                      for r in rows_n]
        assert got["nodes"] == want_nodes
        assert got["links"] == [{"id": r["id"], "source": r["source"], "target": r["target"], **e_attrs[r["id"]]}
                                for r in rows_e]
    elif fmt == "graphology":
        assert got["nodes"] == [{"key": r["id"], "attributes": {"label": label[r["id"]], **n_attrs[r["id"]],
                                                                "size": 1 + degree(r["size"]), "color": colour[r["id"]]}}
                                for r in rows_n]
        assert got["edges"] == [{"key": r["id"], "source": r["source"], "target": r["target"],
                                 "undirected": not r["directed"],
                                 "attributes": {"label": r["relation_type"], **e_attrs[r["id"]],
                                                "color": ontology.polarity_colors.get(r["polarity"])}}
                                for r in rows_e]
    else:
        assert got["elements"]["nodes"][0]["data"] == {"id": "a", "label": label["a"], **n_attrs["a"],
                                                       "degree": degree(rows_n[0]["size"]), "color": colour["a"]}
        assert [e["data"]["label"] for e in got["elements"]["edges"]] == [r["relation_type"] for r in rows_e]
    assert orjson.loads(FORMATS[fmt].write(graph, ontology)) == got
    assert n_attrs["a"]["name"] == hostile and n_attrs["a"]["aliases"] == [hostile, "plain"]   # compared whole
