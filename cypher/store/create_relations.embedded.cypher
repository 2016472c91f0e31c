// Create one batch of relations of type __TYPE__ in a fresh embedded database.
// Two MATCH clauses, not `MATCH (a ...), (b ...)`: the comma form is ~500x slower here.
// __TYPE__ and __PROPERTIES__ are filled from the ontology (never from input).
// params: rows
UNWIND $rows AS row
MATCH (a:Actor {id: row.source})
MATCH (b:Actor {id: row.target})
CREATE (a)-[:__TYPE__ {__PROPERTIES__}]->(b)
