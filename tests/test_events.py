"""Events as first-class records: what happened on a date, at a place, with participants in
roles (ontology.yaml `event_types`). Validated like relations (every problem names the file,
the record and the field; the sourcing rule applies), loaded by every store as (:Event) nodes
joined to their participants, served by /events, cited by relations, and exported with
events=true so Gephi's timeline shows them.

The expected answers are computed here from the seed files with Python's date rule
(graph/dates.py), not copied from the stores' Cypher."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest
import yaml

from conflictgraph.graph.dataset import check_seed_path, read_dataset
from conflictgraph.graph.dates import PartialDate
from conflictgraph.graph.errors import OntologyError
from conflictgraph.graph.ontology import parse_ontology
from conflictgraph.graph.paths import ONTOLOGY_FILE
from conflictgraph.graph.service import EventFilter, GraphService
from conflictgraph.graph.records import evidence_json
from seed_counts import ACTORS, EVENTS, PARTICIPATIONS, RELATIONS


def ok(response):
    assert response.status_code == 200, response.text
    return response.json()


def problem(response, status):
    assert response.status_code == status, response.text
    return response.json()


# --- validation ---------------------------------------------------------------------------
EVENT = """events:
  - id: ev-block
    type: blocked_listing
    date: "2020-11-20"
    place: New York
    country: US
    confidence: high
    status: reported
    participants:
      - {actor: russia, role: blocker}
      - {actor: unsc-committee, role: forum}
      - {actor: kaniyat, role: target}
    evidence:
      - document: doc-a
        paragraph: 3
        summary: Russia stopped the listing.
"""
WHERE = "{dir}/events.yaml: events[0] (id 'ev-block'): "

# (text to replace in EVENT, replacement, the exact problem line)
EVENT_CASES = {
    "unknown type, with a suggestion": (
        "type: blocked_listing", "type: blocked_listng",
        WHERE + "field 'type': unknown event type 'blocked_listng' — did you mean 'blocked_listing'? (types: battle, "
                "one_sided_violence, remote_violence, protest, riot, recapture, truce, ceasefire_agreement, mass_grave_discovery, listing_proposal, blocked_listing, designation)"),
    "a role the type does not have": (
        "{actor: kaniyat, role: target}", "{actor: kaniyat, role: captor}",
        WHERE + "field 'participants[2].role': 'captor' is not a role in a blocked_listing event "
                "(roles: blocker, proposer, target, forum)"),
    "a required role missing": (
        "      - {actor: unsc-committee, role: forum}\n", "",
        WHERE + "field 'participants': a blocked_listing event needs a participant as forum"),
    "unknown participant": (
        "{actor: russia, role: blocker}", "{actor: rusia, role: blocker}",
        WHERE + "field 'participants[0].actor': unknown actor 'rusia' — did you mean 'russia'?"),
    "the same actor twice in one role": (
        "{actor: kaniyat, role: target}", "{actor: russia, role: blocker}",
        WHERE + "field 'participants[2]': 'russia' is already a blocker of this event"),
    "no participants": (
        "    participants:\n      - {actor: russia, role: blocker}\n      - {actor: unsc-committee, role: forum}\n"
        "      - {actor: kaniyat, role: target}\n", "",
        WHERE + "field 'participants': at least one participant (actor, role) is required"),
    "no date": (
        '    date: "2020-11-20"\n', "",
        WHERE + "field 'date': is required: when it happened, as YYYY, YYYY-MM or YYYY-MM-DD"),
    "a date that is not one": (
        'date: "2020-11-20"', 'date: "2020-13"',
        WHERE + "field 'date': '2020-13' has month 13, which does not exist"),
    "an actor's id": (
        "id: ev-block", "id: kaniyat",
        "{dir}/events.yaml: events[0] (id 'kaniyat'): field 'id': 'kaniyat' is an actor's id too; an event needs "
        "an id of its own (exports put actors and events in one set of nodes)"),
    "a country that is not a code": (
        "country: US", "country: USA",
        WHERE + "field 'country': 'USA' is not an ISO 3166-1 alpha-2 code (e.g. LY, US)"),
    # what event datasets add (GED codebook 22.1, section 3)
    "latitude without longitude": (
        "country: US", "country: US\n    latitude: 40.75",
        WHERE + "field 'longitude': give both latitude and longitude, or neither"),
    "latitude out of range": (
        "country: US", "country: US\n    latitude: 140.75\n    longitude: -73.97",
        WHERE + "field 'latitude': 140.75 is outside -90..90 decimal degrees"),
    "unknown place precision": (
        "country: US", "country: US\n    place_precision: street",
        WHERE + "field 'place_precision': 'street' is not one of exact, near, admin2, admin1, feature, country, "
                "international"),
    "deaths: low above best": (
        "country: US", "country: US\n    deaths: {best: 3, low: 5, high: 9}",
        WHERE + "field 'deaths.low': 5 is more than the best estimate 3"),
    "deaths: unknown estimate": (
        "country: US", "country: US\n    deaths: {bst: 3}",
        WHERE + "field 'deaths.bst': unknown estimate — did you mean 'best'? (estimates: best, low, high, side_a, "
                "side_b, civilians, unknown)"),
    "date_end before the date": (
        "country: US", "country: US\n    date_end: \"2020-11-19\"",
        WHERE + "field 'date_end': 2020-11-19 is before the event's date 2020-11-20; date_end is the last possible date"),
    "unknown field": (
        "place: New York", "location: New York",
        WHERE + "field 'location': unknown field (allowed: admin1, admin2, confidence, country, date, date_end, "
                "deaths, evidence, id, identifiers, latitude, longitude, notes, participants, place, place_precision, "
                "status, type)"),
}


@pytest.mark.parametrize("case", list(EVENT_CASES))
def test_each_event_rule_names_file_record_and_field(mini_dir, case):
    old, new, expected = EVENT_CASES[case]
    assert old in EVENT, "the fixture edit no longer applies"
    (mini_dir / "events.yaml").write_text(EVENT.replace(old, new, 1))
    dataset, problems = check_seed_path(mini_dir)
    assert [str(p) for p in problems] == [expected.format(dir=mini_dir)]
    assert dataset.events == []


def test_a_valid_event_is_read_with_its_participants(mini_dir):
    (mini_dir / "events.yaml").write_text(EVENT)
    dataset = read_dataset(mini_dir)
    (event,) = dataset.events
    assert (event.type, str(event.date), event.date.precision, event.place) == ("blocked_listing", "2020-11-20",
                                                                                 "day", "New York")
    assert [(p.actor, p.role) for p in event.participants] == [("russia", "blocker"), ("unsc-committee", "forum"),
                                                               ("kaniyat", "target")]


def _cite(mini_dir, events_line: str) -> list[str]:
    (mini_dir / "events.yaml").write_text(EVENT)
    path = mini_dir / "relations.yaml"
    path.write_text(path.read_text().replace("      targets: [kaniyat]\n",
                                             "      targets: [kaniyat]\n" + events_line, 1))
    dataset, problems = check_seed_path(mini_dir)
    return dataset, [str(p) for p in problems]


def test_relations_cite_the_events_they_rest_on(mini_dir):
    dataset, problems = _cite(mini_dir, "    events: [ev-block]\n")
    assert problems == []
    assert {r.id: r.events for r in dataset.relations} == {"r-backs": [], "r-blocks": ["ev-block"]}


@pytest.mark.parametrize("line, message", [
    ("    events: [ev-blok]\n", "field 'events[0]': unknown event 'ev-blok' — did you mean 'ev-block'?"),
    ("    events: [ev-block, ev-block]\n", "field 'events': names an event twice"),
    ("    events: ev-block\n", "field 'events': must be a list of non-empty texts"),
])
def test_a_relation_citing_a_missing_event_is_refused(mini_dir, line, message):
    _, problems = _cite(mini_dir, line)
    assert problems == [f"{mini_dir}/relations.yaml: relations[1] (id 'r-blocks'): {message}"]


NOTE = """
  - id: note-a
    kind: editorial_note
    title: Our note
    sources:
      1: [doc-a]
"""


@pytest.mark.parametrize("status, confidence, error", [("confirmed", "high", True), ("reported", "medium", False)])
def test_the_sourcing_rule_holds_for_events(mini_dir, status, confidence, error):
    docs = mini_dir / "documents.yaml"
    docs.write_text(docs.read_text() + NOTE)
    (mini_dir / "events.yaml").write_text(
        EVENT.replace("document: doc-a\n        paragraph: 3", "document: note-a\n        paragraph: 1")
             .replace("confidence: high\n    status: reported", f"confidence: {confidence}\n    status: {status}"))
    from conflictgraph.graph.dataset import SeedSet
    seeds = SeedSet(mini_dir)
    problems, warnings = [str(p) for p in seeds.check()], [str(w) for w in seeds.warnings]
    what = "no evidence item states this claim: its only support is editorial or an inference"
    if error:
        assert problems == [WHERE.format(dir=mini_dir) + f"field 'status': {what}, so it can be at most alleged or "
                            "reported with medium confidence (it is confirmed, high); cite a document that states it"]
    else:
        assert problems == [] and warnings == [
            WHERE.format(dir=mini_dir) + f"field 'evidence': {what} (a document that states it would make it citable)"]


def test_the_ontology_keeps_its_own_names_and_checks_event_types():
    data = yaml.safe_load(ONTOLOGY_FILE.read_text())
    for change, message in [
        (lambda d: d["relation_types"].__setitem__("PARTICIPATED_IN", d["relation_types"]["BACKS"]),
         "relation_types.PARTICIPATED_IN: PARTICIPATED_IN is the graph's own name"),
        (lambda d: d["actor_kinds"].__setitem__("event", {"description": "x"}), "actor_kinds.event:"),
        (lambda d: d["event_types"]["truce"].__setitem__("required_roles", ["mediator"]),
         "event_types.truce.required_roles: mediator not among its roles"),
        (lambda d: d["event_types"].__setitem__("Truce", {"roles": {"party": "x"}}), "event_types.Truce:"),
    ]:
        broken = yaml.safe_load(ONTOLOGY_FILE.read_text())
        change(broken)
        with pytest.raises(OntologyError, match=message.replace("(", r"\(")):
            parse_ontology(broken, ONTOLOGY_FILE)
    assert list(parse_ontology(data, ONTOLOGY_FILE).event_types) == list(data["event_types"])


# --- the seed's events --------------------------------------------------------------------
def test_the_article_s_events_are_in_the_seed(seed_dataset):
    events = {e.id: e for e in seed_dataset.events}
    by_type = {e.type: e for e in events.values()}
    assert {"designation", "blocked_listing", "listing_proposal", "recapture", "truce",
            "ceasefire_agreement", "mass_grave_discovery", "battle"} <= set(by_type)
    assert str(by_type["designation"].date) == "2020-11-25"
    assert str(by_type["blocked_listing"].date) == "2020-11-20"
    assert {(p.actor, p.role) for p in by_type["blocked_listing"].participants} >= {
        ("russia", "blocker"), ("usa", "proposer"), ("germany", "proposer"),
        ("unsc-libya-sanctions-committee", "forum")}
    assert (str(by_type["recapture"].date), by_type["recapture"].place) == ("2020-06-05", "Tarhuna")
    # Every event is cited by the relations resting on it, or stands on its own evidence.
    cited = {e for r in seed_dataset.relations for e in r.events}
    assert {"ev-ly-2020-11-25-us-designation", "ev-ly-2020-11-20-blocked-listing",
            "ev-ly-2020-10-23-ceasefire"} <= cited <= set(events)


# --- every store: /events and what relations cite -----------------------------------------
def _happened_by(event, day: str) -> bool:
    return event.date.earliest() <= PartialDate.parse(day).earliest()


def _in_order(events):
    return [e.id for e in sorted(events, key=lambda e: (str(e.date), e.id))]


def test_events_come_in_date_order_with_their_participants(client, seed_dataset):
    body = ok(client.get("/events"))
    assert body["total"] == EVENTS and [e["id"] for e in body["items"]] == _in_order(seed_dataset.events)
    names = {a.id: a.name for a in seed_dataset.actors}
    for item, event in zip(body["items"], sorted(seed_dataset.events, key=lambda e: (str(e.date), e.id))):
        assert (item["type"], item["date"], item["date_precision"], item["place"], item["country"]) == (
            event.type, str(event.date), event.date.precision, event.place, event.country)
        assert sorted((p["actor"], p["role"], p["name"]) for p in item["participants"]) == sorted(
            (p.actor, p.role, names[p.actor]) for p in event.participants)
        assert [(x["document"], x["paragraph"]) for x in item["evidence"]] == [
            (x.document, x.paragraph) for x in event.evidence]
    page = ok(client.get("/events", params={"limit": 3, "offset": 2}))
    assert [e["id"] for e in page["items"]] == _in_order(seed_dataset.events)[2:5] and page["total"] == EVENTS


@pytest.mark.parametrize("day", ["2019-03-31", "2019-04-01", "2019-12-31", "2020-01-01", "2020-06-04",
                                "2020-06-05", "2020-11-19", "2020-11-20", "2030-01-01"])
def test_as_of_keeps_the_events_that_had_happened_by_that_day(client, seed_dataset, day):
    body = ok(client.get("/events", params={"as_of": day, "limit": 1000}))
    want = _in_order(e for e in seed_dataset.events if _happened_by(e, day))
    assert [e["id"] for e in body["items"]] == want and body["total"] == len(want)


@pytest.mark.parametrize("since, until", [("2020-06", "2020-10"), ("2020-11-21", ""), ("", "2019"),
                                          ("2020-06-06", "2020-06-30")])
def test_a_date_range_keeps_the_events_dated_within_it(client, seed_dataset, since, until):
    lo = PartialDate.parse(since).earliest() if since else None
    hi = PartialDate.parse(until).latest() if until else None
    want = _in_order(e for e in seed_dataset.events
                     if (lo is None or e.date.latest() >= lo) and (hi is None or e.date.earliest() <= hi))
    body = ok(client.get("/events", params={"since": since, "until": until}))
    assert [e["id"] for e in body["items"]] == want


def test_events_by_type_actor_and_role(client, seed_dataset):
    def ids(**params):
        return [e["id"] for e in ok(client.get("/events", params=params))["items"]]
    assert ids(types="designation,blocked_listing") == _in_order(
        e for e in seed_dataset.events if e.type in ("designation", "blocked_listing"))
    assert ids(actor="kaniyat", role="target") == _in_order(
        e for e in seed_dataset.events if any(p.actor == "kaniyat" and p.role == "target" for p in e.participants))
    russia = _in_order(e for e in seed_dataset.events if any(p.actor == "russia" for p in e.participants))
    assert ids(actor="russia") == russia == [e["id"] for e in ok(client.get("/actors/russia/events"))["items"]]
    assert ids(actor="gna", as_of="2020-06-30") == _in_order(
        e for e in seed_dataset.events if any(p.actor == "gna" for p in e.participants) and _happened_by(e, "2020-06-30"))


def test_an_event_with_its_documents_and_the_relations_citing_it(client, seed_dataset):
    body = ok(client.get("/events/ev-ly-2020-11-20-blocked-listing"))
    assert {p["role"] for p in body["participants"] if p["actor"] == "russia"} == {"blocker"}
    titles = {d.id: d.title for d in seed_dataset.documents}
    assert [(x["document"]["id"], x["document"]["title"]) for x in body["evidence"]] == [
        (x.document, titles[x.document]) for x in next(
            e for e in seed_dataset.events if e.id == "ev-ly-2020-11-20-blocked-listing").evidence]
    assert [r["id"] for r in body["relations"]] == sorted(
        r.id for r in seed_dataset.relations if "ev-ly-2020-11-20-blocked-listing" in r.events)
    assert body["relations"][0]["source_name"] == "Russia"


def test_relations_carry_the_events_they_cite(client, seed_dataset):
    items = ok(client.get("/relations", params={"limit": 1000}))["items"]
    assert {r["id"]: r["events"] for r in items} == {r.id: r.events for r in seed_dataset.relations}
    assert ok(client.get("/relations/ly-gna-fights-kaniyat"))["events"] == next(
        r.events for r in seed_dataset.relations if r.id == "ly-gna-fights-kaniyat")


def test_event_errors_name_the_parameter(client):
    assert problem(client.get("/events/ev-nothing"), 404)["detail"] == "no event with id 'ev-nothing'"
    assert problem(client.get("/actors/nobody/events"), 404)["detail"] == "no actor with id 'nobody'"
    assert problem(client.get("/events", params={"actor": "nobody"}), 404)["status"] == 404
    for params, parameter in [({"types": "batle"}, "types"), ({"role": "target"}, "role"),
                              ({"actor": "russia", "role": "captain"}, "role"), ({"as_of": "2020-11"}, "as_of"),
                              ({"since": "2020-13"}, "since")]:
        body = problem(client.get("/events", params=params), 422)
        assert [e["parameter"] for e in body["errors"]] == [parameter], body


def test_researchers_reach_events_by_cypher(client, seed_dataset):
    body = ok(client.post("/cypher", json={
        "query": "MATCH (a:Actor)-[p:PARTICIPATED_IN]->(e:Event {id: $id}) RETURN a.id AS actor, p.role AS role "
                 "ORDER BY actor, role", "params": {"id": "ev-ly-2020-11-20-blocked-listing"}}))
    event = next(e for e in seed_dataset.events if e.id == "ev-ly-2020-11-20-blocked-listing")
    assert body["rows"] == sorted([p.actor, p.role] for p in event.participants)


def test_the_ontology_describes_event_types(client, ontology):
    body = ok(client.get("/ontology"))
    assert [t["name"] for t in body["event_types"]] == list(ontology.event_types)
    blocked = next(t for t in body["event_types"] if t["name"] == "blocked_listing")
    assert set(blocked["roles"]) == {"blocker", "proposer", "target", "forum"}
    assert body["palette"]["event"] == ontology.event_color


# --- loading: events are replaced with the graph ------------------------------------------
def test_a_new_load_replaces_the_events(store, seed_dataset, mini_dir):
    store.load(seed_dataset)
    assert store.stats()["events"] == EVENTS
    assert store.run_named("count_participations").rows[0][0] == PARTICIPATIONS
    (mini_dir / "events.yaml").write_text(EVENT)
    store.load(read_dataset(mini_dir))
    items, total = GraphService(store).events(EventFilter())
    assert (total, [e["id"] for e in items]) == (1, ["ev-block"])
    assert store.run_named("count_participations").rows[0][0] == 3
    assert store.stats()["events"] == 1


# --- exports ------------------------------------------------------------------------------
def test_the_whole_export_with_events(client, seed_dataset, ontology):
    body = client.get("/export", params={"format": "graphology", "events": "true"})
    graph = body.json()
    nodes = {n["key"]: n["attributes"] for n in graph["nodes"]}
    assert len(nodes) == ACTORS + EVENTS and len(graph["edges"]) == RELATIONS + PARTICIPATIONS
    for e in seed_dataset.events:
        assert nodes[e.id]["kind"] == "event" and nodes[e.id]["event_type"] == e.type
        assert nodes[e.id]["date"] == str(e.date) and nodes[e.id]["color"] == ontology.event_color
    edges = {(x["source"], x["target"], x["attributes"].get("role")) for x in graph["edges"]
             if x["attributes"]["relation_type"] == "PARTICIPATED_IN"}
    assert edges == {(p.actor, e.id, p.role) for e in seed_dataset.events for p in e.participants}
    # Without events=true the export is the actors' graph, as before.
    plain = client.get("/export", params={"format": "graphology"}).json()
    assert len(plain["nodes"]) == ACTORS and len(plain["edges"]) == RELATIONS
    # as_of: the events that had happened by that day.
    early = client.get("/export", params={"format": "graphology", "events": "true", "as_of": "2020-06-30"}).json()
    assert {n["key"] for n in early["nodes"] if n["attributes"]["kind"] == "event"} == {
        e.id for e in seed_dataset.events if _happened_by(e, "2020-06-30")}


def test_the_neo4j_import_zip_with_events(client, seed_dataset):
    data = client.get("/export", params={"format": "csv", "events": "true"}).content
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        events = list(csv.DictReader(io.StringIO(z.read("events.csv").decode())))
        participations = list(csv.DictReader(io.StringIO(z.read("participations.csv").decode())))
        documents = {row["id:ID(Document)"] for row in csv.DictReader(io.StringIO(z.read("documents.csv").decode()))}
    assert sorted((r["id:ID(Event)"], r["type"], r["date"]) for r in events) == sorted(
        (e.id, e.type, str(e.date)) for e in seed_dataset.events)
    assert sorted((r[":START_ID(Actor)"], r[":END_ID(Event)"], r[":TYPE"], r["role"]) for r in participations) == sorted(
        (p.actor, e.id, "PARTICIPATED_IN", p.role) for e in seed_dataset.events for p in e.participants)
    # The documents events cite are in the zip, even those no relation cites.
    assert {x.document for e in seed_dataset.events for x in e.evidence} <= documents
    # Each event's evidence is the text the store holds, as relationships.csv's is: an
    # import of the zip reads back the seed's evidence.
    stored = {e.id: e for e in seed_dataset.events}
    for r in events:
        assert r["evidence_json"] == evidence_json(stored[r["id:ID(Event)"]].evidence)
    with zipfile.ZipFile(io.BytesIO(client.get("/export", params={"format": "csv"}).content)) as z:
        assert "events.csv" not in z.namelist()


def test_events_in_json_lines_and_in_the_sourcing_report(mini_dir):
    import json

    from typer.testing import CliRunner

    from conflictgraph.graph.cli import app
    record = yaml.safe_load(EVENT)["events"][0]
    (mini_dir / "events-2020.jsonl").write_text(json.dumps(record) + "\n")
    assert [e.id for e in read_dataset(mini_dir).events] == ["ev-block"]
    result = CliRunner().invoke(app, ["validate", "--strict", "--report", str(mini_dir)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # The event has its row (the table wraps at the runner's width) and counts in the tally.
    assert "ev-block" in result.output and "stated, held 3 (100%)" in result.output
    assert "1 documents, 1 events" in result.output
    (mini_dir / "events-2020.jsonl").write_text(json.dumps({**record, "type": "coup"}) + "\n")
    result = CliRunner().invoke(app, ["validate", str(mini_dir)], catch_exceptions=False)
    assert result.exit_code == 1 and "events-2020.jsonl: events[0] (id 'ev-block'): field 'type'" in result.output


def test_a_neighbourhood_with_its_events(client, seed_dataset):
    body = ok(client.get("/subgraph", params={"seeds": "russia", "depth": 1, "events": "true"}))
    nodes = {n["id"] for n in body["nodes"]}
    want = {e.id: sorted((p.actor, p.role) for p in e.participants if p.actor in nodes)
            for e in seed_dataset.events if any(p.actor in nodes for p in e.participants)}
    assert {e["id"]: sorted((p["actor"], p["role"]) for p in e["participants"]) for e in body["events"]} == want
    assert ok(client.get("/subgraph", params={"seeds": "russia"}))["events"] == []
    # In an export every participation edge stays inside the neighbourhood.
    graph = client.get("/subgraph", params={"seeds": "russia", "format": "graphology", "events": "true"}).json()
    keys = {n["key"] for n in graph["nodes"]}
    assert keys == nodes | set(want)
    assert all(e["source"] in keys and e["target"] in keys for e in graph["edges"])
    assert sum(e["attributes"]["relation_type"] == "PARTICIPATED_IN" for e in graph["edges"]) == sum(
        len(p) for p in want.values())
    lines = client.get("/gephi/stream", params={"seeds": "russia", "events": "true"}).text.splitlines()
    added = {k for line in lines for k in __import__("json").loads(line).get("an", {})}
    assert added == keys
