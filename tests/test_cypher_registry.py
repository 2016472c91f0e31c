"""The named-query files in cypher/ are documented and declare the parameters they use."""
from conflictgraph.graph.cypher import registry
from conflictgraph.graph.cypher_text import parameter_names, statements, write_or_io_clauses


def test_every_named_query_is_documented_and_declares_its_parameters():
    queries = registry()
    assert {"stats_actors_by_kind", "stats_relations_by_type", "stats_documents"} <= set(queries)
    for q in queries.values():
        assert q.summary, f"{q.name} has no summary comment"
        for dialect, text in q.texts.items():
            used, declared = parameter_names(text), set(q.params)
            assert used <= declared, f"{q.files[dialect]}: undeclared parameters {used - declared}"
            # Declared but unused only where code fills a placeholder that uses them.
            assert used == declared or "__" in text, f"{q.files[dialect]}: params line is wrong"
            assert len(statements(text)) == 1, f"{q.files[dialect]}: one statement per file"


def test_dialect_files_override_the_portable_text():
    q = registry()["stats_relations_by_type"]
    assert "label(r)" in q.text("embedded") and "type(r)" in q.text("neo4j")


def test_parameter_and_clause_scanning_ignore_strings_comments_and_names():
    text = "MATCH (a {id: $id}) // $hidden CREATE\nWHERE a.name <> '$x SET' RETURN a.set AS `create`, $`odd name`"
    assert parameter_names(text) == {"id", "odd name"}
    assert write_or_io_clauses(text) == []
    assert write_or_io_clauses("MATCH (a) DETACH DELETE a") == ["DETACH", "DELETE"]
