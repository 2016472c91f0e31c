"""`conflictgraph import opensanctions`: an OpenSanctions export (FollowTheMoney entities, one
per line) becomes a seed folder beside the Libya seed. The fixture is made with the
followthemoney package's own model, as OpenSanctions makes its exports."""
from __future__ import annotations

import shutil

import orjson
import pytest
from followthemoney import model

from conflictgraph.graph.dataset import SeedSet, read_dataset
from conflictgraph.graph.importers.matching import existing_actors
from conflictgraph.graph.importers.opensanctions import ImportFailed, import_file
from conflictgraph.graph.paths import SEED_DIR
from conflictgraph.graph.service import GraphService, RelationFilter


def _entity(schema: str, entity_id: str, **props):
    e = model.make_entity(schema)
    e.id = entity_id
    for name, values in props.items():
        for v in values if isinstance(values, list) else [values]:
            e.add(name, v)
    return e.to_dict()


def fixture_entities() -> list[dict]:
    return [
        _entity("Organization", "NK-kaniyat", name="Kaniyat Militia", alias=["Al-Kaniyat", "7th Brigade"],
                country="ly", topics="sanction"),
        _entity("Person", "NK-mohamed-al-kani", name="Mohammed al-Kani", country="ly", topics="sanction"),
        _entity("Sanction", "ofac-kaniyat", entity="NK-kaniyat", authority="Office of Foreign Assets Control",
                program="GLOMAG", startDate="2020-11-25", country="us", authorityId="29001"),
        _entity("Sanction", "ofac-mohamed-al-kani", entity="NK-mohamed-al-kani",
                authority="Office of Foreign Assets Control", program="GLOMAG", listingDate="2020-11-25",
                country="us"),
        # Near the name of an actor the seed has, but not it: reviewed, never merged.
        _entity("Person", "NK-fixture-near", name="Mohamed al-Kanni", country="ly"),
        _entity("Sanction", "fixture-near", entity="NK-fixture-near", authority="Office of Foreign Assets Control",
                program="GLOMAG", country="us"),
        # Left out: not a party, or not sanctioned.
        _entity("Address", "addr-1", full="Tarhuna, Libya", country="ly"),
        _entity("Person", "NK-not-listed", name="Someone Unlisted"),
    ]


@pytest.fixture
def seeds(tmp_path):
    """A copy of the project's seed set, with the export beside it."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEED_DIR, folder)
    export = tmp_path / "entities.ftm.json"
    export.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in fixture_entities()))
    return folder, export


def _run(folder, export, **kw):
    into = folder / "imports" / "opensanctions"
    return into, import_file(export, into, existing_actors(folder, exclude=into), version="20261130", **kw)


def test_the_import_reuses_the_seed_s_actors_and_passes_strict_validation(seeds):
    folder, export = seeds
    into, report = _run(folder, export)
    assert report.matched == {"NK-kaniyat": "kaniyat", "NK-mohamed-al-kani": "mohamed-al-kani"}
    assert report.skipped == {"Address": 1, "Person (not sanctioned)": 1}
    seed_set = SeedSet(folder)
    assert seed_set.check() == [] and seed_set.warnings == []
    dataset = read_dataset(folder)
    imported = {r.id: r for r in dataset.relations if r.id.startswith("os-")}
    assert {(r.source, r.target, str(r.start) if r.start else None) for r in imported.values()} == {
        ("usa", "kaniyat", "2020-11-25"), ("usa", "mohamed-al-kani", "2020-11-25"),
        ("usa", next(a.id for a in dataset.actors if a.name == "Mohamed al-Kanni"), None)}
    kaniyat = imported["os-ofac-kaniyat"]
    assert kaniyat.properties == {"program": "GLOMAG"}
    assert [(e.document, e.paragraph, e.record) for e in kaniyat.evidence] == [
        ("doc-opensanctions-default-20261130", None, "ofac-kaniyat")]
    # The near name is reviewed, not merged.
    review = orjson.loads((into / "review-matches.json").read_bytes())
    assert [(r["incoming"], r["candidate"]) for r in review] == [("NK-fixture-near", "mohamed-al-kani")]
    assert 0.85 <= review[0]["score"] < 1


def test_importing_again_gives_the_same_records(seeds):
    folder, export = seeds
    into, _ = _run(folder, export)
    first = {p.name: p.read_bytes() for p in into.iterdir()}
    _run(folder, export)
    assert {p.name: p.read_bytes() for p in into.iterdir()} == first


def test_the_imported_relations_load_with_their_provenance(seeds, store):
    folder, export = seeds
    _run(folder, export)
    store.load(SeedSet(folder))
    service = GraphService(store)
    detail = service.relation("os-ofac-kaniyat")
    assert (detail["source"], detail["target"], detail["type"]) == ("usa", "kaniyat", "SANCTIONS")
    assert [(e["document"]["id"], e["document"]["publisher"], e["record"]) for e in detail["evidence"]] == [
        ("doc-opensanctions-default-20261130", "OpenSanctions", "ofac-kaniyat")]
    items, _ = service.relations(RelationFilter(target="kaniyat", types=["SANCTIONS"]))
    assert {r["id"] for r in items} == {"ly-usa-sanctions-kaniyat-2020", "os-ofac-kaniyat"}


@pytest.mark.parametrize("line, message", [
    (b'{"id": "x", "schema": "Person", "properties": {', "9: not a JSON object (unexpected end of data"),
    (b'{"id": "x", "schema": "Militia", "properties": {}}', "9: field 'schema': 'Militia' is not a FollowTheMoney schema"),
    (b'{"id": "x", "schema": "Person", "properties": {"rank": ["general"]}}',
     "9: field 'properties.rank': not a property of Person"),
    (b'{"schema": "Person", "properties": {}}', "9: field 'id': required"),
    (b'{"id": "x", "schema": "Person", "properties": {"name": "Solo"}}', "9: field 'properties.name': must be a list"),
    (b'{"id": "x", "schema": "Person", "properties": {"name": ["\xff"]}}', "9: not UTF-8"),
    (b'{"id": "s", "schema": "Sanction", "properties": {"entity": ["NK-kaniyat"], "country": ["zz"]}}',
     "9: field 'properties.country': ZZ: no actor of the seed set has this iso3166 identifier"),
])
def test_bad_input_names_the_line_and_field_and_writes_nothing(seeds, line, message):
    folder, export = seeds
    into, _ = _run(folder, export)
    before = {p.name: p.read_bytes() for p in into.iterdir()}
    export.write_bytes(export.read_bytes() + line + b"\n")
    with pytest.raises(ImportFailed) as e:
        _run(folder, export)
    assert f"{export}:" in str(e.value) and message in str(e.value), str(e.value)
    assert {p.name: p.read_bytes() for p in into.iterdir()} == before      # the previous import stands
    assert [p.name for p in into.parent.iterdir()] == ["opensanctions"]     # no half-written folder
