"""`conflictgraph import acled` on a file in ACLED's export layout (tests/fixtures/acled, see its
README: events we wrote, since ACLED's terms forbid redistributing its data). Each codebook
rule the importer relies on has its test, citing the variable (ACLED's codebook as its R
package acledR ships it; ACLED's "Guide to 2023 ACLED column changes")."""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conflictgraph.graph.cli import app
from conflictgraph.graph.dataset import SeedSet
from conflictgraph.graph.importers.acled import ImportFailed, import_file, names_of
from conflictgraph.graph.importers.matching import existing_actors
from conflictgraph.graph.paths import SEED_DIR
from conflictgraph.graph.service import EventFilter, GraphService

FIXTURE = Path(__file__).parent / "fixtures" / "acled" / "acled-layout-libya.csv"


@pytest.fixture
def folder(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEED_DIR, seeds)
    return seeds


def _import(folder: Path, source: Path = FIXTURE, into: str = "acled"):
    target = folder / "imports" / into
    return target, import_file(source, target, existing_actors(folder, exclude=target), version="2026-12-01")


def _events(into: Path) -> dict[str, dict]:
    return {e["id"]: e for e in map(json.loads, (into / "events.jsonl").read_text().splitlines())}


def _rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(FIXTURE.read_text(encoding="utf-8"), newline="")))


def _write(rows, path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_events_the_ontology_takes_are_imported_the_rest_counted(folder):
    into, report = _import(folder)
    assert report.counts["events"] == 8
    assert report.skipped == {
        "Strategic developments / Other (no event type of the ontology takes it)": 1,
        "Strategic developments / Arrests (no event type of the ontology takes it)": 1,
        "events with no actor but civilians, rioters or protesters": 1,
        "recaptures whose captor the actor types do not tell": 1}
    seed_set = SeedSet(folder)
    assert seed_set.check() == [] and seed_set.warnings == []


def test_tarhuna_recaptured_maps_field_by_field(folder):
    """Government regains territory: the state forces (inter1 1) are the captor."""
    into, _ = _import(folder)
    e = _events(into)["acled-lby9001"]
    assert (e["type"], e["date"], e["place"], e["admin1"], e["admin2"], e["country"]) == (
        "recapture", "2020-06-05", "Tarhuna", "Murqub", "Tarhuna", "LY")
    assert (e["latitude"], e["longitude"], e["place_precision"]) == (32.435, 13.634, "exact")   # geo_precision 1
    assert e["participants"] == [{"actor": "gna", "role": "captor"}, {"actor": "kaniyat", "role": "previous_holder"}]
    assert e["deaths"] == {"best": 0} and e["identifiers"] == {"acled": "LBY9001", "acled_interaction": "13"}
    assert e["evidence"][0]["record"] == "acled:LBY9001" and "Libya Observer" in e["evidence"][0]["summary"]


def test_actors_meet_the_graphs_by_name_and_near_names_go_to_review(folder, tmp_path):
    into, report = _import(folder)
    assert report.matched["ACLED actor 'Military Forces of Libya (2016-) Government of National Accord'"] == "gna"
    assert report.matched["ACLED actor 'LNA: Libyan National Army'"] == "haftar-forces"
    assert report.matched["ACLED actor 'Military Forces of Turkey (2016-)'"] == "turkey"
    assert report.matched["ACLED actor 'Al Kaniyat Militia'"] == "kaniyat"     # "Kaniyat militia" without "Al"
    assert json.loads((into / "review-matches.json").read_text()) == []
    # a near name is sent to review, never merged
    rows = _rows()
    rows[1][rows[0].index("actor2")] = "Al Kaniyet Militia"
    near, _ = _import(folder, _write(rows, tmp_path / "near.csv"), "near")
    review = json.loads((near / "review-matches.json").read_text())
    assert [(x["name"], x["candidate"]) for x in review] == [("Al Kaniyet Militia", "kaniyat")]


def test_civilians_are_no_actor_and_the_other_side_is_the_perpetrator(folder):
    into, _ = _import(folder)
    e = _events(into)["acled-lby9004"]
    assert e["type"] == "one_sided_violence"
    assert [p["role"] for p in e["participants"]] == ["perpetrator"]
    assert "Civilians (Libya)" in e["notes"]


def test_actor_order_gives_no_direction_where_the_codebook_says_so(folder):
    """actor1/actor2 "do not imply directionality": a drone strike names two parties."""
    into, _ = _import(folder)
    e = _events(into)["acled-lby9005"]
    assert e["type"] == "remote_violence" and {p["role"] for p in e["participants"]} == {"party"}
    assert {p["actor"] for p in e["participants"]} == {"turkey", "haftar-forces"}


def test_protesters_are_generic_and_their_named_groups_kept_in_the_notes(folder):
    into, _ = _import(folder)
    e = _events(into)["acled-lby9007"]
    assert e["participants"] == [{"actor": "gna", "role": "intervener"}]
    assert "associated actors: Students (Libya)" in e["notes"]


def test_a_week_precise_date_says_so_and_lowers_the_confidence(folder):
    """time_precision 2: "specific week or weekend"."""
    into, _ = _import(folder)
    e = _events(into)["acled-lby9008"]
    assert e["confidence"] == "medium" and "time_precision 2" in e["notes"]
    assert e["place_precision"] == "near"                                  # geo_precision 2


@pytest.mark.parametrize("written", ["05 June 2020", "05-06-2020"], ids=["export-tool", "codebook-dd-mm-yyyy"])
def test_each_date_form_acled_writes_reads_as_the_same_day(folder, tmp_path, written):
    rows = _rows()
    rows[1][rows[0].index("event_date")] = written
    into, _ = _import(folder, _write(rows, tmp_path / "acled.csv"))
    assert _events(into)["acled-lby9001"]["date"] == "2020-06-05"


def test_the_layout_before_march_2023_and_text_actor_types_read_the_same(folder, tmp_path):
    """The 2023 change removed data_id, event_id_no_cnty and iso3 and added disorder_type,
    civilian_targeting and tags; exports since 2024 write inter1/inter2 as names."""
    rows = _rows()
    header = rows[0]
    drop = [header.index(c) for c in ("disorder_type", "civilian_targeting", "tags")]
    names = {"1": "State forces", "2": "Rebel group", "3": "Political militia", "5": "Rioters", "6": "Protesters",
             "7": "Civilians", "8": "External/Other forces", "": ""}
    old = [["data_id", "iso3", "event_id_no_cnty"] + [c for i, c in enumerate(header) if i not in drop]]
    for n, row in enumerate(rows[1:]):
        for col in ("inter1", "inter2"):
            row[header.index(col)] = names[row[header.index(col)]]
        old.append([str(n), "LBY", str(9001 + n)] + [c for i, c in enumerate(row) if i not in drop])
    a, _ = _import(folder)
    b, report = _import(folder, _write(old, tmp_path / "acled-2022.csv"), "old")
    assert _events(a) == _events(b) and not [k for k in report.skipped if "not mapped" in k]


def test_names_of_an_acled_actor():
    assert names_of("Military Forces of Libya (2016-) Government of National Accord") == [
        "Military Forces of Libya (2016-) Government of National Accord",
        "Military Forces of Libya Government of National Accord", "Government of National Accord", "Libya"]
    assert names_of("LNA: Libyan National Army") == ["LNA: Libyan National Army", "Libyan National Army", "LNA"]
    assert names_of("Al Kaniyat Militia") == ["Al Kaniyat Militia", "Kaniyat Militia"]


def test_the_events_load_and_sit_at_tarhuna_in_2020(folder, store):
    """What the map and timeline show: Tarhuna's 2020 events, at Tarhuna, in 2020, with sources."""
    _import(folder)
    store.load(SeedSet(folder))
    service = GraphService(store)
    box = (13.5, 32.3, 13.8, 32.5)                      # around Tarhuna
    items, total = service.events(EventFilter(bbox=box, since=None), limit=100)
    tarhuna_2020 = {e["id"] for e in items if e["date"].startswith("2020")}
    # ACLED's two, and the seed's own (its events carry their places' coordinates)
    assert tarhuna_2020 == {"acled-lby9001", "acled-lby9003", "ev-ly-2020-06-05-tarhuna-recapture",
                            "ev-ly-2020-06-tarhuna-mass-graves"}
    detail = service.event("acled-lby9001")
    assert detail["evidence"][0]["document"]["id"] == "doc-acled-2026-12-01"


@pytest.mark.parametrize("column, value, message", [
    ("inter1", "9", "column 'inter1': 9 is not an actor type of the codebook (1-8)"),
    ("inter1", "Aliens", "column 'inter1': 'Aliens' is not an actor type of the codebook"),
    ("time_precision", "4", "column 'time_precision': 4 is not 1, 2 or 3"),
    ("event_date", "June 2020", "column 'event_date': 'June 2020' is not a date"),
    ("geo_precision", "0", "column 'geo_precision': 0 is not a code of the codebook (1, 2 or 3)"),
    ("fatalities", "-3", "column 'fatalities': -3 is not a number of deaths"),
    ("longitude", "200", "column 'longitude': 200.0 is outside -180..180"),
])
def test_bad_input_names_the_file_row_and_column_and_writes_nothing(folder, tmp_path, column, value, message):
    into, _ = _import(folder)
    before = {p.name: p.read_bytes() for p in into.iterdir()}
    rows = _rows()
    rows[1][rows[0].index(column)] = value
    bad = _write(rows, tmp_path / "acled.csv")
    with pytest.raises(ImportFailed) as e:
        import_file(bad, into, existing_actors(folder, exclude=into))
    assert str(e.value).startswith(f"{bad}: line 2: ") and message in str(e.value), str(e.value)
    assert {p.name: p.read_bytes() for p in into.iterdir()} == before
    assert sorted(p.name for p in into.parent.iterdir()) == ["acled"]


def test_the_command_line_imports_and_says_what_it_left_out(folder):
    result = CliRunner().invoke(app, ["import", "acled", str(FIXTURE), "--seeds", str(folder), "--version", "x"])
    assert result.exit_code == 0, result.output
    assert "8 events" in result.output and "Strategic developments / Arrests" in result.output
    assert (folder / "imports" / "acled" / "events.jsonl").is_file()
    ged = Path(__file__).parent / "fixtures" / "ucdp" / "ged" / "ged231-excerpt.csv"
    result = CliRunner().invoke(app, ["import", "acled", str(ged), "--seeds", str(folder)])
    assert result.exit_code == 1 and "import ucdp-ged" in result.output
