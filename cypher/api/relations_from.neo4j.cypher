// Relations whose source is one of $ids (one ring of a subgraph), with the API's filters.
// A list of ids: WHERE ... IN. (UNWIND $ids ... MATCH (a {id: x}) is ~100x slower on the
// embedded engine.)
// params: ids, types, symmetric, source, target, either, as_of, since, until, confidences, statuses
MATCH (a:Actor)-[r]->(b:Actor)
WHERE a.id IN $ids
WITH a, r, b, type(r) AS type
// include: relation_filters — the API's filters, cypher/fragments/relation_filters.cypher
RETURN a.id AS source, b.id AS target, r AS rel
