"""Events at scale (issue 29, item 3): /events filtered by country, bounding box and deaths, and
/events/aggregate (per month, per map cell) on the seed plus 38 real GED events, on every
store. The expected answers are computed here in Python from the seed files, not copied
from the stores' Cypher."""
from __future__ import annotations

import math
import shutil
from collections import Counter, defaultdict

import pytest
from fastapi.testclient import TestClient

from conflictgraph.api.app import create_app
from conflictgraph.graph.dataset import SeedSet, read_dataset
from conflictgraph.graph.importers.matching import existing_actors
from conflictgraph.graph.importers.ucdp_ged import import_file
from conflictgraph.graph.paths import SEED_DIR
from conftest import STORE_KINDS, make_store
from test_import_ucdp_ged import CSV


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ged") / "seeds"
    shutil.copytree(SEED_DIR, folder)
    into = folder / "imports" / "ged"
    import_file(CSV, into, existing_actors(folder, exclude=into), version="23.1")
    return folder


@pytest.fixture(scope="module")
def events(seeds):
    return read_dataset(seeds).events


@pytest.fixture(scope="module", params=STORE_KINDS)
def client(seeds, request, tmp_path_factory, ontology, api_settings):
    store = make_store(request.param, tmp_path_factory.mktemp("store"), ontology, request)
    store.load(SeedSet(seeds))
    with TestClient(create_app(store=store, settings=api_settings)) as c:
        yield c
    store.close()


def _ids(client, **params) -> set[str]:
    r = client.get("/events", params={**params, "limit": 1000})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["items"])
    return {e["id"] for e in body["items"]}


def _in_box(e, west, south, east, north) -> bool:
    if e.latitude is None:
        return False
    across = e.longitude >= west or e.longitude <= east
    return south <= e.latitude <= north and (west <= e.longitude <= east if west <= east else across)


@pytest.mark.parametrize("box", [(13.0, 30.0, 16.0, 33.0), (-20.0, -40.0, 60.0, 40.0), (170.0, -90.0, -100.0, 90.0)],
                         ids=["misrata", "africa-and-the-middle-east", "across-the-180th-meridian"])
def test_a_bounding_box_keeps_the_events_whose_coordinates_fall_in_it(client, events, box):
    expected = {e.id for e in events if _in_box(e, *box)}
    assert _ids(client, bbox=",".join(map(str, box))) == expected
    assert expected or box[0] > box[2]   # the first two boxes hold events


def test_country_and_minimum_deaths_filter_together(client, events):
    assert _ids(client, country="LY") == {e.id for e in events if e.country == "LY"}
    assert _ids(client, min_deaths=10) == {e.id for e in events if e.deaths.get("best", 0) >= 10}
    assert _ids(client, country="sy", min_deaths=5) == {e.id for e in events
                                                        if e.country == "SY" and e.deaths.get("best", 0) >= 5}


def test_the_timeline_counts_events_and_deaths_per_month(client, events):
    r = client.get("/events/aggregate", params={"by": "month"})
    assert r.status_code == 200, r.text
    body = r.json()
    counts, deaths = Counter(), Counter()
    for e in events:
        period = str(e.date)[:7]
        counts[period] += 1
        deaths[period] += e.deaths.get("best", 0)
    assert [(b["period"], b["events"], b["deaths"]) for b in body["buckets"]] == [
        (p, counts[p], deaths[p]) for p in sorted(counts)]
    assert body["events"] == len(events) and body["deaths"] == sum(deaths.values())


def test_the_map_bins_events_into_cells_at_their_mean_position(client, events):
    size = 2.5
    r = client.get("/events/aggregate", params={"by": "cell", "size": size, "types": "battle,one_sided_violence"})
    assert r.status_code == 200, r.text
    cells = defaultdict(list)
    for e in events:
        if e.latitude is not None and e.type in ("battle", "one_sided_violence"):
            cells[(math.floor(e.latitude / size), math.floor(e.longitude / size))].append(e)
    got = {(b["row"], b["col"]): b for b in r.json()["buckets"]}
    assert set(got) == set(cells)
    for key, members in cells.items():
        b = got[key]
        assert b["events"] == len(members) and b["deaths"] == sum(e.deaths.get("best", 0) for e in members)
        assert b["latitude"] == pytest.approx(sum(e.latitude for e in members) / len(members), abs=1e-5)
        assert (b["south"], b["west"]) == (key[0] * size, key[1] * size)


def test_an_actors_events_are_aggregated_for_highlighting(client, events):
    r = client.get("/events/aggregate", params={"by": "month", "actors": "russia,kaniyat"})
    mine = [e for e in events if {p.actor for p in e.participants} & {"russia", "kaniyat"}]
    assert r.json()["events"] == len(mine) > 0


@pytest.mark.parametrize("params, parameter", [
    ({"bbox": "13,30,16"}, "bbox"), ({"bbox": "13,40,16,30"}, "bbox"), ({"country": "LBY"}, "country"),
    ({"min_deaths": -1}, "min_deaths"),
])
def test_bad_event_filters_name_the_parameter(client, params, parameter):
    r = client.get("/events", params=params)
    assert r.status_code == 422 and r.json()["errors"][0]["parameter"] == parameter, r.text
    r = client.get("/events/aggregate", params={"by": "cell", "size": 0})
    assert r.status_code == 422 and r.json()["errors"][0]["parameter"] == "size"


def test_events_export_as_geojson_with_their_sources(client, events):
    """RFC 7946: a FeatureCollection, Points as [longitude, latitude], null geometry for an
    event without coordinates; filtered as /events is."""
    r = client.get("/events/geojson", params={"country": "LY"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json"), r.text[:300]
    body = r.json()
    assert body["type"] == "FeatureCollection"
    libyan = {e.id: e for e in events if e.country == "LY"}
    features = {f["id"]: f for f in body["features"]}
    assert set(features) == set(libyan) and body["conflictgraph"]["events"] == len(libyan)
    misrata = features["ucdp-ged-244424"]
    assert misrata["geometry"] == {"type": "Point", "coordinates": [15.092543, 32.375352]}
    props = misrata["properties"]
    assert (props["deaths_best"], props["place_precision"], props["date"]) == (7, "exact", "2017-10-04")
    assert props["sources"][0]["record"] == "ucdp-ged:244424"
    assert "Government of Libya (side)" in props["participants_text"]
    unlocated = [f for f in body["features"] if f["geometry"] is None]
    assert {f["id"] for f in unlocated} == {e.id for e in libyan.values() if e.latitude is None}
    assert client.get("/events/geojson", params={"actor": "nobody-here"}).status_code == 404
