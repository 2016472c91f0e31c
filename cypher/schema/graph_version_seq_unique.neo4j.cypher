// One GraphVersion node per publication (cypher/store/record_version.neo4j.cypher).
CREATE CONSTRAINT graph_version_seq_unique IF NOT EXISTS FOR (v:GraphVersion) REQUIRE v.seq IS UNIQUE
