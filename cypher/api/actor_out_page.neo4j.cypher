// One actor's outgoing relations (the first $limit by id), with the API's filters, looked up through the primary key
// (a single id in the pattern: under a millisecond where WHERE ... IN scans).
// params: id, types, symmetric, source, target, either, as_of, since, until, confidences, statuses, limit
MATCH (a:Actor {id: $id})-[r]->(b:Actor)
WITH a, r, b, type(r) AS type
// include: relation_filters — the API's filters, cypher/fragments/relation_filters.cypher
RETURN a.id AS source, b.id AS target, r {.*, _type: type} AS rel
ORDER BY r.id
LIMIT $limit
