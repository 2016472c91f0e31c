"""`conflictgraph import opensanctions`: OpenSanctions exports beside the Libya seed.

OpenSanctions data is CC BY-NC: none of it is committed. The fixtures are made with the
followthemoney package's own model in the shapes of OpenSanctions' published exports (the
top-level `caption`, `datasets`, `first_seen`, `last_seen`, `target` and `referents` of an
`entities.ftm.json` line, the `{"op", "entity"}` lines of `entities.delta.json`, the nested
properties of `targets.nested.json`), as captured in OpenSanctions' own yente test fixtures."""
from __future__ import annotations

import gzip
import shutil

import orjson
import pytest
from followthemoney import model
from typer.testing import CliRunner

from conflictgraph.graph.cli import app
from conflictgraph.graph.dataset import SeedSet, read_dataset
from conflictgraph.graph.importers.matching import existing_actors
from conflictgraph.graph.importers.opensanctions import SOURCE_FILE, ImportFailed, import_file
from conflictgraph.graph.paths import SEED_DIR
from conflictgraph.graph.service import GraphService, RelationFilter


def _entity(schema: str, entity_id: str, *, datasets=("us_ofac_sdn",), target=None, **props):
    e = model.make_entity(schema)
    e.id = entity_id
    for name, values in props.items():
        for v in values if isinstance(values, list) else [values]:
            e.add(name, v)
    data = e.to_dict()
    data.update({"caption": e.caption, "datasets": list(datasets), "referents": [],
                 "first_seen": "2020-11-26T06:12:01", "last_seen": "2026-11-30T07:00:00",
                 "last_change": "2024-05-28T15:51:35"})
    if target is not None:
        data["target"] = target
    return data


def _raw(entity: dict, **props) -> dict:
    """Values as a published line may carry them, past FtM's cleaning (a blank alias)."""
    for name, values in props.items():
        entity["properties"].setdefault(name, []).extend(values)
    return entity


def fixture_entities() -> list[dict]:
    ofac = dict(authority="Office of Foreign Assets Control", country="us")
    return [
        _entity("Organization", "NK-kaniyat", name="Kaniyat Militia", alias=["Al-Kaniyat", "7th Brigade"],
                country="ly", topics="sanction", target=True),
        _entity("Person", "NK-mohamed-al-kani", name="Mohammed al-Kani", country="ly", topics="sanction",
                target=True),
        _entity("Sanction", "ofac-kaniyat", entity="NK-kaniyat", program="GLOMAG", startDate="2020-11-25",
                authorityId="29001", **ofac),
        _entity("Sanction", "ofac-mohamed-al-kani", entity="NK-mohamed-al-kani", program="GLOMAG",
                listingDate="2020-11-25", **ofac),
        # Near the name of an actor the seed has, but not it: reviewed, never merged.
        _entity("Person", "NK-fixture-near", name="Mohamed al-Kanni", country="ly", topics="sanction", target=True),
        _entity("Sanction", "fixture-near", entity="NK-fixture-near", program="GLOMAG", **ofac),
        # Authorities the seed lacks: the UK's FCDO, the EU's Council, Switzerland's SECO, and the UN.
        _raw(_entity("Company", "NK-cst", name=["ООО СТ", "LLC CST"], alias="CST", country="ru",
                     innCode="7707083893", topics="sanction", target=True,
                     datasets=["gb_fcdo_sanctions", "eu_fsf", "ch_seco_sanctions"]), alias=[" ", ""]),
        _entity("Sanction", "gb-fcdo-cst", entity="NK-cst", authority="Foreign, Commonwealth and Development Office",
                country="gb", program="Russia", listingDate="2022-03-24", datasets=["gb_fcdo_sanctions"]),
        _entity("Sanction", "eu-fsf-cst", entity="NK-cst", authority="Council of the European Union", country="eu",
                program="RUSSIA", startDate="2022-06-03", datasets=["eu_fsf"]),
        _entity("Sanction", "ch-seco-cst", entity="NK-cst", authority="State Secretariat for Economic Affairs",
                country="ch", startDate="2022-06-08", datasets=["ch_seco_sanctions"]),
        _entity("Sanction", "unsc-kaniyat", entity="NK-kaniyat", authority="United Nations Security Council",
                country="zz", program="Libya", datasets=["un_sc_sanctions"]),
        # The network behind a listing: who owns and directs the sanctioned company.
        _entity("Person", "Q-owner", name="Ivan Ownerov", country="ru", datasets=["ru_egrul"]),
        _entity("Ownership", "own-cst", owner="Q-owner", asset="NK-cst", percentage="75", startDate="2019-04-01",
                datasets=["ru_egrul"]),
        _entity("Person", "Q-director", name="Petr Direktorov", datasets=["ru_egrul"]),
        _entity("Directorship", "dir-cst", director="Q-director", organization="NK-cst", role="General director",
                datasets=["ru_egrul"]),
        _entity("Family", "fam-kani", person="NK-mohamed-al-kani", relative="Q-brother", relationship="brother"),
        _entity("Person", "Q-brother", name="Abdelrahim al-Kani"),
        # A sanctioned vessel (an asset) and its owner.
        _entity("Vessel", "NK-vessel", name="SEA BREEZE", imoNumber="IMO9074729", flag="ly", topics="sanction",
                target=True),
        _entity("Sanction", "ofac-vessel", entity="NK-vessel", program="LIBYA3", **ofac),
        _entity("Ownership", "own-vessel", owner="NK-cst", asset="NK-vessel"),
        # Lists that are not sanctions: a debarment, a disqualification, an export control.
        _entity("Company", "NK-debarred", name="Debarred Supplies Ltd", topics="debarment", target=True,
                datasets=["us_sam_exclusions"]),
        _entity("Sanction", "sam-debarred", entity="NK-debarred", authority="General Services Administration",
                country="us", program="Reciprocal", datasets=["us_sam_exclusions"]),
        _entity("Person", "NK-disq", name="Director Disqualified", topics="corp.disqual", target=True,
                datasets=["gb_coh_disqualified"]),
        _entity("Sanction", "coh-disq", entity="NK-disq", authority="Companies House", country="gb",
                startDate="2021-01-10", endDate="2031-01-09", datasets=["gb_coh_disqualified"]),
        _entity("Company", "NK-export", name="Dual Use Trading", topics="export.control", target=True,
                datasets=["us_bis_denied"]),
        _entity("Sanction", "bis-export", entity="NK-export", authority="Bureau of Industry and Security",
                country="us", datasets=["us_bis_denied"]),
        # Left out: an address; a person neither listed nor linked to one.
        _entity("Address", "addr-1", full="Tarhuna, Libya", country="ly"),
        _entity("Person", "NK-not-listed", name="Someone Unlisted"),
    ]


def pep_entities() -> list[dict]:
    return [
        _entity("Person", "Q-minister", name="Minister Example", country="ly", topics="role.pep", target=True,
                datasets=["wd_peps"]),
        _entity("Position", "pos-defence", name="Minister of Defence of Libya", country="ly", datasets=["wd_peps"]),
        _entity("Occupancy", "occ-1", holder="Q-minister", post="pos-defence", startDate="2021-03-15",
                endDate="2022-03-01", status="ended", datasets=["wd_peps"]),
    ]


def _write(path, entities):
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in entities))
    return path


@pytest.fixture
def seeds(tmp_path):
    """A copy of the project's seed set, with the export beside it."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEED_DIR, folder)
    return folder, _write(tmp_path / "entities.ftm.json", fixture_entities())


def _run(folder, export, **kw):
    into = folder / "imports" / "opensanctions"
    return into, import_file(export, into, existing_actors(folder, exclude=into), version="20261130", **kw)


def _by_id(folder):
    dataset = read_dataset(folder)
    return dataset, {a.id: a for a in dataset.actors}, {r.id: r for r in dataset.relations if r.id.startswith("os-")}


def test_a_multi_authority_export_imports_beside_the_seed_and_passes_strict_validation(seeds):
    folder, export = seeds
    into, report = _run(folder, export)
    assert report.matched["NK-kaniyat"] == "kaniyat" and report.matched["NK-mohamed-al-kani"] == "mohamed-al-kani"
    assert report.matched["country us"] == "usa"                       # the seed's state, by iso3166
    assert report.matched["authority United Nations Security Council"] == "unsc"
    seed_set = SeedSet(folder)
    assert seed_set.check() == [] and seed_set.warnings == []
    _, actors, rels = _by_id(folder)
    # Every Sanction is a relation from its authority; the agency is PART_OF its state.
    sources = {rid: actors[r.source].name for rid, r in rels.items() if r.type in ("SANCTIONS", "LISTS")}
    assert sources["os-ofac-kaniyat"] == "Office of Foreign Assets Control"
    assert sources["os-gb-fcdo-cst"] == "Foreign, Commonwealth and Development Office"
    assert sources["os-eu-fsf-cst"] == "Council of the European Union"
    assert sources["os-unsc-kaniyat"] == "United Nations Security Council"
    part_of = {actors[r.source].name: actors[r.target] for r in rels.values() if r.type == "PART_OF"}
    assert part_of["Office of Foreign Assets Control"].id == "usa"
    assert (part_of["Foreign, Commonwealth and Development Office"].name,
            part_of["Foreign, Commonwealth and Development Office"].kind) == ("United Kingdom", "state")
    assert (part_of["Council of the European Union"].name,
            part_of["Council of the European Union"].kind) == ("European Union", "intergovernmental_body")
    assert part_of["State Secretariat for Economic Affairs"].name == "Switzerland"
    # The record behind each listing: program, datasets, first and last seen, dates.
    kaniyat = rels["os-ofac-kaniyat"]
    assert (kaniyat.type, str(kaniyat.start)) == ("SANCTIONS", "2020-11-25")
    assert kaniyat.properties == {"program": "GLOMAG", "datasets": "us_ofac_sdn", "first_seen": "2020-11-26",
                                  "last_seen": "2026-11-30"}
    assert [(e.document, e.paragraph, e.record) for e in kaniyat.evidence] == [
        ("doc-opensanctions-default-20261130", None, "ofac-kaniyat")]
    # The near name is reviewed, not merged.
    review = orjson.loads((into / "review-matches.json").read_bytes())
    assert ("NK-fixture-near", "mohamed-al-kani") in [(r["incoming"], r["candidate"]) for r in review]


def test_names_are_ftm_captions_and_identifiers_reach_the_crosswalk(seeds):
    folder, export = seeds
    _run(folder, export)
    _, actors, _ = _by_id(folder)
    cst = next(a for a in actors.values() if a.identifiers.get("opensanctions") == "NK-cst")
    assert cst.name == "LLC CST" and "ООО СТ" in cst.aliases and "CST" in cst.aliases
    assert cst.identifiers["inn"] == "7707083893"
    vessel = next(a for a in actors.values() if a.identifiers.get("opensanctions") == "NK-vessel")
    assert (vessel.kind, vessel.identifiers["imo"]) == ("asset", "IMO9074729")


def test_a_listing_that_is_not_a_sanction_is_told_apart(seeds):
    folder, export = seeds
    _run(folder, export)
    _, _, rels = _by_id(folder)
    kinds = {rid: (r.type, r.properties.get("listing")) for rid, r in rels.items() if r.type in ("SANCTIONS", "LISTS")}
    assert kinds["os-sam-debarred"] == ("LISTS", "debarment")
    assert kinds["os-coh-disq"] == ("LISTS", "disqualification")
    assert kinds["os-bis-export"] == ("LISTS", "export_control")
    assert kinds["os-ofac-vessel"] == ("SANCTIONS", None)
    assert str(rels["os-coh-disq"].end) == "2031-01-09"


def test_the_network_behind_a_listing_becomes_dated_relations(seeds):
    folder, export = seeds
    _, report = _run(folder, export)
    _, actors, rels = _by_id(folder)
    ties = {(r.type, actors[r.source].name, actors[r.target].name): r for r in rels.values()
            if r.type in ("OWNS", "DIRECTS", "FAMILY_OF")}
    owns = ties[("OWNS", "Ivan Ownerov", "LLC CST")]
    assert (str(owns.start), owns.properties["percentage"], owns.evidence[0].record) == ("2019-04-01", "75", "own-cst")
    assert ties[("DIRECTS", "Petr Direktorov", "LLC CST")].properties["role"] == "General director"
    assert ties[("FAMILY_OF", "Mohamed al-Kani", "Abdelrahim al-Kani")].properties["relationship"] == "brother"
    assert ("OWNS", "LLC CST", "SEA BREEZE") in ties
    assert report.became["Ownership → OWNS"] == 2 and report.became["Vessel → asset actors"] == 1
    assert report.skipped["Address (not imported)"] == 1
    assert report.skipped["Person (not listed, nor linked to a listed entity)"] == 1


def test_a_pep_export_imports_its_offices_and_says_what_it_held(seeds, tmp_path):
    folder, export = seeds
    _run(folder, export)                                   # a sanctions import beside it, default names
    into = folder / "imports" / "peps"
    report = import_file(_write(tmp_path / "peps.ftm.json", pep_entities()), into, existing_actors(folder, exclude=into))
    _, actors, rels = _by_id(folder)
    held = [r for r in rels.values() if r.type == "HOLDS_POSITION"]
    assert [(actors[r.source].name, actors[r.target].name, actors[r.target].kind, str(r.start), str(r.end))
            for r in held] == [("Minister Example", "Minister of Defence of Libya", "position", "2021-03-15",
                                "2022-03-01")]
    assert dict(report.became) == {"Person → person actors": 1, "Position → position actors": 1,
                                   "Occupancy → HOLDS_POSITION": 1}
    assert SeedSet(folder).check() == []      # two imports under default names: one document each


def test_imported_text_is_held_to_the_text_rule_and_the_exports_read(seeds, tmp_path, ontology):
    # Control, bidi and zero-width characters from the outside world are taken out at import,
    # with the record and field named; the graph then validates, and its XML exports parse.
    folder, export = seeds
    hostile = [_raw(_entity("Company", "NK-evil", name="Evil Corp", topics="sanction", target=True),
                    name=["Evil\x01\x02\x0b\x1f Corp"], alias=["Evil\u200b Holdings \u202eLtd"]),
               _entity("Sanction", "ofac-evil", entity="NK-evil", program="GLOMAG\u2066",
                       authority="Office of Foreign Assets Control", country="us")]
    _, report = _run(folder, _write(tmp_path / "hostile.ftm.json", fixture_entities() + hostile))
    cleaned = [w for w in report.warnings if "taken out" in w]
    assert any("os-evil-corp" in w and "aliases" in w for w in cleaned), cleaned
    assert any("'os-ofac-evil'" in w and "properties.program" in w for w in cleaned), cleaned
    assert SeedSet(folder).check() == []
    _, actors, rels = _by_id(folder)
    evil = next(a for a in actors.values() if a.identifiers.get("opensanctions") == "NK-evil")
    assert "Evil Holdings Ltd" in evil.aliases and rels["os-ofac-evil"].properties["program"] == "GLOMAG"
    import networkx as nx

    from conflictgraph.graph.export import FORMATS
    from conflictgraph.graph.service import GraphService
    from conflictgraph.graph.store.factory import open_store
    store = open_store(f"embedded:{tmp_path / 'graph'}")
    try:
        store.load(SeedSet(folder))
        whole = GraphService(store).whole_graph()
    finally:
        store.close()
    (tmp_path / "g.graphml").write_bytes(FORMATS["graphml"].write(whole, ontology))
    assert "Evil Corp" in {d.get("label") for _, d in nx.read_graphml(tmp_path / "g.graphml").nodes(data=True)}


def test_a_delta_is_applied_to_the_previous_import_of_the_dataset(seeds, tmp_path):
    folder, export = seeds
    into, _ = _run(folder, export)
    assert (into / SOURCE_FILE).is_file()
    delta = tmp_path / "entities.delta.json"
    delta.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in [
        {"op": "DEL", "entity": {"id": "bis-export"}},
        {"op": "MOD", "entity": _entity("Sanction", "ofac-vessel", entity="NK-vessel", program="LIBYA4",
                                        authority="Office of Foreign Assets Control", country="us")},
        {"op": "ADD", "entity": _entity("Sanction", "ofac-new", entity="NK-debarred", program="GLOMAG",
                                        authority="Office of Foreign Assets Control", country="us")},
    ]))
    _, report = _run(folder, delta)
    assert report.read_as.startswith("FtM entities (a delta applied to the previous import")
    _, _, rels = _by_id(folder)
    assert "os-bis-export" not in rels
    assert rels["os-ofac-vessel"].properties["program"] == "LIBYA4"
    assert rels["os-ofac-new"].type == "SANCTIONS"
    with gzip.open(into / SOURCE_FILE) as fh:     # the next delta applies to this state
        ids = {orjson.loads(line)["id"] for line in fh}
    assert "ofac-new" in ids and "bis-export" not in ids
    assert not list(folder.glob("imports/.*"))      # nothing left beside the folder


def test_the_nested_targets_file_reads_like_the_entities(seeds, tmp_path):
    folder, _ = seeds
    entities = {e["id"]: e for e in fixture_entities()}
    target = dict(entities["NK-kaniyat"])
    target["properties"] = dict(target["properties"], sanctions=[entities["ofac-kaniyat"]])
    nested = _write(tmp_path / "targets.nested.json", [target])
    _, report = _run(folder, nested)
    assert report.read_as == "FtM nested targets"
    _, _, rels = _by_id(folder)
    assert rels["os-ofac-kaniyat"].target == "kaniyat"


@pytest.mark.parametrize("text, message", [
    (b"id,schema,name\n1,Person,x\n", "line 1 is not JSON"),
    (b'[{"id": "x", "schema": "Person"}]\n', "line 1 is not a JSON object"),
    (b'{"name": "x"}\n', "line 1 is not an FtM entity (no 'schema')"),
])
def test_a_file_of_another_format_is_refused_with_the_formats_read(seeds, tmp_path, text, message):
    folder, _ = seeds
    bad = tmp_path / "file.json"
    bad.write_bytes(text)
    with pytest.raises(ImportFailed) as e:
        _run(folder, bad)
    assert message in str(e.value) and "the formats read are FtM entities" in str(e.value)
    assert "entities.ftm.json" in str(e.value)


def test_a_delta_without_a_previous_import_says_what_to_import_first(seeds, tmp_path):
    folder, _ = seeds
    delta = tmp_path / "entities.delta.json"
    delta.write_bytes(orjson.dumps({"op": "DEL", "entity": {"id": "x"}}) + b"\n")
    with pytest.raises(ImportFailed, match="import the dataset's entities.ftm.json into that folder first"):
        _run(folder, delta)


def test_importing_again_gives_the_same_records(seeds):
    folder, export = seeds
    into, _ = _run(folder, export)
    first = {p.name: p.read_bytes() for p in into.iterdir() if p.name != SOURCE_FILE}
    _run(folder, export)
    assert {p.name: p.read_bytes() for p in into.iterdir() if p.name != SOURCE_FILE} == first


def test_the_imported_relations_load_with_their_provenance(seeds, store):
    folder, export = seeds
    _run(folder, export)
    store.load(SeedSet(folder))
    service = GraphService(store)
    detail = service.relation("os-ofac-kaniyat")
    assert (detail["target"], detail["type"]) == ("kaniyat", "SANCTIONS")
    assert [(e["document"]["id"], e["document"]["publisher"], e["record"]) for e in detail["evidence"]] == [
        ("doc-opensanctions-default-20261130", "OpenSanctions", "ofac-kaniyat")]
    items, _ = service.relations(RelationFilter(target="kaniyat", types=["SANCTIONS"]))
    assert {r["id"] for r in items} == {"ly-usa-sanctions-kaniyat-2020", "os-ofac-kaniyat", "os-unsc-kaniyat"}
    # Sanctions alone: the debarment is not among them.
    items, _ = service.relations(RelationFilter(types=["SANCTIONS"]))
    assert "os-sam-debarred" not in {r["id"] for r in items}


@pytest.mark.parametrize("line, message", [
    (b'{"id": "x", "schema": "Person", "properties": {', "not a JSON object (unexpected end of data"),
    (b'{"id": "x", "schema": "Militia", "properties": {}}', "field 'schema': 'Militia' is not a FollowTheMoney schema"),
    (b'{"id": "x", "schema": "Person", "properties": {"rank": ["general"]}}',
     "field 'properties.rank': not a property of Person"),
    (b'{"schema": "Person", "properties": {}}', "field 'id': required"),
    (b'{"id": "x", "schema": "Person", "properties": {"name": "Solo"}}', "field 'properties.name': must be a list"),
    (b'{"id": "x", "schema": "Person", "properties": {"name": ["\xff"]}}', "not UTF-8"),
    (b'{"id": "s", "schema": "Sanction", "properties": {"entity": ["NK-kaniyat"], "country": ["xx"]}}',
     "field 'properties.country': 'xx' is not a country FollowTheMoney knows"),
])
def test_bad_input_names_the_line_and_field_and_writes_nothing(seeds, line, message):
    folder, export = seeds
    into, _ = _run(folder, export)
    before = {p.name: p.read_bytes() for p in into.iterdir()}
    lines = export.read_bytes().count(b"\n")
    export.write_bytes(export.read_bytes() + line + b"\n")
    with pytest.raises(ImportFailed) as e:
        _run(folder, export)
    assert f"{export}:{lines + 1}: " in str(e.value) and message in str(e.value), str(e.value)
    assert {p.name: p.read_bytes() for p in into.iterdir()} == before      # the previous import stands
    assert [p.name for p in into.parent.iterdir()] == ["opensanctions"]     # no half-written folder


def test_the_command_line_says_what_each_schema_became(seeds):
    folder, export = seeds
    result = CliRunner().invoke(app, ["import", "opensanctions", str(export), "--seeds", str(folder),
                                      "--into", str(folder / "imports" / "opensanctions")])
    assert result.exit_code == 0, result.output
    assert "imported:" in result.output and "Sanction → SANCTIONS" in result.output
    assert "Address (not imported)" in result.output
