// Relations touching any of the given actors (one ring of a subgraph), with the API's filters.
// params: ids, types, symmetric, source, target, either, as_of, since, until, confidences, statuses
MATCH (a:Actor)-[r]->(b:Actor)
WHERE a.id IN $ids OR b.id IN $ids
WITH a, r, b, type(r) AS type
__RELATION_FILTERS__
RETURN a.id AS source, b.id AS target, r AS rel
ORDER BY r.id
