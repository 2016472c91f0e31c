// How many outgoing relations one actor has under the API's filters (see actor_out_page).
// params: id, types, symmetric, source, target, either, as_of, since, until, confidences, statuses
MATCH (a:Actor {id: $id})-[r]->(b:Actor)
WITH a, r, b, type(r) AS type
// include: relation_filters — the API's filters, cypher/fragments/relation_filters.cypher
RETURN count(*) AS n
