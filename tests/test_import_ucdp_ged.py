"""`conflictgraph import ucdp-ged` on 38 real rows of UCDP GED 23.1 (tests/fixtures/ucdp/ged, see
its README), as CSV in the layout the codebook documents and as the Excel download. Each
codebook rule the importer relies on (GED codebook 22.1, section 3 "Variables" unless said
otherwise) has its test, citing it."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conflictgraph.graph.cli import app
from conflictgraph.graph.dataset import SeedSet, read_dataset
from conflictgraph.graph.importers.matching import existing_actors
from conflictgraph.graph.importers.ucdp_ged import ImportFailed, _dates, import_file, version_of
from conflictgraph.graph.paths import SEED_DIR
from conflictgraph.graph.service import EventFilter, GraphService

FIXTURES = Path(__file__).parent / "fixtures" / "ucdp" / "ged"
CSV = FIXTURES / "ged231-excerpt.csv"
XLSX = FIXTURES / "ged231-excerpt.xlsx"


@pytest.fixture
def folder(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEED_DIR, seeds)
    return seeds


def _import(folder: Path, source: Path = CSV, into: str = "ged"):
    target = folder / "imports" / into
    return target, import_file(source, target, existing_actors(folder, exclude=target), version="23.1")


def _events(into: Path) -> dict[str, dict]:
    return {e["id"]: e for e in map(json.loads, (into / "events.jsonl").read_text().splitlines())}


def test_every_row_is_an_event_and_the_seed_set_stays_valid(folder):
    into, report = _import(folder)
    assert report.counts["events"] == 38 and report.counts["documents"] == 1
    assert report.became == {"type_of_violence 1 → battle": 22, "type_of_violence 2 → battle": 7,
                             "type_of_violence 3 → one_sided_violence": 9}
    seed_set = SeedSet(folder)
    assert seed_set.check() == [] and seed_set.warnings == []
    assert len(read_dataset(folder).events) == 8 + 38


def test_a_state_based_event_maps_field_by_field(folder):
    """Misrata, 4 October 2017: the Government of Libya against IS (id 244424)."""
    into, _ = _import(folder)
    e = _events(into)["ucdp-ged-244424"]
    assert (e["type"], e["date"], "date_end" in e) == ("battle", "2017-10-04", False)   # date_prec 1, one day
    assert (e["place"], e["admin1"], e["country"]) == ("Misrata town", "Misrata district", "LY")
    assert (e["latitude"], e["longitude"], e["place_precision"]) == (32.375352, 15.092543, "exact")  # where_prec 1
    # best, low, high; deaths_a, deaths_b, deaths_civilians, deaths_unknown (best is their sum)
    assert e["deaths"] == {"best": 7, "low": 7, "high": 7, "side_a": 2, "side_b": 3, "civilians": 0, "unknown": 2}
    assert e["identifiers"] == {"ucdp_ged": "244424", "ucdp_conflict": "13694", "ucdp_dyad": "14745",
                                "ucdp_type_of_violence": "1"}
    assert [p["role"] for p in e["participants"]] == ["side", "side"]
    assert (e["confidence"], e["status"]) == ("high", "reported")                       # event_clarity 1
    [evidence] = e["evidence"]
    assert evidence["document"] == "doc-ucdp-ged-23-1" and evidence["record"] == "ucdp-ged:244424"
    assert "Four dead in suicide bombing in Libya's Misrata" in evidence["summary"]     # source_headline


def test_sides_are_actors_by_ucdp_id_and_states_carry_their_gleditsch_ward_number(folder):
    """side_a_new_id/side_b_new_id are UCDP actor ids (17.1 and later); gwnoa/gwnob the state's
    G-W number: Russia (57, 365) meets the seed's Russia; Ukraine (61, 369) is a new actor."""
    into, report = _import(folder)
    e = _events(into)["ucdp-ged-452607"]
    assert [p["actor"] for p in e["participants"]][0] == "russia"
    actors = {a["id"]: a for a in map(json.loads, (into / "actors.jsonl").read_text().splitlines())}
    ukraine = actors[e["participants"][1]["actor"]]
    assert ukraine["identifiers"] == {"ucdp": "61", "gwno": "369"} and ukraine["kind"] == "government"
    libya = actors["ucdp-a111-government-of-libya"]   # every Libyan government since 1946: not the GNA
    assert libya["identifiers"] == {"ucdp": "111", "gwno": "620"}


def test_one_sided_violence_has_a_perpetrator_and_no_civilian_actor(folder):
    """type_of_violence 3: side A "always the perpetrating party", side B "always civilians"."""
    into, _ = _import(folder)
    one_sided = [e for e in _events(into).values() if e["type"] == "one_sided_violence"]
    assert len(one_sided) == 9
    assert all([p["role"] for p in e["participants"]] == ["perpetrator"] for e in one_sided)
    assert all(e["identifiers"]["ucdp_type_of_violence"] == "3" for e in one_sided)
    actors = (into / "actors.jsonl").read_text()
    assert '"name":"Civilians"' not in actors


def test_date_ranges_keep_their_first_and_last_possible_day(folder):
    """date_start is "the earliest", date_end "the last possible date"; date_prec 5 (within a year)."""
    into, _ = _import(folder)
    e = _events(into)["ucdp-ged-298457"]
    assert (e["date"], e["date_end"]) == ("1994-04-07", "1994-05-31")
    e = _events(into)["ucdp-ged-331784"]                          # date_prec 4: an 8-30 day range
    assert (e["date"], e["date_end"]) == ("2020-02-03", "2020-02-12")


@pytest.mark.parametrize("start, end, date, date_end", [
    ("2020-06-05", "2020-06-05", "2020-06-05", None),
    ("2020-06-01", "2020-06-30", "2020-06", None),                 # a whole month: month precision
    ("2019-01-01", "2019-12-31", "2019", None),                    # a whole year
    ("2019-01-01", "2019-12-22", "2019-01-01", "2019-12-22"),      # not quite: the range as given
])
def test_a_range_that_is_a_calendar_month_or_year_is_written_as_one(start, end, date, date_end):
    from datetime import date as day
    when, until = _dates(day.fromisoformat(start), day.fromisoformat(end))
    assert (str(when), str(until) if until else None) == (date, date_end)


def test_where_prec_maps_to_the_ontologys_place_precisions(folder):
    """where_prec 6: "only the country"; 7: "international waters or airspace"; 5: a linear
    feature or fuzzy area (the Kashmir valley)."""
    into, _ = _import(folder)
    events = _events(into)
    assert events["ucdp-ged-322134"]["place_precision"] == "country"
    assert events["ucdp-ged-23893"]["place_precision"] == "international"
    assert events["ucdp-ged-89398"]["place_precision"] == "feature"
    assert events["ucdp-ged-23893"]["country"] == "CD"           # "DR Congo (Zaire)"


def test_estimates_out_of_order_keep_only_the_best_with_a_warning(folder):
    """The published rows hold 8 events whose low is above best and 5 whose high is below it."""
    into, report = _import(folder)
    out_of_order = [w for w in report.warnings if "are not in order" in w]
    assert len(out_of_order) == 2
    line = int(out_of_order[0].split(": line ")[1].split(":")[0])
    row_id = CSV.read_text().splitlines()[line - 1].split(",")[0]
    deaths = _events(into)[f"ucdp-ged-{row_id}"]["deaths"]
    assert "low" not in deaths and "high" not in deaths and deaths["best"] >= 0


def test_each_dyad_of_fighting_is_a_fights_relation_citing_its_events(folder):
    into, _ = _import(folder)
    relations = {r["id"]: r for r in map(json.loads, (into / "relations.jsonl").read_text().splitlines())}
    syria = relations["ucdp-ged-dyad11973"]
    assert (syria["type"], syria["start"], syria["end"]) == ("FIGHTS", "2012-03-05", "2012-09-15")
    assert len(syria["events"]) == 6 and all(e.startswith("ucdp-ged-") for e in syria["events"])
    assert "6 events of dyad Government of Syria - Syrian insurgents (11973" in syria["evidence"][0]["summary"]
    assert all(r["type"] == "FIGHTS" for r in relations.values())


def test_the_excel_download_gives_the_same_events(folder):
    """UCDP ships GED as CSV and Excel (codebook section 6): Excel's date cells read as dates."""
    from_csv, _ = _import(folder, CSV, "csv")
    from_xlsx, report = _import(folder, XLSX, "xlsx")
    assert report.read_as.startswith("Excel workbook")
    assert _events(from_xlsx) == _events(from_csv)


def test_dates_with_a_time_of_day_read_as_the_day(folder, tmp_path):
    """A copy saved by a database or pandas writes 2017-10-04 as "2017-10-04 00:00:00.000"."""
    lines = CSV.read_text(encoding="utf-8").split("\r\n")
    header = lines[0].split(",")
    timed = tmp_path / "GEDEvent_v23_1.csv"
    import csv
    import io
    rows = list(csv.reader(io.StringIO(CSV.read_text(encoding="utf-8"), newline="")))
    for row in rows[1:]:
        for c in ("date_start", "date_end"):
            row[header.index(c)] += " 00:00:00.000"
    with timed.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    assert version_of(timed) == "23.1"
    a, _ = _import(folder, CSV, "plain")
    b, _ = _import(folder, timed, "timed")
    assert _events(a) == _events(b)


def test_the_events_load_and_answer_with_coordinates_deaths_and_sources(folder, store):
    _import(folder)
    store.load(SeedSet(folder))
    service = GraphService(store)
    e = service.event("ucdp-ged-244424")
    assert (e["latitude"], e["longitude"], e["place_precision"], e["admin1"]) == (32.375352, 15.092543, "exact",
                                                                                  "Misrata district")
    assert e["deaths"]["best"] == 7 and e["identifiers"]["ucdp_dyad"] == "14745"
    assert e["evidence"][0]["record"] == "ucdp-ged:244424"
    ranged = service.event("ucdp-ged-298457")
    assert (ranged["date"], ranged["date_end"], ranged["date_end_precision"]) == ("1994-04-07", "1994-05-31", "day")
    items, total = service.events(EventFilter(), limit=1000)
    assert total == 8 + 38
    assert {i["id"] for i in items if i["country"] == "LY" and i["id"].startswith("ucdp-ged-")} == {
        "ucdp-ged-244424", "ucdp-ged-224244", "ucdp-ged-267453", "ucdp-ged-300133"}


def _edit(column: str, value: str, row: int = 1) -> str:
    import csv
    import io
    rows = list(csv.reader(io.StringIO(CSV.read_text(encoding="utf-8"), newline="")))
    rows[row][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("text, message", [
    (lambda: _edit("where_prec", "9"), ": line 2: column 'where_prec': 9 is not a code of the codebook (1-7)"),
    (lambda: _edit("type_of_violence", "4"), ": line 2: column 'type_of_violence': 4 is not a code the ontology maps"),
    (lambda: _edit("date_start", "4 April 2000"), ": line 2: column 'date_start': '4 April 2000' is not a date "
                                                  "YYYY-MM-DD"),
    (lambda: _edit("date_end", "1999-01-01"), ": line 2: column 'date_end': 1999-01-01 is before date_start"),
    (lambda: _edit("latitude", "north"), ": line 2: column 'latitude': 'north' is not a number of decimal degrees"),
    (lambda: _edit("id", "3231", row=2), ": line 3: column 'id': 3231 is the id of an earlier row too"),
    (lambda: "type_of_violence,side_a,side_b,date_prec\n1,a,b,1\n", ": line 1: column 'id': missing"),
    (lambda: (Path(__file__).parent / "fixtures" / "ucdp" / "ucdp-actor-221.csv").read_text(encoding="utf-8-sig"),
     "it looks like the UCDP Actor Dataset (ucdp-actor-*), which `conflictgraph import ucdp-actors` reads"),
])
def test_bad_input_names_the_file_row_and_column_and_writes_nothing(folder, tmp_path, text, message):
    into, _ = _import(folder)
    before = {p.name: p.read_bytes() for p in into.iterdir()}
    bad = tmp_path / "ged.csv"
    bad.write_text(text(), encoding="utf-8")
    with pytest.raises(ImportFailed) as e:
        import_file(bad, into, existing_actors(folder, exclude=into), version="23.1")
    assert str(e.value).startswith(str(bad)) and message in str(e.value), str(e.value)
    assert {p.name: p.read_bytes() for p in into.iterdir()} == before      # the previous import stands
    assert sorted(p.name for p in into.parent.iterdir()) == ["ged"]          # no half-written folder


def test_the_command_line_names_the_folder_by_release_and_says_what_it_read(folder, tmp_path):
    source = tmp_path / "GEDEvent_v23_1.csv"
    shutil.copy(CSV, source)
    result = CliRunner().invoke(app, ["import", "ucdp-ged", str(source), "--seeds", str(folder)])
    assert result.exit_code == 0, result.output
    assert "38 events" in result.output and "read as: CSV, comma-separated, utf-8" in result.output
    assert (folder / "imports" / "ucdp-ged-23.1" / "events.jsonl").is_file()
    assert "not mapped" not in result.output            # the codebook's unused columns are not "left out"
