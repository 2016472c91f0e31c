// How many relations match the API's filters.
// params: types, symmetric, source, target, either, as_of, since, until, confidences, statuses
MATCH (a:Actor)-[r]->(b:Actor)
WITH a, r, b, type(r) AS type
// include: relation_filters — the API's filters, cypher/fragments/relation_filters.cypher
RETURN count(*) AS n
