"""The HTTP contract frontends rely on, against a real loaded store of each kind."""
from __future__ import annotations

import pytest

from seed_counts import ACTORS, DOCUMENTS, EVENTS, RELATIONS


def ok(response):
    assert response.status_code == 200, response.text
    return response.json()


def problem(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["detail"]
    return body


def test_health(client):
    assert ok(client.get("/health")) == {"status": "ok", "store": client.app.state.service.store.dialect,
                                         "actors": ACTORS, "relations": RELATIONS, "documents": DOCUMENTS,
                                         "events": EVENTS}


def test_actor_search_matches_id_name_and_aliases_case_insensitively(client):
    assert [a["id"] for a in ok(client.get("/actors", params={"q": "LNA"}))["items"]] == ["haftar-forces"]
    assert [a["id"] for a in ok(client.get("/actors", params={"q": "al-kani militia"}))["items"]] == ["kaniyat"]
    ids = [a["id"] for a in ok(client.get("/actors", params={"q": "kani"}))["items"]]
    assert ids == ["al-kani-family", "kaniyat", "mohamed-al-kani"]


def test_actor_list_filters_and_paginates(client, seed_dataset):
    states = sorted(a.id for a in seed_dataset.actors if a.kind == "state")
    page = ok(client.get("/actors", params={"kind": "state", "limit": 4, "offset": 2}))
    assert page["total"] == len(states) > 6 and page["limit"] == 4 and page["offset"] == 2
    assert [a["id"] for a in page["items"]] == states[2:6]
    everyone = ok(client.get("/actors", params={"limit": 1000}))
    assert everyone["total"] == ACTORS == len(everyone["items"])


def test_actor_detail_with_identifiers_and_degree(client):
    a = ok(client.get("/actors/russia"))
    assert a["identifiers"] == {"iso3166": "RU", "wikidata": "Q159", "gwno": "365", "ucdp": "57"}
    assert a["degree"] == {"BACKS": 1, "BLOCKS": 1, "MEMBER_OF": 1} and a["total_degree"] == 3


def test_unknown_ids_are_404_problems(client):
    assert "no actor with id 'nobody'" in problem(client.get("/actors/nobody"), 404)["detail"]
    problem(client.get("/actors/nobody/relations"), 404)
    problem(client.get("/relations/nothing"), 404)
    problem(client.get("/documents/nothing"), 404)
    problem(client.get("/paths", params={"source": "nobody", "target": "usa"}), 404)


def test_actor_relations_by_direction_and_type(client):
    out = ok(client.get("/actors/usa/relations", params={"direction": "out", "types": "SANCTIONS"}))
    assert {(r["source"], r["target"]) for r in out["items"]} == {("usa", "kaniyat"), ("usa", "mohamed-al-kani")}
    incoming = ok(client.get("/actors/haftar-forces/relations", params={"direction": "in", "types": "BACKS"}))
    assert sorted(r["source"] for r in incoming["items"]) == ["egypt", "russia", "uae"]
    # A symmetric relation is found from either end, keeping its stored direction.
    fights = ok(client.get("/actors/haftar-forces/relations", params={"direction": "out", "types": "FIGHTS"}))
    assert [(r["source"], r["target"], r["directed"]) for r in fights["items"]] == [("gna", "haftar-forces", False)]


def test_every_relation_has_the_contract_fields(client):
    page = ok(client.get("/relations", params={"limit": 1000}))
    assert page["total"] == RELATIONS
    for r in page["items"]:
        assert {"id", "type", "source", "target", "start", "end", "confidence", "status",
                "properties", "evidence"} <= set(r)
        assert r["evidence"] and all({"document", "paragraph", "summary"} <= set(e) for e in r["evidence"])
    sanction = next(r for r in page["items"] if r["id"] == "ly-usa-sanctions-kaniyat-2020")
    assert sanction["start"] == "2020-11-25" and sanction["start_precision"] == "day"
    assert sanction["properties"] == {"program": "Global Magnitsky (E.O. 13818)",
                                      "measures": ["asset_freeze", "business_prohibition"]}


def test_as_of_keeps_only_relations_valid_that_day(client):
    ids = {r["id"] for r in ok(client.get("/relations", params={"as_of": "2019-04-15", "limit": 1000}))["items"]}
    assert {"ly-kaniyat-allied-with-gna", "ly-kaniyat-allied-with-haftar-forces"} <= ids  # month precision
    assert "ly-usa-sanctions-kaniyat-2020" not in ids
    later = {r["id"] for r in ok(client.get("/relations", params={"as_of": "2020-11-25", "limit": 1000}))["items"]}
    assert "ly-kaniyat-allied-with-gna" not in later and "ly-usa-sanctions-kaniyat-2020" in later
    assert "ly-russia-blocks-libya-committee-2020" in later  # a one-day event stays a dated fact


def test_relation_filters_combine(client, seed_dataset):
    page = ok(client.get("/relations", params={"since": "2020-11", "min_confidence": "high",
                                               "status": "confirmed", "types": "SANCTIONS,ACCUSES"}))
    assert page["total"] == 4
    page = ok(client.get("/relations", params={"source": "haftar-forces", "target": "gna"}))
    assert {r["type"] for r in page["items"]} == {"FIGHTS", "AGREES_CEASEFIRE"}  # symmetric, either way
    # until=2019: every relation that starts by the end of 2019 (undated ones are not excluded)
    by_2019 = [r for r in seed_dataset.relations if r.start is None or r.start.earliest().year <= 2019]
    assert 15 < len(by_2019) < len(seed_dataset.relations)
    assert ok(client.get("/relations", params={"until": "2019"}))["total"] == len(by_2019)


def test_relation_detail_resolves_evidence_to_documents(client):
    r = ok(client.get("/relations/ly-russia-blocks-libya-committee-2020"))
    assert r["properties"]["targets"] == ["kaniyat", "mohamed-al-kani"]
    docs = {e["document"]["id"]: e["document"] for e in r["evidence"]}
    assert docs["doc-6950a10e312c0b1f"]["title"].startswith("US blacklists pro-Haftar")
    assert [e["paragraph"] for e in r["evidence"]] == [4, 13, 4]


def test_paths_are_undirected_and_keep_each_relations_direction(client):
    body = ok(client.get("/paths", params={"source": "turkey", "target": "russia"}))
    assert [p["actors"] for p in body["paths"]] == [["turkey", "gna", "haftar-forces", "russia"]] * 2
    first = body["paths"][0]["relations"]
    assert [(r["type"], r["source"], r["target"]) for r in first] == [
        ("BACKS", "turkey", "gna"), ("FIGHTS", "gna", "haftar-forces"), ("BACKS", "russia", "haftar-forces")]
    # Only BACKS and FIGHTS, and before the ceasefire existed: one path.
    body = ok(client.get("/paths", params={"source": "turkey", "target": "russia", "types": "BACKS,FIGHTS",
                                           "as_of": "2020-06-01"}))
    assert len(body["paths"]) == 1
    assert ok(client.get("/paths", params={"source": "turkey", "target": "russia", "max_hops": 2}))["paths"] == []


def test_subgraph_around_seeds(client):
    g = ok(client.get("/subgraph", params={"seeds": "kaniyat", "depth": 1}))
    assert {n["id"]: n["distance"] for n in g["nodes"]}["kaniyat"] == 0
    assert {n["id"] for n in g["nodes"]} == {"kaniyat", "al-kani-family", "germany", "gna", "haftar-forces",
                                            "mohamed-al-kani", "us-treasury", "usa"}
    assert len(g["edges"]) == 9
    g2 = ok(client.get("/subgraph", params={"seeds": "kaniyat", "depth": 2, "types": "ALLIED_WITH,BACKS"}))
    assert {n["id"] for n in g2["nodes"]} == {"kaniyat", "gna", "haftar-forces", "turkey", "russia", "uae", "egypt"}
    problem(client.get("/subgraph", params={"seeds": "kaniyat", "depth": 4}), 422)


def test_documents_and_ontology(client):
    docs = ok(client.get("/documents"))
    assert docs["total"] == DOCUMENTS
    founding = ok(client.get("/documents/doc-6950a10e312c0b1f"))
    assert founding["cites"][0] == "Reuters" and founding["held"] is True and founding["sources"] == {}
    # The sourcing rule's marks reach the API: a primary source we hold no copy of, and an
    # editorial note's primary sources per paragraph.
    assert ok(client.get("/documents/doc-treasury-sm1192"))["held"] is False
    note = ok(client.get("/documents/cg-note-libya-2020-public-record"))
    assert note["sources"]["8"] == ["doc-treasury-sm1192"]
    assert note["sources"]["9"] == ["doc-unsc-res-1970", "doc-talmon-2021-libya-committee"]
    evidence = ok(client.get("/relations/ly-kaniyat-allied-with-gna"))["evidence"]
    assert [(e["document"]["id"], e["inference"]) for e in evidence] == [
        ("doc-treasury-sm1192", False), ("cg-note-libya-2020-public-record", False),
        ("doc-reuters-2017-06-10-uae-lna", False)]
    onto = ok(client.get("/ontology"))
    types = {t["name"]: t for t in onto["relation_types"]}
    assert types["BACKS"]["polarity"] == 1 and types["FIGHTS"]["directed"] is False
    assert types["SANCTIONS"]["cameo"] == "163"


@pytest.mark.parametrize("path,params,parameter", [
    ("/actors", {"limit": 0}, "limit"),
    ("/actors", {"offset": -1}, "offset"),
    ("/actors", {"kind": "militia"}, "kind"),
    ("/relations", {"as_of": "2020-13-01"}, "as_of"),
    ("/relations", {"since": "last year"}, "since"),
    # year 0000 was a 500; as_of=0 and =1606262400 were read as Unix timestamps
    ("/relations", {"since": "0000"}, "since"),
    ("/relations", {"until": "0000-01"}, "until"),
    ("/actors/kaniyat/relations", {"since": "0000"}, "since"),
    ("/relations", {"as_of": "0"}, "as_of"),
    ("/relations", {"as_of": "1606262400"}, "as_of"),
    ("/relations", {"as_of": "2021-02-30"}, "as_of"),
    ("/subgraph", {"seeds": "kaniyat", "as_of": "0000-01-01"}, "as_of"),
    ("/relations", {"types": "BACK"}, "types"),
    ("/relations", {"min_confidence": "certain"}, "min_confidence"),
    ("/relations", {"status": "rumour"}, "status"),
    ("/actors/usa/relations", {"direction": "sideways"}, "direction"),
    ("/paths", {"source": "usa"}, "target"),
    ("/paths", {"source": "usa", "target": "usa"}, "target"),
    ("/paths", {"source": "usa", "target": "gna", "max_hops": 9}, "max_hops"),
    ("/subgraph", {"seeds": " , "}, "seeds"),
    ("/search", {}, "q"),
    ("/search", {"q": "-- ?"}, "q"),        # nothing searchable left
    ("/search", {"q": "haf", "kind": "militia"}, "kind"),
    ("/search", {"q": "haf", "limit": 51}, "limit"),
])
def test_bad_parameters_are_422_naming_the_parameter(client, path, params, parameter):
    body = problem(client.get(path, params=params), 422)
    assert f"'{parameter}'" in body["detail"]
    assert body["errors"][0]["parameter"] == parameter


@pytest.mark.parametrize("path, params, unknown, hint", [
    # a filter the endpoint does not apply was silently ignored: the answer looked filtered
    ("/subgraph", {"seeds": "kaniyat", "min_confidence": "high"}, ["min_confidence"], ""),
    ("/relations", {"foo": "bar", "typs": "BACKS"}, ["foo", "typs"], " — did you mean 'types'?"),
    ("/analytics/blocs", {"since": "2020"}, ["since"], ""),
    ("/health", {"verbose": "1"}, ["verbose"], ""),
])
def test_unknown_query_parameters_are_422_naming_them(client, path, params, unknown, hint):
    body = problem(client.get(path, params=params), 422)
    assert [e["parameter"] for e in body["errors"]] == unknown
    assert body["errors"][-1]["message"].startswith(f"unknown parameter{hint}; this endpoint takes ")
    assert all(f"query parameter '{name}'" in body["detail"] for name in unknown)


def test_a_trailing_slash_is_served_not_redirected_to_the_request_s_host(client):
    # Starlette redirected /actors/ to http://<the request's Host>/actors: an open redirect.
    r = client.get("/actors/", params={"q": "kaniyat"}, headers={"host": "evil.example"}, follow_redirects=False)
    assert r.status_code == 200 and "location" not in r.headers
    assert r.json() == client.get("/actors", params={"q": "kaniyat"}).json()
    assert client.get("/actors/kaniyat/", follow_redirects=False).json()["id"] == "kaniyat"


def test_422s_list_the_allowed_values_in_words(client):
    types = problem(client.get("/relations", params={"types": "BACKS,SANCTION"}), 422)["detail"]
    assert types == ("query parameter 'types': unknown relation type(s): SANCTION; known: BACKS, SANCTIONS, "
                     "LISTS, BLOCKS, PROPOSES_SANCTIONS, ALLIED_WITH, FIGHTS, AGREES_CEASEFIRE, LEADS, MEMBER_OF, "
                     "PART_OF, OWNS, DIRECTS, EMPLOYED_BY, FAMILY_OF, ASSOCIATE_OF, HOLDS_POSITION, ACCUSES")
    status = problem(client.get("/relations", params={"status": "rumour"}), 422)["detail"]
    assert status.endswith("unknown status(es): rumour; known: alleged, reported, confirmed, disputed")
    day = problem(client.get("/relations", params={"as_of": "20201125"}), 422)["detail"]
    assert day == "query parameter 'as_of': '20201125' is not a day of the calendar (YYYY-MM-DD, from 0001-01-01)"
    since = problem(client.get("/relations", params={"since": "2020/01"}), 422)["detail"]
    assert since == "query parameter 'since': '2020/01' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"
    confidence = problem(client.get("/relations", params={"min_confidence": "certain"}), 422)["detail"]
    assert "'low', 'medium' or 'high'" in confidence
    for detail in (types, status, day, since, confidence):
        assert "pattern" not in detail and "^" not in detail


def test_the_docs_pages_keep_their_own_parameters(client):
    assert client.get("/docs", params={"urls.primaryName": "x"}).status_code == 200


def test_request_bodies_over_the_limit_are_413_before_they_are_parsed(client):
    big = {"query": "RETURN size($p)", "params": {"p": list(range(300_000))}}   # ~2 MB of JSON
    body = problem(client.post("/cypher", json=big), 413)
    assert body["detail"] == "the request body is larger than this server accepts (1,048,576 bytes)"

    def chunked():   # no Content-Length: counted as it arrives
        for _ in range(2_000):
            yield b" " * 1_000
    assert problem(client.post("/cypher", content=chunked(),
                               headers={"Content-Type": "application/json"}), 413)["status"] == 413
    assert ok(client.post("/cypher", json={"query": "RETURN size($p)", "params": {"p": list(range(1000))}}))


def test_a_huge_research_result_stops_at_the_size_limit(client):
    # 10,000 rows of 20 KB: 200 MB of JSON, which used to be built whole in the server
    r = client.post("/cypher", json={"query": "UNWIND range(1, 10000) AS i RETURN i, $s AS s",
                                     "params": {"s": "x" * 20_000}})
    body = ok(r)
    assert body["truncated"] is True
    assert 1_000 < len(body["rows"]) < 2_000 and body["rows"][0] == [1, "x" * 20_000]
    assert len(r.content) <= (32 << 20) + 4096


@pytest.mark.parametrize("path", ["/actors?q=kani", "/actors/kaniyat", "/relations?limit=3", "/ontology",
                                  "/export?format=gexf", "/health"])
def test_head_answers_every_get_with_its_headers_and_no_body(client, path):
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers.get("etag") == get.headers.get("etag")


def test_graph_answers_carry_a_strong_etag_and_revalidate_with_304(client):
    first = client.get("/actors/kaniyat")
    etag = first.headers["etag"]
    assert etag.startswith('"') and first.headers["cache-control"] == "no-cache"
    again = client.get("/actors/kaniyat", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get("/actors/kaniyat", headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get("/actors/russia").headers["etag"] != etag          # another URL, another tag
    assert "etag" not in client.get("/health").headers                  # about the service now


def test_cors_exposes_the_headers_a_frontend_reads(client):
    r = client.get("/export?format=gexf", headers={"Origin": "http://localhost:5173"})
    exposed = {h.strip().lower() for h in r.headers["access-control-expose-headers"].split(",")}
    assert {"content-disposition", "etag", "retry-after"} <= exposed


def test_operation_ids_are_the_handlers_names(client):
    spec = client.get("/openapi.json").json()
    ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert {"list_actors", "get_actor", "actor_relations", "subgraph", "export", "cypher", "centrality"} <= set(ids)


def test_the_ontology_serves_the_exports_palette(client, ontology):
    palette = ok(client.get("/ontology"))["palette"]
    assert palette["actor_kinds"] == ontology.kind_colors
    assert palette["polarity"] == {str(k): v for k, v in ontology.polarity_colors.items()}


def test_relations_and_paths_carry_the_actors_names(client):
    items = ok(client.get("/relations", params={"types": "SANCTIONS"}))["items"]
    usa = next(r for r in items if r["id"] == "ly-usa-sanctions-kaniyat-2020")
    assert (usa["source_name"], usa["target_name"]) == ("United States", "Kaniyat militia")
    mine = ok(client.get("/actors/kaniyat/relations", params={"types": "SANCTIONS"}))["items"]
    assert {r["target_name"] for r in mine} == {"Kaniyat militia"}
    paths = ok(client.get("/paths", params={"source": "usa", "target": "russia", "max_hops": 3}))["paths"]
    assert paths and all(len(p["names"]) == len(p["actors"]) for p in paths)
    first = paths[0]
    assert first["names"][0] == "United States" and first["names"][-1] == "Russia"
    assert all(r["source_name"] and r["target_name"] for p in paths for r in p["relations"])


def test_large_responses_are_gzipped(client):
    r = client.get("/relations", params={"limit": 1000}, headers={"Accept-Encoding": "gzip"})
    assert r.headers.get("content-encoding") == "gzip"
    small = client.get("/actors/usa", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers


def test_cors_for_configured_frontends(client):
    r = client.get("/health", headers={"Origin": "http://localhost:5173"})
    assert r.headers["access-control-allow-origin"] == "http://localhost:5173"
    r = client.get("/health", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in r.headers


def test_cypher_endpoint_runs_read_queries_with_parameters(client):
    body = ok(client.post("/cypher", json={
        "query": "MATCH (a:Actor)-[:BACKS]->(b:Actor {id: $target}) RETURN a.id AS backer ORDER BY backer",
        "params": {"target": "haftar-forces"}}))
    assert body == {"columns": ["backer"], "rows": [["egypt"], ["russia"], ["uae"]], "truncated": False}


def test_cypher_maps_keyed_by_numbers_come_back_keyed_by_text(client):
    # JSON keys are text; the embedded engine hands a MAP over with its own key type (Neo4j's
    # maps are keyed by text, and it has no map() to build another).
    if client.app.state.service.store.dialect != "embedded":
        pytest.skip("only the embedded engine has maps keyed by numbers")
    body = ok(client.post("/cypher", json={"query": "RETURN map([1, 2], ['a', 'b']) AS m"}))
    assert body["rows"] == [[{"1": "a", "2": "b"}]]


@pytest.mark.parametrize("value", [2 ** 63, -(2 ** 63) - 1, [1, {"deep": 2 ** 64}]])
def test_cypher_parameters_beyond_64_bit_integers_are_400_naming_the_parameter(client, value):
    # Found on the real Neo4j: the driver's wire encoder overflowed and the answer was a 500.
    body = problem(client.post("/cypher", json={"query": "RETURN $big AS v", "params": {"big": value}}), 400)
    assert "$big" in body["detail"] and "64-bit" in body["detail"]
    edge = ok(client.post("/cypher", json={"query": "RETURN $big AS v", "params": {"big": 2 ** 63 - 1}}))
    assert edge["rows"] == [[2 ** 63 - 1]]


@pytest.mark.parametrize("path", ["/actors", "/relations", "/documents", "/actors/usa/relations"])
def test_pages_past_the_end_are_empty_not_a_crash(client, path):
    # offset far beyond the last row: the embedded engine 0.22 segfaults on
    # ORDER BY ... SKIP past the end of a node scan, so the service must never send that.
    body = ok(client.get(path, params={"offset": 200_000, "limit": 654}))
    assert body["items"] == [] and body["total"] > 0


@pytest.mark.parametrize("url, model", [
    ("/subgraph?seeds=kaniyat,russia&depth=2", "Subgraph"),
    ("/subgraph?seeds=kaniyat&depth=1&as_of=2020-06-01", "Subgraph"),
    ("/subgraph?seeds=russia&depth=1&events=true", "Subgraph"),
    ("/paths?source=russia&target=kaniyat&max_hops=4", "PathList"),
])
def test_graph_answers_encoded_directly_are_exactly_their_models_shape(client, url, model):
    # /subgraph and /paths skip FastAPI's response validation (it was half of a large
    # subgraph's time): what they send must be what the model would have sent.
    from pydantic import TypeAdapter

    from conflictgraph.api import models
    body = ok(client.get(url))
    adapter = TypeAdapter(getattr(models, model))
    assert body == adapter.dump_python(adapter.validate_python(body), mode="json")
    relations = body["edges"] if model == "Subgraph" else [r for p in body["paths"] for r in p["relations"]]
    assert relations and all("quote" in e for r in relations for e in r["evidence"])
