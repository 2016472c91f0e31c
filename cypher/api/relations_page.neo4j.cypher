// A page of the relations matching the API's filters, ordered by id.
// params: types, symmetric, source, target, either, as_of, since, until, confidences, statuses, offset, limit
MATCH (a:Actor)-[r]->(b:Actor)
WITH a, r, b, type(r) AS type
// include: relation_filters — the API's filters, cypher/fragments/relation_filters.cypher
RETURN a.id AS source, b.id AS target, r {.*, _type: type} AS rel
ORDER BY r.id
SKIP $offset LIMIT $limit
