"""`conflictgraph import ucdp-esd`: UCDP External Support rows become BACKS relations beside
the Libya seed, each locating its rows, with the seed's states reused. The fixture
(tests/fixtures/ucdp-esd, see its README) has the published CSV's layout."""
from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from conflictgraph.graph.cli import app
from conflictgraph.graph.dataset import SeedSet, read_dataset
from conflictgraph.graph.importers.matching import existing_actors
from conflictgraph.graph.importers.ucdp_esd import ImportFailed, import_file
from conflictgraph.graph.paths import SEED_DIR
from conflictgraph.graph.service import GraphService, RelationFilter

FIXTURE = Path(__file__).parent / "fixtures" / "ucdp-esd" / "esd-supporter.csv"
DOCUMENT = "doc-ucdp-esd-1-0-2011"


@pytest.fixture
def seeds(tmp_path):
    folder = tmp_path / "seeds"
    shutil.copytree(SEED_DIR, folder)
    csv = tmp_path / "esd.csv"
    shutil.copy(FIXTURE, csv)
    return folder, csv


def _run(folder, csv):
    into = folder / "imports" / "ucdp-esd"
    return into, import_file(csv, into, existing_actors(folder, exclude=into))


def test_the_import_reuses_the_seed_s_states_merges_runs_of_years_and_passes_strict_validation(seeds):
    folder, csv = seeds
    _, report = _run(folder, csv)
    assert report.matched == {"supporter 365": "russia", "supporter 2": "usa"}
    assert report.skipped == {"rows without a supporter (external_exists 0)": 1, "column locationid1 (not mapped)": 1}
    seed_set = SeedSet(folder)
    assert seed_set.check() == [] and seed_set.warnings == []
    dataset = read_dataset(folder)
    libya = next(a for a in dataset.actors if a.identifiers.get("gwno") == "620")
    assert (libya.name, libya.kind) == ("Libya", "state")
    kinds = {a.name: a.kind for a in dataset.actors if a.id.startswith("ucdp-")}
    assert kinds == {"Libya": "state", "Government of Tajikistan": "government",
                     "Government of Chad": "government", "GUNT": "armed_group"}
    imported = sorted((r for r in dataset.relations if r.id.startswith("ucdp-esd-")), key=lambda r: r.id)
    names = {a.id: a.name for a in dataset.actors}
    assert [(names[r.source], names[r.target], str(r.start), str(r.end), r.properties["support"], r.status,
             r.confidence, [e.record for e in r.evidence]) for r in imported] == [
        # Two consecutive years with the same support: one relation; a change of support: another.
        ("Russia", "Government of Tajikistan", "1993", "1994", ["troops"], "confirmed", "high",
         ["ucdp-esd:9001:9101:1993:365", "ucdp-esd:9001:9101:1994:365"]),
        ("Russia", "Government of Tajikistan", "1995", "1995", ["troops", "weapons"], "confirmed", "high",
         ["ucdp-esd:9001:9101:1995:365"]),
        ("United States", "Government of Chad", "1983", "1983", ["weapons", "funding", "intelligence"],
         "confirmed", "high", ["ucdp-esd:9002:9102:1983:2"]),
        ("Libya", "GUNT", "1983", "1983", ["troops", "weapons"], "confirmed", "high", ["ucdp-esd:9002:9103:1983:620"]),
        # external_alleged 1: alleged, at most medium (the sourcing rule's ceiling for the unproven).
        ("Libya", "GUNT", "1984", "1984", ["weapons"], "alleged", "medium", ["ucdp-esd:9002:9103:1984:620"]),
    ]
    assert all(e.document == DOCUMENT and e.paragraph is None for r in imported for e in r.evidence)


def test_every_support_letter_of_the_codebook_maps_to_a_support_value_of_the_ontology(seeds):
    from conflictgraph.graph.importers.ucdp_esd import SUPPORT_CODES
    from conflictgraph.graph.ontology import default_ontology
    allowed = default_ontology().relation_types["BACKS"].properties["support"].values
    assert set(SUPPORT_CODES) == set("XLYWMT$IOU")
    assert set(SUPPORT_CODES.values()) <= set(allowed) and len(set(SUPPORT_CODES.values())) == 10


def test_both_importers_beside_the_seed_reuse_its_actors_and_pass_strict_validation(seeds, tmp_path):
    from test_import_opensanctions import fixture_entities

    from conflictgraph.graph.importers import opensanctions
    folder, csv = seeds
    export = tmp_path / "entities.ftm.json"
    export.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in fixture_entities()))
    into = folder / "imports" / "opensanctions"
    ftm = opensanctions.import_file(export, into, existing_actors(folder, exclude=into))
    _, esd = _run(folder, csv)
    assert set(ftm.matched.values()) == {"kaniyat", "mohamed-al-kani"}
    assert set(esd.matched.values()) == {"russia", "usa"}
    dataset = read_dataset(folder)
    sources = {r.source for r in dataset.relations if r.id.startswith(("os-", "ucdp-esd-"))}
    assert {"usa", "russia"} <= sources       # the sanctioning state and a supporter, both the seed's own
    seed_set = SeedSet(folder)
    assert seed_set.check() == [] and seed_set.warnings == []


def test_importing_again_gives_the_same_records(seeds):
    folder, csv = seeds
    into, _ = _run(folder, csv)
    first = {p.name: p.read_bytes() for p in into.iterdir()}
    _run(folder, csv)
    assert {p.name: p.read_bytes() for p in into.iterdir()} == first


def test_the_imported_relations_load_with_their_provenance(seeds, store):
    folder, csv = seeds
    _run(folder, csv)
    store.load(SeedSet(folder))
    service = GraphService(store)
    detail = service.relation("ucdp-esd-c9001-365-9101-1993")
    assert (detail["source"], detail["type"], detail["start"], detail["end"]) == ("russia", "BACKS", "1993", "1994")
    assert [(e["document"]["id"], e["document"]["publisher"], e["record"], e["paragraph"])
            for e in detail["evidence"]] == [
        (DOCUMENT, "Uppsala Conflict Data Program (UCDP), Uppsala University", "ucdp-esd:9001:9101:1993:365", None),
        (DOCUMENT, "Uppsala Conflict Data Program (UCDP), Uppsala University", "ucdp-esd:9001:9101:1994:365", None)]
    # as_of reads the years: in 1994 Russia backs the government with troops only, in 1995 with weapons too.
    items, _ = service.relations(RelationFilter(source="russia", types=["BACKS"], as_of="1994-06-01"))
    assert [(r["id"], r["properties"]["support"]) for r in items] == [("ucdp-esd-c9001-365-9101-1993", ["troops"])]
    items, _ = service.relations(RelationFilter(source="russia", types=["BACKS"], as_of="1995-06-01"))
    assert [r["id"] for r in items] == ["ucdp-esd-c9001-365-9101-1995"]


HEADER = FIXTURE.read_text().splitlines()[0]


def _row(**change) -> str:
    values = dict(zip(HEADER.split(","), FIXTURE.read_text().splitlines()[1].split(",")))
    values.update(change)
    return ",".join(values.values())


@pytest.mark.parametrize("edit, message", [
    (lambda text: text + _row(external_type_W="2") + "\n", ":9: field 'external_type_W': '2' is not 0 or 1"),
    (lambda text: text + _row(ywp_year="199x") + "\n", ":9: field 'ywp_year': '199x' is not a year"),
    (lambda text: text + _row(external_name="") + "\n", ":9: field 'external_name': empty"),
    (lambda text: text + _row(external_type_X="0") + "\n", ":9: fields external_type_*: a coded supporter"),
    (lambda text: text + "9001,702,9101\n", ":9: 3 fields where the header has 19"),
    (lambda text: text + _row(ywp_name="Gouvernement du Tadjikistan \udcff") + "\n", None),
    (lambda text: text + _row() + "\n", ":9: the same supporter, party and conflict in 1993 twice (also line 2)"),
    (lambda text: text.replace("external_type_I,", "external_type_Z,"),
     ":1: column 'external_type_Z': not a support type of the UCDP ESD codebook"),
    (lambda text: text.replace(",external_alleged", ""), None),
    (lambda text: "year,gwno_a,gwno_b\n1994,365,702\n", ":1: column 'conflictID': missing (and 17 more"),
])
def test_bad_input_names_the_line_and_field_and_writes_nothing(seeds, edit, message):
    folder, csv = seeds
    into, _ = _run(folder, csv)
    before = {p.name: p.read_bytes() for p in into.iterdir()}
    text = edit(csv.read_text())
    csv.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(ImportFailed) as e:
        _run(folder, csv)
    if message is None:   # the cases whose wording is checked below
        message = ":9: not UTF-8" if "\udcff" in text else ":1: column 'external_alleged': missing"
    assert f"{csv}{message}" in str(e.value), str(e.value)
    if message.startswith(":1: column 'conflictID'"):
        assert "does not look like the ESD Disaggregated/Supporter file" in str(e.value)
    assert {p.name: p.read_bytes() for p in into.iterdir()} == before      # the previous import stands
    assert [p.name for p in into.parent.iterdir()] == ["ucdp-esd"]          # no half-written folder


def test_a_state_is_matched_by_its_gleditsch_ward_number_whatever_the_name(seeds):
    folder, csv = seeds
    csv.write_text(csv.read_text().replace(",Russia,365,", ",Rossiya (as coded),365,"))
    _, report = _run(folder, csv)
    assert report.matched["supporter 365"] == "russia"


def test_a_file_from_a_stata_export_names_the_funding_flag_without_its_dollar(seeds):
    folder, csv = seeds
    csv.write_text(csv.read_text().replace("external_type_$", "external_type_"))
    _, report = _run(folder, csv)
    assert report.counts["relations"] == 5


def test_the_command_line_imports_and_says_what_it_matched_and_left_out(seeds):
    folder, csv = seeds
    into = folder / "imports" / "ucdp-esd"
    result = CliRunner().invoke(app, ["import", "ucdp-esd", str(csv), "--into", str(into), "--seeds", str(folder)])
    assert result.exit_code == 0, result.output
    assert "4 new actors, 5 relations, 1 document" in result.output and "(russia, usa)" in result.output
    assert "1 column locationid1 (not mapped)" in result.output
    csv.write_text(csv.read_text() + _row(ywp_year="19") + "\n")
    result = CliRunner().invoke(app, ["import", "ucdp-esd", str(csv), "--into", str(into), "--seeds", str(folder)])
    assert result.exit_code == 1
    assert f"{csv}:9: field 'ywp_year': '19' is not a year" in result.output
    assert "Nothing was written." in result.output and "Traceback" not in result.output
