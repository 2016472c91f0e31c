import pytest
import yaml

from conflictgraph.graph.errors import OntologyError
from conflictgraph.graph.ontology import parse_ontology
from conflictgraph.graph.paths import ONTOLOGY_FILE

REQUIRED_KINDS = {"state", "government", "armed_group", "person", "family", "government_agency",
                  "intergovernmental_body", "organization"}


def test_required_actor_kinds_exist(ontology):
    assert REQUIRED_KINDS <= set(ontology.actor_kinds)


@pytest.mark.parametrize("name,directed,polarity", [
    ("BACKS", True, 1), ("SANCTIONS", True, -1), ("BLOCKS", True, -1),
    ("PROPOSES_SANCTIONS", True, -1), ("ALLIED_WITH", False, 1), ("FIGHTS", False, -1),
    ("LEADS", True, 0), ("PART_OF", True, 0), ("ACCUSES", True, -1),
])
def test_relation_types_have_direction_and_polarity(ontology, name, directed, polarity):
    rt = ontology.relation_types[name]
    assert (rt.directed, rt.polarity) == (directed, polarity)
    assert rt.description and rt.source_kinds and rt.target_kinds


def test_type_properties_match_the_contract(ontology):
    rts = ontology.relation_types
    assert set(rts["BACKS"].properties["support"].values) == {
        "troops", "troop_presence", "weapons", "funding", "training", "intelligence", "political", "territory",
        "infrastructure", "materiel", "other", "unspecified"}
    assert set(rts["BACKS"].properties) == {"support", "coalition", "both_sides"}
    assert "state" in rts["BACKS"].target_kinds     # UCDP codes support to governments the seed keeps as states
    assert set(rts["SANCTIONS"].properties) == {"program", "measures", "datasets", "first_seen", "last_seen"}
    assert list(rts["LISTS"].properties["listing"].values) == [
        "debarment", "export_control", "disqualification", "travel_ban", "other"]
    assert {"asset", "position"} <= set(ontology.actor_kinds)
    assert set(rts["SANCTIONS"].properties["measures"].values) == {
        "asset_freeze", "travel_ban", "business_prohibition", "arms_embargo"}
    assert set(rts["BLOCKS"].properties) == {"blocked_action", "targets", "reason"}
    assert rts["BLOCKS"].properties["targets"].type == "actor_ref_list"
    assert rts["PROPOSES_SANCTIONS"].properties["forum"].type == "actor_ref"
    assert "allegations" in rts["ACCUSES"].properties


def test_a_kind_group_naming_an_unknown_kind_is_an_ontology_error():
    data = yaml.safe_load(ONTOLOGY_FILE.read_text())
    data["kind_groups"]["belligerent"].append("nation")
    with pytest.raises(OntologyError, match="kind_groups.belligerent: unknown actor kind or kind group 'nation'"):
        parse_ontology(data, ONTOLOGY_FILE)


def test_a_property_name_cannot_change_type_between_relation_types():
    data = yaml.safe_load(ONTOLOGY_FILE.read_text())
    data["relation_types"]["PROPOSES_SANCTIONS"]["properties"]["measures"]["type"] = "string"
    with pytest.raises(OntologyError, match="properties.measures: type"):
        parse_ontology(data, ONTOLOGY_FILE)


@pytest.mark.parametrize("where", ["type", "property"])
def test_names_that_become_cypher_identifiers_must_be_identifiers(where):
    """A type or property name is written into Cypher texts (relationship types, tables,
    columns) where no parameter can stand: anything but a plain identifier is refused, at
    the ontology and again where a text is filled (graph/cypher.py)."""
    data = yaml.safe_load(ONTOLOGY_FILE.read_text())
    bad = "BACKS]->() DETACH DELETE (x"
    if where == "type":
        data["relation_types"][bad] = data["relation_types"].pop("BACKS")
    else:
        data["relation_types"]["BACKS"]["properties"]["support; x"] = \
            data["relation_types"]["BACKS"]["properties"].pop("support")
    with pytest.raises(OntologyError, match="is not a plain identifier"):
        parse_ontology(data, ONTOLOGY_FILE)


def test_placeholders_are_filled_with_identifiers_only():
    from conflictgraph.graph.cypher import query_text
    assert "[r:BACKS {id: row.id}]" in query_text("upsert_relations", "neo4j", type="BACKS")
    for value in ("BACKS]->(b) DETACH DELETE b //", "BACKS`", "", "1ABC"):
        with pytest.raises(ValueError, match="not a plain identifier"):
            query_text("upsert_relations", "neo4j", type=value)
    with pytest.raises(ValueError, match="list literal of quoted paths"):
        query_text("copy_from", "embedded", table="Actor", files="['a.parquet'] RETURN 1")
