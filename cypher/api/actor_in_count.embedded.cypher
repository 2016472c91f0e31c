// How many incoming relations one actor has under the API's filters (see actor_in_page).
// params: id, types, symmetric, source, target, either, as_of, since, until, confidences, statuses
MATCH (a:Actor)-[r]->(b:Actor {id: $id})
WITH a, r, b, label(r) AS type
// include: relation_filters — the API's filters, cypher/fragments/relation_filters.cypher
RETURN count(*) AS n
