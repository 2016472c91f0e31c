// Create or update one batch of __TYPE__ relations by id (type from the ontology, never
// input); load_id marks what this load wrote.
// params: rows, load_id
UNWIND $rows AS row
MATCH (a:Actor {id: row.source})
MATCH (b:Actor {id: row.target})
MERGE (a)-[r:__TYPE__ {id: row.id}]->(b)
SET r = row.props, r.load_id = $load_id
