// Relations by id, with their true direction.
// params: ids
MATCH (a:Actor)-[r]->(b:Actor)
WHERE r.id IN $ids
RETURN a.id AS source, b.id AS target, r AS rel
