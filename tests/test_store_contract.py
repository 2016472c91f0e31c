"""What every store must do, asserted on a real database loaded with the Libya seed data."""
from __future__ import annotations

from collections import Counter

import pytest

from conflictgraph.graph.errors import (MissingParameters, QueryAbandoned, QueryError, QuerySyntaxError, QueryTimeout,
                                       WriteRejected)
from seed_counts import ACTORS


def ids(result, column=0):
    return sorted(row[column] for row in result.rows)


def test_counts_match_the_seed_files(loaded_store, seed_dataset):
    st = loaded_store.stats()
    assert (st["actors"], st["relations"], st["documents"]) == (
        len(seed_dataset.actors), len(seed_dataset.relations), len(seed_dataset.documents))
    assert st["relations_by_type"] == dict(sorted(Counter(r.type for r in seed_dataset.relations).items()))
    assert st["actors_by_kind"] == dict(sorted(Counter(a.kind for a in seed_dataset.actors).items()))


def test_who_backs_haftar_forces(loaded_store):
    # The query from the schema contract, verbatim.
    r = loaded_store.query("MATCH (a:Actor)-[:BACKS]->(b:Actor {id: 'haftar-forces'}) RETURN a.id")
    assert ids(r) == ["egypt", "russia", "uae"]


def test_turkey_backs_the_gna(loaded_store):
    r = loaded_store.query("MATCH (a:Actor {id: 'turkey'})-[:BACKS]->(b:Actor) RETURN b.id")
    assert ids(r) == ["gna"]


def test_usa_sanctions_kaniyat_and_its_leader_from_2020_11_25(loaded_store):
    r = loaded_store.query(
        "MATCH (:Actor {id: 'usa'})-[s:SANCTIONS]->(t:Actor) "
        "RETURN t.id, s.start_date, s.start_precision, s.measures, s.program ORDER BY t.id")
    assert [row[:3] for row in r.rows] == [["kaniyat", "2020-11-25", "day"],
                                           ["mohamed-al-kani", "2020-11-25", "day"]]
    assert all("asset_freeze" in row[3] and "13818" in row[4] for row in r.rows)


def test_russia_blocks_the_committee_with_kaniyat_among_the_targets(loaded_store):
    r = loaded_store.query(
        "MATCH (:Actor {id: 'russia'})-[b:BLOCKS]->(c:Actor) RETURN c.id, b.targets, b.start_date")
    assert len(r.rows) == 1
    committee, targets, start = r.rows[0]
    assert committee == "unsc-libya-sanctions-committee"
    assert "kaniyat" in targets and start == "2020-11-20"


def test_relations_can_be_filtered_by_cited_document(loaded_store):
    r = loaded_store.query("MATCH (a:Actor)-[r:BACKS]->(b:Actor) WHERE $doc IN r.document_ids RETURN r.id",
                           {"doc": "doc-6950a10e312c0b1f"})
    assert len(r.rows) == 4


def test_symmetric_relations_are_stored_once_and_found_from_either_end(loaded_store):
    out = loaded_store.query("MATCH (:Actor {id: 'haftar-forces'})-[r:FIGHTS]-(x:Actor) RETURN x.id")
    assert ids(out) == ["gna"]
    assert loaded_store.query("MATCH ()-[r:FIGHTS]->() RETURN count(*)").rows == [[2]]


def test_parameters_are_bound_and_missing_ones_are_an_error(loaded_store):
    r = loaded_store.query("MATCH (a:Actor {id: $id}) RETURN a.name", {"id": "kaniyat"})
    assert r.rows == [["Kaniyat militia"]]
    with pytest.raises(MissingParameters, match=r"missing parameter\(s\): \$id"):
        loaded_store.query("MATCH (a:Actor {id: $id}) RETURN a.name")
    # A $ inside a string or a comment is not a parameter.
    r = loaded_store.query("MATCH (a:Actor {id: 'usa'}) // costs $5\nRETURN a.name, '$notaparam'")
    assert r.rows == [["United States", "$notaparam"]]


@pytest.mark.parametrize("procedure", [
    "CALL dbms.components() YIELD name RETURN name",
    "CALL apoc.load.json('file:///etc/passwd') YIELD value RETURN value",
    "CALL threads = 1",
    "CALL `db`.`createLabel`('X')",
])
def test_procedures_outside_the_allow_list_are_refused(loaded_store, procedure):
    with pytest.raises(WriteRejected, match="is not allowed in research queries"):
        loaded_store.query(procedure)


@pytest.mark.parametrize("write", [
    "CREATE (:Actor {id: 'x'})",
    "MATCH (a:Actor {id: 'usa'}) SET a.name = 'x'",
    "MATCH (a:Actor {id: 'usa'}) DETACH DELETE a",
    "MERGE (a:Actor {id: 'usa'}) RETURN a",
    "MATCH (a:Actor {id: 'usa'}) REMOVE a.name",
    "MATCH (a:Actor {id: 'usa'}), (b:Actor {id: 'gna'}) CREATE (a)-[:BACKS {id: 'x'}]->(b)",
    "MATCH (a:Actor) /* hidden */ cReAtE (:Actor {id: 'y'})",
    "LOAD FROM '/etc/passwd' RETURN *",
    "COPY (MATCH (a:Actor) RETURN a.id) TO '/tmp/actors.csv'",
    "CALL { CREATE (:Actor {id: 'z'}) } RETURN 1",
])
def test_research_queries_cannot_write(loaded_store, write):
    before = loaded_store.stats()
    with pytest.raises(WriteRejected, match="writes are not allowed"):
        loaded_store.query(write)
    assert loaded_store.stats() == before
    assert loaded_store.query("MATCH (a:Actor {id: 'usa'}) RETURN a.name").rows == [["United States"]]


def test_keywords_inside_strings_names_and_properties_are_not_clauses(loaded_store):
    r = loaded_store.query("MATCH (a:Actor {id: 'usa'}) RETURN 'CREATE or SET' AS `set`, a.id AS create_id")
    assert r.rows == [["CREATE or SET", "usa"]]


def test_the_engine_refuses_writes_too(loaded_store):
    """Defence in depth: whatever the lexical check misses, the engine's own verdict stops a
    write (the embedded store's read-only connection; Neo4j's EXPLAIN query type)."""
    with pytest.raises(WriteRejected):
        loaded_store.engine_read_only_check("CREATE (:Actor {id: 'x'})")
    loaded_store.engine_read_only_check("MATCH (a:Actor) RETURN a.id")  # reads pass


def test_one_statement_at_a_time(loaded_store):
    with pytest.raises(QueryError, match="one statement at a time"):
        loaded_store.query("MATCH (a:Actor) RETURN a.id; MATCH (b:Actor) RETURN b.id")
    # A semicolon inside a string is not a separator.
    assert loaded_store.query("RETURN 'a;b' AS s").rows == [["a;b"]]


@pytest.mark.parametrize("text, line, columns", [
    ("MATCH (a:Actor)\nRETURN a.id LIMIT", 2, {18}),
    # Columns of line 1 are the user's, although the Neo4j store classifies "EXPLAIN " + text.
    ("MATCH (a:Actor) RETURN a LIMIT", 1, {31}),
    ("MATCH (a:Actor) RETRN a", 1, {17}),
])
def test_syntax_errors_say_where(loaded_store, text, line, columns):
    with pytest.raises(QuerySyntaxError) as info:
        loaded_store.query(text)
    assert info.value.line == line and info.value.column in columns
    assert "EXPLAIN" not in str(info.value)


def test_row_limit_truncates(loaded_store):
    r = loaded_store.query("MATCH (a:Actor) RETURN a.id", row_limit=5)
    assert len(r.rows) == 5 and r.truncated
    r = loaded_store.query("MATCH (a:Actor) RETURN a.id", row_limit=100)
    assert len(r.rows) == ACTORS and not r.truncated


def test_a_runaway_query_is_stopped_by_the_timeout(loaded_store):
    with pytest.raises(QueryTimeout):
        loaded_store.query("UNWIND range(1, 1000000) AS x UNWIND range(1, 1000000) AS y RETURN count(*)",
                           timeout_ms=200)
    assert loaded_store.query("RETURN 1").rows == [[1]]  # the store still answers afterwards


def test_a_research_query_whose_client_left_is_stopped_at_once(loaded_store):
    """Not at its time limit: 60 clients that sent a 12 s query and left kept the service's
    research lane busy for 108 s after they had gone. Each store stops the query itself
    (the embedded store kills its worker; Neo4j terminates its transaction)."""
    import threading
    left = threading.Event()
    threading.Timer(1.0, left.set).start()
    runaway = "UNWIND range(1, 1000000) AS x UNWIND range(1, 1000000) AS y RETURN count(*)"
    with pytest.raises(QueryAbandoned, match="client went away"):
        loaded_store.research_query(runaway, timeout_ms=120_000, cancelled=left.is_set)
    if loaded_store.dialect == "neo4j":   # nothing of it is left running on the server
        running = loaded_store._driver.execute_query(
            "SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery = $q RETURN count(*)",
            q=runaway, database_=loaded_store.database).records[0][0]
        assert running == 0
    # a query whose client left before it started is not run at all
    with pytest.raises(QueryAbandoned, match="while it waited"):
        loaded_store.research_query("RETURN 1", cancelled=lambda: True)
    assert loaded_store.research_query("RETURN 1 AS one").rows == [[1]]


def test_the_version_is_what_was_loaded(store, seed_dataset, mini_dir):
    # Answers derived from a published graph (analytics, ETags) are kept per version, and a
    # paper cites it: the same data is the same version, whoever loads it and when.
    from conflictgraph.graph.dataset import read_dataset
    store.load(seed_dataset)
    first = store.version()
    assert first is not None and store.version() == first
    store.load(read_dataset(mini_dir))
    second = store.version()
    assert second not in (None, first)
    again = store.load(seed_dataset)
    assert store.version() == first == again.version and not again.unchanged
    assert store.load(seed_dataset).unchanged   # already the current version: nothing written
    assert [v["id"] for v in store.versions()][:3] == [first, second, first]
