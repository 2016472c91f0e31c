// Relations whose target is one of $ids (see relations_from).
// params: ids, types, symmetric, source, target, either, as_of, since, until, confidences, statuses
MATCH (a:Actor)-[r]->(b:Actor)
WHERE b.id IN $ids
WITH a, r, b, type(r) AS type
// include: relation_filters — the API's filters, cypher/fragments/relation_filters.cypher
RETURN a.id AS source, b.id AS target, r {.*, _type: type} AS rel
