// The relations of found paths, by the keys the paths query returned: element ids, which
// Neo4j looks up directly (relations_by_id filters every relation: Neo4j indexes
// relationship properties per type only, and these may be of any type).
// params: keys
MATCH (a:Actor)-[r]->(b:Actor)
WHERE elementId(r) IN $keys
RETURN a.id AS source, b.id AS target, r {.*, _type: type(r)} AS rel
